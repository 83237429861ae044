import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../../../../src/main/core/config.js';
import { startControlCenter } from '../../../../../src/main/core/control-center.js';
import type { CoreEventMap } from '../../../../../src/main/core/events.js';
import { PortInUseError } from '../../../../../src/main/core/http/server.js';
import { silentLogger } from '../../../../../src/main/core/logger.js';
import { startTestCore, type TestCore } from '../../../../helpers/core.js';
import { connectClient, uniqueName } from '../../../../helpers/stomp-clients.js';
import { tempDir } from '../../../../helpers/temp-dir.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', '..');

let core: TestCore | undefined;
let blocker: Server | undefined;
afterEach(async () => {
  await core?.close();
  core = undefined;
  blocker?.close();
  blocker = undefined;
});

async function busyPort(): Promise<number> {
  blocker = createServer();
  await new Promise<void>((resolve) => blocker!.listen(0, '127.0.0.1', resolve));
  const address = blocker.address();
  return typeof address === 'object' && address ? address.port : 0;
}

describe('control center with the embedded broker', () => {
  it('starts the embedded broker with the configured login and stops it with the core', async () => {
    core = await startTestCore({
      broker: { mode: 'embedded', port: 0, login: 'agent', passcode: 's3cret' },
    });
    const broker = core.core.broker!;
    expect(broker.port).toBeGreaterThan(0);
    await expect(
      connectClient('stompit', { port: broker.port, login: 'agent', passcode: 'wrong' }),
    ).rejects.toThrow();
    const agent = await connectClient('stomp.py', {
      port: broker.port,
      login: 'agent',
      passcode: 's3cret',
    });
    const topic = `/topic/${uniqueName('cc')}`;
    const sub = await agent.subscribe(topic);
    await agent.send(topic, '{"msg_type":"heartbeat"}');
    await sub.waitFor(1);

    const states: CoreEventMap['broker.state'][] = [];
    core.core.bus.on('broker.state', (s) => states.push(s));
    await core.close();
    core = undefined;
    expect(states).toEqual([{ mode: 'embedded', state: 'stopped', detail: '' }]);
    await agent.kill();
  });

  it('reports a busy broker port as PortInUseError naming that port', async () => {
    const port = await busyPort();
    const dir = tempDir();
    try {
      const config = parseConfig({ port: 0, dataDir: dir.path, broker: { port } });
      const err = await startControlCenter({ config, logger: silentLogger }).catch(
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(PortInUseError);
      expect((err as PortInUseError).port).toBe(port);
    } finally {
      dir.remove();
    }
  });

  it('makes `serve` print the one-line error naming --broker-port', async () => {
    const port = await busyPort();
    const dir = tempDir();
    try {
      const child = spawn(
        process.execPath,
        [
          '--import',
          'tsx',
          join(ROOT, 'src', 'main', 'cli.ts'),
          'serve',
          '--port',
          '0',
          '--broker-port',
          String(port),
          '--data-dir',
          dir.path,
        ],
        { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let stderr = '';
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      const code = await new Promise<number | null>((resolve) =>
        child.once('exit', (c) => resolve(c)),
      );
      expect(code).not.toBe(0);
      expect(stderr).toContain(`port ${port} is already in use`);
      expect(stderr).toContain('--broker-port');
    } finally {
      dir.remove();
    }
  });

  it('starts no embedded broker in external mode', async () => {
    core = await startTestCore({
      broker: { mode: 'external', port: 0, url: 'stomp://127.0.0.1:1' },
    });
    expect(core.core.broker).toBeUndefined();
  });
});
