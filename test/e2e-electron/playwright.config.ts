import { defineConfig } from '@playwright/test';
import { electronAvailability } from './availability.js';

const availability = electronAvailability();
// One plain line up front, so a skipped suite is never mistaken for a passing one.
if (!availability.ok) process.stdout.write(`e2e-electron: SKIPPED: ${availability.reason}\n`);

export default defineConfig({
  testDir: '.',
  testMatch: '*.spec.ts',
  // Playwright empties its output folder: keep it away from other suites' artifacts.
  outputDir: '../../test-results/e2e-electron',
  workers: 1,
  timeout: 60_000,
  reporter: process.env.CI_REPORT_DIR
    ? [['list'], ['json', { outputFile: `${process.env.CI_REPORT_DIR}/e2e-electron.json` }]]
    : [['list']],
});
