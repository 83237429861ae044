import type { HttpRouter } from '../router.js';
import { HttpError } from '../http-error.js';
import { OutputQueryError, type CapturedStream } from '../../store/process-output.js';
import { FleetError } from '../../supervisor/fleet.js';
import { ProcessCommandError } from '../../supervisor/slot-types.js';
import { type Supervisor, UnknownTargetError } from '../../supervisor/supervisor.js';

/** Maps supervisor failures to HTTP answers the UI and CLI can show as they are. */
async function answer<T>(fn: () => T | Promise<T>): Promise<{ status: number; body: unknown }> {
  try {
    return { status: 200, body: await fn() };
  } catch (err) {
    if (err instanceof UnknownTargetError) throw new HttpError(404, err.message);
    if (err instanceof ProcessCommandError) throw new HttpError(409, err.message);
    if (err instanceof FleetError || err instanceof OutputQueryError)
      throw new HttpError(400, err.message);
    throw err;
  }
}

function stream(v: string | null): CapturedStream | undefined {
  if (v === null || v === '') return undefined;
  if (v !== 'stdout' && v !== 'stderr') throw new HttpError(400, 'stream must be stdout or stderr');
  return v;
}

/**
 * `/api/cc/processes/...`: the fleet as the supervisor sees it, commands on a process, a program,
 * a group or `all` (each answers when the target state is reached), and a process's output.
 */
export function addProcessRoutes(router: HttpRouter, supervisor: Supervisor) {
  router.add('GET', '/api/cc/processes/', () => ({
    status: 200,
    body: {
      fleetFile: supervisor.fleetFile ?? null,
      fleetError: supervisor.fleetError,
      groups: supervisor.groups(),
      processes: supervisor.list(),
      recovered: supervisor.recovered,
    },
  }));
  router.add('POST', '/api/cc/processes/reload/', () => answer(() => supervisor.reload()));
  for (const op of ['start', 'stop', 'restart'] as const) {
    router.add('POST', `/api/cc/processes/:target/${op}/`, (req) =>
      answer(async () => ({ processes: await supervisor[op](req.params.target!) })),
    );
  }
  router.add('GET', '/api/cc/processes/:name/', (req) => {
    const p = supervisor.get(req.params.name!);
    if (!p) throw new HttpError(404, `no process named "${req.params.name}"`);
    return { status: 200, body: p };
  });
  router.add('GET', '/api/cc/processes/:name/tail/', (req) => {
    const lines = Math.min(Math.max(Number(req.query.get('lines') ?? 100) || 100, 1), 10_000);
    return answer(() => ({
      lines: supervisor.tail(req.params.name!, lines, stream(req.query.get('stream'))),
    }));
  });
  router.add('GET', '/api/cc/processes/:name/search/', (req) => {
    const query = req.query.get('q') ?? '';
    const limit = Math.min(Math.max(Number(req.query.get('limit') ?? 200) || 200, 1), 10_000);
    return answer(async () => ({
      lines: await supervisor.search(req.params.name!, query, {
        regex: req.query.get('regex') === 'true',
        stream: stream(req.query.get('stream')),
        limit,
      }),
    }));
  });
}
