import type { StompConnection } from './connection.js';
import type { BrokerLimits } from './limits.js';
import type { MemoryBudget } from './memory-budget.js';
import type { BrokerMessage, Subscription } from './router.js';

/** What a connection needs from the broker (kept narrow so the connection is testable). */
export interface BrokerContext {
  limits: BrokerLimits;
  login?: string;
  passcode?: string;
  /** The pair only supervised programs hold; its connections may take the reserved slots. */
  supervised?: { login: string; passcode: string };
  serverName: string;
  nextMessageId(): string;
  /** Route a message (SEND, or a committed transactional SEND); an error text refuses it. */
  publish(message: BrokerMessage): string | undefined;
  subscribe(sub: Subscription): void;
  unsubscribe(sub: Subscription): void;
  /** Subscriptions got credit back or the socket drained: dispatch their queues. */
  resume(subs: Iterable<Subscription>): void;
  /** A client logged in: may it take an authenticated slot? An error text refuses it. */
  admit(connection: StompConnection, supervised: boolean): string | undefined;
  /** Message bytes held anywhere in the broker. */
  memory: MemoryBudget;
  onDelivered(): void;
  /** A subscriber held more than its byte budget and was cut off. */
  onCutOff(sub: Subscription): void;
  onProtocolError(reason: string): void;
  onClosed(connection: StompConnection): void;
}
