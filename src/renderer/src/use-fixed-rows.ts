import { type RefObject, useEffect, useLayoutEffect, useState } from 'react';

/**
 * Windowing for lists whose rows all have one height (output lines, the heartbeat log): the
 * visible range is arithmetic, so the cost is O(visible rows) however long the list grows and
 * however often it grows. (A general virtualiser re-measures every row when the count changes,
 * which at 100,000 lines and 60 appends a second is the frame budget gone.)
 */
export function useFixedRows(
  ref: RefObject<HTMLElement | null>,
  count: number,
  rowHeight: number,
  overscan = 10,
) {
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(600);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    setHeight(el.clientHeight);
    const onScroll = () => setScrollTop(el.scrollTop);
    el.addEventListener('scroll', onScroll, { passive: true });
    const ro = new ResizeObserver(() => setHeight(el.clientHeight));
    ro.observe(el);
    return () => {
      el.removeEventListener('scroll', onScroll);
      ro.disconnect();
    };
  }, [ref]);
  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - overscan);
  const last = Math.min(count, Math.ceil((scrollTop + height) / rowHeight) + overscan);
  return { first, last, total: count * rowHeight };
}

/** Keeps a scroll container pinned to its end while `follow` is on. */
export function useFollowEnd(ref: RefObject<HTMLElement | null>, follow: boolean, total: number) {
  useEffect(() => {
    const el = ref.current;
    if (follow && el) el.scrollTop = el.scrollHeight;
  }, [ref, follow, total]);
}
