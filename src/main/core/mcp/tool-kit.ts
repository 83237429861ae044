import type {
  McpServer,
  ServerContext,
  StandardSchemaWithJSON,
} from '@modelcontextprotocol/server';
import { z } from 'zod';
import { findPrototypeKey } from '../../../shared/json-limits.js';

/** A problem the caller can fix (unknown name, contradictory filters): shown as a tool error. */
export class ToolInputError extends Error {
  override name = 'ToolInputError';
}

export interface ToolAnnotationsIn {
  readOnlyHint: boolean;
  destructiveHint: boolean;
  idempotentHint?: boolean;
  openWorldHint?: boolean;
}

export interface ToolDef<I extends z.ZodObject, O extends z.ZodObject> {
  name: string;
  title: string;
  description: string;
  input: I;
  output: O;
  annotations: ToolAnnotationsIn;
  run(args: z.output<I>): z.input<O> | Promise<z.input<O>>;
}

/** Any tool definition, for lists of heterogeneous tools. */
export type AnyToolDef = ToolDef<z.ZodObject, z.ZodObject>;

export function defineTool<I extends z.ZodObject, O extends z.ZodObject>(
  def: ToolDef<I, O>,
): AnyToolDef {
  return def as unknown as AnyToolDef;
}

export interface ToolCallRecord {
  tool: string;
  arguments: unknown;
  outcome: 'ok' | 'error' | 'invalid_arguments';
  error: string | null;
  durationMs: number;
  ctx: ServerContext | undefined;
}

/**
 * Wraps a schema so that a rejected input is reported before the SDK turns it into a tool error;
 * the SDK validates arguments before our callback runs, and the audit must see those calls too.
 */
function reportingRejections<S extends StandardSchemaWithJSON>(
  schema: S,
  onReject: (value: unknown, issues: string) => void,
): S {
  const std = schema['~standard'];
  const check = (value: unknown, result: { issues?: readonly { message: string }[] }) => {
    if (result.issues && result.issues.length > 0)
      onReject(value, result.issues.map((i) => i.message).join('; '));
    return result;
  };
  const wrapped = {
    ...std,
    validate: (value: unknown) => {
      const protoKey = findPrototypeKey(value);
      if (protoKey)
        return check(value, {
          issues: [{ message: `${protoKey}: prototype keys are not accepted` }],
        });
      const result = std.validate(value);
      return result instanceof Promise ? result.then((r) => check(value, r)) : check(value, result);
    },
  };
  return new Proxy(schema, {
    get: (target, prop, receiver) =>
      prop === '~standard' ? wrapped : (Reflect.get(target, prop, receiver) as unknown),
  });
}

/** The text copy of a structured result: compact JSON, which models read well. */
const textCopy = (value: unknown) => JSON.stringify(value);

/**
 * Registers one tool: the SDK validates input against `input` and the result against `output`;
 * every call (including rejected arguments) goes to `record` with its outcome and duration.
 */
export function registerTool(
  server: McpServer,
  def: AnyToolDef,
  record: (entry: ToolCallRecord) => void,
) {
  // A tool that acts refuses arguments it does not know: a misspelt option must not act by default.
  const schema = def.annotations.readOnlyHint ? def.input : def.input.strict();
  const input = reportingRejections(schema, (value, issues) =>
    record({
      tool: def.name,
      arguments: value,
      outcome: 'invalid_arguments',
      error: issues,
      durationMs: 0,
      ctx: undefined,
    }),
  );
  server.registerTool(
    def.name,
    {
      title: def.title,
      description: def.description,
      inputSchema: input,
      outputSchema: def.output,
      annotations: { title: def.title, ...def.annotations },
    },
    async (args: unknown, ctx: ServerContext) => {
      const started = performance.now();
      const finish = (outcome: 'ok' | 'error', error: string | null) =>
        record({
          tool: def.name,
          arguments: args,
          outcome,
          error,
          durationMs: performance.now() - started,
          ctx,
        });
      try {
        const value = await def.run(args as z.output<z.ZodObject>);
        finish('ok', null);
        return {
          content: [{ type: 'text' as const, text: textCopy(value) }],
          structuredContent: value as Record<string, unknown>,
        };
      } catch (err) {
        const message =
          err instanceof ToolInputError || err instanceof z.ZodError
            ? (err as Error).message
            : `${def.name} failed: ${(err as Error).message ?? String(err)}`;
        finish('error', message);
        return { content: [{ type: 'text' as const, text: message }], isError: true };
      }
    },
  );
}
