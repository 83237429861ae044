import { describe, expect, it } from 'vitest';
import {
  boundedJsonSchema,
  findTooDeep,
  JsonLimitError,
  MAX_JSON_DEPTH,
  MAX_JSON_FIELD_BYTES,
  storableJsonAsSent,
  toStoredJson,
} from '../../../src/shared/json-limits.js';

const nested = (depth: number, leaf: unknown = 1): unknown => {
  let v: unknown = leaf;
  for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { k: v };
  return v;
};

describe('JSON limits', () => {
  it('accepts nesting up to the limit and names the path of the first value past it', () => {
    expect(findTooDeep(nested(MAX_JSON_DEPTH))).toBeUndefined();
    expect(findTooDeep({ a: [1, { b: 2 }], c: 'x' }, 3)).toBeUndefined();
    expect(findTooDeep({ a: [1, { b: [] }] }, 3)).toEqual({
      path: 'a.1.b',
      message: 'is nested deeper than 3 levels',
    });
    const deep = findTooDeep(nested(MAX_JSON_DEPTH + 1), MAX_JSON_DEPTH, ['metadata']);
    expect(deep?.path.startsWith('metadata.k.0.k')).toBe(true);
    // Far past the call stack: still an answer, not a RangeError.
    expect(findTooDeep(nested(200_000))?.message).toMatch(/deeper than 64/);
  });

  it('counts stored size in UTF-8 bytes, also for text under the limit in UTF-16 units', () => {
    const ascii = 'a'.repeat(MAX_JSON_FIELD_BYTES - 2);
    expect(toStoredJson(ascii, 'v')).toHaveLength(MAX_JSON_FIELD_BYTES);
    // 400,000 three-byte characters: 1.2 MB in UTF-8, 0.4 M units.
    const wide = '€'.repeat(400_000);
    expect(() => toStoredJson(wide, 'metadata')).toThrow(JsonLimitError);
    expect(() => toStoredJson(wide, 'metadata')).toThrow(/metadata: is larger than/);
    expect(boundedJsonSchema.safeParse(wide).success).toBe(false);
    expect(boundedJsonSchema.safeParse('€'.repeat(300_000)).success).toBe(true);
  });

  it('stores a recorded message as sent when it is within the limits, else a note', () => {
    const sent = '{ "msg_type": "stf_ready",  "run_id": 7 }';
    expect(storableJsonAsSent(JSON.parse(sent), sent)).toEqual({
      text: sent,
      value: { msg_type: 'stf_ready', run_id: 7 },
    });
    const deepText = JSON.stringify(nested(MAX_JSON_DEPTH + 1));
    const deep = storableJsonAsSent(JSON.parse(deepText), deepText);
    expect(JSON.parse(deep.text)).toEqual({ unstorable: expect.stringMatching(/deeper than/) });
    const bigText = JSON.stringify({ blob: '€'.repeat(400_000) });
    const big = storableJsonAsSent(JSON.parse(bigText), bigText);
    expect(big.value).toEqual({ unstorable: expect.stringMatching(/larger than/) });
  });
});
