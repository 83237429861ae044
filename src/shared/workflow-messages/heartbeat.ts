import { z } from 'zod';
import { heartbeatInputSchema } from '../agent.js';

/** Where the TypeScript agents publish their STOMP heartbeats. */
export const HEARTBEAT_TOPIC = '/topic/swf.heartbeat';

/** TypeScript agents' STOMP heartbeat: the REST heartbeat's fields plus `msg_type`. */
export const stompHeartbeatSchema = heartbeatInputSchema.extend({
  msg_type: z.literal('heartbeat'),
});
export type StompHeartbeat = z.infer<typeof stompHeartbeatSchema>;

/** The seed monitor's heartbeat: `agent_name` + `status`, no `msg_type`. */
export const seedHeartbeatSchema = z.looseObject({
  agent_name: z.string().min(1).max(100),
  status: z.union([z.string().max(20), z.number(), z.boolean()]),
});
