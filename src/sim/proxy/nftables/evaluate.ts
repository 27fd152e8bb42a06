// An nftables evaluator over the emitted table: the base chains of each hook in priority order,
// rules statement by statement, verdict maps, `numgen random` (drawn from the seeded generator),
// dynamic timeout sets for affinity, and jump/goto/return semantics as in the kernel's nft_do_chain.

import { SeededRandom } from '../../net/rand';
import { cidrContains, parseCidr } from '../../net/ip';
import type { Hook, StepEffect } from '../../step';
import type { Packet, PacketOrigin, ProxyRuntimeState, RuleStep } from '../types';
import type { NftChain, NftHook, NftMap, NftRule, NftStmt, NftTable, NftVerdict } from './model';

export interface NftRuntime {
  /** Dynamic set contents: set name -> element -> expiry time (simulated seconds). */
  sets: Record<string, Record<string, number>>;
}

export function nftRuntime(state: ProxyRuntimeState, nodeName: string): NftRuntime {
  const slot = (state.perNode[nodeName] ??= {}) as { nftables?: NftRuntime };
  return (slot.nftables ??= { sets: {} });
}

export interface NftEvalResult {
  outcome: 'accept' | 'drop' | 'reject';
  after: Packet;
  /** The endpoint chain whose dnat rule fired, if any. */
  dnatChain?: string;
  masquerade: boolean;
  steps: NftStep[];
}

/** One rule the evaluator looked at: `matched` false when one of its statements did not match. */
export interface NftStep {
  rule: NftRule;
  chain: string;
  hook: Hook;
  matched: boolean;
  effect: StepEffect;
  action: string;
  elementKey?: string[];
  map?: string;
  detail?: RuleStep['detail'];
}

const NO_MATCH: StepEffect = { kind: 'no-match' };

/** The base chains a packet meets, per origin, in hook then priority order; `routeLocal` picks input vs forward. */
function hookSequence(origin: PacketOrigin, routeLocal: boolean): NftHook[] {
  if (origin === 'local') return ['output', 'postrouting'];
  return ['prerouting', routeLocal ? 'input' : 'forward', ...(routeLocal ? [] : ['postrouting' as const])];
}

function inCidr(c: string, ip: string): boolean {
  const p = parseCidr(c, true);
  return !!p && cidrContains(p, ip);
}

export interface EvaluateNftInput {
  table: NftTable;
  packet: Packet;
  origin: PacketOrigin;
  /** The node's own addresses (fib saddr type local; routing decides input vs forward with them). */
  localAddresses: ReadonlySet<string>;
  masqueradeSource: string;
  state: ProxyRuntimeState;
  runtime: NftRuntime;
  /** A forwarded packet whose connection this node's conntrack never saw (`ct state invalid`):
   *  only the forward hook's chains see it (NAT is bound per connection, on its first packet). */
  invalid?: boolean;
}

export function evaluateNft(args: EvaluateNftInput): NftEvalResult {
  const ev = new NftEvaluation(args);
  if (args.invalid) return ev.result(ev.runHook('forward') ?? 'accept');
  if (args.origin === 'local') {
    for (const h of ['output', 'postrouting'] as const) {
      const r = ev.runHook(h);
      if (r) return ev.result(r);
    }
  } else {
    const r = ev.runHook('prerouting');
    if (r) return ev.result(r);
    // Routing after prerouting: a dnat may have made the destination remote (forward) or local (input).
    for (const h of hookSequence(args.origin, ev.isLocal(ev.pkt.dst)).slice(1)) {
      const r2 = ev.runHook(h);
      if (r2) return ev.result(r2);
    }
  }
  return ev.result('accept');
}

type Flow = { kind: 'continue' } | { kind: 'verdict'; v: NftVerdict };
type StmtResult = 'next' | 'nomatch' | Flow;
type RecordStep = (effect: StepEffect, action: string, extra?: Partial<NftStep>) => void;

/** One packet through the table: the packet as rewritten so far, and what the walk recorded. */
class NftEvaluation {
  readonly steps: NftStep[] = [];
  pkt: Packet;
  masquerade = false;
  dnatChain: string | undefined;
  private hookNow: Hook = 'prerouting';
  private readonly chains: Map<string, NftChain>;
  private readonly maps: Map<string, NftMap>;
  private readonly staticSets: Map<string, string[]>;

  constructor(private readonly args: EvaluateNftInput) {
    const { table } = args;
    this.chains = new Map(table.chains.map((c) => [c.name, c]));
    const maps = table.sets.filter((s): s is { kind: 'map' } & NftMap => s.kind === 'map');
    this.maps = new Map(maps.map((m) => [m.name, m]));
    const sets = table.sets.filter((s) => s.kind === 'set');
    this.staticSets = new Map(sets.map((s) => [s.name, s.kind === 'set' ? s.elements : []]));
    this.pkt = { ...args.packet, mark: args.packet.mark ?? 0 };
  }

  result(outcome: NftEvalResult['outcome']): NftEvalResult {
    const { pkt: after, dnatChain, masquerade, steps } = this;
    return { outcome, after, dnatChain, masquerade, steps };
  }

  isLocal(ip: string): boolean {
    return ip.startsWith('127.') || this.args.localAddresses.has(ip);
  }

  /** The hook's base chains in priority order; the first drop or reject ends the packet. */
  runHook(hook: NftHook): 'drop' | 'reject' | null {
    this.hookNow = hook;
    const base = this.args.table.chains
      .filter((c) => c.base?.hook === hook)
      .sort((a, b) => a.base!.priority - b.base!.priority);
    for (const c of base) {
      // The lab evaluates a connection's first packet, the one NAT chains see; a dnat rewrites
      // the destination for the hooks that follow.
      const r = this.runChain(c, 0);
      if (r === 'drop' || r === 'reject') return r;
    }
    return null;
  }

  /** The verdict that ends this chain's evaluation (accept/drop/reject/return), null when it fell
   *  through. jump returns here unless the callee decided; goto does not come back. */
  private runChain(chain: NftChain, depth: number): 'accept' | 'drop' | 'reject' | 'return' | null {
    for (const rule of chain.rules) {
      const flow = this.runRule(chain, rule);
      if (flow.kind === 'continue') continue;
      const v = flow.v;
      switch (v.kind) {
        case 'jump': {
          const target = this.chains.get(v.chain);
          const r = target && depth < 32 ? this.runChain(target, depth + 1) : null;
          if (r === 'accept' || r === 'drop' || r === 'reject') return r;
          continue;
        }
        case 'goto': {
          const target = this.chains.get(v.chain);
          return target && depth < 32 ? this.runChain(target, depth + 1) : null;
        }
        case 'return':
          return 'return';
        case 'accept':
        case 'drop':
        case 'reject':
          return v.kind;
      }
    }
    return null;
  }

  /** A rule's statements in order: the first that does not match skips the rule. */
  private runRule(chain: NftChain, rule: NftRule): Flow {
    const hook = this.hookNow;
    const record: RecordStep = (effect, action, extra = {}) =>
      this.steps.push({ rule, chain: chain.name, hook, matched: true, effect, action, ...extra });
    for (const s of rule.stmts) {
      const r = this.runStmt(s, chain, record);
      if (r === 'nomatch') {
        this.steps.push({ rule, chain: chain.name, hook, matched: false, effect: NO_MATCH, action: 'no match' });
        return { kind: 'continue' };
      }
      if (r !== 'next') return r;
    }
    return { kind: 'continue' };
  }

  private runStmt(s: NftStmt, chain: NftChain, record: RecordStep): StmtResult {
    const pkt = this.pkt;
    switch (s.kind) {
      case 'ip': {
        const addr = s.field === 'saddr' ? pkt.src : pkt.dst;
        const hit = s.values.some((v) => inCidr(v, addr));
        return hit !== !!s.negate ? 'next' : 'nomatch';
      }
      case 'ipInSet':
        return this.setHas(s.set, s.field === 'saddr' ? pkt.src : pkt.dst) ? 'next' : 'nomatch';
      case 'dport':
        return pkt.protocol.toLowerCase() === s.protocol && pkt.dstPort === s.port ? 'next' : 'nomatch';
      case 'fibSaddrLocal':
        return this.isLocal(pkt.src) ? 'next' : 'nomatch';
      case 'ctStateNew':
        // The lab evaluates the first packet of each connection, or a packet conntrack calls invalid.
        return this.args.invalid ? 'nomatch' : 'next';
      case 'markUnset':
        return ((pkt.mark ?? 0) & s.mask) === 0 ? 'next' : 'nomatch';
      case 'vmap':
        return this.vmap(s, record);
      case 'numgen':
        return this.numgen(s, record);
      case 'setMark': {
        const mark = s.op === 'or' ? ((pkt.mark ?? 0) | s.value) >>> 0 : ((pkt.mark ?? 0) ^ s.value) >>> 0;
        this.pkt = { ...pkt, mark };
        const effect: StepEffect = { kind: 'mark', op: s.op, value: s.value, result: this.pkt.mark ?? 0 };
        record(effect, `mark ${s.op === 'or' ? '|' : '^'} 0x${s.value.toString(16)}`);
        return 'next';
      }
      case 'masquerade':
        this.masquerade = true;
        this.pkt = { ...pkt, src: this.args.masqueradeSource };
        record({ kind: 'snat', to: this.args.masqueradeSource, masquerade: true }, 'masquerade');
        return { kind: 'verdict', v: { kind: 'accept' } };
      case 'dnat':
        this.pkt = { ...pkt, dst: s.ip, dstPort: s.port };
        this.dnatChain = chain.name;
        record({ kind: 'dnat', to: `${s.ip}:${s.port}` }, `dnat to ${s.ip}:${s.port}`);
        return { kind: 'verdict', v: { kind: 'accept' } };
      case 'updateSet':
        return this.updateSet(s, record);
      case 'verdict':
        record(verdictEffect(s.verdict), verdictText(s.verdict));
        return { kind: 'verdict', v: s.verdict };
    }
  }

  private setHas(set: string, ip: string): boolean {
    const dyn = this.args.runtime.sets[set];
    if (dyn) return (dyn[ip] ?? -Infinity) > this.args.state.now;
    return this.staticSets.get(set)?.includes(ip) ?? false;
  }

  /** `<key> vmap @map`: the element whose key is the packet's, else no match. */
  private vmap(s: Extract<NftStmt, { kind: 'vmap' }>, record: RecordStep): StmtResult {
    const pkt = this.pkt;
    const key = s.key === 'daddr-proto-dport'
      ? [pkt.dst, pkt.protocol.toLowerCase(), String(pkt.dstPort)]
      : [pkt.protocol.toLowerCase(), String(pkt.dstPort)];
    const el = this.maps.get(s.map)?.elements.find((e) => e.key.join(' ') === key.join(' '));
    if (!el) return 'nomatch';
    record(verdictEffect(el.verdict), verdictText(el.verdict), { map: s.map, elementKey: el.key });
    return { kind: 'verdict', v: el.verdict };
  }

  /** `numgen random mod N vmap {...}`: drawn from the seeded generator. */
  private numgen(s: Extract<NftStmt, { kind: 'numgen' }>, record: RecordStep): StmtResult {
    const { state } = this.args;
    const rng = new SeededRandom(state.rand);
    const n = s.chains.length;
    const draw = rng.int(n);
    state.rand = rng.state();
    const effect: StepEffect = { kind: 'jump', chain: s.chains[draw]!, goto: true };
    const detail = { kind: 'numgen' as const, modulus: n, value: draw };
    record(effect, `numgen random mod ${n} = ${draw}: goto ${s.chains[draw]}`, { detail });
    return { kind: 'verdict', v: { kind: 'goto', chain: s.chains[draw]! } };
  }

  /** `update @set { ip saddr }`: the client's affinity entry, refreshed to the set's timeout. */
  private updateSet(s: Extract<NftStmt, { kind: 'updateSet' }>, record: RecordStep): StmtResult {
    const { table, state, runtime } = this.args;
    const src = this.pkt.src;
    const set = table.sets.find((x) => x.name === s.set) as { timeoutSeconds?: number } | undefined;
    const timeout = set?.timeoutSeconds ?? 0;
    (runtime.sets[s.set] ??= {})[src] = state.now + timeout;
    const effect: StepEffect = { kind: 'set-update', set: s.set, element: src, timeoutSeconds: timeout };
    const detail = { kind: 'affinity' as const, clientIP: src, endpoint: s.set };
    record(effect, `update @${s.set} { ${src} } timeout ${timeout}s`, { detail });
    return 'next';
  }
}

function verdictEffect(v: NftVerdict): StepEffect {
  switch (v.kind) {
    case 'jump':
    case 'goto':
      return { kind: 'jump', chain: v.chain, ...(v.kind === 'goto' ? { goto: true } : {}) };
    default:
      return { kind: v.kind };
  }
}

function verdictText(v: NftVerdict): string {
  return v.kind === 'jump' || v.kind === 'goto' ? `${v.kind} ${v.chain}` : v.kind;
}
