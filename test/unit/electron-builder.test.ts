import { join } from 'node:path';
import { DebugLogger } from 'builder-util';
import { getConfig, validateConfiguration } from 'app-builder-lib/out/util/config/config.js';
import { describe, expect, it } from 'vitest';

// Packaging cannot run here (it downloads the Electron zip and headers); the configuration is
// checked by electron-builder's own loader and schema, and for what this project relies on.
const root = join(import.meta.dirname, '..', '..');

describe('electron-builder.yml', async () => {
  const config = await getConfig(root, join(root, 'electron-builder.yml'), null);

  it('passes electron-builder schema validation', async () => {
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
    // The same check rejects a configuration with a mistake in it.
    const broken = { ...config, linux: { ...config.linux, targt: 'AppImage' } };
    await expect(validateConfiguration(broken, new DebugLogger(false))).rejects.toThrow(
      /Invalid configuration object/,
    );
  });

  it('targets AppImage and deb, dmg, and nsis', () => {
    expect(config.linux?.target).toEqual(['AppImage', 'deb']);
    expect(config.mac?.target).toEqual(['dmg']);
    expect(config.win?.target).toEqual(['nsis']);
  });

  it('ships the bundles and the agents, never the Node build of better-sqlite3', () => {
    // getConfig normalises the list into `[{filter: [...]}]`.
    const files = (config.files as { filter: string[] }[]).flatMap((f) => f.filter);
    for (const glob of ['out/main/**', 'out/preload/**', 'out/renderer/**', 'out/agents/**'])
      expect(files).toContain(glob);
    expect(files).toContain('!node_modules/better-sqlite3/build/**');
  });

  it('ships the Electron build of better-sqlite3 outside the archive, and never rebuilds in place', () => {
    expect(config.asarUnpack).toContain('**/*.node');
    expect(config.extraResources).toEqual([
      { from: 'native/package', to: 'native', filter: ['*.node'] },
    ]);
    expect(config.npmRebuild).toBe(false);
    expect(config.nodeGypRebuild).toBe(false);
  });
});
