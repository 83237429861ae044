import type { ControlCenter } from '../core/control-center.js';
import type { EventBus } from '../core/events.js';

export interface FleetSummary {
  /** Agents whose heartbeats say they are alive. */
  running: number;
  /**
   * Agents that went silent without saying goodbye: not alive and not EXITED, or marked EXITED
   * by the stale-agent sweeper while this app ran. An agent that reported EXITED itself is not
   * dead, it stopped.
   */
  dead: number;
}

/** What the shell needs from the core to show the fleet and to start and stop it. */
export interface FleetControl {
  summary(): FleetSummary;
  /** Supervised processes that quitting would stop (0 without a supervisor). */
  runningProcesses(): number;
  /** False until the core has a supervisor: start/stop all are then disabled. */
  canControl(): boolean;
  startAll(): Promise<void>;
  stopAll(): Promise<void>;
  /** Called (coalesced by the caller) whenever an agent or process changes. */
  onChange(listener: () => void): () => void;
  /** Stops listening to the core. */
  close(): void;
}

/**
 * How agents ended, as seen on the bus while this app runs: the agent's own last heartbeat said
 * EXITED (it stopped on purpose), or the stale-agent sweeper marked it EXITED (it went silent).
 */
export function createExitTracker(bus: EventBus) {
  const goodbye = new Set<string>();
  const swept = new Set<string>();
  const offs = [
    bus.on('agent.heartbeat', (e) => {
      swept.delete(e.instanceName);
      if (e.status === 'EXITED') goodbye.add(e.instanceName);
      else goodbye.delete(e.instanceName);
    }),
    bus.on('agent.liveness', (e) => {
      if (e.markedExited) swept.add(e.instanceName);
    }),
  ];
  return {
    saidGoodbye: (name: string) => goodbye.has(name),
    swept: (name: string) => swept.has(name),
    close: () => offs.forEach((off) => off()),
  };
}

export function fleetFromCore(core: ControlCenter): FleetControl {
  const { supervisor } = core;
  const exits = createExitTracker(core.bus);
  return {
    summary() {
      let running = 0;
      let dead = 0;
      for (const agent of core.store.agents.all()) {
        if (core.liveness.liveness(agent.instance_name) === 'alive') running += 1;
        else if (!exits.saidGoodbye(agent.instance_name))
          if (agent.status !== 'EXITED' || exits.swept(agent.instance_name)) dead += 1;
      }
      return { running, dead };
    },
    close: () => exits.close(),
    runningProcesses: () =>
      supervisor
        .list()
        .filter((p) => p.state !== 'STOPPED' && p.state !== 'EXITED' && p.state !== 'FATAL').length,
    canControl: () => supervisor.list().length > 0,
    async startAll() {
      await supervisor.start('all');
    },
    async stopAll() {
      await supervisor.stop('all');
    },
    onChange(listener) {
      const offs = [
        core.bus.on('agent.changed', listener),
        core.bus.on('agent.liveness', listener),
        core.bus.on('process.state', listener),
      ];
      return () => offs.forEach((off) => off());
    },
  };
}
