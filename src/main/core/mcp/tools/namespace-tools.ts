import { z } from 'zod';
import type { McpDeps } from '../deps.js';
import { page, pageSchema } from '../paging.js';
import { isoTime, parseFilterTime } from '../time-filters.js';
import { defineTool, type AnyToolDef } from '../tool-kit.js';
import { READ } from './common.js';

const namespaceItem = z.object({
  name: z.string(),
  owner: z.string().nullable(),
  description: z.string().nullable(),
});

/** Namespaces: the isolation boundary between testbeds sharing one broker and monitor. */
export function namespaceTools(deps: McpDeps): AnyToolDef[] {
  const { store } = deps;

  const list = defineTool({
    name: 'swf_list_namespaces',
    title: 'List namespaces',
    description:
      'Testbed namespaces (the DAQ simulator registers its own when it starts a workflow), by name, with owner and description. ' +
      'Returns {items, total_count, has_more} (at most 100).',
    input: z.object({}),
    output: pageSchema(namespaceItem),
    annotations: READ,
    run() {
      const { items, total } = store.namespaces.list({}, 100);
      return page(
        items.map((n) => ({
          name: String(n.name),
          owner: (n.owner as string | null) ?? null,
          description: (n.description as string | null) ?? null,
        })),
        total,
        0,
      );
    },
  });

  const get = defineTool({
    name: 'swf_get_namespace',
    title: 'Get one namespace',
    description:
      'One namespace with its activity: agents registered in it, executions started and messages sent in the time range ' +
      '(default: the last 24 hours), and who ran those executions. An unregistered name gives null owner and description with its counts.',
    input: z.object({
      namespace: z.string().min(1).max(100),
      start_time: isoTime('start of the range').optional(),
      end_time: isoTime('end of the range').optional(),
    }),
    output: namespaceItem.extend({
      agent_count: z.number().int(),
      execution_count: z.number().int(),
      message_count: z.number().int(),
      active_users: z.array(z.string()),
      time_range: z.object({ start: z.string(), end: z.string() }),
    }),
    annotations: READ,
    run(args) {
      const start =
        (args.start_time && parseFilterTime(args.start_time)) ||
        new Date(Date.now() - 24 * 3600_000).toISOString();
      const end = (args.end_time && parseFilterTime(args.end_time)) || new Date().toISOString();
      const ns = store.namespaces.get(args.namespace);
      return {
        name: args.namespace,
        owner: (ns?.owner as string | undefined) ?? null,
        description: (ns?.description as string | undefined) ?? null,
        ...store.testbed.namespaceActivity(args.namespace, start, end),
        time_range: { start, end },
      };
    },
  });

  return [list, get];
}
