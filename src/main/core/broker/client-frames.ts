import {
  type HeartbeatAgreement,
  negotiateHeartbeat,
  negotiateVersion,
  sameSecret,
  SUPPORTED_VERSIONS,
} from './connect-handshake.js';
import { parseDestination } from './destinations.js';
import { encodeFrame, type StompVersion } from './frame-encoding.js';
import type { BrokerLimits } from './limits.js';
import { type AckMode, type BrokerMessage, Subscription, type SubscriptionSink } from './router.js';
import { parseSelector, type Selector } from './selector.js';

/**
 * What the client's frames ask for, read into the broker's terms: CONNECT into a version,
 * credentials check and heart-beat agreement; SEND into a message; SUBSCRIBE into a
 * subscription. Each answers either the result or the error text the client is sent.
 */

type Headers = Record<string, string>;
type Refusal = { error: string };

/** Headers of SEND that describe the transport, not the message; not forwarded to subscribers. */
const TRANSPORT_HEADERS = new Set(['destination', 'receipt', 'transaction', 'content-length']);

export type ConnectAnswer =
  | { ok: false; version: StompVersion; error: string; extra?: Record<string, string> }
  | {
      ok: true;
      version: StompVersion;
      agreement: HeartbeatAgreement;
      connected: Buffer;
      /** Logged in with the supervised pair: may take a reserved slot. */
      supervised: boolean;
    };

export function answerConnect(
  headers: Headers,
  server: {
    login?: string;
    passcode?: string;
    supervised?: { login: string; passcode: string };
    serverName: string;
    limits: BrokerLimits;
  },
  session: string,
): ConnectAnswer {
  const accepted = headers['accept-version'];
  const version = negotiateVersion(accepted);
  if (!version) {
    return {
      ok: false,
      version: '1.2',
      error: `unsupported protocol version(s) ${accepted}; supported versions are ${SUPPORTED_VERSIONS}`,
      extra: { version: SUPPORTED_VERSIONS },
    };
  }
  const matches = (login: string, passcode: string) =>
    // Both compared, so the timing does not tell which of the two was wrong.
    (Number(sameSecret(headers.login, login)) & Number(sameSecret(headers.passcode, passcode))) ===
    1;
  const supervised =
    server.supervised !== undefined && matches(server.supervised.login, server.supervised.passcode);
  if (!supervised && server.login !== undefined && !matches(server.login, server.passcode ?? ''))
    return { ok: false, version, error: 'login or passcode is invalid' };
  const agreement = negotiateHeartbeat(headers['heart-beat'], version, server.limits);
  const out: Record<string, string | undefined> = {
    version,
    server: server.serverName,
    session,
    'heart-beat': version === '1.0' ? undefined : `${agreement.sendEvery},${agreement.expectEvery}`,
    'receipt-id': headers.receipt,
  };
  return {
    ok: true,
    version,
    agreement,
    connected: encodeFrame('CONNECTED', out, '1.0'),
    supervised,
  };
}

export function messageFromSend(
  headers: Headers,
  body: Buffer,
  id: () => string,
): BrokerMessage | Refusal {
  const raw = headers.destination;
  const destination = raw === undefined ? undefined : parseDestination(raw);
  if (!destination) return { error: 'SEND received without a valid destination' };
  const forwarded: Headers = {};
  for (const key in headers) if (!TRANSPORT_HEADERS.has(key)) forwarded[key] = headers[key]!;
  return {
    id: id(),
    destination: destination.name,
    kind: destination.kind,
    headers: forwarded,
    body,
    contentLength: headers['content-length'] !== undefined,
  };
}

/** The connection's key for a subscription: its id, or for 1.0 without id its destination. */
export function subscriptionKey(headers: Headers): string | undefined {
  return (
    headers.id ??
    (headers.destination !== undefined ? `destination:${headers.destination}` : undefined)
  );
}

export function subscriptionFromFrame(
  headers: Headers,
  version: StompVersion,
  limits: BrokerLimits,
  sink: SubscriptionSink,
): Subscription | Refusal {
  const raw = headers.destination;
  const destination = raw === undefined ? undefined : parseDestination(raw);
  if (!destination || raw === undefined)
    return { error: 'SUBSCRIBE received without a valid destination' };
  const id = headers.id;
  if (id === undefined && version !== '1.0')
    return { error: 'SUBSCRIBE received without a subscription id' };
  const ackMode = (headers.ack ?? 'auto') as AckMode;
  if (ackMode !== 'auto' && ackMode !== 'client' && ackMode !== 'client-individual')
    return { error: `unknown ack mode '${headers.ack}'` };
  const requestedPrefetch = Number.parseInt(headers['activemq.prefetchSize'] ?? '', 10);
  const prefetch =
    destination.kind === 'topic'
      ? limits.maxPendingPerSubscriber
      : Number.isFinite(requestedPrefetch) && requestedPrefetch > 0
        ? Math.min(requestedPrefetch, limits.maxPendingPerSubscriber)
        : limits.defaultPrefetch;
  let selector: Selector | undefined;
  if (headers.selector !== undefined) {
    if (destination.kind !== 'topic')
      return { error: 'selectors are taken on topic subscriptions only' };
    const parsed = parseSelector(headers.selector);
    if ('error' in parsed) return parsed;
    selector = parsed;
  }
  return new Subscription(
    sink,
    id,
    raw,
    destination.name,
    destination.kind,
    ackMode,
    prefetch,
    limits.maxSubscriberBytes,
    selector,
  );
}

export function isRefusal<T extends object>(value: T | Refusal): value is Refusal {
  return 'error' in value;
}
