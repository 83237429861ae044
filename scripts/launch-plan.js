// @ts-check
// The launcher's decisions, kept pure so every branch is a row in a table-driven test.
// `scripts/start.js` gathers the facts (probes, a download, a native build) one step at a time,
// asking `nextStep` what to find out next, and finally asks `decideLaunch` which mode to run.

/**
 * @typedef {'present' | 'missing' | 'downloaded' | 'download-failed' | 'download-skipped'} ElectronStatus
 * @typedef {'present' | 'built' | 'failed'} NativeStatus
 *
 * @typedef {object} LaunchFacts
 * @property {NodeJS.Platform} platform
 * @property {Record<string, string | undefined>} env
 * @property {boolean} forceHeadless          `--headless` on the command line
 * @property {{status: ElectronStatus, detail?: string, version?: string}} [electron]
 * @property {{status: NativeStatus, detail?: string, path?: string, log?: string}} [native]
 *
 * @typedef {'probe-electron' | 'download-electron' | 'build-native' | 'done'} LaunchStep
 *
 * @typedef {{mode: 'electron', nativeBinding: string, message: string}} ElectronPlan
 * @typedef {{mode: 'headless', failedStep: string, message: string}} HeadlessPlan
 * @typedef {ElectronPlan | HeadlessPlan} LaunchPlan
 */

const PREFIX = 'swf-control-center:';

/**
 * Linux needs an X11 or Wayland display for a window; macOS and Windows always have one.
 * @param {string} platform
 * @param {Record<string, string | undefined>} env
 */
export function hasDisplay(platform, env) {
  if (platform !== 'linux' && platform !== 'freebsd' && platform !== 'openbsd') return true;
  return Boolean(env.DISPLAY || env.WAYLAND_DISPLAY);
}

/**
 * Truthy-looking environment flags ("1", "true", "yes").
 * @param {string | undefined} value
 */
function envFlag(value) {
  return value !== undefined && /^(1|true|yes|on)$/i.test(value.trim());
}

/**
 * What to find out next. Cheap checks come first so a machine that cannot show a window never
 * downloads 100 MB or compiles anything.
 * @param {LaunchFacts} facts
 * @returns {LaunchStep}
 */
export function nextStep(facts) {
  if (facts.forceHeadless || !hasDisplay(facts.platform, facts.env)) return 'done';
  if (!facts.electron) return 'probe-electron';
  if (facts.electron.status === 'missing') {
    return envFlag(facts.env.SWF_CC_NO_ELECTRON_DOWNLOAD) ? 'done' : 'download-electron';
  }
  if (facts.electron.status !== 'present' && facts.electron.status !== 'downloaded') return 'done';
  if (!facts.native) return 'build-native';
  return 'done';
}

/**
 * The mode to run and the one line that says why.
 * @param {LaunchFacts} facts
 * @returns {LaunchPlan}
 */
export function decideLaunch(facts) {
  /** @type {(failedStep: string, why: string, fix: string) => HeadlessPlan} */
  const headless = (failedStep, why, fix) => ({
    mode: /** @type {const} */ ('headless'),
    failedStep,
    message: `${PREFIX} starting HEADLESS (UI in your browser) because ${why}; to get the desktop window: ${fix}`,
  });

  if (facts.forceHeadless) {
    return {
      mode: 'headless',
      failedStep: 'none',
      message: `${PREFIX} starting HEADLESS (UI in your browser) because --headless was given; run \`npm start\` without it for the desktop window`,
    };
  }
  if (!hasDisplay(facts.platform, facts.env)) {
    return headless(
      'display',
      'no display was found (DISPLAY and WAYLAND_DISPLAY are unset)',
      'run it from a desktop session, or under a virtual display (`xvfb-run npm start`)',
    );
  }
  const electron = facts.electron;
  const label = electron?.version ? `Electron ${electron.version}` : 'Electron';
  if (!electron || electron.status === 'missing' || electron.status === 'download-skipped') {
    return headless(
      'electron-binary',
      `the ${label} binary is not installed and its download was skipped (SWF_CC_NO_ELECTRON_DOWNLOAD is set)`,
      'unset SWF_CC_NO_ELECTRON_DOWNLOAD on a machine with internet access, or run `npx install-electron`',
    );
  }
  if (electron.status === 'download-failed') {
    return headless(
      'electron-download',
      `the ${label} binary is not installed and downloading it failed (${electron.detail ?? 'unknown error'})`,
      'run `npx install-electron` where github.com is reachable (or set ELECTRON_MIRROR), then `npm start` again',
    );
  }
  const native = facts.native;
  if (!native || native.status === 'failed' || !native.path) {
    const log = native?.log ? `; log: ${native.log}` : '';
    return headless(
      'native-module',
      `building better-sqlite3 for ${label} failed (${native?.detail ?? 'not attempted'}${log})`,
      'install a C++ toolchain and python3 (Debian: `apt-get install build-essential python3`; macOS: `xcode-select --install`), make sure electronjs.org is reachable for the headers, then `npm start` again',
    );
  }
  return {
    mode: 'electron',
    nativeBinding: native.path,
    message: `${PREFIX} starting the desktop window (${label})`,
  };
}

/**
 * Whether `electron-vite build` must run: an output is missing or older than the newest input.
 * @param {{outputs: (number | undefined)[], newestInput: number, force?: boolean}} mtimes
 */
export function needsBuild({ outputs, newestInput, force = false }) {
  if (force) return true;
  if (outputs.length === 0 || outputs.some((t) => t === undefined)) return true;
  return Math.min(.../** @type {number[]} */ (outputs)) < newestInput;
}

/**
 * The most telling line of a failed child's output, for a one-line reason (never a stack).
 * Preference: a thrown error's message, a compiler error, any line that says it failed.
 * @param {string} text
 */
export function firstErrorLine(text) {
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !/^at\s/.test(l) && !/^(gyp|npm) ERR! stack\s+at\s/.test(l));
  const strip = (/** @type {string} */ l) =>
    l.replace(/^(gyp |npm )?ERR!\s*(stack\s+)?/, '').replace(/^\w*Error:\s*/, '');
  const line =
    lines.find((l) => /^((gyp |npm )?ERR!\s*(stack\s+)?)?\w*Error:/.test(l)) ??
    lines.find((l) => /\b(fatal )?error:/i.test(l)) ??
    lines.find((l) => /fail|denied|not found|ENOENT|EACCES/i.test(l)) ??
    lines[0];
  if (!line) return 'no output';
  const short = strip(line);
  return short.length > 160 ? `${short.slice(0, 157)}...` : short;
}
