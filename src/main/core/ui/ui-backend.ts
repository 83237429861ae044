import { programOfAgent } from '../../../shared/agent-program.js';
import { runStats } from '../monitor/run-stats.js';
import { workflowPresets } from '../monitor/workflow-presets.js';
import type { Store } from '../store/index.js';
import type { Supervisor } from '../supervisor/supervisor.js';
import type { WorkflowControlResult } from '../../../shared/workflow-control-result.js';
import type { WorkflowCommands } from '../workflow-commands.js';
import type { UiChannel } from './ui-channel.js';

export interface UiBackend {
  supervisor: Supervisor;
  store: Store;
  /** Starts and stops workflows with the DAQ simulator's answer (the same path as MCP). */
  workflow: WorkflowCommands;
}

/** Connects the UI's commands to the supervisor, the broker and the stores. */
export function registerUiBackend(ui: UiChannel, b: UiBackend) {
  const { supervisor: sup, store } = b;
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
  // The UI shows a refusal's reason as the command's error and an accepted result as it is.
  const verdict = async (ask: () => Promise<WorkflowControlResult>) => {
    const result = await ask();
    if (!result.accepted) throw new Error(result.reason ?? 'the DAQ simulator refused');
    return result;
  };
  ui.registerCommand('run.start', (a) =>
    verdict(() =>
      b.workflow.start(
        {
          workflow_name: a.workflowName ?? 'stf_datataking',
          config: a.config,
          realtime: a.realtime,
          duration: 0,
          // A period length without a count is duration mode, which the simulator (as the
          // testbed runner) takes from an STF count of 0; otherwise the config's count would win.
          stf_count: a.stfCount ?? (a.physicsPeriodSeconds !== undefined ? 0 : undefined),
          physics_period_count: a.physicsPeriods,
          physics_period_duration: a.physicsPeriodSeconds,
          standby_duration: a.standbySeconds,
          stf_interval: a.stfIntervalSeconds,
        },
        'ui',
      ),
    ),
  );
  ui.registerCommand('run.stop', (a) =>
    verdict(() => b.workflow.stop({ execution_id: a.executionId }, 'ui')),
  );
}
