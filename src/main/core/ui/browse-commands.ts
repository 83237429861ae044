import {
  type BrowseArgs,
  type BrowseCommandName,
  type BrowseResult,
  stfFileRowSchema,
  tfSampleRowSchema,
} from '../../../shared/browse-protocol.js';
import type { Store } from '../store/index.js';
import type { UiChannel } from './ui-channel.js';

type Handlers = { [K in BrowseCommandName]: (a: BrowseArgs<K>) => BrowseResult<K> };

/** Only the filters a browser set (an empty text box filters nothing). */
const given = (filters: Record<string, string | number | undefined>) =>
  Object.fromEntries(
    Object.entries(filters).filter(([, v]) => v !== undefined && v !== ''),
  ) as Record<string, string | number>;

/** The store's reads behind the record browsers and the plots, one handler per command. */
export function browseHandlers(store: Store, now: () => number = Date.now): Handlers {
  return {
    'browse.executions': (a) =>
      store.testbed.executions({
        status: a.status,
        executedBy: a.executedBy,
        since: a.since,
        until: a.until,
        limit: a.limit,
        offset: a.offset,
      }),
    'browse.execution': (a) => {
      const execution = store.testbed.execution(a.executionId);
      if (!execution) throw new Error(`no workflow execution "${a.executionId}"`);
      const runNumbers = new Set([
        ...store.runLookups.runNumbersOfExecution(a.executionId),
        ...store.testbed.runNumbersOfExecution(a.executionId),
      ]);
      return {
        execution,
        runNumbers: [...runNumbers].sort((x, y) => x - y),
        senders: store.testbed.sendersOfExecution(a.executionId).sort(),
        messageCount: store.workflowMessages.query({ executionId: a.executionId, limit: 1 }).total,
        logCount: store.appLogs.query({ executionId: a.executionId, limit: 1 }).total,
      };
    },
    'browse.messages': (a) => store.workflowMessages.query(a),
    'browse.logs': (a) => store.appLogs.query(a),
    'browse.stfFiles': (a) => {
      const page = store.stfFiles.list(
        given({ run_number: a.runNumber, status: a.status, stf_filename: a.stfFilename }),
        a.limit,
        a.offset,
      );
      return { items: page.items.map((r) => stfFileRowSchema.parse(r)), total: page.total };
    },
    'browse.tfSamples': (a) => {
      const page = store.fastmonFiles.list(
        given({ stf_filename: a.stfFilename, status: a.status }),
        a.limit,
        a.offset,
      );
      return { items: page.items.map((r) => tfSampleRowSchema.parse(r)), total: page.total };
    },
    'browse.tfSlices': (a) => store.testbed.tfSlices(a),
    'plots.series': (a) => store.plots.series(a, now()),
  };
}

export function registerBrowseCommands(ui: UiChannel, store: Store) {
  const handlers = browseHandlers(store);
  for (const name of Object.keys(handlers) as BrowseCommandName[])
    ui.registerCommand(name, handlers[name] as (a: unknown) => unknown);
}
