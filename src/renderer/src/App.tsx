import { useEffect, useState } from 'react';
import { resolveConnection } from './connection';

interface FleetAgent {
  instance_name: string;
  agent_type: string;
  status: string;
  operational_state: string;
  liveness: string;
  last_heartbeat: string | null;
}

/** The first view: the fleet as the core stores it, refreshed every few seconds. */
export function App() {
  const [agents, setAgents] = useState<FleetAgent[]>([]);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const { baseUrl, token } = resolveConnection();
    let alive = true;
    const load = async () => {
      try {
        const res = await fetch(`${baseUrl}api/cc/status/`, {
          headers: { Authorization: `Bearer ${token}` },
        });
        if (!res.ok)
          throw new Error(
            res.status === 401
              ? 'not authorised: open the URL with #token=… that the core printed'
              : `core answered ${res.status}`,
          );
        const body = (await res.json()) as { agents: FleetAgent[] };
        if (alive) {
          setAgents(body.agents);
          setError(null);
        }
      } catch (err) {
        if (alive) setError((err as Error).message);
      }
    };
    void load();
    const timer = setInterval(() => void load(), 3000);
    return () => {
      alive = false;
      clearInterval(timer);
    };
  }, []);

  return (
    <main>
      <h1>SWF Control Center</h1>
      {error && <p role="alert">{error}</p>}
      <table>
        <thead>
          <tr>
            <th>Agent</th>
            <th>Type</th>
            <th>Status</th>
            <th>State</th>
            <th>Liveness</th>
            <th>Last heartbeat</th>
          </tr>
        </thead>
        <tbody>
          {agents.map((a) => (
            <tr key={a.instance_name}>
              <td>{a.instance_name}</td>
              <td>{a.agent_type}</td>
              <td>{a.status}</td>
              <td>{a.operational_state}</td>
              <td>{a.liveness}</td>
              <td>{a.last_heartbeat ?? 'never'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </main>
  );
}
