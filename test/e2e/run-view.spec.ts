import { expect, type Page, test } from '@playwright/test';
import { type E2eCore, startE2eCore } from './core.js';
import { agentRow, api, DEFAULT_FLEET, expectNoOverlap, LIVE_MS, shoot } from './e2e-helpers.js';

// The run view a physicist watches during a run, and the start dialog, against the real core and
// the default fleet: every figure comes from the agents' real messages.
test.describe.configure({ mode: 'serial' });

let core: E2eCore;
test.beforeAll(async () => {
  core = await startE2eCore({ defaultFleet: true });
});
test.afterAll(async () => {
  await core?.stop();
  core?.remove();
});

const post = (path: string) =>
  fetch(`${core.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${core.token}` },
  });

async function fleetReady(page: Page) {
  await page.goto(core.pageUrl);
  for (const prefix of DEFAULT_FLEET)
    await expect(agentRow(page, prefix)).toContainText('READY', { timeout: 60_000 });
}

async function openDialog(page: Page) {
  await page.getByRole('link', { name: 'Runs' }).click();
  await page.getByRole('button', { name: 'Start run…' }).click();
  return page.getByRole('dialog', { name: 'Start run' });
}

const count = async (page: Page, stage: string) =>
  Number.parseInt((await page.getByTestId(`stage-count-${stage}`).textContent()) ?? '', 10);

type Run = { run_number: number };
const newestRun = async () =>
  Math.max(0, ...(await api<Run[]>(core, 'api/runs/')).map((r) => r.run_number));

test('a run in progress: stages as the messages flow, figures, DAQ ended while a stage lags, its losses', async ({
  page,
}) => {
  test.setTimeout(240_000);
  await fleetReady(page);
  const dialog = await openDialog(page);
  await dialog.getByLabel('STFs per physics period').fill('30');
  await dialog.getByLabel('Physics periods').fill('1');
  await dialog.getByLabel('STF interval (s)').fill('0.5');
  await dialog.getByLabel('Standby between periods (s)').fill('0');
  await dialog.getByRole('button', { name: 'Start', exact: true }).click();
  await expect(dialog).toBeHidden();

  await expect.poll(newestRun, { timeout: 60_000 }).toBeGreaterThan(0);
  const run = await newestRun();
  await page.getByRole('link', { name: String(run), exact: true }).click();
  await expect(page.getByRole('heading', { name: `Run ${run}` })).toBeVisible();

  // Drawn from the workflow table: data feeds processing and fastmon, which sit side by side.
  const box = async (stage: string) =>
    (await page.locator(`.stage[data-stage="${stage}"]`).boundingBox())!;
  const [daq, data, proc, fast] = await Promise.all(
    ['generated', 'ready', 'processed', 'fastmon'].map(box),
  );
  expect(data!.x).toBeGreaterThan(daq!.x + daq!.width);
  expect(proc!.x).toBeGreaterThan(data!.x + data!.width);
  expect(fast!.x).toBe(proc!.x);
  expect(fast!.y).toBeGreaterThan(proc!.y + proc!.height - 1);

  await expect.poll(() => count(page, 'fastmon'), { timeout: 90_000 }).toBeGreaterThanOrEqual(3);
  // Fastmon stopped mid-run misses the STFs published meanwhile (non-durable topic, as the
  // originals): stopped at once, so the DAQ is still running whatever the machine's load.
  expect((await post('api/cc/processes/fastmon/stop/')).status).toBe(200);
  await expect(page.getByTestId('stage-rate-generated')).toHaveText(/^\d+\.\d\d STF\/s$/);
  await expect(page.getByTestId('stage-latency-processed')).toHaveText(/\d+(\.\d)? m?s \/ \d/);
  await expect(page.getByTestId('run-eta')).toHaveText(/^\d+(m \d+)?s$/);
  const elapsed = await page.getByTestId('run-elapsed').textContent();
  await expect(page.getByTestId('run-elapsed')).not.toHaveText(elapsed ?? '', { timeout: LIVE_MS });
  await shoot(page, 'run-live');

  // Back again, it cannot catch up: the DAQ ends, the run does not, and the loss is reported.
  expect((await post('api/cc/processes/fastmon/start/')).status).toBe(200);
  await expect(page.getByTestId('run-phase')).toHaveText(/^DAQ ended, processing \d+\/30$/, {
    timeout: 90_000,
  });
  await expect(page.getByTestId('stage-count-processed')).toHaveText('30 / 30 STF');
  await expect.poll(() => count(page, 'fastmon')).toBeLessThan(30);
  await expect(page.getByTestId('stage-backlog-fastmon')).not.toHaveText('0');
  await expect(page.getByRole('region', { name: 'Errors and losses' })).toContainText(
    'never arrived',
    { timeout: 60_000 },
  );
  await shoot(page, 'run-ended');

  for (const size of [
    { width: 1280, height: 800 },
    { width: 1440, height: 900 },
  ]) {
    await page.setViewportSize(size);
    await expectNoOverlap(page, [
      '.view-header',
      '.runs-list',
      '.run-figures',
      '.pipeline .stage',
      '.run-issues',
      '.run-messages',
    ]);
  }
  await page.getByRole('link', { name: 'Fleet' }).click();
  await agentRow(page, 'data').getByRole('link').click();
  await expect(page.locator('.out-line').first()).toBeVisible({ timeout: 20_000 });
  for (const size of [
    { width: 1280, height: 800 },
    { width: 1440, height: 900 },
  ]) {
    await page.setViewportSize(size);
    await expectNoOverlap(page, [
      '.agent-view > .view-header',
      '.agent-grid > .card',
      '.agent-view > .card',
    ]);
    await expectNoOverlap(page, ['.output-lines', '.agent-logs']);
  }
  await shoot(page, 'agent-live');
});

test('the start dialog: presets from the testbed workflows, period length in duration mode', async ({
  page,
}) => {
  test.setTimeout(180_000);
  await fleetReady(page);
  const dialog = await openDialog(page);
  const workflow = dialog.getByLabel('Workflow');
  await expect(workflow.locator('option')).toHaveText([
    'stf_datataking',
    'fast_processing',
    'prompt_processing',
  ]);
  await workflow.selectOption({ label: 'fast_processing' });
  await expect(dialog.getByLabel('STFs per physics period')).toHaveValue('10');
  await workflow.selectOption({ label: 'stf_datataking' });
  await expect(dialog.getByLabel('STFs per physics period')).toHaveValue('5');
  await expect(dialog.getByLabel('STF interval (s)')).toHaveValue('2.2');
  await shoot(page, 'start-run-dialog');

  // Duration mode: the period length is what ends the period, and it reaches the simulator.
  await dialog.getByLabel('a length in seconds').check();
  await expect(dialog.getByLabel('STFs per physics period')).toBeDisabled();
  await dialog.getByLabel('Period length (s)').fill('3');
  await dialog.getByLabel('STF interval (s)').fill('0.5');
  await dialog.getByLabel('Real time (otherwise as fast as possible)').uncheck();
  await dialog.getByRole('button', { name: 'Start', exact: true }).click();
  await expect(dialog).toBeHidden();
  type Execution = { status: string; parameter_values: Record<string, unknown> | null };
  // The simulator records its resolved config section by section (as the testbed runner does):
  // a parameter's value is the last section's that has it.
  const param = (e: Execution, key: string) => {
    let value: unknown;
    for (const section of Object.values(e.parameter_values ?? {}))
      if (typeof section === 'object' && section !== null && key in section)
        value = (section as Record<string, unknown>)[key];
    return value;
  };
  let done: Execution | undefined;
  await expect
    .poll(
      async () =>
        (done = (await api<Execution[]>(core, 'api/workflow-executions/')).find(
          (e) => e.status === 'completed' && param(e, 'physics_period_duration') === 3,
        )) !== undefined,
      { timeout: 90_000 },
    )
    .toBe(true);
  // No count: duration mode (the runner's stf_count of 0 or none).
  expect([0, null]).toContain(param(done!, 'stf_count'));
  expect(param(done!, 'stf_interval')).toBe(0.5);
  const logs = await api<{ message: string }[]>(core, 'api/logs/?levelname=WARNING');
  expect(logs.map((l) => l.message).join('\n')).not.toContain('unknown parameter');
});

async function startEndlessRun(page: Page) {
  const dialog = await openDialog(page);
  await dialog.getByLabel('a length in seconds').check();
  await dialog.getByLabel('Physics periods').fill('0');
  await dialog.getByRole('button', { name: 'Start', exact: true }).click();
  await expect(dialog).toBeHidden();
}

async function stopAndWaitEnded(page: Page) {
  await page.getByRole('button', { name: 'Stop run' }).click();
  await expect(page.getByTestId('stop-note')).toHaveText('Stop requested.');
  await expect(page.getByTestId('run-phase')).toHaveText(/ended/, { timeout: 60_000 });
}

test('Stop run with nothing running says so; a running run stops', async ({ page }) => {
  test.setTimeout(180_000);
  await fleetReady(page);
  await page.getByRole('link', { name: 'Runs' }).click();
  await expect(page.locator('table.selectable tbody tr').first()).toBeVisible();
  await page.getByRole('button', { name: 'Stop run' }).click();
  await expect(page.getByTestId('stop-note')).toHaveText('No run is in progress: nothing to stop.');

  const before = await newestRun();
  await startEndlessRun(page);
  await expect.poll(newestRun, { timeout: 60_000 }).toBeGreaterThan(before);
  await expect(page.getByTestId('run-phase')).not.toHaveText(/ended/, { timeout: LIVE_MS });
  await stopAndWaitEnded(page);
});

test('a refused start shows the simulator reason', async ({ page }) => {
  test.setTimeout(180_000);
  await fleetReady(page);
  const before = await newestRun();
  await startEndlessRun(page);
  await expect.poll(newestRun, { timeout: 60_000 }).toBeGreaterThan(before);
  // The simulator runs one execution at a time and refuses a second start, saying why.
  const dialog = await openDialog(page);
  await dialog.getByRole('button', { name: 'Start', exact: true }).click();
  await expect(dialog.getByRole('alert')).toContainText('is still running', { timeout: 30_000 });
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await stopAndWaitEnded(page);
});
