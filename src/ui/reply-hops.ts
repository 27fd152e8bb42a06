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
 * Whether the reply retraces the request: every edge the request travelled (past name lookups) is
 * travelled back exactly once by the reply, and nothing else. When it does not, the nodes the
 * request crossed and the reply never reaches: the ones whose conntrack it cannot meet.
 */
export function replyPath(hops: readonly Hop[]): { retraces: boolean; skipped: string[] } | null {
  const reply = hops.filter(isReplyHop);
  if (reply.length === 0) return null;
  const forward = hops.filter((h) => !isReplyHop(h) && h.action !== 'resolve');
  const travelled = new Set(hops.filter((_, i) => travelsAgain(hops, i)));
  const edges = (hs: readonly Hop[]) => hs.flatMap((h) => (travelled.has(h) && h.edge ? [h.edge] : []));
  const want = new Map<string, number>();
  for (const e of edges(forward)) want.set(`${e.to}>${e.from}`, (want.get(`${e.to}>${e.from}`) ?? 0) + 1);
  let retraces = true;
  for (const e of edges(reply)) {
    const k = `${e.from}>${e.to}`;
    const n = want.get(k) ?? 0;
    if (n === 0) retraces = false;
    else want.set(k, n - 1);
  }
  if ([...want.values()].some((n) => n > 0)) retraces = false;
  const places = (hs: readonly Hop[]) => new Set(hs.flatMap((h) => [h.place.id, ...(h.edge ? [h.edge.from, h.edge.to] : [])]));
  const replied = places(reply);
  const skipped = [...places(forward)].filter((id) => !replied.has(id)).map(nodeOf).filter((n): n is string => n !== null);
  return { retraces, skipped: retraces ? [] : skipped };
}
