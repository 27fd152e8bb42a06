import { describe, expect, it } from 'vitest';
import type { Hop } from '../sim';
import { conntrackOf, firstReplyHop, isReplyHop, replyPath, travelsAgain, type HopConntrackEntry } from './reply-hops';

const pkt = { protocol: 'TCP' as const, src: '10.244.0.2', srcPort: 40000, dst: '192.168.49.3', dstPort: 30080 };

/** A hand-made hop in the agreed shape (direction, conntrack) of issue 17. */
function hop(index: number, place: string, edge?: [string, string], reply?: { conntrack?: readonly HopConntrackEntry[] }): Hop {
  const h: Hop = {
    index,
    place: place.startsWith('node:') ? { kind: 'node', id: place, node: place.slice(5) } : { kind: 'pod', id: place, pod: place.slice(4), node: 'node-1' },
    action: 'route',
    before: pkt,
    after: pkt,
    changed: [],
    refs: [],
    explanation: { key: 'k', params: {} },
    ...(edge ? { edge: { from: edge[0], to: edge[1] } } : {}),
  };
  return reply ? { ...h, direction: 'reply', ...(reply.conntrack ? { conntrack: [...reply.conntrack] } : {}) } : h;
}

const C = 'pod:default/client-1';
const W = 'pod:default/web-a';
const N1 = 'node:node-1';
const N2 = 'node:node-2';

/** client-1 (node-1) -> node-2's Local NodePort -> DNAT to web-a on node-1, no masquerade. */
const forward = (): Hop[] => [
  hop(0, C, [C, N1]),
  hop(1, N1, [N1, N2]),
  hop(2, N2),
  hop(3, N2, [N2, N1]),
  hop(4, W, [N1, W]),
  hop(5, W),
];

describe('reply hops', () => {
  it('tells reply hops and their conntrack entries from forward hops', () => {
    const entry = { node: 'node-1', entry: 'tcp 6 117 SYN_SENT src=10.244.0.2 dst=10.244.0.3 sport=40000 dport=80 [UNREPLIED] ...' };
    const hops = [...forward(), hop(6, W, [W, N1], { conntrack: [entry] }), hop(7, C, [N1, C], { conntrack: [] })];
    expect(hops.map(isReplyHop)).toEqual([false, false, false, false, false, false, true, true]);
    expect(firstReplyHop(hops)).toBe(6);
    expect(conntrackOf(hops[6]!)).toEqual([entry]);
    expect(conntrackOf(hops[7]!)).toEqual([]);
    expect(conntrackOf(hops[2]!)).toBeUndefined();
    expect(firstReplyHop(forward())).toBe(-1);
  });

  it('a trace without reply hops has no reply path', () => {
    expect(replyPath(forward())).toBeNull();
  });

  it('an asymmetric return skips the node that rewrote the request', () => {
    const hops = [...forward(), hop(6, W, [W, N1], {}), hop(7, C, [N1, C], {})];
    expect(replyPath(hops)).toEqual({ retraces: false, skipped: ['node-2'] });
  });

  it('a reply that travels every edge of the request back retraces it', () => {
    const back = [hop(6, W, [W, N1], {}), hop(7, N1, [N1, N2], {}), hop(8, N2, undefined, {}), hop(9, N2, [N2, N1], {}), hop(10, C, [N1, C], {})];
    expect(replyPath([...forward(), ...back])).toEqual({ retraces: true, skipped: [] });
  });

  it('name lookups before the connection are not part of the path the reply must retrace', () => {
    const dns = { ...hop(0, C, [C, 'dns:10.96.0.10']), action: 'resolve' as const };
    const hops = [dns, ...forward().map((h) => ({ ...h, index: h.index + 1 }))];
    const back = [hop(7, W, [W, N1], {}), hop(8, N1, [N1, N2], {}), hop(9, N2, [N2, N1], {}), hop(10, C, [N1, C], {})];
    expect(replyPath([...hops, ...back])?.retraces).toBe(true);
  });

  it('the reply\'s route out of a node and its delivery on the same edge travel it once', () => {
    const back = [hop(6, W, [W, N1], {}), hop(7, N1, [N1, N2], {}), hop(8, N2, [N2, N1], {}), hop(9, N1, [N1, C], {}), hop(10, C, [N1, C], {})];
    const hops = [...forward(), ...back];
    expect(hops.map((_, i) => travelsAgain(hops, i))).toEqual([true, true, false, true, true, false, true, true, true, true, false]);
    expect(replyPath(hops)).toEqual({ retraces: true, skipped: [] });
  });

  it('a proxy on the way opens its own connection: the reply through the same places retraces the request', () => {
    // As ingress-nginx does: the request reaches the controller pod P on node-2 and P connects to
    // the web pod on node-1 (no edge out of P); the answers come back P -> node-2 -> client.
    const P = 'pod:ingress/ctrl';
    const fwd = [hop(0, C, [C, N2]), hop(1, N2, [N2, P]), hop(2, P), hop(3, N2, [N2, N1]), hop(4, N1, [N1, W])];
    const back = [hop(5, W, [W, N1], {}), hop(6, N1, [N1, N2], {}), hop(7, N2, [N2, P], {}), hop(8, P, [P, N2], {}),
      hop(9, N2, [N2, C], {})];
    expect(replyPath([...fwd, ...back])).toEqual({ retraces: true, skipped: [] });
  });
});
