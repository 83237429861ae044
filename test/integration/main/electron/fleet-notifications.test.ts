import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EventBus } from '../../../../src/main/core/events.js';
import type { ProcessState } from '../../../../src/shared/process-info.js';
import { electronMock, resetElectronMock } from '../../../helpers/electron-mock.js';
import { startTestCore, type TestCore } from '../../../helpers/core.js';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { nodeProgram } from '../../../helpers/supervisor.js';
import { tempDir } from '../../../helpers/temp-dir.js';

vi.mock('electron', () => import('../../../helpers/electron-mock.js'));
const { wireNotifications, showNativeNotification } =
  await import('../../../../src/main/electron/notifications.js');
const { fleetFromCore } = await import('../../../../src/main/electron/fleet.js');
const { createTray } = await import('../../../../src/main/electron/tray.js');
const { Notification, Tray } = await import('electron');

type Spec = { key: string; title: string; body: string };
const FAR_FUTURE = () => Date.now() + 3600_000;

let t: TestCore;
beforeEach(async () => {
  resetElectronMock();
  t = await startTestCore();
});
afterEach(() => t.close());

function heartbeat(name: string) {
  t.core.heartbeats.record({ instance_name: name, agent_type: 'data', status: 'OK' }, 'rest');
}

describe('notifications from core events', () => {
  it('an agent that stops heartbeating raises one notification', () => {
    const sent: Spec[] = [];
    wireNotifications(t.core.bus, (s) => sent.push(s));
    heartbeat('data-agent-1');
    heartbeat('fastmon-1');
    expect(sent).toEqual([]);
    // The sweeper, run as if 61 minutes had passed: both agents cross the liveness line.
    t.core.liveness.sweep(FAR_FUTURE());
    expect(sent.map((s) => s.key).sort()).toEqual(['dead:data-agent-1', 'dead:fastmon-1']);
    expect(sent[0]!.title).toMatch(/is not responding/);
  });

  it('an agent that reported EXITED itself is not an alarm when it goes quiet', () => {
    const sent: Spec[] = [];
    wireNotifications(t.core.bus, (s) => sent.push(s));
    heartbeat('crashes');
    t.core.heartbeats.record(
      { instance_name: 'stops', agent_type: 'data', status: 'EXITED' },
      'rest',
    );
    t.core.liveness.sweep(FAR_FUTURE());
    expect(sent.map((s) => s.key)).toEqual(['dead:crashes']);
  });

  it('a flapping agent is one notification per quiet period', () => {
    let now = 1_000_000;
    const sent: Spec[] = [];
    wireNotifications(t.core.bus, (s) => sent.push(s), { quietMs: 60_000, now: () => now });
    const dead = { instanceName: 'a', liveness: 'dead' as const, markedExited: false };
    t.core.bus.emit('agent.liveness', dead);
    now += 30_000;
    t.core.bus.emit('agent.liveness', dead);
    expect(sent).toHaveLength(1);
    now += 31_000;
    t.core.bus.emit('agent.liveness', dead);
    expect(sent).toHaveLength(2);
    t.core.bus.emit('agent.liveness', {
      instanceName: 'b',
      liveness: 'alive',
      markedExited: false,
    });
    expect(sent).toHaveLength(2);
    t.core.bus.emit('agent.liveness', { instanceName: 'c', liveness: 'dead', markedExited: true });
    expect(sent.map((s) => s.key)).toEqual(['dead:a', 'dead:a', 'dead:c']);
  });

  it('a process turning FATAL notifies with the supervisor reason; other transitions do not', () => {
    const bus = new EventBus();
    const sent: Spec[] = [];
    const off = wireNotifications(bus, (s) => sent.push(s));
    const transition = (name: string, to: ProcessState, reason: string | null = null) =>
      bus.emit('process.state', {
        name,
        program: name,
        pid: null,
        from: 'STARTING',
        to,
        exitCode: 1,
        signal: null,
        reason,
        at: new Date().toISOString(),
      });
    transition('daqsim', 'RUNNING');
    transition(
      'daqsim',
      'FATAL',
      'daqsim: exited too quickly (exit code 1); gave up after 3 failed starts',
    );
    transition('processing', 'BACKOFF');
    transition('processing', 'FATAL');
    expect(sent.map((s) => s.title)).toEqual([
      'daqsim could not be started',
      'processing could not be started',
    ]);
    expect(sent[0]!.body).toContain('gave up after 3 failed starts');
    off();
    transition('x', 'FATAL');
    expect(sent).toHaveLength(2);
  });

  it('shows a native notification where supported, and skips it elsewhere', () => {
    const N = Notification as unknown as { shown: unknown[]; supported: boolean };
    showNativeNotification({ title: 'T', body: 'B' });
    N.supported = false;
    showNativeNotification({ title: 'T2', body: 'B2' });
    expect(N.shown).toEqual([{ title: 'T', body: 'B' }]);
  });
});

describe('fleet summary and tray', () => {
  it('counts alive and dead agents from the store and liveness', () => {
    const fleet = fleetFromCore(t.core);
    expect(fleet.summary()).toEqual({ running: 0, dead: 0 });
    heartbeat('a1');
    heartbeat('a2');
    expect(fleet.summary()).toEqual({ running: 2, dead: 0 });
    t.core.heartbeats.record({ instance_name: 'a3', agent_type: 'data', status: 'EXITED' }, 'rest');
    expect(fleet.summary()).toEqual({ running: 3, dead: 0 });
    // 301 s of silence: all three are dead by the seed's rule and swept to EXITED; a2 comes back.
    t.core.liveness.sweep(Date.now() + 301_000);
    heartbeat('a2');
    expect(fleet.summary()).toEqual({ running: 1, dead: 1 });
    fleet.close();
    // With an empty fleet file the shell can show the fleet but has nothing to start or stop.
    expect(fleet.canControl()).toBe(false);
    expect(fleet.runningProcesses()).toBe(0);
  });

  it('starts and stops the fleet through the core supervisor', async () => {
    const dir = tempDir();
    const fleetFile = join(dir.path, 'fleet.toml');
    writeFileSync(
      fleetFile,
      `[programs.idle]\n${nodeProgram('sleep.js')}\nautostart = false\nstartsecs = 0.2\n`,
    );
    const withFleet = await startTestCore({ fleetFile });
    try {
      const fleet = fleetFromCore(withFleet.core);
      expect(fleet.canControl()).toBe(true);
      expect(fleet.runningProcesses()).toBe(0);
      await fleet.startAll();
      expect(withFleet.core.supervisor.get('idle')?.state).toBe('RUNNING');
      expect(fleet.runningProcesses()).toBe(1);
      await fleet.stopAll();
      expect(fleet.runningProcesses()).toBe(0);
      fleet.close();
    } finally {
      await withFleet.close();
      dir.remove();
    }
  });

  it('the tray shows the summary and refreshes once per burst of changes', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const actions = { show: vi.fn(), startAll: vi.fn(), stopAll: vi.fn(), quit: vi.fn() };
      const fleet = fleetFromCore(t.core);
      let summaries = 0;
      const counting = { ...fleet, summary: () => (summaries++, fleet.summary()) };
      const handle = createTray('/app/resources/tray.png', counting, actions);
      const tray = (Tray as unknown as { instances: InstanceType<typeof Tray>[] }).instances[0]!;
      const fake = tray as unknown as {
        tooltip: string;
        menu: { template: { label?: string; enabled?: boolean; click?: () => void }[] };
      };
      expect(fake.tooltip).toBe('SWF Control Center: 0 running / 0 dead');
      for (let i = 0; i < 5; i++) heartbeat(`agent-${i}`);
      expect(summaries).toBe(1);
      vi.advanceTimersByTime(250);
      expect(summaries).toBe(2);
      expect(fake.tooltip).toBe('SWF Control Center: 5 running / 0 dead');
      const items = fake.menu.template;
      expect(items[0]!.label).toBe('Agents: 5 running / 0 dead');
      const byLabel = (l: string) => items.find((i) => i.label === l)!;
      expect(byLabel('Start all agents').enabled).toBe(false);
      byLabel('Show SWF Control Center').click!();
      byLabel('Quit').click!();
      expect(actions.show).toHaveBeenCalledOnce();
      expect(actions.quit).toHaveBeenCalledOnce();
      handle.destroy();
      heartbeat('late');
      vi.advanceTimersByTime(1000);
      expect(summaries).toBe(2);
    } finally {
      vi.useRealTimers();
    }
  });
});

void electronMock;
