/**
 * Message selectors on topic subscriptions (the `selector` header ActiveMQ takes), for the subset
 * clients use to pick message kinds by a header: `h = 'v'`, `h <> 'v'`, `h [NOT] IN ('v', ...)`,
 * `h IS [NOT] NULL`, joined by OR. A subscriber that names only the kinds it handles is not sent,
 * and does not parse, the rest of a busy topic. Anything else is refused with the reason rather than
 * ignored, so a client never believes it filters when it does not.
 */
export type Selector = (headers: Record<string, string>) => boolean;

/** Longest selector text taken, and most literals in one selector. */
export const MAX_SELECTOR_CHARS = 1024;
export const MAX_SELECTOR_LITERALS = 64;

const SUPPORTED = "h = 'v', h <> 'v', h [NOT] IN ('v', ...), h IS [NOT] NULL, joined by OR";

type Token =
  | { kind: 'ident'; text: string; upper: string }
  | { kind: 'string'; text: string }
  | { kind: 'punct'; text: '(' | ')' | ',' | '=' | '<>' };

function tokenize(text: string): Token[] | string {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === "'") {
      // A quote inside a literal is written twice.
      let value = '';
      i++;
      for (;;) {
        if (i >= text.length) return 'a string literal is not closed';
        if (text[i] === "'") {
          if (text[i + 1] === "'") {
            value += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += text[i++];
      }
      tokens.push({ kind: 'string', text: value });
    } else if (text.startsWith('<>', i)) {
      tokens.push({ kind: 'punct', text: '<>' });
      i += 2;
    } else if (c === '(' || c === ')' || c === ',' || c === '=') {
      tokens.push({ kind: 'punct', text: c });
      i++;
    } else {
      const m = /^[A-Za-z_$][\w$.-]*/.exec(text.slice(i, i + 256));
      if (!m) return `unexpected '${c}' at position ${i}`;
      tokens.push({ kind: 'ident', text: m[0], upper: m[0].toUpperCase() });
      i += m[0].length;
    }
  }
  return tokens;
}

/** Parses a selector; answers the predicate, or the reason it is refused. */
export function parseSelector(text: string): Selector | { error: string } {
  const refuse = (why: string) => ({
    error: `selector not supported (${why}); the embedded broker takes ${SUPPORTED}`,
  });
  if (text.length > MAX_SELECTOR_CHARS)
    return refuse(`longer than ${MAX_SELECTOR_CHARS} characters`);
  const tokens = tokenize(text);
  if (typeof tokens === 'string') return refuse(tokens);
  let at = 0;
  let literals = 0;
  const peek = () => tokens[at];
  const keyword = (word: string) => {
    const t = peek();
    if (t?.kind === 'ident' && t.upper === word) {
      at++;
      return true;
    }
    return false;
  };
  const punct = (p: string) => {
    const t = peek();
    if (t?.kind === 'punct' && t.text === p) {
      at++;
      return true;
    }
    return false;
  };
  const literal = (): string | undefined => {
    const t = peek();
    if (t?.kind !== 'string') return undefined;
    at++;
    literals++;
    return t.text;
  };

  const terms: Selector[] = [];
  for (;;) {
    const name = peek();
    if (name?.kind !== 'ident' || ['OR', 'AND', 'NOT', 'IN', 'IS', 'NULL'].includes(name.upper))
      return refuse(`expected a header name at token ${at + 1}`);
    at++;
    const h = name.text;
    if (keyword('IS')) {
      const not = keyword('NOT');
      if (!keyword('NULL')) return refuse(`expected NULL after IS at token ${at + 1}`);
      terms.push(not ? (hs) => hs[h] !== undefined : (hs) => hs[h] === undefined);
    } else if (punct('=') || punct('<>')) {
      const equal = tokens[at - 1]!.text === '=';
      const v = literal();
      if (v === undefined) return refuse(`expected a quoted value at token ${at + 1}`);
      terms.push(
        equal
          ? (hs) => hs[h] === v
          : (hs) => {
              const got = hs[h];
              return got !== undefined && got !== v;
            },
      );
    } else {
      const not = keyword('NOT');
      if (!keyword('IN') || !punct('(')) return refuse(`expected =, <>, IN or IS after ${h}`);
      const values = new Set<string>();
      do {
        const v = literal();
        if (v === undefined) return refuse(`expected a quoted value at token ${at + 1}`);
        values.add(v);
      } while (punct(','));
      if (!punct(')')) return refuse(`expected ) at token ${at + 1}`);
      terms.push((hs) => {
        const got = hs[h];
        // SQL's three-valued logic: a missing header is neither in nor out of the list.
        return got !== undefined && values.has(got) !== not;
      });
    }
    if (literals > MAX_SELECTOR_LITERALS)
      return refuse(`more than ${MAX_SELECTOR_LITERALS} values`);
    if (at === tokens.length) break;
    if (!keyword('OR')) return refuse(`expected OR or the end at token ${at + 1}`);
  }
  return terms.length === 1 ? terms[0]! : (hs) => terms.some((t) => t(hs));
}
