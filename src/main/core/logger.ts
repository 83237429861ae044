export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  debug(msg: string, extra?: unknown): void;
  info(msg: string, extra?: unknown): void;
  warn(msg: string, extra?: unknown): void;
  error(msg: string, extra?: unknown): void;
  child(scope: string): Logger;
}

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** The core's own diagnostics, one line each on stderr (stdout is kept for machine-readable lines). */
export function createLogger(
  scope = 'core',
  level: LogLevel = (process.env.SWF_CC_LOG_LEVEL as LogLevel) || 'info',
): Logger {
  const min = ORDER[level] ?? ORDER.info;
  const write = (lvl: LogLevel, msg: string, extra?: unknown) => {
    if (ORDER[lvl] < min) return;
    const detail =
      extra instanceof Error
        ? ` ${extra.stack ?? extra.message}`
        : extra === undefined
          ? ''
          : ` ${JSON.stringify(extra)}`;
    process.stderr.write(
      `${new Date().toISOString()} ${lvl.toUpperCase()} [${scope}] ${msg}${detail}\n`,
    );
  };
  return {
    debug: (m, e) => write('debug', m, e),
    info: (m, e) => write('info', m, e),
    warn: (m, e) => write('warn', m, e),
    error: (m, e) => write('error', m, e),
    child: (s) => createLogger(`${scope}.${s}`, level),
  };
}

export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  child: () => silentLogger,
};
