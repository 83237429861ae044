import { randomUUID } from 'node:crypto';
import type { Logger } from '../logger.js';
import { livenessOf } from '../monitor/liveness.js';
import type { McpDeps } from './deps.js';
import { JsonLimitError, parseJsonWithinLimits } from '../../../shared/json-limits.js';

/**
 * The seed's "MCP protocol v1.0" over WebSocket, kept exactly as swf-monitor serves it:
 * validation order, error codes 4000/4001/4002/4004/5000, no reply at all to `heartbeat`,
 * the 5-minute liveness map, and heartbeats that only update agents that already exist.
 */

const V1_COMMANDS = {
  discover_capabilities: 'Lists the available commands and what they do.',
  get_agent_liveness:
    'Reports every agent as alive or dead: alive when its last heartbeat is at most 5 minutes old.',
  heartbeat:
    'Notification from an agent that it is still active (payload: name, timestamp, status); no direct response.',
} as const;

interface Envelope {
  mcp_version: string;
  message_id: string;
  status: 'success' | 'error';
  in_reply_to?: string;
  payload?: unknown;
  error?: { code: number; message: string };
}

/**
 * Which protocol a connection's first (parseable) frame speaks: an object with `jsonrpc`, or an
 * array (a JSON-RPC batch), is JSON-RPC 2.0; anything else is the v1.0 envelope, whose
 * validation then answers it (the seed checked `'mcp_version' in data` first).
 */
export function looksLikeV1(value: unknown): boolean {
  if (Array.isArray(value)) return false;
  return !(typeof value === 'object' && value !== null && 'jsonrpc' in value);
}

const hasKey = (obj: object, key: string) => Object.prototype.hasOwnProperty.call(obj, key);

/** Python's fromisoformat, as far as the seed relied on it: a zone-less time is taken as UTC. */
function parseClientTime(text: unknown): string | null {
  if (typeof text !== 'string' || text.length > 64) return null;
  const naive = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?)?$/.test(text);
  const ms = Date.parse(
    naive ? `${text.replace(' ', 'T')}${text.length > 10 ? '' : 'T00:00:00'}Z` : text,
  );
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

export function createLegacyV1Handler(deps: McpDeps, log: Logger) {
  const { store, config } = deps;
  const envelope = (inReplyTo: string | undefined, body: Partial<Envelope>): string => {
    const out: Envelope = {
      mcp_version: '1.0',
      message_id: randomUUID(),
      status: body.status ?? 'success',
      ...(inReplyTo ? { in_reply_to: inReplyTo } : {}),
      ...body,
    };
    return JSON.stringify(out);
  };
  const error = (inReplyTo: string | undefined, code: number, message: string) =>
    envelope(inReplyTo, { status: 'error', error: { code, message } });

  function heartbeat(payload: unknown) {
    if (typeof payload !== 'object' || payload === null) {
      log.warn('v1.0 heartbeat without a payload object; ignored');
      return;
    }
    const p = payload as Record<string, unknown>;
    if (typeof p.name !== 'string' || p.timestamp === undefined || p.status === undefined) {
      log.warn('v1.0 heartbeat needs name, timestamp and status; ignored');
      return;
    }
    const agent = store.agents.get(p.name);
    if (!agent) {
      log.warn(`v1.0 heartbeat for unknown agent "${p.name}"; ignored (v1.0 never creates agents)`);
      return;
    }
    const at = parseClientTime(p.timestamp);
    if (at === null) {
      log.warn(`v1.0 heartbeat for "${p.name}" has a bad timestamp; ignored`);
      return;
    }
    const status = String(p.status).slice(0, 20);
    // The seed stores the client's own timestamp as last_heartbeat, unlike every other path.
    const updated = store.db.transaction(() => {
      const row = store.agents.patch(
        agent.id,
        { status, last_heartbeat: at },
        new Date().toISOString(),
      );
      store.heartbeats.append(agent.instance_name, at, status, agent.operational_state, 'mcp');
      return row;
    })();
    if (!updated) return;
    deps.bus.emit('agent.changed', { agent: updated, created: false });
    deps.bus.emit('agent.heartbeat', {
      instanceName: updated.instance_name,
      status: updated.status,
      operationalState: updated.operational_state,
      source: 'mcp',
      at,
    });
    if (livenessOf(updated, config.liveness.aliveSeconds) === 'alive')
      deps.liveness.sawHeartbeat(updated.instance_name);
  }

  /** Handles one text frame; returns the reply frame, or undefined when v1.0 says nothing. */
  return function handle(text: string): string | undefined {
    let data: unknown;
    try {
      data = parseJsonWithinLimits(text);
    } catch (err) {
      if (err instanceof JsonLimitError) return error(undefined, 4000, err.message);
      return error(undefined, 4000, 'Invalid JSON format.');
    }
    const obj = typeof data === 'object' && data !== null ? data : {};
    const rawId = hasKey(obj, 'message_id')
      ? (obj as { message_id: unknown }).message_id
      : undefined;
    const inReplyTo =
      rawId !== undefined && rawId !== null && rawId !== '' ? String(rawId) : undefined;
    try {
      if (Array.isArray(data) || !hasKey(obj, 'mcp_version'))
        return error(inReplyTo, 4001, 'Missing mcp_version.');
      if ((obj as { mcp_version: unknown }).mcp_version !== '1.0')
        return error(inReplyTo, 4002, 'Unsupported MCP version. Server supports 1.0.');
      const missing = ['message_id', 'command', 'payload'].filter((k) => !hasKey(obj, k));
      if (missing.length)
        return error(inReplyTo, 4000, `Missing required fields: ${missing.join(', ')}.`);
      const { command, payload } = obj as { command: unknown; payload: unknown };
      switch (command) {
        case 'discover_capabilities':
          return envelope(inReplyTo, { payload: { ...V1_COMMANDS } });
        case 'get_agent_liveness': {
          const now = Date.now();
          const map: Record<string, 'alive' | 'dead'> = {};
          for (const a of store.agents.all())
            map[a.instance_name] = livenessOf(a, config.liveness.aliveSeconds, now);
          return envelope(inReplyTo, { payload: map });
        }
        case 'heartbeat':
          try {
            heartbeat(payload);
          } catch (err) {
            log.error('v1.0 heartbeat failed', err);
          }
          return undefined;
        default:
          return error(inReplyTo, 4004, `Unknown command: ${String(command)}`);
      }
    } catch (err) {
      log.error('v1.0 command failed', err);
      return error(
        inReplyTo,
        5000,
        `An unexpected server error occurred: ${(err as Error).message}`,
      );
    }
  };
}
