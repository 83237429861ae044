import type { LogExtra, RestLogger } from './rest-logger.js';
import { type AgentSettings, errorText } from './settings.js';
import { NotConnectedError, AgentStompClient } from './agent-stomp-client.js';
import { msgTypeHeaders } from '../../src/shared/message-selector.js';

export type FrameHandler = (
  destination: string,
  body: string,
  headers: Record<string, string>,
) => void;

/**
 * The agent's STOMP connection: reconnects by itself, logs the first failed attempt and every
 * tenth (a broker down for long does not flood the log), and restores the subscriptions.
 */
export function openBrokerConnection(opts: {
  settings: AgentSettings;
  clientId: string;
  log: RestLogger;
  extra: () => LogExtra;
  destinations: string[];
  /** SUBSCRIBE headers per destination (a selector), if any. */
  subscribeHeaders?: (destination: string) => Record<string, string>;
  onFrame: FrameHandler;
  onDown: () => void;
  onUp: () => void;
  /** Still starting: a first connection without failed attempts is not worth a log line. */
  starting: () => boolean;
}): AgentStompClient {
  const s = opts.settings;
  const mq = new AgentStompClient({
    host: s.brokerHost,
    port: s.brokerPort,
    login: s.brokerUser,
    passcode: s.brokerPassword,
    ssl: s.useSsl,
    caFile: s.caFile,
    clientId: opts.clientId,
    heartbeatMs: s.stompHeartbeatMs,
    reconnectInitialMs: s.reconnectInitialMs,
    reconnectMaxMs: s.reconnectMaxMs,
  });
  let attempts = 0;
  mq.on('attempt-failed', (reason: string) => {
    attempts++;
    if (attempts === 1 || attempts % 10 === 0)
      opts.log.warning(
        `broker connect attempt ${attempts} failed: ${reason}; retrying with backoff`,
      );
  });
  mq.on('down', (reason: string) => {
    opts.log.warning(`broker connection lost (${reason}); reconnecting`, opts.extra());
    opts.onDown();
  });
  mq.on('up', () => {
    if (attempts > 0 || !opts.starting())
      opts.log.info(`broker connection (re)established; subscriptions restored`, opts.extra());
    attempts = 0;
    opts.onUp();
  });
  for (const destination of opts.destinations)
    mq.subscribe(
      destination,
      (body, headers) => opts.onFrame(destination, body, headers),
      opts.subscribeHeaders?.(destination),
    );
  return mq;
}

/**
 * `send_message`: requires the destination prefix, injects `sender` and `namespace`, and waits
 * for the broker's receipt. Where the original reconnects once and otherwise loses the message,
 * this keeps retrying across reconnects until the deadline, then throws, so the caller can record
 * the loss (a re-send after a lost receipt may duplicate a message; consumers de-duplicate by
 * filename).
 *
 * Several bodies leave together, and only the last asks for a receipt: a broker handles one
 * connection's frames in order, so its receipt for the last says the ones before it were taken
 * too, and a refusal of any of them is an ERROR that arrives before that receipt (the STOMP
 * client drops the connection at any ERROR). Until the receipt comes they all count as unsent
 * and are sent again together.
 */
export async function publish(
  mq: AgentStompClient,
  destination: string,
  bodies: Record<string, unknown>[],
  opts: {
    sender: string;
    namespace: string;
    deadlineMs: number;
    beforePublish: (deadline: number) => Promise<void>;
  },
): Promise<void> {
  if (!destination.startsWith('/queue/') && !destination.startsWith('/topic/'))
    throw new Error(`destination "${destination}" must start with /queue/ or /topic/`);
  if (bodies.length === 0) return;
  const frames = bodies.map((body) => ({
    text: JSON.stringify({ ...body, sender: opts.sender, namespace: opts.namespace }),
    headers: msgTypeHeaders(body),
  }));
  const last = frames.length - 1;
  const what =
    frames.length === 1
      ? String(bodies[0]!.msg_type)
      : `${frames.length} messages (${String(bodies[0]!.msg_type)}, ...)`;
  const deadline = Date.now() + opts.deadlineMs;
  let lastError = '';
  for (;;) {
    const left = deadline - Date.now();
    if (left <= 0) {
      throw new Error(
        `could not publish ${what} to ${destination} within ${opts.deadlineMs / 1000} s: ${lastError}`,
      );
    }
    try {
      if (!mq.isConnected) await mq.waitUp(left);
      await opts.beforePublish(deadline);
      await Promise.all(
        frames.map((f, i) =>
          mq.send(
            destination,
            f.text,
            i === last
              ? { receipt: true, timeoutMs: Math.min(10_000, left), headers: f.headers }
              : { headers: f.headers },
          ),
        ),
      );
      return;
    } catch (err) {
      lastError = errorText(err);
      if (!(err instanceof NotConnectedError) && mq.isConnected) {
        // A receipt timeout or frame error on a live connection: pause briefly, try again.
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }
}
