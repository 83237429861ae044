import type { Config } from '../config.js';
import type { Store } from '../store/index.js';
import type { Supervisor } from '../supervisor/supervisor.js';
import { runWorkflowMessage, stopWorkflowMessage } from '../workflow-control.js';
import type { UiChannel } from './ui-channel.js';

export interface UiBackend {
  supervisor: Supervisor;
  store: Store;
  config: Config;
  /** Publishes a JSON body through the core's broker (embedded or external). */
  send(destination: string, body: string): Promise<void>;
}

/** Connects the UI's commands to the supervisor, the broker and the stores. */
export function registerUiBackend(ui: UiChannel, b: UiBackend) {
  const { supervisor: sup, store, config } = b;
  const startedAt = (uptime: number | null) =>
    uptime === null ? null : new Date(Date.now() - uptime * 1000).toISOString();
  ui.setProcessProvider(() =>
    sup.list().map((p) => ({
      name: p.name,
      state: p.state,
      pid: p.pid,
      startedAt: startedAt(p.uptimeSeconds),
      restarts:
        store.processes
          .transitions({ program: p.name, limit: 1000 })
          .filter((t) => t.to_state === 'STARTING').length - 1,
      exitCode: p.exitCode,
      reason: p.reason,
      cpuPercent: p.cpuPercent,
      rssBytes: p.rssBytes,
    })),
  );
  ui.registerCommand('process.start', (a) => sup.start(a.target));
  ui.registerCommand('process.stop', (a) => sup.stop(a.target));
  ui.registerCommand('process.restart', (a) => sup.restart(a.target));
  ui.registerCommand('process.startAll', () => sup.start('all'));
  ui.registerCommand('process.stopAll', () => sup.stop('all'));
  ui.registerCommand('process.restartAll', () => sup.restart('all'));
  ui.registerCommand('output.tail', (a) => sup.tail(a.target, a.lines));
  ui.registerCommand('output.search', (a) => sup.search(a.target, a.query, { limit: a.limit }));
  ui.registerCommand('mcp.audit', (a) => store.mcpAudit.query({ limit: a.limit }));
  ui.registerCommand('run.start', async (a) => {
    const message = runWorkflowMessage({
      namespace: config.namespace,
      realtime: a.realtime,
      params: {
        stf_count: a.stfCount,
        physics_period_count: a.physicsPeriods,
        physics_period_duration: a.physicsPeriodSeconds,
        standby_duration: a.standbySeconds,
        stf_interval: a.stfIntervalSeconds,
      },
      source: 'ui',
    });
    await b.send(config.workflowControlQueue, JSON.stringify(message));
    return message;
  });
  ui.registerCommand('run.stop', async (a) => {
    const message = stopWorkflowMessage({
      namespace: config.namespace,
      executionId: a.executionId,
      source: 'ui',
    });
    await b.send(config.workflowControlQueue, JSON.stringify(message));
    return message;
  });
}
