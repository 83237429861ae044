import type { McpServer } from '@modelcontextprotocol/server';
import { z } from 'zod';
import type { McpDeps } from './deps.js';
import { FLEET_URI, runUri } from './change-notifier.js';
import { fleetSnapshot, runSnapshot } from './resources.js';

export function registerPrompts(server: McpServer, deps: McpDeps) {
  server.registerPrompt(
    'swf_diagnose_fleet',
    {
      title: 'Diagnose the fleet',
      description: 'Look at the testbed now and explain what is wrong and what to do about it.',
      argsSchema: z.object({
        focus: z
          .string()
          .max(200)
          .optional()
          .describe('an agent name or a symptom to concentrate on'),
      }),
    },
    async (args) => {
      const fleet = await fleetSnapshot(deps);
      const steps = [
        'You are helping a physicist run the ePIC streaming workflow testbed on a laptop.',
        'The current fleet is attached. Diagnose it:',
        '1. Call swf_get_testbed_status and say whether the testbed is ready to run, and if not, why.',
        '2. For every agent that is dead, EXITED or reports ERROR, call swf_get_agent and swf_list_logs (level ERROR, instance_name = the agent) to find the cause.',
        '3. For supervised programs that are not RUNNING, call swf_tail_agent_output to read their last output.',
        '4. Finish with a short list: problem, evidence, the one action that fixes it. Ask before starting or stopping anything.',
      ];
      if (args.focus) steps.push(`Concentrate on: ${args.focus}.`);
      return {
        description: 'Fleet diagnosis',
        messages: [
          { role: 'user' as const, content: { type: 'text' as const, text: steps.join('\n') } },
          {
            role: 'user' as const,
            content: {
              type: 'resource' as const,
              resource: {
                uri: FLEET_URI,
                mimeType: 'application/json',
                text: JSON.stringify(fleet),
              },
            },
          },
        ],
      };
    },
  );

  server.registerPrompt(
    'swf_summarise_run',
    {
      title: 'Summarise a run',
      description: 'Summarise one data-taking run: timeline, files, problems.',
      argsSchema: z.object({
        run_number: z.string().regex(/^\d+$/, 'run_number must be a whole number such as 100123'),
      }),
    },
    (args) => {
      const snapshot = runSnapshot(deps, Number(args.run_number));
      const text = snapshot
        ? [
            `Summarise run ${args.run_number} of the ePIC streaming workflow testbed for the shift log.`,
            'Use the attached run record. Give: start and end (or "still running"), duration, the phases it went through,',
            'STF files per status, and anything abnormal (failed files, gaps, errors). Call swf_list_messages with run_id and',
            'swf_list_logs with level ERROR over the run window if you need more detail. Keep it under 15 lines.',
          ].join('\n')
        : `Run ${args.run_number} is not known to the control center. Call swf_list_runs to find the right run number.`;
      return {
        description: `Summary of run ${args.run_number}`,
        messages: [
          { role: 'user' as const, content: { type: 'text' as const, text } },
          ...(snapshot
            ? [
                {
                  role: 'user' as const,
                  content: {
                    type: 'resource' as const,
                    resource: {
                      uri: runUri(args.run_number),
                      mimeType: 'application/json',
                      text: JSON.stringify(snapshot),
                    },
                  },
                },
              ]
            : []),
        ],
      };
    },
  );
}
