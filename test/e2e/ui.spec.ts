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

// The supervisor and the recorder are built elsewhere; their events are fed renderer-side in
// bench/test mode (`?bench=1`) through the same validated path the socket uses.
test.describe('events from backends not in this build', () => {
  const emit = (page: Page, name: string, payload: unknown) =>
    page.evaluate(
      ([n, p]) =>
        (
          window as unknown as { __swfBench: { emit(n: string, p: unknown): void } }
        ).__swfBench.emit(n, p),
      [name, payload] as const,
    );

  test('process state and metrics fill the fleet; FATAL notifies', async ({ page }) => {
    await page.goto(`${core.url}?bench=1#token=${core.token}`);
    await beat('processing-agent-1', 'processing');
    await expect(row(page, 'processing-agent-1')).toBeVisible();
    const startedAt = new Date(Date.now() - 65_000).toISOString();
    const transition = (to: string, at: string, pid: number | null, reason: string | null) =>
      emit(page, 'process.state', {
        name: 'processing-agent-1',
        program: 'processing-agent-1',
        pid,
        from: 'STARTING',
        to,
        exitCode: null,
        signal: null,
        reason,
        at,
      });
    await transition('RUNNING', startedAt, 5151, null);
    await emit(page, 'process.metrics', {
      at: new Date().toISOString(),
      processes: [
        { name: 'processing-agent-1', pid: 5151, cpuPercent: 12.4, rssBytes: 50 * 1024 * 1024 },
      ],
    });
    const r = row(page, 'processing-agent-1');
    await expect(r).toContainText('RUNNING');
    await expect(r).toContainText('5151');
    await expect(r).toContainText(/1m \d+s/);
    await expect(r).toContainText('12%');
    await expect(r).toContainText('50.0 MiB');
    await transition('FATAL', new Date().toISOString(), null, 'exited too quickly 3 times');
    await expect(
      page.locator('.toast').filter({ hasText: 'processing-agent-1 is FATAL' }),
    ).toContainText('exited too quickly 3 times');
    await r.getByRole('link', { name: 'processing-agent-1' }).click();
    await expect(page.locator('.history')).toContainText('FATAL');
    await expect(page.locator('.history')).toContainText('RUNNING');
  });

  test('output tail: follow, pause, search and stream filter over 100,000 lines', async ({
    page,
  }) => {
    await page.goto(`${core.url}?bench=1#token=${core.token}`);
    await beat('data-agent-1', 'data');
    await page.goto(`${core.url}?bench=1#/agent/data-agent-1`);
    await expect(page.getByRole('heading', { name: 'data-agent-1' })).toBeVisible();
    await page.evaluate(() =>
      (
        window as unknown as { __swfBench: { feedOutput(n: string, c: number): void } }
      ).__swfBench.feedOutput('data-agent-1', 100_000),
    );
    await expect(page.getByTestId('output-count')).toHaveText('100,000 lines');
    // Following: the last line is on screen.
    await expect(page.locator('.out-line').last()).toContainText('line 100000:');
    await page.getByRole('button', { name: 'Pause' }).click();
    await page.getByLabel('Stream').selectOption('stderr');
    await expect(page.getByTestId('output-count')).toHaveText('14,285 of 100,000 lines');
    await page.getByLabel('Stream').selectOption('all');
    await page.getByLabel('Search output').fill('line 4242:');
    await expect(page.getByTestId('output-count')).toHaveText('1 of 100,000 lines');
    await expect(page.locator('.out-line')).toHaveCount(1);
  });

  test('a run shows its pipeline and message timeline', async ({ page }, info) => {
    const res = await fetch(`${core.url}api/runs/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Token ${core.token}` },
      body: JSON.stringify({ run_number: 100123, start_time: new Date().toISOString() }),
    });
    expect(res.status).toBe(201);
    await page.goto(`${core.url}?bench=1#token=${core.token}`);
    await page.getByRole('link', { name: 'Runs' }).click();
    await expect(page.getByRole('link', { name: '100123' })).toBeVisible();
    let id = 0;
    const msg = (type: string, sender: string, content: Record<string, unknown>) =>
      emit(page, 'workflow.message', {
        message: {
          id: ++id,
          message_id: `m${id}`,
          message_type: type,
          sender_agent: sender,
          recipient_agent: null,
          namespace: 'e2e',
          execution_id: 'stf_datataking-e2e-0001',
          run_id: '100123',
          queue_name: '/topic/epictopic',
          message_content: { msg_type: type, run_id: 100123, ...content },
          sent_at: new Date().toISOString(),
        },
      });
    await msg('run_imminent', 'daq-sim-1', { state: 'beam' });
    await msg('start_run', 'daq-sim-1', { state: 'run' });
    const stf = (n: number) => `swf.100123.${String(n).padStart(6, '0')}.stf`;
    for (let n = 1; n <= 5; n++)
      await msg('stf_gen', 'daq-sim-1', { filename: stf(n), sequence: n });
    for (let n = 1; n <= 4; n++) await msg('stf_ready', 'data-agent-1', { filename: stf(n) });
    for (let n = 1; n <= 3; n++)
      await msg('processing_complete', 'processing-agent-1', { filename: stf(n) });
    for (let n = 1; n <= 2; n++)
      await msg('tf_file_registered', 'fastmon-agent-1', {
        stf_filename: stf(n),
        tf_filename: `${stf(n)}_tf_001.tf`,
      });
    await msg('end_run', 'daq-sim-1', { total_stf_files: 5 });
    const stages = page.locator('.pipeline .stage');
    await expect(stages.nth(0)).toContainText('5 / 5 STF');
    await expect(stages.nth(1)).toContainText('4 / 5 STF');
    await expect(stages.nth(2)).toContainText('3 / 5 STF');
    await expect(stages.nth(3)).toContainText('2 / 5 STF');
    await expect(page.getByRole('progressbar', { name: 'Data progress' })).toHaveAttribute(
      'aria-valuenow',
      '80',
    );
    await expect(page.locator('table.dense').last()).toContainText('processing_complete');
    await expect(page.locator('table.selectable')).toContainText('ended');
    await shoot(page, info, 'runs');
  });
});
