import { expect, test } from '@playwright/test';
import { type E2eCore, startE2eCore } from './core.js';

test.describe.configure({ mode: 'serial' });

let core: E2eCore;
test.beforeAll(async () => {
  core = await startE2eCore();
  const res = await core.heartbeat({ instance_name: 'data-1', agent_type: 'data', status: 'OK' });
  expect(res.status).toBe(201);
});
test.afterAll(async () => {
  await core?.stop();
  core?.remove();
});

test('a refused token says so and a pasted one connects without a reload', async ({ page }) => {
  await page.goto(`${core.url}#token=not-the-token`);
  const prompt = page.getByTestId('token-prompt');
  await expect(prompt).toContainText('the core refused the token');
  await expect(page.getByText('not reachable')).toHaveCount(0);
  const loads: string[] = [];
  page.on('load', () => loads.push(page.url()));

  await prompt.getByLabel('API token').fill(core.token);
  await prompt.getByRole('button', { name: 'Connect' }).click();
  await expect(prompt).toHaveCount(0, { timeout: 2_000 });
  await expect(page.locator('.grid-row[data-agent="data-1"]')).toBeVisible();
  expect(loads).toEqual([]);
});

test('a corrected #token in the address bar connects without a reload', async ({ page }) => {
  await page.goto(`${core.url}#token=stale-token`);
  await expect(page.getByTestId('token-prompt')).toBeVisible();
  await page.evaluate((t) => (window.location.hash = `#token=${t}`), core.token);
  await expect(page.getByTestId('token-prompt')).toHaveCount(0, { timeout: 2_000 });
  await expect(page.locator('.grid-row[data-agent="data-1"]')).toBeVisible();
});
