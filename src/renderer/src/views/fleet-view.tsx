import { memo, useMemo, useRef, useState } from 'react';
import type { FleetAgent, ProcessInfo } from '../../../shared/ui-protocol';
import { FleetActions, ProcessActions } from '../components/process-actions';
import { LivenessBadge, ProcessBadge, StatusBadge } from '../components/status-badges';
import { ageSince, formatAge, formatBytes } from '../format';
import { href } from '../route';
import { type AgentDeath, isLiveAgent } from '../store/record-updates';
import { useUi } from '../store/ui-store';
import { useFixedRows } from '../use-fixed-rows';
import { useNow } from '../use-now';

export interface FleetRow {
  name: string;
  type: string;
  agent?: FleetAgent;
  proc?: ProcessInfo;
  death?: AgentDeath;
}

type Item = { kind: 'group'; type: string; count: number } | { kind: 'row'; row: FleetRow };

/**
 * Agents that heartbeat and programs the supervisor runs are one list: a program joins the agent
 * whose heartbeat reports its pid (agents name themselves `<type>-agent-<user>-<N>`, programs are
 * named in the fleet file), else the agent of the same name, else it is a row of its own.
 */
export function fleetRows(
  agents: Record<string, FleetAgent>,
  processes: Record<string, ProcessInfo> | null,
): FleetRow[] {
  const rows = new Map<string, FleetRow>();
  const byPid = new Map<number, FleetRow>();
  for (const agent of Object.values(agents)) {
    const row: FleetRow = { name: agent.instance_name, type: agent.agent_type, agent };
    rows.set(agent.instance_name, row);
    if (agent.pid && agent.status !== 'EXITED') byPid.set(agent.pid, row);
  }
  for (const proc of Object.values(processes ?? {})) {
    const row = (proc.pid ? byPid.get(proc.pid) : undefined) ?? rows.get(proc.name);
    if (row) row.proc = proc;
    else rows.set(proc.name, { name: proc.name, type: 'program', proc });
  }
  return [...rows.values()];
}

/** An agent that said goodbye, unless a supervised program is behind the row (it can be started again). */
const isExited = (r: FleetRow) =>
  !r.proc && (r.agent?.status === 'EXITED' || r.agent?.operational_state === 'EXITED');

const COLUMNS =
  'minmax(140px,2fr) minmax(80px,1fr) 84px 72px 76px 70px 84px 56px 64px 64px 46px 66px minmax(196px,2fr)';

export function FleetView() {
  const agents = useUi((s) => s.agents);
  const processes = useUi((s) => s.processes);
  const deaths = useUi((s) => s.agentDeaths);
  const [search, setSearch] = useState('');
  const [type, setType] = useState('');
  const [liveness, setLiveness] = useState('');
  const [showExited, setShowExited] = useState(false);
  const [group, setGroup] = useState(false);

  const fleetVersion = useUi((s) => s.fleetVersion);

  // The order depends only on names and types, so it is rebuilt when the membership changes,
  // not on every heartbeat (1,000 a second must not mean 1,000 sorts a second).
  const order = useMemo(() => {
    const { agents: a, processes: p } = useUi.getState();
    const rows = fleetRows(a, p).map((r) => ({
      name: r.name,
      type: r.type,
      procName: r.proc?.name,
    }));
    const cmp = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
    rows.sort((x, y) => (group ? cmp(x.type, y.type) : 0) || cmp(x.name, y.name));
    return rows;
    // fleetVersion is the signal that names or types changed.
  }, [fleetVersion, group]);
  const types = useMemo(() => [...new Set(order.map((r) => r.type))].sort(), [order]);

  const { items, shown, alive, hiddenExited } = useMemo(() => {
    const q = search.trim().toLowerCase();
    const out: Item[] = [];
    const counts = new Map<string, number>();
    let shownCount = 0;
    let aliveCount = 0;
    let exited = 0;
    const rows: FleetRow[] = [];
    for (const { name, type: rowType, procName } of order) {
      const agent = agents[name];
      const candidate = processes?.[procName ?? name];
      // The join was made by pid: a program now running another pid belongs to another agent.
      const stale =
        candidate &&
        candidate.name !== name &&
        candidate.pid !== null &&
        agent?.pid &&
        candidate.pid !== agent.pid;
      const proc = stale ? undefined : candidate;
      const death = deaths[name]?.pid === agent?.pid ? deaths[name] : undefined;
      const row: FleetRow = { name, type: rowType, agent, proc, death };
      if (isLiveAgent(agent, death)) aliveCount++;
      if (isExited(row)) {
        exited++;
        if (!showExited) continue;
      }
      if (type && rowType !== type) continue;
      if (liveness && agent?.liveness !== liveness) continue;
      if (
        q &&
        !name.toLowerCase().includes(q) &&
        !rowType.toLowerCase().includes(q) &&
        !(agent?.description ?? '').toLowerCase().includes(q)
      )
        continue;
      rows.push(row);
      counts.set(rowType, (counts.get(rowType) ?? 0) + 1);
    }
    let current: string | undefined;
    for (const row of rows) {
      if (group && row.type !== current) {
        current = row.type;
        out.push({ kind: 'group', type: row.type, count: counts.get(row.type) ?? 0 });
      }
      out.push({ kind: 'row', row });
      shownCount++;
    }
    return {
      items: out,
      shown: shownCount,
      alive: aliveCount,
      hiddenExited: showExited ? 0 : exited,
    };
  }, [order, agents, processes, deaths, search, type, liveness, showExited, group]);

  const scrollRef = useRef<HTMLDivElement>(null);
  // Fixed-height rows: windowing is arithmetic and scroll updates are ordinary batched renders.
  const ROW = 32;
  const { first, last, total } = useFixedRows(scrollRef, items.length, ROW, 4);

  return (
    <section className="view fleet-view" aria-labelledby="fleet-title">
      <header className="view-header">
        <h1 id="fleet-title">Fleet</h1>
        <span className="summary" data-testid="fleet-summary">
          {shown} shown · {alive} alive · {order.length} known
          {hiddenExited ? ` · ${hiddenExited} EXITED hidden` : ''}
        </span>
        <span className="spacer" />
        <FleetActions />
      </header>
      <div className="toolbar" role="search">
        <input
          type="search"
          placeholder="Search agents…"
          aria-label="Search agents"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
        />
        <label>
          Type{' '}
          <select
            value={type}
            onChange={(e) => setType(e.target.value)}
            aria-label="Filter by type"
          >
            <option value="">all</option>
            {types.map((t) => (
              <option key={t}>{t}</option>
            ))}
          </select>
        </label>
        <label>
          Liveness{' '}
          <select
            value={liveness}
            onChange={(e) => setLiveness(e.target.value)}
            aria-label="Filter by liveness"
          >
            <option value="">all</option>
            <option value="alive">alive</option>
            <option value="dead">dead</option>
          </select>
        </label>
        <label className="check">
          <input type="checkbox" checked={group} onChange={(e) => setGroup(e.target.checked)} />
          Group by type
        </label>
        <label className="check">
          <input
            type="checkbox"
            checked={showExited}
            onChange={(e) => setShowExited(e.target.checked)}
          />
          Show EXITED
        </label>
      </div>
      <div className="grid-table" role="table" aria-label="Agents" aria-rowcount={items.length}>
        <div className="grid-row head" role="row" style={{ gridTemplateColumns: COLUMNS }}>
          {[
            'Agent',
            'Type',
            'Process',
            'Liveness',
            'Heartbeat',
            'Status',
            'State',
            'PID',
            'Uptime',
            'Restarts',
            'CPU',
            'RSS',
            'Actions',
          ].map((h) => (
            <div key={h} role="columnheader">
              {h}
            </div>
          ))}
        </div>
        <div className="grid-body" ref={scrollRef}>
          {items.length === 0 && (
            <p className="empty">
              {order.length === 0
                ? 'No agents yet. Agents appear here when they send their first heartbeat.'
                : 'No agent matches the filters.'}
            </p>
          )}
          <div style={{ height: total, position: 'relative' }}>
            {items.slice(first, last).map((item, k) => {
              const index = first + k;
              return (
                <div
                  key={item.kind === 'row' ? item.row.name : `g:${item.type}`}
                  className="virtual-row"
                  style={{ transform: `translateY(${index * ROW}px)`, height: ROW }}
                >
                  {item.kind === 'group' ? (
                    <div className="grid-row group" role="row">
                      <div role="cell">
                        {item.type} <span className="muted">({item.count})</span>
                      </div>
                    </div>
                  ) : (
                    <FleetRowView
                      name={item.row.name}
                      type={item.row.type}
                      agent={item.row.agent}
                      proc={item.row.proc}
                      death={item.row.death}
                    />
                  )}
                </div>
              );
            })}
          </div>
        </div>
      </div>
    </section>
  );
}

// Props are the agent and process objects themselves, so a row re-renders only when its own
// data changed (or the one-second clock ticked), not when any other agent heartbeats.
const FleetRowView = memo(function FleetRowView({ name, type, agent, proc, death }: FleetRow) {
  const now = useNow();
  const row = { name, type };
  const uptime =
    proc?.state === 'RUNNING' && proc.startedAt ? formatAge(now - Date.parse(proc.startedAt)) : '—';
  return (
    <div
      className={`grid-row${agent?.liveness === 'dead' ? ' dead' : ''}`}
      role="row"
      data-agent={row.name}
      style={{ gridTemplateColumns: COLUMNS }}
    >
      <div role="cell" className="name">
        <a href={href({ view: 'agent', name: row.name })}>{row.name}</a>
      </div>
      <div role="cell">{row.type}</div>
      <div role="cell">
        <ProcessBadge state={proc?.state} />
      </div>
      <div role="cell">
        <LivenessBadge liveness={agent?.liveness} reason={death?.reason} />
      </div>
      <div role="cell" className="num" data-testid="heartbeat-age">
        {ageSince(agent?.last_heartbeat, now)}
      </div>
      <div role="cell" data-testid="agent-status">
        {death ? (
          <span className="badge bad" title={death.reason}>
            DIED
          </span>
        ) : agent ? (
          <StatusBadge status={agent.status} />
        ) : (
          '—'
        )}
      </div>
      <div role="cell">{agent?.operational_state ?? '—'}</div>
      <div role="cell" className="num">
        {proc?.pid ?? agent?.pid ?? '—'}
      </div>
      <div role="cell" className="num">
        {uptime}
      </div>
      <div role="cell" className="num">
        {proc?.restarts ?? '—'}
      </div>
      <div role="cell" className="num">
        {proc?.cpuPercent === null || proc?.cpuPercent === undefined
          ? '—'
          : `${proc.cpuPercent.toFixed(0)}%`}
      </div>
      <div role="cell" className="num">
        {formatBytes(proc?.rssBytes)}
      </div>
      <div role="cell">
        <ProcessActions target={proc?.name ?? row.name} compact />
      </div>
    </div>
  );
});
