// A generic netfilter evaluator: walks one new connection's first packet through the hooks a real
// kernel would run it through, evaluating the rules of a Ruleset. It knows matches and targets
// (man iptables-extensions) and nothing about Services (ARCHITECTURE.md principle 4).
//
// Hook order (IPv4, the nat table only sees a connection's first packet):
//   origin 'local':             nat OUTPUT -> filter OUTPUT -> nat POSTROUTING
//                               [-> filter INPUT if the destination is local]
//   origin 'pod' / 'external':  nat PREROUTING -> routing decision -> filter INPUT (local destination, delivered here)
//                                                                  or filter FORWARD -> nat POSTROUTING
// Packets delivered locally do not pass POSTROUTING, as in the kernel.

import type { ArtifactRef } from '../../artifact';
import { ipToInt, maskOf, parseCidr, type Cidr } from '../../net/ip';
import { SeededRandom } from '../../net/rand';
import { assertNever } from '../../util/assert';
import type { Hook, StepEffect } from '../../step';
import type { Packet, PacketOrigin, ProxyRuntimeState, RuleStep } from '../packet';
import type { BuiltinChain, Chain, CtState, Match, Rule, Ruleset, TableName, Target } from './types';

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

/** A local network as numbers: an address n is inside when (n & mask) === base. */
interface LocalNet {
  base: number;
  mask: number;
}

/** -s or -d: the network and mask as numbers; `base` -1 for a text that does not parse (it
 *  matches no packet). */
interface AddressMatch {
  base: number;
  mask: number;
  negate: boolean;
}

/** A -p, -s or -d beyond a rule's first of its kind (iptables refuses them; the data allows them). */
type ExtraHeader =
  | { field: 'protocol'; protocol: string; negate: boolean }
  | ({ field: 'source' | 'destination' } & AddressMatch);

/** conntrack states as bits, so a --ctstate list is one mask (CT_BIT.NEW | CT_BIT.DNAT ...). */
const CT_BIT: Readonly<Record<CtState, number>> = {
  NEW: 1,
  ESTABLISHED: 2,
  RELATED: 4,
  INVALID: 8,
  UNTRACKED: 16,
  DNAT: 32,
  SNAT: 64,
};

/** The -m matches with state or lists, read through the match itself (few rules carry them). */
type RareMatch = Extract<Match, { kind: 'recent' | 'nfacct' | 'set' | 'multiport' }>;

/**
 * An -m match that can say no or has an effect, as the walker evaluates it: one object shape for
 * every kind (the rule data's matches have a shape per kind, and a switch reading them went
 * megamorphic in batch runs), its numbers read from the rule once.
 * `random` is `-m statistic --mode random` (kube-proxy writes the probability as %0.10f);
 * `ctstate` is `-m conntrack --ctstate S1,S2`.
 */
interface ExtMatch {
  kind: 'sport' | 'dport' | 'addrtype' | 'mark' | 'ctstate' | 'random' | 'rare';
  negate: boolean;
  /** sport/dport: the port; mark: value & mask; random: the probability; addrtype: 1 for --src-type. */
  num: number;
  /** mark: the mask; ctstate: the states as CT_BIT bits. */
  mask: number;
  /** The match itself when kind is 'rare'. */
  rare: RareMatch | null;
}

function extMatch(kind: ExtMatch['kind'], negate: boolean | undefined, num: number, mask = 0): ExtMatch {
  return { kind, negate: !!negate, num, mask, rare: null };
}

/** An -m match of the rule data as the walker evaluates it. */
type RuleExt = Exclude<Match, { kind: 'comment' | 'module' | 'protocol' | 'source' | 'destination' }>;

function compileExt(m: RuleExt): ExtMatch {
  switch (m.kind) {
    case 'sport':
    case 'dport':
      return extMatch(m.kind, m.negate, m.port);
    case 'addrtype':
      return extMatch('addrtype', m.negate, m.dir === 'src' ? 1 : 0);
    case 'mark': {
      const mask = m.mask ?? 0xffffffff;
      return extMatch('mark', m.negate, (m.value & mask) >>> 0, mask);
    }
    case 'statistic':
      return extMatch('random', false, Number(m.probability));
    case 'conntrack': {
      let mask = 0;
      for (const s of m.states) mask |= CT_BIT[s];
      return extMatch('ctstate', m.negate, 0, mask);
    }
    default:
      return { kind: 'rare', negate: false, num: 0, mask: 0, rare: m };
  }
}

/** A rule as the walker evaluates it: its IP header part (-p, -s, -d) parsed to numbers, and only
 *  the -m matches that can say no or have an effect (comments and bare module loads left out). */
interface CompiledRule {
  rule: Rule;
  target: Target;
  /** -p as iptables writes it, or null (any protocol). */
  proto: string | null;
  protoNegate: boolean;
  src: AddressMatch | null;
  dst: AddressMatch | null;
  extraHeader: ExtraHeader[] | null;
  ext: ExtMatch[];
  /** A DNAT/SNAT target's address as a number (null: not IPv4). */
  natInt: number | null;
  /** The chain a jump or goto names, resolved on first use (null: no such chain; undefined: not
   *  resolved yet; the field is there from the start, so every compiled rule has one shape). */
  next: CompiledChain | null | undefined;
}

interface CompiledChain {
  chain: Chain;
  rules: CompiledRule[];
}

/** Chains by table and name, built once per ruleset; a chain's rules are compiled the first time a
 *  walk enters it (rulesets are immutable, so a batch run walks the compiled form many times).
 *  Parsing is pure, so the index also keeps what walks over this ruleset parsed: -s/-d texts, the
 *  node's address list, packet addresses (bounded). */
export class RulesetIndex {
  private readonly compiledChains = new Map<TableName, Map<string, CompiledChain | null>>();
  private readonly builtins: (CompiledChain | null | undefined)[] = HOOK_POINTS.map(() => undefined);
  private readonly cidrs = new Map<string, Cidr | null>();
  private readonly ips = new Map<string, number | null>();
  private ipA = '';
  private intA: number | null = null;
  private ipB = '';
  private intB: number | null = null;
  private localFor: readonly string[] | undefined;
  private localList: LocalNet[] = [];
  constructor(readonly ruleset: Ruleset) {}
  /** The chain of that name (the last one, should a table list a name twice), found by a scan when
   *  a walk first enters it (`compiled` keeps the answer): a walk enters a handful of a node's
   *  chains, and indexing every chain of the ruleset cost more than finding those. */
  chain(table: TableName, name: string): Chain | undefined {
    if (!this.ruleset.order.includes(table)) return undefined;
    const chains = this.ruleset.tables[table]?.chains ?? [];
    for (let i = chains.length - 1; i >= 0; i--) if (chains[i]!.name === name) return chains[i];
    return undefined;
  }
  /** A built-in chain's compiled form, by the hook point's slot (a walk runs three to five of
   *  them per packet; a slot read instead of two map lookups). */
  builtin(h: HookPoint): CompiledChain | null {
    let c = this.builtins[h.slot];
    if (c === undefined) this.builtins[h.slot] = c = this.compiled(h.table, h.chain);
    return c;
  }
  compiled(table: TableName, name: string): CompiledChain | null {
    let byName = this.compiledChains.get(table);
    if (!byName) this.compiledChains.set(table, (byName = new Map()));
    let c = byName.get(name);
    if (c === undefined) {
      const chain = this.chain(table, name);
      c = chain ? { chain, rules: chain.rules.map((r) => compileRule(r, this)) } : null;
      byName.set(name, c);
    }
    return c;
  }

  /** A -s/-d text parsed (null: not an address or CIDR). */
  cidr(text: string): Cidr | null {
    let c = this.cidrs.get(text);
    if (c === undefined) this.cidrs.set(text, (c = parseCidr(text, true)));
    return c;
  }

  /** A packet address as a number (null: not IPv4); bounded, since packets bring new addresses.
   *  The two asked last are kept beside the map: a batch run's walks start from one source to one
   *  destination, and a map lookup hashes and compares the text where these compare the string. */
  ipInt(ip: string): number | null {
    if (ip === this.ipA) return this.intA;
    if (ip === this.ipB) return this.intB;
    let n = this.ips.get(ip);
    if (n === undefined) {
      n = ipToInt(ip);
      if (this.ips.size > 50_000) this.ips.clear();
      this.ips.set(ip, n);
    }
    [this.ipB, this.intB, this.ipA, this.intA] = [this.ipA, this.intA, ip, n];
    return n;
  }

  /** What `addrtype LOCAL` holds for this node: loopback and the node's addresses, each as its
   *  network and mask numbers (a walk tests the destination against them at least once). */
  localCidrs(addresses: readonly string[]): LocalNet[] {
    if (this.localFor !== addresses) {
      this.localFor = addresses;
      const cidrs = [LOOPBACK, ...addresses.map((a) => parseCidr(a, true)).filter((c): c is Cidr => c !== null)];
      this.localList = cidrs.map((c) => ({ base: c.base, mask: maskOf(c.prefix) }));
    }
    return this.localList;
  }
}

function addressMatch(index: RulesetIndex, cidrText: string, negate: boolean | undefined): AddressMatch {
  const cidr = index.cidr(cidrText);
  // A text that does not parse gets a network no address is in: (n & mask) >>> 0 is never -1.
  return { base: cidr ? cidr.base : -1, mask: cidr ? maskOf(cidr.prefix) : 0, negate: !!negate };
}

function compileRule(rule: Rule, index: RulesetIndex): CompiledRule {
  const t = rule.target;
  const natInt = t.kind === 'DNAT' || t.kind === 'SNAT' ? ipToInt(t.ip) : null;
  const cr: CompiledRule = {
    rule,
    target: t,
    proto: null,
    protoNegate: false,
    src: null,
    dst: null,
    extraHeader: null,
    ext: [],
    natInt,
    next: undefined,
  };
  const extra: ExtraHeader[] = [];
  for (const m of rule.matches) {
    switch (m.kind) {
      case 'protocol':
        if (cr.proto === null) [cr.proto, cr.protoNegate] = [m.protocol, !!m.negate];
        else extra.push({ field: 'protocol', protocol: m.protocol, negate: !!m.negate });
        break;
      case 'source':
        if (cr.src === null) cr.src = addressMatch(index, m.cidr, m.negate);
        else extra.push({ field: 'source', ...addressMatch(index, m.cidr, m.negate) });
        break;
      case 'destination':
        if (cr.dst === null) cr.dst = addressMatch(index, m.cidr, m.negate);
        else extra.push({ field: 'destination', ...addressMatch(index, m.cidr, m.negate) });
        break;
      case 'comment':
      case 'module':
        break;
      default:
        cr.ext.push(compileExt(m));
    }
  }
  if (extra.length > 0) cr.extraHeader = extra;
  return cr;
}

/** The protocol as -p writes it: for the usual three the same literal every walk (no new string per
 *  packet, and -p compares by identity rather than character by character). */
function protoName(protocol: string): string {
  switch (protocol) {
    case 'TCP':
      return 'tcp';
    case 'UDP':
      return 'udp';
    case 'SCTP':
      return 'sctp';
    default:
      return protocol.toLowerCase();
  }
}

/** Whether an address (null: not IPv4) passes a -s/-d match. */
function addressHolds(a: AddressMatch, n: number | null): boolean {
  const inside = n !== null && ((n & a.mask) >>> 0) === a.base;
  return inside !== a.negate;
}

export interface WalkInput {
  index: RulesetIndex;
  packet: Packet;
  origin: PacketOrigin;
  /** The node's own addresses (what `addrtype LOCAL` and the routing decision treat as local);
   *  127.0.0.0/8 is always local. */
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

/** A built-in chain that stopped the packet. */
type HookVerdict = { verdict: 'DROP' | 'REJECT'; where: WalkDecision };

/** `nat`: a NAT target translated the packet and ended this hook's walk (the packet goes on). */
type ChainOutcome =
  | { kind: 'continue' }
  | { kind: 'nat' }
  | { kind: 'verdict'; verdict: WalkVerdict; where: WalkDecision };

const MAX_DEPTH = 64;

/** A built-in chain a walk runs at a hook, and its slot in RulesetIndex's compiled built-ins. */
interface HookPoint {
  table: TableName;
  chain: BuiltinChain;
  hook: Hook;
  slot: number;
}

const HOOK_POINTS: readonly HookPoint[] = (
  [
    ['nat', 'OUTPUT', 'output'],
    ['filter', 'OUTPUT', 'output'],
    ['nat', 'POSTROUTING', 'postrouting'],
    ['nat', 'PREROUTING', 'prerouting'],
    ['filter', 'INPUT', 'input'],
    ['filter', 'FORWARD', 'forward'],
  ] as const
).map(([table, chain, hook], slot) => ({ table, chain, hook, slot }));

const NO_MATCH: StepEffect = { kind: 'no-match' };
const CONTINUE: ChainOutcome = { kind: 'continue' };
const NAT_DONE: ChainOutcome = { kind: 'nat' };

class Walker {
  readonly steps: RuleStep[] = [];
  packet: Packet;
  /** The connection's conntrack state as CT_BIT bits: a new connection, plus DNAT/SNAT once bound. */
  ctState = CT_BIT.NEW;
  dnat?: WalkResult['dnat'];
  snat?: WalkResult['snat'];
  /** The node's recent/nfacct state and the statistic draws' generator, fetched when a rule needs
   *  them (most walks meet no recent or nfacct match, and no draw before a DNAT is chosen). */
  private runtime?: NetfilterRuntime;
  private random?: SeededRandom;
  private readonly local: LocalNet[];
  private readonly recordSteps: boolean;
  private detail: RuleStep['detail'];
  /** The hook whose built-in chain is being walked. */
  private hookNow: Hook = 'prerouting';
  /** The packet's protocol as -p writes it, and its addresses as numbers (null: not IPv4). NAT
   *  targets change the addresses (setPacket), never the protocol. */
  private readonly proto: string;
  private srcInt: number | null = null;
  private dstInt: number | null = null;

  constructor(private readonly input: WalkInput) {
    this.recordSteps = input.recordSteps ?? true;
    // Packets are values: every translation below makes a new one, so the walk starts from the
    // caller's packet itself (no copy per request).
    this.packet = input.packet;
    this.setPacket(input.packet);
    this.proto = protoName(input.packet.protocol);
    this.local = input.index.localCidrs(input.localAddresses);
  }

  private setPacket(p: Packet): void {
    const index = this.input.index;
    if (p.src !== this.packet.src || this.srcInt === null) this.srcInt = index.ipInt(p.src);
    if (p.dst !== this.packet.dst || this.dstInt === null) this.dstInt = index.ipInt(p.dst);
    this.packet = p;
  }

  finish(): void {
    if (this.random) this.input.state.rand = this.random.state();
  }

  private get rt(): NetfilterRuntime {
    return (this.runtime ??= netfilterRuntime(this.input.state, this.input.nodeKey));
  }

  private get rng(): SeededRandom {
    return (this.random ??= new SeededRandom(this.input.state.rand));
  }

  /** Whether the packet's destination (as translated so far) is one of this node's addresses: the
   *  routing decision's local table. */
  isLocalDst(): boolean {
    return this.isLocalInt(this.dstInt);
  }

  private isLocalInt(n: number | null): boolean {
    if (n === null) return false;
    const local = this.local;
    for (let i = 0; i < local.length; i++) {
      const c = local[i]!;
      if (((n & c.mask) >>> 0) === c.base) return true;
    }
    return false;
  }

  /** The IP header part of a rule (-s, -d, -p): the kernel checks it before any -m match. The
   *  three are pure tests, so -d goes first: a Service's rules differ by it, one number compare. */
  private headerMatches(rule: CompiledRule): boolean {
    if (rule.dst !== null && !addressHolds(rule.dst, this.dstInt)) return false;
    if (rule.src !== null && !addressHolds(rule.src, this.srcInt)) return false;
    if (rule.proto !== null && (this.proto === rule.proto) === rule.protoNegate) return false;
    if (rule.extraHeader !== null) {
      for (const h of rule.extraHeader) {
        if (h.field === 'protocol') {
          if ((this.proto === h.protocol) === h.negate) return false;
        } else if (!addressHolds(h, h.field === 'source' ? this.srcInt : this.dstInt)) return false;
      }
    }
    return true;
  }

  /** Extension matches, in order, with their side effects (statistic draws, recent --set, nfacct).
   *  `this.detail` ends as the last stateful or random match's detail (one field, not a list per rule:
   *  batch runs walk these rules many times). */
  private extensionMatches(rule: CompiledRule): boolean {
    const p = this.packet;
    this.detail = undefined;
    const ext = rule.ext;
    for (let i = 0; i < ext.length; i++) {
      if (!this.extensionMatch(ext[i]!, p)) return false;
    }
    return true;
  }

  private extensionMatch(m: ExtMatch, p: Packet): boolean {
    switch (m.kind) {
      case 'sport':
        return (p.srcPort === m.num) !== m.negate;
      case 'dport':
        return (p.dstPort === m.num) !== m.negate;
      case 'addrtype':
        return this.isLocalInt(m.num === 1 ? this.srcInt : this.dstInt) !== m.negate;
      case 'mark':
        return ((((p.mark ?? 0) & m.mask) >>> 0) === m.num) !== m.negate;
      case 'ctstate':
        return ((this.ctState & m.mask) !== 0) !== m.negate;
      case 'random': {
        const probability = m.num;
        const draw = this.rng.next();
        if (this.recordSteps) this.detail = { kind: 'statistic', probability, draw };
        return draw < probability;
      }
      case 'rare':
        return this.rareMatch(m.rare!, p);
      default:
        return assertNever(m.kind, 'match');
    }
  }

  /** recent (with its table's memory), nfacct (its counter), set (ipset lookup), multiport. */
  private rareMatch(m: RareMatch, p: Packet): boolean {
    switch (m.kind) {
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
        if (this.recordSteps) {
          this.detail = { kind: 'recent', name: m.name, hit, ...(age === undefined ? {} : { ageSeconds: age }) };
        }
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

  /** A rule that matched (call only when recording: the effect and text are built for the learner). */
  private record(
    table: TableName,
    chain: string,
    rule: Rule,
    effect: StepEffect,
    action: string,
    detail?: RuleStep['detail'],
  ): void {
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

  private walkCompiled(table: TableName, chain: CompiledChain, depth: number): ChainOutcome {
    const name = chain.chain.name;
    for (const cr of chain.rules) {
      if (!this.headerMatches(cr)) {
        if (this.recordSteps) this.miss(table, name, cr.rule);
        continue;
      }
      const ok = this.extensionMatches(cr);
      const detail = this.detail;
      if (!ok) {
        // The learner sees the draw (or the recent table) that said no.
        if (this.recordSteps) this.miss(table, name, cr.rule, detail);
        continue;
      }
      const out = this.applyTarget(table, name, cr, depth, detail);
      if (out === 'next') continue;
      return out;
    }
    return CONTINUE;
  }

  /** Walks the chain a jump or goto names (resolved once per compiled rule). */
  private enter(table: TableName, cr: CompiledRule, target: string, depth: number): ChainOutcome {
    if (depth > MAX_DEPTH) {
      throw new Error(`netfilter: chain nesting deeper than ${MAX_DEPTH} at ${table}/${target} (a loop?)`);
    }
    if (cr.next === undefined) cr.next = this.input.index.compiled(table, target);
    return cr.next ? this.walkCompiled(table, cr.next, depth) : CONTINUE;
  }

  /** The rule matched: its target decides (man iptables-extensions, TARGETS): the standard
   *  targets move between chains or end the walk, the NAT targets translate and end the chain,
   *  MARK changes the packet's mark and the walk goes on. */
  private applyTarget(
    table: TableName,
    chain: string,
    cr: CompiledRule,
    depth: number,
    detail: RuleStep['detail'],
  ): ChainOutcome | 'next' {
    const t = cr.target;
    switch (t.kind) {
      case 'jump':
      case 'goto':
        return this.jumpTarget(table, chain, cr, t, depth, detail);
      case 'RETURN':
      case 'ACCEPT':
      case 'DROP':
      case 'REJECT':
        return this.verdictTarget(table, chain, cr.rule, t.kind, detail);
      case 'DNAT':
        return this.dnatTarget(table, chain, cr, t, detail);
      case 'SNAT':
        return this.snatTarget(table, chain, cr, t, detail);
      case 'MASQUERADE':
        return this.masqueradeTarget(table, chain, cr.rule, detail);
      case 'MARK':
        return this.markTarget(table, chain, cr.rule, t, detail);
      case 'REDIRECT':
        return this.redirect(table, chain, cr.rule, t, detail);
      case 'none':
        if (this.recordSteps) this.record(table, chain, cr.rule, { kind: 'continue' }, 'continue', detail);
        return 'next';
      default:
        return assertNever(t, 'target');
    }
  }

  /** -j walks the chain and comes back on RETURN; -g walks it and returns to this chain's caller. */
  private jumpTarget(
    table: TableName,
    chain: string,
    cr: CompiledRule,
    t: Extract<Target, { kind: 'jump' | 'goto' }>,
    depth: number,
    detail: RuleStep['detail'],
  ): ChainOutcome | 'next' {
    if (this.recordSteps) {
      const effect: StepEffect =
        t.kind === 'goto' ? { kind: 'jump', chain: t.chain, goto: true } : { kind: 'jump', chain: t.chain };
      this.record(table, chain, cr.rule, effect, `${t.kind} ${t.chain}`, detail);
    }
    const r = this.enter(table, cr, t.chain, depth + 1);
    return t.kind === 'jump' && r.kind === 'continue' ? 'next' : r;
  }

  /** RETURN leaves the chain; ACCEPT, DROP and REJECT end the walk of this hook. */
  private verdictTarget(
    table: TableName,
    chain: string,
    rule: Rule,
    kind: 'RETURN' | 'ACCEPT' | 'DROP' | 'REJECT',
    detail: RuleStep['detail'],
  ): ChainOutcome {
    if (kind === 'RETURN') {
      if (this.recordSteps) this.record(table, chain, rule, { kind: 'return' }, 'RETURN', detail);
      return CONTINUE;
    }
    if (this.recordSteps) {
      const effect: StepEffect =
        kind === 'ACCEPT' ? { kind: 'accept' } : kind === 'DROP' ? { kind: 'drop' } : { kind: 'reject' };
      this.record(table, chain, rule, effect, kind, detail);
    }
    return { kind: 'verdict', verdict: kind, where: { table, chain, rule } };
  }

  /** DNAT rewrites the destination (and port); conntrack remembers it for the connection. */
  private dnatTarget(
    table: TableName,
    chain: string,
    cr: CompiledRule,
    t: Extract<Target, { kind: 'DNAT' }>,
    detail: RuleStep['detail'],
  ): ChainOutcome {
    const rule = cr.rule;
    if (this.recordSteps) {
      const to = t.port === undefined ? t.ip : `${t.ip}:${t.port}`;
      this.record(table, chain, rule, { kind: 'dnat', to }, `DNAT ${to}`, detail);
    }
    const p = { ...this.packet, dst: t.ip };
    if (t.port !== undefined) p.dstPort = t.port;
    this.packet = p;
    this.dstInt = cr.natInt;
    this.ctState |= CT_BIT.DNAT;
    this.dnat = { ip: t.ip, port: t.port, table, chain, rule };
    return NAT_DONE;
  }

  /** SNAT rewrites the source (and port). */
  private snatTarget(
    table: TableName,
    chain: string,
    cr: CompiledRule,
    t: Extract<Target, { kind: 'SNAT' }>,
    detail: RuleStep['detail'],
  ): ChainOutcome {
    const rule = cr.rule;
    if (this.recordSteps) {
      const to = t.port === undefined ? t.ip : `${t.ip}:${t.port}`;
      this.record(table, chain, rule, { kind: 'snat', to, masquerade: false }, `SNAT ${to}`, detail);
    }
    const p = { ...this.packet, src: t.ip };
    if (t.port !== undefined) p.srcPort = t.port;
    this.packet = p;
    this.srcInt = cr.natInt;
    this.ctState |= CT_BIT.SNAT;
    this.snat = { ip: t.ip, port: t.port, masquerade: false, table, chain, rule };
    return NAT_DONE;
  }

  /** MASQUERADE: SNAT to the node's address (the lab's masquerade address). */
  private masqueradeTarget(table: TableName, chain: string, rule: Rule, detail: RuleStep['detail']): ChainOutcome {
    const ip = this.input.masqueradeAddress;
    if (this.recordSteps) {
      this.record(table, chain, rule, { kind: 'snat', to: ip, masquerade: true }, `MASQUERADE to ${ip}`, detail);
    }
    this.setPacket({ ...this.packet, src: ip });
    this.ctState |= CT_BIT.SNAT;
    this.snat = { ip, masquerade: true, table, chain, rule };
    return NAT_DONE;
  }

  /** MARK --or-mark / --xor-mark / --set-xmark: a non-terminating target, the walk goes on. */
  private markTarget(
    table: TableName,
    chain: string,
    rule: Rule,
    t: Extract<Target, { kind: 'MARK' }>,
    detail: RuleStep['detail'],
  ): 'next' {
    const cur = this.packet.mark ?? 0;
    const mark =
      t.op === 'or' ? cur | t.value : t.op === 'xor' ? cur ^ t.value : (cur & ~(t.mask ?? 0xffffffff)) ^ t.value;
    this.setPacket({ ...this.packet, mark: mark >>> 0 });
    if (this.recordSteps) {
      const effect: StepEffect = { kind: 'mark', op: t.op, value: t.value, result: mark >>> 0 };
      const text = `MARK ${t.op} 0x${t.value.toString(16)} -> 0x${(mark >>> 0).toString(16)}`;
      this.record(table, chain, rule, effect, text, detail);
    }
    return 'next';
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
    if (this.recordSteps) {
      const to = `${ip}:${port}`;
      this.record(table, chain, rule, { kind: 'redirect', to }, `REDIRECT to ${to}`, detail);
    }
    this.setPacket({ ...this.packet, dst: ip, dstPort: port });
    this.ctState |= CT_BIT.DNAT;
    this.dnat = { ip, port, table, chain, rule, redirect: true };
    return NAT_DONE;
  }

  /** Runs a built-in chain; undefined means the packet goes on (ACCEPT, NAT done, or policy ACCEPT). */
  hook(h: HookPoint): HookVerdict | undefined {
    const { table, chain } = h;
    this.hookNow = h.hook;
    const compiled = this.input.index.builtin(h);
    const r = compiled ? this.walkCompiled(table, compiled, 0) : CONTINUE;
    if (r.kind === 'nat') return undefined;
    if (r.kind === 'verdict') {
      if (r.verdict === 'DROP' || r.verdict === 'REJECT') return { verdict: r.verdict, where: r.where };
      return undefined;
    }
    const policy = compiled?.chain.policy ?? 'ACCEPT';
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

function done(
  w: Walker,
  before: Packet,
  verdict: WalkVerdict,
  path: WalkResult['path'],
  decidedBy?: WalkDecision,
): WalkResult {
  w.finish();
  // Every field present (undefined when absent): one result shape for the readers of every walk.
  return { verdict, decidedBy, path, before, after: w.packet, dnat: w.dnat, snat: w.snat, steps: w.steps };
}

const [NAT_OUTPUT, FILTER_OUTPUT, NAT_POSTROUTING, NAT_PREROUTING, FILTER_INPUT, FILTER_FORWARD] = HOOK_POINTS;
const LOCAL_HOOKS = [NAT_OUTPUT!, FILTER_OUTPUT!, NAT_POSTROUTING!];
const FORWARD_HOOKS = [FILTER_FORWARD!, NAT_POSTROUTING!];

/** Evaluates one new connection's first packet through the node's hooks. Mutates `input.state`. */
export function walkPacket(input: WalkInput): WalkResult {
  const w = new Walker(input);
  const before = input.packet;

  if (input.origin === 'local') {
    for (const h of LOCAL_HOOKS) {
      const r = w.hook(h);
      if (r) return done(w, before, r.verdict, 'output', r.where);
    }
    if (w.isLocalDst()) {
      // Looped back to this host: it now passes INPUT (nat is already bound for this connection).
      const r = w.hook(FILTER_INPUT!);
      if (r) return done(w, before, r.verdict, 'input', r.where);
      return done(w, before, 'ACCEPT', 'input');
    }
    return done(w, before, 'ACCEPT', 'output');
  }

  const pre = w.hook(NAT_PREROUTING!);
  if (pre) return done(w, before, pre.verdict, 'input', pre.where);
  if (w.isLocalDst()) {
    const r = w.hook(FILTER_INPUT!);
    if (r) return done(w, before, r.verdict, 'input', r.where);
    return done(w, before, 'ACCEPT', 'input');
  }
  for (const h of FORWARD_HOOKS) {
    const r = w.hook(h);
    if (r) return done(w, before, r.verdict, 'forward', r.where);
  }
  return done(w, before, 'ACCEPT', 'forward');
}

/**
 * A packet the node forwards that its conntrack cannot place: a reply to a connection whose first
 * packet never crossed this node. The kernel marks it INVALID (nf_conntrack_tcp: a SYN-ACK with no
 * entry), the nat table never sees it (NAT is bound only for a connection's first packet), and the
 * filter FORWARD chain decides alone (kube-proxy's KUBE-FORWARD drops `--ctstate INVALID`).
 */
export function walkInvalidForward(input: WalkInput): WalkResult {
  const w = new Walker(input);
  w.ctState = CT_BIT.INVALID;
  const before = input.packet;
  const r = w.hook(FILTER_FORWARD!);
  if (r) return done(w, before, r.verdict, 'forward', r.where);
  return done(w, before, 'ACCEPT', 'forward');
}
