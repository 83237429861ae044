import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, type Page, test, type TestInfo } from '@playwright/test';
import { type E2eCore, startE2eCore } from './core.js';

// One real core for the whole file; tests run in order against it, as a physicist would.
test.describe.configure({ mode: 'serial' });

let core: E2eCore;

test.beforeAll(async () => {
  // Short liveness window so "goes silent -> dead" happens within a test.
  core = await startE2eCore({
    // No DAQ simulator runs here: a workflow command gives up after 1 s.
    configToml:
      'workflowReplyTimeoutSeconds = 1\n[liveness]\naliveSeconds = 4\nexitedAfterSeconds = 3600\nsweepSeconds = 0.5\n',
  });
});

test.afterAll(async () => {
  await core?.stop();
  core?.remove();
});

const SCREENSHOTS = join(process.cwd(), 'docs', 'screenshots');

/** Screenshot as a test artifact, and the current copy for the README. */
async function shoot(page: Page, info: TestInfo, name: string) {
  const path = info.outputPath(`${name}.png`);
  await page.screenshot({ path });
  await info.attach(name, { path, contentType: 'image/png' });
  mkdirSync(SCREENSHOTS, { recursive: true });
  copyFileSync(path, join(SCREENSHOTS, `${name}.png`));
}

const row = (page: Page, name: string) => page.locator(`.grid-row[data-agent="${name}"]`);

async function beat(name: string, type: string, extra: Record<string, unknown> = {}) {
  const res = await core.heartbeat({
    instance_name: name,
    agent_type: type,
    status: 'OK',
    operational_state: 'READY',
    description: `${type} agent`,
    pid: 4242,
    hostname: 'laptop',
    ...extra,
  });
  expect([200, 201]).toContain(res.status);
}

test('agents appear live and their heartbeat age ticks', async ({ page }, info) => {
  await page.goto(core.pageUrl);
  await expect(page.getByTestId('core-connection')).toHaveText('live');
  await beat('daq-sim-1', 'DAQ_Simulator');
  await beat('data-agent-1', 'data');
  await beat('processing-agent-1', 'processing');
  await beat('fastmon-agent-1', 'fastmon');
  // Arrive without a reload: pushed over /ws/ui.
  await expect(row(page, 'daq-sim-1')).toBeVisible();
  await expect(row(page, 'fastmon-agent-1')).toBeVisible();
  await expect(row(page, 'daq-sim-1').locator('[data-liveness]')).toHaveText('alive');
  const age = row(page, 'data-agent-1').getByTestId('heartbeat-age');
  const first = await age.textContent();
  await expect.poll(async () => age.textContent(), { timeout: 5000 }).not.toBe(first);
  await shoot(page, info, 'fleet');
});

test('an agent that goes silent turns dead, with a notification', async ({ page }) => {
  await page.goto(core.pageUrl);
  await beat('silent-agent', 'data');
  await expect(row(page, 'silent-agent').locator('[data-liveness]')).toHaveText('alive');
  // No more heartbeats: the sweeper crosses the 4 s window and the UI hears about it.
  await expect(row(page, 'silent-agent').locator('[data-liveness]')).toHaveText('dead', {
    timeout: 15_000,
  });
  await expect(page.locator('.toast').filter({ hasText: 'silent-agent is dead' })).toBeVisible();
});

test('filters, search, grouping and hidden EXITED agents', async ({ page }) => {
  await page.goto(core.pageUrl);
  await beat('old-agent', 'data', { status: 'EXITED', operational_state: 'EXITED' });
  await beat('daq-sim-1', 'DAQ_Simulator');
  await expect(row(page, 'daq-sim-1')).toBeVisible();
  await expect(row(page, 'old-agent')).toHaveCount(0);
  await page.getByLabel('Show EXITED').check();
  await expect(row(page, 'old-agent')).toBeVisible();

  await page.getByLabel('Search agents').fill('process');
  await expect(row(page, 'processing-agent-1')).toBeVisible();
  await expect(row(page, 'daq-sim-1')).toHaveCount(0);
  await page.getByLabel('Search agents').fill('');

  await page.getByLabel('Filter by type').selectOption('fastmon');
  await expect(row(page, 'fastmon-agent-1')).toBeVisible();
  await expect(row(page, 'data-agent-1')).toHaveCount(0);
  await page.getByLabel('Filter by type').selectOption('');

  await page.getByLabel('Filter by liveness').selectOption('dead');
  await expect(row(page, 'silent-agent')).toBeVisible();
  await beat('daq-sim-1', 'DAQ_Simulator');
  await page.getByLabel('Filter by liveness').selectOption('alive');
  await expect(row(page, 'daq-sim-1')).toBeVisible();
  await expect(row(page, 'silent-agent')).toHaveCount(0);
  await page.getByLabel('Filter by liveness').selectOption('');

  await page.getByLabel('Group by type').check();
  await expect(page.locator('.grid-row.group').first()).toBeVisible();
});

test('a command the supervisor cannot carry out shows why; a run start nobody answers says so', async ({
  page,
}) => {
  await page.goto(core.pageUrl);
  await expect(row(page, 'daq-sim-1')).toBeVisible();
  // daq-sim-1 only heartbeats over REST: the fleet file names no such program.
  await row(page, 'daq-sim-1')
    .getByRole('button', { name: 'Start daq-sim-1', exact: true })
    .click();
  await expect(row(page, 'daq-sim-1').locator('.command-error')).toContainText(
    'no process, program or group named "daq-sim-1"',
  );

  // Start run publishes run_workflow on the workflow control queue; with no DAQ simulator to
  // answer, the dialog stays open and says what is missing.
  await page.getByRole('link', { name: 'Runs' }).click();
  await page.getByRole('button', { name: 'Start run…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Start run' });
  await dialog.getByLabel('STFs per physics period').fill('5');
  await dialog.getByRole('button', { name: 'Start', exact: true }).click();
  await expect(dialog.getByRole('alert')).toContainText(
    'no DAQ simulator answered in 1 s and no run started',
  );
});

test('every view navigates and renders', async ({ page }, info) => {
  await page.goto(core.pageUrl);
  await expect(row(page, 'data-agent-1')).toBeVisible();
  for (let i = 0; i < 3; i++) await beat('data-agent-1', 'data');

  await row(page, 'data-agent-1').getByRole('link', { name: 'data-agent-1' }).click();
  await expect(page.getByRole('heading', { name: 'data-agent-1' })).toBeVisible();
  // The uPlot heartbeat chart: labelled axes, and the gaps between the beats above drawn.
  const chart = page.getByTestId('heartbeat-chart');
  await expect(chart).toHaveAttribute('aria-label', /Heartbeat gap \(s\) against time/);
  await expect(chart.locator('canvas')).toBeVisible();
  await expect.poll(async () => Number(await chart.getAttribute('data-max'))).toBeGreaterThan(0);
  await shoot(page, info, 'agent');

  await page.getByRole('link', { name: 'Heartbeats', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Heartbeats' })).toBeVisible();
  await page.getByLabel('Filter by agent').fill('data-agent-1');
  await expect(page.locator('[data-hb-agent="data-agent-1"]').first()).toBeVisible();
  await expect(page.locator('[data-hb-agent="daq-sim-1"]')).toHaveCount(0);
  await page.getByLabel('Filter by agent').fill('');
  await page.getByLabel('Filter by type').selectOption('DAQ_Simulator');
  await expect(page.locator('[data-hb-agent="daq-sim-1"]').first()).toBeVisible();
  await expect(page.locator('[data-hb-agent="data-agent-1"]')).toHaveCount(0);
  await page.getByLabel('Filter by type').selectOption('');
  await shoot(page, info, 'heartbeats');

  await page.getByRole('link', { name: 'Runs' }).click();
  await expect(page.getByRole('heading', { name: 'Runs', level: 1 })).toBeVisible();
  await shoot(page, info, 'runs');

  await page.getByRole('link', { name: 'MCP' }).click();
  await expect(page.getByRole('heading', { name: 'MCP' })).toBeVisible();
  const code = page.getByTestId('mcp-config-claude-code');
  await expect(code).toContainText(`http://127.0.0.1:${core.port}/mcp`);
  await expect(code).not.toContainText(core.token);
  await page.getByRole('button', { name: 'Reveal token' }).click();
  await expect(code).toContainText(`Authorization: Bearer ${core.token}`);
  await page.getByRole('button', { name: 'Hide token' }).click();
  await shoot(page, info, 'mcp');

  await page.getByRole('link', { name: 'Settings' }).click();
  await expect(page.getByRole('heading', { name: 'Settings' })).toBeVisible();
  await shoot(page, info, 'settings');

  await page.emulateMedia({ colorScheme: 'dark' });
  await page.getByRole('link', { name: 'Fleet' }).click();
  await expect(row(page, 'data-agent-1')).toBeVisible();
  await shoot(page, info, 'fleet-dark');
});

test('settings are validated by the core and saved with a restart note', async ({ page }) => {
  await page.goto(core.pageUrl);
  await page.getByRole('link', { name: 'Settings' }).click();
  await expect(page.getByLabel('HTTP port')).toBeVisible();
  await page.getByLabel('HTTP port').fill('99999');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByTestId('settings-error')).toContainText('port');
  await page.getByLabel('HTTP port').fill(String(core.port));
  await page.getByLabel('Namespace').fill('e2e-namespace');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByTestId('settings-restart')).toContainText('namespace');
});

test('keyboard reaches the views and controls', async ({ page }) => {
  await page.goto(core.pageUrl);
  await expect(row(page, 'daq-sim-1')).toBeVisible();
  await page.keyboard.press('Tab'); // skip link
  await page.keyboard.press('Tab');
  await expect(page.getByRole('link', { name: 'Fleet' })).toBeFocused();
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Heartbeats' })).toBeVisible();
});

test('the UI says when the core is gone and resynchronises when it is back', async ({
  page,
}, info) => {
  await page.goto(core.pageUrl);
  await expect(row(page, 'daq-sim-1')).toBeVisible();
  await core.stop();
  const banner = page.getByTestId('connection-banner');
  await expect(banner).toContainText('Connection to the core lost');
  await expect(page.getByTestId('core-connection')).toHaveText('offline');
  await shoot(page, info, 'connection-lost');

  await core.restart();
  // After the restart a new agent exists only in the new core's state: seeing it proves a fresh
  // snapshot or live events on the new connection.
  await beat('after-restart', 'fastmon');
  await expect(banner).toHaveCount(0, { timeout: 20_000 });
  await expect(page.getByTestId('core-connection')).toHaveText('live');
  await expect(row(page, 'after-restart')).toBeVisible();
  await expect(row(page, 'daq-sim-1')).toBeVisible();
});
