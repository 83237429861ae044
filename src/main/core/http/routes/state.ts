import type { CounterName, CountersStore } from '../../store/counters.js';
import { nowIso } from '../../time.js';
import type { HttpRouter } from '../router.js';

/** The PersistentState counters: each POST hands out the next value atomically. */
export function addStateRoutes(router: HttpRouter, counters: CountersStore) {
  const route = (path: string, counter: CounterName, field: string) =>
    router.add('POST', path, () => ({
      status: 200,
      body: { [field]: counters.next(counter, nowIso()), status: 'success' },
    }));
  route('/api/state/next-agent-id/', 'next_agent_id', 'agent_id');
  route('/api/state/next-run-number/', 'next_run_number', 'run_number');
  route('/api/state/next-workflow-execution-id/', 'next_workflow_execution_id', 'sequence');
}
