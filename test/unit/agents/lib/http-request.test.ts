import { createServer, type Server } from 'node:http';
import { getEventListeners } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpTimeoutError, httpRequest } from '../../../../agents/lib/http-request.js';

let server: Server;
let base: string;
const held: (() => void)[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/echo') {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => res.end(JSON.stringify({ method: req.method, body })));
    } else if (req.url === '/big') {
      res.end(Buffer.alloc(64 * 1024, 'x'));
    } else if (req.url === '/redirect') {
      res.writeHead(302, { location: '/echo' }).end();
    } else {
      held.push(() => res.end());
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  for (const h of held) h();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

describe('httpRequest', () => {
  it('sends the body and returns status and text, on a kept-alive socket for the next call', async () => {
    for (let i = 0; i < 3; i++) {
      const r = await httpRequest(`${base}/echo`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"é":1}',
        timeoutMs: 5000,
      });
      expect(r.status).toBe(200);
      expect(JSON.parse(r.text)).toEqual({ method: 'POST', body: '{"é":1}' });
    }
  });

  it('returns a redirect as it is, without following it', async () => {
    const r = await httpRequest(`${base}/redirect`, {
      method: 'GET',
      headers: {},
      timeoutMs: 5000,
    });
    expect(r.status).toBe(302);
  });

  it('refuses a reply larger than maxBytes', async () => {
    await expect(
      httpRequest(`${base}/big`, { method: 'GET', headers: {}, timeoutMs: 5000, maxBytes: 1024 }),
    ).rejects.toThrow(/larger than 1024 bytes/);
  });

  it('gives up after timeoutMs and on abort', async () => {
    await expect(
      httpRequest(`${base}/hang`, { method: 'GET', headers: {}, timeoutMs: 200 }),
    ).rejects.toBeInstanceOf(HttpTimeoutError);
    const ctl = new AbortController();
    const p = httpRequest(`${base}/hang`, {
      method: 'GET',
      headers: {},
      timeoutMs: 60_000,
      signal: ctl.signal,
    });
    ctl.abort();
    await expect(p).rejects.toThrow(/abort/i);
    // Already aborted: refused before any request is made.
    await expect(
      httpRequest(`${base}/echo`, {
        method: 'GET',
        headers: {},
        timeoutMs: 5000,
        signal: ctl.signal,
      }),
    ).rejects.toThrow(/abort/i);
  });

  it('leaves no listener on the signal once a request has ended', async () => {
    const ctl = new AbortController();
    for (let i = 0; i < 20; i++)
      await httpRequest(`${base}/echo`, {
        method: 'GET',
        headers: {},
        timeoutMs: 5000,
        signal: ctl.signal,
      });
    await expect(
      httpRequest(`${base}/big`, {
        method: 'GET',
        headers: {},
        timeoutMs: 5000,
        maxBytes: 10,
        signal: ctl.signal,
      }),
    ).rejects.toThrow(/larger/);
    expect(getEventListeners(ctl.signal, 'abort')).toHaveLength(0);
  });
});
