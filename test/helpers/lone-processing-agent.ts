import type { DeliveredMessage } from '../../src/main/core/broker/delivered-message.js';
import {
  type AgentProcess,
  agentEnv,
  ensureAgentsBuilt,
  spawnAgent,
  stopAgent,
} from './agent-fleet.js';
import { startTestCore, type TestCore } from './core.js';
import { waitFor } from './wait-for.js';

export interface LoneProcessingAgent {
  tc: TestCore;
  agent: AgentProcess;
  /** Every `processing_complete` the agent published, in order. */
  completed: Record<string, unknown>[];
  /** Publishes one workflow message (namespace `test-ns`) on `/topic/epictopic`. */
  publish(body: Record<string, unknown>): Promise<void>;
  close(): Promise<void>;
}

/**
 * The built processing agent alone against a real core's own broker, as the supervisor runs it,
 * with its data folder at `dataDir`; resolves once it is subscribed to the workflow topic.
 */
export async function startLoneProcessingAgent(
  dataDir: string,
  env: NodeJS.ProcessEnv = {},
): Promise<LoneProcessingAgent> {
  ensureAgentsBuilt();
  const tc = await startTestCore();
  const broker = tc.core.broker!;
  const completed: Record<string, unknown>[] = [];
  broker.observe((m: DeliveredMessage) => {
    const body = JSON.parse(m.body.toString()) as Record<string, unknown>;
    if (body.msg_type === 'processing_complete') completed.push(body);
  });
  const { login, passcode } = tc.core.brokerCredentials;
  const agent = spawnAgent(
    'processing',
    agentEnv(
      tc,
      { host: '127.0.0.1', port: broker.port },
      {
        ACTIVEMQ_USER: login,
        ACTIVEMQ_PASSWORD: passcode,
        SWF_DATA_DIR: dataDir,
        SWF_PROCESSING_MS: '0',
        ...env,
      },
    ),
  );
  await waitFor(
    'the processing agent subscribed',
    () => broker.stats().topics.some((t) => t.name === '/topic/epictopic' && t.subscribers > 0),
    30_000,
  );
  return {
    tc,
    agent,
    completed,
    publish: (body) =>
      broker.send('/topic/epictopic', JSON.stringify({ namespace: 'test-ns', ...body })),
    async close() {
      await stopAgent(agent);
      await tc.close();
    },
  };
}
