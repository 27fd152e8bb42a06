// The pod network's part of a walk: where a node's kernel routing table sends a packet that leaves
// its hooks (src/sim/node/routes.ts), and the `ip route` line that decided, for the hop's refs.

import type { ArtifactRef } from '../artifact';
import type { PodNetwork } from '../node/routes';

export interface RoutedNext {
  /** The node the packet is on next: this node (a local address, a pod's veth) or the peer. */
  node: string;
  /** The deciding route line (none when the walk records no hops). */
  refs: ArtifactRef[];
}

/**
 * The route `node` picks for `dst`, when it leads to a node of the lab (its own addresses, a pod
 * behind one of its veths, another node's block or address). Null when the route leads out of
 * the lab's nodes (the default route, a blackhole): the caller decides what that means.
 */
export function routeToNode(net: PodNetwork, node: string, dst: string, record: boolean): RoutedNext | null {
  const r = net.routed(node, dst);
  if (!r) return null;
  const next = r.next.kind === 'node' ? r.next.node : r.next.kind === 'pod' || r.next.kind === 'local' ? node : null;
  if (next === null) return null;
  return { node: next, refs: record ? [r.table.refOf(r.route)] : [] };
}

/**
 * The route on `node` that hands a packet for `dst` to what holds it there (a pod's veth, the
 * node's own address for a hostNetwork pod): the delivery hop's line. None when not recording.
 */
export function deliveryRefs(net: PodNetwork, node: string, dst: string, record: boolean): ArtifactRef[] {
  if (!record) return [];
  const r = net.routed(node, dst);
  return r && (r.next.kind === 'pod' || r.next.kind === 'local') ? [r.table.refOf(r.route)] : [];
}

/** The blackhole route on `node` that covers `dst` (an address of its own block with no pod), if any. */
export function blackholeRefs(net: PodNetwork, node: string, dst: string, record: boolean): ArtifactRef[] {
  if (!record) return [];
  const r = net.routed(node, dst);
  return r?.next.kind === 'blackhole' ? [r.table.refOf(r.route)] : [];
}
