import { StatusBadge } from '../components/status-badges';
import {
  BrowseStatus,
  PAGE_SIZE,
  Pager,
  SelectFilter,
  setFilter,
  TextFilter,
  TIME_WINDOWS,
  withFilter,
} from '../components/browse-controls';
import { formatDateTime } from '../format';
import { href } from '../route';
import { sinceLast, useBrowse } from '../store/browse-query';

const LEVELS: [string, string][] = [
  ['10', 'DEBUG and above'],
  ['20', 'INFO and above'],
  ['30', 'WARNING and above'],
  ['40', 'ERROR and above'],
  ['50', 'CRITICAL'],
];

/** The agents' app logs (the REST log handler's records), filtered and paged in the store. */
export function LogsView({ filter }: { filter: Record<string, string> }) {
  const offset = Number(filter.offset ?? 0) || 0;
  const apply = (key: string) => (value: string) =>
    setFilter('logs', withFilter(filter, key, value));
  const { data, error } = useBrowse(
    'browse.logs',
    {
      instanceName: filter.agent || undefined,
      appName: filter.app || undefined,
      minLevel: filter.level ? Number(filter.level) : undefined,
      executionId: filter.execution || undefined,
      since: sinceLast(filter.last),
      limit: PAGE_SIZE,
      offset,
    },
    offset === 0 ? 3000 : 0,
  );
  return (
    <section className="view" aria-labelledby="logs-title">
      <header className="view-header">
        <h1 id="logs-title">App logs</h1>
        <span className="summary" data-testid="logs-total">
          {data ? `${data.total.toLocaleString()} stored records match` : ''}
        </span>
      </header>
      <div className="toolbar" role="search">
        <SelectFilter
          label="Level"
          value={filter.level}
          options={LEVELS}
          onApply={apply('level')}
        />
        <TextFilter label="Agent" value={filter.agent} onApply={apply('agent')} />
        <TextFilter label="App" value={filter.app} onApply={apply('app')} />
        <TextFilter label="Execution" value={filter.execution} onApply={apply('execution')} />
        <SelectFilter
          label="Time"
          value={filter.last}
          options={TIME_WINDOWS}
          onApply={apply('last')}
        />
      </div>
      <Pager
        label="Logs"
        offset={offset}
        total={data?.total}
        onOffset={(o) => setFilter('logs', { ...filter, offset: String(o) })}
      />
      <BrowseStatus error={error} empty={data?.items.length === 0} />
      <div className="scroll">
        <table className="dense" aria-label="App logs">
          <thead>
            <tr>
              <th>Time</th>
              <th>Level</th>
              <th>Agent</th>
              <th>App</th>
              <th>Message</th>
              <th>Where</th>
            </tr>
          </thead>
          <tbody>
            {data?.items.map((l) => (
              <tr key={l.id} data-level={l.levelname}>
                <td className="ts">{formatDateTime(l.timestamp)}</td>
                <td>
                  <StatusBadge status={l.levelname} />
                </td>
                <td>
                  <a href={href({ view: 'agent', name: l.instance_name })}>{l.instance_name}</a>
                </td>
                <td>{l.app_name}</td>
                <td className="truncate" title={l.message}>
                  {l.message}
                </td>
                <td className="muted">
                  {l.module}
                  {l.lineno ? `:${l.lineno}` : ''}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
