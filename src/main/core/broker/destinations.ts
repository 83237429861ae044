/**
 * Destination naming. `/queue/x` (and `/temp-queue/x`) are anycast queues; `/topic/x` (and
 * `/temp-topic/x`) are multicast topics. A BARE name such as `epictopic` is an alias of
 * `/topic/epictopic`: the old agents (swf-daqsim-agent, mq_comms, swf-fastmon-agent) send and
 * subscribe to bare names on Artemis, whose default routing for auto-created addresses is
 * multicast, while the HEAD agents use `/topic/epictopic`; both must
 * reach the same subscribers when old and new agents are mixed. ActiveMQ 5 differs on purpose:
 * it treats a bare name as a queue (the conformance suite pins both behaviours).
 */
export type DestinationKind = 'topic' | 'queue';

export interface Destination {
  /** Canonical name used for routing: always `/topic/...` or `/queue/...`. */
  name: string;
  kind: DestinationKind;
}

export function parseDestination(raw: string): Destination | undefined {
  const name = raw.trim();
  if (name.length === 0) return undefined;
  if (name.startsWith('/queue/') && name.length > 7) return { name, kind: 'queue' };
  if (name.startsWith('/topic/') && name.length > 7) return { name, kind: 'topic' };
  if (name.startsWith('/temp-queue/') && name.length > 12)
    return { name: `/queue/${name.slice(12)}`, kind: 'queue' };
  if (name.startsWith('/temp-topic/') && name.length > 12)
    return { name: `/topic/${name.slice(12)}`, kind: 'topic' };
  if (name === '/queue/' || name === '/topic/') return undefined;
  return { name: `/topic/${name.replace(/^\/+/, '')}`, kind: 'topic' };
}
