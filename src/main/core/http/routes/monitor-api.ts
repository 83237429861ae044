import { z } from 'zod';
import { MAX_BULK_ITEMS } from '../../../../shared/input-bounds.js';
import type { EventBus } from '../../events.js';
import type { HeartbeatService } from '../../monitor/heartbeat-service.js';
import { runSummaryOf, workflowExecutionOf } from '../../monitor/run-records.js';
import type { Store } from '../../store/index.js';
import { ResourceError } from '../../store/resource.js';
import { nowIso } from '../../time.js';
import type { HttpRouter } from '../router.js';
import { addAgentRoutes } from './agents.js';
import { listBody, listPage } from './list-response.js';
import { addLogRoutes } from './logs.js';
import { addResourceRoutes } from './resource-routes.js';
import { addStateRoutes } from './state.js';

const ensureNamespaceSchema = z.object({
  name: z.string().min(1).max(100),
  owner: z.string().min(1).max(100),
  description: z.string().optional(),
});

/** Every swf-monitor endpoint the agents and tools call, on one router. */
export function addMonitorApiRoutes(
  router: HttpRouter,
  store: Store,
  heartbeats: HeartbeatService,
  bus: EventBus,
) {
  addAgentRoutes(router, store.agents, heartbeats);
  addStateRoutes(router, store.counters);
  addLogRoutes(router, store.appLogs, bus);

  router.add('POST', '/api/namespaces/ensure/', (req) => {
    const body = ensureNamespaceSchema.parse(req.body ?? {});
    const { row, created } = store.namespaces.ensure(body, nowIso());
    return { status: created ? 201 : 200, body: { ...row, created, status: 'success' } };
  });
  addResourceRoutes(router, '/api/namespaces', store.namespaces);
  addResourceRoutes(router, '/api/subscribers', store.subscribers);
  addResourceRoutes(router, '/api/runs', store.runs, {
    check: (body) => {
      if (typeof body.run_number === 'number' && body.run_number < 0)
        throw new ResourceError({ run_number: ['Must be >= 0.'] });
    },
    written: (row, { created, body }) => {
      if (created) bus.emit('run.created', { run: runSummaryOf(store, row) });
      if (typeof body.end_time === 'string' && body.end_time)
        bus.emit('run.ended', { run: runSummaryOf(store, row) });
    },
  });
  addResourceRoutes(router, '/api/run-states', store.runStates);
  addResourceRoutes(router, '/api/stf-files', store.stfFiles, {
    // The built-in data agent registers the STFs that arrive together in one request.
    bulkMax: MAX_BULK_ITEMS,
    check: (body) => {
      if (body.run !== undefined && body.run !== null && !store.runs.get(body.run as number)) {
        throw new ResourceError({
          run: [`Invalid pk "${String(body.run)}" - object does not exist.`],
        });
      }
    },
  });
  // `stf_file` is addressed by STF filename (DRF SlugRelatedField).
  addResourceRoutes(router, '/api/fastmon-files', store.fastmonFiles, {
    // The built-in fastmon agent registers the samples of the STFs that arrive together in one
    // request.
    bulkMax: MAX_BULK_ITEMS,
    check: (body, seen) => {
      const name = body.stf_file;
      if (typeof name !== 'string') return;
      let found = seen.get(name);
      if (found === undefined) {
        found = store.stfFiles.exists({ stf_filename: name });
        seen.set(name, found);
      }
      if (!found) {
        throw new ResourceError({
          stf_file: [`Object with stf_filename=${name} does not exist.`],
        });
      }
    },
  });
  addResourceRoutes(router, '/api/tf-slices', store.tfSlices);
  addResourceRoutes(router, '/api/workflow-definitions', store.workflowDefinitions);
  addResourceRoutes(router, '/api/workflow-executions', store.workflowExecutions, {
    written: (row) => bus.emit('execution.state', { execution: workflowExecutionOf(row) }),
  });
  addResourceRoutes(router, '/api/workflow-stages', store.workflowStages);
  addResourceRoutes(router, '/api/system-state-events', store.systemStateEvents);

  router.add('GET', '/api/workflow-messages/', (req) => {
    const page = listPage(req.query);
    const q = (k: string) => req.query.get(k) ?? undefined;
    const { items, total } = store.workflowMessages.query({
      messageType: q('message_type') ?? q('msg_type'),
      sender: q('sender_agent'),
      namespace: q('namespace'),
      executionId: q('execution_id'),
      runId: q('run_id'),
      oldestFirst: !!q('execution_id'),
      limit: page.limit ?? 1000,
      offset: page.offset,
    });
    return { status: 200, body: listBody(items, total, page, req.path) };
  });
}
