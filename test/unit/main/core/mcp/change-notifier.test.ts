import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AgentRecord } from '../../../../../src/shared/agent.js';
import { EventBus } from '../../../../../src/main/core/events.js';
import { createChangeNotifier } from '../../../../../src/main/core/mcp/change-notifier.js';

const agent = (name: string) => ({ instance_name: name }) as AgentRecord;

afterEach(() => {
  vi.useRealTimers();
});

describe('change notifier', () => {
  it('coalesces a burst per URI into one call at the end of the window', () => {
    vi.useFakeTimers();
    const bus = new EventBus();
    const n = createChangeNotifier(bus, 250);
    const seen: string[] = [];
    n.subscribe((uri) => seen.push(uri));
    for (let i = 0; i < 10; i++) bus.emit('agent.changed', { agent: agent('a 1'), created: false });
    bus.emit('agent.liveness', { instanceName: 'b', liveness: 'dead', markedExited: false });
    vi.advanceTimersByTime(249);
    expect(seen).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(seen.sort()).toEqual(['swf://agents/a%201', 'swf://agents/b', 'swf://fleet']);
    // A later change opens a new window.
    bus.emit('agent.changed', { agent: agent('b'), created: false });
    vi.advanceTimersByTime(250);
    expect(seen.filter((u) => u === 'swf://agents/b')).toHaveLength(2);
    n.close();
  });

  it('does nothing without subscribers and stops after close', () => {
    vi.useFakeTimers();
    const bus = new EventBus();
    const n = createChangeNotifier(bus, 10);
    bus.emit('agent.changed', { agent: agent('x'), created: true });
    const seen: string[] = [];
    n.subscribe((uri) => seen.push(uri));
    vi.advanceTimersByTime(20);
    expect(seen).toEqual([]);
    n.close();
    bus.emit('agent.changed', { agent: agent('x'), created: true });
    vi.advanceTimersByTime(20);
    expect(seen).toEqual([]);
  });

  it('keeps notifying the others when one subscriber throws', () => {
    vi.useFakeTimers();
    const bus = new EventBus();
    const n = createChangeNotifier(bus, 5);
    const seen: string[] = [];
    n.subscribe(() => {
      throw new Error('closed connection');
    });
    n.subscribe((uri) => seen.push(uri));
    n.touch('swf://runs/7');
    vi.advanceTimersByTime(5);
    expect(seen).toEqual(['swf://runs/7']);
    n.close();
  });
});
