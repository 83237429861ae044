import { z } from 'zod';
import { appLogRecordSchema } from './app-log.js';
import { storedWorkflowMessageSchema } from './workflow-messages.js';

/**
 * The `/ws/ui` commands that page through the store (executions, messages, logs, STF files, TF
 * samples, TF slices) and read the plots' series. Arguments and results are defined here once;
 * the core's handlers are typed by them and the renderer validates each answer with them.
 */

const iso = z.string().max(64);
const name = z.string().max(200);
/** One page: a browser asks for the rows it shows, however large the table is. */
const page = {
  limit: z.number().int().min(1).max(500).default(50),
  offset: z.number().int().min(0).max(100_000_000).default(0),
};
const window = { since: iso.optional(), until: iso.optional() };
const runNumber = z.number().int().min(0).max(2_000_000_000);

export const browseArgSchemas = {
  'browse.executions': z.object({
    status: z.string().max(40).optional(),
    executedBy: name.optional(),
    ...window,
    ...page,
  }),
  'browse.execution': z.object({ executionId: z.string().min(1).max(200) }),
  'browse.messages': z.object({
    messageType: z.string().max(100).optional(),
    sender: name.optional(),
    runId: z.string().max(64).optional(),
    executionId: name.optional(),
    /** Messages about one STF file (its `filename`, or `stf_filename` for TF samples). */
    stfFilename: z.string().max(255).optional(),
    ...window,
    ...page,
  }),
  'browse.logs': z.object({
    instanceName: name.optional(),
    appName: name.optional(),
    levelname: z.string().max(20).optional(),
    /** At least this level (DEBUG 10 ... CRITICAL 50). */
    minLevel: z.number().int().min(0).max(100).optional(),
    executionId: name.optional(),
    ...window,
    ...page,
  }),
  'browse.stfFiles': z.object({
    runNumber: runNumber.optional(),
    status: z.string().max(20).optional(),
    stfFilename: z.string().max(255).optional(),
    ...page,
  }),
  'browse.tfSamples': z.object({
    stfFilename: z.string().max(255).optional(),
    status: z.string().max(20).optional(),
    ...page,
  }),
  'browse.tfSlices': z.object({
    runNumber: runNumber.optional(),
    stfFilename: z.string().max(255).optional(),
    tfFilename: z.string().max(255).optional(),
    status: z.string().max(40).optional(),
    assignedWorker: name.optional(),
    ...window,
    ...page,
  }),
  'plots.series': z.object({
    /** The plotted span, ending now. */
    windowSeconds: z.number().int().min(10).max(86_400).default(600),
    bucketSeconds: z.number().int().min(1).max(3600).default(5),
    /** Agents whose heartbeat gaps are plotted (the plot shows a handful, not the fleet). */
    agents: z.array(name).max(20).default([]),
  }),
} as const;

const pageOf = <T extends z.ZodTypeAny>(item: T) =>
  z.object({ items: z.array(item), total: z.number().int() });

export const executionRowSchema = z.object({
  execution_id: z.string(),
  workflow_name: z.string().nullable(),
  namespace: z.string().nullable(),
  status: z.string(),
  executed_by: z.string().nullable(),
  start_time: z.string().nullable(),
  end_time: z.string().nullable(),
  parameter_values: z.unknown(),
  performance_metrics: z.unknown(),
});
export type ExecutionRow = z.infer<typeof executionRowSchema>;

export const stfFileRowSchema = z.object({
  file_id: z.string(),
  run_number: z.number().int().nullable(),
  machine_state: z.string().nullable(),
  stf_filename: z.string(),
  file_size_bytes: z.number().nullable(),
  checksum: z.string().nullable(),
  created_at: z.string(),
  status: z.string(),
  tf_count: z.number().int().nullable(),
});
export type StfFileRow = z.infer<typeof stfFileRowSchema>;

/** A TF sample: the fast-monitoring file made from one STF (swf-monitor's FastMonFile). */
export const tfSampleRowSchema = z.object({
  tf_file_id: z.string(),
  stf_file: z.string(),
  tf_filename: z.string(),
  file_size_bytes: z.number().nullable(),
  status: z.string(),
  tf_count: z.number().int().nullable(),
  tf_first: z.number().int().nullable(),
  tf_last: z.number().int().nullable(),
  created_at: z.string(),
});
export type TfSampleRow = z.infer<typeof tfSampleRowSchema>;

export const tfSliceRowSchema = z.object({
  id: z.number().int(),
  fastmon_file_id: z.string(),
  slice_id: z.number().int(),
  tf_filename: z.string().nullable(),
  stf_filename: z.string().nullable(),
  run_number: z.number().int().nullable(),
  tf_first: z.number().int().nullable(),
  tf_last: z.number().int().nullable(),
  tf_count: z.number().int().nullable(),
  status: z.string(),
  retries: z.number().int(),
  assigned_worker: z.string().nullable(),
  assigned_at: z.string().nullable(),
  completed_at: z.string().nullable(),
  created_at: z.string(),
  metadata: z.unknown(),
});
export type TfSliceRow = z.infer<typeof tfSliceRowSchema>;

export const plotSeriesSchema = z.object({
  /** Start of each bucket, epoch seconds (uPlot's x). */
  t: z.array(z.number()),
  bucketSeconds: z.number(),
  /** STFs reaching each stage per second, per bucket. */
  stages: z.object({
    generated: z.array(z.number()),
    ready: z.array(z.number()),
    processed: z.array(z.number()),
    fastmon: z.array(z.number()),
  }),
  /** Workflow messages stored per second, per bucket. */
  messages: z.array(z.number()),
  /** Per agent: heartbeat arrival times (epoch s) and the gap before each (s). */
  heartbeatGaps: z.array(
    z.object({ agent: z.string(), t: z.array(z.number()), gap: z.array(z.number()) }),
  ),
});
export type PlotSeries = z.infer<typeof plotSeriesSchema>;

export const browseResultSchemas = {
  'browse.executions': pageOf(executionRowSchema),
  'browse.execution': z.object({
    execution: executionRowSchema,
    runNumbers: z.array(z.number().int()),
    senders: z.array(z.string()),
    messageCount: z.number().int(),
    logCount: z.number().int(),
  }),
  'browse.messages': pageOf(storedWorkflowMessageSchema),
  'browse.logs': pageOf(appLogRecordSchema),
  'browse.stfFiles': pageOf(stfFileRowSchema),
  'browse.tfSamples': pageOf(tfSampleRowSchema),
  'browse.tfSlices': pageOf(tfSliceRowSchema),
  'plots.series': plotSeriesSchema,
} as const satisfies Record<keyof typeof browseArgSchemas, z.ZodTypeAny>;

export type BrowseCommandName = keyof typeof browseArgSchemas;
export type BrowseArgs<K extends BrowseCommandName> = z.output<(typeof browseArgSchemas)[K]>;
export type BrowseResult<K extends BrowseCommandName> = z.infer<(typeof browseResultSchemas)[K]>;
