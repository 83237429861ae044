import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { StoredWorkflowMessage } from '../../../shared/workflow-messages.js';
import type { EventBus } from '../events.js';
import type { HttpServer } from './server.js';

/** swf-monitor's relay filters: a message passes when it matches every list given. */
export interface StreamFilters {
  msg_types?: string[];
  agents?: string[];
  run_ids?: string[];
}

export interface MessageStreamOptions {
  /**
   * Interval of the `heartbeat` event, the stream's keep-alive (swf-monitor: 30 s). Not an SSE
   * comment: the testbed's receiver would print each comment as a non-JSON message.
   */
  heartbeatMs?: number;
  /** Streams open at once; more get 503. */
  maxClients?: number;
  /** Bytes queued for one client before its messages are dropped (counted) instead of queued. */
  maxPendingBytes?: number;
}

interface Client {
  id: string;
  filters: StreamFilters;
  res: ServerResponse;
  sent: number;
  dropped: number;
}

const list = (v: string | null) =>
  v
    ? v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : undefined;

function filtersFrom(query: URLSearchParams): StreamFilters {
  const filters: StreamFilters = {};
  const msgTypes = list(query.get('msg_types'));
  const agents = list(query.get('agents'));
  const runIds = list(query.get('run_ids'));
  if (msgTypes) filters.msg_types = msgTypes;
  if (agents) filters.agents = agents;
  if (runIds) filters.run_ids = runIds;
  return filters;
}

const str = (v: unknown) => (v === undefined || v === null ? '' : String(v));

function matches(payload: Record<string, unknown>, f: StreamFilters): boolean {
  if (f.msg_types && !f.msg_types.includes(str(payload.msg_type))) return false;
  if (f.agents && !f.agents.includes(str(payload.processed_by))) return false;
  // Query values are strings while run ids travel as numbers or strings: compare as text.
  if (f.run_ids && !f.run_ids.includes(str(payload.run_id))) return false;
  return true;
}

/** The message as the relay sends it: the body as published, plus where and when it was seen. */
function relayPayload(m: StoredWorkflowMessage): Record<string, unknown> {
  const content =
    m.message_content && typeof m.message_content === 'object' && !Array.isArray(m.message_content)
      ? (m.message_content as Record<string, unknown>)
      : { msg_type: m.message_type };
  return {
    ...content,
    sender_agent: content.sender_agent ?? m.sender_agent,
    recipient_agent: content.recipient_agent ?? m.recipient_agent,
    namespace: content.namespace ?? m.namespace,
    queue_name: content.queue_name ?? m.queue_name,
    sent_at: content.sent_at ?? m.sent_at,
  };
}

const event = (name: string, data: unknown) => `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;

/**
 * swf-monitor's SSE relay of workflow messages (`/api/messages/stream/` and its `status/`), fed
 * from the bus after the recorder stored each message. A client that stops reading loses its own
 * messages once its socket buffer passes `maxPendingBytes`; nobody else waits for it.
 */
export function attachMessageStream(
  http: HttpServer,
  bus: EventBus,
  opts: MessageStreamOptions = {},
) {
  const heartbeatMs = opts.heartbeatMs ?? 30_000;
  const maxClients = opts.maxClients ?? 200;
  const maxPendingBytes = opts.maxPendingBytes ?? 1024 * 1024;
  const clients = new Map<string, Client>();

  const send = (c: Client, chunk: string): boolean => {
    if (c.res.writableLength > maxPendingBytes) return false;
    c.res.write(chunk);
    return true;
  };

  const offMessage = bus.on('workflow.message', ({ message }) => {
    if (clients.size === 0) return;
    const payload = relayPayload(message);
    let chunk: string | undefined;
    for (const c of clients.values()) {
      if (!matches(payload, c.filters)) continue;
      chunk ??= event(str(payload.msg_type) || 'message', payload);
      if (send(c, chunk)) c.sent++;
      else c.dropped++;
    }
  });

  const heartbeat = setInterval(() => {
    const chunk = event('heartbeat', { timestamp: Date.now() / 1000 });
    for (const c of clients.values()) send(c, chunk);
  }, heartbeatMs);
  heartbeat.unref();

  function stream(req: IncomingMessage, res: ServerResponse) {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET', 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ detail: `Method "${req.method}" not allowed.` }));
      return;
    }
    if (clients.size >= maxClients) {
      res.writeHead(503, { 'Content-Type': 'application/json', 'Retry-After': '5' });
      res.end(JSON.stringify({ detail: `Too many message streams open (${maxClients}).` }));
      return;
    }
    const query = new URL(req.url ?? '/', 'http://127.0.0.1').searchParams;
    const client: Client = {
      id: randomUUID(),
      filters: filtersFrom(query),
      res,
      sent: 0,
      dropped: 0,
    };
    res.writeHead(200, {
      'Content-Type': 'text/event-stream',
      'Cache-Control': 'no-cache',
      'X-Accel-Buffering': 'no',
      Connection: 'keep-alive',
    });
    res.socket?.setNoDelay(true);
    // A stream is long-lived by design: no request timeout applies once it is open.
    req.socket.setTimeout(0);
    clients.set(client.id, client);
    res.write(event('connected', { client_id: client.id, status: 'connected' }));
    const drop = () => clients.delete(client.id);
    res.on('close', drop);
    res.on('error', drop);
  }

  function status(req: IncomingMessage, res: ServerResponse) {
    const body = {
      connected_clients: clients.size,
      client_ids: [...clients.keys()],
      client_filters: Object.fromEntries([...clients].map(([id, c]) => [id, c.filters])),
      // Ours: what each stream was sent, and lost because its reader fell behind.
      client_stats: Object.fromEntries(
        [...clients].map(([id, c]) => [id, { sent: c.sent, dropped: c.dropped }]),
      ),
    };
    res.writeHead(req.method === 'GET' || req.method === 'HEAD' ? 200 : 405, {
      'Content-Type': 'application/json',
    });
    res.end(JSON.stringify(body));
  }

  http.onRaw('/api/messages/stream', stream);
  http.onRaw('/api/messages/stream/status', status);

  return {
    close() {
      offMessage();
      clearInterval(heartbeat);
      for (const c of clients.values()) c.res.destroy();
      clients.clear();
    },
  };
}
