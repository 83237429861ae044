import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActiveMq } from '../../helpers/activemq.js';
import {
  type AgentProcess,
  agentEnv,
  listAgents,
  type Observer,
  spawnAgent,
} from '../../helpers/agent-fleet.js';
import { type AgentSuite, startAgentSuite, testCoreHooks } from '../../helpers/agent-suite.js';
import type { TestCore } from '../../helpers/core.js';
import { waitFor } from '../../helpers/wait-for.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { makeTlsMaterial, type TlsMaterial } from '../../helpers/tls-material.js';

describe('BaseAgent over TLS (ACTIVEMQ_USE_SSL, ACTIVEMQ_SSL_CA_CERTS) to ActiveMQ stomp+ssl', () => {
  const dir = tempDir('swf-agents-tls-');
  let tls: TlsMaterial;
  let suite: AgentSuite<TestCore>;
  let amq: ActiveMq;
  let core: TestCore;
  let obs: Observer;
  let procs: AgentProcess[];

  beforeAll(async () => {
    tls = makeTlsMaterial(dir.path);
    suite = await startAgentSuite({
      core: testCoreHooks,
      observe: ['/topic/epictopic'],
      broker: { tls },
    });
    ({ amq, core, obs, others: procs } = suite);
  }, 120_000);
  afterAll(async () => {
    await suite?.close();
    dir.remove();
  });

  it('connects with the CA file, verifies the host name, and works end to end', async () => {
    const env = agentEnv(
      core,
      { host: 'localhost', port: amq.sslPort! },
      { ACTIVEMQ_USE_SSL: 'True', ACTIVEMQ_SSL_CA_CERTS: tls.caFile, SWF_PROCESSING_MS: '0' },
    );
    const p = spawnAgent('processing', env);
    procs.push(p);
    const row = await waitFor(
      'TLS agent READY and connected',
      async () => {
        const r = (await listAgents(core)).find((a) => a.pid === p.child.pid);
        return r?.operational_state === 'READY' && r.status === 'OK' && r;
      },
      30_000,
    );
    expect(row.instance_name).toMatch(/^stf_processing-agent-tester-\d+$/);
    // A message from a plain-port client reaches the TLS agent, and its answer comes back.
    await obs.send('/topic/epictopic', {
      msg_type: 'stf_ready',
      namespace: 'test-ns',
      run_id: 5,
      filename: 'swf.5.000001.stf',
      sequence: 1,
    });
    const done = await waitFor('processing_complete', () => obs.of('processing_complete')[0]);
    expect(done).toMatchObject({
      filename: 'swf.5.000001.stf',
      sender: row.instance_name,
      namespace: 'test-ns',
      status: 'ok',
    });
  }, 60_000);

  it('refuses to fall back to clear text when TLS is asked for without a CA file', async () => {
    const env = agentEnv(
      core,
      { host: 'localhost', port: amq.sslPort! },
      { ACTIVEMQ_USE_SSL: 'true' },
    );
    const p = spawnAgent('fastmon', env);
    procs.push(p);
    expect(await p.exited).toEqual({ code: 1, signal: null });
    expect(p.output()).toMatch(/ACTIVEMQ_USE_SSL=true needs ACTIVEMQ_SSL_CA_CERTS/);
  }, 30_000);

  it('does not connect to a server whose certificate the CA does not vouch for', async () => {
    // The plain port speaks no TLS; a wrong CA is the same outcome: the agent keeps retrying, says WARNING.
    const env = agentEnv(
      core,
      { host: '127.0.0.1', port: amq.sslPort! },
      { ACTIVEMQ_USE_SSL: 'true', ACTIVEMQ_SSL_CA_CERTS: '/etc/ssl/certs/ca-certificates.crt' },
    );
    const p = spawnAgent('data', env);
    procs.push(p);
    await waitFor(
      'a retry warning in its output',
      () => /broker connect attempt 1 failed: .*(certificate|self.signed|verify)/i.test(p.output()),
      20_000,
    );
    expect(p.child.exitCode).toBeNull();
  }, 30_000);
});
