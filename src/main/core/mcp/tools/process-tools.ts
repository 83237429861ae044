import { z } from 'zod';
import type { McpProcessInfo, ProcessControl } from '../ports.js';
import { defineTool, ToolInputError, type AnyToolDef } from '../tool-kit.js';

const processItem = z.object({
  name: z.string(),
  state: z.string(),
  pid: z.number().int().nullable(),
  since: z.string().nullable().optional(),
  exitCode: z.number().int().nullable().optional(),
  description: z.string().optional(),
});

const lineItem = z.object({
  at: z.string(),
  stream: z.enum(['stdout', 'stderr']),
  line: z.string(),
});

const programName = z
  .string()
  .min(1)
  .max(200)
  .describe('a program name from the fleet file; swf_list_processes lists them');

const CONTROL = { readOnlyHint: false, openWorldHint: false } as const;
const READ = {
  readOnlyHint: true,
  destructiveHint: false,
  idempotentHint: true,
  openWorldHint: false,
};

const clean = (p: McpProcessInfo): z.input<typeof processItem> => ({
  name: p.name,
  state: p.state,
  pid: p.pid,
  since: p.since ?? null,
  exitCode: p.exitCode ?? null,
  ...(p.description !== undefined && { description: p.description }),
});

/** Start, stop and read the output of the programs the fleet file names; nothing else can be run. */
export function processTools(pc: ProcessControl): AnyToolDef[] {
  async function known(name: string): Promise<McpProcessInfo> {
    const all = await pc.list();
    const found = all.find((p) => p.name === name);
    if (!found)
      throw new ToolInputError(
        `"${name}" is not a program of the fleet file. Known programs: ${all.map((p) => p.name).join(', ') || '(none)'}.`,
      );
    return found;
  }

  const list = defineTool({
    name: 'swf_list_processes',
    title: 'List supervised programs',
    description:
      'The programs of the fleet file with their supervisor state (STOPPED, STARTING, RUNNING, BACKOFF, STOPPING, EXITED, FATAL), pid and since when. ' +
      'These names are the only ones the start/stop/restart tools accept.',
    input: z.object({}),
    output: z.object({
      items: z.array(processItem),
      total_count: z.number().int(),
      has_more: z.boolean(),
    }),
    annotations: READ,
    async run() {
      const all = (await pc.list()).map(clean);
      return { items: all, total_count: all.length, has_more: false };
    },
  });

  interface Control<Verb> {
    name: string;
    verb: Verb;
    title: string;
    description: string;
    destructive: boolean;
  }

  const one = ({
    name,
    verb,
    title,
    description,
    destructive,
  }: Control<'start' | 'stop' | 'restart'>) =>
    defineTool({
      name,
      title,
      description,
      input: z.object({ name: programName }),
      output: z.object({ process: processItem }),
      annotations: { ...CONTROL, destructiveHint: destructive, idempotentHint: verb !== 'restart' },
      async run(args) {
        await known(args.name);
        return { process: clean(await pc[verb](args.name)) };
      },
    });

  const all = ({ name, verb, title, description, destructive }: Control<'start' | 'stop'>) =>
    defineTool({
      name,
      title,
      description,
      input: z.object({}),
      output: z.object({
        items: z.array(processItem),
        failed: z.array(z.object({ name: z.string(), error: z.string() })),
      }),
      annotations: { ...CONTROL, destructiveHint: destructive, idempotentHint: true },
      async run() {
        const items: z.input<typeof processItem>[] = [];
        const failed: { name: string; error: string }[] = [];
        for (const p of await pc.list()) {
          try {
            items.push(clean(await pc[verb](p.name)));
          } catch (err) {
            failed.push({ name: p.name, error: (err as Error).message });
          }
        }
        return { items, failed };
      },
    });

  const tail = defineTool({
    name: 'swf_tail_agent_output',
    title: 'Tail program output',
    description:
      'The last lines a supervised program wrote to stdout/stderr, oldest first. Use it after a start fails or an agent reports ERROR.',
    input: z.object({
      name: programName,
      lines: z
        .number()
        .int()
        .min(1)
        .max(2000)
        .default(100)
        .describe('how many lines (default 100)'),
    }),
    output: z.object({ name: z.string(), lines: z.array(lineItem) }),
    annotations: READ,
    async run(args) {
      await known(args.name);
      return { name: args.name, lines: await pc.tail(args.name, args.lines) };
    },
  });

  const search = defineTool({
    name: 'swf_search_agent_output',
    title: 'Search program output',
    description:
      'Captured output lines of one supervised program that contain a text (case-insensitive), e.g. "Traceback" or "ERROR".',
    input: z.object({
      name: programName,
      query: z.string().min(1).max(500),
      limit: z.number().int().min(1).max(1000).default(100),
    }),
    output: z.object({ name: z.string(), query: z.string(), lines: z.array(lineItem) }),
    annotations: READ,
    async run(args) {
      await known(args.name);
      return {
        name: args.name,
        query: args.query,
        lines: await pc.search(args.name, args.query, args.limit),
      };
    },
  });

  return [
    list,
    one({
      name: 'swf_start_agent',
      verb: 'start',
      title: 'Start an agent',
      description:
        'Start one program of the fleet file by name (no effect if it is already running).',
      destructive: false,
    }),
    one({
      name: 'swf_stop_agent',
      verb: 'stop',
      title: 'Stop an agent',
      description:
        'Stop one supervised program by name (its stop signal, then SIGKILL after the grace period).',
      destructive: true,
    }),
    one({
      name: 'swf_restart_agent',
      verb: 'restart',
      title: 'Restart an agent',
      description: 'Stop and start one supervised program by name.',
      destructive: true,
    }),
    all({
      name: 'swf_start_all_agents',
      verb: 'start',
      title: 'Start all agents',
      description: 'Start every program of the fleet file; reports the ones that failed.',
      destructive: false,
    }),
    all({
      name: 'swf_stop_all_agents',
      verb: 'stop',
      title: 'Stop all agents',
      description: 'Stop every supervised program; reports the ones that failed.',
      destructive: true,
    }),
    tail,
    search,
  ];
}
