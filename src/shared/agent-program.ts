/**
 * The supervised program behind an agent, the one rule the UI, its commands and the MCP tools
 * share: a program of the agent's own name, else the program whose process runs with the pid the
 * agent's heartbeats report (the built-in agents name themselves `<type>-agent-<user>-<N>`, their
 * programs are named after the fleet file's entries).
 */
export function programOfAgent<P extends { name: string; pid?: number | null }>(
  agentName: string,
  agentPid: number | null | undefined,
  programs: Iterable<P>,
): P | undefined {
  let byPid: P | undefined;
  for (const p of programs) {
    if (p.name === agentName) return p;
    if (!byPid && agentPid && p.pid === agentPid) byPid = p;
  }
  return byPid;
}
