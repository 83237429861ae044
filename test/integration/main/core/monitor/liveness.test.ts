import { afterEach, describe, expect, it } from 'vitest';
import type { CoreEventMap } from '../../../../../src/main/core/events.js';
import { startTestCore, type TestCore } from '../../../../helpers/core.js';

describe('liveness', () => {
  let t: TestCore | undefined;
  afterEach(() => t?.close());

  it('is alive up to the threshold, dead after, and a silent agent is marked EXITED; each change is an event', async () => {
    t = await startTestCore({
      liveness: { aliveSeconds: 300, exitedAfterSeconds: 180, sweepSeconds: 3600 },
    });
    const { core } = t;
    const events: { name: string; payload: unknown }[] = [];
    core.bus.on('agent.liveness', (p) => events.push({ name: 'agent.liveness', payload: p }));
    core.bus.on('agent.changed', (p: CoreEventMap['agent.changed']) =>
      events.push({ name: 'agent.changed', payload: p.agent.status }),
    );

    await t.api('/api/systemagents/heartbeat/', {
      method: 'POST',
      json: { instance_name: 'proc-1', operational_state: 'READY' },
    });
    expect(core.liveness.liveness('proc-1')).toBe('alive');
    expect(events.filter((e) => e.name === 'agent.liveness')).toEqual([
      {
        name: 'agent.liveness',
        payload: { instanceName: 'proc-1', liveness: 'alive', markedExited: false },
      },
    ]);

    const hb = Date.parse(core.store.agents.get('proc-1')!.last_heartbeat!);
    // 179 s later: nothing changes.
    expect(core.liveness.sweep(hb + 179_000)).toEqual({ markedExited: [], died: [] });
    // 181 s: stale -> EXITED/EXITED (still alive by the 5-minute rule).
    const at181 = core.liveness.sweep(hb + 181_000);
    expect(at181.markedExited.map((a) => [a.instance_name, a.status, a.operational_state])).toEqual(
      [['proc-1', 'EXITED', 'EXITED']],
    );
    expect(core.store.agents.get('proc-1')).toMatchObject({
      status: 'EXITED',
      operational_state: 'EXITED',
    });
    // 301 s: dead.
    expect(core.liveness.sweep(hb + 301_000).died).toEqual(['proc-1']);
    expect(core.liveness.liveness('proc-1')).toBe('dead');
    expect(events.filter((e) => e.name === 'agent.liveness').map((e) => e.payload)).toEqual([
      { instanceName: 'proc-1', liveness: 'alive', markedExited: false },
      { instanceName: 'proc-1', liveness: 'alive', markedExited: true },
      { instanceName: 'proc-1', liveness: 'dead', markedExited: false },
    ]);
    // A later heartbeat revives it (the update overwrites status and operational state).
    await t.api('/api/systemagents/heartbeat/', {
      method: 'POST',
      json: { instance_name: 'proc-1', operational_state: 'READY' },
    });
    expect(core.store.agents.get('proc-1')).toMatchObject({
      status: 'OK',
      operational_state: 'READY',
    });
    expect(core.liveness.liveness('proc-1')).toBe('alive');
  });

  it('runs the sweeper on its own with configured thresholds', async () => {
    t = await startTestCore({
      liveness: { aliveSeconds: 1, exitedAfterSeconds: 0.2, sweepSeconds: 0.05 },
    });
    const { core } = t;
    const exited = new Promise<CoreEventMap['agent.liveness']>((resolve) =>
      core.bus.on('agent.liveness', (p) => p.markedExited && resolve(p)),
    );
    const dead = new Promise<CoreEventMap['agent.liveness']>((resolve) =>
      core.bus.on('agent.liveness', (p) => p.liveness === 'dead' && resolve(p)),
    );
    await t.api('/api/systemagents/heartbeat/', {
      method: 'POST',
      json: { instance_name: 'quiet-1' },
    });
    expect((await exited).instanceName).toBe('quiet-1');
    expect((await dead).instanceName).toBe('quiet-1');
    expect(core.store.agents.get('quiet-1')?.status).toBe('EXITED');
  });
});
