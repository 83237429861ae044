import { useEffect, useMemo, useState } from 'react';
import { programOfAgent } from '../../../shared/agent-program';
import { useShallow } from 'zustand/react/shallow';
import type { HeartbeatEntry } from '../../../shared/ui-protocol';
import { HeartbeatChart } from '../components/heartbeat-chart';
import { OutputTail } from '../components/output-tail';
import { ProcessActions } from '../components/process-actions';
import { LivenessBadge, ProcessBadge, StatusBadge } from '../components/status-badges';
import { ageSince, formatAge, formatBytes, formatDateTime, formatTime } from '../format';
import { href } from '../route';
import { sendCommand } from '../store/socket';
import { loadOutput, useUi } from '../store/ui-store';
import { useNow } from '../use-now';

const WINDOWS = [5, 30, 120];
const EMPTY: never[] = [];

export function AgentView({ name }: { name: string }) {
  const agent = useUi((s) => s.agents[name]);
  const proc = useUi((s) => programOfAgent(name, agent?.pid, Object.values(s.processes ?? {})));
  const supervised = useUi((s) => s.processes !== null);
  const death = useUi((s) =>
    s.agentDeaths[name]?.pid === agent?.pid ? s.agentDeaths[name] : undefined,
  );
  const history = useUi((s) => s.processHistory[proc?.name ?? name] ?? EMPTY);
  // Only this agent's beats, compared item by item: other agents' heartbeats do not re-render.
  const live = useUi(useShallow((s) => s.heartbeats.filter((b) => b.instanceName === name)));
  const aliveSeconds = useUi((s) => s.config?.aliveSeconds ?? 300);
  const synced = useUi((s) => s.synced);
  const snapshots = useUi((s) => s.snapshotCount);
  const now = useNow();
  const [minutes, setMinutes] = useState(5);
  const windowMs = minutes * 60_000;
  const [older, setOlder] = useState<HeartbeatEntry[]>([]);
  const [outputNote, setOutputNote] = useState<string | null>(null);

  // History from the store once per (re)connection; live heartbeats come from events.
  useEffect(() => {
    if (!synced) return;
    let cancelled = false;
    void sendCommand('heartbeats.query', {
      instanceName: name,
      since: new Date(Date.now() - windowMs).toISOString(),
      limit: 5000,
    }).then((r) => {
      if (cancelled || !r.ok) return;
      const items = (
        r.data as {
          items: {
            instance_name: string;
            at: string;
            status: string;
            operational_state: string | null;
            source: 'rest' | 'stomp' | 'mcp';
          }[];
        }
      ).items;
      setOlder(
        items.map((h) => ({
          instanceName: h.instance_name,
          at: h.at,
          status: h.status,
          operationalState: h.operational_state,
          source: h.source,
        })),
      );
    });
    void sendCommand('output.tail', { target: name, lines: 5000 }).then((r) => {
      if (cancelled) return;
      if (r.ok) {
        loadOutput(name, (r.data as { lines: Parameters<typeof loadOutput>[1] }).lines);
        setOutputNote(null);
      } else setOutputNote(`Output is not available: ${r.error ?? 'unknown reason'}`);
    });
    return () => {
      cancelled = true;
    };
  }, [name, synced, snapshots, windowMs]);

  const beats = useMemo(() => {
    const seen = new Set(older.map((b) => b.at));
    return older.concat(live.filter((b) => !seen.has(b.at)));
  }, [older, live]);
  const agentLogs = useUi(
    useShallow((s) =>
      s.logs
        .filter((l) => l.instance_name === name)
        .slice(-50)
        .reverse(),
    ),
  );

  if (!agent && !proc)
    return (
      <section className="view">
        <p>
          <a href={href({ view: 'fleet' })}>← Fleet</a>
        </p>
        <h1>{name}</h1>
        <p className="empty">{synced ? 'No agent or program by this name.' : 'Loading…'}</p>
      </section>
    );

  const fields: [string, React.ReactNode][] = [
    ['Type', agent?.agent_type ?? 'program'],
    ['Process', <ProcessBadge key="p" state={proc?.state} />],
    [
      'Liveness',
      <span key="l">
        <LivenessBadge liveness={agent?.liveness} reason={death?.reason} />
        {death && <span data-testid="death-reason"> {death.reason}</span>}
      </span>,
    ],
    [
      'Last heartbeat',
      <span key="h" data-testid="agent-heartbeat-age">
        {ageSince(agent?.last_heartbeat, now)} ago
      </span>,
    ],
    ['Status', agent ? <StatusBadge key="s" status={agent.status} /> : '—'],
    ['Operational state', agent?.operational_state ?? '—'],
    ['PID', proc?.pid ?? agent?.pid ?? '—'],
    [
      'Uptime',
      proc?.state === 'RUNNING' && proc.startedAt
        ? formatAge(now - Date.parse(proc.startedAt))
        : '—',
    ],
    ['Restarts', proc?.restarts ?? '—'],
    ['CPU', proc?.cpuPercent != null ? `${proc.cpuPercent.toFixed(0)}%` : '—'],
    ['RSS', formatBytes(proc?.rssBytes)],
    ['Host', agent?.hostname ?? '—'],
    ['Namespace', agent?.namespace ?? '—'],
    ['STFs processed', agent?.total_stf_processed ?? '—'],
    ['Registered', formatDateTime(agent?.created_at)],
  ];

  return (
    <section className="view agent-view" aria-labelledby="agent-title">
      <header className="view-header">
        <a href={href({ view: 'fleet' })}>← Fleet</a>
        <h1 id="agent-title">{name}</h1>
        {agent?.description && <span className="muted">{agent.description}</span>}
        <span className="spacer" />
        <ProcessActions target={proc?.name ?? name} />
      </header>
      <div className="agent-grid">
        <div className="card">
          <h2>Fleet entry</h2>
          <dl className="fields">
            {fields.map(([k, v]) => (
              <div key={k}>
                <dt>{k}</dt>
                <dd>{v}</dd>
              </div>
            ))}
          </dl>
        </div>
        <div className="card">
          <h2>
            Heartbeats, last{' '}
            <select
              className="inline"
              aria-label="Chart window"
              value={minutes}
              onChange={(e) => setMinutes(Number(e.target.value))}
            >
              {WINDOWS.map((m) => (
                <option key={m} value={m}>
                  {m} minutes
                </option>
              ))}
            </select>{' '}
            <a className="small-link" href={href({ view: 'heartbeats', agent: name })}>
              log
            </a>
          </h2>
          <HeartbeatChart beats={beats} aliveSeconds={aliveSeconds} windowMs={windowMs} now={now} />
          <h2>Process history</h2>
          {!supervised ? (
            <p className="empty">
              This core has no supervisor: process history appears when it runs this agent.
            </p>
          ) : history.length === 0 ? (
            <p className="empty">No state changes since the UI connected.</p>
          ) : (
            <ol className="history">
              {history
                .slice()
                .reverse()
                .map((h, i) => (
                  <li key={i}>
                    <span className="ts">{formatTime(h.at)}</span>{' '}
                    <ProcessBadge state={h.state as never} />{' '}
                    <span className="muted">{h.detail}</span>
                  </li>
                ))}
            </ol>
          )}
        </div>
      </div>
      <div className="card grow">
        <h2>Output</h2>
        <OutputTail name={name} note={outputNote} />
      </div>
      <div className="card">
        <h2>Recent log records</h2>
        {agentLogs.length === 0 ? (
          <p className="empty">No log records from this agent.</p>
        ) : (
          <div className="agent-logs">
            <table className="dense">
              <tbody>
                {agentLogs.map((l) => (
                  <tr key={l.id}>
                    <td className="ts">{formatTime(l.timestamp)}</td>
                    <td>
                      <StatusBadge
                        status={
                          l.levelname === 'INFO'
                            ? 'OK'
                            : l.levelname === 'WARNING'
                              ? 'WARNING'
                              : l.levelname === 'DEBUG'
                                ? 'UNKNOWN'
                                : 'ERROR'
                        }
                      />{' '}
                      {l.levelname}
                    </td>
                    <td>{l.message}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </div>
    </section>
  );
}
