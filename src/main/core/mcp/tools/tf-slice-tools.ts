import { z } from 'zod';
import { tfSliceRowSchema, type TfSliceRow } from '../../../../shared/browse-protocol.js';
import type { McpDeps } from '../deps.js';
import { page, pageInput, pageSchema } from '../paging.js';
import { isoTime, timeWindow } from '../time-filters.js';
import { defineTool, ToolInputError, type AnyToolDef } from '../tool-kit.js';
import { READ } from './common.js';

// swf-monitor's shapes, picked from the one definition of a stored TF slice.
const LIST_FIELDS = {
  id: true,
  fastmon_file_id: true,
  slice_id: true,
  tf_filename: true,
  stf_filename: true,
  run_number: true,
  tf_first: true,
  tf_last: true,
  tf_count: true,
  status: true,
  assigned_worker: true,
  created_at: true,
  completed_at: true,
} as const;
const GET_FIELDS = {
  slice_id: true,
  tf_filename: true,
  stf_filename: true,
  run_number: true,
  tf_first: true,
  tf_last: true,
  tf_count: true,
  status: true,
  retries: true,
  assigned_worker: true,
  assigned_at: true,
  completed_at: true,
  metadata: true,
} as const;
const sliceItem = tfSliceRowSchema.pick(LIST_FIELDS);
const sliceDetail = tfSliceRowSchema.pick(GET_FIELDS);

const pick = <K extends keyof TfSliceRow>(row: TfSliceRow, fields: Record<K, true>) =>
  Object.fromEntries(Object.keys(fields).map((k) => [k, row[k as K]])) as Pick<TfSliceRow, K>;
const item = (s: TfSliceRow) => pick(s, LIST_FIELDS);

/** TF slices of the fast processing workflow: portions of a TF sample a worker processes. */
export function tfSliceTools(deps: McpDeps): AnyToolDef[] {
  const { store } = deps;

  const list = defineTool({
    name: 'swf_list_tf_slices',
    title: 'List TF slices',
    description:
      'TF slices (portions of a TF sample that workers process independently), newest first. Filters: id, fastmon_file_id, run_number, ' +
      'stf_filename, tf_filename, status (queued, processing, completed, failed), assigned_worker, start_time/end_time on creation ' +
      '(default: the last 24 hours unless a run or file is given). Returns {items, total_count, has_more}.',
    input: z.object({
      id: z.number().int().min(0).optional(),
      fastmon_file_id: z.string().max(255).optional(),
      run_number: z.number().int().min(0).optional(),
      stf_filename: z.string().max(255).optional(),
      tf_filename: z.string().max(255).optional(),
      status: z.string().max(20).optional(),
      assigned_worker: z.string().max(200).optional(),
      start_time: isoTime('earliest creation time').optional(),
      end_time: isoTime('latest creation time').optional(),
      ...pageInput(200, 200),
    }),
    output: pageSchema(sliceItem),
    annotations: READ,
    run(args) {
      const hasContext =
        args.run_number !== undefined ||
        args.stf_filename !== undefined ||
        args.tf_filename !== undefined;
      const w = timeWindow(args.start_time, args.end_time, hasContext ? undefined : 24 * 3600);
      const { items, total } = store.testbed.tfSlices({
        id: args.id,
        fastmonFileId: args.fastmon_file_id,
        runNumber: args.run_number,
        stfFilename: args.stf_filename,
        tfFilename: args.tf_filename,
        status: args.status,
        assignedWorker: args.assigned_worker,
        since: w.since,
        until: w.until,
        limit: args.limit,
        offset: args.offset,
      });
      return page(items.map(item), total, args.offset);
    },
  });

  const get = defineTool({
    name: 'swf_get_tf_slice',
    title: 'Get one TF slice',
    description:
      'One TF slice by its TF sample filename and slice_id (1-based within the sample), with retries, worker assignment and metadata.',
    input: z.object({
      tf_filename: z.string().min(1).max(255),
      slice_id: z.number().int().min(0),
    }),
    output: sliceDetail,
    annotations: READ,
    run(args) {
      const s = store.testbed.tfSlice(args.tf_filename, args.slice_id);
      if (!s)
        throw new ToolInputError(
          `TF slice ${args.slice_id} for ${args.tf_filename} not found. Use swf_list_tf_slices to see available slices.`,
        );
      return pick(s, GET_FIELDS);
    },
  });

  return [list, get];
}
