import type { Db, Migration } from './db.js';
import { createResource } from './resource.js';

export const workflowMigrations: Migration[] = [
  {
    id: 'workflows-001-create',
    up: `CREATE TABLE workflow_definitions (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      workflow_name TEXT NOT NULL,
      version TEXT NOT NULL,
      workflow_type TEXT NOT NULL DEFAULT '',
      definition TEXT NOT NULL DEFAULT '',
      parameter_values TEXT,
      created_by TEXT NOT NULL DEFAULT '',
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL,
      UNIQUE (workflow_name, version)
    );
    CREATE TABLE workflow_executions (
      execution_id TEXT PRIMARY KEY,
      workflow_definition INTEGER,
      namespace TEXT,
      parameter_values TEXT,
      performance_metrics TEXT,
      status TEXT NOT NULL DEFAULT 'pending',
      start_time TEXT,
      end_time TEXT,
      executed_by TEXT
    );
    CREATE INDEX workflow_executions_status ON workflow_executions(status);
    CREATE TABLE workflow_stages (
      stage_id TEXT PRIMARY KEY,
      workflow TEXT,
      agent_name TEXT NOT NULL,
      agent_type TEXT NOT NULL,
      status TEXT NOT NULL DEFAULT '',
      received_at TEXT,
      started_at TEXT,
      completed_at TEXT,
      failed_at TEXT,
      processing_time_seconds REAL,
      failure_reason TEXT,
      input_message TEXT,
      output_message TEXT,
      stage_metadata TEXT
    );
    CREATE TABLE system_state_events (
      event_id INTEGER PRIMARY KEY AUTOINCREMENT,
      timestamp TEXT NOT NULL,
      run_number INTEGER,
      event_type TEXT NOT NULL,
      state TEXT NOT NULL DEFAULT '',
      substate TEXT NOT NULL DEFAULT '',
      event_data TEXT
    );`,
  },
  {
    // The monitor's SystemStateEvent allows a null substate; SQLite cannot relax NOT NULL in place.
    id: 'workflows-002-state-event-substate-nullable',
    up: `CREATE TABLE system_state_events_new (
      event_id INTEGER PRIMARY KEY AUTOINCREMENT,
      timestamp TEXT NOT NULL,
      run_number INTEGER,
      event_type TEXT NOT NULL,
      state TEXT NOT NULL DEFAULT '',
      substate TEXT DEFAULT '',
      event_data TEXT
    );
    INSERT INTO system_state_events_new SELECT * FROM system_state_events;
    DROP TABLE system_state_events;
    ALTER TABLE system_state_events_new RENAME TO system_state_events;`,
  },
];

export const createWorkflowDefinitionsStore = (db: Db) =>
  createResource(db, {
    table: 'workflow_definitions',
    pk: { name: 'id', kind: 'auto' },
    columns: {
      workflow_name: { kind: 'text', required: true, maxLength: 200 },
      version: { kind: 'text', required: true, maxLength: 50 },
      workflow_type: { kind: 'text', default: '' },
      definition: { kind: 'text', default: '' },
      parameter_values: { kind: 'json' },
      created_by: { kind: 'text', default: '' },
      created_at: { kind: 'time', readOnly: true },
      updated_at: { kind: 'time', readOnly: true },
    },
    filters: ['workflow_name', 'version'],
    order: 'id',
    createdAt: 'created_at',
    updatedAt: 'updated_at',
  });

export const createWorkflowExecutionsStore = (db: Db) =>
  createResource(db, {
    table: 'workflow_executions',
    pk: { name: 'execution_id', kind: 'given' },
    columns: {
      workflow_definition: { kind: 'int' },
      namespace: { kind: 'text' },
      parameter_values: { kind: 'json' },
      performance_metrics: { kind: 'json' },
      status: { kind: 'text', default: 'pending' },
      start_time: { kind: 'time' },
      end_time: { kind: 'time' },
      executed_by: { kind: 'text' },
    },
    filters: ['status', 'namespace', 'executed_by'],
    order: 'start_time DESC, execution_id DESC',
  });

export const createWorkflowStagesStore = (db: Db) =>
  createResource(db, {
    table: 'workflow_stages',
    pk: { name: 'stage_id', kind: 'uuid' },
    columns: {
      workflow: { kind: 'text' },
      agent_name: { kind: 'text', required: true },
      agent_type: { kind: 'text', required: true },
      status: { kind: 'text', default: '' },
      received_at: { kind: 'time' },
      started_at: { kind: 'time' },
      completed_at: { kind: 'time' },
      failed_at: { kind: 'time' },
      processing_time_seconds: { kind: 'real' },
      failure_reason: { kind: 'text' },
      input_message: { kind: 'json' },
      output_message: { kind: 'json' },
      stage_metadata: { kind: 'json' },
    },
    filters: ['workflow', 'agent_name', 'status'],
    order: 'received_at',
  });

export const createSystemStateEventsStore = (db: Db) =>
  createResource(db, {
    table: 'system_state_events',
    pk: { name: 'event_id', kind: 'auto' },
    columns: {
      timestamp: { kind: 'time', required: true },
      run_number: { kind: 'int' },
      event_type: { kind: 'text', required: true },
      state: { kind: 'text', default: '', notNull: true },
      substate: { kind: 'text', default: '' },
      event_data: { kind: 'json' },
    },
    filters: ['run_number', 'event_type', 'state'],
    order: 'event_id DESC',
    apiOrder: 'event_id',
  });
