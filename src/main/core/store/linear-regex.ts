import { RE2JS, RE2JSException } from 're2js';

/**
 * User-supplied regular expressions run on RE2 (linear in the input), never on the backtracking
 * engine: a pattern such as `^(.+)+X$` would otherwise hold the event loop for minutes.
 */
export class RegexSyntaxError extends Error {
  override name = 'RegexSyntaxError';
}

export interface LinearRegex {
  readonly source: string;
  test(text: string): boolean;
}

/** Longest pattern accepted; RE2 compile cost grows with the pattern. */
const MAX_PATTERN_CHARS = 1_000;

export function compileLinearRegex(source: string, caseInsensitive = true): LinearRegex {
  if (source.length > MAX_PATTERN_CHARS)
    throw new RegexSyntaxError(`the pattern is longer than ${MAX_PATTERN_CHARS} characters`);
  try {
    const re = RE2JS.compile(source, caseInsensitive ? RE2JS.CASE_INSENSITIVE : 0);
    return { source, test: (text) => re.test(text) };
  } catch (err) {
    if (err instanceof RE2JSException) throw new RegexSyntaxError(err.message);
    throw err;
  }
}
