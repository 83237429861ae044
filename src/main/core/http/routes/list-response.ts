import { HttpError } from '../http-error.js';

/**
 * The monitor has no global pagination: a list is a bare array, unless `?limit=` asks for DRF's
 * LimitOffsetPagination envelope.
 */
export function listPage(query: URLSearchParams): { limit?: number; offset: number } {
  const limitText = query.get('limit');
  const offsetText = query.get('offset');
  const parse = (name: string, text: string | null) => {
    if (text === null || text === '') return undefined;
    const n = Number(text);
    if (!Number.isInteger(n) || n < 0)
      throw new HttpError(400, `"${name}" must be a non-negative integer.`);
    return n;
  };
  const limit = parse('limit', limitText);
  return {
    limit: limit === undefined ? undefined : Math.min(limit, 10_000),
    offset: parse('offset', offsetText) ?? 0,
  };
}

export function listBody<T>(
  items: T[],
  total: number,
  page: { limit?: number; offset: number },
  path: string,
) {
  if (page.limit === undefined) return items;
  const next =
    page.offset + items.length < total
      ? `${path}?limit=${page.limit}&offset=${page.offset + page.limit}`
      : null;
  const previous =
    page.offset > 0
      ? `${path}?limit=${page.limit}&offset=${Math.max(0, page.offset - page.limit)}`
      : null;
  return { count: total, next, previous, results: items };
}

export function queryFilters(query: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of query) if (k !== 'limit' && k !== 'offset') out[k] = v;
  return out;
}
