import { join } from 'node:path';
import { z } from 'zod';
import { readJsonFile, writeJsonFile } from './json-file.js';

/** The desktop shell's own preferences (the core's settings live in its config). */
const desktopSettingsSchema = z.object({
  /** Closing the window hides it to the tray; the core and agents keep running. */
  closeToTray: z.boolean().default(false),
  /** On quit with agents running: ask, or stop them without asking. */
  stopAgentsOnQuit: z.enum(['ask', 'always']).default('ask'),
});
export type DesktopSettings = z.infer<typeof desktopSettingsSchema>;

export interface SettingsStore {
  get(): DesktopSettings;
  update(patch: Partial<DesktopSettings>): DesktopSettings;
}

export const settingsPath = (userData: string) => join(userData, 'desktop-settings.json');

/** Settings persisted as JSON in Electron's userData folder. */
export function createSettingsStore(path: string): SettingsStore {
  let current = readJsonFile(path, desktopSettingsSchema);
  return {
    get: () => current,
    update(patch) {
      current = desktopSettingsSchema.parse({ ...current, ...patch });
      writeJsonFile(path, current);
      return current;
    },
  };
}
