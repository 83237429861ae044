import { parseArgs } from 'node:util';
import type { ConfigInput } from '../core/config.js';

/**
 * The `serve` options the launcher passes through (`npm start -- --port 8010`), read from
 * Electron's argv, which also carries the app path and Chromium switches (hence strict: false).
 */
export function configFlagsFromArgv(argv: string[]): { flags: ConfigInput; configFile?: string } {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      'broker-port': { type: 'string' },
      'data-dir': { type: 'string' },
      config: { type: 'string' },
    },
    strict: false,
    allowPositionals: true,
  });
  const int = (v: string | boolean | undefined) =>
    typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : undefined;
  const flags: ConfigInput = {};
  if (int(values.port) !== undefined) flags.port = int(values.port);
  if (int(values['broker-port']) !== undefined) flags.broker = { port: int(values['broker-port']) };
  if (typeof values['data-dir'] === 'string') flags.dataDir = values['data-dir'];
  return {
    flags,
    configFile: typeof values.config === 'string' ? values.config : undefined,
  };
}
