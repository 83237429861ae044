import { z } from 'zod';
import { drfBool, drfInt } from '../../store/drf-fields.js';
import { AGENT_STATUSES, OPERATIONAL_STATES } from '../../../../shared/agent.js';
import type { HeartbeatService } from '../../monitor/heartbeat-service.js';
import type { AgentsStore } from '../../store/agents.js';
import { nowIso } from '../../time.js';
import { HttpError } from '../http-error.js';
import type { HttpRouter } from '../router.js';
import { listBody, listPage } from './list-response.js';

/** The model's AGENT_TYPE_CHOICES; enforced only on plain create/update, never on heartbeats. */
const AGENT_TYPES = [
  'daqsim',
  'data',
  'processing',
  'fastmon',
  'workflow_runner',
  'monitor',
  'sse_sender',
  'sse_receiver',
  'test',
  'other',
] as const;

const agentWriteSchema = z.object({
  instance_name: z.string().min(1).max(100),
  agent_type: z.enum(AGENT_TYPES),
  status: z.enum(AGENT_STATUSES),
  description: z.string().optional(),
  agent_url: z.string().max(200).nullable().optional(),
  workflow_enabled: drfBool().optional(),
  pid: drfInt().nullable().optional(),
  hostname: z.string().max(100).nullable().optional(),
  operational_state: z.enum(OPERATIONAL_STATES).optional(),
  namespace: z.string().max(100).nullable().optional(),
  metadata: z.unknown().optional(),
});

function expectObject(body: unknown): void {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    const got = Array.isArray(body)
      ? 'list'
      : body === null || body === undefined
        ? 'nothing'
        : typeof body;
    throw new HttpError(400, 'invalid body', {
      non_field_errors: [`Invalid data. Expected a dictionary, but got ${got}.`],
    });
  }
}

const NOT_FOUND = { status: 404, body: { detail: 'No SystemAgent matches the given query.' } };

export function addAgentRoutes(
  router: HttpRouter,
  agents: AgentsStore,
  heartbeats: HeartbeatService,
) {
  // Upsert keyed by instance_name: 201 on first registration, 200 afterwards (as swf-monitor).
  router.add('POST', '/api/systemagents/heartbeat/', async (req) => {
    expectObject(req.body);
    const { agent, created } = await heartbeats.submit(req.body, 'rest');
    return { status: created ? 201 : 200, body: agent };
  });

  router.add('GET', '/api/systemagents/', (req) => {
    const page = listPage(req.query);
    const { items, total } = agents.list(
      {
        agentType: req.query.get('agent_type') ?? undefined,
        status: req.query.get('status') ?? undefined,
        namespace: req.query.get('namespace') ?? undefined,
        includeExited: true,
      },
      page.limit ?? 1_000_000,
      page.offset,
    );
    return { status: 200, body: listBody(items, total, page, req.path) };
  });

  router.add('POST', '/api/systemagents/', (req) => {
    expectObject(req.body);
    const fields = agentWriteSchema.parse(req.body);
    if (agents.get(fields.instance_name)) {
      throw new HttpError(400, 'duplicate', {
        instance_name: ['system agent with this instance name already exists.'],
      });
    }
    return { status: 201, body: agents.create(fields, nowIso()) };
  });

  const byId = (raw: string) => (/^\d+$/.test(raw) ? agents.getById(Number(raw)) : undefined);

  router.add('GET', '/api/systemagents/:id/', (req) => {
    const agent = byId(req.params.id!);
    return agent ? { status: 200, body: agent } : NOT_FOUND;
  });

  const update = (partial: boolean) => (req: { params: Record<string, string>; body: unknown }) => {
    const agent = byId(req.params.id!);
    if (!agent) return NOT_FOUND;
    expectObject(req.body);
    const fields = (partial ? agentWriteSchema.partial() : agentWriteSchema).parse(req.body);
    if (
      fields.instance_name &&
      fields.instance_name !== agent.instance_name &&
      agents.get(fields.instance_name)
    ) {
      throw new HttpError(400, 'duplicate', {
        instance_name: ['system agent with this instance name already exists.'],
      });
    }
    return { status: 200, body: agents.patch(agent.id, fields, nowIso()) };
  };
  router.add('PATCH', '/api/systemagents/:id/', update(true));
  router.add('PUT', '/api/systemagents/:id/', update(false));
  router.add('DELETE', '/api/systemagents/:id/', (req) => {
    const agent = byId(req.params.id!);
    return agent && agents.remove(agent.id) ? { status: 204 } : NOT_FOUND;
  });
}
