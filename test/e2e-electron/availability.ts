import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { electronBinary, electronInfo, nativeBindingPath } from '../../scripts/electron-setup.js';
import { hasDisplay } from '../../scripts/launch-plan.js';

export const root = join(import.meta.dirname, '..', '..');

export type Availability =
  | { ok: true; binary: string; nativeBinding: string; version: string }
  | { ok: false; reason: string };

/**
 * Whether the Electron suite can run here. Never downloads anything: a missing binary is a skip
 * with the reason, not a failure (the build machines cannot fetch it).
 */
export function electronAvailability(env: NodeJS.ProcessEnv = process.env): Availability {
  const { version, abi } = electronInfo();
  const binary = electronBinary(env);
  if (!binary)
    return {
      ok: false,
      reason: `Electron ${version} binary not installed (node_modules/electron/dist); run \`npx install-electron\` where github.com is reachable`,
    };
  if (!hasDisplay(process.platform, env))
    return { ok: false, reason: 'no display (DISPLAY/WAYLAND_DISPLAY unset); run under xvfb-run' };
  const nativeBinding =
    env.SWF_CC_NATIVE_BINDING ??
    nativeBindingPath(env.SWF_CC_NATIVE_DIR ?? join(root, 'native'), 'electron', version, abi);
  if (!existsSync(nativeBinding))
    return {
      ok: false,
      reason: `better-sqlite3 for Electron ${version} not built (${nativeBinding}); run \`npm start\` once to build it`,
    };
  return { ok: true, binary, nativeBinding, version };
}
