import { parseArgs } from 'node:util';
import { type CcStatus, ccStatusSchema } from '../../shared/cc-status.js';
import { dataDirFrom, fail } from './common.js';
import { findCore } from './core-api.js';

/** e.g. `broker: external connected stomp+ssl://mq.example:61612 (subscribed to /topic/epictopic)` */
function formatBrokerLine(b: CcStatus['broker']): string {
  return `broker: ${b.mode} ${b.state}${b.url ? ` ${b.url}` : ''}${b.detail ? ` (${b.detail})` : ''}`;
}

function formatRecorderLine(r: CcStatus['recorder']): string {
  const problems = Object.entries(r.problems);
  const total = problems.reduce((n, [, c]) => n + c, 0);
  const list = problems.map(([k, c]) => `${k} ${c}`).join(', ');
  return `recorder: ${r.stored} messages stored, ${r.heartbeats} STOMP heartbeats, ${total} problems${total ? ` (${list})` : ''}`;
}

/** e.g. `execution: stf_datataking-alice-0003 running for 42s, run 100003 run/physics, 12 STFs generated, 11 processed` */
function formatExecutionLines(executions: CcStatus['executions']): string {
  if (executions.length === 0) return 'execution: none running';
  return executions
    .map((e) => {
      const since = ago(e.start_time).replace(' ago', '');
      const r = e.run;
      const run = r
        ? `, run ${r.runNumber} ${r.state || '-'}/${r.substate || '-'}, ${r.stf.generated} STFs generated, ${r.stf.processed} processed`
        : '';
      return `execution: ${e.execution_id} running for ${since}${run}`;
    })
    .join('\n');
}

function ago(iso: string | null): string {
  if (!iso) return 'never';
  const s = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
  return s < 120
    ? `${s}s ago`
    : s < 7200
      ? `${Math.round(s / 60)}m ago`
      : `${Math.round(s / 3600)}h ago`;
}

export function formatTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

export async function status(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: { 'data-dir': { type: 'string' }, all: { type: 'boolean' } },
  });
  const core = findCore(dataDirFrom(values['data-dir']));
  const res = await core.request(`api/cc/status/${values.all ? '?all=true' : ''}`);
  if (!res.ok) fail(`the core at ${core.url} answered ${res.status}`);
  const parsed = ccStatusSchema.safeParse(await res.json());
  if (!parsed.success)
    fail(
      `the core at ${core.url} answered a status this version does not read: ${parsed.error.message}`,
    );
  const body = parsed.data;
  process.stdout.write(`${formatBrokerLine(body.broker)}\n`);
  process.stdout.write(`${formatRecorderLine(body.recorder)}\n`);
  process.stdout.write(`${formatExecutionLines(body.executions)}\n`);
  const rows = body.agents.map((a) => [
    a.instance_name,
    a.agent_type,
    a.status,
    a.operational_state,
    a.liveness,
    ago(a.last_heartbeat),
    a.pid === null ? '-' : String(a.pid),
  ]);
  process.stdout.write(
    `${formatTable(['AGENT', 'TYPE', 'STATUS', 'STATE', 'LIVENESS', 'HEARTBEAT', 'PID'], rows)}\n`,
  );
  if (rows.length === 0) process.stdout.write('(no agents)\n');
  const procs = body.processes;
  if (procs.length) {
    const prow = procs.map((p) => [
      p.name,
      p.state,
      p.pid === null ? '-' : String(p.pid),
      p.uptimeSeconds === null
        ? '-'
        : ago(new Date(Date.now() - p.uptimeSeconds * 1000).toISOString()).replace(' ago', ''),
      p.cpuPercent === null ? '-' : `${p.cpuPercent.toFixed(1)}%`,
      p.rssBytes === null ? '-' : `${(p.rssBytes / 1024 / 1024).toFixed(1)} MB`,
      p.reason ?? '',
    ]);
    process.stdout.write(
      `\n${formatTable(['PROCESS', 'STATE', 'PID', 'UPTIME', 'CPU', 'RSS', 'INFO'], prow)}\n`,
    );
  }
}
