import { retryNow } from '../store/socket';
import { useUi } from '../store/ui-store';
import { useNow } from '../use-now';

/** Says plainly when the UI is not looking at live data, and when it will try again. */
export function ConnectionBanner() {
  const connection = useUi((s) => s.connection);
  const reason = useUi((s) => s.lostReason);
  const retryAt = useUi((s) => s.retryAt);
  const attempt = useUi((s) => s.attempt);
  const synced = useUi((s) => s.synced);
  const snapshots = useUi((s) => s.snapshotCount);
  const now = useNow();
  if (connection === 'open' && synced) return null;
  if (connection !== 'lost' && snapshots === 0)
    return (
      <div className="banner info" role="status">
        Connecting to the core…
      </div>
    );
  if (connection !== 'lost')
    return (
      <div className="banner warn" role="status" data-testid="connection-banner">
        Reconnecting to the core{attempt > 0 ? ` (attempt ${attempt + 1})` : ''}…
      </div>
    );
  const wait = retryAt ? Math.max(0, Math.ceil((retryAt - now) / 1000)) : null;
  return (
    <div className="banner bad" role="alert" data-testid="connection-banner">
      <strong>Connection to the core lost</strong>
      <span>
        {reason ?? 'unknown reason'}. The data below is not live
        {wait !== null ? `; retrying in ${wait}s` : ''}.
      </span>
      {retryAt && (
        <button type="button" className="small" onClick={retryNow}>
          Retry now
        </button>
      )}
    </div>
  );
}
