import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EventBus, type CoreEventMap } from '../../src/main/core/events.js';
import { silentLogger } from '../../src/main/core/logger.js';
import { openStore, type Store } from '../../src/main/core/store/index.js';
import {
  createSupervisor,
  type Supervisor,
  type SupervisorConfig,
} from '../../src/main/core/supervisor/supervisor.js';
import { tempDir } from './temp-dir.js';

export const FIXTURES = fileURLToPath(new URL('../fixtures/programs/', import.meta.url));
export const fixture = (name: string) => join(FIXTURES, name);
/** A TOML string literal. */
export const q = (s: string) => JSON.stringify(s);
/** `command = node, args = [fixture, ...]` for a fleet entry. */
export const nodeProgram = (file: string, ...args: string[]) =>
  `command = ${q(process.execPath)}\nargs = [${[fixture(file), ...args].map(q).join(', ')}]`;

type StateEvent = CoreEventMap['process.state'];

/** Records every process.state event; `until` waits (bounded) for one matching a predicate. */
export class StateLog {
  readonly events: StateEvent[] = [];
  private wakers: (() => void)[] = [];
  constructor(bus: EventBus) {
    bus.on('process.state', (e) => {
      this.events.push(e);
      const w = this.wakers;
      this.wakers = [];
      w.forEach((f) => f());
    });
  }

  async until(pred: (e: StateEvent) => boolean, timeoutMs = 15_000, from = 0): Promise<StateEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hit = this.events.slice(from).find(pred);
      if (hit) return hit;
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(
          `timed out; saw ${this.events.map((e) => `${e.name}:${e.from}->${e.to}`).join(', ')}`,
        );
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.wakers.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  reached(name: string, to: string, timeoutMs?: number, from = 0) {
    return this.until((e) => e.name === name && e.to === to, timeoutMs, from);
  }

  path(name: string): string[] {
    const evs = this.events.filter((e) => e.name === name);
    return evs.length ? [evs[0]!.from, ...evs.map((e) => e.to)] : [];
  }
}

export interface TestSupervisor {
  sup: Supervisor;
  store: Store;
  bus: EventBus;
  states: StateLog;
  dir: string;
  fleetPath: string;
  writeFleet(text: string): void;
  close(): Promise<void>;
}

export async function startTestSupervisor(
  fleet: string,
  config: Partial<SupervisorConfig> = {},
  env: Record<string, string> = {},
): Promise<TestSupervisor> {
  const dir = tempDir('swf-sup-');
  const fleetPath = join(dir.path, 'fleet.toml');
  writeFileSync(fleetPath, fleet);
  const store = openStore(join(dir.path, 'store.sqlite'));
  const bus = new EventBus();
  const states = new StateLog(bus);
  const sup = await createSupervisor({
    store,
    bus,
    config: { dataDir: dir.path, fleetFile: fleetPath, fleetFileRequired: true, ...config },
    env,
    logger: silentLogger,
    resolveAgent: (agent) => fixture(`${agent === 'data' ? 'print-env' : 'sleep'}.js`),
  });
  return {
    sup,
    store,
    bus,
    states,
    dir: dir.path,
    fleetPath,
    writeFleet: (text) => writeFileSync(fleetPath, text),
    async close() {
      await sup.close();
      store.close();
      dir.remove();
    },
  };
}
