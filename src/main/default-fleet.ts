import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const NAME = 'fleet.default.toml';

/** The shipped default fleet (`agents/fleet.default.toml`), found from where this code runs. */
function findDefaultFleet(): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'agents', NAME);
    if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  return undefined;
}

/**
 * On first start the data folder gets the default fleet (the four built-in agents), so a new user
 * has a working testbed with nothing to write; from then on it is the user's file to edit.
 * `SWF_CC_NO_DEFAULT_FLEET=1` skips this (tests that want an empty fleet).
 */
export function installDefaultFleet(
  dataDir: string,
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  const target = join(dataDir, 'fleet.toml');
  if (existsSync(target) || env.SWF_CC_NO_DEFAULT_FLEET === '1') return undefined;
  const source = findDefaultFleet();
  if (!source) return undefined;
  mkdirSync(dataDir, { recursive: true });
  copyFileSync(source, target);
  return target;
}
