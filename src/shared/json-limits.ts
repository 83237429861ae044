import { z } from 'zod';

/**
 * Bounds for JSON that arrives from outside (REST bodies, STOMP messages, MCP arguments, `/ws/ui`
 * commands) and for JSON read back from the store. Deeply nested values break `JSON.stringify`
 * (it recurses), so a value that is accepted must also be one every reader can serialise.
 */

/** Deepest nesting accepted anywhere; the originals' payloads are a few levels deep. */
export const MAX_JSON_DEPTH = 64;
/** Largest serialised size of one stored JSON field. */
export const MAX_JSON_FIELD_BYTES = 1024 * 1024;

/**
 * Whether a serialised value is past {@link MAX_JSON_FIELD_BYTES} in UTF-8. A UTF-16 unit is at
 * most 3 UTF-8 bytes, so only a text past a third of the limit is encoded to count its bytes.
 */
function pastFieldBytes(text: string): boolean {
  if (text.length > MAX_JSON_FIELD_BYTES) return true;
  return (
    text.length * 3 > MAX_JSON_FIELD_BYTES &&
    new TextEncoder().encode(text).length > MAX_JSON_FIELD_BYTES
  );
}

export interface JsonLimitViolation {
  /** Dotted path to the first value past the limit, e.g. `metadata.a.0`; `''` for the root. */
  path: string;
  message: string;
}

export class JsonLimitError extends Error {
  override name = 'JsonLimitError';
  constructor(readonly violation: JsonLimitViolation) {
    super(
      violation.path
        ? `${violation.path}: ${violation.message}`
        : `the JSON value ${violation.message}`,
    );
  }
  /** The top-level field at fault (`metadata` for `metadata.a.b`). */
  get field(): string {
    return this.violation.path.split('.')[0] || 'non_field_errors';
  }
}

/**
 * Whether `value` nests deeper than `maxDepth`, without recursion and without building paths:
 * every stored message and REST body passes here, and nearly all are a few levels deep.
 */
function nestsDeeperThan(value: unknown, maxDepth: number): boolean {
  const values: unknown[] = [value];
  const depths: number[] = [0];
  while (values.length) {
    const v = values.pop();
    const depth = depths.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (depth + 1 > maxDepth) return true;
    if (Array.isArray(v)) {
      for (const x of v) {
        values.push(x);
        depths.push(depth + 1);
      }
    } else {
      for (const k of Object.keys(v)) {
        values.push((v as Record<string, unknown>)[k]);
        depths.push(depth + 1);
      }
    }
  }
  return false;
}

/**
 * Walks `value` without recursion (a hostile value may be nested far beyond the call stack) and
 * reports the first place deeper than `maxDepth`. Depth counts containers: `{}` is 1, `{a:[]}` 2.
 */
export function findTooDeep(
  value: unknown,
  maxDepth = MAX_JSON_DEPTH,
  basePath: string[] = [],
): JsonLimitViolation | undefined {
  if (!nestsDeeperThan(value, maxDepth)) return undefined;
  const stack: { v: unknown; depth: number; path: string[] }[] = [
    { v: value, depth: 0, path: basePath },
  ];
  while (stack.length) {
    const { v, depth, path } = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (depth + 1 > maxDepth)
      return {
        path: path.slice(0, 4).join('.') + (path.length > 4 ? '.…' : ''),
        message: `is nested deeper than ${maxDepth} levels`,
      };
    const entries: [string, unknown][] = Array.isArray(v)
      ? v.map((x, i) => [String(i), x])
      : Object.entries(v);
    for (const [k, x] of entries) stack.push({ v: x, depth: depth + 1, path: [...path, k] });
  }
  return undefined;
}

/** Throws {@link JsonLimitError} when `value` is too deep; `field` prefixes the reported path. */
export function assertJsonWithinLimits(value: unknown, field?: string): void {
  const v = findTooDeep(value, MAX_JSON_DEPTH, field ? [field] : []);
  if (v) throw new JsonLimitError(v);
}

/**
 * Serialises a value for a JSON column: too deep or too large is a {@link JsonLimitError} naming
 * `field`, never a stack overflow.
 */
export function toStoredJson(value: unknown, field: string): string {
  assertJsonWithinLimits(value, field);
  const text = JSON.stringify(value);
  if (pastFieldBytes(text))
    throw new JsonLimitError({
      path: field,
      message: `is larger than ${MAX_JSON_FIELD_BYTES} bytes once serialised`,
    });
  return text;
}

/**
 * For records that must be kept even when their payload cannot be (a workflow message, an audit
 * entry): the JSON text, or a note saying why the value was left out.
 */
export function storedJsonOrNote(value: unknown): string {
  return storableJson(value).text;
}

/** {@link storedJsonOrNote} with the value that text stands for, safe to send on (events, UI). */
export function storableJson(value: unknown): { text: string; value: unknown } {
  try {
    return { text: toStoredJson(value, 'value'), value };
  } catch (err) {
    if (!(err instanceof JsonLimitError)) throw err;
    const note = { unstorable: `the value ${err.violation.message}` };
    return { text: JSON.stringify(note), value: note };
  }
}

/**
 * {@link storableJson} for a value just parsed from `text`: that text, as it was sent, when it is
 * within the limits (no second serialisation of every recorded message), else as `storableJson`.
 */
export function storableJsonAsSent(value: unknown, text: string): { text: string; value: unknown } {
  if (!pastFieldBytes(text) && !nestsDeeperThan(value, MAX_JSON_DEPTH)) return { text, value };
  return storableJson(value);
}

/**
 * Reads a JSON column. Whatever an older database holds (unparsable text, nesting no reader could
 * serialise) comes back as a value that can always be sent on, never as an exception.
 */
export function fromStoredJson(text: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { unreadable: 'the stored value is not valid JSON', text: text.slice(0, 1000) };
  }
  const deep = findTooDeep(value);
  if (deep) return { unreadable: `the stored value ${deep.message}` };
  return value;
}

/**
 * `JSON.parse` that also refuses nesting past {@link MAX_JSON_DEPTH}: throws `SyntaxError` for
 * bad JSON and {@link JsonLimitError} for a value too deep.
 */
export function parseJsonWithinLimits(text: string): unknown {
  const value: unknown = JSON.parse(text);
  assertJsonWithinLimits(value);
  return value;
}

/**
 * A JSON value of any shape within the depth and size limits; a schema field built on it reports
 * a violation under its own name (`{"metadata": ["is nested deeper than 64 levels"]}`).
 */
export const boundedJsonSchema = z.unknown().superRefine((value, ctx) => {
  const deep = findTooDeep(value);
  if (deep) {
    ctx.addIssue({ code: 'custom', message: deep.message });
    return;
  }
  const text = JSON.stringify(value);
  if (text !== undefined && pastFieldBytes(text))
    ctx.addIssue({
      code: 'custom',
      message: `is larger than ${MAX_JSON_FIELD_BYTES} bytes once serialised`,
    });
});

/**
 * The path of the first own `__proto__` key in `value`, if any. JSON.parse makes it an ordinary
 * key, but copying it into a fresh object (as schema parsers do) sets a prototype instead, so the
 * key silently disappears; inputs that act are refused instead.
 */
export function findPrototypeKey(value: unknown): string | undefined {
  const stack: { v: unknown; path: string[]; depth: number }[] = [{ v: value, path: [], depth: 0 }];
  while (stack.length) {
    const { v, path, depth } = stack.pop()!;
    if (v === null || typeof v !== 'object' || depth > MAX_JSON_DEPTH) continue;
    if (!Array.isArray(v) && Object.hasOwn(v, '__proto__')) return [...path, '__proto__'].join('.');
    for (const [k, x] of Object.entries(v))
      stack.push({ v: x, path: [...path, k], depth: depth + 1 });
  }
  return undefined;
}
