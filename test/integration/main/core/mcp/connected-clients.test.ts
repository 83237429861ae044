import { afterEach, describe, expect, it } from 'vitest';
import type { CoreEventMap } from '../../../../../src/main/core/events.js';
import { startTestCore, type TestCore } from '../../../../helpers/core.js';
import { waitFor } from '../../../../helpers/wait-for.js';
import { connect } from '../../../../helpers/mcp-client.js';

describe('connected MCP clients', () => {
  let t: TestCore | undefined;
  afterEach(() => t?.close());

  it('lists a WebSocket client by name while it is connected, and announces each change', async () => {
    t = await startTestCore();
    const core = t.core;
    const announced: CoreEventMap['mcp.clients'][] = [];
    core.bus.on('mcp.clients', (e) => announced.push(e));
    expect(core.mcp.clients()).toEqual([]);

    const client = await connect(t, 'ws', 'legacy', 'physicist-assistant');
    const listed = await waitFor(
      'the client listed',
      () => {
        const c = core.mcp.clients();
        return c.length === 1 && c[0]!.name === 'physicist-assistant' && c;
      },
      10_000,
    );
    expect(listed[0]).toMatchObject({ transport: 'ws', name: 'physicist-assistant' });
    expect(Date.parse(listed[0]!.since)).toBeLessThanOrEqual(Date.now());

    await client.close();
    await waitFor('no client listed', () => core.mcp.clients().length === 0, 10_000);
    expect(announced.length).toBeGreaterThanOrEqual(2);
    expect(announced.at(-1)).toEqual({ clients: [] });
  });
});
