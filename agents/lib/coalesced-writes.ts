import type { Socket } from 'node:net';

type WriteCallback = (err?: Error | null) => void;

/**
 * Gathers what a socket is given within one turn of the event loop into one system call.
 *
 * stompit writes a frame as three chunks (headers, body, terminator), each only after the previous
 * one's callback, so every message cost three socket writes. On loopback TCP the kernel delivers to
 * the receiver inside the sender's call, which made those writes a large share of an agent's CPU.
 * Here a chunk's callback fires as soon as it is queued, so stompit's chain runs on within the same
 * turn and the whole turn's frames leave together. While the socket is over its high-water mark the
 * callbacks wait for the bytes to leave, which keeps stompit's back-pressure.
 */
export function coalesceWrites(socket: Socket): void {
  const write = socket.write.bind(socket) as (data: Buffer, cb: WriteCallback) => boolean;
  const end = socket.end.bind(socket) as (...args: unknown[]) => Socket;
  let parts: Buffer[] = [];
  // Callbacks of chunks queued while the socket needed draining: they wait for the next flush.
  let held: WriteCallback[] = [];
  let scheduled = false;

  const flush = () => {
    scheduled = false;
    if (parts.length === 0) return;
    const data = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
    const waiting = held;
    parts = [];
    held = [];
    if (socket.destroyed) {
      const err = new Error('socket closed before the write');
      for (const cb of waiting) cb(err);
      return;
    }
    write(data, (err) => {
      for (const cb of waiting) cb(err);
    });
  };

  socket.write = ((
    chunk: string | Uint8Array,
    encodingOrCb?: BufferEncoding | WriteCallback,
    maybeCb?: WriteCallback,
  ): boolean => {
    const encoding = typeof encodingOrCb === 'string' ? encodingOrCb : undefined;
    const cb = typeof encodingOrCb === 'function' ? encodingOrCb : maybeCb;
    parts.push(
      typeof chunk === 'string'
        ? Buffer.from(chunk, encoding ?? 'utf8')
        : Buffer.isBuffer(chunk)
          ? chunk
          : Buffer.from(chunk),
    );
    if (!scheduled) {
      scheduled = true;
      setImmediate(flush);
    }
    const full = socket.writableNeedDrain;
    if (cb) {
      if (full) held.push(cb);
      else process.nextTick(cb);
    }
    return !full;
  }) as Socket['write'];

  // What is still queued leaves before the end of the stream.
  socket.end = ((...args: unknown[]) => {
    flush();
    return end(...args);
  }) as Socket['end'];
}
