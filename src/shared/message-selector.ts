/**
 * Our agents put each message's `msg_type` in a STOMP header too, and subscribe to the workflow
 * topic with a selector naming the kinds they handle, so the broker does not send (and the agent
 * does not parse) the rest of a busy topic. The original agents send no such header: a message
 * without it always passes, and is filtered by its body as before. ActiveMQ and the embedded
 * broker both take this selector.
 */
export const MSG_TYPE_HEADER = 'msg_type';

/** A header value or selector literal must be plain: no quote, no control character. */
const PLAIN_TYPE = /^[A-Za-z0-9_.-]{1,64}$/;

export function msgTypeSelector(types: readonly string[]): string {
  for (const t of types) if (!PLAIN_TYPE.test(t)) throw new Error(`not a message kind: ${t}`);
  return `${MSG_TYPE_HEADER} IS NULL OR ${MSG_TYPE_HEADER} IN (${types.map((t) => `'${t}'`).join(', ')})`;
}

/** The header to send with a message body, when its kind can be a header value. */
export function msgTypeHeaders(body: { msg_type?: unknown }): Record<string, string> {
  const t = body.msg_type;
  return typeof t === 'string' && PLAIN_TYPE.test(t) ? { [MSG_TYPE_HEADER]: t } : {};
}
