import { z } from 'zod';
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
 * The supervisor's surface as the shell uses it. The supervisor module is built in parallel;
 * the integrator maps its real methods here (see docs/packaging.md, "Wiring").
 */
export interface SupervisorLike {
  startAll(): Promise<unknown>;
  stopAll(): Promise<unknown>;
  runningCount(): number;
}

/** Events announced by modules the shell does not import, matched by name and shape. */
export const processStateSchema = z.looseObject({
  name: z.string().optional(),
  program: z.string().optional(),
  state: z.string(),
});
export type ProcessStateEvent = z.infer<typeof processStateSchema>;

/**
 * Subscribes to an event that may not be in CoreEventMap yet (`process.state` comes from the
 * supervisor branch). The payload is parsed, not trusted: a different shape is ignored.
 */
export function onEventByName<S extends z.ZodType>(
  bus: EventBus,
  name: string,
  schema: S,
  listener: (payload: z.infer<S>) => void,
): () => void {
  const on = bus.on.bind(bus) as unknown as (
    event: string,
    listener: (payload: unknown) => void,
  ) => () => void;
  return on(name, (payload) => {
    const parsed = schema.safeParse(payload);
    if (parsed.success) listener(parsed.data);
  });
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
  const supervisor = (core as ControlCenter & { supervisor?: SupervisorLike }).supervisor;
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
    runningProcesses: () => supervisor?.runningCount() ?? 0,
    canControl: () => supervisor !== undefined,
    async startAll() {
      await supervisor?.startAll();
    },
    async stopAll() {
      await supervisor?.stopAll();
    },
    onChange(listener) {
      const offs = [
        core.bus.on('agent.changed', listener),
        core.bus.on('agent.liveness', listener),
        onEventByName(core.bus, 'process.state', processStateSchema, listener),
      ];
      return () => offs.forEach((off) => off());
    },
  };
}
