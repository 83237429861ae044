import {
  type ResultMessage,
  serverMessageSchema,
  type UiCommandArgs,
  type UiCommandName,
} from '../../../shared/ui-protocol';
import { type Connection, replaceToken, tokenRefused, uiSocketUrl } from '../connection';
import { applyEvents, applySnapshot, pushToast, resetForReconnect, useUi } from './ui-store';

type Result = Pick<ResultMessage, 'ok' | 'data' | 'error'>;

const BACKOFF_START_MS = 500;
const BACKOFF_MAX_MS = 8000;
/** Beyond this many events waiting for a frame (a hidden tab), start again from a snapshot. */
const MAX_PENDING_EVENTS = 200_000;

let socket: WebSocket | undefined;
let conn: Connection | undefined;
let attempt = 0;
let retryTimer: number | undefined;
let commandSeq = 0;
const waiting = new Map<string, (r: Result) => void>();
let pending: { name: string; payload: unknown }[] = [];
let frameScheduled = false;

// One store update per animation frame, however many events arrived (1,000 heartbeats/s = ~17
// events per frame, one render). A hidden tab gets no frames, so a timer stands in.
function scheduleFlush() {
  if (frameScheduled) return;
  frameScheduled = true;
  if (document.hidden) setTimeout(flush, 250);
  else requestAnimationFrame(flush);
}

function flush() {
  frameScheduled = false;
  const batch = pending;
  pending = [];
  applyEvents(batch);
}

function settleAll(error: string) {
  for (const resolve of waiting.values()) resolve({ ok: false, error });
  waiting.clear();
}

function onMessage(text: string) {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return;
  }
  const parsed = serverMessageSchema.safeParse(raw);
  if (!parsed.success) {
    useUi.setState((s) => ({ badEvents: s.badEvents + 1 }));
    return;
  }
  const msg = parsed.data;
  switch (msg.type) {
    case 'snapshot':
      // Events queued before the snapshot are already in it.
      pending = [];
      applySnapshot(msg);
      attempt = 0;
      break;
    case 'event':
      pending.push({ name: msg.name, payload: msg.payload });
      scheduleFlush();
      break;
    case 'events':
      for (const e of msg.events) pending.push(e);
      if (pending.length > MAX_PENDING_EVENTS) {
        pending = [];
        socket?.close(4000, 'renderer fell behind');
        return;
      }
      scheduleFlush();
      break;
    case 'result': {
      const resolve = waiting.get(msg.id);
      waiting.delete(msg.id);
      resolve?.({ ok: msg.ok, data: msg.data, error: msg.error });
      break;
    }
    case 'resync':
      pending = [];
      useUi.setState((s) => ({ resyncs: s.resyncs + 1, synced: false }));
      break;
  }
}

function open() {
  if (!conn) return;
  retryTimer = undefined;
  useUi.setState({ connection: 'connecting', retryAt: null, attempt });
  const ws = new WebSocket(uiSocketUrl(conn));
  socket = ws;
  ws.onopen = () => useUi.setState({ connection: 'open', lostReason: null });
  ws.onmessage = (ev) => {
    if (typeof ev.data === 'string') onMessage(ev.data);
  };
  ws.onclose = (ev) => {
    if (socket !== ws) return;
    socket = undefined;
    settleAll('the connection to the core was lost before it answered');
    resetForReconnect();
    const delay = Math.min(BACKOFF_MAX_MS, BACKOFF_START_MS * 1.6 ** attempt);
    attempt++;
    const reason =
      ev.code === 1006 || ev.code === 1001 || !ev.reason
        ? 'the core is not reachable'
        : `closed: ${ev.reason}`;
    useUi.setState({ connection: 'lost', lostReason: reason, retryAt: Date.now() + delay });
    retryTimer = window.setTimeout(open, delay);
    if (ev.code === 1006 && conn) {
      const tried = conn;
      void tokenRefused(tried).then((refused) => {
        if (!refused || conn !== tried || socket) return;
        // Retrying with the same token cannot succeed: wait for a new one instead.
        clearTimeout(retryTimer);
        retryTimer = undefined;
        useUi.setState({
          tokenRefused: true,
          lostReason: 'the core refused the token (it is the file `token` in its data folder)',
          retryAt: null,
        });
      });
    }
  };
}

/** Connects at once with another token (pasted, or a corrected `#token=`). */
export function connectWithToken(token: string) {
  if (!conn) return;
  conn = replaceToken(token.trim());
  if (retryTimer !== undefined) clearTimeout(retryTimer);
  retryTimer = undefined;
  const old = socket;
  socket = undefined;
  old?.close();
  attempt = 0;
  useUi.setState({ tokenRefused: false });
  open();
}

export function connect(c: Connection) {
  conn = c;
  if (!c.token) {
    useUi.setState({
      connection: 'lost',
      tokenRefused: true,
      lostReason: 'no token: open the URL with #token=… that the core printed, or paste the token',
    });
    return;
  }
  open();
}

/** Bench/test mode: events enter exactly as an `events` frame's would (queued, one flush per frame). */
export function injectEvents(events: { name: string; payload: unknown }[]) {
  for (const e of events) pending.push(e);
  scheduleFlush();
}

/** Reconnect now instead of waiting for the backoff timer. */
export function retryNow() {
  if (retryTimer !== undefined) {
    clearTimeout(retryTimer);
    open();
  }
}

/**
 * Sends a command and resolves with its result (never rejects). While it runs, `pendingKey`
 * is marked pending in the store; a failure is recorded against `errorKey` and shown there.
 */
export function sendCommand<K extends UiCommandName>(
  command: K,
  args: UiCommandArgs<K>,
  opts: { pendingKey?: string; errorKey?: string; toastOnError?: boolean } = {},
): Promise<Result> {
  const ws = socket;
  const finish = (r: Result) => {
    useUi.setState((s) => {
      const next: Partial<typeof s> = {};
      if (opts.pendingKey) {
        const p = { ...s.pending };
        delete p[opts.pendingKey];
        next.pending = p;
      }
      if (opts.errorKey) {
        const e = { ...s.commandErrors };
        if (r.ok) delete e[opts.errorKey];
        else e[opts.errorKey] = r.error ?? 'failed';
        next.commandErrors = e;
      }
      return next;
    });
    if (!r.ok && opts.toastOnError) pushToast('error', `${command} failed`, r.error ?? 'failed');
    return r;
  };
  if (opts.pendingKey)
    useUi.setState((s) => ({ pending: { ...s.pending, [opts.pendingKey!]: true } }));
  if (!ws || ws.readyState !== WebSocket.OPEN)
    return Promise.resolve(finish({ ok: false, error: 'not connected to the core' }));
  const id = `c${++commandSeq}`;
  return new Promise<Result>((resolve) => {
    waiting.set(id, (r) => resolve(finish(r)));
    ws.send(JSON.stringify({ type: 'command', id, command, args }));
  });
}
