/**
 * Maps a key path (as zod reports it) back to a line of TOML text, so that a validation error can
 * name the line as a parse error does. A small line scanner, good for the tables, dotted keys and
 * one-line values a fleet file uses; it answers the closest enclosing key it can find.
 */
export function locateTomlKey(
  text: string,
  path: readonly (string | number)[],
): number | undefined {
  const want = path.filter((p): p is string => typeof p === 'string');
  let table: string[] = [];
  let best: { line: number; depth: number } | undefined;
  const consider = (keyPath: string[], line: number) => {
    let depth = 0;
    while (depth < keyPath.length && depth < want.length && keyPath[depth] === want[depth]) depth++;
    // A line counts only when its whole key path is a prefix of the wanted one.
    if (depth === keyPath.length && depth > 0 && (!best || depth > best.depth))
      best = { line, depth };
  };
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    const header = /^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$/.exec(raw);
    if (header) {
      table = splitDotted(header[1]!);
      consider(table, i + 1);
      continue;
    }
    const key =
      /^\s*((?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*')(?:\s*\.\s*(?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*'))*)\s*=/.exec(
        raw,
      );
    if (key) consider([...table, ...splitDotted(key[1]!)], i + 1);
  }
  return best?.line;
}

function splitDotted(s: string): string[] {
  const out: string[] = [];
  const re = /\s*("([^"]*)"|'([^']*)'|[^.\s]+)\s*(\.|$)/gy;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s)) && m[0] !== '') out.push(m[2] ?? m[3] ?? m[1]!);
  return out;
}
