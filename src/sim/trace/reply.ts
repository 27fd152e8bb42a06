// The reply, walked like the request (issue 17). The forward walk records, per connection it
// opened (the client's; a load balancer's, an ingress controller's, kube-proxy's userspace dial),
// the conntrack entry of every node that translated it. Once a server answers, the answer of each
// connection is routed back from the server, last connection first, by the nodes' routes, and on
// each node it crosses that node's conntrack reverses the translations that node made, and only
// those. The reply arrives where the routes take it; the client's socket accepts it only if it
// comes from the address and port the client connected to. Anything else is what the kernel calls
// a stray segment: the client's TCP answers it with a reset and the connection never opens
// (kubernetes/kubernetes#74383: a NodePort with externalTrafficPolicy: Local reached from a pod).

import type { ArtifactRef } from '../artifact';
import type { Protocol, Service } from '../api/types';
import type { Cluster } from '../cluster';
import type { PodNetwork, RoutedPacket } from '../node/routes';
import { ConntrackTables, entryFor, formatEntry, isReplyOf, natOf, reverse, sameTuple, undo } from '../node/conntrack';
import type { ConntrackEntry, ConntrackOwner, Tuple } from '../node/conntrack';
import type { TraceMessageKey } from './messages';
import type { NetworkIndex } from './network';
import type { Note } from '../notes';
import { clientNamed, kubeProxyNamed, loadBalancerNamed, namedFault, nodeNamed, podNamed } from './named';
import type { HopParam } from './named';
import type { Fault, HopAction, HopConntrack, HopPlace, PacketView } from './types';
import type { ProxyEvaluation, RuleStep } from '../proxy/types';

/** One end of a connection: who opened it (where its reply must arrive) or who accepted it. */
export type Party =
  | { kind: 'client'; place: HopPlace; address: string; name: string }
  /** A pod in its own network namespace. */
  | { kind: 'pod'; place: HopPlace; pod: string; ip: string; node: string }
  /** A process in a node's network namespace: a hostNetwork pod, kubelet, kube-proxy itself. */
  | { kind: 'host'; place: HopPlace; node: string }
  /** The external load balancer, when it terminates the client's connection and opens its own. */
  | { kind: 'lb'; place: HopPlace; address: string };

interface Segment {
  client: Party;
  /** Who opened the connection, as explanations name it (named.ts). */
  clientName: Note;
  protocol: Protocol;
  /** The first packet as the client sent it. */
  first: Tuple;
  /** The conntrack entries this connection made on the way (nodes; a forwarding load balancer). */
  entries: ConntrackEntry[];
  server?: Party;
  /** The first packet as the server received it. */
  delivered?: Tuple;
}

/**
 * The connections one request opened, in order, with the conntrack entries each left on the nodes
 * it crossed. The tracer writes it as it walks forward; `walkReply` reads it.
 */
export class Connections {
  readonly ct = new ConntrackTables();
  segments: Segment[] = [];
  /** Translations by the external load balancer itself (it is no node; its entries stay here). */
  private lb: ConntrackTables | null = null;
  /** The reply tuple of every connection whose first packet a node's hooks saw, with that node
   *  (a handful per request: a list compared field by field, no key text). */
  private seen: SeenReply[] = [];

  open(client: Party, clientName: Note, first: Tuple & { protocol: Protocol }): void {
    const seg: Segment = { client, clientName, protocol: first.protocol, first: tuple(first), entries: [] };
    this.segments = appended(this.segments, seg);
  }

  private get current(): Segment | undefined {
    return this.segments.at(-1);
  }

  /** `node` let the packet through as `after` having received it as `before`: an entry when it
   *  rewrote anything (DNAT, SNAT/masquerade, REDIRECT, an IPVS real server). Either way the node's
   *  conntrack now knows the connection, so its reply is no stranger there (see `knows`). */
  translated(node: string, before: Tuple, after: Tuple, owner: ConntrackOwner): void {
    const seg = this.current;
    if (!seg) return;
    // An entry's reply tuple is what `knows` looks for too: the entry alone says the node saw it.
    if (sameTuple(before, after)) this.forwarded(node, after);
    else seg.entries = appended(seg.entries, this.ct.add(entryFor(node, seg.protocol, before, after, owner)));
  }

  /** `node` passed the current connection's first packet on as `p` (routed to one of its pods
   *  without a rewrite): its conntrack has the connection, untranslated. */
  forwarded(node: string, p: Tuple): void {
    const seg = this.current;
    if (!seg) return;
    const s = { node, protocol: seg.protocol, src: p.dst, srcPort: p.dstPort, dst: p.src, dstPort: p.srcPort };
    this.seen = appended(this.seen, s);
  }

  /** Whether `node`'s conntrack has the connection this reply belongs to: the node saw its first
   *  packet. A reply it does not know is INVALID there (nf_conntrack has no entry to match it). */
  knows(node: string, p: Tuple, protocol: Protocol): boolean {
    const seen = this.seen;
    for (let i = 0; i < seen.length; i++) {
      const s = seen[i]!;
      if (s.node === node && s.protocol === protocol && sameTuple(s, p)) return true;
    }
    return !!this.ct.lookupReply(node, p, protocol);
  }

  /** A load balancer that forwards (keeping the client's address) rewrote the destination. */
  balancerForwarded(place: HopPlace, before: Tuple, after: Tuple): void {
    const seg = this.current;
    if (!seg || sameTuple(before, after)) return;
    this.lb ??= new ConntrackTables();
    seg.entries = appended(seg.entries, this.lb.add(entryFor(place.id, seg.protocol, before, after, 'load-balancer')));
  }

  /** The current connection reached the process that answers it (or opens the next one). */
  accept(server: Party, delivered: Tuple): void {
    const seg = this.current;
    if (!seg) return;
    seg.server = server;
    seg.delivered = tuple(delivered);
  }

}

/** `xs` with `x` appended. A list of one or two is a new array of that size: a push grows an array
 *  by 16 slots or more, and every request of a batch run fills a few lists with one or two elements. */
function appended<T>(xs: T[], x: T): T[] {
  if (xs.length === 0) return [x];
  if (xs.length === 1) return [xs[0]!, x];
  xs.push(x);
  return xs;
}

/** A reply a node expects: the node saw the connection's first packet. */
interface SeenReply extends Tuple {
  node: string;
  protocol: Protocol;
}

function tuple(p: Tuple): Tuple {
  return { src: p.src, srcPort: p.srcPort, dst: p.dst, dstPort: p.dstPort };
}

/** What the reply walk records: a hop in the tracer's shape. */
export interface ReplyHop {
  place: HopPlace;
  action: HopAction;
  before: PacketView;
  after?: PacketView;
  key: TraceMessageKey;
  params: Record<string, HopParam>;
  parts?: Record<string, Note[]>;
  edge?: { from: string; to: string };
  conntrack?: HopConntrack[];
  observedSource?: string;
  refs?: ArtifactRef[];
  steps?: RuleStep[];
}

export interface ReplyContext {
  cluster: Cluster;
  net: NetworkIndex;
  /** The lab's pod network: the nodes' routing tables. */
  podNetwork: PodNetwork;
  conns: Connections;
  /** false: decide only (batch runs); no hop objects are built. */
  record: boolean;
  /** The lab's reply routes for walks that record nothing (kept per lab by the tracer). */
  routes?: ReplyRoutes;
  hop(h: ReplyHop): void;
  /** The node's filter rules for a packet it forwards whose connection its conntrack never saw
   *  (state INVALID); undefined when the node has no kube-proxy data plane that filters. */
  forwardInvalid?(node: string, p: Tuple, protocol: Protocol): ProxyEvaluation | undefined;
}

export type ReplyOutcome = { delivered: true } | { delivered: false; fault: Fault };

const DELIVERED: ReplyOutcome = { delivered: true };

/** Where a node sends a packet for `dst`, as its routing table has it. */
type Next =
  | { kind: 'pod'; party: Extract<Party, { kind: 'pod' }> }
  | { kind: 'local' }
  | { kind: 'node'; node: string }
  | { kind: 'lb'; address: string; place: HopPlace }
  | { kind: 'out'; address: string }
  /** A blackhole route: an address in this node's block that no pod holds. */
  | { kind: 'blackhole' };

/** The next place, and the `ip route` line that chose it (none when not recording). */
type Routed = Next & { refs: ArtifactRef[] };

/** Where the reply ended: a place and, when it is a party, which. */
type Arrival =
  | { kind: 'pod'; party: Extract<Party, { kind: 'pod' }> }
  | { kind: 'host'; node: string }
  | { kind: 'lb'; address: string; place: HopPlace }
  | { kind: 'out'; address: string };

function nodePlace(node: string): HopPlace {
  return { kind: 'node', id: `node:${node}`, node };
}

function podKey(p: { metadata: { namespace?: string; name: string } }): string {
  return `${p.metadata.namespace ?? 'default'}/${p.metadata.name}`;
}

/**
 * The node's route for `dst`: the kernel's lookup in the node's routing table
 * (src/sim/node/routes.ts): a pod behind one of its veths, its own address, another node, or out
 * through the default route (to the load balancer, or to the outside). `ref` is the deciding
 * `ip route` line. Without a table for the node (a lab with no routes), the address's owner.
 */
function routeFrom(ctx: ReplyContext, node: string, dst: string): Routed {
  if (!ctx.record && ctx.routes) return ctx.routes.next(ctx, node, dst);
  return nextOf(ctx, node, dst, ctx.podNetwork.routed(node, dst));
}

/**
 * Where a lab's nodes route replies, by node and destination, as a walk that records nothing needs
 * it (no refs): a function of the lab's routing tables and addresses alone, so the tracer keeps one
 * per lab (batch runs route the same few replies again and again). Bounded per node.
 */
export class ReplyRoutes {
  private readonly byNode = new Map<string, Map<string, Routed>>();

  /** `ctx` records nothing (its routes carry no refs). */
  next(ctx: ReplyContext, node: string, dst: string): Routed {
    let byDst = this.byNode.get(node);
    if (!byDst) this.byNode.set(node, (byDst = new Map()));
    let routed = byDst.get(dst);
    if (!routed) {
      routed = nextOf(ctx, node, dst, ctx.podNetwork.routed(node, dst));
      if (byDst.size < 4096) byDst.set(dst, routed);
    }
    return routed;
  }
}

function nextOf(ctx: ReplyContext, node: string, dst: string, r: RoutedPacket | null): Routed {
  const refs = r && ctx.record ? [r.table.refOf(r.route)] : NO_REFS;
  const n = r?.next;
  if (n?.kind === 'blackhole') return { kind: 'blackhole', refs };
  if (n?.kind === 'local') return { kind: 'local', refs };
  if (n?.kind === 'node') return { kind: 'node', node: n.node, refs };
  if (n?.kind === 'pod') return podNext(n.pod, dst, node, refs);
  const o = ctx.net.owner(dst);
  if (!r) {
    // No routing table: the pod network as the address index has it.
    if (o.kind === 'pod' && o.node === node) return podNext(podKey(o.pod), dst, node, refs);
    if (o.kind === 'pod') return { kind: 'node', node: o.node, refs };
    if (o.kind === 'node') return o.node === node ? { kind: 'local', refs } : { kind: 'node', node: o.node, refs };
    if (o.kind === 'loopback') return { kind: 'local', refs };
  }
  if (o.kind === 'load-balancer') {
    const svc = `${o.service.metadata.namespace ?? 'default'}/${o.service.metadata.name}`;
    const place: HopPlace = { kind: 'load-balancer', id: `lb:${svc}`, address: dst, service: svc };
    return { kind: 'lb', address: dst, place, refs };
  }
  return { kind: 'out', address: dst, refs };
}

const NO_REFS: ArtifactRef[] = [];

function podNext(key: string, ip: string, node: string, refs: ArtifactRef[]): Routed {
  const place: HopPlace = { kind: 'pod', id: `pod:${key}`, pod: key, node };
  return { kind: 'pod', party: { kind: 'pod', place, pod: key, ip, node }, refs };
}

function view(t: Tuple, protocol: Protocol): PacketView {
  const proto = protocol === 'UDP' ? 'UDP' : 'TCP';
  return { protocol: proto, src: t.src, srcPort: t.srcPort, dst: t.dst, dstPort: t.dstPort };
}

const addr = (ip: string, port: number) => `${ip}:${port}`;

/** The first reply hop of the last connection: the backend answers. */
export interface FinalAnswer {
  status: number;
  /** The Service ("ns/name") the request went through, for the fault's blame (looked up only for a fault). */
  service?: string | null;
}

/**
 * Walks the replies of every connection the request opened. Each connection is set up in the
 * order the request opened them, so the first whose answer (its SYN-ACK) cannot reach its client
 * is where the request stops: that reply alone is recorded, as a handshake that failed. When every
 * one arrives, the answers are recorded as they flow: the last connection's first, back to the
 * client's. `delivered` when each reached its client from the address and port it connected to.
 */
export function walkReply(ctx: ReplyContext, answer: FinalAnswer): ReplyOutcome {
  if (!ctx.record) return walkReplyUnrecorded(ctx, answer);
  const segs = ctx.conns.segments.filter(answeredSegment);
  const recorded: ReplyHop[][] = [];
  for (let i = 0; i < segs.length; i++) {
    const hops: ReplyHop[] = [];
    const { cluster, net, podNetwork, conns, record } = ctx;
    const forwardInvalid = ctx.forwardInvalid?.bind(ctx);
    const hop = (h: ReplyHop) => hops.push(h);
    const buffered: ReplyContext = { cluster, net, podNetwork, conns, record, forwardInvalid, hop };
    const end = walkSegment(buffered, segs[i]!, answer, i === segs.length - 1);
    if (!end.delivered) {
      // The server's kernel answered the SYN; the application never got a request to answer.
      const head = hops[0];
      if (head) {
        const { server, from, to } = head.params;
        hops[0] = { ...head, key: 'hop.reply.synAck', params: { server: server!, from: from!, to: to! } };
      }
      for (const h of hops) ctx.hop(h);
      return end;
    }
    recorded.push(hops);
  }
  for (const hops of recorded.reverse()) for (const h of hops) ctx.hop(h);
  return DELIVERED;
}

/** `walkReply` for a walk that records nothing: the same segments in the same order, read in place. */
function walkReplyUnrecorded(ctx: ReplyContext, answer: FinalAnswer): ReplyOutcome {
  const all = ctx.conns.segments;
  let last = all.length - 1;
  while (last >= 0 && !answeredSegment(all[last]!)) last--;
  for (let i = 0; i <= last; i++) {
    const seg = all[i]!;
    if (!answeredSegment(seg)) continue;
    const end = walkSegment(ctx, seg, answer, i === last);
    if (!end.delivered) return end;
  }
  return DELIVERED;
}

/** A connection that reached the process answering it. */
function answeredSegment(s: Segment): boolean {
  return !!s.server && !!s.delivered;
}

function walkSegment(ctx: ReplyContext, seg: Segment, answer: FinalAnswer, last: boolean): ReplyOutcome {
  const server = seg.server!;
  let p = reverse(seg.delivered!);
  let crossed: string[] = [];
  const startNode = server.kind === 'pod' || server.kind === 'host' ? server.node : null;
  respondHop(ctx, seg, last ? answer : null, p);
  if (server.kind === 'lb') return arrive(ctx, seg, { kind: 'out', address: p.dst }, p, server.place, crossed, answer);
  // A pod answering itself (a self-connection nothing translated) never leaves its namespace.
  if (server.kind === 'pod' && p.dst === server.ip) {
    return arrive(ctx, seg, { kind: 'pod', party: server }, p, server.place, crossed, answer);
  }
  let node = startNode!;
  for (let guard = 0; guard < 16; guard++) {
    crossed = appended(crossed, node);
    const before = p;
    const e = ctx.conns.ct.lookupReply(node, p, seg.protocol);
    if (e) {
      p = undo(e);
      ctx.conns.ct.markReplied(e);
    }
    const next = routeFrom(ctx, node, p.dst);
    if (!e && forwards(next) && !ctx.conns.knows(node, p, seg.protocol)) {
      // The node never saw this connection's first packet: its conntrack calls the reply INVALID,
      // and its forward filter rules judge it (kube-proxy's iptables KUBE-FORWARD drops it).
      const judged = ctx.forwardInvalid?.(node, p, seg.protocol);
      if (judged && judged.verdict.kind !== 'pass') return invalidDropped(ctx, seg, node, p, judged, crossed, answer);
    }
    nodeHop(ctx, seg, node, before, p, e, next);
    if (next.kind === 'node') {
      node = next.node;
      continue;
    }
    if (next.kind === 'blackhole') return lost(ctx, seg, p, shownPlace(ctx, node), crossed, next.refs);
    const at: Arrival = next.kind === 'local' ? { kind: 'host', node } : next;
    return arrive(ctx, seg, at, p, shownPlace(ctx, node), crossed, answer);
  }
  return lost(ctx, seg, p, shownPlace(ctx, node), crossed);
}

/** Where a hop starts that only a recording walk shows (arrive's and lost's `from`). */
function shownPlace(ctx: ReplyContext, node: string): HopPlace {
  return ctx.record ? nodePlace(node) : UNSHOWN;
}

/** The place of hops no one records (a walk that records nothing never reads it). */
const UNSHOWN: HopPlace = { kind: 'node', id: '', node: '' };

/** The node sends the packet on (to a pod, another node, out) rather than taking it itself. */
function forwards(next: Routed): boolean {
  return next.kind === 'pod' || next.kind === 'node' || next.kind === 'lb' || next.kind === 'out';
}

/**
 * A node's filter rules dropped a reply its conntrack could not place (ctstate INVALID): the client
 * never sees it and times out. The hop points at the rule that decided; the fault names the node
 * that translated the request, which the reply skipped, when there is one.
 */
function invalidDropped(
  ctx: ReplyContext,
  seg: Segment,
  node: string,
  p: Tuple,
  judged: ProxyEvaluation,
  crossed: string[],
  answer: FinalAnswer,
): ReplyOutcome {
  const reason = judged.verdict.kind === 'drop' || judged.verdict.kind === 'reject' ? judged.verdict.reason : '';
  const base = { client: seg.clientName, from: addr(p.src, p.srcPort), node, rule: reason };
  if (ctx.record) {
    const matched = judged.steps.filter((s) => s.outcome === 'matched');
    const refs = matched.length > 0 ? [matched.at(-1)!.ref] : NO_REFS;
    const params = { ...base, to: addr(p.dst, p.dstPort) };
    const before = view(p, seg.protocol);
    ctx.hop({
      place: nodePlace(node), action: 'drop', before, key: 'hop.reply.invalid', params, refs, steps: judged.steps,
    });
  }
  const unreplied = (e: ConntrackEntry) => ctx.conns.ct.stateOf(e) === 'unreplied';
  const skipped = seg.entries.find((e) => e.owner !== 'load-balancer' && unreplied(e) && natOf(e).dnat);
  const onNode = { kind: 'Node', name: node };
  if (!skipped) return { delivered: false, fault: namedFault(onNode, 'note.fault.replyInvalid', base) };
  const server = seg.server!;
  const params = {
    ...base,
    dnatNode: skipped.node,
    endpoint: addr(seg.delivered!.dst, seg.delivered!.dstPort),
    path: crossed.join(' -> '),
    entry: formatEntry(skipped, 'unreplied'),
    endpointNode: server.kind === 'pod' || server.kind === 'host' ? server.node : '-',
  };
  const svc = serviceByKey(ctx.cluster, answer.service ?? null);
  if (svc) {
    const field = svc.spec.externalTrafficPolicy === 'Local' ? 'spec.externalTrafficPolicy' : undefined;
    const namespace = svc.metadata.namespace ?? 'default';
    const blame = { kind: 'Service', namespace, name: svc.metadata.name, field };
    return { delivered: false, fault: namedFault(blame, 'note.fault.replyInvalidBypassed', params) };
  }
  return { delivered: false, fault: namedFault(onNode, 'note.fault.replyInvalidBypassed', params) };
}

function respondHop(ctx: ReplyContext, seg: Segment, answer: FinalAnswer | null, p: Tuple): void {
  if (!ctx.record) return;
  const server = seg.server!;
  const before = view(p, seg.protocol);
  // A pod's answer leaves through its node.
  const edge = server.kind === 'pod' ? { from: server.place.id, to: `node:${server.node}` } : undefined;
  const who = partyName(server);
  if (answer) {
    const params = { server: who, status: answer.status, from: addr(p.src, p.srcPort), to: addr(p.dst, p.dstPort) };
    const observedSource = p.dst;
    ctx.hop({ place: server.place, action: 'respond', before, key: 'hop.reply.respond', params, edge, observedSource });
    return;
  }
  const params = { server: who, from: addr(p.src, p.srcPort), to: addr(p.dst, p.dstPort) };
  ctx.hop({ place: server.place, action: 'respond', before, key: 'hop.reply.relay', params, edge });
}

function partyName(p: Party): Note {
  switch (p.kind) {
    case 'client':
      return clientNamed(p.name);
    case 'pod':
      return podNamed(p.pod);
    case 'host':
      return p.place.kind === 'pod' || p.place.kind === 'controller' ? podNamed(p.place.pod) : kubeProxyNamed(p.node);
    case 'lb':
      return loadBalancerNamed(p.address);
  }
}

/** Where the reply goes next, as explanations name it: a node, a pod, or the address it is routed to. */
function nextNamed(next: Next, dst: string): HopParam {
  if (next.kind === 'node') return nodeNamed(next.node);
  return next.kind === 'pod' ? podNamed(next.party.pod) : dst;
}

function nextPlaceId(next: Next): string {
  switch (next.kind) {
    case 'pod':
      return next.party.place.id;
    case 'node':
      return `node:${next.node}`;
    case 'lb':
      return next.place.id;
    case 'local':
    case 'out':
    case 'blackhole':
      return '';
  }
}

/** The reply crossing `node`: rewritten by the node's entry for it, or only routed on. */
function nodeHop(
  ctx: ReplyContext,
  seg: Segment,
  node: string,
  before: Tuple,
  after: Tuple,
  e: ConntrackEntry | undefined,
  next: Routed,
): void {
  if (!ctx.record) return;
  const to = nextPlaceId(next);
  const edge = to ? { from: `node:${node}`, to } : undefined;
  const b = view(before, seg.protocol);
  const a = view(after, seg.protocol);
  const toText = nextNamed(next, after.dst);
  if (!e) {
    const params = { node, dst: after.dst, to: toText };
    const refs = next.refs;
    const none: HopConntrack[] = [];
    const key: TraceMessageKey = 'hop.reply.route';
    ctx.hop({ place: nodePlace(node), action: 'route', before: b, key, params, edge, conntrack: none, refs });
    return;
  }
  const nat = natOf(e);
  const one: TraceMessageKey = nat.dnat ? 'hop.reply.unDnat' : 'hop.reply.unSnat';
  const key: TraceMessageKey = nat.dnat && nat.snat ? 'hop.reply.unnatBoth' : one;
  const params = {
    node,
    from: addr(before.src, before.srcPort),
    to: addr(before.dst, before.dstPort),
    newFrom: addr(after.src, after.srcPort),
    newTo: addr(after.dst, after.dstPort),
    next: toText,
  };
  const conntrack: HopConntrack[] = [{ node, entry: formatEntry(e, ctx.conns.ct.stateOf(e)) }];
  const refs = next.refs;
  ctx.hop({ place: nodePlace(node), action: 'unnat', before: b, after: a, key, params, edge, conntrack, refs });
}

/** Whether the reply reached the party that opened the connection. */
function reached(client: Party, at: Arrival): boolean {
  switch (client.kind) {
    case 'pod':
      return at.kind === 'pod' && at.party.pod === client.pod;
    case 'host':
      return at.kind === 'host' && at.node === client.node;
    case 'client':
      return at.kind === 'out' && at.address === client.address;
    case 'lb':
      return at.kind === 'lb' && at.address === client.address;
  }
}

function arrive(
  ctx: ReplyContext,
  seg: Segment,
  at: Arrival,
  p: Tuple,
  from: HopPlace,
  crossed: string[],
  answer: FinalAnswer,
): ReplyOutcome {
  const client = seg.client;
  // A forwarding load balancer is in the path back to the outside client: it undoes its rewrite.
  if (at.kind === 'out') {
    const lbe = seg.entries.find((e) => e.owner === 'load-balancer' && isReplyOf(e, { ...p, protocol: seg.protocol }));
    if (lbe) {
      const back = undo(lbe);
      const lbPlace = placeOfLb(lbe.node, back.src);
      if (ctx.record) {
        const params = { from: addr(p.src, p.srcPort), newFrom: addr(back.src, back.srcPort), client: seg.clientName };
        const edge = { from: from.id, to: lbPlace.id };
        const before = view(p, seg.protocol);
        const after = view(back, seg.protocol);
        ctx.hop({ place: lbPlace, action: 'unnat', before, after, key: 'hop.reply.lb', params, edge });
      }
      p = back;
      from = lbPlace;
    }
  }
  if (!reached(client, at)) return lost(ctx, seg, p, from, crossed);
  const accepted = isReplyTo(p, seg.first);
  if (ctx.record) {
    const expected = reverse(seg.first);
    const got = addr(p.src, p.srcPort);
    const params = { client: seg.clientName, from: got, expected: addr(expected.src, expected.srcPort) };
    const edge = from.id !== client.place.id ? { from: from.id, to: client.place.id } : undefined;
    const before = view(p, seg.protocol);
    if (accepted) ctx.hop({ place: client.place, action: 'deliver', before, key: 'hop.reply.deliver', params, edge });
    else ctx.hop({ place: client.place, action: 'reject', before, key: 'hop.reply.stray', params, edge });
  }
  return accepted ? DELIVERED : { delivered: false, fault: strayFault(ctx, seg, p, crossed, answer) };
}

/** Whether `p` answers `first`: from where `first` went, to where it came from. */
function isReplyTo(p: Tuple, first: Tuple): boolean {
  return p.src === first.dst && p.srcPort === first.dstPort && p.dst === first.src && p.dstPort === first.srcPort;
}

function placeOfLb(id: string, address: string): HopPlace {
  return { kind: 'load-balancer', id, address, service: id.replace(/^lb:/, '') };
}

/** The reply went somewhere that is not its client: nobody there has the connection. */
function lost(
  ctx: ReplyContext,
  seg: Segment,
  p: Tuple,
  from: HopPlace,
  crossed: string[],
  refs: ArtifactRef[] = NO_REFS,
): ReplyOutcome {
  const params = { dst: p.dst, client: seg.clientName, path: crossed.join(' -> ') || '-' };
  const before = view(p, seg.protocol);
  if (ctx.record) ctx.hop({ place: from, action: 'drop', before, key: 'hop.reply.lost', params, refs });
  return { delivered: false, fault: namedFault({ kind: 'Network', name: p.dst }, 'note.fault.replyLost', params) };
}

/**
 * Why the client got a reply it cannot use: a node translated the request and the reply did not
 * cross it (the entry there still waits, [UNREPLIED]), or nothing translated a connection the
 * server answered from inside the client (a hairpin without masquerade).
 */
function strayFault(ctx: ReplyContext, seg: Segment, p: Tuple, crossed: string[], answer: FinalAnswer): Fault {
  const expected = reverse(seg.first);
  const unreplied = (e: ConntrackEntry) => ctx.conns.ct.stateOf(e) === 'unreplied';
  const skipped = seg.entries.find((e) => e.owner !== 'load-balancer' && unreplied(e) && natOf(e).dnat);
  const base = { client: seg.clientName, from: addr(p.src, p.srcPort), expected: addr(expected.src, expected.srcPort) };
  const server = seg.server!;
  if (skipped && server.kind === 'pod' && crossed.length === 0) {
    // A hairpin: the pod reached itself through a Service and nothing masqueraded it, so its answer
    // to its own address never left its network namespace.
    const entry = formatEntry(skipped, 'unreplied');
    const params = { ...base, node: skipped.node, entry };
    return namedFault({ kind: 'Node', name: skipped.node }, 'note.fault.replyHairpin', params);
  }
  if (!skipped) {
    const path = crossed.join(' -> ') || '-';
    return namedFault({ kind: 'Network', name: p.src }, 'note.fault.replyStray', { ...base, path });
  }
  const endpointNode = server.kind === 'pod' || server.kind === 'host' ? server.node : '-';
  const params = {
    ...base,
    node: skipped.node,
    endpoint: addr(seg.delivered!.dst, seg.delivered!.dstPort),
    path: crossed.join(' -> ') || '-',
    entry: formatEntry(skipped, 'unreplied'),
    endpointNode,
  };
  const svc = serviceByKey(ctx.cluster, answer.service ?? null);
  if (svc) {
    const local = svc.spec.externalTrafficPolicy === 'Local';
    const field = local ? 'spec.externalTrafficPolicy' : undefined;
    const namespace = svc.metadata.namespace ?? 'default';
    const blame = { kind: 'Service', namespace, name: svc.metadata.name, field };
    return namedFault(blame, 'note.fault.replyBypassed', params);
  }
  return namedFault({ kind: 'Node', name: skipped.node }, 'note.fault.replyBypassed', params);
}

function serviceByKey(cluster: Cluster, key: string | null): Service | null {
  if (!key) return null;
  const found = cluster.services.find((s) => `${s.metadata.namespace ?? 'default'}/${s.metadata.name}` === key);
  return found ?? null;
}
