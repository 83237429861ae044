import { useEffect, useState } from 'react';
import {
  type BrowseCommandName,
  type BrowseResult,
  browseResultSchemas,
} from '../../../shared/browse-protocol';
import type { UiCommandArgs } from '../../../shared/ui-protocol';
import { sendCommand } from './socket';
import { useUi } from './ui-store';

export interface BrowseState<K extends BrowseCommandName> {
  data: BrowseResult<K> | null;
  error: string | null;
  loading: boolean;
}

/**
 * One store read through `/ws/ui`, asked again when its arguments change, when the connection
 * comes back, and every `refreshMs` (the first page of a list follows new rows). The answer is
 * checked against the shared result schema before a view sees it.
 */
export function useBrowse<K extends BrowseCommandName>(
  command: K,
  args: UiCommandArgs<K> | null,
  refreshMs = 0,
): BrowseState<K> {
  const synced = useUi((s) => s.synced);
  const [state, setState] = useState<BrowseState<K>>({ data: null, error: null, loading: true });
  const key = args === null ? null : JSON.stringify(args);
  useEffect(() => {
    if (!synced || key === null) return;
    let live = true;
    let timer: number | undefined;
    const ask = async () => {
      setState((s) => ({ ...s, loading: true }));
      const r = await sendCommand(command, JSON.parse(key) as UiCommandArgs<K>);
      if (!live) return;
      if (!r.ok) setState({ data: null, error: r.error ?? 'failed', loading: false });
      else {
        const parsed = browseResultSchemas[command].safeParse(r.data);
        setState(
          parsed.success
            ? { data: parsed.data as BrowseResult<K>, error: null, loading: false }
            : { data: null, error: `unexpected answer: ${parsed.error.message}`, loading: false },
        );
      }
      if (live && refreshMs > 0) timer = window.setTimeout(() => void ask(), refreshMs);
    };
    void ask();
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [command, key, synced, refreshMs]);
  return state;
}

/** Start of a "last N seconds" window, as the ISO time the store compares with. */
export const sinceLast = (seconds: string | undefined): string | undefined => {
  const n = Number(seconds);
  return seconds && Number.isFinite(n) && n > 0
    ? new Date(Date.now() - n * 1000).toISOString()
    : undefined;
};
