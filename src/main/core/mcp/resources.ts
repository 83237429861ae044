import { McpServer, ResourceNotFoundError, ResourceTemplate } from '@modelcontextprotocol/server';
import { livenessOf } from '../monitor/liveness.js';
import type { McpDeps } from './deps.js';
import { agentUri, FLEET_URI, runUri } from './change-notifier.js';
import { processTiming } from './tools/process-uptime.js';

const json = (uri: string, value: unknown) => ({
  contents: [{ uri, mimeType: 'application/json', text: JSON.stringify(value, null, 2) }],
});

const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) ?? '';

/** The fleet now: every agent with liveness, and the supervisor's view when there is one. */
export async function fleetSnapshot(deps: McpDeps) {
  const now = Date.now();
  // The supervisor's reason for a RUNNING program is its start-up grace ("up for 1s"), not its
  // age: the stored spawn time gives the uptime instead.
  const processes = (await deps.processControl.list()).map((p) => ({
    name: p.name,
    state: p.state,
    pid: p.pid,
    exitCode: p.exitCode ?? null,
    ...processTiming(deps.store, p.name, p.state, p.pid, now),
    ...(p.state !== 'RUNNING' && p.description !== undefined && { detail: p.description }),
  }));
  return {
    namespace: deps.config.namespace,
    at: new Date(now).toISOString(),
    agents: deps.store.agents.all().map((a) => ({
      name: a.instance_name,
      agent_type: a.agent_type,
      status: a.status,
      operational_state: a.operational_state,
      namespace: a.namespace,
      last_heartbeat: a.last_heartbeat,
      liveness: livenessOf(a, deps.config.liveness.aliveSeconds, now),
    })),
    processes,
  };
}

export function runSnapshot(deps: McpDeps, runNumber: number) {
  const run = deps.store.runs.list({ run_number: runNumber }, 1).items[0];
  if (!run) return undefined;
  const stats: Record<string, number> = {};
  for (const f of deps.store.stfFiles.list({ run_number: runNumber }).items)
    stats[String(f.status)] = (stats[String(f.status)] ?? 0) + 1;
  return {
    run,
    run_state: deps.store.runStates.get(String(runNumber)) ?? null,
    file_stats: stats,
    recent_messages: deps.store.workflowMessages
      .query({ runId: String(runNumber), limit: 50 })
      .items.map((m) => ({
        message_type: m.message_type,
        sender_agent: m.sender_agent,
        sent_at: m.sent_at,
        content: m.message_content,
      })),
  };
}

export function registerResources(server: McpServer, deps: McpDeps) {
  server.registerResource(
    'fleet',
    FLEET_URI,
    {
      title: 'Testbed fleet',
      description:
        'Every agent with status, operational state, last heartbeat and liveness (and supervised processes).',
      mimeType: 'application/json',
    },
    async (uri) => json(uri.href, await fleetSnapshot(deps)),
  );

  server.registerResource(
    'agent',
    new ResourceTemplate('swf://agents/{name}', {
      list: () => ({
        resources: deps.store.agents.all().map((a) => ({
          uri: agentUri(a.instance_name),
          name: a.instance_name,
          mimeType: 'application/json',
        })),
      }),
    }),
    {
      title: 'One agent',
      description: 'One agent record with liveness and its 20 most recent heartbeats.',
      mimeType: 'application/json',
    },
    (uri, variables) => {
      const name = decodeURIComponent(one(variables.name));
      const agent = deps.store.agents.get(name);
      if (!agent) throw new ResourceNotFoundError(uri.href);
      return json(uri.href, {
        agent,
        liveness: livenessOf(agent, deps.config.liveness.aliveSeconds),
        recent_heartbeats: deps.store.heartbeats.query({ instanceName: name, limit: 20 }).items,
      });
    },
  );

  server.registerResource(
    'run',
    new ResourceTemplate('swf://runs/{run_number}', {
      list: () => ({
        resources: deps.store.runs.list({}, 50).items.map((r) => ({
          uri: runUri(String(r.run_number)),
          name: `run ${String(r.run_number)}`,
          mimeType: 'application/json',
        })),
      }),
    }),
    {
      title: 'One run',
      description:
        'One run with its live state, STF file counts per status and its 50 newest workflow messages.',
      mimeType: 'application/json',
    },
    (uri, variables) => {
      const n = Number(one(variables.run_number));
      const snapshot = Number.isInteger(n) ? runSnapshot(deps, n) : undefined;
      if (!snapshot) throw new ResourceNotFoundError(uri.href);
      return json(uri.href, snapshot);
    },
  );
}
