import WebSocket from 'ws';
import { waitFor } from './wait-for.js';

/** A bare WebSocket to /ws/mcp/ that collects every text frame, for protocol-level tests. */
export async function openRaw(port: number, token: string, opts: { protocol?: string } = {}) {
  const ws = new WebSocket(
    `ws://127.0.0.1:${port}/ws/mcp/?token=${encodeURIComponent(token)}`,
    opts.protocol ?? [],
  );
  const frames: unknown[] = [];
  let closed: { code: number } | undefined;
  ws.on('message', (data) => frames.push(JSON.parse(String(data))));
  ws.on('close', (code) => (closed = { code }));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return {
    ws,
    frames,
    closed: () => closed,
    send: (text: string) => ws.send(text),
    /** Waits for the next frame after the ones already seen. */
    async next(ms = 10_000): Promise<Record<string, unknown>> {
      const seen = frames.length;
      await waitFor('a frame', () => frames.length > seen, ms, 5);
      return frames[seen] as Record<string, unknown>;
    },
    close: () => ws.close(),
  };
}
