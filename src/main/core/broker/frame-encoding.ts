/**
 * Outgoing frame encoding. Incoming frames are parsed by stompit's IncomingFrameStream; outgoing
 * frames are encoded here rather than through stompit's OutgoingFrameStream because that class
 * makes one Writable stream and several socket writes per frame, and the broker's fan-out needs
 * the shared part of a MESSAGE encoded once and reused for every subscriber, then many frames
 * written to a socket as one buffer per tick. The escaping rules are STOMP's (the same as
 * stompit's): none in 1.0, `\\ \n :` in 1.1, and also `\r` in 1.2.
 */
export type StompVersion = '1.0' | '1.1' | '1.2';

export const VERSION_INDEX: Record<StompVersion, number> = { '1.0': 0, '1.1': 1, '1.2': 2 };

const NEEDS_ESCAPE_11 = /[\\\n:]/;
const NEEDS_ESCAPE_12 = /[\\\r\n:]/;

export function escapeHeader(value: string, version: StompVersion): string {
  if (version === '1.0') {
    // 1.0 has no escaping; a raw newline would break the frame, so it becomes a space.
    return value.includes('\n') ? value.replace(/\r?\n/g, ' ') : value;
  }
  if (version === '1.1') {
    if (!NEEDS_ESCAPE_11.test(value)) return value;
    return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/:/g, '\\c');
  }
  if (!NEEDS_ESCAPE_12.test(value)) return value;
  return value
    .replace(/\\/g, '\\\\')
    .replace(/\r/g, '\\r')
    .replace(/\n/g, '\\n')
    .replace(/:/g, '\\c');
}

/**
 * A whole frame (command, headers, optional body) as one buffer. ERROR frames carry a text body
 * WITHOUT content-length, as ActiveMQ sends them: stompit 1.0.0 reads a text/plain ERROR body that
 * has a content-length and then destroys the wrong stream, an uncaught exception in the client.
 */
export function encodeFrame(
  command: string,
  headers: Record<string, string | undefined>,
  version: StompVersion,
  body?: string | Buffer,
): Buffer {
  if (command === 'ERROR' && typeof body === 'string') {
    let text = `${command}\n`;
    for (const [key, value] of Object.entries(headers)) {
      if (value === undefined) continue;
      text += `${escapeHeader(key, version)}:${escapeHeader(value, version)}\n`;
    }
    return Buffer.from(`${text}\n${body.replace(/\0/g, '')}\0\n`);
  }
  let head = `${command}\n`;
  for (const [key, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    head += `${escapeHeader(key, version)}:${escapeHeader(value, version)}\n`;
  }
  const bodyBuf =
    body === undefined ? undefined : typeof body === 'string' ? Buffer.from(body) : body;
  if (bodyBuf && bodyBuf.length > 0) {
    head += `content-length:${bodyBuf.length}\n\n`;
    return Buffer.concat([Buffer.from(head), bodyBuf, FRAME_END]);
  }
  return Buffer.from(`${head}\n\0\n`);
}

/** NUL that ends a frame, then the EOL ActiveMQ also sends after it. */
export const FRAME_END = Buffer.from([0, 10]);

/** An ERROR frame with its text both in the `message` header and as the body (as ActiveMQ sends). */
export function errorFrame(
  message: string,
  receipt: string | undefined,
  version: StompVersion,
  extra: Record<string, string> = {},
): Buffer {
  const headers = { ...extra, 'content-type': 'text/plain', 'receipt-id': receipt, message };
  return encodeFrame('ERROR', headers, version, message);
}
