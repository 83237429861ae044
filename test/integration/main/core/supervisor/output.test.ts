import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CoreEventMap } from '../../../../../src/main/core/events.js';
import {
  nodeProgram,
  startTestSupervisor,
  type TestSupervisor,
} from '../../../../helpers/supervisor.js';

let t: TestSupervisor | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

describe('process output capture', () => {
  it('captures 200k lines into the store (capped), rotating files and batched events', async () => {
    t = await startTestSupervisor(`
[programs.flood]
${nodeProgram('flood.js', '200000')}
autostart = false
startsecs = 0
autorestart = false
log_max_bytes = 2000000
log_backups = 3
`);
    const batches: CoreEventMap['process.output'][] = [];
    t.bus.on('process.output', (e) => batches.push(e));
    const t0 = Date.now();
    await t.sup.start('flood');
    await t.states.reached('flood', 'EXITED', 60_000);
    t.sup.flushOutput();
    const took = Date.now() - t0;

    const total = 200_000 + 4; // numbered + stderr + bad utf-8 + long + partial
    const eventLines = batches.reduce((n, b) => n + b.lines.length + b.omitted, 0);
    expect(eventLines).toBe(total);
    expect(batches.length).toBeLessThan(2000); // batched, not one event per line
    expect(t.store.processOutput.count('flood')).toBe(
      Math.min(total, t.store.processOutput.maxRowsPerProgram),
    );

    // Order across the two pipes is by arrival; within a stream it is exact.
    const tail = t.sup.tail('flood', 4, 'stdout');
    expect(tail[0]!.line).toBe(`line 199999 ${'x'.repeat(40)}`);
    expect(tail[1]!.line).toBe('bad \uFFFD\uFFFD utf');
    expect(tail[2]!.line.startsWith('L'.repeat(16384))).toBe(true);
    expect(tail[2]!.line).toMatch(/\[\.\.\. line truncated: 83616 more characters\]$/);
    expect(tail[3]!.line).toBe('partial tail'); // flushed when the stream ended
    expect(t.sup.tail('flood', 10, 'stderr').map((r) => r.line)).toEqual(['an error line']);
    expect(
      await t.sup.search('flood', 'LINE 19999[0-9] X', { regex: true, limit: 10 }),
    ).toHaveLength(10);
    expect(await t.sup.search('flood', 'AN ERROR')).toHaveLength(1);
    await expect(t.sup.search('flood', '(', { regex: true })).rejects.toThrow(
      /invalid regular expression/,
    );

    const logDir = join(t.dir, 'logs');
    const files = readdirSync(logDir)
      .filter((f) => f.startsWith('flood.log'))
      .sort();
    expect(files).toEqual(['flood.log', 'flood.log.1', 'flood.log.2', 'flood.log.3']);
    // The stderr line may arrive after stdout's last chunk (two pipes, read by arrival).
    expect(readFileSync(join(logDir, 'flood.log'), 'utf8')).toMatch(
      /O partial tail\n(?:\S+ E an error line\n)?$/,
    );
    console.log(`200k lines captured in ${took} ms in ${batches.length} events`);
  }, 90_000);
});
