import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  CORE_EVENT_NAMES,
  coreEventSchemas,
  type CoreEventMap,
} from '../../../src/shared/core-events.js';
import { eventPayloadSchemas, type UiEventPayload } from '../../../src/shared/ui-protocol.js';

describe('one event contract for the bus and /ws/ui', () => {
  it('the UI validates every bus event with the bus schema itself, except process output', () => {
    const translated = CORE_EVENT_NAMES.filter(
      (name) => eventPayloadSchemas[name] !== coreEventSchemas[name],
    );
    expect(translated).toEqual(['process.output']);
  });

  it('a bus payload of the old MCP activity shape is rejected by the UI schema', () => {
    const record = {
      id: 1,
      at: '2026-01-01T00:00:00.000Z',
      clientName: 'c',
      clientVersion: null,
      transport: 'ws',
      tool: 'swf_list_agents',
      arguments: {},
      outcome: 'ok',
      error: null,
      durationMs: 1,
    };
    expect(eventPayloadSchemas['mcp.activity'].safeParse(record).success).toBe(true);
    expect(eventPayloadSchemas['mcp.activity'].safeParse({ record }).success).toBe(false);
  });

  it('bus payload types are the UI payload types', () => {
    expectTypeOf<CoreEventMap['mcp.activity']>().toEqualTypeOf<UiEventPayload<'mcp.activity'>>();
    expectTypeOf<CoreEventMap['run.created']>().toEqualTypeOf<UiEventPayload<'run.created'>>();
    expectTypeOf<CoreEventMap['process.state']>().toEqualTypeOf<UiEventPayload<'process.state'>>();
  });
});
