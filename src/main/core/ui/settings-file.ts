import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'smol-toml';
import type { SettingsResult } from '../../../shared/ui-protocol.js';
import { caFileProblem } from './ca-file.js';
import { type Config, ConfigError, type ConfigInput, mergeConfig, parseConfig } from '../config.js';

/** The settings the UI may change; every other key of the file is kept but not editable there. */
const EDITABLE: Record<string, readonly string[]> = {
  '': ['namespace', 'port'],
  broker: ['mode', 'url', 'port', 'login', 'passcode', 'caFile'],
  liveness: ['aliveSeconds', 'exitedAfterSeconds', 'sweepSeconds'],
};

export const settingsFilePath = (dataDir: string) => join(dataDir, 'config.toml');

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function readSettingsFile(dataDir: string): ConfigInput {
  const path = settingsFilePath(dataDir);
  if (!existsSync(path)) return {};
  const parsed = parse(readFileSync(path, 'utf8'));
  return isObject(parsed) ? parsed : {};
}

/** Rejects keys the settings view does not own, so a typo is an error and not a silent no-op. */
function checkKeys(values: Record<string, unknown>): string[] {
  const errors: string[] = [];
  for (const [key, value] of Object.entries(values)) {
    if (isObject(value)) {
      const allowed = Object.hasOwn(EDITABLE, key) ? EDITABLE[key] : undefined;
      if (!allowed) {
        errors.push(`"${key}" cannot be changed here`);
        continue;
      }
      for (const sub of Object.keys(value))
        if (!allowed.includes(sub)) errors.push(`"${key}.${sub}" cannot be changed here`);
    } else if (!EDITABLE['']!.includes(key)) errors.push(`"${key}" cannot be changed here`);
  }
  return errors;
}

/**
 * The editable keys present in `given` whose value differs from what the running core uses.
 * Only keys the file sets are compared: a value that came from a flag or the environment is not
 * the file's to change (and flags and environment still win over the file at the next start).
 */
function pendingRestart(running: Config, given: ConfigInput): string[] {
  const out: string[] = [];
  const runningAt = (section: string, key: string): unknown =>
    section
      ? (running[section as 'broker' | 'liveness'] as Record<string, unknown>)[key]
      : (running as unknown as Record<string, unknown>)[key];
  for (const [section, keys] of Object.entries(EDITABLE)) {
    const from = section ? given[section] : given;
    if (!isObject(from)) continue;
    for (const key of keys) {
      if (!(key in from)) continue;
      if (JSON.stringify(from[key]) !== JSON.stringify(runningAt(section, key)))
        out.push(section ? `${section}.${key}` : key);
    }
  }
  return out;
}

function effectiveOf(cfg: Config): Record<string, unknown> {
  return {
    namespace: cfg.namespace,
    port: cfg.port,
    broker: { ...cfg.broker },
    liveness: { ...cfg.liveness },
  };
}

/**
 * The settings view's backend: reads and writes `<dataDir>/config.toml`, validating the merged
 * result with the core's own config schema. The core reads its config once at start, so every
 * change takes effect on the next start; the answer lists which keys wait for that restart.
 */
export function createSettings(running: Config) {
  const dataDir = running.dataDir;
  const file = settingsFilePath(dataDir);
  const validate = (input: ConfigInput) =>
    parseConfig(mergeConfig(input, { dataDir }), `settings (${file})`);

  return {
    get(): SettingsResult {
      const saved = readSettingsFile(dataDir);
      return {
        file,
        effective: effectiveOf(running),
        saved,
        restartRequired: pendingRestart(running, saved),
      };
    },

    set(values: Record<string, unknown>): SettingsResult {
      const keyErrors = checkKeys(values);
      if (keyErrors.length) throw new ConfigError(`invalid settings: ${keyErrors.join('; ')}`);
      const saved = mergeConfig(readSettingsFile(dataDir), values);
      // Empty strings mean "unset" for optional text fields (a cleared input box).
      if (isObject(saved.broker))
        for (const k of ['url', 'caFile'])
          if (saved.broker[k] === '') delete (saved.broker as Record<string, unknown>)[k];
      validate(saved);
      const caFile = isObject(values.broker) ? values.broker.caFile : undefined;
      if (typeof caFile === 'string' && caFile !== '') {
        const problem = caFileProblem(caFile);
        if (problem) throw new ConfigError(`invalid settings: broker.caFile: ${problem}`);
      }
      const tmp = `${file}.tmp`;
      writeFileSync(
        tmp,
        `# Written by SWF Control Center's settings view.\n${stringify(saved)}\n`,
        {
          mode: 0o600,
        },
      );
      renameSync(tmp, file);
      return {
        file,
        effective: effectiveOf(running),
        saved,
        restartRequired: pendingRestart(running, saved),
      };
    },
  };
}
