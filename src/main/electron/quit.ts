import { dialog, type BrowserWindow } from 'electron';
import type { FleetControl } from './fleet.js';
import type { SettingsStore } from './settings.js';

export interface QuitAnswer {
  proceed: boolean;
  /** "Always stop running agents on quit" was ticked. */
  always: boolean;
}

export interface QuitDeps {
  fleet: Pick<FleetControl, 'runningProcesses' | 'stopAll'>;
  settings: SettingsStore;
  confirm(running: number): Promise<QuitAnswer>;
  stopCore(): Promise<void>;
  /** Really leaves (app.quit again: before-quit then lets it through). */
  exit(): void;
  onError?(step: string, err: unknown): void;
}

export type QuitOutcome = 'quit' | 'cancelled' | 'in-progress';

export interface QuitController {
  /** For `app.on('before-quit')`: holds the quit until agents and the core have stopped. */
  onBeforeQuit(event: { preventDefault(): void }): void;
  /** The sequence itself; `prompt: false` for signals (nobody is there to answer). */
  quit(opts?: { prompt?: boolean }): Promise<QuitOutcome>;
  /** True once quitting is under way (the window must then close instead of hiding to the tray). */
  isQuitting(): boolean;
}

/**
 * Quit = stop the agents (asking first when any runs, unless the user chose "always"), stop the
 * core, then exit. No agent outlives the app.
 */
export function createQuitController(deps: QuitDeps): QuitController {
  let phase: 'idle' | 'confirming' | 'stopping' | 'done' = 'idle';
  const report = deps.onError ?? (() => {});

  async function quit(opts: { prompt?: boolean } = {}): Promise<QuitOutcome> {
    if (phase !== 'idle') return 'in-progress';
    const running = deps.fleet.runningProcesses();
    if (running > 0 && opts.prompt !== false && deps.settings.get().stopAgentsOnQuit === 'ask') {
      phase = 'confirming';
      let answer: QuitAnswer;
      try {
        answer = await deps.confirm(running);
      } catch (err) {
        report('confirm', err);
        answer = { proceed: false, always: false };
      }
      if (!answer.proceed) {
        phase = 'idle';
        return 'cancelled';
      }
      if (answer.always) deps.settings.update({ stopAgentsOnQuit: 'always' });
    }
    phase = 'stopping';
    try {
      await deps.fleet.stopAll();
    } catch (err) {
      report('stop agents', err);
    }
    try {
      await deps.stopCore();
    } catch (err) {
      report('stop core', err);
    }
    phase = 'done';
    deps.exit();
    return 'quit';
  }

  return {
    onBeforeQuit(event) {
      if (phase === 'done') return;
      event.preventDefault();
      void quit();
    },
    quit,
    isQuitting: () => phase === 'stopping' || phase === 'done',
  };
}

/** The native question, with the "always" checkbox. */
export async function confirmQuitDialog(
  win: BrowserWindow | undefined,
  running: number,
): Promise<QuitAnswer> {
  const options = {
    type: 'question' as const,
    buttons: ['Stop agents and quit', 'Cancel'],
    defaultId: 0,
    cancelId: 1,
    message: running === 1 ? '1 agent is running.' : `${running} agents are running.`,
    detail: 'Quitting stops them first, so that none is left behind.',
    checkboxLabel: 'Always stop running agents when quitting, without asking',
    checkboxChecked: false,
  };
  const result = win
    ? await dialog.showMessageBox(win, options)
    : await dialog.showMessageBox(options);
  return { proceed: result.response === 0, always: result.checkboxChecked };
}
