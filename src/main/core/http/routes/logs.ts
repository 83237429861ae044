import { appLogInputSchema } from '../../../../shared/app-log.js';
import type { EventBus } from '../../events.js';
import type { AppLogsStore } from '../../store/app-logs.js';
import { nowIso, parseIsoTime } from '../../time.js';
import { HttpError } from '../http-error.js';
import type { HttpRouter } from '../router.js';
import { listBody, listPage } from './list-response.js';

export function addLogRoutes(router: HttpRouter, logs: AppLogsStore, bus: EventBus) {
  // The agents' REST log handler sends no token: loopback peers only.
  router.add(
    'POST',
    '/api/logs/',
    (req) => {
      if (typeof req.body !== 'object' || req.body === null || Array.isArray(req.body)) {
        throw new HttpError(400, 'invalid body', {
          non_field_errors: ['Invalid data. Expected a dictionary.'],
        });
      }
      const log = logs.append(appLogInputSchema.parse(req.body), nowIso());
      bus.emit('log.appended', { log });
      return { status: 201, body: log };
    },
    'loopback',
  );

  router.add('GET', '/api/logs/', (req) => {
    const page = listPage(req.query);
    const time = (name: string) => {
      const raw = req.query.get(name);
      if (raw === null) return undefined;
      const iso = parseIsoTime(raw);
      if (!iso) throw new HttpError(400, `"${name}" must be an ISO 8601 time.`);
      return iso;
    };
    const { items, total } = logs.query({
      appName: req.query.get('app_name') ?? undefined,
      instanceName: req.query.get('instance_name') ?? undefined,
      levelname: req.query.get('levelname') ?? undefined,
      executionId: req.query.get('execution_id') ?? undefined,
      since: time('start_time'),
      until: time('end_time'),
      limit: page.limit ?? 1000,
      offset: page.offset,
    });
    return { status: 200, body: listBody(items, total, page, req.path) };
  });

  router.add('GET', '/api/logs/summary/', () => ({ status: 200, body: logs.summary() }));

  router.add('GET', '/api/logs/:id/', (req) => {
    const row = /^\d+$/.test(req.params.id!) ? logs.get(Number(req.params.id)) : undefined;
    return row
      ? { status: 200, body: row }
      : { status: 404, body: { detail: 'No AppLog matches the given query.' } };
  });
}
