import type { Db, Migration } from './db.js';
import { createResource } from './resource.js';

export const subscriberMigrations: Migration[] = [
  {
    id: 'subscribers-001-create',
    up: `CREATE TABLE subscribers (
      subscriber_id INTEGER PRIMARY KEY AUTOINCREMENT,
      subscriber_name TEXT NOT NULL UNIQUE,
      fraction REAL,
      description TEXT NOT NULL DEFAULT '',
      is_active INTEGER NOT NULL DEFAULT 1,
      delivery_type TEXT NOT NULL DEFAULT 'activemq',
      message_filters TEXT,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL
    );`,
  },
];

export const createSubscribersStore = (db: Db) =>
  createResource(db, {
    table: 'subscribers',
    pk: { name: 'subscriber_id', kind: 'auto' },
    columns: {
      subscriber_name: { kind: 'text', required: true, maxLength: 255 },
      fraction: { kind: 'real' },
      description: { kind: 'text', default: '' },
      is_active: { kind: 'bool', default: true },
      delivery_type: { kind: 'text', default: 'activemq', choices: ['activemq', 'sse'] },
      message_filters: { kind: 'json' },
      created_at: { kind: 'time', readOnly: true },
      updated_at: { kind: 'time', readOnly: true },
    },
    filters: ['subscriber_name', 'is_active', 'delivery_type'],
    order: 'subscriber_id',
    createdAt: 'created_at',
    updatedAt: 'updated_at',
  });
