// The reply half of a trace as the lab shows it (issue 17): hops the tracer walked back from the
// server (`Hop.direction === 'reply'`, after the request's hops) and the conntrack entries that
// decided them (`Hop.conntrack`, as `conntrack -L` prints them). Plain functions over the trace.

import type { Hop, HopConntrack } from '../sim';

/** One node's conntrack entry that decided a reply hop. */
export type HopConntrackEntry = HopConntrack;

export function isReplyHop(hop: Hop): boolean {
  return hop.direction === 'reply';
}

/** The conntrack entries a hop records (undefined: the hop records none, as forward hops do). */
export function conntrackOf(hop: Hop): readonly HopConntrackEntry[] | undefined {
  return hop.conntrack;
}

/** Index of the first reply hop, or -1 when the trace has none. */
export function firstReplyHop(hops: readonly Hop[]): number {
  return hops.findIndex(isReplyHop);
}

const sameEdge = (a: Hop['edge'], b: Hop['edge']) => !!a && !!b && a.from === b.from && a.to === b.to;

/**
 * A reply hop that names the same edge as the hop before it does not travel again: the reply walk
 * records the route out of a node and the delivery at its end on one edge; the second decides at
 * the edge's end (the client's socket taking or refusing the packet).
 */
export function travelsAgain(hops: readonly Hop[], i: number): boolean {
  const h = hops[i];
  if (!h?.edge || h.edge.from === h.edge.to) return false;
  return !(isReplyHop(h) && sameEdge(hops[i - 1]?.edge, h.edge));
}

const nodeOf = (id: string) => (id.startsWith('node:') ? id.slice('node:'.length) : null);

/**
 * Whether the reply retraces the request: it comes back through exactly the places (client, load
 * balancer, nodes, pods) the request went through, name lookups aside. Edges are not compared: a
 * proxy (an ingress controller, a Gateway) opens its own connection, so the request has no edge out
 * of it while the reply, answered on the accepted connection, has one. When it does not retrace,
 * the nodes the request crossed and the reply never reaches: the ones whose conntrack it cannot meet.
 */
export function replyPath(hops: readonly Hop[]): { retraces: boolean; skipped: string[] } | null {
  const reply = hops.filter(isReplyHop);
  if (reply.length === 0) return null;
  const forward = hops.filter((h) => !isReplyHop(h) && h.action !== 'resolve');
  const places = (hs: readonly Hop[]) =>
    new Set(hs.flatMap((h) => [h.place.id, ...(h.edge ? [h.edge.from, h.edge.to] : [])]));
  const went = places(forward);
  const came = places(reply);
  const skipped = [...went].filter((id) => !came.has(id));
  const retraces = skipped.length === 0 && [...came].every((id) => went.has(id));
  return { retraces, skipped: retraces ? [] : skipped.map(nodeOf).filter((n): n is string => n !== null) };
}
