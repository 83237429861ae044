import type { IncomingMessage } from 'node:http';
import { findTooDeep, MAX_JSON_DEPTH } from '../../../shared/json-limits.js';
import { HttpError } from './http-error.js';

/** A body that parsed but is nested too deep for any reader; DRF's field-error shape. */
export class BodyTooDeepError extends HttpError {
  constructor(
    readonly field: string,
    detail: string,
  ) {
    super(400, detail, { [field]: [detail] });
  }
}

/** Parses JSON text and refuses nesting past {@link MAX_JSON_DEPTH}, naming the field at fault. */
function parseBoundedJson(text: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new HttpError(400, `JSON parse error - ${(err as Error).message}`);
  }
  const deep = findTooDeep(value, MAX_JSON_DEPTH);
  if (deep)
    throw new BodyTooDeepError(
      deep.path.split('.')[0] || 'non_field_errors',
      `${deep.path || 'the body'} ${deep.message}`,
    );
  return value;
}

/**
 * Reads and parses a JSON body; empty is `undefined`. Over `maxBytes` stops reading at once; nested
 * deeper than {@link MAX_JSON_DEPTH} is a 400 naming the field.
 */
export function readJsonBody(req: IncomingMessage, maxBytes: number): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > maxBytes) {
      reject(
        new HttpError(413, `Request body is ${declared} bytes; the limit is ${maxBytes} bytes.`),
      );
      req.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > maxBytes) {
        failed = true;
        reject(new HttpError(413, `Request body exceeds the limit of ${maxBytes} bytes.`));
        return;
      }
      chunks.push(chunk);
    });
    req.on('error', (err) => {
      if (!failed) reject(err);
      failed = true;
    });
    req.on('end', () => {
      if (failed) return;
      if (size === 0) return resolve(undefined);
      const text = Buffer.concat(chunks).toString('utf8');
      try {
        resolve(parseBoundedJson(text));
      } catch (err) {
        reject(err);
      }
    });
  });
}
