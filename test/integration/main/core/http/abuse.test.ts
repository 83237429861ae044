import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCore, type TestCore } from '../../../../helpers/core.js';

/**
 * Replays what a hostile local process tried against the core's HTTP side; each case is bounded
 * so the suite stays fast.
 */
describe('abuse: HTTP, MCP and /ws/ui ingress', () => {
  let t: TestCore;
  beforeAll(async () => {
    t = await startTestCore();
  });
  afterAll(() => t.close());

  it('a catastrophic regular expression over 200,000 stored lines answers within 1 s', async () => {
    const insert = t.core.store.db.prepare(
      "INSERT INTO process_output (program, at, stream, line) VALUES ('data', '2026-12-01T00:00:00Z', 'stdout', ?)",
    );
    t.core.store.db.transaction(() => {
      for (let i = 0; i < 200_000; i++)
        insert.run(`agent line ${i} processing swf.000123.${i}.stf ${'a'.repeat(i % 40)}`);
    })();

    const started = performance.now();
    const res = await t.api(
      `/api/cc/processes/data/search/?regex=true&q=${encodeURIComponent('^(.+)+X$')}`,
    );
    const elapsed = performance.now() - started;
    const body = (await res.json()) as { lines?: unknown[]; detail?: string };
    expect(elapsed).toBeLessThan(1_000);
    // Either every line was scanned (no match), or the search was cut and says so.
    if (res.status === 200) expect(body.lines).toEqual([]);
    else {
      expect(res.status).toBe(400);
      expect(body.detail).toMatch(/search cut after \d+ ms/);
    }

    const found = await t.api(
      `/api/cc/processes/data/search/?regex=true&q=${encodeURIComponent('line 19999[0-9] ')}&limit=10`,
    );
    expect(found.status, await found.clone().text()).toBe(200);
    expect(((await found.json()) as { lines: unknown[] }).lines).toHaveLength(10);

    const bad = await t.api(
      `/api/cc/processes/data/search/?regex=true&q=${encodeURIComponent('(')}`,
    );
    expect(bad.status).toBe(400);
  });
});
