// A small netfilter chain walker for the rules the IPVS proxier writes (ipset matches, marks,
// addrtype, MASQUERADE): it follows -j/-g/RETURN exactly as the kernel does and records each
// decisive rule. It covers the match kinds IPVS mode uses; the generic walker of ../netfilter
// supersedes it once every match kind is shared.

import { cidrContains, parseCidr } from '../../net/ip';
import type { Packet } from '../types';
import type { Match, Rule, Ruleset, TableName, Target } from '../netfilter/types';
import type { Ipset } from './model';

export interface WalkContext {
  packet: Packet;
  /** Addresses `addrtype LOCAL` matches (node addresses, kube-ipvs0 addresses; 127.0.0.0/8 is implied). */
  localAddresses: ReadonlySet<string>;
  ipsets: ReadonlyMap<string, Ipset>;
  /** Conntrack state of the packet's connection ("NEW" for a first packet). */
  ctState: 'NEW' | 'ESTABLISHED';
}

export interface WalkStep {
  table: TableName;
  chain: string;
  rule: Rule;
}

export type WalkVerdict = 'ACCEPT' | 'DROP' | 'REJECT';

export interface WalkResult {
  verdict: WalkVerdict;
  mark: number;
  masquerade: boolean;
  steps: WalkStep[];
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
export function matches(m: Match, ctx: WalkContext, mark: number): boolean {
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
    case 'statistic':
    case 'recent':
      // Not written by the IPVS proxier.
      return false;
  }
}

/** Walks one built-in chain of one table and returns the verdict (policy ACCEPT when nothing decides). */
export function walkChain(args: { ruleset: Ruleset; table: TableName; chain: string; ctx: WalkContext; mark: number }): WalkResult {
  const { ruleset, table, ctx } = args;
  const steps: WalkStep[] = [];
  let mark = args.mark;
  let masquerade = false;
  const t = ruleset.tables[table];

  // Returns a terminal verdict, or null when the chain returned (RETURN or fell off its end).
  const run = (chainName: string, depth: number): WalkVerdict | null => {
    const chain = t?.chains.find((c) => c.name === chainName);
    if (!chain || depth > 32) return null;
    for (const rule of chain.rules) {
      if (!rule.matches.every((m) => matches(m, ctx, mark))) continue;
      const target: Target = rule.target;
      if (target.kind !== 'none') steps.push({ table, chain: chainName, rule });
      switch (target.kind) {
        case 'none':
          continue;
        case 'jump': {
          const v = run(target.chain, depth + 1);
          if (v) return v;
          continue;
        }
        case 'goto':
          return run(target.chain, depth + 1);
        case 'RETURN':
          return null;
        case 'ACCEPT':
        case 'DROP':
        case 'REJECT':
          return target.kind;
        case 'MARK':
          mark = target.op === 'or' ? (mark | target.value) >>> 0 : target.op === 'xor' ? (mark ^ target.value) >>> 0 : target.value;
          continue;
        case 'MASQUERADE':
        case 'SNAT':
          masquerade = true;
          return 'ACCEPT';
        case 'DNAT':
          return 'ACCEPT';
      }
    }
    return null;
  };
  const verdict = run(args.chain, 0) ?? 'ACCEPT';
  return { verdict, mark, masquerade, steps };
}
