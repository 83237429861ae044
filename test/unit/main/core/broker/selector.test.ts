import { describe, expect, it } from 'vitest';
import {
  MAX_SELECTOR_CHARS,
  MAX_SELECTOR_LITERALS,
  parseSelector,
  type Selector,
} from '../../../../../src/main/core/broker/selector.js';
import { msgTypeSelector } from '../../../../../src/shared/message-selector.js';

const accepts = (text: string): Selector => {
  const s = parseSelector(text);
  if ('error' in s) throw new Error(s.error);
  return s;
};

describe('message selectors', () => {
  it('takes what the agents send: missing header or one of the kinds', () => {
    const s = accepts(msgTypeSelector(['stf_ready', 'end_run']));
    expect(s({})).toBe(true);
    expect(s({ msg_type: 'stf_ready' })).toBe(true);
    expect(s({ msg_type: 'end_run' })).toBe(true);
    expect(s({ msg_type: 'stf_gen' })).toBe(false);
    expect(s({ msg_type: "stf_ready' OR 'x" })).toBe(false);
  });

  it.each([
    ["kind = 'a'", { kind: 'a' }, true],
    ["kind = 'a'", { kind: 'b' }, false],
    ["kind = 'a'", {}, false],
    ["kind <> 'a'", { kind: 'b' }, true],
    ["kind <> 'a'", {}, false],
    ["kind NOT IN ('a', 'b')", { kind: 'c' }, true],
    ["kind NOT IN ('a', 'b')", { kind: 'a' }, false],
    ["kind not in ('a')", {}, false],
    ['kind IS NOT NULL', { kind: '' }, true],
    ['kind is null', { kind: 'x' }, false],
    ["kind = 'it''s'", { kind: "it's" }, true],
    ["a = 'x' OR b = 'y' or c IS NULL", { a: 'no', b: 'y', c: '1' }, true],
    ["a = 'x' OR b = 'y'", { a: 'no', b: 'no' }, false],
  ] as const)('%s on %j is %s', (text, headers, expected) => {
    expect(accepts(text)(headers)).toBe(expected);
  });

  it.each([
    ["kind = 'a' AND b = 'c'", /expected OR or the end/],
    ['kind > 3', /unexpected '>'/],
    ["kind = 'open", /not closed/],
    ["(kind = 'a')", /expected a header name/],
    ["kind IN ('a'", /expected \)/],
    ['kind = 3', /unexpected '3'/],
    ['kind = other', /expected a quoted value/],
    ["OR = 'a'", /expected a header name/],
    ['', /expected a header name/],
    ['x'.repeat(MAX_SELECTOR_CHARS + 1), /longer than/],
    [
      `k IN (${Array.from({ length: MAX_SELECTOR_LITERALS + 1 }, (_, i) => `'${i}'`).join(',')})`,
      /more than 64 values/,
    ],
  ])('refuses %s with the reason and what is supported', (text, why) => {
    const s = parseSelector(text);
    expect('error' in s && s.error).toMatch(why);
    expect('error' in s && s.error).toMatch(/the embedded broker takes .* joined by OR/);
  });

  it('refuses kinds that could not be a plain header value', () => {
    expect(() => msgTypeSelector(["x') OR ('1"])).toThrow(/not a message kind/);
  });
});
