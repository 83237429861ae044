import { z } from 'zod';
import type { Row } from '../../store/resource.js';
import type { McpDeps } from '../deps.js';
import { pageInput, pageOf, pageSchema } from '../paging.js';
import { inWindow, isoTime, timeWindow } from '../time-filters.js';
import { defineTool, ToolInputError, type AnyToolDef } from '../tool-kit.js';
import { anyRow, READ, summarisePayload } from './common.js';

/** Data-taking runs with their live state and STF counts. */
export function runTools(deps: McpDeps): AnyToolDef[] {
  const { store } = deps;

  const stfCount = (runNumber: unknown) =>
    typeof runNumber === 'number' ? store.stfFiles.list({ run_number: runNumber }, 0).total : 0;

  /**
   * Where the run is now. run_conditions hold what the run was announced with (beam / not_ready
   * at run_imminent), so they are no state; the recorder's run state is, and an end time ends it.
   */
  const currentState = (r: Row) => {
    const rs = store.runStates.get(String(r.run_number));
    if (r.end_time || rs?.state === 'ended')
      return { status: 'ended' as const, phase: 'completed', state: 'ended', substate: '' };
    if (!rs) return { status: 'unknown' as const, phase: null, state: null, substate: null };
    return {
      status: rs.phase === 'initializing' ? ('imminent' as const) : ('running' as const),
      phase: String(rs.phase),
      state: String(rs.state),
      substate: String(rs.substate),
    };
  };

  const runItem = (r: Row) => {
    const start = typeof r.start_time === 'string' ? Date.parse(r.start_time) : NaN;
    const end = typeof r.end_time === 'string' ? Date.parse(r.end_time) : NaN;
    return {
      ...r,
      current_state: currentState(r),
      duration_seconds: Number.isNaN(start)
        ? null
        : ((Number.isNaN(end) ? Date.now() : end) - start) / 1000,
      stf_file_count: stfCount(r.run_number),
    };
  };

  const listRuns = defineTool({
    name: 'swf_list_runs',
    title: 'List runs',
    description:
      'Data-taking runs, newest first, each with duration_seconds (to now while running), stf_file_count and current_state ' +
      '(status imminent, running, ended or unknown, with phase/state/substate); run_conditions are the conditions the run was announced with, not its state. ' +
      'Filter by start_time/end_time on the run start (default: the last 7 days). Returns {items, total_count, has_more}.',
    input: z.object({
      start_time: isoTime('earliest run start').optional(),
      end_time: isoTime('latest run start').optional(),
      ...pageInput(100, 50),
    }),
    output: pageSchema(anyRow),
    annotations: READ,
    run(args) {
      const w = timeWindow(args.start_time, args.end_time, 7 * 24 * 3600);
      const runs = store.runs
        .list({})
        .items.filter((r) => inWindow(r.start_time as string | null, w));
      const p = pageOf(runs, args.limit, args.offset);
      return { ...p, items: p.items.map(runItem) };
    },
  });

  const getRun = defineTool({
    name: 'swf_get_run',
    title: 'Get one run',
    description:
      'One run by run_number: the run row with current_state (as in swf_list_runs), its live run state (phase, state, slice counters) when known, ' +
      'STF file counts per status, and the 20 newest workflow messages for that run.',
    input: z.object({ run_number: z.number().int().min(0).describe('e.g. 100123') }),
    output: z.object({
      run: anyRow,
      run_state: anyRow.nullable(),
      file_stats: z.record(z.string(), z.number().int()),
      recent_messages: z.array(anyRow),
    }),
    annotations: READ,
    run(args) {
      const run = store.runs.list({ run_number: args.run_number }, 1).items[0];
      if (!run)
        throw new ToolInputError(
          `No run ${args.run_number}. Call swf_list_runs (widen start_time for older runs) for the known run numbers.`,
        );
      const files = store.stfFiles.list({ run_number: args.run_number }).items;
      const stats: Record<string, number> = {};
      for (const f of files) stats[String(f.status)] = (stats[String(f.status)] ?? 0) + 1;
      const messages = store.workflowMessages.query({ runId: String(args.run_number), limit: 20 });
      return {
        run: runItem(run),
        run_state: store.runStates.get(String(args.run_number)) ?? null,
        file_stats: stats,
        recent_messages: messages.items.map((m) => ({
          message_type: m.message_type,
          sender_agent: m.sender_agent,
          sent_at: m.sent_at,
          payload_summary: summarisePayload(m.message_content),
        })),
      };
    },
  });

  return [listRuns, getRun];
}
