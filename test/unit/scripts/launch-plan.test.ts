import { describe, expect, it } from 'vitest';
import {
  decideLaunch,
  firstErrorLine,
  hasDisplay,
  needsBuild,
  nextStep,
  type LaunchFacts,
} from '../../../scripts/launch-plan.js';

const X11 = { DISPLAY: ':0' };
const base = (over: Partial<LaunchFacts> = {}): LaunchFacts => ({
  platform: 'linux',
  env: X11,
  forceHeadless: false,
  ...over,
});
const electron = (status: NonNullable<LaunchFacts['electron']>['status'], detail?: string) => ({
  status,
  detail,
  version: '45.4.1',
});
const BINDING = '/p/native/electron-45.4.1-150/better_sqlite3.node';

describe('launch decision', () => {
  it.each([
    {
      name: 'all OK: desktop window with the Electron build of better-sqlite3',
      facts: base({ electron: electron('present'), native: { status: 'present', path: BINDING } }),
      mode: 'electron',
      step: undefined,
      says: /desktop window \(Electron 45\.4\.1\)/,
    },
    {
      name: 'downloaded and built on this start',
      facts: base({ electron: electron('downloaded'), native: { status: 'built', path: BINDING } }),
      mode: 'electron',
      step: undefined,
      says: /desktop window/,
    },
    {
      name: 'no binary and downloads disabled',
      facts: base({ electron: electron('download-skipped') }),
      mode: 'headless',
      step: 'electron-binary',
      says: /Electron 45\.4\.1 binary is not installed .*SWF_CC_NO_ELECTRON_DOWNLOAD.*npx install-electron/,
    },
    {
      name: 'download fails',
      facts: base({ electron: electron('download-failed', 'fetch failed') }),
      mode: 'headless',
      step: 'electron-download',
      says: /downloading it failed \(fetch failed\).*ELECTRON_MIRROR/,
    },
    {
      name: 'no display on Linux (checked before anything is downloaded)',
      facts: base({ env: {} }),
      mode: 'headless',
      step: 'display',
      says: /no display .*DISPLAY and WAYLAND_DISPLAY are unset.*xvfb-run/,
    },
    {
      name: 'Wayland only is a display',
      facts: base({
        env: { WAYLAND_DISPLAY: 'wayland-0' },
        electron: electron('present'),
        native: { status: 'present', path: BINDING },
      }),
      mode: 'electron',
      step: undefined,
      says: /desktop window/,
    },
    {
      name: 'macOS needs no DISPLAY',
      facts: base({
        platform: 'darwin',
        env: {},
        electron: electron('present'),
        native: { status: 'built', path: BINDING },
      }),
      mode: 'electron',
      step: undefined,
      says: /desktop window/,
    },
    {
      name: 'native build fails',
      facts: base({
        electron: electron('present'),
        native: { status: 'failed', detail: 'gyp: No Xcode or CLT', log: '/p/native/build.log' },
      }),
      mode: 'headless',
      step: 'native-module',
      says: /better-sqlite3 for Electron 45\.4\.1 failed \(gyp: No Xcode or CLT; log: \/p\/native\/build\.log\).*build-essential/,
    },
    {
      name: '--headless wins over a working setup',
      facts: base({
        forceHeadless: true,
        electron: electron('present'),
        native: { status: 'present', path: BINDING },
      }),
      mode: 'headless',
      step: 'none',
      says: /--headless was given/,
    },
  ])('$name', ({ facts, mode, step, says }) => {
    const plan = decideLaunch(facts as LaunchFacts);
    expect(plan.mode).toBe(mode);
    if (plan.mode === 'headless') expect(plan.failedStep).toBe(step);
    else expect(plan.nativeBinding).toBe(BINDING);
    expect(plan.message).toMatch(says);
    // One line, never a stack trace, always says the mode.
    expect(plan.message).not.toContain('\n');
    expect(plan.message).toMatch(/^swf-control-center: starting (HEADLESS|the desktop window)/);
  });
});

describe('launch steps', () => {
  it.each([
    ['no display: nothing to probe', base({ env: {} }), 'done'],
    ['forced headless: nothing to probe', base({ forceHeadless: true }), 'done'],
    ['first, look for the binary', base(), 'probe-electron'],
    ['missing: try the download', base({ electron: electron('missing') }), 'download-electron'],
    [
      'missing and downloads disabled: stop',
      base({ env: { ...X11, SWF_CC_NO_ELECTRON_DOWNLOAD: '1' }, electron: electron('missing') }),
      'done',
    ],
    ['download failed: stop', base({ electron: electron('download-failed') }), 'done'],
    ['present: build the native module', base({ electron: electron('present') }), 'build-native'],
    [
      'downloaded: build the native module',
      base({ electron: electron('downloaded') }),
      'build-native',
    ],
    [
      'native known: done',
      base({ electron: electron('present'), native: { status: 'failed' } }),
      'done',
    ],
  ] as const)('%s', (_name, facts, step) => {
    expect(nextStep(facts)).toBe(step);
  });

  it('display detection', () => {
    expect(hasDisplay('linux', {})).toBe(false);
    expect(hasDisplay('linux', { DISPLAY: '' })).toBe(false);
    expect(hasDisplay('linux', { DISPLAY: ':99' })).toBe(true);
    expect(hasDisplay('win32', {})).toBe(true);
  });
});

describe('build freshness', () => {
  it.each([
    [{ outputs: [], newestInput: 5 }, true],
    [{ outputs: [10, undefined], newestInput: 5 }, true],
    [{ outputs: [10, 4], newestInput: 5 }, true],
    [{ outputs: [10, 6], newestInput: 5 }, false],
    [{ outputs: [10, 6], newestInput: 5, force: true }, true],
  ])('%j -> %s', (input, expected) => {
    expect(needsBuild(input)).toBe(expected);
  });
});

describe('one-line reasons from child output', () => {
  it('takes the message, not the stack (electron install.js offline, as measured here)', () => {
    const out = `TypeError: fetch failed
    at node:internal/deps/undici/undici:14976:13
    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)
    at async FetchDownloader.download (file:///x/@electron/get/dist/FetchDownloader.js:46:30)`;
    expect(firstErrorLine(out)).toBe('fetch failed');
  });

  it('finds the error among node-gyp chatter and bounds its length', () => {
    const out = `gyp info it worked if it ends with ok
gyp info using node-gyp@12.4.0
gyp http GET https://electronjs.org/headers/v45.4.1/node-v45.4.1-headers.tar.gz
gyp WARN install got an error, rolling back install
gyp ERR! configure error
gyp ERR! stack Error: 404 response downloading https://electronjs.org/headers/v45.4.1/node-v45.4.1-headers.tar.gz
gyp ERR! stack at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1611:16)
gyp ERR! not ok`;
    expect(firstErrorLine(out)).toMatch(/^404 response downloading https:\/\/electronjs/);
    const compiler = `  CXX(target) Release/obj.target/better_sqlite3/src/better_sqlite3.o
../src/better_sqlite3.cpp:4:10: fatal error: node.h: No such file or directory
make: *** [better_sqlite3.target.mk:120] Error 1`;
    expect(firstErrorLine(compiler)).toMatch(/fatal error: node\.h: No such file/);
    expect(firstErrorLine('x'.repeat(500)).length).toBe(160);
    expect(firstErrorLine('')).toBe('no output');
  });
});
