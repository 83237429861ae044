import type { Db, Migration } from './db.js';
import { createResource } from './resource.js';

/** The monitor's FileStatus values. */
const FILE_STATUSES = ['registered', 'processing', 'processed', 'failed', 'done'] as const;

export const stfFileMigrations: Migration[] = [
  {
    id: 'stf-files-001-create',
    up: `CREATE TABLE stf_files (
      file_id TEXT PRIMARY KEY,
      run INTEGER REFERENCES runs(run_id) ON DELETE SET NULL,
      run_number INTEGER,
      machine_state TEXT NOT NULL DEFAULT 'physics',
      stf_filename TEXT NOT NULL UNIQUE,
      file_size_bytes INTEGER,
      checksum TEXT,
      created_at TEXT NOT NULL,
      status TEXT NOT NULL DEFAULT 'registered',
      metadata TEXT,
      workflow_id TEXT,
      daq_state TEXT,
      daq_substate TEXT,
      workflow_status TEXT,
      tf_count INTEGER
    );
    CREATE INDEX stf_files_run_number ON stf_files(run_number);
    CREATE INDEX stf_files_status ON stf_files(status);
    CREATE TABLE fastmon_files (
      tf_file_id TEXT PRIMARY KEY,
      stf_file TEXT NOT NULL,
      tf_filename TEXT NOT NULL UNIQUE,
      file_size_bytes INTEGER,
      checksum TEXT,
      status TEXT NOT NULL DEFAULT 'registered',
      metadata TEXT,
      tf_count INTEGER,
      tf_first INTEGER,
      tf_last INTEGER,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL
    );
    CREATE INDEX fastmon_files_stf ON fastmon_files(stf_file);
    CREATE TABLE tf_slices (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      fastmon_file TEXT NOT NULL,
      slice_id INTEGER NOT NULL,
      tf_first INTEGER,
      tf_last INTEGER,
      tf_count INTEGER,
      run_number INTEGER,
      status TEXT NOT NULL DEFAULT 'queued',
      retries INTEGER NOT NULL DEFAULT 0,
      metadata TEXT,
      assigned_worker TEXT,
      assigned_at TEXT,
      completed_at TEXT,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL,
      UNIQUE (fastmon_file, slice_id)
    );`,
  },
];

export const createStfFilesStore = (db: Db) =>
  createResource(db, {
    table: 'stf_files',
    pk: { name: 'file_id', kind: 'uuid' },
    columns: {
      run: { kind: 'int' },
      run_number: { kind: 'int' },
      machine_state: { kind: 'text', default: 'physics' },
      stf_filename: { kind: 'text', required: true, maxLength: 255 },
      file_size_bytes: { kind: 'int' },
      checksum: { kind: 'text', maxLength: 64 },
      created_at: { kind: 'time', readOnly: true },
      status: { kind: 'text', default: 'registered', choices: FILE_STATUSES },
      metadata: { kind: 'json' },
      workflow_id: { kind: 'text' },
      daq_state: { kind: 'text' },
      daq_substate: { kind: 'text' },
      workflow_status: { kind: 'text' },
      tf_count: { kind: 'int' },
    },
    filters: [
      'stf_filename',
      // The monitor filters through the linked run; our own agents also fill the run_number column.
      {
        name: 'run_number',
        kind: 'int',
        where:
          'run_number = @run_number OR run IN (SELECT run_id FROM runs WHERE run_number = @run_number)',
        pattern: /^\d+$/,
        invalid: 'must be an integer run number',
      },
      'status',
      {
        name: 'workflow_id',
        kind: 'text',
        where: 'workflow_id = @workflow_id',
        pattern: /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i,
        invalid: "must be a UUID; to select a workflow's files filter by run_number/status",
      },
      'run',
    ],
    order: 'created_at DESC, file_id',
    apiOrder: 'rowid',
    createdAt: 'created_at',
  });

export const createFastmonFilesStore = (db: Db) =>
  createResource(db, {
    table: 'fastmon_files',
    pk: { name: 'tf_file_id', kind: 'uuid' },
    columns: {
      stf_file: { kind: 'text', required: true, maxLength: 255 },
      tf_filename: { kind: 'text', required: true, maxLength: 255 },
      file_size_bytes: { kind: 'int' },
      checksum: { kind: 'text', maxLength: 64 },
      status: { kind: 'text', default: 'registered', choices: FILE_STATUSES },
      metadata: { kind: 'json' },
      tf_count: { kind: 'int' },
      tf_first: { kind: 'int' },
      tf_last: { kind: 'int' },
      created_at: { kind: 'time', readOnly: true },
      updated_at: { kind: 'time', readOnly: true },
    },
    filters: [
      'stf_file',
      'tf_filename',
      // `stf_file` holds the STF file name (the monitor's slug), so this is the parent's name.
      { name: 'stf_filename', kind: 'text', where: 'stf_file = @stf_filename' },
      'status',
    ],
    order: 'created_at DESC, tf_file_id',
    apiOrder: 'rowid',
    createdAt: 'created_at',
    updatedAt: 'updated_at',
  });

export const createTfSlicesStore = (db: Db) =>
  createResource(db, {
    table: 'tf_slices',
    pk: { name: 'id', kind: 'auto' },
    columns: {
      fastmon_file: { kind: 'text', required: true },
      slice_id: { kind: 'int', required: true },
      tf_first: { kind: 'int' },
      tf_last: { kind: 'int' },
      tf_count: { kind: 'int' },
      run_number: { kind: 'int' },
      status: { kind: 'text', default: 'queued' },
      retries: { kind: 'int', default: 0 },
      metadata: { kind: 'json' },
      assigned_worker: { kind: 'text' },
      assigned_at: { kind: 'time' },
      completed_at: { kind: 'time' },
      created_at: { kind: 'time', readOnly: true },
      updated_at: { kind: 'time', readOnly: true },
    },
    filters: [
      'id',
      'fastmon_file',
      {
        name: 'fastmon_file_id',
        kind: 'text',
        where:
          'fastmon_file IN (SELECT tf_filename FROM fastmon_files WHERE tf_file_id = @fastmon_file_id)',
      },
      'run_number',
      'status',
      {
        name: 'fastmon_file__stf_file__stf_filename',
        kind: 'text',
        where:
          'fastmon_file IN (SELECT tf_filename FROM fastmon_files WHERE stf_file = @fastmon_file__stf_file__stf_filename)',
      },
      'assigned_worker',
      {
        name: 'fastmon_file__tf_filename',
        kind: 'text',
        where: 'fastmon_file = @fastmon_file__tf_filename',
      },
      'slice_id',
    ],
    order: 'id',
    createdAt: 'created_at',
    updatedAt: 'updated_at',
  });
