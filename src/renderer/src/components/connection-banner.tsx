import { useState } from 'react';
import { retryNow, connectWithToken } from '../store/socket';
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
  const tokenRefused = useUi((s) => s.tokenRefused);
  const now = useNow();
  if (tokenRefused) return <TokenPrompt reason={reason} />;
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

/** The core refused the token: paste the right one and connect, no reload. */
function TokenPrompt({ reason }: { reason: string | null }) {
  const [token, setToken] = useState('');
  return (
    <form
      className="banner bad"
      role="alert"
      data-testid="token-prompt"
      onSubmit={(e) => {
        e.preventDefault();
        if (token.trim()) connectWithToken(token);
      }}
    >
      <strong>Not connected</strong>
      <span>{reason ?? 'the core refused the token'}.</span>
      <label>
        Token{' '}
        <input
          type="password"
          value={token}
          autoComplete="off"
          aria-label="API token"
          onChange={(e) => setToken(e.target.value)}
        />
      </label>
      <button type="submit" className="small" disabled={!token.trim()}>
        Connect
      </button>
    </form>
  );
}
