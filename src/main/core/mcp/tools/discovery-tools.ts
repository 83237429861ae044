import { z } from 'zod';
import { defineTool, type AnyToolDef } from '../tool-kit.js';
import { READ } from './common.js';

/**
 * Tool discovery as swf-monitor offers it. Their answers are a list and a string, which an MCP
 * structured result carries under `result` (as FastMCP wraps them).
 */
export function discoveryTools(all: () => AnyToolDef[], instructions: string): AnyToolDef[] {
  const listTools = defineTool({
    name: 'swf_list_available_tools',
    title: 'List the available tools',
    description:
      'Every tool this server offers with its description and parameter names, to choose the right one.',
    input: z.object({}),
    output: z.object({
      result: z.array(
        z.object({ name: z.string(), description: z.string(), parameters: z.array(z.string()) }),
      ),
    }),
    annotations: READ,
    run() {
      return {
        result: all().map((t) => ({
          name: t.name,
          description: t.description,
          parameters: Object.keys(t.input.shape),
        })),
      };
    },
  });

  const getInstructions = defineTool({
    name: 'get_server_instructions',
    title: 'Server instructions',
    description:
      'The instructions this server gives at initialize, for clients that do not show them.',
    input: z.object({}),
    output: z.object({ result: z.string() }),
    annotations: READ,
    run: () => ({ result: instructions }),
  });

  return [listTools, getInstructions];
}
