import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, type Page, test } from '@playwright/test';
import { type E2eCore, startE2eCore } from './core.js';

// The record browsers and plots over what a real run left in the store: the default fleet's
// four agents under the core's supervisor, a run started from the GUI, nothing synthetic.
test.describe.configure({ mode: 'serial' });

const STFS = 24;
let core: E2eCore;
test.beforeAll(async () => {
  core = await startE2eCore({ defaultFleet: true });
});
test.afterAll(async () => {
  await core?.stop();
  core?.remove();
});

async function shoot(page: Page, name: string) {
  const path = test.info().outputPath(`${name}.png`);
  await page.screenshot({ path, fullPage: true });
  const dir = join(process.cwd(), 'docs', 'screenshots');
  mkdirSync(dir, { recursive: true });
  copyFileSync(path, join(dir, `${name}.png`));
}

const agentRow = (page: Page, prefix: string) =>
  page.locator(`.grid-row[data-agent^="${prefix}-agent-"]`).filter({ hasNotText: 'EXITED' });
/** Opens the page with its token, then goes to a view by its address. */
async function open(page: Page, hash: string) {
  if (!page.url().startsWith(core.url)) {
    await page.goto(core.pageUrl);
    await expect(page.getByTestId('core-connection')).toHaveText('live');
  }
  await page.evaluate((h) => (window.location.hash = h), hash);
}

const bodyRows = (page: Page, table: string) =>
  page.getByRole('table', { name: table }).locator('tbody tr');

test('a real run, browsed: execution -> run -> its STF files -> their messages and TF samples', async ({
  page,
}) => {
  test.setTimeout(240_000);
  await page.goto(core.pageUrl);
  for (const prefix of ['daq_simulator', 'data', 'stf_processing', 'fastmon'])
    await expect(agentRow(page, prefix)).toContainText('READY', { timeout: 90_000 });
  await page.getByRole('link', { name: 'Runs' }).click();
  await page.getByRole('button', { name: 'Start run…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Start run' });
  await dialog.getByLabel('STFs per physics period').fill(String(STFS));
  await dialog.getByLabel('Physics periods').fill('1');
  await dialog.getByLabel('Real time (otherwise as fast as possible)').uncheck();
  await dialog.getByRole('button', { name: 'Start', exact: true }).click();
  await expect(dialog).toBeHidden();

  // The execution the run_workflow message made, and the run it drove.
  await page.getByRole('link', { name: 'Executions', exact: true }).click();
  const execution = bodyRows(page, 'Workflow executions').first();
  await expect(execution).toBeVisible({ timeout: 60_000 });
  await execution.getByRole('link').click();
  await expect(page.getByRole('heading', { name: /^Execution / })).toBeVisible();
  const run = page.locator('li[data-run]').first();
  await expect(run).toBeVisible({ timeout: 60_000 });
  const runNumber = await run.getAttribute('data-run');
  await shoot(page, 'browse-execution');

  // Run -> its STF files: every STF of the run, once the pipeline drained.
  await run.getByRole('link', { name: 'STF files' }).click();
  await expect(page).toHaveURL(new RegExp(`#/files\\?run=${runNumber}$`));
  await expect(page.getByTestId('stf-files-range')).toHaveText(`1–${STFS} of ${STFS}`, {
    timeout: 120_000,
  });
  await expect(page.getByTestId('tf-samples-range')).not.toHaveText(/^(none|…)$/, {
    timeout: 60_000,
  });

  // STF -> its messages: one per pipeline stage that handled it.
  const stf = bodyRows(page, 'STF files').first();
  const stfName = (await stf.getAttribute('data-stf'))!;
  await stf.getByRole('link', { name: stfName }).click();
  await expect(page.getByTestId('stf-files-range')).toHaveText('1–1 of 1');
  await expect(bodyRows(page, 'TF samples').first()).toContainText(stfName, { timeout: 60_000 });
  await shoot(page, 'browse-stf-file');
  await page.getByTestId('stf-messages-link').click();
  const types = bodyRows(page, 'Workflow messages');
  for (const type of ['stf_gen', 'stf_ready', 'processing_complete', 'tf_file_registered'])
    await expect(types.and(page.locator(`[data-message-type="${type}"]`)).first()).toBeVisible({
      timeout: 30_000,
    });
  await expect(types.locator('td', { hasText: stfName }).first()).toBeVisible();
  await shoot(page, 'browse-stf-messages');
});

test('messages page over the whole store and filter by type and agent', async ({ page }) => {
  await open(page, `#/messages`);
  const range = page.getByTestId('messages-range');
  await expect(range).toHaveText(/^1–50 of (\d{1,3}(,\d{3})*)$/);
  const total = Number((await range.textContent())!.split(' of ')[1]!.replace(/,/g, ''));
  expect(total).toBeGreaterThan(4 * STFS);
  const firstPageTop = await bodyRows(page, 'Workflow messages').first().textContent();
  await page.getByRole('button', { name: 'Next' }).click();
  await expect(range).toHaveText(
    `51–${Math.min(100, total).toLocaleString()} of ${total.toLocaleString()}`,
  );
  await expect(bodyRows(page, 'Workflow messages')).toHaveCount(Math.min(50, total - 50));
  expect(await bodyRows(page, 'Workflow messages').first().textContent()).not.toBe(firstPageTop);
  // The last page is reachable too: nothing is cut at a recent slice.
  await open(page, `#/messages?offset=${Math.floor((total - 1) / 50) * 50}`);
  await expect(range).toHaveText(new RegExp(`–${total.toLocaleString()} of `));
  await shoot(page, 'browse-messages-last-page');

  await open(page, `#/messages`);
  await page.getByLabel('Filter by type').selectOption('stf_gen');
  await expect(range).toHaveText(`1–${STFS} of ${STFS}`);
  const rows = bodyRows(page, 'Workflow messages');
  await expect(rows).toHaveCount(STFS);
  await expect(rows.and(page.locator('[data-message-type="stf_gen"]'))).toHaveCount(STFS);
  const sender = (await rows.first().locator('td').nth(2).textContent())!;
  expect(sender).toMatch(/^daq_simulator-agent-/);

  await page.getByLabel('Filter by type').selectOption('');
  await page.getByLabel('Filter by agent').fill(sender);
  await page.getByLabel('Filter by agent').press('Enter');
  await expect(page).toHaveURL(/agent=daq_simulator-agent-/);
  await expect(range).not.toHaveText(/^(none|…)$/);
  await expect
    .poll(async () => [...new Set(await rows.locator('td:nth-child(3)').allTextContents())])
    .toEqual([sender]);
});

test('app logs filter by level and agent, paged in the store', async ({ page }) => {
  await open(page, `#/logs`);
  const range = page.getByTestId('logs-range');
  await expect(range).toHaveText(/^1–\d+ of [\d,]+$/);
  const rows = bodyRows(page, 'App logs');
  const levels = () => rows.evaluateAll((trs) => [...new Set(trs.map((t) => t.dataset.level))]);
  await page.getByLabel('Filter by level').selectOption('20');
  await expect(page).toHaveURL(/level=20/);
  await expect
    .poll(
      async () =>
        (await levels()).every((l) => ['INFO', 'WARNING', 'ERROR', 'CRITICAL'].includes(l!)) &&
        (await levels()).length > 0,
    )
    .toBe(true);
  await page.getByLabel('Filter by level').selectOption('40');
  await expect(page).toHaveURL(/level=40/);
  await expect
    .poll(async () => (await levels()).every((l) => ['ERROR', 'CRITICAL'].includes(l!)))
    .toBe(true);

  await page.getByLabel('Filter by level').selectOption('');
  await expect(rows.first()).toBeVisible();
  const agent = (await rows.first().locator('td').nth(2).textContent())!;
  await page.getByLabel('Filter by agent').fill(agent);
  await page.getByLabel('Filter by agent').press('Enter');
  await expect(page).toHaveURL(/agent=/);
  await expect
    .poll(async () => [...new Set(await rows.locator('td:nth-child(3)').allTextContents())])
    .toEqual([agent]);
  await shoot(page, 'browse-logs');
});

test('plots draw throughput, message rate, heartbeat gaps, CPU and memory with labelled axes', async ({
  page,
}) => {
  await page.goto(core.pageUrl);
  await page.getByRole('link', { name: 'Plots' }).click();
  const plots: [string, RegExp][] = [
    ['plot-throughput', /STF throughput per stage: STFs \/ s against time/],
    ['plot-messages', /Message rate: Messages \/ s against time/],
    ['plot-heartbeat-gaps', /Heartbeat gaps per agent: Heartbeat gap \(s\) against time/],
    ['plot-cpu', /CPU per agent process: CPU \(% of a core\) against time/],
    ['plot-memory', /Memory per agent process: Memory RSS \(MiB\) against time/],
  ];
  for (const [id, label] of plots) {
    const figure = page.getByTestId(id);
    await expect(figure).toHaveAttribute('aria-label', label);
    await expect(figure.locator('canvas')).toBeVisible();
  }
  // The run above is in the window: stages and messages drew non-zero rates.
  for (const id of ['plot-throughput', 'plot-messages', 'plot-memory', 'plot-heartbeat-gaps'])
    await expect
      .poll(async () => Number(await page.getByTestId(id).getAttribute('data-max')), {
        timeout: 30_000,
      })
      .toBeGreaterThan(0);
  await expect(page.getByTestId('plot-throughput').locator('.u-legend')).toContainText('processed');
  await expect(page.getByTestId('plot-memory').locator('.u-legend')).toContainText('processing');
  await shoot(page, 'plots');
});

test('the real fleet’s heartbeats are stored once each (REST and STOMP copies are one row)', async () => {
  const get = async (path: string) =>
    (
      await fetch(`${core.url}${path}`, { headers: { authorization: `Token ${core.token}` } })
    ).json();
  const { items } = (await get('api/cc/heartbeats/?limit=10000')) as {
    items: { instance_name: string }[];
  };
  const { recorder } = (await get('api/cc/status/')) as { recorder: { heartbeats: number } };
  const agents = new Set(items.map((h) => h.instance_name)).size;
  expect(agents).toBeGreaterThanOrEqual(4);
  // Every agent sends each beat over REST and over STOMP; the recorder counts the STOMP copies.
  // Stored once, the rows are those beats plus the few an agent sent before its STOMP connection
  // was up (or whose STOMP copy is still queued); stored twice, they would be about double.
  expect(recorder.heartbeats).toBeGreaterThan(2 * agents);
  expect(items.length).toBeGreaterThanOrEqual(recorder.heartbeats);
  expect(items.length).toBeLessThanOrEqual(recorder.heartbeats + 2 * agents);
});
