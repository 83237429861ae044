/**
 * One message handed to an in-process observer such as the recorder: routed by the embedded
 * broker (a SEND, or a SEND inside a committed transaction) or received by the external client.
 */
export interface DeliveredMessage {
  /** Canonical destination: `/topic/...` or `/queue/...` (bare names are `/topic/<name>`). */
  destination: string;
  /** The embedded broker's `message-id`; the external client leaves it out. */
  messageId?: string;
  /** The sender's headers, without `destination`, `receipt`, `transaction`, `content-length`. */
  headers: Readonly<Record<string, string>>;
  body: string | Buffer;
}

export type MessageListener = (message: DeliveredMessage) => void;

/** Anything that can hand over delivered messages: the embedded broker, the external client. */
export interface MessageSource {
  observe(listener: MessageListener): () => void;
}
