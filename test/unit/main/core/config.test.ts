import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseConfig } from '../../../../src/main/core/config.js';
import { tempDir } from '../../../helpers/temp-dir.js';

describe('config', () => {
  const dirs: { remove(): void }[] = [];
  afterEach(() => dirs.splice(0).forEach((d) => d.remove()));

  it('has the design defaults', () => {
    const cfg = parseConfig({ dataDir: '/tmp/x' });
    expect(cfg.port).toBe(8002);
    expect(cfg.host).toBe('127.0.0.1');
    expect(cfg.broker).toMatchObject({ mode: 'embedded', port: 61612 });
    expect(cfg.workflowTopic).toBe('/topic/epictopic');
    expect(cfg.workflowControlQueue).toBe('/queue/workflow_control');
    expect(cfg.liveness).toMatchObject({ aliveSeconds: 300, exitedAfterSeconds: 180 });
    expect(cfg.namespace).toMatch(/-laptop$/);
  });

  it('layers file < environment < flags', () => {
    const d = tempDir();
    dirs.push(d);
    const file = join(d.path, 'config.toml');
    writeFileSync(file, 'port = 9000\nnamespace = "from-file"\n[liveness]\naliveSeconds = 60\n');
    const cfg = loadConfig({
      file,
      env: { SWF_CC_PORT: '9001', SWF_CC_DATA_DIR: d.path },
      flags: { port: 9002 },
    });
    expect(cfg.port).toBe(9002);
    expect(cfg.namespace).toBe('from-file');
    expect(cfg.liveness.aliveSeconds).toBe(60);
    expect(cfg.liveness.exitedAfterSeconds).toBe(180);
    expect(cfg.dataDir).toBe(d.path);
  });

  it('names the bad key', () => {
    expect(() => parseConfig({ dataDir: '/x', liveness: { aliveSeconds: -1 } })).toThrow(
      /"liveness\.aliveSeconds"/,
    );
    expect(() => parseConfig({ dataDir: '/x', prot: 1 })).toThrow(/unknown key "prot"/);
    expect(() => parseConfig({ dataDir: '/x', broker: { mode: 'external' } })).toThrow(
      /broker\.url/,
    );
    expect(() => loadConfig({ env: { SWF_CC_PORT: 'abc' } })).toThrow(ConfigError);
  });

  it('reports a config file that is not TOML with its name', () => {
    const d = tempDir();
    dirs.push(d);
    const file = join(d.path, 'bad.toml');
    writeFileSync(file, 'port = = 3\n');
    expect(() => loadConfig({ file })).toThrow(new RegExp(`config file ${file}`));
  });
});
