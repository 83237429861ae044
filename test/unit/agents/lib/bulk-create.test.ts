import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BulkCreator, type Created, type Row } from '../../../../agents/lib/bulk-create.js';
import { RestClient } from '../../../../agents/lib/rest-client.js';
import { waitFor } from '../../../helpers/wait-for.js';

/**
 * A monitor endpoint on a real socket: it stores what it is given and answers as DRF does. A body
 * with `bad: true` is refused with a 400; in `drf` mode a list is refused as swf-monitor does.
 */
let server: Server;
let api: RestClient;
let mode: 'bulk' | 'drf' = 'bulk';
let posts: unknown[] = [];
let nextId = 1;
let hold: (() => void)[] | undefined;

function answer(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

function onPost(req: IncomingMessage, res: ServerResponse) {
  let text = '';
  req.on('data', (c: Buffer) => (text += c.toString()));
  req.on('end', () => {
    const body = JSON.parse(text) as Row | Row[];
    posts.push(body);
    const reply = () => {
      if (Array.isArray(body)) {
        if (mode === 'drf')
          return answer(res, 400, {
            non_field_errors: ['Invalid data. Expected a dictionary, but got list.'],
          });
        if (body.some((b) => b.bad))
          return answer(
            res,
            400,
            body.map((b) => (b.bad ? { name: ['This field is bad.'] } : {})),
          );
        return answer(
          res,
          201,
          body.map((b) => ({ ...b, id: nextId++ })),
        );
      }
      if (body.bad) return answer(res, 400, { name: ['This field is bad.'] });
      answer(res, 201, { ...body, id: nextId++ });
    };
    if (hold) hold.push(reply);
    else reply();
  });
}

beforeAll(async () => {
  server = createServer(onPost);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  api = new RestClient(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, 't', []);
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});
beforeEach(() => {
  mode = 'bulk';
  posts = [];
  hold = undefined;
});

const rows = (results: Created[]) => results.map((r) => (r.ok ? r.row.name : 'failed'));

describe('BulkCreator', () => {
  it('sends a lone create at once, as a list of its bodies', async () => {
    const creator = new BulkCreator(api, '/things/', { maxItems: 100 });
    const [r] = await creator.create([{ name: 'a' }]);
    expect(r).toMatchObject({ ok: true, row: { name: 'a' } });
    expect(posts).toEqual([[{ name: 'a' }]]);
  });

  it('gathers the creates made together into one request and answers each caller its rows', async () => {
    const creator = new BulkCreator(api, '/things/', { maxItems: 100 });
    const results = await Promise.all([
      creator.create([{ name: 'a1' }, { name: 'a2' }]),
      creator.create([{ name: 'b1' }]),
      creator.create([{ name: 'c1' }, { name: 'c2' }, { name: 'c3' }]),
    ]);
    expect(posts).toHaveLength(1);
    expect(results.map(rows)).toEqual([['a1', 'a2'], ['b1'], ['c1', 'c2', 'c3']]);
  });

  it('holds creates made while a request is out and sends them together when it is answered', async () => {
    const creator = new BulkCreator(api, '/things/', { maxItems: 100 });
    hold = [];
    const first = creator.create([{ name: 'first' }]);
    await waitFor('the first request to arrive', () => posts.length === 1);
    const later = [1, 2, 3].map((i) => creator.create([{ name: `later${i}` }]));
    const waiting = hold;
    hold = undefined;
    for (const reply of waiting) reply();
    expect(rows(await first)).toEqual(['first']);
    expect((await Promise.all(later)).map(rows)).toEqual([['later1'], ['later2'], ['later3']]);
    expect(posts).toEqual([
      [{ name: 'first' }],
      [{ name: 'later1' }, { name: 'later2' }, { name: 'later3' }],
    ]);
  });

  it('never puts more than maxItems bodies in one request and keeps a group whole', async () => {
    const creator = new BulkCreator(api, '/things/', { maxItems: 5 });
    const results = await Promise.all(
      [0, 1, 2, 3].map((g) => creator.create([0, 1].map((i) => ({ name: `${g}.${i}` })))),
    );
    expect(results.map(rows)).toEqual([0, 1, 2, 3].map((g) => [`${g}.0`, `${g}.1`]));
    expect(posts.map((p) => (p as Row[]).length)).toEqual([4, 4]);
  });

  it('stores the other callers rows when one group is refused, and tells that group why', async () => {
    const creator = new BulkCreator(api, '/things/', { maxItems: 100 });
    const [good1, bad, good2] = await Promise.all([
      creator.create([{ name: 'g1' }]),
      creator.create([{ name: 'x', bad: true }, { name: 'y' }]),
      creator.create([{ name: 'g2' }]),
    ]);
    expect(rows(good1!)).toEqual(['g1']);
    expect(rows(good2!)).toEqual(['g2']);
    expect(rows(bad!)).toEqual(['failed', 'failed']);
    expect(bad![0]).toMatchObject({ ok: false, error: { status: 400 } });
    // The refused list, then each group on its own.
    expect(posts).toHaveLength(4);
  });

  it('goes one body per request, for good, once the monitor refuses lists', async () => {
    mode = 'drf';
    let told = 0;
    const creator = new BulkCreator(api, '/things/', { maxItems: 100, onSingleMode: () => told++ });
    const results = await Promise.all([
      creator.create([{ name: 'a' }, { name: 'b', bad: true }]),
      creator.create([{ name: 'c' }]),
    ]);
    expect(results.map(rows)).toEqual([['a', 'failed'], ['c']]);
    const later = await creator.create([{ name: 'd' }]);
    expect(rows(later)).toEqual(['d']);
    expect(told).toBe(1);
    expect(posts.filter(Array.isArray)).toHaveLength(1);
    expect(posts.filter((p) => !Array.isArray(p))).toHaveLength(4);
  });
});
