// A node's connection tracking table (the kernel's nf_conntrack), as data. Each entry holds the
// connection's original tuple (the first packet as this node saw it before any rewrite) and its
// reply tuple (what an answer must look like to belong to the connection: the original with every
// translation this node applied, reversed). NAT in netfilter is decided once per connection, by
// the rules the first packet meets; every later packet, the replies included, is rewritten from
// the entry alone. That is why only the node that translated a request can undo it: a reply that
// does not cross that node keeps the addresses the backend saw (kubernetes/kubernetes#74383).
//
// `formatEntry` prints an entry as `conntrack -L` (conntrack-tools) lists it:
//   tcp      6 119 SYN_SENT src=A dst=B sport=a dport=b [UNREPLIED] src=C dst=D sport=c dport=d mark=0 use=1
// (protocol name padded to 8, protocol number, seconds left, TCP state, original tuple, [UNREPLIED]
// while no reply was seen, reply tuple, [ASSURED] once traffic went both ways, ct mark, use count).

import type { Protocol } from '../api/types';

/** One direction of a connection: addresses and ports. */
export interface Tuple {
  src: string;
  srcPort: number;
  dst: string;
  dstPort: number;
}

/**
 * What wrote the translation: kube-proxy in a mode (its DNAT, masquerade, IPVS's real server with
 * `net.ipv4.vs.conntrack=1`, userspace's REDIRECT to its own socket), the CNI portmap plugin, or
 * nobody (a connection a local process opened, tracked without NAT: the userspace proxy's dial),
 * or the external load balancer's own flow table when it forwards keeping the client's address.
 */
export type ConntrackOwner = 'iptables' | 'ipvs' | 'nftables' | 'userspace' | 'portmap' | 'local' | 'load-balancer';

export interface ConntrackEntry {
  node: string;
  protocol: Protocol;
  original: Tuple;
  reply: Tuple;
  owner: ConntrackOwner;
}

/** The translations an entry carries: the reply's source (un-DNAT) and destination (un-SNAT). */
export interface EntryNat {
  /** The destination was rewritten (DNAT, REDIRECT, an IPVS real server). */
  dnat: boolean;
  /** The source was rewritten (SNAT, MASQUERADE). */
  snat: boolean;
}

export function reverse(t: Tuple): Tuple {
  return { src: t.dst, srcPort: t.dstPort, dst: t.src, dstPort: t.srcPort };
}

export function sameTuple(a: Tuple, b: Tuple): boolean {
  return a.src === b.src && a.srcPort === b.srcPort && a.dst === b.dst && a.dstPort === b.dstPort;
}

function tupleOf(p: Tuple): Tuple {
  return { src: p.src, srcPort: p.srcPort, dst: p.dst, dstPort: p.dstPort };
}

/**
 * The entry a node creates for a packet it let through as `after` having received it as `before`:
 * the reply tuple is `after` reversed (the answer comes from where the packet went, to where it
 * appeared to come from).
 */
export function entryFor(
  node: string,
  protocol: Protocol,
  before: Tuple,
  after: Tuple,
  owner: ConntrackOwner,
): ConntrackEntry {
  return { node, protocol, original: tupleOf(before), reply: reverse(after), owner };
}

export function natOf(e: ConntrackEntry): EntryNat {
  const back = reverse(e.reply);
  return {
    dnat: back.dst !== e.original.dst || back.dstPort !== e.original.dstPort,
    snat: back.src !== e.original.src || back.srcPort !== e.original.srcPort,
  };
}

/** Whether a packet belongs to the entry as its reply (the kernel's lookup by the reply tuple). */
export function isReplyOf(e: ConntrackEntry, p: Tuple & { protocol?: Protocol }): boolean {
  return (p.protocol === undefined || p.protocol === e.protocol) && sameTuple(e.reply, p);
}

/** The reply rewritten by the entry: it leaves as the original tuple reversed (both NATs undone). */
export function undo(e: ConntrackEntry): Tuple {
  return reverse(e.original);
}

/**
 * How far the connection got when the line is printed: `unreplied` (only the first packet went
 * through: SYN_SENT, [UNREPLIED]) or `established` (the reply came back through this node and the
 * exchange completed: ESTABLISHED, [ASSURED]).
 */
export type EntryState = 'unreplied' | 'established';

const PROTO_NUMBER: Record<Protocol, number> = { TCP: 6, UDP: 17, SCTP: 132 };

/** Seconds left, as a fresh entry shows them (nf_conntrack_tcp_timeout_syn_sent 120,
 *  _established 432000; nf_conntrack_udp_timeout 30, _stream 120), less the second just spent. */
function timeoutLeft(p: Protocol, s: EntryState): number {
  if (p === 'UDP') return s === 'unreplied' ? 29 : 119;
  return s === 'unreplied' ? 119 : 431999;
}

function tupleText(t: Tuple): string {
  return `src=${t.src} dst=${t.dst} sport=${t.srcPort} dport=${t.dstPort}`;
}

/** The entry as one line of `conntrack -L`. */
export function formatEntry(e: ConntrackEntry, state: EntryState): string {
  const proto = e.protocol.toLowerCase().padEnd(8);
  const tcpState = e.protocol === 'TCP' ? (state === 'unreplied' ? ' SYN_SENT' : ' ESTABLISHED') : '';
  const unreplied = state === 'unreplied' ? ' [UNREPLIED]' : '';
  const assured = state === 'established' ? ' [ASSURED]' : '';
  const head = `${proto} ${PROTO_NUMBER[e.protocol]} ${timeoutLeft(e.protocol, state)}${tcpState}`;
  return `${head} ${tupleText(e.original)}${unreplied} ${tupleText(e.reply)}${assured} mark=0 use=1`;
}

/**
 * The conntrack tables of the nodes one connection crossed, keyed by node. Entries are added as the
 * request is walked (one per node that translated it, and one per connection a node's own process
 * opened); the reply walk looks them up by reply tuple on the nodes it actually crosses.
 *
 * One request leaves a handful of entries, and a batch run makes a table per request: the entries
 * are one list scanned by node and tuple (no map, no key text), the replied ones a short list too.
 */
export class ConntrackTables {
  // Made with their first entry, at its size: an empty array's first push reserves 16 slots, and a
  // batch run paid for them in every request's table.
  private all: ConntrackEntry[] | null = null;
  private replied: ConntrackEntry[] | null = null;

  add(e: ConntrackEntry): ConntrackEntry {
    if (this.all) this.all.push(e);
    else this.all = [e];
    return e;
  }

  /** The entry on `node` whose reply tuple this packet is, if any. */
  lookupReply(node: string, p: Tuple, protocol?: Protocol): ConntrackEntry | undefined {
    const all = this.all;
    if (!all) return undefined;
    for (let i = 0; i < all.length; i++) {
      const e = all[i]!;
      if (e.node === node && (protocol === undefined || protocol === e.protocol) && sameTuple(e.reply, p)) return e;
    }
    return undefined;
  }

  /** Marks an entry as having seen its reply (it prints ESTABLISHED from now on). */
  markReplied(e: ConntrackEntry): void {
    if (!this.replied) this.replied = [e];
    else if (!this.replied.includes(e)) this.replied.push(e);
  }

  stateOf(e: ConntrackEntry): EntryState {
    return this.replied?.includes(e) ? 'established' : 'unreplied';
  }

  /** One node's entries in the order they were made; without `node`, every node's, node by node
   *  (in the order the nodes first made one). */
  entries(node?: string): ConntrackEntry[] {
    const all = this.all ?? [];
    if (node !== undefined) return all.filter((e) => e.node === node);
    const nodes = [...new Set(all.map((e) => e.node))];
    return nodes.flatMap((n) => this.entries(n));
  }

  /** `conntrack -L` on one node: every entry, as it stands now. */
  list(node: string): string[] {
    return this.entries(node).map((e) => formatEntry(e, this.stateOf(e)));
  }
}
