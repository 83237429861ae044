import { programOfAgent } from '../../../shared/agent-program.js';
import type { Config } from '../config.js';
import { runStats } from '../monitor/run-stats.js';
import { workflowPresets } from '../monitor/workflow-presets.js';
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
  ui.setProcessProvider(() => sup.list());
  // The UI names a fleet row by its agent's instance name; a supervised program is found by the agent's pid.
  const programOf = (target: string) =>
    programOfAgent(target, store.agents.get(target)?.pid, sup.list())?.name ?? target;
  ui.registerCommand('process.start', (a) => sup.start(programOf(a.target)));
  ui.registerCommand('process.stop', (a) => sup.stop(programOf(a.target)));
  ui.registerCommand('process.restart', (a) => sup.restart(programOf(a.target)));
  ui.registerCommand('process.startAll', () => sup.start('all'));
  ui.registerCommand('process.stopAll', () => sup.stop('all'));
  ui.registerCommand('process.restartAll', () => sup.restart('all'));
  const uiLines = (rows: { at: string; stream: 'stdout' | 'stderr'; line: string }[]) => ({
    lines: rows.map((r) => ({ at: r.at, stream: r.stream, text: r.line })),
  });
  ui.registerCommand('output.tail', (a) => uiLines(sup.tail(programOf(a.target), a.lines)));
  ui.registerCommand('output.search', async (a) =>
    uiLines(await sup.search(programOf(a.target), a.query, { limit: a.limit })),
  );
  ui.registerCommand('workflows.presets', () => ({ presets: workflowPresets() }));
  ui.registerCommand('run.stats', (a) => runStats(store, a.runNumber));
  ui.registerCommand('mcp.audit', (a) => store.mcpAudit.query({ limit: a.limit }));
  ui.registerCommand('run.start', async (a) => {
    const message = runWorkflowMessage({
      namespace: config.namespace,
      workflowName: a.workflowName,
      config: a.config,
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
