import type { OutputLine } from '../../shared/ui-protocol';
import { applyEvents, useUi } from './store/ui-store';

/**
 * Bench mode only (`?bench=1` in the URL): lets `bench/ui.ts` feed output lines as if the
 * supervisor had sent them, through the same event path (`process.output`), while no supervisor
 * exists in this build. Never installed otherwise.
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
    state: () => useUi.getState(),
  };
}
