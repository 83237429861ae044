import { escapeHeader, FRAME_END, type StompVersion, VERSION_INDEX } from './frame-encoding.js';
import type { BrokerMessage, Subscription } from './router.js';

/**
 * The head of a MESSAGE frame for one subscriber: the headers fixed per subscription are encoded
 * once and cached on it; `ack` and `redelivered` are added only when present, so a plain
 * auto-ack delivery allocates nothing.
 */
export function messageHead(
  sub: Subscription,
  version: StompVersion,
  ackId: string | undefined,
  redelivered: boolean,
): Buffer {
  let prefix = sub.encodedPrefix;
  if (!prefix) {
    let text = 'MESSAGE\n';
    if (sub.id !== undefined) text += `subscription:${escapeHeader(sub.id, version)}\n`;
    text += `destination:${escapeHeader(sub.requestedDestination, version)}\n`;
    prefix = sub.encodedPrefix = Buffer.from(text, 'utf8');
  }
  const withAck = ackId !== undefined && version === '1.2';
  if (!withAck && !redelivered) return prefix;
  let extra = '';
  if (withAck) extra += `ack:${ackId}\n`;
  if (redelivered) extra += 'redelivered:true\n';
  return Buffer.concat([prefix, Buffer.from(extra, 'utf8')]);
}

/**
 * The part of a MESSAGE frame shared by every subscriber of one protocol version: forwarded
 * headers, content-length, blank line, body, NUL. Encoded once per message and version.
 */
export function encodedTail(message: BrokerMessage, version: StompVersion): Buffer {
  const cache = (message.encoded ??= []);
  const index = VERSION_INDEX[version];
  const cached = cache[index];
  if (cached) return cached;
  let head = `message-id:${message.id}\n`;
  for (const key in message.headers)
    head += `${escapeHeader(key, version)}:${escapeHeader(message.headers[key]!, version)}\n`;
  if (message.contentLength) head += `content-length:${message.body.length}\n`;
  head += '\n';
  const headLength = Buffer.byteLength(head);
  const tail = Buffer.allocUnsafe(headLength + message.body.length + FRAME_END.length);
  tail.write(head, 0, 'utf8');
  message.body.copy(tail, headLength);
  FRAME_END.copy(tail, headLength + message.body.length);
  cache[index] = tail;
  return tail;
}
