import { connect, type Socket } from 'node:net';
import { waitFor } from './wait-for.js';

/** A bare TCP connection for frames no well-behaved client would send. */
export interface RawStomp {
  socket: Socket;
  /** Everything received so far, as latin1 text (NUL bytes kept). */
  received(): string;
  closed(): boolean;
  write(data: string | Buffer): void;
  /** Resolves when the received text contains `text` (or `count` occurrences of it). */
  waitFor(text: string, timeoutMs?: number, count?: number): Promise<void>;
  waitClosed(timeoutMs?: number): Promise<void>;
  destroy(): void;
}

export async function rawConnect(port: number): Promise<RawStomp> {
  const socket = connect(port, '127.0.0.1');
  let data = '';
  let isClosed = false;
  socket.on('data', (chunk: Buffer) => (data += chunk.toString('latin1')));
  socket.on('close', () => (isClosed = true));
  socket.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('error', reject);
  });
  const occurrences = (text: string) => data.split(text).length - 1;
  return {
    socket,
    received: () => data,
    closed: () => isClosed,
    write: (d) => void socket.write(d),
    waitFor: (text, timeoutMs = 10_000, count = 1) =>
      waitFor(
        `${JSON.stringify(text)} x${count}`,
        () => occurrences(text) >= count,
        timeoutMs,
        10,
      ).then(() => undefined),
    waitClosed: (timeoutMs = 10_000) =>
      waitFor('the broker to close the connection', () => isClosed, timeoutMs, 10).then(
        () => undefined,
      ),
    destroy: () => socket.destroy(),
  };
}

export const connectFrame = (login = 'admin', passcode = 'admin', extra = '') =>
  `STOMP\naccept-version:1.2\nhost:127.0.0.1\nlogin:${login}\npasscode:${passcode}\n${extra}\n\0`;

/** A connected raw client (CONNECTED received). */
export async function rawConnected(port: number, extraHeaders = ''): Promise<RawStomp> {
  const raw = await rawConnect(port);
  raw.write(connectFrame('admin', 'admin', extraHeaders));
  await raw.waitFor('CONNECTED');
  return raw;
}
