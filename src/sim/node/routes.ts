// Each node's kernel routing table, as `ip -4 route show table all` prints it, for a routed pod
// network in Calico's style without encapsulation (BGP; each node's block is its spec.podCIDR):
//
//   default via 192.168.49.1 dev eth0                                  the node network's router
//   blackhole 10.244.0.0/24 proto bird                                 this node's own block
//   10.244.0.5 dev cali1b2c3d4e5f6 scope link                          one per pod on this node
//   10.244.1.0/24 via 192.168.49.3 dev eth0 proto bird                 another node's block
//   192.168.49.0/24 dev eth0 proto kernel scope link src 192.168.49.2  the node network itself
//   local 192.168.49.2 dev eth0 table local proto kernel scope host src 192.168.49.2
//
// A lookup is the kernel's: the local table first (the node's own addresses), then the longest
// prefix in main. Tables are built per node when first asked for (a lab may hold 1000 pods).
// The node layer knows nodes, pods and their veths; nothing here knows about Services.

import type { ArtifactRef, RenderedArtifact } from '../artifact';
import type { Node, Pod } from '../api/types';
import type { Cluster } from '../cluster';
import { cidrContains, intToIp, ipToInt, parseCidr, type Cidr } from '../net/ip';
import { broadcastOf, nodeAddresses, nodeInterfaces, nodeLink, podKey, vethName } from './interfaces';
import type { NodeInterface, NodeLink } from './interfaces';

export type RouteType = 'unicast' | 'local' | 'broadcast' | 'blackhole';

/** One route, as data; `id` is the ref of its line in the node's `ip route` artifact. */
export interface Route {
  id: string;
  table: 'main' | 'local';
  type: RouteType;
  dst: Cidr;
  via?: string;
  dev?: string;
  proto?: 'kernel' | 'bird';
  scope?: 'link' | 'host';
  src?: string;
  /** A pod's veth route: the pod ("namespace/name") behind it. */
  pod?: string;
  /** A BGP route: the node that announced the block (the `via` is its address). */
  peer?: string;
}

/** Where a routed packet goes next, as the matched route says. */
export type NextHop =
  /** A local or broadcast route: the packet is for this node. */
  | { kind: 'local' }
  /** Out a pod's veth on this node. */
  | { kind: 'pod'; pod: string }
  /** To another node: via its address (a BGP route) or to its address on the node network. */
  | { kind: 'node'; node: string }
  /** To the node network's router (the default route), or to a host on the node network. */
  | { kind: 'gateway'; via: string }
  | { kind: 'link'; dst: string }
  /** A blackhole route: the kernel drops it (an address in this node's block with no pod). */
  | { kind: 'blackhole' };

export interface RouteLookup {
  route: Route;
  /** The route's line in the node's `ip route` artifact. */
  ref: ArtifactRef;
}

/** Routes of one table for lookup: /32s by address, wider prefixes longest first. */
interface LookupIndex {
  hosts: Map<number, Route>;
  prefixes: Route[];
}

export class RouteTable {
  readonly artifactId: string;
  private rendered: { artifact: RenderedArtifact; lines: Map<string, ArtifactRef> } | null = null;
  private readonly index: { local: LookupIndex; main: LookupIndex };
  private readonly seen = new Map<string, Route | null>();

  constructor(
    readonly node: string,
    readonly interfaces: readonly NodeInterface[],
    /** In `ip route show table all` order: main, then local, each by destination. */
    readonly routes: readonly Route[],
  ) {
    this.artifactId = `node/${node}/ip-route`;
    const of = (table: Route['table']) => indexOf(routes.filter((r) => r.table === table));
    this.index = { local: of('local'), main: of('main') };
  }

  /** The route the kernel picks for `dst`: the local table, then the longest prefix in main. */
  find(dst: string | number): Route | null {
    if (typeof dst === 'number') return match(this.index.local, dst) ?? match(this.index.main, dst);
    // Batch runs ask for the same few destinations again and again (the route cache, as it were).
    let hit = this.seen.get(dst);
    if (hit === undefined) {
      const n = ipToInt(dst);
      hit = n === null ? null : (match(this.index.local, n) ?? match(this.index.main, n));
      if (this.seen.size < 4096) this.seen.set(dst, hit);
    }
    return hit;
  }

  artifact(): RenderedArtifact {
    return this.render().artifact;
  }

  /** The ref of a route's line (rendered once per table). */
  refOf(route: Route): ArtifactRef {
    return this.render().lines.get(route.id)!;
  }

  private render() {
    if (!this.rendered) {
      const artifact = renderRoutes(this);
      const lines = new Map<string, ArtifactRef>();
      // One line per route, in order.
      artifact.lines.forEach((l, lineIndex) => {
        lines.set(l.ref!, { artifact: artifact.id, ref: l.ref!, line: l.text, lineIndex });
      });
      this.rendered = { artifact, lines };
    }
    return this.rendered;
  }
}

function indexOf(routes: readonly Route[]): LookupIndex {
  const hosts = new Map<number, Route>();
  const prefixes: Route[] = [];
  for (const r of routes) {
    if (r.dst.prefix === 32) hosts.set(r.dst.base, r);
    else prefixes.push(r);
  }
  prefixes.sort((a, b) => b.dst.prefix - a.dst.prefix);
  return { hosts, prefixes };
}

function match(ix: LookupIndex, n: number): Route | null {
  const host = ix.hosts.get(n);
  if (host) return host;
  for (const r of ix.prefixes) if (cidrContains(r.dst, n)) return r;
  return null;
}

/** The longest-prefix match for `dst` in the table, with the deciding `ip route` line. */
export function lookupRoute(table: RouteTable, dst: string): RouteLookup | null {
  const route = table.find(dst);
  return route ? { route, ref: table.refOf(route) } : null;
}

/** What the matched route does with the packet. */
export function nextHopOf(net: PodNetwork, route: Route, dst: string): NextHop {
  if (route.type === 'local' || route.type === 'broadcast') return { kind: 'local' };
  if (route.type === 'blackhole') return { kind: 'blackhole' };
  if (route.pod) return { kind: 'pod', pod: route.pod };
  if (route.peer) return { kind: 'node', node: route.peer };
  // On the node network itself whoever holds the address answers ARP for it; through its router
  // (nodes in other subnets, as across a cloud's zones) the router delivers to that node.
  const neighbour = net.ownerOf(dst);
  if (neighbour && !neighbour.pod) return { kind: 'node', node: neighbour.node };
  return route.via ? { kind: 'gateway', via: route.via } : { kind: 'link', dst };
}

/** What a network hands the next one (see `LabNetwork`): its tables by inputs, its veth names. */
export interface NetworkCarry {
  tables: ReadonlyMap<string, RouteTable>;
  veths: VethNames;
}

/** Veth names by pod namespace, then name (strings the pods already hold: no key to build). */
interface VethNames {
  size: number;
  byNamespace: Map<string, Map<string, string>>;
}

interface Placement {
  pod: Pod;
  node: string;
}

/**
 * The pod network of a cluster: which pod sits behind which node's veth, which node holds which
 * address, and each node's table on demand. Built from the cluster alone (immutable once a lab
 * is built), so one per cluster.
 */
export class PodNetwork {
  private readonly nodes = new Map<string, Node>();
  /** Pod IPs on the pod network: the veth routes' pods. */
  private readonly placement = new Map<number, Placement>();
  private readonly nodeAddresses = new Map<number, string>();
  private readonly links = new Map<string, NodeLink | null>();
  /** Each node's block: its spec.podCIDR. */
  private readonly blocks = new Map<string, Cidr | null>();
  private readonly tables = new Map<string, RouteTable | null>();
  /** Lookups already made, by node and destination: the route cache, as it were (batch runs route
   *  the same few addresses again and again). Bounded per node. */
  private readonly lookups = new Map<string, Map<string, RoutedPacket | null>>();
  private peersText: string | undefined;
  private borrowedList: [number, string][] | undefined;

  /** Tables by everything they are built from (see `cachedTable`): the ones the previous lab's
   *  network built (handed on by the edit) and this one's, the last few dozen. */
  readonly builtTables: Map<string, RouteTable>;
  /** Calico's veth name per pod, by namespace and name: a sha1 each, a pure function of the name,
   *  so the networks of a lab and of the labs its edits make share one map (bounded). */
  private readonly veths: VethNames;

  constructor(
    readonly cluster: Cluster,
    carried?: NetworkCarry,
  ) {
    this.builtTables = new Map(carried?.tables);
    const veths = carried?.veths;
    this.veths = veths && veths.size < 4096 ? veths : { size: 0, byNamespace: new Map() };
    for (const n of cluster.nodes) {
      this.nodes.set(n.metadata.name, n);
      const link = nodeLink(n, cluster.settings.nodeCIDR);
      this.links.set(n.metadata.name, link);
      this.blocks.set(n.metadata.name, n.spec?.podCIDR ? parseCidr(n.spec.podCIDR) : null);
      for (const a of n.status?.addresses ?? []) {
        const ip = ipToInt(a.address);
        const held = a.type === 'InternalIP' || a.type === 'ExternalIP';
        if (held && ip !== null && !this.nodeAddresses.has(ip)) this.nodeAddresses.set(ip, n.metadata.name);
      }
    }
    for (const p of cluster.pods) {
      const ip = p.status?.podIP ?? p.status?.podIPs?.[0]?.ip;
      const n = ip ? ipToInt(ip) : null;
      if (n === null || p.spec.hostNetwork || !p.spec.nodeName) continue;
      // A terminating pod's address handed to a new pod is the new pod's (its sandbox is gone).
      if (p.metadata.deletionTimestamp && this.placement.has(n)) continue;
      this.placement.set(n, { pod: p, node: p.spec.nodeName });
    }
  }

  /** The node's table, built when first asked for; null for a node the cluster does not have. */
  table(node: string): RouteTable | null {
    let t = this.tables.get(node);
    if (t === undefined) {
      const n = this.nodes.get(node);
      t = n ? this.cachedTable(n) : null;
      this.tables.set(node, t);
    }
    return t;
  }

  /** The route `node` picks for `dst` and what it does with the packet; null without a route. */
  routed(node: string, dst: string): RoutedPacket | null {
    let byDst = this.lookups.get(node);
    if (!byDst) this.lookups.set(node, (byDst = new Map()));
    let r = byDst.get(dst);
    if (r === undefined) {
      const table = this.table(node);
      const route = table?.find(dst);
      r = table && route ? { route, next: nextHopOf(this, route, dst), table } : null;
      if (byDst.size < 4096) byDst.set(dst, r);
    }
    return r;
  }

  /**
   * Which node holds an address, as the routes have it: the node whose local table has it (its
   * own address), or whose veth route leads to the pod that has it.
   */
  ownerOf(ip: string): { node: string; pod?: string } | null {
    const n = ipToInt(ip);
    if (n === null) return null;
    const node = this.nodeAddresses.get(n);
    if (node !== undefined) return { node };
    const p = this.placement.get(n);
    return p ? { node: p.node, pod: podKey(p.pod) } : null;
  }

  /** The pods behind this node's veths, in the order host-local handed out their addresses. */
  private placed(name: string): [number, Pod][] {
    const placed: [number, Pod][] = [];
    for (const [ip, p] of this.placement) if (p.node === name) placed.push([ip, p.pod]);
    return placed.sort((a, b) => a[0] - b[0]);
  }

  /**
   * A table is a pure function of what it is built from; an edit that leaves those alone (most
   * edits: a Service, a readiness flip) gets the same table back, already rendered.
   */
  private cachedTable(node: Node): RouteTable {
    const name = node.metadata.name;
    const placed = this.placed(name);
    const link = this.links.get(name);
    const own = placed.map(([ip, p]) => `${ip} ${podKey(p)}`).join(',');
    const addresses = nodeAddresses(node).join(',');
    const key = [name, addresses, link?.subnet.text, this.blocks.get(name)?.text, own, this.peersKey()].join('|');
    const built = this.builtTables;
    let t = built.get(key);
    if (!t) {
      t = this.buildTable(node, placed);
      if (built.size >= 64) built.delete(built.keys().next().value!);
      built.set(key, t);
    }
    return t;
  }

  /** What the next lab's network (an edit's) starts from. */
  carry(): NetworkCarry {
    return { tables: this.builtTables, veths: this.veths };
  }

  private readonly vethOf = (namespace: string, name: string): string => {
    const veths = this.veths;
    let inNamespace = veths.byNamespace.get(namespace);
    if (!inNamespace) veths.byNamespace.set(namespace, (inNamespace = new Map()));
    let v = inNamespace.get(name);
    if (v === undefined) {
      inNamespace.set(name, (v = vethName(namespace, name)));
      veths.size++;
    }
    return v;
  };

  private peersKey(): string {
    this.peersText ??= [
      ...[...this.nodes.keys()].map((n) => `${n} ${this.links.get(n)?.ip} ${this.blocks.get(n)?.text}`),
      ...this.borrowed().map(([ip, node]) => `${ip} ${node}`),
    ].join(',');
    return this.peersText;
  }

  /** Pod addresses outside their node's block, with that node. */
  private borrowed(): [number, string][] {
    if (!this.borrowedList) {
      this.borrowedList = [];
      for (const [ip, p] of this.placement) {
        const block = this.blocks.get(p.node);
        if (!block || !cidrContains(block, ip)) this.borrowedList.push([ip, p.node]);
      }
    }
    return this.borrowedList;
  }

  private buildTable(node: Node, placed: [number, Pod][]): RouteTable {
    const name = node.metadata.name;
    const link = this.links.get(name) ?? null;
    const interfaces = nodeInterfaces(node, link, placed.map(([, p]) => p), this.vethOf);
    const main = [...kernelRoutes(link), ...this.podRoutes(name, placed, interfaces), ...this.peerRoutes(name)];
    return new RouteTable(name, interfaces, [...ordered(dedupe(main)), ...ordered(dedupe(localRoutes(interfaces)))]);
  }

  /** This node's block (a blackhole BIRD installs for it) and one /32 per pod on its veth. */
  private podRoutes(name: string, placed: readonly [number, Pod][], interfaces: readonly NodeInterface[]): Route[] {
    const block = this.blocks.get(name);
    const out: Route[] = block ? [route({ table: 'main', type: 'blackhole', dst: block, proto: 'bird' })] : [];
    const veths = interfaces.filter((i) => i.kind === 'veth');
    placed.forEach(([ip], k) => {
      const veth = veths[k]!;
      out.push(route({ table: 'main', type: 'unicast', dst: host(ip), dev: veth.name, scope: 'link', pod: veth.pod }));
    });
    return out;
  }

  /** What BGP taught this node: every other node's block via its address, and pod addresses
   *  outside their node's block ("borrowed" addresses) as /32s via the node that has them. */
  private peerRoutes(self: string): Route[] {
    const out: Route[] = [];
    for (const name of this.nodes.keys()) {
      const via = this.links.get(name)?.ip;
      const block = this.blocks.get(name);
      if (name === self || !via || !block) continue;
      out.push(route({ table: 'main', type: 'unicast', dst: block, via, dev: 'eth0', proto: 'bird', peer: name }));
    }
    for (const [ip, node] of this.borrowed()) {
      const via = this.links.get(node)?.ip;
      if (node === self || !via) continue;
      out.push(route({ table: 'main', type: 'unicast', dst: host(ip), via, dev: 'eth0', proto: 'bird', peer: node }));
    }
    return out;
  }
}

/** The default route's destination. */
const ANYWHERE: Cidr = { base: 0, prefix: 0, text: '0.0.0.0/0' };

/** The routes the kernel adds for eth0's address, and the default route to the node network's router. */
function kernelRoutes(link: NodeLink | null): Route[] {
  if (!link) return [];
  return [
    route({ table: 'main', type: 'unicast', dst: ANYWHERE, via: link.gateway, dev: 'eth0' }),
    route({
      table: 'main',
      type: 'unicast',
      dst: link.subnet,
      dev: 'eth0',
      proto: 'kernel',
      scope: 'link',
      src: link.ip,
    }),
  ];
}

/** The kernel's local table: each address as `local`, its subnet's broadcast address as `broadcast`. */
function localRoutes(interfaces: readonly NodeInterface[]): Route[] {
  const out: Route[] = [];
  for (const i of interfaces) {
    for (const a of i.addresses) {
      const local = (type: RouteType, dst: Cidr, scope: Route['scope']) =>
        route({ table: 'local', type, dst, dev: i.name, proto: 'kernel', scope, src: a.ip });
      // The loopback's whole /8 is local (any 127.x answers on lo).
      if (i.kind === 'loopback') out.push(local('local', parseCidr(`${a.ip}/${a.prefix}`, true)!, 'host'));
      out.push(local('local', host(ipToInt(a.ip)!), 'host'));
      const brd = broadcastOf(a);
      if (brd) out.push(local('broadcast', host(ipToInt(brd)!), 'link'));
    }
  }
  return out;
}

function host(n: number): Cidr {
  return { base: n >>> 0, prefix: 32, text: `${intToIp(n)}/32` };
}

/** A route with its id, built field by field (the routes of a table differ in which fields they
 *  have; an object spread of each cost more than the rest of a table's build). */
function route(r: Omit<Route, 'id'>): Route {
  const out: Route = { id: `${r.table}:${r.type}:${r.dst.text}`, table: r.table, type: r.type, dst: r.dst };
  if (r.via !== undefined) out.via = r.via;
  if (r.dev !== undefined) out.dev = r.dev;
  if (r.proto !== undefined) out.proto = r.proto;
  if (r.scope !== undefined) out.scope = r.scope;
  if (r.src !== undefined) out.src = r.src;
  if (r.pod !== undefined) out.pod = r.pod;
  if (r.peer !== undefined) out.peer = r.peer;
  return out;
}

/** One route per destination and table: the kernel refuses a second ("File exists"). A destination
 *  is its network and prefix length (what its normalised text says), as one number. */
function dedupe(routes: Route[]): Route[] {
  const seen = new Set<number>();
  return routes.filter((r) => {
    const key = r.dst.base * 64 + r.dst.prefix;
    return !seen.has(key) && !!seen.add(key);
  });
}

/** The order `ip route` dumps a table in: by destination address, then shorter prefix first. */
function ordered(routes: Route[]): Route[] {
  return routes.sort((a, b) => a.dst.base - b.dst.base || a.dst.prefix - b.dst.prefix);
}

/** One line of `ip -4 route show table all` for a route. */
export function routeLine(r: Route, shown: 'all' | 'main' | 'local' = 'all'): string {
  const dst = r.dst.prefix === 0 ? 'default' : r.dst.prefix === 32 ? intToIp(r.dst.base) : r.dst.text;
  let line = r.type === 'unicast' ? dst : `${r.type} ${dst}`;
  if (r.via) line += ` via ${r.via}`;
  if (r.dev) line += ` dev ${r.dev}`;
  // iproute2 names the table only when it lists more than one.
  if (r.table === 'local' && shown === 'all') line += ' table local';
  if (r.proto) line += ` proto ${r.proto}`;
  if (r.scope) line += ` scope ${r.scope}`;
  if (r.src) line += ` src ${r.src}`;
  return line;
}

export function renderRoutes(t: RouteTable): RenderedArtifact {
  return {
    id: t.artifactId,
    kind: 'ip-route',
    title: `ip -4 route show table all (${t.node})`,
    lines: t.routes.map((r) => ({ text: routeLine(r), ref: r.id })),
  };
}

/**
 * A lab's pod network, a record of the lab: built when first read (a lab that is never traced or
 * shown needs none), once per lab. A lab made by an edit starts from the tables its predecessor's
 * network built, so a node whose table's inputs the edit left alone gets the same table back.
 */
export class LabNetwork {
  private net: PodNetwork | undefined;
  /** The predecessor's tables (its network's live map, or what it was handed if it built none). */
  private carried: NetworkCarry | undefined;

  constructor(
    readonly cluster: Cluster,
    previous?: LabNetwork,
  ) {
    this.carried = previous?.net?.carry() ?? previous?.carried;
  }

  get network(): PodNetwork {
    if (!this.net) {
      this.net = new PodNetwork(this.cluster, this.carried);
      this.carried = undefined;
    }
    return this.net;
  }
}

/** The lab's pod network: its own record's, or (a lab put together without one, as tests do) a fresh one. */
export function networkOf(lab: { readonly cluster: Cluster; readonly network?: LabNetwork }): PodNetwork {
  return lab.network?.cluster === lab.cluster ? lab.network.network : new PodNetwork(lab.cluster);
}

// One-off forms (tests, a single question): each builds the cluster's network afresh; a lab's
// callers ask the lab's network (`networkOf`).

/** A node's routing table; null for a node the cluster does not have. */
export function nodeRoutes(cluster: Cluster, node: string): RouteTable | null {
  return new PodNetwork(cluster).table(node);
}

/** The node an address belongs to, from the routes (a node's own address, or a pod behind its veth). */
export function addressOwner(cluster: Cluster, ip: string): { node: string; pod?: string } | null {
  return new PodNetwork(cluster).ownerOf(ip);
}

export interface RoutedPacket {
  route: Route;
  next: NextHop;
  table: RouteTable;
}

/** Where the packet goes next from `node`: the route the kernel picks and what it does (one
 *  answer per network, node and destination, shared: treat it as read-only). */
export function routeFrom(cluster: Cluster, node: string, dst: string): RoutedPacket | null {
  return new PodNetwork(cluster).routed(node, dst);
}

/** Every node's `ip route` artifact, by id. */
export function routeArtifacts(cluster: Cluster): RenderedArtifact[] {
  const net = new PodNetwork(cluster);
  return cluster.nodes.flatMap((n) => net.table(n.metadata.name)?.artifact() ?? []);
}

/**
 * `ip route get <dst>` on the node: the route the kernel picks, as iproute2 prints it. The source
 * is the route's `src`, else eth0's address (a veth without an address of its own lends none).
 */
export function routeGet(table: RouteTable, dst: string): { lines: string[] } | { error: string } {
  if (ipToInt(dst) === null) return { error: `Error: any valid prefix is expected rather than "${dst}".` };
  const r = table.find(dst);
  // A blackhole's local senders get EINVAL; with no route at all, ENETUNREACH.
  if (!r) return { error: 'RTNETLINK answers: Network is unreachable' };
  if (r.type === 'blackhole') return { error: 'RTNETLINK answers: Invalid argument' };
  const eth0 = table.interfaces.find((i) => i.name === 'eth0')?.addresses[0]?.ip;
  const src = r.src ?? eth0 ?? '0.0.0.0';
  if (r.type === 'local') return { lines: [`local ${dst} dev lo src ${src} uid 0 `, '    cache <local> '] };
  if (r.type === 'broadcast') {
    return { lines: [`broadcast ${dst} dev ${r.dev} src ${src} uid 0 `, '    cache <local,brd> '] };
  }
  return { lines: [`${dst}${r.via ? ` via ${r.via}` : ''} dev ${r.dev} src ${src} uid 0 `, '    cache '] };
}
