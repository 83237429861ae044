import { z } from 'zod';
import { appLogRecordSchema } from '../../../../shared/app-log.js';
import type { McpDeps } from '../deps.js';
import { page, pageInput, pageOf, pageSchema } from '../paging.js';
import { isoTime, timeWindow } from '../time-filters.js';
import { defineTool, ToolInputError, type AnyToolDef } from '../tool-kit.js';
import { LEVELS, READ } from './common.js';

/** The application log records agents post to the monitor. */
export function logTools(deps: McpDeps): AnyToolDef[] {
  const { store } = deps;

  const listLogs = defineTool({
    name: 'swf_list_logs',
    title: 'List application logs',
    description:
      'Log records the agents posted to the monitor, newest first. Filters: app_name, instance_name, execution_id (from extra_data), ' +
      'level as a minimum threshold (DEBUG, INFO, WARNING, ERROR, CRITICAL or a number), search (text in the message), start_time/end_time (default: the last 24 hours). ' +
      'Returns {items, total_count, has_more}.',
    input: z.object({
      app_name: z.string().max(100).optional(),
      instance_name: z.string().max(100).optional(),
      execution_id: z.string().max(200).optional(),
      level: z
        .union([
          z.enum(['DEBUG', 'INFO', 'WARNING', 'WARN', 'ERROR', 'CRITICAL']),
          z.number().int().min(0).max(100),
        ])
        .optional()
        .describe('minimum level: DEBUG, INFO, WARNING, ERROR, CRITICAL, or a Python level number'),
      search: z
        .string()
        .min(1)
        .max(200)
        .optional()
        .describe(
          'only records whose message contains this text (case-insensitive; searches the newest 10,000 matches of the other filters)',
        ),
      start_time: isoTime('earliest record time').optional(),
      end_time: isoTime('latest record time').optional(),
      ...pageInput(200, 50),
    }),
    output: pageSchema(appLogRecordSchema),
    annotations: READ,
    run(args) {
      const w = timeWindow(args.start_time, args.end_time, 24 * 3600);
      const query = {
        appName: args.app_name,
        instanceName: args.instance_name,
        executionId: args.execution_id,
        minLevel: typeof args.level === 'string' ? LEVELS[args.level] : args.level,
        since: w.since,
        until: w.until,
      };
      if (args.search !== undefined) {
        // The log store has no text index; a bounded scan of the newest rows keeps this cheap.
        const needle = args.search.toLowerCase();
        const matching = store.appLogs
          .query({ ...query, limit: 10_000 })
          .items.filter((l) => l.message.toLowerCase().includes(needle));
        return pageOf(matching, args.limit, args.offset);
      }
      const { items, total } = store.appLogs.query({
        ...query,
        limit: args.limit,
        offset: args.offset,
      });
      return page(items, total, args.offset);
    },
  });

  const getLogEntry = defineTool({
    name: 'swf_get_log_entry',
    title: 'Get one log record',
    description:
      'One application log record by id (the id field of swf_list_logs items), with its source location, process, thread and extra_data.',
    input: z.object({ log_id: z.number().int().min(1) }),
    output: z.object({
      id: z.number().int(),
      timestamp: z.string().nullable(),
      app_name: z.string(),
      instance_name: z.string(),
      level: z.string(),
      message: z.string(),
      module: z.string(),
      funcname: z.string(),
      lineno: z.number().int(),
      process: z.number().int(),
      thread: z.number().int(),
      extra_data: z.record(z.string(), z.unknown()).nullable(),
    }),
    annotations: READ,
    run(args) {
      const log = store.appLogs.get(args.log_id);
      if (!log) throw new ToolInputError(`Log entry ${args.log_id} not found.`);
      return {
        id: log.id,
        timestamp: log.timestamp,
        app_name: log.app_name,
        instance_name: log.instance_name,
        level: log.levelname,
        message: log.message,
        module: log.module,
        funcname: log.funcname,
        lineno: log.lineno,
        process: log.process,
        thread: log.thread,
        extra_data: log.extra_data,
      };
    },
  });

  return [listLogs, getLogEntry];
}
