import type { Socket } from 'node:net';
import type { StompConnection } from './connection.js';
import type { RateLimitedLog } from './rate-limited-log.js';

/**
 * Who may hold a socket. Connections that have not logged in live in their own small pool:
 * when it is full, the one waiting longest is closed to make room, so a flood of sockets without
 * credentials can delay a real client by at most the time it takes to send CONNECT, and never
 * takes a slot of a logged-in client. Logged-in connections have `maxConnections` slots, of which
 * `reservedConnections` only supervised programs may take: the others' connections are refused
 * once they hold the rest, so a supervised agent finds a free slot whoever else logs in.
 */
export class ConnectionSlots {
  /** Not logged in yet, oldest first (a Set keeps insertion order). */
  private readonly waiting = new Set<StompConnection>();
  private readonly loggedIn = new Set<StompConnection>();
  private readonly supervisedIn = new Set<StompConnection>();
  evicted = 0;
  refused = 0;

  constructor(
    private readonly limits: {
      maxConnections: number;
      reservedConnections: number;
      maxUnauthenticated: number;
    },
    private readonly warn: RateLimitedLog,
  ) {}

  get size(): number {
    return this.waiting.size + this.loggedIn.size;
  }

  get authenticated(): number {
    return this.loggedIn.size;
  }

  get supervised(): number {
    return this.supervisedIn.size;
  }

  all(): StompConnection[] {
    return [...this.waiting, ...this.loggedIn];
  }

  /** A new socket: make room in the waiting pool, then let `create` build its connection. */
  accept(socket: Socket, create: () => StompConnection): void {
    // Before anything else: a peer that resets the socket must never raise an unhandled error.
    socket.on('error', () => socket.destroy());
    if (this.waiting.size >= this.limits.maxUnauthenticated) {
      const oldest = this.waiting.values().next().value;
      if (oldest) {
        this.evicted++;
        this.warn.warn(
          'broker: too many connections without CONNECT',
          `closed the oldest waiting one (${oldest.remote})`,
        );
        // Destroyed, not sent an ERROR: a flood must not leave sockets lingering in a grace period.
        this.waiting.delete(oldest);
        oldest.destroy();
      }
    }
    this.waiting.add(create());
  }

  /** The connection logged in: take a logged-in slot, or an error text. */
  admit(connection: StompConnection, supervised: boolean): string | undefined {
    this.waiting.delete(connection);
    const { maxConnections, reservedConnections } = this.limits;
    // Counted against the others only: supervised connections in the shared slots must not
    // shrink what the reserve guarantees.
    const limit = supervised ? maxConnections : maxConnections - reservedConnections;
    const taken = supervised ? this.loggedIn.size : this.loggedIn.size - this.supervisedIn.size;
    if (taken >= limit || this.loggedIn.size >= maxConnections) {
      this.refused++;
      this.warn.warn(
        'broker: connection limit reached',
        `refused a login from ${connection.remote} (${limit} connections)`,
      );
      return `too many connections (${limit})`;
    }
    this.loggedIn.add(connection);
    if (supervised) this.supervisedIn.add(connection);
    return undefined;
  }

  release(connection: StompConnection): void {
    this.waiting.delete(connection);
    this.loggedIn.delete(connection);
    this.supervisedIn.delete(connection);
  }
}
