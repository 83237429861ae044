import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, type Page, test } from '@playwright/test';
import { type E2eCore, startE2eCore } from './core.js';

// The GUI driving the real thing: the default fleet's four agents under the core's supervisor,
// talking through the embedded broker.
test.describe.configure({ mode: 'serial' });

let core: E2eCore;
test.beforeAll(async () => {
  core = await startE2eCore({ defaultFleet: true });
});
test.afterAll(async () => {
  await core?.stop();
  core?.remove();
});

const agentRow = (page: Page, prefix: string) =>
  page.locator(`.grid-row[data-agent^="${prefix}-agent-"]`).filter({ hasNotText: 'EXITED' });

async function shoot(page: Page, name: string) {
  const path = test.info().outputPath(`${name}.png`);
  await page.screenshot({ path });
  const dir = join(process.cwd(), 'docs', 'screenshots');
  mkdirSync(dir, { recursive: true });
  copyFileSync(path, join(dir, `${name}.png`));
}

test('the four agents run, with their heartbeat age ticking', async ({ page }) => {
  test.setTimeout(120_000);
  await page.goto(core.pageUrl);
  for (const prefix of ['daq_simulator', 'data', 'stf_processing', 'fastmon']) {
    await expect(agentRow(page, prefix)).toContainText('RUNNING', { timeout: 60_000 });
    await expect(agentRow(page, prefix).locator('[data-liveness]')).toHaveText('alive');
  }
  const age = agentRow(page, 'data').getByTestId('heartbeat-age');
  const first = await age.textContent();
  await expect(age).not.toHaveText(first ?? '', { timeout: 5_000 });
  await shoot(page, 'fleet-live');
});

test('stop an agent from the GUI, then start it again', async ({ page }) => {
  test.setTimeout(120_000);
  await page.goto(core.pageUrl);
  const row = agentRow(page, 'fastmon');
  await expect(row).toContainText('RUNNING', { timeout: 30_000 });
  const name = await row.getAttribute('data-agent');
  await row.getByRole('button', { name: 'Stop fastmon', exact: true }).click();
  const stopped = page.locator(`.grid-row[data-agent="${name}"]`);
  await expect(stopped).toContainText('STOPPED', { timeout: 30_000 });
  await stopped.getByRole('button', { name: 'Start fastmon', exact: true }).click();
  // A started agent registers anew (a new agent id), and its row shows the program RUNNING.
  await expect(agentRow(page, 'fastmon')).toContainText('RUNNING', { timeout: 60_000 });
});

test('start a run and see it end with every stage complete', async ({ page }) => {
  test.setTimeout(180_000);
  await page.goto(core.pageUrl);
  for (const prefix of ['daq_simulator', 'data', 'stf_processing', 'fastmon'])
    await expect(agentRow(page, prefix)).toContainText('READY', { timeout: 60_000 });
  await page.getByRole('link', { name: 'Runs' }).click();
  await page.getByRole('button', { name: 'Start run…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Start run' });
  await dialog.getByLabel('STFs per physics period').fill('6');
  await dialog.getByLabel('Physics periods').fill('1');
  await dialog.getByLabel('Real time (otherwise as fast as possible)').uncheck();
  await dialog.getByRole('button', { name: 'Start', exact: true }).click();
  await expect(dialog).toBeHidden();

  const run = page.locator('table.selectable tbody tr').first();
  await expect(async () => {
    // The run row appears once the DAQ simulator has registered the run.
    if ((await run.count()) === 0) await page.reload();
    await expect(run).toContainText('ended', { timeout: 2_000 });
  }).toPass({ timeout: 120_000 });
  await run.getByRole('link').click();
  for (const stage of ['DAQ', 'Data', 'Processing', 'Fastmon']) {
    await expect(page.getByRole('progressbar', { name: `${stage} progress` })).toHaveAttribute(
      'aria-valuenow',
      '100',
      { timeout: 60_000 },
    );
  }
  await shoot(page, 'run-ended');
});

test('search an agent output tail', async ({ page }) => {
  await page.goto(core.pageUrl);
  const row = agentRow(page, 'daq_simulator');
  await row.getByRole('link').click();
  await page.getByLabel('Search output').fill('Workflow started');
  await expect(page.getByLabel(/^Output of /)).toContainText('Workflow started', {
    timeout: 20_000,
  });
});

test('an agent killed from outside shows in the GUI and is restarted', async ({ page }) => {
  test.setTimeout(120_000);
  await page.goto(core.pageUrl);
  const row = agentRow(page, 'stf_processing');
  await expect(row).toContainText('RUNNING', { timeout: 30_000 });
  const res = await fetch(`${core.url}api/cc/processes/processing/`, {
    headers: { authorization: `Bearer ${core.token}` },
  });
  const { pid } = (await res.json()) as { pid: number };
  process.kill(pid, 'SIGKILL');
  // autorestart=unexpected: the supervisor starts it again; a RUNNING row shows the new pid.
  const running = page
    .locator('.grid-row[data-agent^="stf_processing-agent-"]')
    .filter({ hasText: 'RUNNING' });
  await expect(async () => {
    const pidCell = await running.first().locator('[role=cell]').nth(7).textContent();
    expect(Number(pidCell)).toBeGreaterThan(0);
    expect(Number(pidCell)).not.toBe(pid);
  }).toPass({ timeout: 60_000 });
  // The agent view shows the program's history: the unexpected exit and the restart.
  await running.first().getByRole('link').click();
  await expect(page.locator('ol.history')).toContainText('EXITED');
  await expect(page.locator('ol.history')).toContainText('RUNNING');
  await shoot(page, 'agent-restarted');
});
