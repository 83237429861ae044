import type { CoreEventMap, CoreEventName } from '../events.js';

/**
 * The UI protocol (src/shared/ui-protocol.ts) is its own contract; most bus events already have
 * its shape, some do not. This is the one place that translates: a process transition becomes the
 * process's new state, a metrics sample one event per process, output lines `text`, and a run's
 * STF counts the pipeline stages the Runs view draws.
 */
export function toUiEvents<K extends CoreEventName>(
  name: K,
  payload: CoreEventMap[K],
): { name: string; payload: unknown }[] {
  switch (name) {
    case 'process.state': {
      const p = payload as CoreEventMap['process.state'];
      return [
        {
          name,
          payload: {
            name: p.name,
            state: p.to,
            pid: p.pid,
            exitCode: p.exitCode,
            reason: p.reason,
            at: p.at,
          },
        },
      ];
    }
    case 'process.metrics': {
      const m = payload as CoreEventMap['process.metrics'];
      return m.processes.map((p) => ({
        name,
        payload: { name: p.name, pid: p.pid, cpuPercent: p.cpuPercent, rssBytes: p.rssBytes },
      }));
    }
    case 'process.output': {
      const o = payload as CoreEventMap['process.output'];
      return [
        {
          name,
          payload: {
            name: o.name,
            lines: o.lines.map((l) => ({ at: l.at, stream: l.stream, text: l.line })),
          },
        },
      ];
    }
    case 'run.progress': {
      const r = payload as CoreEventMap['run.progress'];
      const stage = (done: number) => ({ done, total: null });
      return [
        {
          name,
          payload: {
            ...r,
            stages: {
              daq: stage(r.stf.generated),
              data: stage(r.stf.ready),
              processing: stage(r.stf.processed),
              fastmon: stage(r.stf.fastmon),
            },
          },
        },
      ];
    }
    default:
      return [{ name, payload }];
  }
}
