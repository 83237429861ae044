import { dirname, resolve } from 'node:path';
import { stringify } from 'smol-toml';
import { parseFleet } from './fleet.js';
import { resolveTestbedPaths } from './testbed-paths.js';

export interface ImportResult {
  /** The fleet file text (validated by the same schema the supervisor uses). */
  toml: string;
  programs: string[];
  groups: string[];
  /** Settings that have no equivalent, or sections skipped; also written as comments. */
  notes: string[];
}

export class SupervisordImportError extends Error {
  override name = 'SupervisordImportError';
}

interface Section {
  name: string;
  line: number;
  values: Map<string, { value: string; line: number }>;
}

/** supervisord's INI dialect: `;`/`#` comments (inline after whitespace), indented continuations. */
function parseIni(text: string, file: string): Section[] {
  const sections: Section[] = [];
  let current: Section | undefined;
  let lastKey: string | undefined;
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = i + 1;
    if (/^\s*([;#].*)?$/.test(raw)) return;
    const header = /^\[([^\]]+)\]\s*([;#].*)?$/.exec(raw);
    if (header) {
      current = { name: header[1]!.trim(), line, values: new Map() };
      sections.push(current);
      lastKey = undefined;
      return;
    }
    const stripped = raw.replace(/\s+;.*$/, '');
    if (/^\s/.test(raw) && current && lastKey) {
      const prev = current.values.get(lastKey)!;
      prev.value += `\n${stripped.trim()}`;
      return;
    }
    const kv = /^([^=:]+?)\s*[=:]\s*(.*)$/.exec(stripped);
    if (!kv || !current)
      throw new SupervisordImportError(`${file}:${line}: cannot parse "${raw.trim()}"`);
    lastKey = kv[1]!.trim().toLowerCase();
    current.values.set(lastKey, { value: kv[2]!.trim(), line });
  });
  return sections;
}

/**
 * `%(ENV_X)s` becomes `${X}`, expanded by the supervisor at spawn time from its environment unless
 * the import resolves it (`resolveTestbedPaths`); `%(here)s`, `%(program_name)s` and
 * `%(group_name)s` are known now and expanded; `%(process_num)d` becomes `${SWF_PROCESS_NUM}`.
 */
function expand(value: string, ctx: { here: string; program: string }): string {
  return value
    .replace(/%\(ENV_([A-Za-z_][A-Za-z0-9_]*)\)s/g, (_, n: string) => `\${${n}}`)
    .replace(/%\(here\)s/g, ctx.here)
    .replace(/%\((program_name|group_name)\)s/g, ctx.program)
    .replace(/%\(process_num\)0?\d*d/g, '${SWF_PROCESS_NUM}')
    .replace(/%%/g, '%');
}

/** POSIX-shell-like word splitting (quotes and backslashes), as supervisord's shlex.split. */
export function splitCommand(command: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < command.length; i++) {
    const c = command[i]!;
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"' && i + 1 < command.length) word += command[++i];
      else word += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      inWord = true;
    } else if (c === '\\' && i + 1 < command.length) {
      word += command[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (quote) throw new Error(`unterminated ${quote} quote`);
  if (inWord) words.push(word);
  return words;
}

/** `KEY="v",KEY2=v2` (values may be quoted and contain commas inside quotes). */
function parseEnvironment(value: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*("(?:[^"\\]|\\.)*"|'[^']*'|[^,]*)\s*(,|$)/gy;
  let m: RegExpExecArray | null;
  let end = 0;
  while (end < value.length && (m = re.exec(value))) {
    let v = m[2]!;
    if (v.startsWith('"')) v = v.slice(1, -1).replace(/\\(.)/g, '$1');
    else if (v.startsWith("'")) v = v.slice(1, -1);
    else v = v.trim();
    out[m[1]!] = v;
    end = re.lastIndex;
    if (m[3] === '') break;
  }
  if (end < value.replace(/\s+$/, '').length)
    throw new Error(`cannot parse environment "${value}"`);
  return out;
}

function bytes(value: string): number {
  const m = /^(\d+)\s*(KB|MB|GB)?$/i.exec(value.trim());
  if (!m) throw new Error(`not a size: "${value}"`);
  const mult = { KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3 }[(m[2] ?? '').toUpperCase()] ?? 1;
  return Number(m[1]) * mult;
}

const num = (v: string) => {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n)) throw new Error(`not a number: "${v}"`);
  return n;
};

const bool = (v: string) => {
  const s = v.toLowerCase();
  if (['true', 'yes', 'on', '1'].includes(s)) return true;
  if (['false', 'no', 'off', '0'].includes(s)) return false;
  throw new Error(`not a boolean: "${v}"`);
};

const IGNORED = new Set([
  'process_name',
  'stdout_logfile',
  'stderr_logfile',
  'redirect_stderr',
  'stderr_logfile_maxbytes',
  'stderr_logfile_backups',
  'stdout_capture_maxbytes',
  'stderr_capture_maxbytes',
  'stdout_events_enabled',
  'stderr_events_enabled',
  'priority',
  'umask',
  'killasgroup',
  'stopasgroup',
  'serverurl',
]);

/** Converts the `[program:x]` and `[group:x]` sections of a supervisord config to a fleet file. */
export function importSupervisord(
  text: string,
  file: string,
  env: NodeJS.ProcessEnv = process.env,
): ImportResult {
  const here = dirname(resolve(file));
  const notes: string[] = [];
  const programs: Record<string, Record<string, unknown>> = {};
  const groups: Record<string, { programs: string[] }> = {};
  const ignoredKeys = new Set<string>();
  const skipped: string[] = [];
  for (const section of parseIni(text, file)) {
    const [kind, name] = section.name.split(':', 2) as [string, string | undefined];
    if ((kind === 'program' || kind === 'group') && !name)
      throw new SupervisordImportError(
        `${file}:${section.line}: section [${section.name}] has no name`,
      );
    if (kind === 'group') {
      const list = section.values.get('programs')?.value ?? '';
      groups[name!] = {
        programs: list
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
      };
      continue;
    }
    if (kind !== 'program') {
      skipped.push(`[${section.name}]`);
      continue;
    }
    const p: Record<string, unknown> = {};
    const ctx = { here, program: name! };
    for (const [key, { value: rawValue, line }] of section.values) {
      const value = expand(rawValue, ctx);
      const where = `${file}:${line}: [program:${name}] ${key}`;
      try {
        switch (key) {
          case 'command': {
            const [command, ...args] = splitCommand(value);
            if (!command) throw new Error('empty command');
            p.command = command;
            if (args.length) p.args = args;
            break;
          }
          case 'directory':
            p.cwd = value;
            break;
          case 'environment':
            p.env = parseEnvironment(value);
            break;
          case 'autostart':
            p.autostart = bool(value);
            break;
          case 'autorestart':
            p.autorestart = value.toLowerCase() === 'unexpected' ? 'unexpected' : bool(value);
            break;
          case 'exitcodes':
            p.exitcodes = value.split(',').map((s) => num(s.trim()));
            break;
          case 'startsecs':
          case 'startretries':
          case 'stopwaitsecs':
          case 'numprocs':
            p[key] = num(value);
            break;
          case 'stopsignal':
            p.stopsignal = value.toUpperCase();
            break;
          case 'stdout_logfile_maxbytes':
            p.log_max_bytes = bytes(value);
            break;
          case 'stdout_logfile_backups':
            p.log_backups = num(value);
            break;
          default:
            if (IGNORED.has(key)) ignoredKeys.add(key);
            else notes.push(`[program:${name}] ${key}=${rawValue} has no equivalent; left out`);
        }
      } catch (err) {
        throw new SupervisordImportError(`${where}: ${(err as Error).message}`);
      }
    }
    notes.push(...resolveTestbedPaths(name!, p, { here, env }));
    programs[name!] = p;
  }
  if (skipped.length)
    notes.unshift(`${skipped.join(', ')} skipped (the control center is its own supervisord)`);
  if (ignoredKeys.size)
    notes.push(
      `${[...ignoredKeys].join(', ')} left out: each program's output goes to the store and <data dir>/logs/<program>.log; process groups are always signalled`,
    );
  const uniqueNotes = [...new Set(notes)];
  const body = stringify({ programs, groups });
  const toml = `# Imported from ${file} by swf-control-center import-supervisord.\n# \${NAME} is expanded from the environment when a program starts.\n${uniqueNotes.map((n) => `# note: ${n}\n`).join('')}\n${body}\n`;
  parseFleet(toml, `${file} (imported)`);
  return { toml, programs: Object.keys(programs), groups: Object.keys(groups), notes: uniqueNotes };
}
