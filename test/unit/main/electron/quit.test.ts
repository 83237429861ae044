import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { electronMock, resetElectronMock } from '../../../helpers/electron-mock.js';
import { tempDir } from '../../../helpers/temp-dir.js';

vi.mock('electron', () => import('../../../helpers/electron-mock.js'));
const { createQuitController, confirmQuitDialog } =
  await import('../../../../src/main/electron/quit.js');
const { createSettingsStore } = await import('../../../../src/main/electron/settings.js');

let dir: ReturnType<typeof tempDir>;
let settingsFile: string;

beforeEach(() => {
  resetElectronMock();
  dir = tempDir();
  settingsFile = join(dir.path, 'desktop-settings.json');
});
afterEach(() => dir.remove());

/** A controller whose every step appends to one ordered log. */
function setup(running: number, answer = { proceed: true, always: false }) {
  const steps: string[] = [];
  let agents = running;
  const settings = createSettingsStore(settingsFile);
  const controller = createQuitController({
    fleet: {
      runningProcesses: () => agents,
      stopAll: async () => {
        steps.push(`stop agents (${agents} running)`);
        agents = 0;
      },
    },
    settings,
    confirm: async (n) => {
      steps.push(`prompt (${n})`);
      return answer;
    },
    stopCore: async () => {
      steps.push(`stop core (${agents} running)`);
    },
    exit: () => steps.push('exit'),
  });
  return { steps, controller, settings };
}

describe('quit sequence', () => {
  it('with nothing running: no prompt; agents, then core, then exit', async () => {
    const { steps, controller } = setup(0);
    expect(await controller.quit()).toBe('quit');
    expect(steps).toEqual(['stop agents (0 running)', 'stop core (0 running)', 'exit']);
  });

  it('with agents running: asks first, stops them before the core, then exits', async () => {
    const { steps, controller } = setup(3);
    expect(await controller.quit()).toBe('quit');
    expect(steps).toEqual([
      'prompt (3)',
      'stop agents (3 running)',
      'stop core (0 running)',
      'exit',
    ]);
  });

  it('cancel leaves everything running and a later quit still works', async () => {
    const s = setup(2, { proceed: false, always: false });
    expect(await s.controller.quit()).toBe('cancelled');
    expect(s.steps).toEqual(['prompt (2)']);
    expect(s.controller.isQuitting()).toBe(false);
    expect(s.settings.get().stopAgentsOnQuit).toBe('ask');
  });

  it('"always" is persisted and the next run quits without asking', async () => {
    const first = setup(1, { proceed: true, always: true });
    await first.controller.quit();
    expect(JSON.parse(readFileSync(settingsFile, 'utf8')).stopAgentsOnQuit).toBe('always');
    const second = setup(4);
    await second.controller.quit();
    expect(second.steps).toEqual(['stop agents (4 running)', 'stop core (0 running)', 'exit']);
  });

  it('a signal quits without prompting', async () => {
    const { steps, controller } = setup(2);
    await controller.quit({ prompt: false });
    expect(steps).toEqual(['stop agents (2 running)', 'stop core (0 running)', 'exit']);
  });

  it('before-quit is held until the sequence ends, then let through', async () => {
    const { steps, controller } = setup(1);
    const first = {
      prevented: false,
      preventDefault() {
        this.prevented = true;
      },
    };
    controller.onBeforeQuit(first);
    expect(first.prevented).toBe(true);
    await vi.waitFor(() => expect(steps).toContain('exit'));
    const again = {
      prevented: false,
      preventDefault() {
        this.prevented = true;
      },
    };
    controller.onBeforeQuit(again);
    expect(again.prevented).toBe(false);
    expect(steps.filter((s) => s === 'exit')).toHaveLength(1);
  });

  it('a second quit while one runs does not start another sequence', async () => {
    const { steps, controller } = setup(1);
    const [a, b] = await Promise.all([controller.quit(), controller.quit()]);
    expect([a, b]).toEqual(['quit', 'in-progress']);
    expect(steps.filter((s) => s.startsWith('prompt'))).toHaveLength(1);
  });

  it('a failing agent stop still stops the core and exits', async () => {
    const steps: string[] = [];
    const errors: string[] = [];
    const controller = createQuitController({
      fleet: { runningProcesses: () => 1, stopAll: () => Promise.reject(new Error('boom')) },
      settings: createSettingsStore(settingsFile),
      confirm: async () => ({ proceed: true, always: false }),
      stopCore: async () => void steps.push('stop core'),
      exit: () => steps.push('exit'),
      onError: (step) => errors.push(step),
    });
    await controller.quit();
    expect(errors).toEqual(['stop agents']);
    expect(steps).toEqual(['stop core', 'exit']);
  });
});

describe('quit prompt', () => {
  it('asks with an "always" checkbox and reads both answers', async () => {
    electronMock.messageBoxAnswer = { response: 0, checkboxChecked: true };
    expect(await confirmQuitDialog(undefined, 2)).toEqual({ proceed: true, always: true });
    expect(electronMock.messageBoxes[0]).toMatchObject({
      message: '2 agents are running.',
      buttons: ['Stop agents and quit', 'Cancel'],
      cancelId: 1,
      checkboxChecked: false,
    });
    expect(String(electronMock.messageBoxes[0]!.checkboxLabel)).toMatch(/Always stop/);
    electronMock.messageBoxAnswer = { response: 1, checkboxChecked: false };
    expect(await confirmQuitDialog(undefined, 1)).toEqual({ proceed: false, always: false });
    expect(electronMock.messageBoxes[1]!.message).toBe('1 agent is running.');
  });
});
