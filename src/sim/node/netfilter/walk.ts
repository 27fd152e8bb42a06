// A generic netfilter evaluator: walks one new connection's first packet through the hooks a real
// kernel would run it through, evaluating the rules of a Ruleset. It knows matches and targets
// (man iptables-extensions) and nothing about Services (ARCHITECTURE.md principle 4).
//
// Hook order (IPv4, the nat table only sees a connection's first packet):
//   origin 'local':             nat OUTPUT -> filter OUTPUT -> nat POSTROUTING [-> filter INPUT if the destination is local]
//   origin 'pod' / 'external':  nat PREROUTING -> routing decision -> filter INPUT (local destination, delivered here)
//                                                                  or filter FORWARD -> nat POSTROUTING
// Packets delivered locally do not pass POSTROUTING, as in the kernel.

import type { ArtifactRef } from '../../artifact';
import { cidrContains, ipToInt, parseCidr, type Cidr } from '../../net/ip';
import { SeededRandom } from '../../net/rand';
import { assertNever } from '../../util/assert';
import type { Hook, StepEffect } from '../../step';
import type { Packet, PacketOrigin, ProxyRuntimeState, RuleStep } from '../../proxy/types';
import type { Chain, CtState, Match, Rule, Ruleset, TableName, Target } from './types';

/** Per-node runtime state of the netfilter modules with memory: xt_recent tables and nfacct counters. */
export interface NetfilterRuntime {
  kind: 'netfilter';
  /** recent tables: name -> source IP -> time of the last --set (seconds, simulated clock). */
  recent: Record<string, Record<string, number>>;
  /** nfacct objects: name -> packets counted. */
  nfacct: Record<string, number>;
}

export function netfilterRuntime(state: ProxyRuntimeState, node: string): NetfilterRuntime {
  const cur = state.perNode[node] as NetfilterRuntime | undefined;
  if (cur && cur.kind === 'netfilter') return cur;
  const fresh: NetfilterRuntime = { kind: 'netfilter', recent: {}, nfacct: {} };
  state.perNode[node] = fresh;
  return fresh;
}

const LOOPBACK = parseCidr('127.0.0.0/8')!;

/** Chains by table and name, built once per ruleset. */
export class RulesetIndex {
  private readonly chains = new Map<TableName, Map<string, Chain>>();
  constructor(readonly ruleset: Ruleset) {
    for (const t of ruleset.order) {
      const m = new Map<string, Chain>();
      for (const c of ruleset.tables[t]?.chains ?? []) m.set(c.name, c);
      this.chains.set(t, m);
    }
  }
  chain(table: TableName, name: string): Chain | undefined {
    return this.chains.get(table)?.get(name);
  }
}

// Parsing is pure, so parsed -s/-d texts, node address lists and packet addresses are shared by
// every walk (a batch run walks the same rules many times). The address cache is bounded.
const cidrCache = new Map<string, Cidr | null>();
const localCache = new WeakMap<readonly string[], Cidr[]>();
const ipCache = new Map<string, number | null>();

function cachedCidr(text: string): Cidr | null {
  let c = cidrCache.get(text);
  if (c === undefined) {
    c = parseCidr(text, true);
    if (cidrCache.size > 50_000) cidrCache.clear();
    cidrCache.set(text, c);
  }
  return c;
}

function ipInt(ip: string): number | null {
  let n = ipCache.get(ip);
  if (n === undefined) {
    n = ipToInt(ip);
    if (ipCache.size > 50_000) ipCache.clear();
    ipCache.set(ip, n);
  }
  return n;
}

type HeaderMatch = { kind: 'protocol'; protocol: string; negate: boolean } | { kind: 'source' | 'destination'; cidr: Cidr | null; negate: boolean };
const headerCache = new WeakMap<Rule, HeaderMatch[]>();

/** A rule's -p/-s/-d matches, parsed once per rule (rules are immutable and shared between rulesets). */
function ruleHeader(rule: Rule): HeaderMatch[] {
  let h = headerCache.get(rule);
  if (!h) {
    h = [];
    for (const m of rule.matches) {
      if (m.kind === 'protocol') h.push({ kind: 'protocol', protocol: m.protocol, negate: !!m.negate });
      else if (m.kind === 'source' || m.kind === 'destination') h.push({ kind: m.kind, cidr: cachedCidr(m.cidr), negate: !!m.negate });
    }
    headerCache.set(rule, h);
  }
  return h;
}

function localCidrs(addresses: readonly string[]): Cidr[] {
  let l = localCache.get(addresses);
  if (!l) {
    l = [LOOPBACK, ...addresses.map((a) => parseCidr(a, true)).filter((c): c is Cidr => c !== null)];
    localCache.set(addresses, l);
  }
  return l;
}

export interface WalkInput {
  index: RulesetIndex;
  packet: Packet;
  origin: PacketOrigin;
  /** The node's own addresses (what `addrtype LOCAL` and the routing decision treat as local); 127.0.0.0/8 is always local. */
  localAddresses: readonly string[];
  /** Address MASQUERADE picks (the outgoing interface's primary address). */
  masqueradeAddress: string;
  /** Address REDIRECT picks for a packet that arrived from outside this namespace: the primary
   *  address of the interface it came in on (default: masqueradeAddress). */
  redirectAddress?: string;
  state: ProxyRuntimeState;
  /** Key for this node's runtime state in `state.perNode`. */
  nodeKey: string;
  /** Finds the rendered line of a rule (for RuleStep.ref). */
  refOf: (table: TableName, chain: string, rule: Rule) => ArtifactRef;
  /** ipset membership, for `-m set` matches (IPVS mode); absent means no set contains anything. */
  ipsetContains?: (name: string, packet: Packet, flags: readonly ('src' | 'dst')[]) => boolean;
  /** false: record no steps (the verdict, NAT and state changes are the same). Default true: every
   *  rule evaluated is a step, the ones that did not match included (a learner sees the walk). */
  recordSteps?: boolean;
}

export type WalkVerdict = 'ACCEPT' | 'DROP' | 'REJECT';

export interface WalkDecision {
  table: TableName;
  chain: string;
  /** The rule that decided, or undefined when a built-in chain's policy did. */
  rule?: Rule;
}

export interface WalkResult {
  verdict: WalkVerdict;
  /** Where the verdict came from (DROP/REJECT rule, or the last hook's ACCEPT). */
  decidedBy?: WalkDecision;
  /** Whether the packet ended up delivered on this node, forwarded, or sent from it. */
  path: 'input' | 'forward' | 'output';
  before: Packet;
  after: Packet;
  /** `redirect`: a REDIRECT target's DNAT to a local address. */
  dnat?: { ip: string; port?: number; table: TableName; chain: string; rule: Rule; redirect?: boolean };
  snat?: { ip: string; port?: number; masquerade: boolean; table: TableName; chain: string; rule: Rule };
  steps: RuleStep[];
}

type ChainOutcome = { kind: 'continue' } | { kind: 'verdict'; verdict: WalkVerdict | 'NAT'; where: WalkDecision };

const MAX_DEPTH = 64;

const NO_MATCH: StepEffect = { kind: 'no-match' };

class Walker {
  readonly steps: RuleStep[] = [];
  packet: Packet;
  ct: CtState[] = ['NEW'];
  dnat?: WalkResult['dnat'];
  snat?: WalkResult['snat'];
  private readonly rt: NetfilterRuntime;
  private rng: SeededRandom;
  private readonly local: Cidr[];
  private readonly recordSteps: boolean;
  private detail: RuleStep['detail'];
  /** The hook whose built-in chain is being walked. */
  private hookNow: Hook = 'prerouting';

  constructor(private readonly input: WalkInput) {
    this.recordSteps = input.recordSteps ?? true;
    this.packet = { ...input.packet };
    this.rt = netfilterRuntime(input.state, input.nodeKey);
    this.rng = new SeededRandom(input.state.rand);
    this.local = localCidrs(input.localAddresses);
  }

  finish(): void {
    this.input.state.rand = this.rng.state();
  }

  isLocal(ip: string): boolean {
    const n = ipInt(ip);
    return n !== null && this.local.some((c) => cidrContains(c, n));
  }


  /** The IP header part of a rule (-s, -d, -p): the kernel checks it before any -m match. */
  private headerMatches(rule: Rule): boolean {
    const p = this.packet;
    for (const h of ruleHeader(rule)) {
      let ok: boolean;
      switch (h.kind) {
        case 'protocol':
          ok = p.protocol.toLowerCase() === h.protocol;
          break;
        case 'source':
        case 'destination': {
          const n = ipInt(h.kind === 'source' ? p.src : p.dst);
          ok = !!h.cidr && n !== null && cidrContains(h.cidr, n);
          break;
        }
      }
      if (ok === h.negate) return false;
    }
    return true;
  }

  /** Extension matches, in order, with their side effects (statistic draws, recent --set, nfacct).
   *  `this.detail` ends as the last stateful or random match's detail (one field, not a list per rule:
   *  batch runs walk these rules many times). */
  private extensionMatches(rule: Rule): boolean {
    const p = this.packet;
    this.detail = undefined;
    for (const m of rule.matches) {
      if (!this.extensionMatch(m, p)) return false;
    }
    return true;
  }

  private extensionMatch(m: Match, p: Packet): boolean {
    switch (m.kind) {
      case 'comment':
      case 'module':
      case 'protocol':
      case 'source':
      case 'destination':
        return true;
      case 'sport':
        return (p.srcPort === m.port) !== !!m.negate;
      case 'dport':
        return (p.dstPort === m.port) !== !!m.negate;
      case 'addrtype': {
        const ip = m.dir === 'src' ? p.src : p.dst;
        return this.isLocal(ip) !== !!m.negate;
      }
      case 'mark': {
        const mask = m.mask ?? 0xffffffff;
        return ((((p.mark ?? 0) & mask) >>> 0) === ((m.value & mask) >>> 0)) !== !!m.negate;
      }
      case 'conntrack': {
        const hit = m.states.some((s) => this.ct.includes(s));
        return hit !== !!m.negate;
      }
      case 'statistic': {
        const probability = Number(m.probability);
        const draw = this.rng.next();
        this.detail = { kind: 'statistic', probability, draw };
        return draw < probability;
      }
      case 'recent': {
        const table = (this.rt.recent[m.name] ??= {});
        const now = this.input.state.now;
        if (m.op === 'set') {
          table[p.src] = now;
          return true;
        }
        const seen = table[p.src];
        const age = seen === undefined ? undefined : now - seen;
        const hit = age !== undefined && (m.seconds === undefined || age < m.seconds);
        if (m.reap && m.seconds !== undefined) {
          // --reap purges entries at least --seconds old from the whole table (xt_recent recent_entry_reap).
          for (const [ip, t] of Object.entries(table)) if (now - t >= m.seconds) delete table[ip];
        }
        this.detail = { kind: 'recent', name: m.name, hit, ...(age === undefined ? {} : { ageSeconds: age }) };
        return hit;
      }
      case 'nfacct':
        this.rt.nfacct[m.name] = (this.rt.nfacct[m.name] ?? 0) + 1;
        return true;
      case 'set':
        return (this.input.ipsetContains?.(m.name, p, m.flags) ?? false) !== !!m.negate;
      case 'multiport':
        return m.ports.includes(m.dir === 'dports' ? p.dstPort : p.srcPort) !== !!m.negate;
      default:
        return assertNever(m, 'match');
    }
  }

  private record(
    table: TableName,
    chain: string,
    rule: Rule,
    effect: StepEffect,
    action: string,
    detail?: RuleStep['detail'],
  ): void {
    if (!this.recordSteps) return;
    this.push('matched', table, chain, rule, effect, action, detail);
  }

  /** A rule evaluated that did not match (its header, or one of its -m matches, said no). */
  private miss(table: TableName, chain: string, rule: Rule, detail?: RuleStep['detail']): void {
    this.push('skipped', table, chain, rule, NO_MATCH, `no match (${describeTarget(rule.target)})`, detail);
  }

  private push(
    outcome: RuleStep['outcome'],
    table: TableName,
    chain: string,
    rule: Rule,
    effect: StepEffect,
    action: string,
    detail: RuleStep['detail'],
  ): void {
    const ref = this.input.refOf(table, chain, rule);
    const where = `${table}/${chain}`;
    const step: RuleStep = { outcome, table, chain, hook: this.hookNow, effect, ref, where, action };
    if (detail) step.detail = detail;
    this.steps.push(step);
  }

  walkChain(table: TableName, name: string, depth: number): ChainOutcome {
    if (depth > MAX_DEPTH) throw new Error(`netfilter: chain nesting deeper than ${MAX_DEPTH} at ${table}/${name} (a loop?)`);
    const chain = this.input.index.chain(table, name);
    if (!chain) return { kind: 'continue' };
    for (const rule of chain.rules) {
      if (!this.headerMatches(rule)) {
        if (this.recordSteps) this.miss(table, name, rule);
        continue;
      }
      const ok = this.extensionMatches(rule);
      const detail = this.detail;
      if (!ok) {
        // The learner sees the draw (or the recent table) that said no.
        if (this.recordSteps) this.miss(table, name, rule, detail);
        continue;
      }
      const out = this.applyTarget(table, name, rule, rule.target, depth, detail);
      if (out === 'next') continue;
      return out;
    }
    return { kind: 'continue' };
  }

  private applyTarget(table: TableName, chain: string, rule: Rule, t: Target, depth: number, detail: RuleStep['detail']): ChainOutcome | 'next' {
    const here: WalkDecision = { table, chain, rule };
    switch (t.kind) {
      case 'jump': {
        this.record(table, chain, rule, { kind: 'jump', chain: t.chain }, `jump ${t.chain}`, detail);
        const r = this.walkChain(table, t.chain, depth + 1);
        return r.kind === 'continue' ? 'next' : r;
      }
      case 'goto': {
        this.record(table, chain, rule, { kind: 'jump', chain: t.chain, goto: true }, `goto ${t.chain}`, detail);
        // A goto's chain returns to this chain's caller.
        return this.walkChain(table, t.chain, depth + 1);
      }
      case 'RETURN':
        this.record(table, chain, rule, { kind: 'return' }, 'RETURN', detail);
        return { kind: 'continue' };
      case 'ACCEPT':
        this.record(table, chain, rule, { kind: 'accept' }, 'ACCEPT', detail);
        return { kind: 'verdict', verdict: 'ACCEPT', where: here };
      case 'DROP':
        this.record(table, chain, rule, { kind: 'drop' }, 'DROP', detail);
        return { kind: 'verdict', verdict: 'DROP', where: here };
      case 'REJECT':
        this.record(table, chain, rule, { kind: 'reject' }, 'REJECT', detail);
        return { kind: 'verdict', verdict: 'REJECT', where: here };
      case 'DNAT': {
        const to = t.port === undefined ? t.ip : `${t.ip}:${t.port}`;
        this.record(table, chain, rule, { kind: 'dnat', to }, `DNAT ${to}`, detail);
        this.packet = { ...this.packet, dst: t.ip, ...(t.port === undefined ? {} : { dstPort: t.port }) };
        this.ct.push('DNAT');
        this.dnat = { ip: t.ip, port: t.port, table, chain, rule };
        return { kind: 'verdict', verdict: 'NAT', where: here };
      }
      case 'SNAT': {
        const to = t.port === undefined ? t.ip : `${t.ip}:${t.port}`;
        this.record(table, chain, rule, { kind: 'snat', to, masquerade: false }, `SNAT ${to}`, detail);
        this.packet = { ...this.packet, src: t.ip, ...(t.port === undefined ? {} : { srcPort: t.port }) };
        if (!this.ct.includes('SNAT')) this.ct.push('SNAT');
        this.snat = { ip: t.ip, port: t.port, masquerade: false, table, chain, rule };
        return { kind: 'verdict', verdict: 'NAT', where: here };
      }
      case 'MASQUERADE': {
        const ip = this.input.masqueradeAddress;
        this.record(table, chain, rule, { kind: 'snat', to: ip, masquerade: true }, `MASQUERADE to ${ip}`, detail);
        this.packet = { ...this.packet, src: ip };
        if (!this.ct.includes('SNAT')) this.ct.push('SNAT');
        this.snat = { ip, masquerade: true, table, chain, rule };
        return { kind: 'verdict', verdict: 'NAT', where: here };
      }
      case 'MARK': {
        const cur = this.packet.mark ?? 0;
        const mark =
          t.op === 'or' ? cur | t.value : t.op === 'xor' ? cur ^ t.value : (cur & ~(t.mask ?? 0xffffffff)) ^ t.value;
        this.packet = { ...this.packet, mark: mark >>> 0 };
        const effect: StepEffect = { kind: 'mark', op: t.op, value: t.value, result: mark >>> 0 };
        const text = `MARK ${t.op} 0x${t.value.toString(16)} -> 0x${(mark >>> 0).toString(16)}`;
        this.record(table, chain, rule, effect, text, detail);
        return 'next';
      }
      case 'REDIRECT':
        return this.redirect(table, chain, rule, t, detail);
      case 'none':
        this.record(table, chain, rule, { kind: 'continue' }, 'continue', detail);
        return 'next';
      default:
        return assertNever(t, 'target');
    }
  }

  /** REDIRECT: a DNAT to this host, on the incoming interface's primary address (man
   *  iptables-extensions); locally generated packets go to 127.0.0.1. */
  private redirect(
    table: TableName,
    chain: string,
    rule: Rule,
    t: { toPorts?: number },
    detail: RuleStep['detail'],
  ): ChainOutcome {
    const incoming = this.input.redirectAddress ?? this.input.masqueradeAddress;
    const ip = this.input.origin === 'local' ? '127.0.0.1' : incoming;
    const port = t.toPorts ?? this.packet.dstPort;
    this.record(table, chain, rule, { kind: 'redirect', to: `${ip}:${port}` }, `REDIRECT to ${ip}:${port}`, detail);
    this.packet = { ...this.packet, dst: ip, dstPort: port };
    this.ct.push('DNAT');
    this.dnat = { ip, port, table, chain, rule, redirect: true };
    return { kind: 'verdict', verdict: 'NAT', where: { table, chain, rule } };
  }

  /** Runs a built-in chain; undefined means the packet goes on (ACCEPT, NAT done, or policy ACCEPT). */
  hook(table: TableName, chain: string): { verdict: 'DROP' | 'REJECT'; where: WalkDecision } | undefined {
    this.hookNow = chain.toLowerCase() as Hook;
    const r = this.walkChain(table, chain, 0);
    if (r.kind === 'verdict') {
      if (r.verdict === 'DROP' || r.verdict === 'REJECT') return { verdict: r.verdict, where: r.where };
      return undefined;
    }
    const policy = this.input.index.chain(table, chain)?.policy ?? 'ACCEPT';
    if (policy === 'DROP') return { verdict: 'DROP', where: { table, chain } };
    return undefined;
  }
}

function describeTarget(t: Target): string {
  switch (t.kind) {
    case 'jump':
      return `jump ${t.chain}`;
    case 'goto':
      return `goto ${t.chain}`;
    case 'DNAT':
      return `DNAT ${t.ip}${t.port === undefined ? '' : `:${t.port}`}`;
    case 'SNAT':
      return `SNAT ${t.ip}`;
    case 'MARK':
      return `MARK ${t.op} 0x${t.value.toString(16)}`;
    case 'REDIRECT':
      return t.toPorts === undefined ? 'REDIRECT' : `REDIRECT --to-ports ${t.toPorts}`;
    case 'none':
      return 'continue';
    default:
      return t.kind;
  }
}

/** Evaluates one new connection's first packet through the node's hooks. Mutates `input.state`. */
export function walkPacket(input: WalkInput): WalkResult {
  const w = new Walker(input);
  const before = { ...input.packet };
  const done = (verdict: WalkVerdict, path: WalkResult['path'], decidedBy?: WalkDecision): WalkResult => {
    w.finish();
    return {
      verdict,
      path,
      before,
      after: w.packet,
      steps: w.steps,
      ...(decidedBy ? { decidedBy } : {}),
      ...(w.dnat ? { dnat: w.dnat } : {}),
      ...(w.snat ? { snat: w.snat } : {}),
    };
  };

  if (input.origin === 'local') {
    for (const [table, chain] of [['nat', 'OUTPUT'], ['filter', 'OUTPUT'], ['nat', 'POSTROUTING']] as const) {
      const r = w.hook(table, chain);
      if (r) return done(r.verdict, 'output', r.where);
    }
    if (w.isLocal(w.packet.dst)) {
      // Looped back to this host: it now passes INPUT (nat is already bound for this connection).
      const r = w.hook('filter', 'INPUT');
      if (r) return done(r.verdict, 'input', r.where);
      return done('ACCEPT', 'input');
    }
    return done('ACCEPT', 'output');
  }

  const pre = w.hook('nat', 'PREROUTING');
  if (pre) return done(pre.verdict, 'input', pre.where);
  if (w.isLocal(w.packet.dst)) {
    const r = w.hook('filter', 'INPUT');
    if (r) return done(r.verdict, 'input', r.where);
    return done('ACCEPT', 'input');
  }
  for (const [table, chain] of [['filter', 'FORWARD'], ['nat', 'POSTROUTING']] as const) {
    const r = w.hook(table, chain);
    if (r) return done(r.verdict, 'forward', r.where);
  }
  return done('ACCEPT', 'forward');
}
