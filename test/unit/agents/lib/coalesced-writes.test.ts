import { once } from 'node:events';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { coalesceWrites } from '../../../../agents/lib/coalesced-writes.js';
import { waitFor } from '../../../helpers/wait-for.js';

let server: Server | undefined;
afterEach(() => server?.close());

/** A loopback pair: what the server side received so far, and the client socket with its real writes counted. */
async function pair() {
  const received: Buffer[] = [];
  let ended = false;
  server = createServer((s) => {
    s.on('data', (d: Buffer) => received.push(d));
    s.on('end', () => (ended = true));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  const socket = connect(port, '127.0.0.1');
  await once(socket, 'connect');
  const writes = { n: 0 };
  const real = socket.write.bind(socket);
  socket.write = ((...args: Parameters<Socket['write']>) => {
    writes.n++;
    return real(...args);
  }) as Socket['write'];
  coalesceWrites(socket);
  return { socket, writes, text: () => Buffer.concat(received).toString(), ended: () => ended };
}

/** Writes a frame the way stompit does: headers, body and terminator, each after the last one's callback. */
function stompitStyleFrame(socket: Socket, n: number): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.write(`SEND\ndestination:/topic/t\nn:${n}\n\n`, 'utf-8', (e) => {
      if (e) return reject(e);
      socket.write(Buffer.from(`{"n":${n}}`), (e2) => {
        if (e2) return reject(e2);
        socket.write('\x00\n', 'utf-8', (e3) => (e3 ? reject(e3) : resolve()));
      });
    });
  });
}

describe('coalesceWrites', () => {
  it('sends the chunks of a whole turn, chained through their callbacks, in one socket write and in order', async () => {
    const p = await pair();
    // One frame after another, as stompit queues them; all of it within one turn of the loop.
    for (let i = 0; i < 50; i++) await stompitStyleFrame(p.socket, i);
    const expected = Array.from(
      { length: 50 },
      (_, i) => `SEND\ndestination:/topic/t\nn:${i}\n\n{"n":${i}}\x00\n`,
    ).join('');
    await waitFor('all frames received', () => p.text().length >= expected.length);
    expect(p.text()).toBe(expected);
    // 150 chunks; without coalescing each is its own write.
    expect(p.writes.n).toBeLessThanOrEqual(2);
    p.socket.destroy();
  });

  it('holds callbacks while the socket is over its high-water mark, so back-pressure reaches the writer', async () => {
    const p = await pair();
    const big = Buffer.alloc(4 * p.socket.writableHighWaterMark, 120);
    expect(p.socket.write(big)).toBe(true);
    await waitFor('the big chunk handed to the socket', () => p.writes.n === 1);
    let called = false;
    const accepted = p.socket.write('x', () => (called = true));
    if (p.socket.writableNeedDrain) {
      expect(accepted).toBe(false);
      expect(called).toBe(false);
    }
    await waitFor('the held callback ran once the bytes left', () => called);
    await waitFor('everything received', () => p.text().length === big.length + 1);
    p.socket.destroy();
  });

  it('flushes what is queued before ending the stream', async () => {
    const p = await pair();
    p.socket.write('last words');
    p.socket.end();
    await waitFor('the peer saw the data and the end', () => p.ended());
    expect(p.text()).toBe('last words');
  });
});
