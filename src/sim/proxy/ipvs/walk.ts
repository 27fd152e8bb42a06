// Match helpers over the shared netfilter types: ipset membership as the kernel keys it ("dst,dst,src"),
// used by the generic walker for IPVS mode's `-m set` rules, and single-match evaluation for the
// userspace portal chains (whose REDIRECT target the shared walker does not model).

import { cidrContains, parseCidr } from '../../net/ip';
import type { Packet } from '../types';
import type { Match } from '../netfilter/types';
import type { Ipset } from './model';

export interface WalkContext {
  packet: Packet;
  /** Addresses `addrtype LOCAL` matches (node addresses, kube-ipvs0 addresses; 127.0.0.0/8 is implied). */
  localAddresses: ReadonlySet<string>;
  ipsets: ReadonlyMap<string, Ipset>;
  /** Conntrack state of the packet's connection ("NEW" for a first packet). */
  ctState: 'NEW' | 'ESTABLISHED';
}

function isLocal(ctx: WalkContext, ip: string): boolean {
  return ip.startsWith('127.') || ctx.localAddresses.has(ip);
}

function inCidr(cidr: string, ip: string): boolean {
  const c = parseCidr(cidr, true);
  return !!c && cidrContains(c, ip);
}

/** An ipset lookup with the key built from the packet fields the flags name (ipset's "dst,dst,src"). */
export function ipsetContains(set: Ipset, flags: readonly ('src' | 'dst')[], p: Packet): boolean {
  const addr = (f: 'src' | 'dst') => (f === 'src' ? p.src : p.dst);
  const port = (f: 'src' | 'dst') => `${p.protocol.toLowerCase()}:${f === 'src' ? p.srcPort : p.dstPort}`;
  switch (set.type) {
    case 'hash:ip':
      return set.entries.includes(addr(flags[0]!));
    case 'bitmap:port':
      return set.entries.includes(String(flags[0] === 'src' ? p.srcPort : p.dstPort));
    case 'hash:ip,port':
      return set.entries.includes(`${addr(flags[0]!)},${port(flags[1]!)}`);
    case 'hash:ip,port,ip':
      return set.entries.includes(`${addr(flags[0]!)},${port(flags[1]!)},${addr(flags[2]!)}`);
    case 'hash:ip,port,net': {
      const prefix = `${addr(flags[0]!)},${port(flags[1]!)},`;
      return set.entries.some((e) => e.startsWith(prefix) && inCidr(e.slice(prefix.length), addr(flags[2]!)));
    }
  }
}

/** Whether one match holds for the packet (iptables semantics, `!` negation included). */
export function matchHolds(m: Match, ctx: WalkContext, mark: number): boolean {
  const p = ctx.packet;
  const neg = (b: boolean, n?: boolean) => (n ? !b : b);
  switch (m.kind) {
    case 'comment':
    case 'module':
    case 'nfacct':
      return true;
    case 'protocol':
      return neg(p.protocol.toLowerCase() === m.protocol, m.negate);
    case 'source':
      return neg(inCidr(m.cidr, p.src), m.negate);
    case 'destination':
      return neg(inCidr(m.cidr, p.dst), m.negate);
    case 'sport':
      return neg(p.srcPort === m.port, m.negate);
    case 'dport':
      return neg(p.dstPort === m.port, m.negate);
    case 'addrtype':
      return neg(isLocal(ctx, m.dir === 'src' ? p.src : p.dst), m.negate);
    case 'mark':
      return neg((mark & (m.mask ?? 0xffffffff)) === m.value, m.negate);
    case 'conntrack':
      return neg(m.states.includes(ctx.ctState), m.negate);
    case 'set': {
      const set = ctx.ipsets.get(m.name);
      return neg(!!set && ipsetContains(set, m.flags, p), m.negate);
    }
    case 'multiport':
      return neg(m.ports.includes(m.dir === 'dports' ? p.dstPort : p.srcPort), m.negate);
    case 'statistic':
    case 'recent':
      // Not written by the IPVS proxier.
      return false;
  }
}
