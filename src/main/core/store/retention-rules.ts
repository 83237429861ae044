import type { Config } from '../config.js';
import type { RetentionRule } from './retention.js';

/** What the periodic retention pass prunes, by age and row count, from the configured limits. */
export function retentionRules(config: Config): RetentionRule[] {
  return [
    {
      table: 'heartbeats',
      timeColumn: 'at',
      maxAgeDays: config.retention.heartbeatMaxAgeDays,
      maxRows: config.retention.heartbeatMaxRows,
    },
    {
      table: 'app_logs',
      timeColumn: 'received_at',
      maxAgeDays: config.retention.logMaxAgeDays,
      maxRows: config.retention.logMaxRows,
    },
    // Supervisor history: output is also capped per process by its store module.
    {
      table: 'process_output',
      timeColumn: 'at',
      maxAgeDays: config.retention.logMaxAgeDays,
      maxRows: config.retention.logMaxRows,
    },
    {
      table: 'process_transitions',
      timeColumn: 'at',
      maxAgeDays: config.retention.logMaxAgeDays,
      maxRows: config.retention.logMaxRows,
    },
    {
      table: 'workflow_messages',
      timeColumn: 'sent_at',
      maxAgeDays: config.retention.messageMaxAgeDays,
      maxRows: config.retention.messageMaxRows,
    },
    {
      table: 'mcp_audit',
      timeColumn: 'at',
      maxAgeDays: config.retention.logMaxAgeDays,
      maxRows: config.retention.logMaxRows,
    },
  ];
}
