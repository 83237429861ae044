import { ConnectionBanner } from './components/connection-banner';
import { Toasts } from './components/toasts';
import { href, type Route, useRoute } from './route';
import { useUi } from './store/ui-store';
import { AgentView } from './views/agent-view';
import { ExecutionsView } from './views/executions-view';
import { FilesView } from './views/files-view';
import { LogsView } from './views/logs-view';
import { MessagesView } from './views/messages-view';
import { PlotsView } from './views/plots-view';
import { FleetView } from './views/fleet-view';
import { HeartbeatsView } from './views/heartbeats-view';
import { McpView } from './views/mcp-view';
import { RunsView } from './views/runs-view';
import { SettingsView } from './views/settings-view';

const NAV: { route: Route; label: string }[] = [
  { route: { view: 'fleet' }, label: 'Fleet' },
  { route: { view: 'heartbeats' }, label: 'Heartbeats' },
  { route: { view: 'runs' }, label: 'Runs' },
  { route: { view: 'executions' }, label: 'Executions' },
  { route: { view: 'messages', filter: {} }, label: 'Messages' },
  { route: { view: 'files', filter: {} }, label: 'Files' },
  { route: { view: 'logs', filter: {} }, label: 'Logs' },
  { route: { view: 'plots' }, label: 'Plots' },
  { route: { view: 'mcp' }, label: 'MCP' },
  { route: { view: 'settings' }, label: 'Settings' },
];

function CoreStatus() {
  const connection = useUi((s) => s.connection);
  const synced = useUi((s) => s.synced);
  const namespace = useUi((s) => s.config?.namespace);
  const broker = useUi((s) => s.broker);
  const live = connection === 'open' && synced;
  return (
    <div className="core-status">
      <span className={`badge ${live ? 'ok' : 'bad'}`} data-testid="core-connection">
        <span className="dot" aria-hidden="true" />
        {live ? 'live' : connection === 'lost' ? 'offline' : 'connecting'}
      </span>
      {namespace && <span className="muted">ns {namespace}</span>}
      {broker && (
        <span className="muted">
          broker {broker.state}
          {broker.slowConsumersCut ? ` · ${broker.slowConsumersCut} slow consumer(s) cut off` : ''}
        </span>
      )}
    </div>
  );
}

export function App() {
  const route = useRoute();
  const current = route.view === 'agent' ? 'fleet' : route.view;
  return (
    <div className="app">
      <a className="skip" href="#main">
        Skip to content
      </a>
      <nav className="sidebar" aria-label="Views">
        <div className="brand">SWF Control Center</div>
        <ul>
          {NAV.map((n) => (
            <li key={n.label}>
              <a href={href(n.route)} aria-current={current === n.route.view ? 'page' : undefined}>
                {n.label}
              </a>
            </li>
          ))}
        </ul>
        <CoreStatus />
      </nav>
      <main id="main" tabIndex={-1}>
        <ConnectionBanner />
        {route.view === 'fleet' && <FleetView />}
        {route.view === 'agent' && <AgentView key={route.name} name={route.name} />}
        {route.view === 'heartbeats' && (
          <HeartbeatsView key={route.agent ?? ''} agent={route.agent} />
        )}
        {route.view === 'runs' && <RunsView run={route.run} />}
        {route.view === 'executions' && <ExecutionsView key={route.id ?? ''} id={route.id} />}
        {route.view === 'messages' && <MessagesView filter={route.filter} />}
        {route.view === 'files' && <FilesView filter={route.filter} />}
        {route.view === 'logs' && <LogsView filter={route.filter} />}
        {route.view === 'plots' && <PlotsView />}
        {route.view === 'mcp' && <McpView />}
        {route.view === 'settings' && <SettingsView />}
      </main>
      <Toasts />
    </div>
  );
}
