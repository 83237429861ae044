import { z } from 'zod';
import type { McpDeps } from '../deps.js';
import { page, pageInput, pageOf, pageSchema } from '../paging.js';
import { inWindow, isoTime, timeWindow } from '../time-filters.js';
import { defineTool, ToolInputError, type AnyToolDef } from '../tool-kit.js';
import { anyRow, READ } from './common.js';

/** Super Time Frame files the data agent registers. */
export function stfFileTools(deps: McpDeps): AnyToolDef[] {
  const { store } = deps;

  const listStf = defineTool({
    name: 'swf_list_stf_files',
    title: 'List STF files',
    description:
      'Super Time Frame files registered by the data agent, newest first. Filters: run_number, status (registered, processing, processed, failed, done), ' +
      'machine_state, start_time/end_time on creation. Returns {items, total_count, has_more}.',
    input: z.object({
      run_number: z.number().int().min(0).optional(),
      status: z.enum(['registered', 'processing', 'processed', 'failed', 'done']).optional(),
      machine_state: z.string().max(100).optional(),
      start_time: isoTime('earliest creation time').optional(),
      end_time: isoTime('latest creation time').optional(),
      ...pageInput(200, 50),
    }),
    output: pageSchema(anyRow),
    annotations: READ,
    run(args) {
      const filters: Record<string, string | number> = {};
      if (args.run_number !== undefined) filters.run_number = args.run_number;
      if (args.status) filters.status = args.status;
      if (args.start_time === undefined && args.end_time === undefined && !args.machine_state) {
        const { items, total } = store.stfFiles.list(filters, args.limit, args.offset);
        return page(items, total, args.offset);
      }
      const w = timeWindow(args.start_time, args.end_time, undefined);
      const all = store.stfFiles
        .list(filters)
        .items.filter(
          (f) =>
            inWindow(f.created_at as string, w) &&
            (!args.machine_state || f.machine_state === args.machine_state),
        );
      return pageOf(all, args.limit, args.offset);
    },
  });

  const getStf = defineTool({
    name: 'swf_get_stf_file',
    title: 'Get one STF file',
    description:
      'One STF file by file_id or by stf_filename (give exactly one), with checksum, metadata and workflow fields.',
    input: z.object({
      file_id: z.string().max(255).optional(),
      stf_filename: z.string().max(255).optional(),
    }),
    output: z.object({ file: anyRow }),
    annotations: READ,
    run(args) {
      if ((args.file_id === undefined) === (args.stf_filename === undefined))
        throw new ToolInputError('Give exactly one of file_id or stf_filename.');
      const file = args.file_id
        ? store.stfFiles.get(args.file_id)
        : store.stfFiles.list({ stf_filename: args.stf_filename! }, 1).items[0];
      if (!file)
        throw new ToolInputError(
          `No STF file ${args.file_id ?? args.stf_filename}. Call swf_list_stf_files to find one.`,
        );
      return { file };
    },
  });

  return [listStf, getStf];
}
