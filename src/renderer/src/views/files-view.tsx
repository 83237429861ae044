import {
  BrowseStatus,
  PAGE_SIZE,
  Pager,
  Section,
  SelectFilter,
  setFilter,
  TextFilter,
  withFilter,
} from '../components/browse-controls';
import { formatBytes, formatDateTime } from '../format';
import { href } from '../route';
import { useBrowse } from '../store/browse-query';

const STATUSES = ['registered', 'processing', 'processed', 'failed', 'done'];

/**
 * STF files (by run, status, name) and the TF samples fast monitoring made from them; with one
 * STF chosen, its TF slices too. Each STF links to its messages.
 */
export function FilesView({ filter }: { filter: Record<string, string> }) {
  const offset = Number(filter.offset ?? 0) || 0;
  const tfOffset = Number(filter.tfOffset ?? 0) || 0;
  const apply = (key: string) => (value: string) => {
    const next = withFilter(filter, key, value);
    delete next.tfOffset;
    setFilter('files', next);
  };
  const runNumber = filter.run && /^\d+$/.test(filter.run) ? Number(filter.run) : undefined;
  const stf = filter.stf || undefined;
  const files = useBrowse(
    'browse.stfFiles',
    { runNumber, status: filter.status || undefined, stfFilename: stf, limit: PAGE_SIZE, offset },
    offset === 0 ? 3000 : 0,
  );
  const samples = useBrowse(
    'browse.tfSamples',
    { stfFilename: stf, limit: PAGE_SIZE, offset: tfOffset },
    tfOffset === 0 ? 3000 : 0,
  );
  // The run narrows the message search to the run's index instead of every stored message.
  const stfRun = stf ? files.data?.items[0]?.run_number : undefined;
  const messagesOf = (name: string, run: number | null | undefined) =>
    href({
      view: 'messages',
      filter: run === null || run === undefined ? { stf: name } : { stf: name, run: String(run) },
    });
  const slices = useBrowse(
    'browse.tfSlices',
    stf ? { stfFilename: stf, limit: 200, offset: 0 } : null,
    3000,
  );
  return (
    <section className="view" aria-labelledby="files-title">
      <header className="view-header">
        <h1 id="files-title">STF files and TF samples</h1>
        {stf && (
          <a className="small-link" href={messagesOf(stf, stfRun)} data-testid="stf-messages-link">
            Messages about {stf}
          </a>
        )}
      </header>
      <div className="toolbar" role="search">
        <TextFilter label="Run" value={filter.run} onApply={apply('run')} />
        <SelectFilter
          label="Status"
          value={filter.status}
          options={STATUSES}
          onApply={apply('status')}
        />
        <TextFilter label="STF file" value={filter.stf} onApply={apply('stf')} />
      </div>
      <Section title="STF files">
        <Pager
          label="STF files"
          offset={offset}
          total={files.data?.total}
          onOffset={(o) => setFilter('files', { ...filter, offset: String(o) })}
        />
        <BrowseStatus error={files.error} empty={files.data?.items.length === 0} />
        <table className="dense" aria-label="STF files">
          <thead>
            <tr>
              <th>File</th>
              <th>Run</th>
              <th>Status</th>
              <th>Size</th>
              <th>Machine state</th>
              <th>Created</th>
              <th>Messages</th>
            </tr>
          </thead>
          <tbody>
            {files.data?.items.map((f) => (
              <tr key={f.file_id} data-stf={f.stf_filename}>
                <td>
                  <a href={href({ view: 'files', filter: { stf: f.stf_filename } })}>
                    {f.stf_filename}
                  </a>
                </td>
                <td>{f.run_number ?? '—'}</td>
                <td>{f.status}</td>
                <td>{formatBytes(f.file_size_bytes)}</td>
                <td>{f.machine_state ?? '—'}</td>
                <td className="ts">{formatDateTime(f.created_at)}</td>
                <td>
                  <a href={messagesOf(f.stf_filename, f.run_number)}>messages</a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </Section>
      <Section title="TF samples">
        <Pager
          label="TF samples"
          offset={tfOffset}
          total={samples.data?.total}
          onOffset={(o) => setFilter('files', { ...filter, tfOffset: String(o) })}
        />
        <BrowseStatus error={samples.error} empty={samples.data?.items.length === 0} />
        <table className="dense" aria-label="TF samples">
          <thead>
            <tr>
              <th>TF file</th>
              <th>From STF</th>
              <th>Status</th>
              <th>TFs</th>
              <th>Size</th>
              <th>Created</th>
            </tr>
          </thead>
          <tbody>
            {samples.data?.items.map((t) => (
              <tr key={t.tf_file_id}>
                <td>{t.tf_filename}</td>
                <td>
                  <a href={href({ view: 'files', filter: { stf: t.stf_file } })}>{t.stf_file}</a>
                </td>
                <td>{t.status}</td>
                <td>
                  {t.tf_count ?? '—'}
                  {t.tf_first !== null && t.tf_last !== null ? ` (${t.tf_first}–${t.tf_last})` : ''}
                </td>
                <td>{formatBytes(t.file_size_bytes)}</td>
                <td className="ts">{formatDateTime(t.created_at)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Section>
      {stf && (
        <Section title="TF slices">
          <BrowseStatus error={slices.error} empty={slices.data?.items.length === 0} />
          <table className="dense" aria-label="TF slices">
            <thead>
              <tr>
                <th>TF file</th>
                <th>Slice</th>
                <th>TFs</th>
                <th>Status</th>
                <th>Worker</th>
                <th>Completed</th>
              </tr>
            </thead>
            <tbody>
              {slices.data?.items.map((s) => (
                <tr key={s.id}>
                  <td>{s.tf_filename ?? '—'}</td>
                  <td>{s.slice_id}</td>
                  <td>
                    {s.tf_first ?? '?'}–{s.tf_last ?? '?'}
                  </td>
                  <td>{s.status}</td>
                  <td>{s.assigned_worker ?? '—'}</td>
                  <td className="ts">{formatDateTime(s.completed_at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </Section>
      )}
    </section>
  );
}
