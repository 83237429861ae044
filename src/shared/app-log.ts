import { z } from 'zod';

/**
 * An AppLog record as the agents' REST log handler posts it. Both the
 * current (`levelname`, `funcname`, `lineno`) and the July 2025 spellings are accepted on input.
 */
/** DRF's IntegerField also takes an integer written as a string ("145"). */
const int = () =>
  z.preprocess(
    (v) => (typeof v === 'string' && /^\s*-?\d{1,15}\s*$/.test(v) ? Number(v) : v),
    z.number().int(),
  );

export const appLogInputSchema = z
  .object({
    app_name: z.string().min(1).max(100),
    instance_name: z.string().min(1).max(100),
    timestamp: z.string().min(1).max(64).optional(),
    level: int().pipe(z.number().min(0).max(100)).optional(),
    levelname: z.string().max(50).optional(),
    level_name: z.string().max(50).optional(),
    message: z.string().max(200_000),
    module: z.string().max(255).optional(),
    funcname: z.string().max(255).optional(),
    func_name: z.string().max(255).optional(),
    lineno: int().optional(),
    line_no: int().optional(),
    process: int().optional(),
    thread: int().optional(),
    extra_data: z.record(z.string(), z.unknown()).nullish(),
  })
  .refine((v) => v.levelname !== undefined || v.level_name !== undefined || v.level !== undefined, {
    message: 'one of levelname, level_name or level is required',
    path: ['levelname'],
  });
export type AppLogInput = z.infer<typeof appLogInputSchema>;

export const appLogRecordSchema = z.object({
  id: z.number().int(),
  app_name: z.string(),
  instance_name: z.string(),
  timestamp: z.string(),
  level: z.number().int(),
  levelname: z.string(),
  message: z.string(),
  module: z.string(),
  funcname: z.string(),
  lineno: z.number().int(),
  process: z.number().int(),
  thread: z.number().int(),
  extra_data: z.record(z.string(), z.unknown()).nullable(),
});
export type AppLogRecord = z.infer<typeof appLogRecordSchema>;
