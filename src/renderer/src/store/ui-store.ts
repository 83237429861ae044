import { create } from 'zustand';
import { processEndReason } from '../../../shared/agent-death.js';
import type { AppLogRecord } from '../../../shared/app-log.js';
import {
  eventPayloadSchemas,
  type FleetAgent,
  type HeartbeatEntry,
  isUiEventName,
  type McpActivity,
  type OutputLine,
  type ProcessInfo,
  type Snapshot,
  type UiEventName,
  type UiEventPayload,
  type WorkflowMessage,
} from '../../../shared/ui-protocol.js';
import { OutputBuffer } from './output-buffer.js';
import {
  type AgentDeath,
  type Alert,
  applyTransition,
  endedPid,
  historyEntry,
  summariseAlerts,
  upsertRun,
} from './record-updates.js';
import {
  HEARTBEAT_CAP,
  HISTORY_CAP,
  initialUiState,
  LOG_CAP,
  MCP_CAP,
  MESSAGE_CAP,
  type ProcessHistoryEntry,
  type Toast,
  type UiState,
} from './ui-state.js';

export type { ConnectionState, ProcessHistoryEntry, Toast, UiState } from './ui-state.js';

export const useUi = create<UiState>(() => initialUiState);

const capped = <T>(list: T[], add: T[], cap: number): T[] => {
  if (add.length === 0) return list;
  const next = list.concat(add);
  return next.length > cap ? next.slice(next.length - cap) : next;
};

let toastSeq = 0;
type Notifier = (title: string, body: string) => void;
let notifier: Notifier = () => {};
/** The platform layer decides how an alert reaches the physicist (native or in-app). */
export function setNotifier(fn: Notifier) {
  notifier = fn;
}

export function pushToast(kind: Toast['kind'], title: string, body: string) {
  const toast = { id: ++toastSeq, kind, title, body };
  useUi.setState((s) => ({ toasts: [...s.toasts.slice(-4), toast] }));
  return toast.id;
}

export function dismissToast(id: number) {
  useUi.setState((s) => ({ toasts: s.toasts.filter((t) => t.id !== id) }));
}

export function applySnapshot(snap: Snapshot) {
  const agents: Record<string, FleetAgent> = {};
  // The core's view of ended processes, plus any this UI saw end that the core has not stored yet.
  const deaths = { ...useUi.getState().agentDeaths, ...snap.agentDeaths };
  for (const a of snap.agents)
    agents[a.instance_name] =
      deaths[a.instance_name]?.pid === a.pid ? { ...a, liveness: 'dead' } : a;
  let processes: Record<string, ProcessInfo> | null = null;
  if (snap.processes) {
    processes = {};
    for (const p of snap.processes) processes[p.name] = p;
  }
  useUi.setState((s) => ({
    synced: true,
    agentDeaths: deaths,
    snapshotCount: s.snapshotCount + 1,
    config: snap.config,
    startedAt: snap.startedAt,
    commandsAvailable: snap.commands,
    agents,
    fleetVersion: s.fleetVersion + 1,
    processes,
    heartbeats: snap.heartbeats,
    logs: snap.logs,
    runs: snap.runs,
    broker: snap.broker,
    executions: Object.fromEntries(snap.executions.map((e) => [e.execution_id, e])),
    messages: snap.messages,
  }));
}

/** Applies one frame's worth of events in a single state update (one render per frame). */
export function applyEvents(events: { name: string; payload: unknown }[]) {
  if (events.length === 0) return;
  const alerts: Alert[] = [];
  useUi.setState((s) => {
    const next: Partial<UiState> = {};
    let agents: Record<string, FleetAgent> | undefined;
    let processes: Record<string, ProcessInfo> | null | undefined;
    let history: Record<string, ProcessHistoryEntry[]> | undefined;
    let deaths: Record<string, AgentDeath> | undefined;
    const mutDeaths = () => (deaths ??= { ...s.agentDeaths });
    const heartbeats: HeartbeatEntry[] = [];
    const logs: AppLogRecord[] = [];
    const messages: WorkflowMessage[] = [];
    const mcp: McpActivity[] = [];
    let bad = 0;
    let outputsGrew = false;
    let fleetChanged = false;
    const mutAgents = () => (agents ??= { ...s.agents });
    const mutProcesses = () => (processes ??= { ...(s.processes ?? {}) });
    const addHistory = (name: string, entry: ProcessHistoryEntry) => {
      history ??= { ...s.processHistory };
      history[name] = capped(history[name] ?? [], [entry], HISTORY_CAP);
    };

    for (const ev of events) {
      if (!isUiEventName(ev.name)) continue;
      const parsed = eventPayloadSchemas[ev.name].safeParse(ev.payload);
      if (!parsed.success) {
        bad++;
        continue;
      }
      const name: UiEventName = ev.name;
      switch (name) {
        case 'agent.changed': {
          const p = parsed.data as UiEventPayload<'agent.changed'>;
          const a = mutAgents();
          const prev = a[p.agent.instance_name];
          if (!prev || prev.agent_type !== p.agent.agent_type) fleetChanged = true;
          const death = (deaths ?? s.agentDeaths)[p.agent.instance_name];
          if (death && death.pid !== p.agent.pid) delete mutDeaths()[p.agent.instance_name];
          a[p.agent.instance_name] = { ...p.agent, liveness: prev?.liveness ?? 'alive' };
          break;
        }
        case 'agent.heartbeat': {
          const p = parsed.data as UiEventPayload<'agent.heartbeat'>;
          heartbeats.push(p);
          const a = mutAgents();
          const prev = a[p.instanceName];
          // A beat the recorder stored after the supervisor saw the process die does not revive it.
          const dead = (deaths ?? s.agentDeaths)[p.instanceName]?.pid === prev?.pid;
          if (prev)
            a[p.instanceName] = {
              ...prev,
              last_heartbeat: p.at,
              liveness: dead ? 'dead' : 'alive',
            };
          break;
        }
        case 'agent.liveness': {
          const p = parsed.data as UiEventPayload<'agent.liveness'>;
          const a = mutAgents();
          const prev = a[p.instanceName];
          if (prev) {
            if (prev.liveness === 'alive' && p.liveness === 'dead')
              alerts.push({
                title: `${p.instanceName} is dead`,
                body: p.markedExited
                  ? 'No heartbeat for too long: marked EXITED.'
                  : 'No heartbeat within the liveness window.',
              });
            a[p.instanceName] = { ...prev, liveness: p.liveness };
          }
          break;
        }
        case 'log.appended':
          logs.push((parsed.data as UiEventPayload<'log.appended'>).log);
          break;
        case 'process.state': {
          const p = parsed.data as UiEventPayload<'process.state'>;
          const procs = mutProcesses();
          const prev = procs[p.name];
          procs[p.name] = applyTransition(prev, p);
          // A new process of a program joins a different agent (by pid): the fleet re-joins then.
          if (!prev || (procs[p.name]!.pid !== null && procs[p.name]!.pid !== prev.pid))
            fleetChanged = true;
          const pid = endedPid(prev, p);
          if (pid !== null) {
            const a = mutAgents();
            for (const agent of Object.values(a)) {
              if (agent.pid !== pid || agent.status === 'EXITED') continue;
              mutDeaths()[agent.instance_name] = { pid, reason: processEndReason(p) };
              a[agent.instance_name] = { ...agent, liveness: 'dead' };
            }
          }
          if (prev?.state !== p.to) {
            addHistory(p.name, historyEntry(p));
            if (p.to === 'FATAL')
              alerts.push({
                title: `${p.name} is FATAL`,
                body: p.reason ?? 'It could not be started and will not be retried.',
              });
          }
          break;
        }
        case 'process.metrics': {
          const p = parsed.data as UiEventPayload<'process.metrics'>;
          const procs = mutProcesses();
          for (const m of p.processes) {
            const prev = procs[m.name];
            if (prev && prev.pid === m.pid)
              procs[m.name] = { ...prev, cpuPercent: m.cpuPercent, rssBytes: m.rssBytes };
          }
          break;
        }
        case 'process.output': {
          const p = parsed.data as UiEventPayload<'process.output'>;
          outputBuffer(s, p.name).append(p.lines);
          outputsGrew = true;
          break;
        }
        case 'broker.state':
          next.broker = parsed.data as UiEventPayload<'broker.state'>;
          break;
        case 'workflow.message':
          messages.push((parsed.data as UiEventPayload<'workflow.message'>).message);
          break;
        case 'run.created':
        case 'run.ended': {
          const p = parsed.data as UiEventPayload<'run.created'>;
          next.runs = upsertRun(next.runs ?? s.runs, p.run);
          break;
        }
        case 'run.progress': {
          const p = parsed.data as UiEventPayload<'run.progress'>;
          next.runProgress = { ...(next.runProgress ?? s.runProgress), [p.runNumber]: p };
          const runs = next.runs ?? s.runs;
          const row = runs.find((r) => r.run_number === p.runNumber);
          if (row && (row.state !== p.state || row.phase !== p.phase))
            next.runs = upsertRun(runs, {
              ...row,
              state: p.state,
              phase: p.phase,
              substate: p.substate,
            });
          break;
        }
        case 'execution.state': {
          const p = parsed.data as UiEventPayload<'execution.state'>;
          next.executions = {
            ...(next.executions ?? s.executions),
            [p.execution.execution_id]: p.execution,
          };
          break;
        }
        case 'mcp.activity':
          mcp.push(parsed.data as McpActivity);
          break;
        case 'mcp.clients':
          next.mcpClients = (parsed.data as UiEventPayload<'mcp.clients'>).clients;
          break;
        case 'core.state':
          break;
        default: {
          const unhandled: never = name;
          void unhandled;
        }
      }
    }
    if (agents) next.agents = agents;
    if (processes !== undefined) next.processes = processes;
    if (history) next.processHistory = history;
    if (deaths) next.agentDeaths = deaths;
    if (heartbeats.length) next.heartbeats = capped(s.heartbeats, heartbeats, HEARTBEAT_CAP);
    if (logs.length) next.logs = capped(s.logs, logs, LOG_CAP);
    if (messages.length) next.messages = capped(s.messages, messages, MESSAGE_CAP);
    if (mcp.length) next.mcpActivity = capped(s.mcpActivity, mcp, MCP_CAP);
    if (fleetChanged) next.fleetVersion = s.fleetVersion + 1;
    if (outputsGrew) next.outputVersion = s.outputVersion + 1;
    if (bad) next.badEvents = s.badEvents + bad;
    return next;
  });
  for (const alert of summariseAlerts(alerts)) notifier(alert.title, alert.body);
}

/** The buffer for one program's output, created on first use (mutated in place, see `outputVersion`). */
export function outputBuffer(s: Pick<UiState, 'outputs'>, name: string): OutputBuffer {
  let buf = s.outputs[name];
  if (!buf) {
    buf = new OutputBuffer();
    s.outputs[name] = buf;
  }
  return buf;
}

/** Replaces an output buffer's content (after `output.tail`) and tells readers. */
export function loadOutput(name: string, lines: OutputLine[]) {
  useUi.setState((s) => {
    const buf = outputBuffer(s, name);
    buf.clear();
    buf.append(lines);
    return { outputVersion: s.outputVersion + 1 };
  });
}

export function resetForReconnect() {
  useUi.setState({ synced: false });
}
