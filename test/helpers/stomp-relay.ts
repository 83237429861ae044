import { connect, createServer, type Server, type Socket } from 'node:net';

/** What a relay does with one frame from the client: pass it, swallow it, or pass it and hang up. */
export type FrameVerdict = 'pass' | 'drop' | 'pass-then-cut';

/**
 * A TCP relay in front of a STOMP broker that shows each client frame (its text up to the NUL) to
 * `onFrame` before passing it on; the broker's side is passed through untouched. A test stands it
 * between an agent and the core to lose a frame, or a connection, at an exact point.
 */
export function startStompRelay(
  brokerPort: number,
  onFrame: (frame: string) => FrameVerdict,
): Promise<{ server: Server; port: number }> {
  const server = createServer((client: Socket) => {
    const upstream = connect(brokerPort, '127.0.0.1');
    let pending = '';
    client.on('data', (chunk: Buffer) => {
      pending += chunk.toString('latin1');
      const frames = pending.split('\0');
      pending = frames.pop()!;
      for (const f of frames) {
        const verdict = onFrame(f);
        if (verdict === 'drop') continue;
        upstream.write(Buffer.from(`${f}\0`, 'latin1'));
        if (verdict === 'pass-then-cut') {
          upstream.end();
          client.destroy();
          return;
        }
      }
    });
    upstream.pipe(client);
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const addr = server.address();
      resolve({ server, port: typeof addr === 'object' && addr ? addr.port : 0 });
    }),
  );
}
