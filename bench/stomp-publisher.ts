/**
 * Publishes realistic workflow bodies to /topic/epictopic over its own STOMP connection, as the
 * agents do; run as a child of bench/recorder.ts so publishing does not share its event loop.
 *   node --import tsx bench/stomp-publisher.ts <port> <count>
 * Prints `sent <count> <ms>` once the broker has confirmed the last message (receipt).
 */
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import stompit from 'stompit';
import { runMessages } from '../test/helpers/workflow-run.js';

const port = Number(process.argv[2]);
const count = Number(process.argv[3]);
const bodies: string[] = [];
for (let run = 100_010; bodies.length < count; run++) {
  for (const m of runMessages({ runNumber: run, stfPerPeriod: 50, tfPerStf: 2 })) {
    if (m.destination !== '/topic/epictopic') continue;
    bodies.push(JSON.stringify(m.body));
    if (bodies.length === count) break;
  }
}
const client = await new Promise<stompit.Client>((resolve, reject) =>
  stompit.connect(
    { host: '127.0.0.1', port, connectHeaders: { login: 'admin', passcode: 'admin' } },
    (err, c) => (err ? reject(err) : resolve(c)),
  ),
);
const t0 = performance.now();
await new Promise<void>((resolve, reject) => {
  void (async () => {
    for (let i = 0; i < bodies.length; i++) {
      const last = i === bodies.length - 1;
      const frame = client.send(
        { destination: '/topic/epictopic' },
        last ? { onReceipt: () => resolve(), onError: reject } : undefined,
      );
      frame.write(bodies[i]);
      frame.end();
      if (i % 500 === 499) await yieldToLoop();
    }
  })();
});
process.stdout.write(`sent ${count} ${(performance.now() - t0).toFixed(0)}\n`);
client.disconnect(() => process.exit(0));
