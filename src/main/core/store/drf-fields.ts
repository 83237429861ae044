import { z } from 'zod';

/**
 * Body values as DRF's model serializer fields take them: integer strings for integers, numeric
 * strings for floats, the usual boolean spellings, numbers for text, `null` only where the model
 * allows it. The messages are DRF's, so a client parsing `{"field": ["message"]}` sees the same text.
 */
export type FieldKind = 'text' | 'int' | 'real' | 'bool' | 'json' | 'time';

export interface FieldRules {
  kind: FieldKind;
  maxLength?: number;
  choices?: readonly string[];
  /** The model forbids null (DRF: "This field may not be null."). */
  notNull?: boolean;
}

const INT_TEXT = /^\s*[-+]?\d+(\.0*)?\s*$/;
const TRUE = new Set<unknown>([
  true,
  1,
  '1',
  'true',
  'True',
  'TRUE',
  't',
  'T',
  'y',
  'Y',
  'yes',
  'Yes',
  'YES',
  'on',
  'On',
  'ON',
]);
const FALSE = new Set<unknown>([
  false,
  0,
  '0',
  'false',
  'False',
  'FALSE',
  'f',
  'F',
  'n',
  'N',
  'no',
  'No',
  'NO',
  'off',
  'Off',
  'OFF',
]);
const TIME_HELP =
  'Datetime has wrong format. Use one of these formats instead: YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z].';
const ISO_LIKE =
  /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/;
/** SQLite integers are 64-bit; anything beyond the safe range would lose digits in JavaScript. */
const INT_LIMIT = Number.MAX_SAFE_INTEGER;

function toInt(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isInteger(v) && Math.abs(v) <= INT_LIMIT ? v : undefined;
  if (typeof v === 'string' && v.length <= 1000 && INT_TEXT.test(v)) {
    const n = Number.parseInt(v.trim(), 10);
    return Math.abs(n) <= INT_LIMIT ? n : undefined;
  }
  return undefined;
}

function toReal(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string' && v.trim() !== '' && v.length <= 1000) {
    const n = Number(v.trim());
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

/** The zod schema of one writable field; the output is the value to store. */
export function fieldSchema(rules: FieldRules): z.ZodType {
  return z
    .unknown()
    .transform((v, ctx) => {
      const fail = (message: string) => {
        ctx.addIssue({ code: 'custom', message });
        return z.NEVER;
      };
      if (v === undefined) return undefined;
      if (v === null) return rules.notNull ? fail('This field may not be null.') : null;
      switch (rules.kind) {
        case 'int': {
          const n = toInt(v);
          return n === undefined ? fail('A valid integer is required.') : n;
        }
        case 'real': {
          const n = toReal(v);
          return n === undefined ? fail('A valid number is required.') : n;
        }
        case 'bool':
          if (TRUE.has(v)) return true;
          if (FALSE.has(v)) return false;
          return fail('Must be a valid boolean.');
        case 'time':
          if (typeof v !== 'string' || !ISO_LIKE.test(v.trim()) || Number.isNaN(Date.parse(v)))
            return fail(TIME_HELP);
          return v.trim();
        case 'json':
          return v;
        case 'text': {
          let s: string;
          if (typeof v === 'string') s = v;
          else if (typeof v === 'number' && Number.isFinite(v)) s = String(v);
          else return fail('Not a valid string.');
          if (rules.choices && !rules.choices.includes(s))
            return fail(`"${s}" is not a valid choice.`);
          const max = rules.maxLength ?? 100_000;
          if (s.length > max) return fail(`Ensure this field has no more than ${max} characters.`);
          return s;
        }
      }
    })
    .optional();
}

/** A list filter's value as django-filter reads it; undefined = not a valid value. */
export function filterValue(kind: FieldKind, raw: string): string | number | undefined {
  if (kind === 'int') return toInt(raw);
  if (kind === 'real') return toReal(raw);
  if (kind === 'bool') {
    if (TRUE.has(raw)) return 1;
    if (FALSE.has(raw)) return 0;
    return undefined;
  }
  return raw;
}

/** A typed DRF IntegerField for hand-written schemas: numbers, or integers written as strings. */
export const drfInt = () =>
  z.preprocess((v) => (typeof v === 'string' ? (toInt(v) ?? v) : v), z.number().int());

/** A typed DRF BooleanField for hand-written schemas: the spellings DRF takes. */
export const drfBool = () =>
  z.preprocess((v) => (TRUE.has(v) ? true : FALSE.has(v) ? false : v), z.boolean());
