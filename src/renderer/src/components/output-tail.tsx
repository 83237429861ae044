import { memo, useMemo, useRef, useState } from 'react';
import { filterLines, type FilterCache } from '../store/output-buffer';
import { outputBuffer, useUi } from '../store/ui-store';
import { formatTime } from '../format';
import { useFixedRows, useFollowEnd } from '../use-fixed-rows';

const ROW = 18;

/**
 * A program's live output: virtualised (100,000 lines scroll smoothly), following the end unless
 * paused or scrolled up, with a text search and a stream filter that scan only new lines.
 */
export const OutputTail = memo(function OutputTail({
  name,
  note,
}: {
  name: string;
  note: string | null;
}) {
  const version = useUi((s) => s.outputVersion);
  const buf = outputBuffer(useUi.getState(), name);
  const [query, setQuery] = useState('');
  const [stream, setStream] = useState('all');
  const [follow, setFollow] = useState(true);
  const cache = useRef<FilterCache | undefined>(undefined);
  const scrollRef = useRef<HTMLDivElement>(null);

  const filtered = useMemo(() => {
    cache.current = filterLines(buf, query, stream, cache.current);
    return cache.current;
    // `version` is the signal that `buf` grew; the buffer itself is mutated in place.
  }, [buf, query, stream, version, buf.generation, buf.length]);
  const identity = !query && stream === 'all';
  const count = identity ? buf.length : filtered.indices.length;

  const { first, last, total } = useFixedRows(scrollRef, count, ROW, 20);
  useFollowEnd(scrollRef, follow, total);
  const rows = [];
  for (let i = first; i < last; i++) {
    const line = buf.lines[identity ? i : filtered.indices[i]!];
    if (!line) continue;
    rows.push(
      <div
        key={i}
        className={`out-line ${line.stream}`}
        style={{ transform: `translateY(${i * ROW}px)`, height: ROW }}
      >
        <span className="ts">{formatTime(line.at)}</span>
        <span className="text">{line.text}</span>
      </div>,
    );
  }

  return (
    <div className="output-tail">
      <div className="toolbar">
        <input
          type="search"
          placeholder="Search output…"
          aria-label="Search output"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
        />
        <select value={stream} onChange={(e) => setStream(e.target.value)} aria-label="Stream">
          <option value="all">all streams</option>
          <option value="stdout">stdout</option>
          <option value="stderr">stderr</option>
          <option value="system">system</option>
        </select>
        <button type="button" aria-pressed={!follow} onClick={() => setFollow((f) => !f)}>
          {follow ? 'Pause' : 'Follow'}
        </button>
        <span className="muted" data-testid="output-count">
          {count.toLocaleString()} {identity ? 'lines' : `of ${buf.length.toLocaleString()} lines`}
        </span>
      </div>
      {note && count === 0 && (
        <p className="empty" role="status">
          {note}
        </p>
      )}
      <div
        className="output-lines"
        ref={scrollRef}
        tabIndex={0}
        aria-label={`Output of ${name}`}
        onWheel={(e) => {
          if (e.deltaY < 0 && follow) setFollow(false);
        }}
        onKeyDown={(e) => {
          if (['ArrowUp', 'PageUp', 'Home'].includes(e.key) && follow) setFollow(false);
        }}
      >
        <div style={{ height: total, position: 'relative' }}>{rows}</div>
      </div>
    </div>
  );
});
