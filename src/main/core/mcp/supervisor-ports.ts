import type { Store } from '../store/index.js';
import type { ProcessInfo } from '../../../shared/process-info.js';
import type { Supervisor } from '../supervisor/supervisor.js';
import type { MessageSender, McpProcessInfo, ProcessControl } from './ports.js';

const toInfo = (p: ProcessInfo): McpProcessInfo => ({
  name: p.name,
  state: p.state,
  pid: p.pid,
  since: p.since,
  exitCode: p.exitCode,
  description: p.reason ?? p.command,
});

async function one(name: string, run: (target: string) => Promise<ProcessInfo[]>) {
  const [first] = await run(name);
  if (!first) throw new Error(`no process named ${name}`);
  return toInfo(first);
}

/** The MCP process tools steer the supervisor, and only the programs its fleet file names. */
export function processControlFor(sup: Supervisor, store: Store): ProcessControl {
  return {
    list: () => sup.list().map(toInfo),
    start: (name) => one(name, (t) => sup.start(t)),
    stop: (name) => one(name, (t) => sup.stop(t)),
    restart: (name) => one(name, (t) => sup.restart(t)),
    tail: (name, lines) =>
      sup.tail(name, lines).map(({ at, stream, line }) => ({ at, stream, line })),
    search: async (name, query, limit) =>
      (await sup.search(name, query, { limit })).map(({ at, stream, line }) => ({
        at,
        stream,
        line,
      })),
    history: (name, limit) =>
      store.processes.transitions({ program: name, limit }).map((t) => ({
        at: t.at,
        state: t.to_state,
        pid: t.pid,
        exitCode: t.exit_code,
        detail: t.reason ?? undefined,
      })),
  };
}

/** Workflow control and `swf_send_message` publish through whichever broker the core has. */
export function messageSenderFor(
  send: (destination: string, body: string) => Promise<void>,
  status: () => { state: string; detail?: string },
): MessageSender {
  return {
    send: (destination, body) => send(destination, JSON.stringify(body)),
    status() {
      const s = status();
      const up = s.state === 'listening' || s.state === 'connected';
      return { state: up ? 'up' : 'down', detail: s.detail };
    },
  };
}
