import { type Resource, ResourceError, type Row } from '../../store/resource.js';
import { nowIso } from '../../time.js';
import type { HttpRouter } from '../router.js';
import { listBody, listPage, queryFilters } from './list-response.js';

const NOT_FOUND = { status: 404, body: { detail: 'No object matches the given query.' } };

export interface ResourceRouteOptions {
  /**
   * Called before create and update; may throw a ResourceError for a bad reference. `seen` lives
   * for one request: a list's rows often name the same referenced row, looked up once.
   */
  check?: (body: Row, seen: Map<unknown, boolean>) => void;
  readOnly?: boolean;
  /**
   * POST also takes a list of up to this many bodies, stored all or none (a bulk create, as DRF's
   * `many=True` serializers answer it: 201 with the list, or 400 with one error object per item).
   */
  bulkMax?: number;
  /** Called after a row was created or updated, with the stored row and the request body. */
  written?: (row: Row, how: { created: boolean; body: Row }) => void;
}

/** A DRF ModelViewSet: list, create, retrieve, update, partial update, destroy. */
export function addResourceRoutes(
  router: HttpRouter,
  base: string,
  resource: Resource,
  opts: ResourceRouteOptions = {},
) {
  const isInt = resource.spec.pk.kind === 'auto';
  const key = (raw: string) => (isInt ? Number(raw) : raw);
  const validKey = (raw: string) => !isInt || /^\d+$/.test(raw);
  const asRow = (body: unknown): Row =>
    typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Row) : {};

  router.add('GET', `${base}/`, (req) => {
    const page = listPage(req.query);
    const { items, total } = resource.list(queryFilters(req.query), page.limit, page.offset, true);
    return { status: 200, body: listBody(items, total, page, req.path) };
  });
  router.add('GET', `${base}/:key/`, (req) => {
    const raw = req.params.key!;
    const row = validKey(raw) ? resource.get(key(raw)) : undefined;
    return row ? { status: 200, body: row } : NOT_FOUND;
  });
  if (opts.readOnly) return;

  router.add('POST', `${base}/`, (req) => {
    if (opts.bulkMax !== undefined && Array.isArray(req.body))
      return createMany(req.body, opts.bulkMax);
    const data = resource.validate(req.body, false);
    opts.check?.(asRow(req.body), new Map());
    const row = resource.createValid(data, nowIso());
    opts.written?.(row, { created: true, body: asRow(req.body) });
    return { status: 201, body: row };
  });
  const createMany = (bodies: unknown[], max: number) => {
    if (bodies.length === 0 || bodies.length > max)
      return {
        status: 400,
        body: { non_field_errors: [`Expected a list of 1 to ${max} items.`] },
      };
    const errors = bodies.map(() => ({}) as ResourceError['fields']);
    const rows: Row[] = [];
    const seen = new Map<unknown, boolean>();
    bodies.forEach((body, i) => {
      try {
        rows.push(resource.validate(body, false));
        opts.check?.(asRow(body), seen);
      } catch (err) {
        if (!(err instanceof ResourceError)) throw err;
        errors[i] = err.fields;
      }
    });
    if (errors.some((e) => Object.keys(e).length)) return { status: 400, body: errors };
    const stored = resource.createManyValid(rows, nowIso());
    stored.forEach((row, i) => opts.written?.(row, { created: true, body: asRow(bodies[i]) }));
    return { status: 201, body: stored };
  };
  const update = (partial: boolean) => (req: { params: Record<string, string>; body: unknown }) => {
    const raw = req.params.key!;
    if (!validKey(raw) || !resource.get(key(raw))) return NOT_FOUND;
    const data = resource.validate(req.body, partial);
    opts.check?.(asRow(req.body), new Map());
    const row = resource.patchValid(key(raw), data, nowIso());
    if (row) opts.written?.(row, { created: false, body: asRow(req.body) });
    return { status: 200, body: row };
  };
  router.add('PATCH', `${base}/:key/`, update(true));
  router.add('PUT', `${base}/:key/`, update(false));
  router.add('DELETE', `${base}/:key/`, (req) => {
    const raw = req.params.key!;
    return validKey(raw) && resource.remove(key(raw)) ? { status: 204 } : NOT_FOUND;
  });
}
