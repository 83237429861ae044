import type { OutputLine } from '../../../shared/ui-protocol.js';

const DEFAULT_CAP = 200_000;

/**
 * One program's captured output. Mutable on purpose: copying 100,000 lines per frame would cost
 * more than rendering them. Readers key on `generation` (bumped when old lines are dropped or
 * the buffer is replaced) and `length`; the store bumps `outputVersion` to trigger renders.
 */
export class OutputBuffer {
  lines: OutputLine[] = [];
  generation = 0;

  constructor(private readonly cap = DEFAULT_CAP) {}

  get length() {
    return this.lines.length;
  }

  append(lines: readonly OutputLine[]) {
    for (const line of lines) this.lines.push(line);
    if (this.lines.length > this.cap) {
      // Drop a fifth at once so trimming is rare rather than on every append.
      this.lines = this.lines.slice(this.lines.length - Math.floor(this.cap * 0.8));
      this.generation++;
    }
  }

  clear() {
    this.lines = [];
    this.generation++;
  }
}

export interface FilterCache {
  generation: number;
  scanned: number;
  query: string;
  stream: string;
  indices: number[];
}

/**
 * Indices of the lines that pass the filter; scans only lines appended since the last call when
 * the filter and generation are unchanged, so following a fast stream stays cheap.
 */
export function filterLines(
  buf: OutputBuffer,
  query: string,
  stream: string,
  cache: FilterCache | undefined,
): FilterCache {
  const q = query.toLowerCase();
  let c = cache;
  if (!c || c.generation !== buf.generation || c.query !== q || c.stream !== stream)
    c = { generation: buf.generation, scanned: 0, query: q, stream, indices: [] };
  else c = { ...c, indices: c.indices };
  if (!q && stream === 'all') {
    // No filter: the identity mapping, built lazily by the reader.
    return { ...c, scanned: buf.length, indices: [] };
  }
  for (let i = c.scanned; i < buf.length; i++) {
    const line = buf.lines[i]!;
    if (stream !== 'all' && line.stream !== stream) continue;
    if (q && !line.text.toLowerCase().includes(q)) continue;
    c.indices.push(i);
  }
  c.scanned = buf.length;
  return c;
}
