import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BaseAgent } from '../../../../agents/base-agent.js';
import { MAX_PEERS, ResumeGate } from '../../../../agents/daqsim/resume-gate.js';
import { loadSettings } from '../../../../agents/lib/settings.js';

/** A real agent, never started: the gate only reads its settings while peers heartbeat. */
class IdleAgent extends BaseAgent {
  protected onMessage(): Promise<void> {
    return Promise.resolve();
  }
}

const HEARTBEAT_S = 1;
/** How long a silent peer still counts as part of the fleet (the gate's own window). */
const WINDOW_MS = 3 * HEARTBEAT_S * 1000 + 10_000;

describe('ResumeGate peer memory', () => {
  let gate: ResumeGate;
  const beat = (name: string, extra: Record<string, unknown> = {}) =>
    gate.peerHeartbeat({ instance_name: name, operational_state: 'READY', ...extra });

  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-01-01T00:00:00Z'));
    const settings = loadSettings({
      USER: 'tester',
      SWF_NAMESPACE: 'test-ns',
      SWF_HEARTBEAT_INTERVAL: String(HEARTBEAT_S),
    });
    gate = new ResumeGate(new IdleAgent('DAQ_Simulator', [], settings), 30_000);
  });
  afterEach(() => vi.useRealTimers());

  it('forgets a peer that exited, and one silent for longer than the window', () => {
    beat('data-agent-tester-1');
    beat('fastmon-agent-tester-2');
    beat('fastmon-agent-tester-2', { operational_state: 'EXITED' });
    expect(gate.peerCount).toBe(1);
    // data-agent-tester-1 is killed without a word; its restart heartbeats under a new name.
    vi.advanceTimersByTime(WINDOW_MS + 1);
    beat('data-agent-tester-3');
    expect(gate.peerCount).toBe(1);
  });

  it('keeps a peer that keeps heartbeating however long the process runs', () => {
    for (let t = 0; t < 100; t++) {
      beat('processing-agent-tester-1');
      vi.advanceTimersByTime(HEARTBEAT_S * 1000);
      beat(`restarted-agent-tester-${t}`);
    }
    // The one that keeps going, and the restarts heard within the window (both ends included).
    expect(gate.peerCount).toBe(1 + WINDOW_MS / (HEARTBEAT_S * 1000) + 1);
    vi.advanceTimersByTime(WINDOW_MS + 1);
    beat('processing-agent-tester-1');
    expect(gate.peerCount).toBe(1);
  });

  it(`remembers at most ${MAX_PEERS} peers however many names heartbeat at once`, () => {
    for (let i = 0; i < 10_000; i++) beat(`spoofed-${i}`);
    expect(gate.peerCount).toBe(MAX_PEERS);
  });
});
