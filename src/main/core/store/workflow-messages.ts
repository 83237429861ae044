import type { Db, Migration } from './db.js';
import { selectPage, Where } from './query.js';
import { uuidv7 } from './uuid7.js';
import { fromStoredJson, storableJson, storableJsonAsSent } from '../../../shared/json-limits.js';

export const workflowMessageMigrations: Migration[] = [
  {
    id: 'workflow-messages-001-create',
    up: `CREATE TABLE workflow_messages (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      message_id TEXT NOT NULL UNIQUE,
      message_type TEXT NOT NULL,
      sender_agent TEXT,
      recipient_agent TEXT,
      namespace TEXT,
      execution_id TEXT,
      run_id TEXT,
      queue_name TEXT NOT NULL,
      message_content TEXT NOT NULL,
      sent_at TEXT NOT NULL
    );
    CREATE INDEX workflow_messages_type ON workflow_messages(message_type);
    CREATE INDEX workflow_messages_execution ON workflow_messages(execution_id);
    CREATE INDEX workflow_messages_run ON workflow_messages(run_id);
    CREATE INDEX workflow_messages_sent_at ON workflow_messages(sent_at);`,
  },
];

export interface WorkflowMessageInput {
  message_type: string;
  sender_agent: string | null;
  recipient_agent: string | null;
  namespace: string | null;
  execution_id: string | null;
  run_id: string | null;
  queue_name: string;
  message_content: unknown;
}

export interface WorkflowMessageRecord extends WorkflowMessageInput {
  id: number;
  message_id: string;
  sent_at: string;
}

export interface WorkflowMessageQuery {
  messageType?: string;
  sender?: string;
  namespace?: string;
  executionId?: string;
  runId?: string;
  /** Messages about one STF file: its `filename`, or `stf_filename` for a TF sample. */
  stfFilename?: string;
  since?: string;
  until?: string;
  limit?: number;
  offset?: number;
  /** Oldest first (the monitor's order for one execution's messages); newest first otherwise. */
  oldestFirst?: boolean;
}

type Row = Omit<WorkflowMessageRecord, 'message_content'> & { message_content: string };
const toRecord = (r: Row): WorkflowMessageRecord => ({
  ...r,
  message_content: fromStoredJson(r.message_content),
});

export function createWorkflowMessagesStore(db: Db) {
  const insert = db.prepare(
    `INSERT INTO workflow_messages (message_id, message_type, sender_agent, recipient_agent, namespace,
       execution_id, run_id, queue_name, message_content, sent_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  return {
    /** `sentText`: the JSON text `message_content` was parsed from, stored as it is if it can be. */
    append(msg: WorkflowMessageInput, now: string, sentText?: string): WorkflowMessageRecord {
      // The recorder appends tens of thousands a second: positional binding (named binding from
      // a spread object measured twice as slow) and time-ordered ids (a random UUID lands on a
      // random page of the unique index; v7 appends, ~40% less insert time measured).
      const messageId = uuidv7();
      const content =
        sentText === undefined
          ? storableJson(msg.message_content)
          : storableJsonAsSent(msg.message_content, sentText);
      const info = insert.run(
        messageId,
        msg.message_type,
        msg.sender_agent,
        msg.recipient_agent,
        msg.namespace,
        msg.execution_id,
        msg.run_id,
        msg.queue_name,
        content.text,
        now,
      );
      return {
        ...msg,
        message_content: content.value,
        id: Number(info.lastInsertRowid),
        message_id: messageId,
        sent_at: now,
      };
    },

    /** Newest first unless `oldestFirst`. */
    query(q: WorkflowMessageQuery = {}): { items: WorkflowMessageRecord[]; total: number } {
      const where = new Where()
        .eq('message_type', q.messageType)
        .eq('sender_agent', q.sender)
        .eq('namespace', q.namespace)
        .eq('execution_id', q.executionId)
        .eq('run_id', q.runId)
        .when(
          `CASE WHEN json_valid(message_content) THEN
             json_extract(message_content, '$.filename') = @stfFilename
             OR json_extract(message_content, '$.stf_filename') = @stfFilename END`,
          'stfFilename',
          q.stfFilename,
        )
        .when('sent_at >= @since', 'since', q.since)
        .when('sent_at <= @until', 'until', q.until);
      const { items, total } = selectPage<Row>(db, {
        table: 'workflow_messages',
        where,
        order: q.oldestFirst ? 'id' : 'id DESC',
        limit: q.limit ?? 100,
        offset: q.offset,
      });
      return { items: items.map(toRecord), total };
    },
  };
}
