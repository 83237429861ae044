import { useEffect, useState } from 'react';
import { mcpClientConfigs } from '../../../shared/mcp-client-configs';
import type { McpActivity } from '../../../shared/ui-protocol';
import { resolveConnection } from '../connection';
import { formatTime } from '../format';
import { copyText } from '../platform';
import { sendCommand } from '../store/socket';
import { pushToast, useUi } from '../store/ui-store';

const MASK = '••••••••••••';

export function McpView() {
  const url = useUi((s) => s.config?.mcpUrl ?? 'http://127.0.0.1:8002/mcp');
  const bridge = useUi((s) => s.config?.mcpBridge) ?? {
    command: 'node',
    args: ['bin/swf-control-center.js', 'mcp'],
    env: {},
  };
  const clients = useUi((s) => s.mcpClients);
  const activity = useUi((s) => s.mcpActivity);
  const synced = useUi((s) => s.synced);
  const [revealed, setRevealed] = useState(false);
  const [history, setHistory] = useState<McpActivity[]>([]);
  const [note, setNote] = useState<string | null>(null);
  const { token } = resolveConnection();

  useEffect(() => {
    if (!synced) return;
    void sendCommand('mcp.audit', { limit: 200 }).then((r) => {
      if (r.ok) setHistory((r.data as { items: McpActivity[] }).items);
      else setNote(r.error ?? 'unavailable');
    });
    void sendCommand('mcp.clients', {}).then((r) => {
      if (r.ok)
        useUi.setState({
          mcpClients: (r.data as { clients: NonNullable<typeof clients> }).clients,
        });
    });
  }, [synced]);

  const shown = mcpClientConfigs({ url, token: revealed ? token : MASK, bridge });
  const real = mcpClientConfigs({ url, token, bridge });
  const audit = history.concat(activity).slice(-500).reverse();
  return (
    <section className="view" aria-labelledby="mcp-title">
      <header className="view-header">
        <h1 id="mcp-title">MCP</h1>
        <span className="muted">
          Endpoint <code>{url}</code>
        </span>
        <span className="spacer" />
        <button type="button" aria-pressed={revealed} onClick={() => setRevealed((r) => !r)}>
          {revealed ? 'Hide token' : 'Reveal token'}
        </button>
      </header>
      <div className="mcp-configs">
        {shown.map((c, i) => (
          <div className="card" key={c.id}>
            <h2>{c.title}</h2>
            <div className="muted">{c.where}</div>
            <pre className="config" data-testid={`mcp-config-${c.id}`}>
              {c.text}
            </pre>
            <button
              type="button"
              className="small"
              onClick={() =>
                void copyText(real[i]!.text).then(
                  () =>
                    pushToast(
                      'info',
                      'Copied',
                      `${c.title} configuration copied to the clipboard.`,
                    ),
                  (err: unknown) => pushToast('error', 'Copy failed', (err as Error).message),
                )
              }
            >
              Copy
            </button>
          </div>
        ))}
      </div>
      <div className="card">
        <h2>Connected clients</h2>
        {clients === null ? (
          <p className="empty">Not reported by this core yet.</p>
        ) : clients.length === 0 ? (
          <p className="empty">No MCP client is connected.</p>
        ) : (
          <table className="dense">
            <tbody>
              {clients.map((c) => (
                <tr key={c.id}>
                  <td>{c.name}</td>
                  <td>{c.transport}</td>
                  <td>since {formatTime(c.since)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
      <div className="card grow">
        <h2>Tool calls</h2>
        {note && audit.length === 0 && (
          <p className="empty" role="status">
            Audit history: {note}
          </p>
        )}
        {audit.length === 0 ? (
          <p className="empty">No tool calls yet.</p>
        ) : (
          <div className="scroll">
            <table className="dense">
              <thead>
                <tr>
                  <th>Time</th>
                  <th>Client</th>
                  <th>Tool</th>
                  <th>Arguments</th>
                  <th>Outcome</th>
                </tr>
              </thead>
              <tbody>
                {audit.map((a, i) => (
                  <tr key={i}>
                    <td className="ts">{formatTime(a.at)}</td>
                    <td>{a.clientName ?? a.transport}</td>
                    <td className="mono">{a.tool}</td>
                    <td className="mono truncate">
                      {a.arguments === undefined ? '' : JSON.stringify(a.arguments)}
                    </td>
                    <td className={a.outcome === 'ok' ? '' : 'bad-text'}>
                      {a.outcome === 'ok' ? 'ok' : `error: ${a.error ?? ''}`}
                    </td>
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
