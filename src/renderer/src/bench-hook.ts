import type { OutputLine } from '../../shared/ui-protocol';
import { injectEvents } from './store/socket';
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
  let synthetic: number | undefined;
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
    /**
     * Heartbeats for every known agent, `perSecond` in total, as the core would send them
     * (agent.changed + agent.heartbeat per beat), in 10 slices a second through the socket path.
     * For measuring the renderer when the core on the same box cannot ingest that many.
     */
    startSyntheticHeartbeats(perSecond: number) {
      let next = 0;
      clearInterval(synthetic);
      synthetic = window.setInterval(() => {
        const agents = Object.values(useUi.getState().agents);
        if (agents.length === 0) return;
        const at = new Date().toISOString();
        const events: { name: string; payload: unknown }[] = [];
        for (let k = 0; k < perSecond / 10; k++) {
          const a = agents[next++ % agents.length]!;
          const agent: Record<string, unknown> = { ...a };
          delete agent.liveness;
          events.push({
            name: 'agent.changed',
            payload: { agent: { ...agent, last_heartbeat: at, updated_at: at }, created: false },
          });
          events.push({
            name: 'agent.heartbeat',
            payload: {
              instanceName: a.instance_name,
              status: a.status,
              operationalState: a.operational_state,
              source: 'rest',
              at,
            },
          });
        }
        injectEvents(events);
      }, 100);
    },
    stopSyntheticHeartbeats() {
      clearInterval(synthetic);
    },
    emit(name: string, payload: unknown) {
      applyEvents([{ name, payload }]);
    },
    state: () => useUi.getState(),
  };
}
