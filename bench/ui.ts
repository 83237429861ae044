/**
 * UI benchmark: 1,000 agents heartbeating once a second (over REST, as real agents do) and a
 * 100,000-line output buffer, measured in Debian's Chromium for 30 s on the fleet view and 30 s
 * on the agent view. Prints long tasks (PerformanceObserver 'longtask') and frame times
 * (requestAnimationFrame deltas). Targets: no long task over 50 ms, p95 frame under 16.7 ms.
 *
 *   npx electron-vite build && node --import tsx bench/ui.ts
 *   BENCH_AGENTS=1000 BENCH_SECONDS=30 BENCH_LINES=100000 (defaults)
 *   BENCH_VIEWS=fleet,plots,agent (default: all three; e.g. BENCH_VIEWS=plots for one)
 *
 * No supervisor exists in this build, so output lines are fed through the renderer's bench hook
 * (`?bench=1`), which applies them as `process.output` events through the same store path.
 */
import { existsSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { cpus, loadavg } from 'node:os';
import { chromium, type Page } from '@playwright/test';
import { startE2eCore } from '../test/e2e/core.js';

const AGENTS = Number(process.env.BENCH_AGENTS ?? 1000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 30);
const LINES = Number(process.env.BENCH_LINES ?? 100_000);
const TYPES = ['DAQ_Simulator', 'data', 'processing', 'fastmon'];
const VIEWS = new Set((process.env.BENCH_VIEWS ?? 'fleet,plots,agent').split(','));
const skipped: Figures = {
  frames: 0,
  p50: 0,
  p95: 0,
  p99: 0,
  maxFrame: 0,
  longTasks: 0,
  longestTask: 0,
  over50: 0,
};

if (!existsSync('out/renderer/index.html')) {
  process.stderr.write('bench/ui: build the renderer first (npx electron-vite build)\n');
  process.exit(1);
}

// Enough keep-alive connections that 1,000 requests a second do not queue behind each other.
const httpAgent = new Agent({ keepAlive: true, maxSockets: 32 });

const core = await startE2eCore();
const name = (i: number) => `bench-agent-${String(i).padStart(4, '0')}`;
let sent = 0;
let failed = 0;
let lagMax = 0;

function beat(i: number): Promise<void> {
  const body = JSON.stringify({
    instance_name: name(i),
    agent_type: TYPES[i % TYPES.length],
    status: i % 50 === 0 ? 'WARNING' : 'OK',
    operational_state: 'PROCESSING',
    pid: 10_000 + i,
    hostname: 'bench',
  });
  return new Promise((resolve) => {
    const req = request(
      `${core.url}api/systemagents/heartbeat/`,
      {
        method: 'POST',
        agent: httpAgent,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          authorization: `Token ${core.token}`,
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => {
          if (res.statusCode === 200 || res.statusCode === 201) sent++;
          else failed++;
          resolve();
        });
      },
    );
    req.on('error', () => {
      failed++;
      resolve();
    });
    req.end(body);
  });
}

// Every agent once a second, spread over ten 100 ms slots so the load is steady.
let running = true;
async function driveHeartbeats() {
  const slot = 100;
  const perSlot = Math.ceil(AGENTS / 10);
  let tick = 0;
  const start = Date.now();
  while (running) {
    const due = start + tick * slot;
    const lag = Date.now() - due;
    lagMax = Math.max(lagMax, lag);
    const base = (tick % 10) * perSlot;
    const batch: Promise<void>[] = [];
    for (let i = base; i < Math.min(base + perSlot, AGENTS); i++) batch.push(beat(i));
    tick++;
    await Promise.race([
      Promise.all(batch),
      new Promise((r) => setTimeout(r, Math.max(0, start + tick * slot - Date.now()))),
    ]);
    const wait = start + tick * slot - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
}

interface Figures {
  frames: number;
  p50: number;
  p95: number;
  p99: number;
  maxFrame: number;
  longTasks: number;
  longestTask: number;
  over50: number;
}

async function measure(
  page: Page,
  seconds: number,
  during?: () => Promise<void>,
): Promise<Figures> {
  // A string, not a function: tsx would wrap named functions in a helper the page lacks.
  await page.evaluate(`(() => {
    const m = (window.__m = { frames: [], tasks: [], stop: false });
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) m.tasks.push(e.duration);
    }).observe({ type: 'longtask', buffered: false });
    let last = 0;
    const frame = (t) => {
      m.frames.push(t - last);
      last = t;
      if (!m.stop) requestAnimationFrame(frame);
    };
    requestAnimationFrame((t) => {
      last = t;
      requestAnimationFrame(frame);
    });
  })()`);
  const end = Date.now() + seconds * 1000;
  while (Date.now() < end) {
    if (during) await during();
    await new Promise((r) => setTimeout(r, 100));
  }
  const raw = await page.evaluate(() => {
    const w = window as unknown as { __m: { frames: number[]; tasks: number[]; stop: boolean } };
    w.__m.stop = true;
    return { frames: w.__m.frames, tasks: w.__m.tasks };
  });
  const sorted = raw.frames.slice().sort((a, b) => a - b);
  const pct = (p: number) =>
    sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;
  return {
    frames: sorted.length,
    p50: pct(0.5),
    p95: pct(0.95),
    p99: pct(0.99),
    maxFrame: sorted[sorted.length - 1] ?? 0,
    longTasks: raw.tasks.length,
    longestTask: Math.max(0, ...raw.tasks),
    over50: raw.tasks.filter((d) => d > 50).length,
  };
}

const fmt = (f: Figures) =>
  f === skipped
    ? 'skipped (BENCH_VIEWS)'
    : `frames ${f.frames}, frame p50 ${f.p50.toFixed(1)} ms, p95 ${f.p95.toFixed(1)} ms, p99 ${f.p99.toFixed(1)} ms, max ${f.maxFrame.toFixed(1)} ms; ` +
      `long tasks ${f.longTasks} (over 50 ms: ${f.over50}, longest ${f.longestTask.toFixed(0)} ms)`;

// rAF deltas at 60 Hz read 16.6-16.8 ms for frames that were on time (timer granularity), so
// "p95 under 16.7 ms" is judged as "p95 within one 60 Hz frame": at most 17.0 ms.
const ONE_FRAME_MS = 17.0;
const verdict = (f: Figures) =>
  f === skipped
    ? '-'
    : [
        f.over50 === 0 ? 'no long task > 50 ms: yes' : `no long task > 50 ms: NO (${f.over50})`,
        f.p95 <= ONE_FRAME_MS ? 'p95 within one frame: yes' : 'p95 within one frame: NO',
      ].join(', ');

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  headless: true,
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--disable-dev-shm-usage',
  ],
});
try {
  // Register every agent before the page loads, then keep them beating.
  for (let i = 0; i < AGENTS; i += 50)
    await Promise.all(Array.from({ length: Math.min(50, AGENTS - i) }, (_, k) => beat(i + k)));
  const page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
  await page.goto(`${core.url}?bench=1#token=${core.token}`);
  await page.waitForFunction(
    (n) => {
      const b = (
        window as unknown as { __swfBench?: { state(): { agents: object; synced: boolean } } }
      ).__swfBench;
      return !!b && b.state().synced && Object.keys(b.state().agents).length >= n;
    },
    AGENTS,
    { timeout: 60_000 },
  );
  await page.locator('.grid-row[data-agent]').first().waitFor();
  // Let start-up work (snapshot parse, first render) settle out of the measurement window.
  await page.waitForTimeout(2000);
  // Baseline: the same page with nothing arriving, to tell the machine's own noise (other
  // processes on a shared 2-core box) from the UI's work.
  const idle = await measure(page, Math.min(10, SECONDS));
  const driver = driveHeartbeats();
  await page.waitForTimeout(2000);

  const sentBefore = sent;
  const t0 = Date.now();
  // Scroll the fleet while it updates, so virtualisation is exercised rather than one screen.
  let scroll = 0;
  const profiler = process.env.BENCH_PROFILE ? await page.context().newCDPSession(page) : undefined;
  if (profiler) {
    await profiler.send('Profiler.enable');
    await profiler.send('Profiler.start');
  }
  const fleetStatic = VIEWS.has('fleet') ? await measure(page, SECONDS) : skipped;
  const fleet = !VIEWS.has('fleet')
    ? skipped
    : await measure(page, SECONDS, async () => {
        scroll = (scroll + 1) % 40;
        await page.mouse.move(700, 500);
        await page.mouse.wheel(0, scroll < 20 ? 300 : -300);
      });
  if (profiler) {
    // Diagnostic only: self time per function, to find what a frame spends.
    const { profile } = await profiler.send('Profiler.stop');
    const self = new Map<string, number>();
    const dt = new Map<number, number>();
    profile.samples?.forEach((id, i) =>
      dt.set(id, (dt.get(id) ?? 0) + (profile.timeDeltas?.[i] ?? 0)),
    );
    for (const node of profile.nodes) {
      const key = `${node.callFrame.functionName || '(anon)'} ${node.callFrame.url.split('/').pop()}:${node.callFrame.lineNumber}`;
      self.set(key, (self.get(key) ?? 0) + (dt.get(node.id) ?? 0) / 1000);
    }
    const top = [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 25);
    for (const [k, ms] of top)
      process.stdout.write(`  profile ${ms.toFixed(0).padStart(6)} ms  ${k}\n`);
  }
  const rate = ((sent - sentBefore) / (Date.now() - t0)) * 1000;

  // The same fleet view with 1,000 heartbeats a second generated in the page and entering
  // through the socket's event path: the renderer's figure when the core on this machine cannot
  // ingest 1,000 REST heartbeats a second itself (it shares the CPUs with Chromium here).
  let synthetic = skipped;
  if (VIEWS.has('fleet')) {
    await page.evaluate(`window.__swfBench.startSyntheticHeartbeats(${AGENTS})`);
    synthetic = await measure(page, SECONDS);
    await page.evaluate('window.__swfBench.stopSyntheticHeartbeats()');
  }
  const eventsSeen = await page.evaluate(
    () =>
      (
        window as unknown as { __swfBench: { state(): { heartbeats: unknown[] } } }
      ).__swfBench.state().heartbeats.length,
  );

  // The plots view while the fleet keeps beating over REST: five uPlot charts read from the
  // store every 2 s (heartbeat gaps of eight of the 1,000 agents, throughput, message rate),
  // CPU and memory from the supervisor's samples.
  let plots = skipped;
  let plotsRate = 0;
  if (VIEWS.has('plots')) {
    await page.evaluate(() => (window.location.hash = '#/plots'));
    await page.getByTestId('plot-heartbeat-gaps').locator('canvas').waitFor();
    await page.waitForFunction(
      () =>
        Number(
          document.querySelector('[data-testid="plot-heartbeat-gaps"]')?.getAttribute('data-max'),
        ) > 0,
      undefined,
      { timeout: 30_000 },
    );
    const [sentAt, tAt] = [sent, Date.now()];
    plots = await measure(page, SECONDS);
    plotsRate = ((sent - sentAt) / (Date.now() - tAt)) * 1000;
  }
  if (!VIEWS.has('agent')) running = false;

  await page.goto(`${core.url}?bench=1#/agent/${name(1)}`);
  await page.getByRole('heading', { name: name(1) }).waitFor();
  const tFeed = Date.now();
  await page.evaluate(
    ([agent, lines]) =>
      (
        window as unknown as { __swfBench: { feedOutput(n: string, c: number): void } }
      ).__swfBench.feedOutput(agent, lines),
    [name(1), LINES] as const,
  );
  const feedMs = Date.now() - tFeed;
  await page
    .getByTestId('output-count')
    .filter({ hasText: LINES.toLocaleString('en-US') })
    .waitFor({ timeout: 30_000 })
    .catch(() => undefined);
  await page.waitForTimeout(2000);
  // Live output keeps arriving while following (100 lines every 100 ms).
  const agent = !VIEWS.has('agent')
    ? skipped
    : await measure(page, SECONDS, () =>
        page.evaluate(
          (agentName) =>
            (
              window as unknown as {
                __swfBench: { feedOutput(n: string, c: number, b?: number): void };
              }
            ).__swfBench.feedOutput(agentName, 100, 100),
          name(1),
        ),
      );
  const lineCount = await page.evaluate(
    (agentName) =>
      (
        window as unknown as {
          __swfBench: { state(): { outputs: Record<string, { length: number }> } };
        }
      ).__swfBench.state().outputs[agentName]?.length ?? 0,
    name(1),
  );

  running = false;
  await driver;
  process.stdout.write(
    [
      `bench/ui: ${AGENTS} agents heartbeating over REST, ${SECONDS} s per view, Chromium ${browser.version()}`,
      `  heartbeats: ${VIEWS.has('fleet') ? rate.toFixed(0) : '-'}/s achieved during the fleet measurements (${failed} failed, driver lag max ${lagMax} ms); ${eventsSeen} kept in the renderer's heartbeat log`,
      `  idle page:   ${fmt(idle)} (baseline: no heartbeats, no scrolling; load average ${loadavg()[0]!.toFixed(1)} on ${cpus().length} CPUs)`,
      `  fleet view, watching:  ${fmt(fleetStatic)} -> ${verdict(fleetStatic)}`,
      `  fleet view, scrolling: ${fmt(fleet)} -> ${verdict(fleet)}`,
      `  fleet view, ${AGENTS} heartbeats/s generated in the page (socket event path): ${fmt(synthetic)} -> ${verdict(synthetic)}`,
      `  plots view, 5 uPlot charts refreshed every 2 s while ${AGENTS} agents beat over REST (${plotsRate.toFixed(0)}/s achieved): ${fmt(plots)} -> ${verdict(plots)}`,
      `  agent view:  ${lineCount.toLocaleString('en-US')} output lines (initial ${LINES.toLocaleString('en-US')} fed in ${feedMs} ms, then 1,000 lines/s, following): ${fmt(agent)} -> ${verdict(agent)}`,
      '',
    ].join('\n'),
  );
} finally {
  running = false;
  await browser.close();
  await core.stop();
  core.remove();
}
