import { useMemo, useRef, useState } from 'react';
import { StatusBadge } from '../components/status-badges';
import { formatTime } from '../format';
import { href } from '../route';
import { useUi } from '../store/ui-store';
import { useFixedRows } from '../use-fixed-rows';

const COLUMNS = '110px minmax(200px,2fr) minmax(120px,1fr) 100px 130px 80px';

/** The live heartbeat log across the fleet, newest first. */
export function HeartbeatsView({ agent: initialAgent }: { agent?: string }) {
  const heartbeats = useUi((s) => s.heartbeats);
  const agents = useUi((s) => s.agents);
  const [agent, setAgent] = useState(initialAgent ?? '');
  const [type, setType] = useState('');
  const [status, setStatus] = useState('');
  const types = useMemo(
    () => [...new Set(Object.values(agents).map((a) => a.agent_type))].sort(),
    [agents],
  );
  const rows = useMemo(() => {
    const q = agent.trim().toLowerCase();
    const out = [];
    for (let i = heartbeats.length - 1; i >= 0; i--) {
      const h = heartbeats[i]!;
      if (q && !h.instanceName.toLowerCase().includes(q)) continue;
      if (status && h.status !== status) continue;
      if (type && agents[h.instanceName]?.agent_type !== type) continue;
      out.push(h);
    }
    return out;
  }, [heartbeats, agents, agent, type, status]);
  const scrollRef = useRef<HTMLDivElement>(null);
  const { first, last, total } = useFixedRows(scrollRef, rows.length, 28);
  return (
    <section className="view" aria-labelledby="hb-title">
      <header className="view-header">
        <h1 id="hb-title">Heartbeats</h1>
        <span className="summary" data-testid="heartbeat-count">
          {rows.length} of the last {heartbeats.length} heartbeats
        </span>
      </header>
      <div className="toolbar" role="search">
        <input
          type="search"
          placeholder="Agent…"
          aria-label="Filter by agent"
          value={agent}
          onChange={(e) => setAgent(e.target.value)}
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
          Status{' '}
          <select
            value={status}
            onChange={(e) => setStatus(e.target.value)}
            aria-label="Filter by status"
          >
            <option value="">all</option>
            {['OK', 'WARNING', 'ERROR', 'EXITED', 'UNKNOWN'].map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </label>
      </div>
      <div className="grid-table" role="table" aria-label="Heartbeats">
        <div className="grid-row head" role="row" style={{ gridTemplateColumns: COLUMNS }}>
          {['Time', 'Agent', 'Type', 'Status', 'State', 'Via'].map((h) => (
            <div key={h} role="columnheader">
              {h}
            </div>
          ))}
        </div>
        <div className="grid-body" ref={scrollRef}>
          {rows.length === 0 && <p className="empty">No heartbeats match.</p>}
          <div style={{ height: total, position: 'relative' }}>
            {rows.slice(first, last).map((h, k) => {
              const index = first + k;
              return (
                <div
                  key={`${h.instanceName}@${h.at}`}
                  className="virtual-row"
                  style={{ transform: `translateY(${index * 28}px)`, height: 28 }}
                >
                  <div
                    className="grid-row"
                    role="row"
                    style={{ gridTemplateColumns: COLUMNS }}
                    data-hb-agent={h.instanceName}
                  >
                    <div role="cell" className="ts">
                      {formatTime(h.at)}
                    </div>
                    <div role="cell">
                      <a href={href({ view: 'agent', name: h.instanceName })}>{h.instanceName}</a>
                    </div>
                    <div role="cell">{agents[h.instanceName]?.agent_type ?? '—'}</div>
                    <div role="cell">
                      <StatusBadge status={h.status} />
                    </div>
                    <div role="cell">{h.operationalState ?? '—'}</div>
                    <div role="cell">{h.source}</div>
                  </div>
                </div>
              );
            })}
          </div>
        </div>
      </div>
    </section>
  );
}
