import { parseConfig, type ConfigInput } from '../../src/main/core/config.js';
import {
  startControlCenter,
  type ControlCenter,
  type ControlCenterOptions,
} from '../../src/main/core/control-center.js';
import { silentLogger } from '../../src/main/core/logger.js';
import { tempDir } from './temp-dir.js';

export interface TestCore {
  core: ControlCenter;
  dataDir: string;
  /** fetch against the core with the token set. */
  api(path: string, init?: RequestInit & { json?: unknown }): Promise<Response>;
  close(): Promise<void>;
}

/** An in-process core on a random port with its own data folder. */
export async function startTestCore(
  overrides: ConfigInput = {},
  options: Omit<ControlCenterOptions, 'config'> = {},
): Promise<TestCore> {
  const dir = tempDir();
  const config = parseConfig({
    port: 0,
    dataDir: dir.path,
    namespace: 'test-ns',
    broker: { port: 0 },
    ...overrides,
  });
  const core = await startControlCenter({ logger: silentLogger, ...options, config });
  return {
    core,
    dataDir: dir.path,
    api(path, init = {}) {
      const headers = new Headers(init.headers);
      if (!headers.has('authorization')) headers.set('authorization', `Token ${core.token}`);
      let body = init.body;
      if (init.json !== undefined) {
        headers.set('content-type', 'application/json');
        body = JSON.stringify(init.json);
      }
      return fetch(new URL(path, core.url), { ...init, headers, body });
    },
    async close() {
      await core.stop();
      dir.remove();
    },
  };
}
