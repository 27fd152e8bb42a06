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

export function evaluateNft(args: {
  table: NftTable;
  packet: Packet;
  origin: PacketOrigin;
  /** The node's own addresses (fib saddr type local; routing decides input vs forward with them). */
  localAddresses: ReadonlySet<string>;
  masqueradeSource: string;
  state: ProxyRuntimeState;
  runtime: NftRuntime;
}): NftEvalResult {
  const { table, state, runtime } = args;
  const chains = new Map(table.chains.map((c) => [c.name, c]));
  const maps = new Map(table.sets.filter((s): s is { kind: 'map' } & NftMap => s.kind === 'map').map((m) => [m.name, m]));
  const staticSets = new Map(table.sets.filter((s) => s.kind === 'set').map((s) => [s.name, s.kind === 'set' ? s.elements : []]));
  const steps: NftEvalResult['steps'] = [];
  let pkt: Packet = { ...args.packet, mark: args.packet.mark ?? 0 };
  let masquerade = false;
  let dnatChain: string | undefined;
  const isLocal = (ip: string) => ip.startsWith('127.') || args.localAddresses.has(ip);
  let hookNow: Hook = 'prerouting';

  const setHas = (set: string, ip: string): boolean => {
    const dyn = runtime.sets[set];
    if (dyn) return (dyn[ip] ?? -Infinity) > state.now;
    return staticSets.get(set)?.includes(ip) ?? false;
  };

  type Flow = { kind: 'continue' } | { kind: 'verdict'; v: NftVerdict };

  // Returns the verdict that ends this base chain's evaluation (accept/drop/reject) or null when it fell through.
  const runChain = (chain: NftChain, depth: number): 'accept' | 'drop' | 'reject' | 'return' | null => {
    for (const rule of chain.rules) {
      const flow = runRule(chain, rule);
      if (flow.kind === 'continue') continue;
      const v = flow.v;
      switch (v.kind) {
        case 'jump': {
          const target = chains.get(v.chain);
          const r = target && depth < 32 ? runChain(target, depth + 1) : null;
          if (r === 'accept' || r === 'drop' || r === 'reject') return r;
          continue;
        }
        case 'goto': {
          const target = chains.get(v.chain);
          return target && depth < 32 ? runChain(target, depth + 1) : null;
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
  };

  const runRule = (chain: NftChain, rule: NftRule): Flow => {
    const record: Record = (effect, action, extra = {}) =>
      steps.push({ rule, chain: chain.name, hook: hookNow, matched: true, effect, action, ...extra });
    for (const s of rule.stmts) {
      const r = runStmt(s, chain, record);
      if (r === 'nomatch') {
        steps.push({ rule, chain: chain.name, hook: hookNow, matched: false, effect: NO_MATCH, action: 'no match' });
        return { kind: 'continue' };
      }
      if (r !== 'next') return r;
    }
    return { kind: 'continue' };
  };

  type Record = (effect: StepEffect, action: string, extra?: Partial<NftStep>) => void;

  const runStmt = (s: NftStmt, chain: NftChain, record: Record): 'next' | 'nomatch' | Flow => {
    switch (s.kind) {
      case 'ip': {
        const addr = s.field === 'saddr' ? pkt.src : pkt.dst;
        const hit = s.values.some((v) => inCidr(v, addr));
        return hit !== !!s.negate ? 'next' : 'nomatch';
      }
      case 'ipInSet':
        return setHas(s.set, s.field === 'saddr' ? pkt.src : pkt.dst) ? 'next' : 'nomatch';
      case 'dport':
        return pkt.protocol.toLowerCase() === s.protocol && pkt.dstPort === s.port ? 'next' : 'nomatch';
      case 'fibSaddrLocal':
        return isLocal(pkt.src) ? 'next' : 'nomatch';
      case 'ctStateNew':
        // The lab evaluates the first packet of each connection.
        return 'next';
      case 'markUnset':
        return ((pkt.mark ?? 0) & s.mask) === 0 ? 'next' : 'nomatch';
      case 'vmap': {
        const key = s.key === 'daddr-proto-dport'
          ? [pkt.dst, pkt.protocol.toLowerCase(), String(pkt.dstPort)]
          : [pkt.protocol.toLowerCase(), String(pkt.dstPort)];
        const el = maps.get(s.map)?.elements.find((e) => e.key.join(' ') === key.join(' '));
        if (!el) return 'nomatch';
        record(verdictEffect(el.verdict), verdictText(el.verdict), { map: s.map, elementKey: el.key });
        return { kind: 'verdict', v: el.verdict };
      }
      case 'numgen': {
        const rng = new SeededRandom(state.rand);
        const n = s.chains.length;
        const draw = rng.int(n);
        state.rand = rng.state();
        const effect: StepEffect = { kind: 'jump', chain: s.chains[draw]!, goto: true };
        const detail = { kind: 'numgen' as const, modulus: n, value: draw };
        record(effect, `numgen random mod ${n} = ${draw}: goto ${s.chains[draw]}`, { detail });
        return { kind: 'verdict', v: { kind: 'goto', chain: s.chains[draw]! } };
      }
      case 'setMark': {
        pkt = { ...pkt, mark: s.op === 'or' ? ((pkt.mark ?? 0) | s.value) >>> 0 : ((pkt.mark ?? 0) ^ s.value) >>> 0 };
        const effect: StepEffect = { kind: 'mark', op: s.op, value: s.value, result: pkt.mark ?? 0 };
        record(effect, `mark ${s.op === 'or' ? '|' : '^'} 0x${s.value.toString(16)}`);
        return 'next';
      }
      case 'masquerade':
        masquerade = true;
        pkt = { ...pkt, src: args.masqueradeSource };
        record({ kind: 'snat', to: args.masqueradeSource, masquerade: true }, 'masquerade');
        return { kind: 'verdict', v: { kind: 'accept' } };
      case 'dnat':
        pkt = { ...pkt, dst: s.ip, dstPort: s.port };
        dnatChain = chain.name;
        record({ kind: 'dnat', to: `${s.ip}:${s.port}` }, `dnat to ${s.ip}:${s.port}`);
        return { kind: 'verdict', v: { kind: 'accept' } };
      case 'updateSet': {
        const timeout = (table.sets.find((x) => x.name === s.set) as { timeoutSeconds?: number } | undefined)?.timeoutSeconds ?? 0;
        (runtime.sets[s.set] ??= {})[pkt.src] = state.now + timeout;
        const effect: StepEffect = { kind: 'set-update', set: s.set, element: pkt.src, timeoutSeconds: timeout };
        const detail = { kind: 'affinity' as const, clientIP: pkt.src, endpoint: s.set };
        record(effect, `update @${s.set} { ${pkt.src} } timeout ${timeout}s`, { detail });
        return 'next';
      }
      case 'verdict':
        record(verdictEffect(s.verdict), verdictText(s.verdict));
        return { kind: 'verdict', v: s.verdict };
    }
  };

  const baseChains = (hook: NftHook) =>
    table.chains.filter((c) => c.base?.hook === hook).sort((a, b) => a.base!.priority - b.base!.priority);

  const runHook = (hook: NftHook): 'drop' | 'reject' | null => {
    hookNow = hook;
    for (const c of baseChains(hook)) {
      // The lab evaluates a connection's first packet, the one NAT chains see; a dnat rewrites
      // the destination for the hooks that follow.
      const r = runChain(c, 0);
      if (r === 'drop' || r === 'reject') return r;
    }
    return null;
  };

  if (args.origin === 'local') {
    for (const h of ['output', 'postrouting'] as const) {
      const r = runHook(h);
      if (r) return { outcome: r, after: pkt, dnatChain, masquerade, steps };
    }
  } else {
    const r = runHook('prerouting');
    if (r) return { outcome: r, after: pkt, dnatChain, masquerade, steps };
    for (const h of hookSequence(args.origin, isLocal(pkt.dst)).slice(1)) {
      const r2 = runHook(h);
      if (r2) return { outcome: r2, after: pkt, dnatChain, masquerade, steps };
    }
  }
  return { outcome: 'accept', after: pkt, dnatChain, masquerade, steps };
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
