import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { electronMock, resetElectronMock } from '../../../helpers/electron-mock.js';
import { tempDir } from '../../../helpers/temp-dir.js';

vi.mock('electron', () => import('../../../helpers/electron-mock.js'));
const { appMenuTemplate, installAppMenu } = await import('../../../../src/main/electron/menu.js');
const { createSettingsStore } = await import('../../../../src/main/electron/settings.js');
const { resolveNativeBinding } = await import('../../../../src/main/electron/native-binding.js');
const { configFlagsFromArgv } = await import('../../../../src/main/electron/app-args.js');
const { fitToDisplays } = await import('../../../../src/main/electron/window-state.js');

type Item = {
  label?: string;
  role?: string;
  type?: string;
  checked?: boolean;
  enabled?: boolean;
  submenu?: Item[];
  click?: (item: { checked: boolean }) => void;
};

let dir: ReturnType<typeof tempDir>;
beforeEach(() => {
  resetElectronMock();
  dir = tempDir();
});
afterEach(() => dir.remove());

const actions = () => ({
  openLogsFolder: vi.fn(),
  startAll: vi.fn(),
  stopAll: vi.fn(),
  setCloseToTray: vi.fn(),
  setStopAgentsOnQuit: vi.fn(),
  openDocs: vi.fn(),
  quit: vi.fn(),
});
const ctx = (over = {}) => ({
  platform: 'linux' as NodeJS.Platform,
  appName: 'SWF Control Center',
  settings: { closeToTray: true, stopAgentsOnQuit: 'ask' as const },
  canControl: false,
  dev: false,
  ...over,
});
const flat = (items: Item[]): Item[] => items.flatMap((i) => [i, ...flat(i.submenu ?? [])]);

describe('application menu', () => {
  it('has the settings as checkboxes that report their new state', () => {
    const a = actions();
    const items = flat(appMenuTemplate(ctx(), a) as Item[]);
    const toTray = items.find((i) => i.label === 'Close Window to Tray')!;
    const always = items.find((i) => i.label === 'Always Stop Agents on Quit')!;
    expect([toTray.checked, always.checked]).toEqual([true, false]);
    toTray.click!({ checked: false });
    always.click!({ checked: true });
    expect(a.setCloseToTray).toHaveBeenCalledWith(false);
    expect(a.setStopAgentsOnQuit).toHaveBeenCalledWith('always');
  });

  it('disables fleet actions without a supervisor and hides devtools outside dev', () => {
    const items = flat(appMenuTemplate(ctx(), actions()) as Item[]);
    expect(items.find((i) => i.label === 'Start All')!.enabled).toBe(false);
    expect(items.some((i) => i.role === 'toggleDevTools')).toBe(false);
    const devItems = flat(
      appMenuTemplate(ctx({ dev: true, canControl: true }), actions()) as Item[],
    );
    expect(devItems.find((i) => i.label === 'Start All')!.enabled).toBe(true);
    expect(devItems.some((i) => i.role === 'toggleDevTools')).toBe(true);
  });

  it('puts the app menu first on macOS only', () => {
    expect((appMenuTemplate(ctx({ platform: 'darwin' }), actions())[0] as Item).label).toBe(
      'SWF Control Center',
    );
    expect((appMenuTemplate(ctx(), actions())[0] as Item).label).toBe('File');
    installAppMenu(ctx(), actions());
    expect(electronMock.applicationMenu?.template.length).toBeGreaterThan(3);
  });
});

describe('desktop settings', () => {
  it('persists and survives a corrupt file', () => {
    const path = join(dir.path, 'desktop-settings.json');
    expect(createSettingsStore(path).get()).toEqual({
      closeToTray: false,
      stopAgentsOnQuit: 'ask',
    });
    createSettingsStore(path).update({ closeToTray: true });
    expect(createSettingsStore(path).get().closeToTray).toBe(true);
    writeFileSync(path, '{"closeToTray": "yes"');
    expect(createSettingsStore(path).get()).toEqual({
      closeToTray: false,
      stopAgentsOnQuit: 'ask',
    });
    expect(() =>
      createSettingsStore(path).update({ stopAgentsOnQuit: 'never' as 'ask' }),
    ).toThrow();
  });
});

describe('native binding for Electron', () => {
  const base = {
    env: {},
    isPackaged: false,
    resourcesPath: '/nowhere',
    appPath: '',
    electronVersion: '45.4.1',
    abi: '150',
  };
  it('prefers the launcher, then the packaged copy, then the project folder', () => {
    const project = join(dir.path, 'native', 'electron-45.4.1-150');
    mkdirSync(project, { recursive: true });
    writeFileSync(join(project, 'better_sqlite3.node'), 'x');
    const resources = join(dir.path, 'resources', 'native');
    mkdirSync(resources, { recursive: true });
    writeFileSync(join(resources, 'better_sqlite3.node'), 'x');

    expect(resolveNativeBinding({ ...base, env: { SWF_CC_NATIVE_BINDING: '/a.node' } })).toBe(
      '/a.node',
    );
    expect(resolveNativeBinding({ ...base, appPath: dir.path })).toBe(
      join(project, 'better_sqlite3.node'),
    );
    expect(
      resolveNativeBinding({
        ...base,
        isPackaged: true,
        resourcesPath: join(dir.path, 'resources'),
      }),
    ).toBe(join(resources, 'better_sqlite3.node'));
    // Another Electron ABI never picks this build.
    expect(resolveNativeBinding({ ...base, appPath: dir.path, abi: '151' })).toBeUndefined();
  });
});

describe('Electron argv', () => {
  it('reads the serve options among Chromium switches', () => {
    expect(
      configFlagsFromArgv([
        '/app',
        '--port',
        '8010',
        '--no-sandbox',
        '--data-dir=/d',
        '--config',
        'c.toml',
      ]),
    ).toEqual({ flags: { port: 8010, dataDir: '/d' }, configFile: 'c.toml' });
    expect(configFlagsFromArgv(['/app', '--port', 'x', '--broker-port', '61700'])).toEqual({
      flags: { broker: { port: 61700 } },
      configFile: undefined,
    });
  });
});

describe('window placement', () => {
  const screen = [{ x: 0, y: 0, width: 1440, height: 900 }];
  it.each([
    [
      { x: 100, y: 100, width: 1000, height: 700, maximized: false },
      { x: 100, y: 100, width: 1000, height: 700 },
    ],
    [
      { x: 2000, y: 100, width: 1000, height: 700, maximized: false },
      { width: 1000, height: 700 },
    ],
    [
      { x: 1400, y: 100, width: 1000, height: 700, maximized: false },
      { width: 1000, height: 700 },
    ],
    [
      { x: 0, y: 0, width: 4000, height: 3000, maximized: true },
      { x: 0, y: 0, width: 1440, height: 900 },
    ],
    [
      { width: 1280, height: 820, maximized: false },
      { width: 1280, height: 820 },
    ],
  ])('%j', (state, expected) => {
    const out = fitToDisplays(state, screen);
    expect({ x: out.x, y: out.y, width: out.width, height: out.height }).toEqual({
      x: undefined,
      y: undefined,
      ...expected,
    });
  });
});
