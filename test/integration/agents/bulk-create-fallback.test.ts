import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AgentSuite, type CoreHooks, startAgentSuite } from '../../helpers/agent-suite.js';
import { startTestCore, type TestCore } from '../../helpers/core.js';
import { waitFor } from '../../helpers/wait-for.js';

const TF_PER_STF = 7;
const ENDPOINTS = ['/api/stf-files/', '/api/fastmon-files/'] as const;
type Endpoint = (typeof ENDPOINTS)[number];

/**
 * The data and fastmon agents register the rows of concurrent STFs in one list request where the
 * monitor takes lists (our core), and one by one where it does not (swf-monitor's ModelViewSet
 * answers a list with DRF's "Expected a dictionary"). Here a proxy in front of the real core
 * answers lists as swf-monitor does, so the whole pipeline runs against a monitor without bulk
 * create.
 */
interface DrfProxy {
  url: string;
  refusedLists: Record<Endpoint, number>;
  singlePosts: Record<Endpoint, number>;
  server: Server;
}

function startDrfProxy(target: string): Promise<DrfProxy> {
  const proxy: DrfProxy = {
    url: '',
    refusedLists: { '/api/stf-files/': 0, '/api/fastmon-files/': 0 },
    singlePosts: { '/api/stf-files/': 0, '/api/fastmon-files/': 0 },
    server: createServer(),
  };
  proxy.server.on('request', (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const endpoint = ENDPOINTS.find((e) => req.url?.startsWith(e));
      if (req.method === 'POST' && endpoint) {
        if (body.toString().trimStart().startsWith('[')) {
          proxy.refusedLists[endpoint]++;
          res.writeHead(400, { 'content-type': 'application/json' });
          res.end(
            JSON.stringify({
              non_field_errors: ['Invalid data. Expected a dictionary, but got list.'],
            }),
          );
          return;
        }
        proxy.singlePosts[endpoint]++;
      }
      const upstream = request(new URL(req.url ?? '/', target), {
        method: req.method,
        headers: { ...req.headers, host: new URL(target).host },
      });
      upstream.on('response', (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      });
      upstream.on('error', () => res.destroy());
      upstream.end(body);
    });
  });
  return new Promise((resolve) =>
    proxy.server.listen(0, '127.0.0.1', () => {
      proxy.url = `http://127.0.0.1:${(proxy.server.address() as AddressInfo).port}/`;
      resolve(proxy);
    }),
  );
}

describe('data and fastmon against a monitor that takes one row per request', () => {
  let suite: AgentSuite<{ t: TestCore; proxy: DrfProxy }>;

  beforeAll(async () => {
    const hooks: CoreHooks<{ t: TestCore; proxy: DrfProxy }> = {
      start: async () => {
        const t = await startTestCore();
        return { t, proxy: await startDrfProxy(t.core.url) };
      },
      link: ({ t, proxy }) => ({ url: proxy.url, token: t.core.token }),
      stop: async ({ t, proxy }) => {
        proxy.server.closeAllConnections();
        await new Promise((r) => proxy.server.close(r));
        await t.close();
      },
    };
    suite = await startAgentSuite({
      core: hooks,
      observe: ['/topic/epictopic', '/queue/test.replies'],
      agents: ['daqsim', 'data', 'processing', 'fastmon'],
    });
  }, 120_000);
  afterAll(() => suite?.close());

  it('fall back to one request per row after the first refusal and register every STF and sample', async () => {
    const { obs } = suite;
    const { t, proxy } = suite.core;
    await obs.send('/queue/workflow_control', {
      msg_type: 'run_workflow',
      namespace: 'test-ns',
      workflow_name: 'stf_datataking',
      realtime: false,
      params: { stf_count: 4 },
      reply_to: '/queue/test.replies',
    });
    const reply = await waitFor('the accept reply', () => obs.of('workflow_control_reply')[0]);
    expect(reply.accepted).toBe(true);
    const runId = reply.run_id as number;
    await waitFor(
      'every tf_file_registered',
      () => obs.of('tf_file_registered').filter((m) => m.run_id === runId).length >= 4 * TF_PER_STF,
      60_000,
    );
    // One list goes out at a time, so one is refused per endpoint; from then on each agent posts
    // row by row, the rows of the refused list too.
    expect(proxy.refusedLists).toEqual({ '/api/stf-files/': 1, '/api/fastmon-files/': 1 });
    expect(proxy.singlePosts).toEqual({
      '/api/stf-files/': 4,
      '/api/fastmon-files/': 4 * TF_PER_STF,
    });
    const samples = (await (await t.api(`/api/fastmon-files/?limit=100`)).json()) as {
      results: { stf_file: string }[];
    };
    expect(samples.results).toHaveLength(4 * TF_PER_STF);
    const stfs = (await (await t.api(`/api/stf-files/?limit=100`)).json()) as {
      results: { status: string }[];
    };
    expect(stfs.results.map((r) => r.status)).toEqual(Array(4).fill('processed'));
  });
});
