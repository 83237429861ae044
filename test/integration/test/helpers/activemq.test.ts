import { describe, expect, it } from 'vitest';
import { activeMqAvailable, startActiveMq } from '../../../helpers/activemq.js';
import { connectClient, uniqueName } from '../../../helpers/stomp-clients.js';

/** The shared ActiveMQ helper other suites rely on: start, restart on the same port, stop. */
describe.skipIf(!activeMqAvailable())('test helper: startActiveMq', () => {
  it('serves STOMP, restarts on the same port, and leaves no java process after stop', async () => {
    const amq = await startActiveMq({ users: [{ login: 'agent', passcode: 'pw' }] });
    const firstPid = amq.pid();
    try {
      const c1 = await connectClient('stompit', {
        port: amq.port,
        login: 'agent',
        passcode: 'pw',
      });
      const topic = `/topic/${uniqueName('helper')}`;
      const sub = await c1.subscribe(topic);
      await c1.send(topic, 'before restart');
      await sub.waitFor(1);
      await expect(
        connectClient('stompit', { port: amq.port, login: 'agent', passcode: 'nope' }),
      ).rejects.toThrow();
      await amq.restart();
      expect(amq.pid()).not.toBe(firstPid);
      expect(() => process.kill(firstPid!, 0)).toThrow();
      const c2 = await connectClient('stomp.py', {
        port: amq.port,
        login: 'agent',
        passcode: 'pw',
      });
      const sub2 = await c2.subscribe(topic);
      await c2.send(topic, 'after restart');
      await sub2.waitFor(1);
      await c2.disconnect();
      await c1.kill();
    } finally {
      const pid = amq.pid();
      await amq.stop();
      // kill(pid, 0) throws ESRCH once the JVM is gone.
      expect(() => process.kill(pid!, 0)).toThrow();
    }
  });
});
