import type { OutputLine } from '../../shared/ui-protocol';
import { applyEvents, useUi } from './store/ui-store';

/**
 * Bench/test mode only (`?bench=1` in the URL): lets `bench/ui.ts` and the e2e suite feed events
 * that no backend of this build produces yet (supervisor output and states, recorder messages),
 * through the same path server events take (`applyEvents`, with per-name payload validation).
 * Never installed otherwise.
 */
export function installBenchHook() {
  if (!new URLSearchParams(window.location.search).has('bench')) return;
  let seq = 0;
  (window as unknown as { __swfBench: unknown }).__swfBench = {
    feedOutput(name: string, count: number, perBatch = 1000) {
      const at = new Date().toISOString();
      for (let done = 0; done < count; done += perBatch) {
        const lines: OutputLine[] = [];
        for (let i = 0; i < Math.min(perBatch, count - done); i++) {
          seq++;
          lines.push({
            seq,
            at,
            stream: seq % 7 === 0 ? 'stderr' : 'stdout',
            text: `line ${seq}: processed swf.100123.${String(seq % 100000).padStart(6, '0')}.stf in ${seq % 97} ms`,
          });
        }
        applyEvents([{ name: 'process.output', payload: { name, lines } }]);
      }
    },
    emit(name: string, payload: unknown) {
      applyEvents([{ name, payload }]);
    },
    state: () => useUi.getState(),
  };
}
