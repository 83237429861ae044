import { existsSync } from 'node:fs';
import { join } from 'node:path';

export interface NativeBindingContext {
  env: NodeJS.ProcessEnv;
  isPackaged: boolean;
  /** `process.resourcesPath` in a packaged app. */
  resourcesPath: string;
  /** The project (unpackaged) folder: `app.getAppPath()`. */
  appPath: string;
  electronVersion: string;
  /** `process.versions.modules`: Electron's NODE_MODULE_VERSION. */
  abi: string;
}

/**
 * Which better-sqlite3 build the core loads inside Electron. Never the Node build in
 * node_modules (wrong ABI): the launcher's (SWF_CC_NATIVE_BINDING), the packaged copy, or the
 * project's `native/electron-<version>-<abi>/` folder when Electron is started by hand.
 */
export function resolveNativeBinding(ctx: NativeBindingContext): string | undefined {
  if (ctx.env.SWF_CC_NATIVE_BINDING) return ctx.env.SWF_CC_NATIVE_BINDING;
  const candidates = ctx.isPackaged
    ? [join(ctx.resourcesPath, 'native', 'better_sqlite3.node')]
    : [
        join(
          ctx.appPath,
          'native',
          `electron-${ctx.electronVersion}-${ctx.abi}`,
          'better_sqlite3.node',
        ),
      ];
  return candidates.find((p) => existsSync(p));
}
