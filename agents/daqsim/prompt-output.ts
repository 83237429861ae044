import { mkdir, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { agentDataDir } from '../lib/data-folder.js';
import type { WorkflowConfig } from './builtin-configs.js';

/**
 * The prompt_processing workflow's files: each STF is written, as the JSON of its `stf_gen`
 * message, to `<container>/swf.<run>.run/<filename>` before the message goes out, and
 * `run_imminent` names the dataset and container so a data agent can find them. The container is
 * `[prompt_processing].container`, else `SWF_PROMPT_PROCESSING_CONTAINER`, else the agents' data
 * folder (the testbed falls back to /tmp; a shared /tmp is no place for a user's run files).
 */
export class PromptOutput {
  readonly dataset: string;
  readonly container: string;
  readonly folder: string;

  constructor(runNumber: number, config: WorkflowConfig, env: NodeJS.ProcessEnv = process.env) {
    const configured = config.prompt_processing?.container;
    const raw =
      (typeof configured === 'string' && configured) ||
      env.SWF_PROMPT_PROCESSING_CONTAINER ||
      agentDataDir(env);
    const expanded = raw
      .replace(/^~(?=$|\/)/, homedir())
      .replace(/\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g, (m, name: string) => env[name] ?? m);
    this.container = isAbsolute(expanded) ? expanded : resolve(expanded);
    this.dataset = `swf.${runNumber}.run`;
    this.folder = join(this.container, this.dataset);
  }

  async prepare(): Promise<void> {
    try {
      await mkdir(this.folder, { recursive: true, mode: 0o700 });
    } catch (err) {
      throw new Error(
        `could not create the output folder ${this.folder}: ${(err as Error).message}`,
        {
          cause: err,
        },
      );
    }
  }

  /** Writes one STF; `filename` is the simulator's own `swf.<run>.<seq>.stf`, never a message's. */
  async write(filename: string, body: Record<string, unknown>): Promise<void> {
    await writeFile(join(this.folder, filename), JSON.stringify(body), { mode: 0o600 });
  }
}
