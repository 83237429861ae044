import { BrowseStatus, PAGE_SIZE, Pager, Section } from '../components/browse-controls';
import { formatDateTime } from '../format';
import { href } from '../route';
import { useBrowse } from '../store/browse-query';
import { useState } from 'react';

const STATUSES = ['pending', 'running', 'completed', 'failed', 'terminated'];

/** Workflow executions, newest first, paged in the store; one opens its detail. */
export function ExecutionsView({ id }: { id?: string }) {
  return id ? <ExecutionDetail id={id} /> : <ExecutionList />;
}

function ExecutionList() {
  const [offset, setOffset] = useState(0);
  const [status, setStatus] = useState('');
  const [executedBy, setExecutedBy] = useState('');
  const { data, error } = useBrowse(
    'browse.executions',
    { status: status || undefined, executedBy: executedBy || undefined, limit: PAGE_SIZE, offset },
    offset === 0 ? 3000 : 0,
  );
  return (
    <section className="view" aria-labelledby="executions-title">
      <header className="view-header">
        <h1 id="executions-title">Workflow executions</h1>
      </header>
      <div className="toolbar" role="search">
        <label>
          Status{' '}
          <select
            aria-label="Filter by status"
            value={status}
            onChange={(e) => {
              setStatus(e.target.value);
              setOffset(0);
            }}
          >
            <option value="">all</option>
            {STATUSES.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </label>
        <label>
          Executed by{' '}
          <input
            type="search"
            aria-label="Filter by executor"
            value={executedBy}
            onChange={(e) => {
              setExecutedBy(e.target.value);
              setOffset(0);
            }}
          />
        </label>
      </div>
      <Pager label="Executions" offset={offset} total={data?.total} onOffset={setOffset} />
      <BrowseStatus error={error} empty={data?.items.length === 0} />
      <div className="scroll">
        <table className="dense" aria-label="Workflow executions">
          <thead>
            <tr>
              <th>Execution</th>
              <th>Workflow</th>
              <th>Status</th>
              <th>Executed by</th>
              <th>Started</th>
              <th>Ended</th>
            </tr>
          </thead>
          <tbody>
            {data?.items.map((e) => (
              <tr key={e.execution_id} data-execution={e.execution_id}>
                <td>
                  <a href={href({ view: 'executions', id: e.execution_id })}>{e.execution_id}</a>
                </td>
                <td>{e.workflow_name ?? '—'}</td>
                <td>{e.status}</td>
                <td>{e.executed_by ?? '—'}</td>
                <td className="ts">{formatDateTime(e.start_time)}</td>
                <td className="ts">{formatDateTime(e.end_time)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function ExecutionDetail({ id }: { id: string }) {
  const { data, error } = useBrowse('browse.execution', { executionId: id }, 3000);
  const e = data?.execution;
  return (
    <section className="view" aria-labelledby="execution-title">
      <header className="view-header">
        <a className="small-link" href={href({ view: 'executions' })}>
          ← Executions
        </a>
        <h1 id="execution-title">Execution {id}</h1>
      </header>
      <BrowseStatus error={error} empty={false} />
      {e && data && (
        <>
          <Section title="Execution">
            <dl className="fields">
              <div>
                <dt>Workflow</dt>
                <dd>{e.workflow_name ?? '—'}</dd>
              </div>
              <div>
                <dt>Status</dt>
                <dd data-testid="execution-status">{e.status}</dd>
              </div>
              <div>
                <dt>Executed by</dt>
                <dd>{e.executed_by ?? '—'}</dd>
              </div>
              <div>
                <dt>Namespace</dt>
                <dd>{e.namespace ?? '—'}</dd>
              </div>
              <div>
                <dt>Started</dt>
                <dd>{formatDateTime(e.start_time)}</dd>
              </div>
              <div>
                <dt>Ended</dt>
                <dd>{formatDateTime(e.end_time)}</dd>
              </div>
            </dl>
          </Section>
          <Section title="Runs">
            {data.runNumbers.length === 0 && <p className="empty">No run yet.</p>}
            <ul className="link-list">
              {data.runNumbers.map((n) => (
                <li key={n} data-run={n}>
                  Run {n}:{' '}
                  <a href={href({ view: 'files', filter: { run: String(n) } })}>STF files</a>
                  {' · '}
                  <a href={href({ view: 'messages', filter: { run: String(n) } })}>messages</a>
                  {' · '}
                  <a href={href({ view: 'runs', run: n })}>progress</a>
                </li>
              ))}
            </ul>
          </Section>
          <Section title="Records">
            <ul className="link-list">
              <li>
                <a href={href({ view: 'messages', filter: { execution: id } })}>
                  {data.messageCount.toLocaleString()} workflow messages
                </a>
              </li>
              <li>
                <a href={href({ view: 'logs', filter: { execution: id } })}>
                  {data.logCount.toLocaleString()} log records
                </a>
              </li>
              {data.senders.map((s) => (
                <li key={s}>
                  <a href={href({ view: 'messages', filter: { execution: id, agent: s } })}>
                    messages from {s}
                  </a>
                </li>
              ))}
            </ul>
          </Section>
          <Section title="Parameters">
            <pre className="config">{JSON.stringify(e.parameter_values, null, 2)}</pre>
          </Section>
        </>
      )}
    </section>
  );
}
