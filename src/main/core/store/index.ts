import { agentMigrations, createAgentsStore } from './agents.js';
import { appLogMigrations, createAppLogsStore } from './app-logs.js';
import { counterMigrations, createCountersStore } from './counters.js';
import { type Db, type Migration, migrate, openDb, type OpenDbOptions } from './db.js';
import { heartbeatMigrations, createHeartbeatsStore } from './heartbeats.js';
import { createMcpAuditStore, mcpAuditMigrations } from './mcp-audit.js';
import { createNamespacesStore, namespaceMigrations } from './namespaces.js';
import { createProcessOutputStore, processOutputMigrations } from './process-output.js';
import { createPlotQueries } from './plot-series.js';
import { createProcessesStore, processMigrations } from './processes.js';
import { createRunLookups, createRunsStore, createRunStatesStore, runMigrations } from './runs.js';
import {
  createFastmonFilesStore,
  createStfFilesStore,
  createTfSlicesStore,
  stfFileMigrations,
} from './stf-files.js';
import { createStfProgressStore, stfProgressMigrations } from './stf-progress.js';
import { createSubscribersStore, subscriberMigrations } from './subscribers.js';
import { createTestbedQueries } from './testbed-queries.js';
import { createWorkflowMessagesStore, workflowMessageMigrations } from './workflow-messages.js';
import {
  createSystemStateEventsStore,
  createWorkflowDefinitionsStore,
  createWorkflowExecutionsStore,
  createWorkflowStagesStore,
  workflowMigrations,
} from './workflows.js';

/** Every module's migrations, in the order they apply (a module's list is append-only). */
export const ALL_MIGRATIONS: readonly Migration[] = [
  ...agentMigrations,
  ...heartbeatMigrations,
  ...appLogMigrations,
  ...counterMigrations,
  ...subscriberMigrations,
  ...namespaceMigrations,
  ...runMigrations,
  ...stfFileMigrations,
  ...workflowMigrations,
  ...workflowMessageMigrations,
  ...stfProgressMigrations,
  ...processMigrations,
  ...processOutputMigrations,
  ...mcpAuditMigrations,
];

export type Store = ReturnType<typeof createStoreModules> & { db: Db; close(): void };

function createStoreModules(db: Db) {
  return {
    agents: createAgentsStore(db),
    heartbeats: createHeartbeatsStore(db),
    appLogs: createAppLogsStore(db),
    counters: createCountersStore(db),
    subscribers: createSubscribersStore(db),
    namespaces: createNamespacesStore(db),
    runs: createRunsStore(db),
    runStates: createRunStatesStore(db),
    runLookups: createRunLookups(db),
    stfFiles: createStfFilesStore(db),
    fastmonFiles: createFastmonFilesStore(db),
    tfSlices: createTfSlicesStore(db),
    workflowDefinitions: createWorkflowDefinitionsStore(db),
    workflowExecutions: createWorkflowExecutionsStore(db),
    workflowStages: createWorkflowStagesStore(db),
    systemStateEvents: createSystemStateEventsStore(db),
    workflowMessages: createWorkflowMessagesStore(db),
    stfProgress: createStfProgressStore(db),
    processes: createProcessesStore(db),
    processOutput: createProcessOutputStore(db),
    mcpAudit: createMcpAuditStore(db),
    testbed: createTestbedQueries(db),
    plots: createPlotQueries(db),
  };
}

export function openStore(path: string, opts: OpenDbOptions = {}): Store {
  const db = openDb(path, opts);
  migrate(db, ALL_MIGRATIONS);
  return { db, ...createStoreModules(db), close: () => db.close() };
}
