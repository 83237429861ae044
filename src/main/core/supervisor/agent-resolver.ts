import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { BuiltinAgent } from './fleet.js';

/**
 * The built-in agents' scripts: `$SWF_CC_AGENTS_DIR/<agent>.js`, else the build output
 * `out/agents/<agent>.js` under the working folder. The agents are built separately; a missing
 * script is a clear FATAL for that program, not a crash.
 */
export function defaultAgentResolver(agent: BuiltinAgent): string {
  const dir = process.env.SWF_CC_AGENTS_DIR
    ? resolve(process.env.SWF_CC_AGENTS_DIR)
    : join(process.cwd(), 'out', 'agents');
  const script = join(dir, `${agent}.js`);
  if (!existsSync(script)) throw new Error(`script ${script} not found (agents not built?)`);
  return script;
}
