import { readFileSync } from 'node:fs';
import { parse as parseToml, TomlError } from 'smol-toml';
import { z } from 'zod';
import { locateTomlKey } from './toml-locate.js';

/** The built-in TypeScript agents a fleet entry may name instead of a command. */
const BUILTIN_AGENTS = ['daqsim', 'data', 'processing', 'fastmon'] as const;
export type BuiltinAgent = (typeof BUILTIN_AGENTS)[number];

const STOP_SIGNALS = ['TERM', 'HUP', 'INT', 'QUIT', 'KILL', 'USR1', 'USR2'] as const;

const name = z
  .string()
  .regex(/^[A-Za-z0-9_.-]+$/, 'names use letters, digits, "_", "." and "-" only');

const programSchema = z
  .object({
    command: z.string().min(1).optional(),
    args: z.array(z.string()).default([]),
    agent: z.enum(BUILTIN_AGENTS).optional(),
    cwd: z.string().min(1).optional(),
    env: z.record(z.string(), z.string()).default({}),
    autostart: z.boolean().default(true),
    autorestart: z.union([z.boolean(), z.literal('unexpected')]).default('unexpected'),
    exitcodes: z.array(z.number().int().min(0).max(255)).default([0]),
    startsecs: z.number().min(0).max(3600).default(1),
    startretries: z.number().int().min(0).max(1000).default(3),
    /** First restart delay in seconds; grows x1.5 per consecutive restart up to 15 s (pm2). */
    restart_delay: z.number().min(0).max(3600).default(0.5),
    stopsignal: z
      .string()
      .transform((s) => s.toUpperCase().replace(/^SIG/, ''))
      .pipe(z.enum(STOP_SIGNALS))
      .default('TERM'),
    stopwaitsecs: z.number().positive().max(3600).default(10),
    numprocs: z.number().int().min(1).max(100).default(1),
    log_max_bytes: z
      .number()
      .int()
      .min(0)
      .default(10 * 1024 * 1024),
    log_backups: z.number().int().min(0).max(100).default(5),
  })
  .strict()
  .refine((p) => (p.command === undefined) !== (p.agent === undefined), {
    message: 'give exactly one of "command" or "agent"',
  });

const groupSchema = z.object({ programs: z.array(name).min(1) }).strict();

const fleetSchema = z
  .object({
    programs: z.record(name, programSchema).default({}),
    groups: z.record(name, groupSchema).default({}),
  })
  .strict()
  .superRefine((fleet, ctx) => {
    for (const [g, group] of Object.entries(fleet.groups)) {
      if (g in fleet.programs || g === 'all')
        ctx.addIssue({
          code: 'custom',
          path: ['groups', g],
          message: `group "${g}" clashes with a program of that name or with "all"`,
        });
      group.programs.forEach((p, i) => {
        if (!(p in fleet.programs))
          ctx.addIssue({
            code: 'custom',
            path: ['groups', g, 'programs', i],
            message: `group "${g}" names unknown program "${p}"`,
          });
      });
    }
    if ('all' in fleet.programs)
      ctx.addIssue({ code: 'custom', path: ['programs', 'all'], message: '"all" is reserved' });
  });

export type FleetFile = z.infer<typeof fleetSchema>;
export type ProgramConfig = FleetFile['programs'][string];

export interface FleetIssue {
  line?: number;
  key: string;
  message: string;
}

/** A fleet file that cannot be used; the message names the file, the line and the key. */
export class FleetError extends Error {
  override name = 'FleetError';
  constructor(
    readonly file: string,
    readonly issues: FleetIssue[],
  ) {
    super(
      issues
        .map(
          (i) => `${file}${i.line ? `:${i.line}` : ''}: ${i.key ? `"${i.key}": ` : ''}${i.message}`,
        )
        .join('\n'),
    );
  }
}

export function parseFleet(text: string, file = 'fleet.toml'): FleetFile {
  let raw: unknown;
  try {
    raw = parseToml(text);
  } catch (err) {
    if (err instanceof TomlError) {
      const first = err.message.split('\n')[0] ?? err.message;
      throw new FleetError(file, [{ line: err.line, key: '', message: first }]);
    }
    throw err;
  }
  const result = fleetSchema.safeParse(raw);
  if (result.success) return result.data;
  throw new FleetError(
    file,
    result.error.issues.map((issue) => {
      const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
      let key = path.join('.');
      let message = issue.message;
      if (issue.code === 'unrecognized_keys') {
        key = [...path, issue.keys[0] ?? ''].join('.');
        message = `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
        return { line: locateTomlKey(text, [...path, issue.keys[0] ?? '']), key, message };
      }
      return { line: locateTomlKey(text, path), key, message };
    }),
  );
}

export function loadFleetFile(file: string): FleetFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new FleetError(file, [{ key: '', message: `cannot read: ${(err as Error).message}` }]);
  }
  return parseFleet(text, file);
}

/** One supervised process: a program with numprocs > 1 gives `name:00`, `name:01`, ... */
export interface ProcessSpec {
  name: string;
  program: string;
  index: number;
  config: ProgramConfig;
}

export function expandProcesses(fleet: FleetFile): ProcessSpec[] {
  const out: ProcessSpec[] = [];
  for (const [program, config] of Object.entries(fleet.programs)) {
    for (let i = 0; i < config.numprocs; i++) {
      const name = config.numprocs > 1 ? `${program}:${String(i).padStart(2, '0')}` : program;
      out.push({ name, program, index: i, config });
    }
  }
  return out;
}
