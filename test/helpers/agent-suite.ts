import { join } from 'node:path';
import { type ActiveMq, type ActiveMqOptions, startActiveMq } from './activemq.js';
import {
  type AgentName,
  type AgentProcess,
  agentEnv,
  ensureAgentsBuilt,
  type Observer,
  observe,
  spawnAgent,
  spawnCommand,
  stopAgent,
} from './agent-fleet.js';
import { startTestCore, type TestCore } from './core.js';
import { tempDir } from './temp-dir.js';
import { waitFor } from './wait-for.js';

/** How the suite starts, reaches and stops the core the agents report to. */
export interface CoreHooks<C> {
  start(): Promise<C>;
  link(core: C): { url: string; token: string };
  stop(core: C): Promise<void>;
}

/** The default: an in-process core (`startTestCore`). */
export const testCoreHooks: CoreHooks<TestCore> = {
  start: () => startTestCore(),
  link: (t) => ({ url: t.core.url, token: t.core.token }),
  stop: (t) => t.close(),
};

export interface AgentSuiteOptions<C> {
  core: CoreHooks<C>;
  /** Destinations the suite's observer subscribes to. */
  observe: string[];
  /** Built agents to start; they share `env`. */
  agents?: readonly AgentName[];
  /** Other programs (e.g. an original-format Python agent) started with the same `env`. */
  commands?: { name: string; command: string; args: string[] }[];
  /** Environment beyond `agentEnv`'s defaults; `SWF_DATA_DIR` is the suite's data folder. */
  env?: NodeJS.ProcessEnv;
  broker?: ActiveMqOptions;
}

export interface AgentSuite<C> {
  amq: ActiveMq;
  core: C;
  obs: Observer;
  /** The environment the agents were started with. */
  env: NodeJS.ProcessEnv;
  /** A temporary folder for the agents' STF files and anything else the suite writes. */
  dataDir: string;
  /** Started agents by name; replace an entry to have `close` stop the new process. */
  agents: Map<string, AgentProcess>;
  /** Further processes the suite's tests start; `close` kills them too. */
  others: AgentProcess[];
  close(): Promise<void>;
}

/**
 * The agent suites' common set-up: a real ActiveMQ and a core side by side, an observer on the
 * broker, the agents spawned as the supervisor spawns them, and a wait until the core lists every
 * one READY. `close` kills what is left and removes the folders.
 */
export async function startAgentSuite<C>(opts: AgentSuiteOptions<C>): Promise<AgentSuite<C>> {
  ensureAgentsBuilt();
  const dir = tempDir('swf-agent-suite-');
  const [amq, core] = await Promise.all([startActiveMq(opts.broker), opts.core.start()]);
  const obs = await observe(amq, opts.observe);
  const link = opts.core.link(core);
  const env = agentEnv(link, amq, { SWF_DATA_DIR: join(dir.path, 'stf'), ...opts.env });
  const agents = new Map<string, AgentProcess>();
  for (const name of opts.agents ?? []) agents.set(name, spawnAgent(name, env));
  for (const c of opts.commands ?? [])
    agents.set(c.name, spawnCommand(c.name, c.command, c.args, env));
  const others: AgentProcess[] = [];
  const suite: AgentSuite<C> = {
    amq,
    core,
    obs,
    env,
    dataDir: dir.path,
    agents,
    others,
    async close() {
      await Promise.all([...agents.values(), ...others].map((a) => stopAgent(a, 'SIGKILL')));
      await obs.close();
      await opts.core.stop(core);
      await amq.stop();
      dir.remove();
    },
  };
  if (agents.size > 0) {
    try {
      await waitFor(
        `${agents.size} agents READY in the core`,
        async () => {
          const res = await fetch(new URL('/api/systemagents/', link.url), {
            headers: { authorization: `Token ${link.token}` },
          });
          const rows = (await res.json()) as { operational_state: string }[];
          return rows.filter((a) => a.operational_state === 'READY').length === agents.size;
        },
        60_000,
        100,
      );
    } catch (err) {
      await suite.close();
      throw err;
    }
  }
  return suite;
}
