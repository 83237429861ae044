import { defaultDataDir } from '../core/config.js';

/** One line on stderr and the exit code: the CLI never shows a stack trace for a user error. */
export function fail(message: string, code = 1): never {
  process.stderr.write(`swf-control-center: ${message}\n`);
  process.exit(code);
}

export function intFlag(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    fail(`${flag} must be a port number (0-65535), got "${value}"`, 2);
  return n;
}

/** `--data-dir`, else `SWF_CC_DATA_DIR`, else the platform default. */
export function dataDirFrom(flag: string | undefined): string {
  return flag || process.env.SWF_CC_DATA_DIR || defaultDataDir();
}
