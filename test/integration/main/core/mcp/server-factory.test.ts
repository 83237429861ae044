import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCore, type TestCore } from '../../../../helpers/core.js';
import { connect } from '../../../../helpers/mcp-client.js';

/**
 * The MCP endpoints load the SDK with their first request or connection. A fresh core asked over
 * both transports at the same moment must load it once and serve both, with every tool.
 */
describe('the MCP endpoint of a fresh core', () => {
  let t: TestCore;
  beforeAll(async () => {
    t = await startTestCore();
  });
  afterAll(() => t.close());

  it('serves its first HTTP and WebSocket clients arriving together', async () => {
    const [overHttp, overWs] = await Promise.all([
      connect(t, 'http', 'legacy', 'first-http'),
      connect(t, 'ws', 'legacy', 'first-ws'),
    ]);
    try {
      const [httpTools, wsTools] = await Promise.all([overHttp.listTools(), overWs.listTools()]);
      const expected = [...t.core.mcp.tools].sort();
      expect(httpTools.tools.map((x) => x.name).sort()).toEqual(expected);
      expect(wsTools.tools.map((x) => x.name).sort()).toEqual(expected);
    } finally {
      await Promise.all([overHttp.close(), overWs.close()]);
    }
  });
});
