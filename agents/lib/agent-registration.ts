import type { RestClient } from './rest-client.js';
import type { RestLogger } from './rest-logger.js';
import { errorText } from './settings.js';

/** The sequential agent ID from the monitor, retried for ever as the original does. */
export async function fetchAgentId(api: RestClient, log: RestLogger): Promise<number> {
  const reply = await api.requestForever('POST', '/state/next-agent-id/', (err, next) =>
    log.warning(`next-agent-id failed (${errorText(err)}); retrying in ${next / 1000} s`),
  );
  const id = (reply.body as { agent_id?: unknown } | null)?.agent_id;
  if (typeof id !== 'number')
    throw new Error(`next-agent-id answered ${JSON.stringify(reply.body)}`);
  return id;
}

/**
 * Registers the agent as a subscriber of one destination. "Already exists" is success; any other
 * failure is fatal, as in the original (the supervisor restarts the agent).
 */
export async function registerSubscriber(
  api: RestClient,
  agent: { name: string; agentType: string },
  destination: string,
): Promise<void> {
  const body = {
    subscriber_name: `${agent.name}-${destination}`,
    description: `${agent.agentType} agent subscribing to ${destination}`,
    is_active: true,
    fraction: 1.0,
  };
  try {
    await api.request('POST', '/subscribers/', body, {
      accept: (status, reply) =>
        status === 400 &&
        /already exists/i.test(JSON.stringify(reply)) &&
        /subscriber/i.test(JSON.stringify(reply)),
    });
  } catch (err) {
    throw new Error(`subscriber registration for ${destination} failed: ${errorText(err)}`, {
      cause: err,
    });
  }
}
