import { z } from 'zod';
import {
  envelopeFields,
  filenameSchema,
  optionalInt,
  optionalNumber,
  optionalText,
  runEnvelope,
  text,
} from './fields.js';

/**
 * The per-STF messages of the pipeline: DAQ simulator -> data agent -> processing agent, and the
 * fastmon agent's TF samples. Required are the keys every original sender of a type sends; the
 * values the originals copy with `.get()` may be null.
 */

/** Size and checksum keys the 2025 and standalone simulators send and HEAD does not. */
const stfFileFields = {
  file_url: optionalText,
  checksum: optionalText,
  size_bytes: optionalInt,
  start: optionalText,
  end: optionalText,
  sequence: optionalInt,
  /** Ours, optional: how many TFs the STF holds. */
  tf_count: z.number().int().positive().nullish(),
};

/** One STF produced by the DAQ simulator. */
export const stfGenSchema = z.looseObject({
  ...runEnvelope,
  msg_type: z.literal('stf_gen'),
  filename: filenameSchema,
  ...stfFileFields,
  /** The standalone simulator's name for the size in bytes. */
  size: optionalInt,
});

/**
 * Two meanings in the originals: per STF with `filename` (example data agent), or once per run
 * without it (Rucio data agent: "the dataset has data").
 */
export const stfReadySchema = z.looseObject({
  ...runEnvelope,
  msg_type: z.literal('stf_ready'),
  filename: filenameSchema.nullish(),
  ...stfFileFields,
  processed_by: optionalText,
  req_id: z.union([z.number(), z.string().max(100)]).nullish(),
});

export const processingCompleteSchema = z.looseObject({
  ...runEnvelope,
  msg_type: z.literal('processing_complete'),
  filename: filenameSchema,
  input_file_url: text.nullable(),
  input_checksum: text.nullable(),
  input_size_bytes: z.number().int().nullable(),
  output_files: z.array(filenameSchema).max(100),
  processing_time_ms: z.number().nonnegative(),
  processed_by: optionalText,
  sequence: optionalInt,
  /** Ours: `ok`, or `failed` with `error`. */
  status: optionalText,
});

/** One TF sample the fastmon agent registered from an STF. */
export const tfFileRegisteredSchema = z.looseObject({
  ...runEnvelope,
  msg_type: z.literal('tf_file_registered'),
  processed_by: optionalText,
  tf_file_id: text.nullable(),
  tf_filename: filenameSchema,
  tf_first: z.number().int().nullable(),
  tf_last: z.number().int().nullable(),
  tf_count: z.number().int().nullable(),
  file_size_bytes: z.number().int().nullable(),
  stf_filename: filenameSchema,
  status: text.nullable(),
  sequence: optionalInt,
});

/** Mid-2025 data agent -> processing agent (the per-STF `stf_ready` before it was renamed). */
export const dataReadySchema = z.looseObject({
  ...runEnvelope,
  msg_type: z.literal('data_ready'),
  filename: filenameSchema,
  file_url: optionalText,
  checksum: optionalText,
  size_bytes: optionalInt,
  processed_by: optionalText,
});

/** The fastmon helper's status notice (defined by the originals, sent by none of them). */
export const fastmonStatusSchema = z.looseObject({
  ...envelopeFields,
  msg_type: z.literal('fastmon_status'),
  processed_by: text,
  status: text,
  message: text,
  timestamp: text,
  simulation_tick: optionalNumber,
});

export type StfGen = z.infer<typeof stfGenSchema>;
export type StfReady = z.infer<typeof stfReadySchema>;
export type ProcessingComplete = z.infer<typeof processingCompleteSchema>;
export type TfFileRegistered = z.infer<typeof tfFileRegisteredSchema>;
export type DataReady = z.infer<typeof dataReadySchema>;
export type FastmonStatus = z.infer<typeof fastmonStatusSchema>;

/** The per-STF pipeline stages, in pipeline order, and the message that marks each. */
export const STF_STAGES = ['generated', 'ready', 'processed', 'fastmon'] as const;
export type StfStage = (typeof STF_STAGES)[number];
export const STF_STAGE_OF: Readonly<Record<string, StfStage>> = {
  stf_gen: 'generated',
  stf_ready: 'ready',
  processing_complete: 'processed',
  tf_file_registered: 'fastmon',
};

type StageMessage = StfGen | StfReady | ProcessingComplete | TfFileRegistered;

/** The STF a stage message is about (null for the once-per-run `stf_ready`). */
export function stfFileOf(m: StageMessage): string | null {
  return (m.msg_type === 'tf_file_registered' ? m.stf_filename : m.filename) ?? null;
}

/** `swf.<run>.<seq:06d>.stf` (HEAD naming, run number not padded). */
export const stfFilename = (run: number, seq: number) =>
  `swf.${run}.${String(seq).padStart(6, '0')}.stf`;

/** The stem of an STF file name, for TF samples (`<stem>_tf_NNN.tf`) and outputs. */
export const stfStem = (filename: string) => filename.replace(/\.stf$/, '');
