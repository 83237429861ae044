import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import WebSocket from 'ws';
import { readToken } from '../token.js';

export interface StdioBridgeOptions {
  dataDir: string;
  stdin: Readable;
  stdout: Writable;
  /** Diagnostics only; stdout carries nothing but MCP messages. */
  stderr: Writable;
}

/**
 * `swf-control-center mcp`: for clients that can only launch a process (Claude Desktop). Reads
 * the running core's port and token from its data folder and pipes newline-delimited JSON-RPC
 * between stdio and `/ws/mcp/`, one line per frame; the core does all the MCP work, so both
 * protocol eras pass through unchanged. Resolves with the exit code.
 */
export function runStdioBridge(opts: StdioBridgeOptions): Promise<number> {
  const say = (text: string) => opts.stderr.write(`swf-control-center mcp: ${text}\n`);
  let port: number;
  let token: string;
  try {
    const info = JSON.parse(readFileSync(join(opts.dataDir, 'core.json'), 'utf8')) as {
      port?: unknown;
    };
    if (typeof info.port !== 'number') throw new Error('core.json has no port');
    port = info.port;
    token = readToken(opts.dataDir);
  } catch (err) {
    say(
      `no running SWF Control Center found in ${opts.dataDir} (${(err as Error).message}); start the app or \`swf-control-center serve\` first, or pass --data-dir`,
    );
    return Promise.resolve(1);
  }

  return new Promise((resolve) => {
    // The token goes in a header, never in the URL, so no access log can ever show it.
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws/mcp/?via=stdio`, 'mcp', {
      headers: { Authorization: `Bearer ${token}` },
    });
    const queue: string[] = [];
    let buffer = '';
    let done = false;
    const finish = (code: number) => {
      if (done) return;
      done = true;
      opts.stdin.off('data', onData);
      opts.stdin.off('end', onEnd);
      if (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING)
        ws.close(1000);
      resolve(code);
    };
    const forward = (line: string) => {
      const text = line.endsWith('\r') ? line.slice(0, -1) : line;
      if (text.trim() === '') return;
      if (ws.readyState === WebSocket.OPEN) ws.send(text);
      else queue.push(text);
    };
    const onData = (chunk: Buffer | string) => {
      buffer += typeof chunk === 'string' ? chunk : chunk.toString('utf8');
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        forward(buffer.slice(0, nl));
        buffer = buffer.slice(nl + 1);
      }
    };
    // The client closing stdin ends the session (the MCP stdio binding's rule).
    const onEnd = () => {
      forward(buffer);
      buffer = '';
      const close = () => finish(0);
      if (ws.readyState === WebSocket.OPEN) ws.close(1000);
      ws.once('close', close);
      if (ws.readyState === WebSocket.CLOSED) close();
    };
    opts.stdin.on('data', onData);
    opts.stdin.on('end', onEnd);

    ws.on('open', () => {
      for (const text of queue.splice(0)) ws.send(text);
    });
    ws.on('message', (data) => {
      opts.stdout.write(`${String(data)}\n`);
    });
    ws.on('unexpected-response', (_req, res) => {
      say(
        `the core on port ${port} refused the connection (HTTP ${res.statusCode}); is the token in ${opts.dataDir} current?`,
      );
      finish(1);
    });
    ws.on('error', (err) => {
      say(`cannot reach the core on port ${port}: ${err.message}`);
      finish(1);
    });
    ws.on('close', (code) => {
      if (!done && code !== 1000) say(`the core closed the connection (${code})`);
      finish(code === 1000 || code === 1005 ? 0 : 1);
    });
  });
}
