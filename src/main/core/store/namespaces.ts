import type { Db, Migration } from './db.js';
import { createResource } from './resource.js';

export const namespaceMigrations: Migration[] = [
  {
    id: 'namespaces-001-create',
    up: `CREATE TABLE namespaces (
      name TEXT PRIMARY KEY,
      owner TEXT NOT NULL,
      description TEXT NOT NULL DEFAULT '',
      metadata TEXT,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL
    );`,
  },
];

export function createNamespacesStore(db: Db) {
  const resource = createResource(db, {
    table: 'namespaces',
    pk: { name: 'name', kind: 'given' },
    columns: {
      owner: { kind: 'text', required: true, maxLength: 100 },
      description: { kind: 'text', default: '' },
      metadata: { kind: 'json' },
      created_at: { kind: 'time', readOnly: true },
      updated_at: { kind: 'time', readOnly: true },
    },
    filters: ['owner'],
    order: 'name',
    createdAt: 'created_at',
    updatedAt: 'updated_at',
  });
  return {
    ...resource,
    /** `POST /api/namespaces/ensure/`: create if absent, report whether it was created. */
    ensure(body: { name: string; owner: string; description?: string }, now: string) {
      const existing = resource.get(body.name);
      if (existing) return { row: existing, created: false };
      return { row: resource.create(body, now), created: true };
    },
  };
}
