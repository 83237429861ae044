import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, type ConfigInput } from '../core/config.js';
import { startControlCenter } from '../core/control-center.js';
import { DataDirError } from '../core/data-dir.js';
import { DataDirLockedError } from '../core/data-dir-lock.js';
import { PortInUseError } from '../core/http/server.js';
import { createLogger } from '../core/logger.js';
import { settingsFilePath } from '../core/ui/settings-file.js';
import { installDefaultFleet } from '../default-fleet.js';
import { findRendererDir } from '../static-dir.js';
import { dataDirFrom, fail, intFlag } from './common.js';

export async function serve(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      'broker-port': { type: 'string' },
      'data-dir': { type: 'string' },
      config: { type: 'string' },
    },
    strict: true,
  });
  const flags: ConfigInput = {
    port: intFlag(values.port, '--port'),
    dataDir: values['data-dir'],
    broker: { port: intFlag(values['broker-port'], '--broker-port') },
  };
  // Without --config, the file the settings view writes (<dataDir>/config.toml) is used when present.
  const savedSettings = settingsFilePath(dataDirFrom(values['data-dir']));
  const file = values.config ?? (existsSync(savedSettings) ? savedSettings : undefined);
  let config;
  try {
    config = loadConfig({ file, flags });
  } catch (err) {
    if (err instanceof ConfigError) fail(err.message, 2);
    throw err;
  }

  const log = createLogger('core');
  if (!config.fleetFile) {
    const installed = installDefaultFleet(config.dataDir);
    if (installed)
      log.info(
        `first start: installed the default fleet (the four built-in agents) as ${installed}`,
      );
  }
  const staticDir = findRendererDir();
  if (!staticDir) log.warn('the UI is not built (run `npm run build`); serving the API only');
  let core;
  try {
    core = await startControlCenter({ config, staticDir, logger: log });
  } catch (err) {
    if (err instanceof DataDirLockedError || err instanceof DataDirError) fail(err.message);
    if (err instanceof PortInUseError) {
      const flag = err.port === config.broker.port ? '--broker-port' : '--port';
      fail(
        `port ${err.port} is already in use (is another SWF Control Center running?); choose another with ${flag} N`,
      );
    }
    throw err;
  }
  process.stdout.write(`ready ${core.url}\n`);
  log.info(`data in ${config.dataDir}; open ${core.url}#token=${core.token} in a browser`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info(`${signal}: stopping`);
    core
      .stop()
      .then(() => process.exit(0))
      .catch((err: unknown) => {
        log.error('stop failed', err);
        process.exit(1);
      });
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}
