import { Client } from '@modelcontextprotocol/client';
import { expect, test } from '@playwright/test';
import { WebSocketClientTransport } from '../helpers/ws-client-transport.js';
import { type E2eCore, startE2eCore } from './core.js';
import { agentRow, api, DEFAULT_FLEET, LIVE_MS, shoot } from './e2e-helpers.js';

// The open UI follows the real core and the default fleet live: nothing here reloads the page.
test.describe.configure({ mode: 'serial' });

let core: E2eCore;
test.beforeAll(async () => {
  core = await startE2eCore({ defaultFleet: true });
});
test.afterAll(async () => {
  await core?.stop();
  core?.remove();
});

test('a killed agent is dead at once with its exit reason; alive, restarts and uptime follow', async ({
  page,
}) => {
  test.setTimeout(150_000);
  await page.goto(core.pageUrl);
  for (const prefix of DEFAULT_FLEET)
    await expect(agentRow(page, prefix)).toContainText('RUNNING', { timeout: 60_000 });
  const summary = page.getByTestId('fleet-summary');
  await expect(summary).toContainText(' 4 alive ');

  const { pid } = await api<{ pid: number }>(core, 'api/cc/processes/processing/');
  const victim = agentRow(page, 'stf_processing').filter({ hasText: String(pid) });
  const name = await victim.getAttribute('data-agent');
  process.kill(pid, 'SIGKILL');
  const dead = page.locator(`.grid-row[data-agent="${name}"]`);
  await expect(dead.locator('[data-liveness]')).toHaveText('dead', { timeout: LIVE_MS });
  await expect(dead.getByTestId('agent-status')).toHaveText('DIED', { timeout: LIVE_MS });
  await expect(dead.getByTestId('agent-status').locator('.badge')).toHaveAttribute(
    'title',
    /SIGKILL/,
  );
  await expect(summary).toContainText(' 3 alive ', { timeout: LIVE_MS });

  // autorestart=unexpected: a new process registers a new agent; its row counts one restart and
  // an uptime of seconds, not the age of the program's first start.
  const reborn = page
    .locator('.grid-row[data-agent^="stf_processing-agent-"]')
    .filter({ hasText: 'RUNNING' });
  await expect(reborn).toHaveCount(1, { timeout: 60_000 });
  const cells = reborn.locator('[role=cell]');
  await expect(cells.nth(9)).toHaveText('1', { timeout: LIVE_MS });
  await expect(cells.nth(8)).toHaveText(/^\d{1,2}s$/);
  await expect(summary).toContainText(' 4 alive ', { timeout: LIVE_MS });
  await expect(dead.locator('[data-liveness]')).toHaveText('dead');
  // The supervisor samples CPU and memory every few seconds.
  await expect(cells.nth(10)).toHaveText(/^\d+%$/, { timeout: 15_000 });
  await expect(cells.nth(11)).toHaveText(/MiB$/);

  await page.reload();
  await expect(dead.locator('[data-liveness]')).toHaveText('dead');
  await expect(dead.getByTestId('agent-status')).toHaveText('DIED');
  await dead.getByRole('link').click();
  await expect(page.getByTestId('death-reason')).toContainText('SIGKILL');
  await page.goBack();
  await shoot(page, 'fleet-agent-died');
});

test('a run started from the UI appears, progresses and ends without a reload', async ({
  page,
}) => {
  test.setTimeout(150_000);
  await page.goto(core.pageUrl);
  for (const prefix of DEFAULT_FLEET)
    await expect(agentRow(page, prefix)).toContainText('READY', { timeout: 60_000 });
  await page.getByRole('link', { name: 'Runs' }).click();
  await page.getByRole('button', { name: 'Start run…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Start run' });
  await dialog.getByLabel('STFs per physics period').fill('4');
  await dialog.getByLabel('Physics periods').fill('1');
  await dialog.getByLabel('Real time (otherwise as fast as possible)').uncheck();
  await dialog.getByRole('button', { name: 'Start', exact: true }).click();
  await expect(dialog).toBeHidden();

  // Each figure is first seen in the core (REST), then must be on screen within LIVE_MS.
  type Run = { run_number: number; end_time: string | null };
  const newest = async () =>
    (await api<Run[]>(core, 'api/runs/')).reduce<Run | undefined>(
      (a, r) => (a && a.run_number > r.run_number ? a : r),
      undefined,
    );
  let runNumber = 0;
  await expect
    .poll(async () => (runNumber = (await newest())?.run_number ?? 0), { timeout: 60_000 })
    .toBeGreaterThan(0);
  const row = page.locator('table.selectable tbody tr').filter({
    has: page.getByRole('link', { name: String(runNumber), exact: true }),
  });
  await expect(row).toBeVisible({ timeout: LIVE_MS });

  await expect
    .poll(async () => (await newest())?.end_time ?? null, { timeout: 60_000 })
    .not.toBeNull();
  await expect(row.locator('td').nth(3)).not.toHaveText('—', { timeout: LIVE_MS });

  type Execution = { execution_id: string; status: string };
  await expect
    .poll(
      async () =>
        (await api<Execution[]>(core, 'api/workflow-executions/')).some(
          (e) => e.status === 'completed',
        ),
      { timeout: 60_000 },
    )
    .toBe(true);
  await row.getByRole('link').click();
  await expect(page.getByTestId('execution-status')).toHaveText('completed', {
    timeout: LIVE_MS,
  });
  await expect(page.getByTestId('run-phase')).toHaveText('ended', { timeout: 30_000 });
});

test('MCP clients and their tool calls show in the MCP view as they happen', async ({ page }) => {
  await page.goto(core.pageUrl);
  await page.getByRole('link', { name: 'MCP' }).click();
  await expect(page.getByText('No MCP client is connected.')).toBeVisible();
  const client = new Client({ name: 'e2e-live-client', version: '1.0.0' });
  // A WebSocket client stays connected, so the core lists it (a plain HTTP client does not).
  await client.connect(
    new WebSocketClientTransport(`ws://127.0.0.1:${core.port}/ws/mcp/`, {
      Authorization: `Bearer ${core.token}`,
    }),
  );
  try {
    await expect(page.getByRole('cell', { name: 'e2e-live-client' }).first()).toBeVisible({
      timeout: LIVE_MS,
    });
    const tools = await client.listTools();
    expect(tools.tools.length).toBeGreaterThan(0);
    await client.callTool({ name: 'swf_list_agents', arguments: {} });
    await expect(page.locator('td.mono', { hasText: 'swf_list_agents' }).first()).toBeVisible({
      timeout: LIVE_MS,
    });
    await shoot(page, 'mcp-live');
  } finally {
    await client.close();
  }
  await expect(page.getByText('No MCP client is connected.')).toBeVisible({ timeout: LIVE_MS });
});
