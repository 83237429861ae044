import type { WorkflowMessage } from '../../../shared/ui-protocol';
import { STF_STAGE_OF } from '../../../shared/workflow-messages';
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

const TYPES = [
  'run_imminent',
  'start_run',
  ...Object.keys(STF_STAGE_OF),
  'pause_run',
  'resume_run',
  'end_run',
  'run_workflow',
  'stop_workflow',
];

/** The STF a message is about, when it names one. */
const stfOf = (m: WorkflowMessage): string | null => {
  if (
    !Object.hasOwn(STF_STAGE_OF, m.message_type) ||
    typeof m.message_content !== 'object' ||
    !m.message_content
  )
    return null;
  const c = m.message_content as Record<string, unknown>;
  const name = m.message_type === 'tf_file_registered' ? c.stf_filename : c.filename;
  return typeof name === 'string' ? name : null;
};

/** Every stored workflow message, filtered and paged in the store. */
export function MessagesView({ filter }: { filter: Record<string, string> }) {
  const offset = Number(filter.offset ?? 0) || 0;
  const apply = (key: string) => (value: string) =>
    setFilter('messages', withFilter(filter, key, value));
  const { data, error } = useBrowse(
    'browse.messages',
    {
      messageType: filter.type || undefined,
      sender: filter.agent || undefined,
      runId: filter.run || undefined,
      executionId: filter.execution || undefined,
      stfFilename: filter.stf || undefined,
      since: sinceLast(filter.last),
      limit: PAGE_SIZE,
      offset,
    },
    offset === 0 ? 3000 : 0,
  );
  return (
    <section className="view" aria-labelledby="messages-title">
      <header className="view-header">
        <h1 id="messages-title">Workflow messages</h1>
        <span className="summary" data-testid="messages-total">
          {data ? `${data.total.toLocaleString()} stored messages match` : ''}
        </span>
      </header>
      <div className="toolbar" role="search">
        <SelectFilter label="Type" value={filter.type} options={TYPES} onApply={apply('type')} />
        <TextFilter label="Agent" value={filter.agent} onApply={apply('agent')} />
        <TextFilter label="Run" value={filter.run} onApply={apply('run')} />
        <TextFilter label="Execution" value={filter.execution} onApply={apply('execution')} />
        <TextFilter label="STF file" value={filter.stf} onApply={apply('stf')} />
        <SelectFilter
          label="Time"
          value={filter.last}
          options={TIME_WINDOWS}
          onApply={apply('last')}
        />
      </div>
      <Pager
        label="Messages"
        offset={offset}
        total={data?.total}
        onOffset={(o) => setFilter('messages', { ...filter, offset: String(o) })}
      />
      <BrowseStatus error={error} empty={data?.items.length === 0} />
      <div className="scroll">
        <table className="dense" aria-label="Workflow messages">
          <thead>
            <tr>
              <th>Sent</th>
              <th>Type</th>
              <th>Sender</th>
              <th>Run</th>
              <th>Execution</th>
              <th>STF file</th>
              <th>Content</th>
            </tr>
          </thead>
          <tbody>
            {data?.items.map((m) => {
              const stf = stfOf(m);
              const body = JSON.stringify(m.message_content);
              return (
                <tr key={m.id} data-message-type={m.message_type}>
                  <td className="ts">{formatDateTime(m.sent_at)}</td>
                  <td>{m.message_type}</td>
                  <td>
                    {m.sender_agent ? (
                      <a href={href({ view: 'messages', filter: { agent: m.sender_agent } })}>
                        {m.sender_agent}
                      </a>
                    ) : (
                      '—'
                    )}
                  </td>
                  <td>
                    {m.run_id ? (
                      <a href={href({ view: 'files', filter: { run: m.run_id } })}>{m.run_id}</a>
                    ) : (
                      '—'
                    )}
                  </td>
                  <td className="truncate" title={m.execution_id ?? undefined}>
                    {m.execution_id ? (
                      <a href={href({ view: 'executions', id: m.execution_id })}>
                        {m.execution_id}
                      </a>
                    ) : (
                      '—'
                    )}
                  </td>
                  <td>
                    {stf ? (
                      <a href={href({ view: 'files', filter: { stf } })} data-stf-link={stf}>
                        {stf}
                      </a>
                    ) : (
                      '—'
                    )}
                  </td>
                  <td className="truncate mono" title={body}>
                    {body}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </section>
  );
}
