import { z } from 'zod';

/** `ok`: the tool ran; `error`: it ran and failed; `invalid_arguments`: rejected before running. */
export const mcpAuditOutcomeSchema = z.enum(['ok', 'error', 'invalid_arguments']);
export type McpAuditOutcome = z.infer<typeof mcpAuditOutcomeSchema>;

/** One MCP tool call as stored in `mcp_audit` (the `mcp.activity` event, the MCP view). */
export const mcpAuditRecordSchema = z.object({
  id: z.number().int(),
  at: z.string(),
  clientName: z.string().nullable(),
  clientVersion: z.string().nullable(),
  transport: z.string(),
  tool: z.string(),
  arguments: z.unknown(),
  outcome: mcpAuditOutcomeSchema,
  error: z.string().nullable(),
  durationMs: z.number(),
});
export type McpAuditRecord = z.infer<typeof mcpAuditRecordSchema>;
export type McpAuditInput = Omit<McpAuditRecord, 'id'>;

/** An MCP client holding a connection (WebSocket, or the stdio bridge over it). */
export const mcpConnectedClientSchema = z.object({
  id: z.string(),
  name: z.string(),
  transport: z.string(),
  since: z.string(),
});
export type McpConnectedClient = z.infer<typeof mcpConnectedClientSchema>;
