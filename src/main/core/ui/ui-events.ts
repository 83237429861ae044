import type { CoreEventMap, CoreEventName } from '../../../shared/core-events.js';
import type { UiEventName, UiEventPayload } from '../../../shared/ui-protocol.js';

/** One event as it goes on the wire: a name and the payload its schema describes. */
export type UiEvent = { [K in UiEventName]: { name: K; payload: UiEventPayload<K> } }[UiEventName];

type Translation = { [K in CoreEventName]: (payload: CoreEventMap[K]) => UiEventPayload<K> };

const same = <T>(payload: T): T => payload;

/**
 * The one place where bus events become `/ws/ui` events. The table is typed against the UI's
 * schemas: every bus event needs an entry, and an entry whose payload the renderer would reject
 * does not compile. Only process output changes shape (`line` becomes `text`).
 */
const translate: Translation = {
  'agent.changed': same,
  'agent.heartbeat': same,
  'agent.liveness': same,
  'log.appended': same,
  'broker.state': same,
  'workflow.message': same,
  'run.created': same,
  'run.progress': same,
  'run.ended': same,
  'execution.state': same,
  'process.state': same,
  'process.output': (o) => ({
    name: o.name,
    lines: o.lines.map((l) => ({ at: l.at, stream: l.stream, text: l.line })),
  }),
  'process.metrics': same,
  'mcp.activity': same,
  'mcp.clients': same,
  'core.state': same,
};

export function toUiEvent<K extends CoreEventName>(name: K, payload: CoreEventMap[K]): UiEvent {
  return { name, payload: translate[name](payload) } as UiEvent;
}
