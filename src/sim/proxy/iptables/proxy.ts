// The iptables mode's NodeProxy: the compiled artifact, its iptables-save views, and packet
// evaluation by the generic netfilter walker over the node's whole ruleset (built-in chains with
// kube-proxy's jump rules, plus the restore payload).

import { findLine, lazyArtifact, type ArtifactRef, type RenderedArtifact } from '../../artifact';
import type { ClusterEvent } from '../../events';
import { installPortmap, type NodePortmap } from '../../cni/portmap';
import { portmapVerdict } from '../hostport';
import { renderRulesetLines, ruleLineIndexer, type RuleLines } from '../../node/netfilter/render';
import { mergeRulesets, type Rule, type Ruleset, type TableName } from '../../node/netfilter/types';
import { RulesetIndex, walkInvalidForward, walkPacket } from '../../node/netfilter/walk';
import type { WalkInput, WalkResult } from '../../node/netfilter/walk';
import type { EndpointInfo, ServicePortString } from '../servicemap';
import { lastMatched } from '../../step';
import type {
  BalanceShares,
  EndpointShare,
  EvaluateInput,
  InvalidForwardInput,
  NodeProxy,
  Packet,
  PacketOrigin,
  ProxyEvaluation,
  ProxyRuntimeState,
  ProxyVerdict,
} from '../types';
import type { IptablesArtifact, RuleOwner, ServicePortRules } from './compile';
import { isEndpointChain, isPolicyChain } from './names';
import { titled } from '../../notes';

export function iptablesSaveId(node: string): string {
  return `node/${node}/iptables-save`;
}
export function iptablesRestoreId(node: string): string {
  return `node/${node}/iptables-restore`;
}

/** The node's whole netfilter state as `iptables-save` would list it: built-in chains and jumps
 *  first; with `portmap`, the CNI portmap plugin's hostPort chains installed on top. */
export function nodeRuleset(a: IptablesArtifact, portmap?: NodePortmap): Ruleset {
  const rs = mergeRulesets(a.jumps, a.ruleset);
  return portmap ? installPortmap(rs, portmap) : rs;
}

/** " (a, b, c, d, e, ...)": the first five changed services, if any. */
function changedList(changed: readonly string[]): string {
  if (!changed.length) return '';
  return ` (${changed.slice(0, 5).join(', ')}${changed.length > 5 ? ', ...' : ''})`;
}

/** The kube-proxy log line for the last sync (the lesson: a partial sync touches few services). */
export function syncEvent(a: IptablesArtifact): Omit<ClusterEvent, 'seq'> {
  const s = a.lastSync;
  const what =
    s.kind === 'full'
      ? `full sync (${s.reason})`
      : `partial sync: ${s.changedServices.length} of ${a.perService.size} services changed` +
        changedList(s.changedServices);
  return {
    type: 'Normal',
    reason: 'SyncProxyRules',
    object: { kind: 'Node', name: a.node.name },
    message:
      `Syncing iptables rules: ${what}; numServices=${s.counts.services} numEndpoints=${s.counts.endpoints} ` +
      `numFilterRules=${s.counts.filterRules} numNATChains=${s.counts.natChains} numNATRules=${s.counts.natRules}` +
      (s.deletedChains.length ? ` deletedChains=${s.deletedChains.length}` : '') +
      (a.largeClusterMode ? ' (large cluster mode: endpoint comments omitted)' : ''),
    source: 'kube-proxy',
    node: a.node.name,
  };
}

function firstComment(rule: Rule | undefined): string | undefined {
  const m = rule?.matches.find((x) => x.kind === 'comment');
  return m?.kind === 'comment' ? m.text : undefined;
}

/** The node's two iptables artifacts, rendered when first read: `iptables-save` of the whole
 *  ruleset and the last sync's `iptables-restore` payload. */
function iptablesArtifacts(a: IptablesArtifact, fullRuleset: () => Ruleset, kept?: RuleLines) {
  const node = a.node.name;
  const saveHead = { id: iptablesSaveId(node), kind: 'iptables-save' as const, title: `iptables-save (${node})` };
  const save = lazyArtifact(saveHead, () => renderRulesetLines(fullRuleset(), kept));
  const restoreHead = {
    id: iptablesRestoreId(node),
    kind: 'iptables-save' as const,
    ...titled(a.lastSync.kind === 'full' ? 'note.title.restoreFull' : 'note.title.restorePartial', { node }),
  };
  const restore = lazyArtifact(restoreHead, () => renderRulesetLines(a.lastSync.payload));
  return { save, restore };
}

/** Rule -> its line of `iptables-save`, placed from the ruleset's shape when a trace first points
 *  at one (the line's ref is checked; a rule not found there falls back to the lines' index). */
function lineRefs(
  save: RenderedArtifact,
  fullRuleset: () => Ruleset,
): (table: TableName, chain: string, rule: Rule) => ArtifactRef {
  let placed: ((table: TableName, chain: string, rule: Rule) => number) | undefined;
  let lineOf: Map<string, number> | undefined;
  return (table, chain, rule) => {
    placed ??= ruleLineIndexer(fullRuleset());
    let i = placed(table, chain, rule);
    if (save.lines[i]?.ref !== rule.id) {
      if (!lineOf) {
        lineOf = new Map();
        save.lines.forEach((l, j) => l.ref !== undefined && lineOf!.set(l.ref, j));
      }
      i = lineOf.get(rule.id) ?? -1;
    }
    if (i < 0) return findLine(save, rule.id) ?? { artifact: save.id, ref: rule.id, line: '', lineIndex: -1 };
    return { artifact: save.id, ref: rule.id, line: save.lines[i]!.text, lineIndex: i };
  };
}

/** A REJECT or DROP (or a chain's DROP policy): why, in the words of the rule's comment, and for
 *  which service port when the rule is kube-proxy's. */
function refusedVerdict(r: WalkResult, owners: Owners): ProxyVerdict {
  const where = r.decidedBy;
  const rule = where?.rule;
  const owner = rule ? (owners.ofRule(rule.id) ?? owners.ofChain(where!.chain)) : undefined;
  const place = `${where?.table}/${where?.chain}`;
  const reason = firstComment(rule) ?? (rule ? place : `${place} policy`);
  const v = { reason, ...(owner ? { servicePort: owner.servicePort } : {}) };
  return r.verdict === 'REJECT' ? { kind: 'reject', ...v } : { kind: 'drop', ...v };
}

/** What the walk means for the tracer: refused, a hostPort's DNAT, a Service's DNAT to one of its
 *  endpoints (the KUBE-SEP chain that translated names it), or nothing of kube-proxy's. */
function walkVerdict(a: IptablesArtifact, portmap: NodePortmap | undefined): (r: WalkResult) => ProxyVerdict {
  const owners = new Owners(a);
  return (r) => {
    if (r.verdict !== 'ACCEPT') return refusedVerdict(r, owners);
    const hostport = portmapVerdict(portmap, r);
    if (hostport) return hostport;
    if (r.dnat) {
      const sep = owners.ofSep(r.dnat.chain);
      const masquerade = !!r.snat?.masquerade;
      if (sep) return { kind: 'dnat', servicePort: sep.servicePort, endpoint: sep.endpoint, masquerade };
    }
    return { kind: 'pass' };
  };
}

/** The Service port and endpoint a KUBE-SEP chain translates to. */
interface SepOwner {
  servicePort: ServicePortString;
  endpoint: EndpointInfo;
}

/**
 * Who a rule or chain of kube-proxy's belongs to (its service port, and a KUBE-SEP chain's
 * endpoint), found from the sync's per-port rules when a walk first asks about it and remembered
 * for this NodeProxy (a batch run asks about the same few on every request). A trace asks about
 * one or two, so nothing is indexed up front. Where two ports held the same rule id or chain name,
 * the later port in name order answers (as one map written port by port would).
 */
class Owners {
  private readonly rules = new Map<string, RuleOwner | null>();
  private readonly chains = new Map<string, RuleOwner | null>();
  private readonly seps = new Map<string, SepOwner | null>();

  constructor(private readonly a: IptablesArtifact) {}

  /** The service port whose top-level rule (KUBE-SERVICES, KUBE-NODEPORTS, ...) has this id. */
  ofRule(id: string): RuleOwner | undefined {
    let o = this.rules.get(id);
    if (o === undefined) this.rules.set(id, (o = topLevelOwner(this.a.ports, id)));
    return o ?? undefined;
  }

  /** The service port (and for a KUBE-SEP chain, the endpoint it DNATs to) of a chain. */
  ofChain(name: string): RuleOwner | undefined {
    let o = this.chains.get(name);
    if (o === undefined) this.chains.set(name, (o = chainOwner(this.a.ports, name)));
    return o ?? undefined;
  }

  /** A KUBE-SEP chain's service port and endpoint info (the first service port of that name's
   *  entry for the endpoint, as kube-proxy's service map keeps one per endpoint). */
  ofSep(chain: string): SepOwner | undefined {
    let o = this.seps.get(chain);
    if (o === undefined) this.seps.set(chain, (o = this.findSep(chain)));
    return o ?? undefined;
  }

  private findSep(chain: string): SepOwner | null {
    const owner = this.ofChain(chain);
    if (!owner?.endpoint) return null;
    const port = this.a.services.find((s) => s.info.name === owner.servicePort);
    const endpoint = port?.endpoints.find((e) => e.endpoint === owner.endpoint);
    return endpoint ? { servicePort: owner.servicePort, endpoint } : null;
  }
}

function topLevelOwner(ports: readonly ServicePortRules[], id: string): RuleOwner | null {
  for (let i = ports.length - 1; i >= 0; i--) {
    const { filter, nat, port } = ports[i]!;
    const lists = [filter.services, filter.externalServices, filter.nodePorts, filter.proxyFirewall, nat.services];
    if (lists.some((l) => l.some((r) => r.id === id)) || nat.nodePorts.some((r) => r.id === id)) {
      return { servicePort: port.info.name };
    }
  }
  return null;
}

function chainOwner(ports: readonly ServicePortRules[], name: string): RuleOwner | null {
  for (let i = ports.length - 1; i >= 0; i--) {
    const r = ports[i]!;
    const c = r.chains.findLast((x) => x.name === name);
    if (!c) continue;
    const o: RuleOwner = { servicePort: r.port.info.name };
    const dnat = name.startsWith('KUBE-SEP-') ? c.rules.find((x) => x.target.kind === 'DNAT')?.target : undefined;
    return dnat?.kind === 'DNAT' ? { ...o, endpoint: `${dnat.ip}:${dnat.port}` } : o;
  }
  return null;
}

/**
 * The shares a KUBE-SVC-/KUBE-SVL- chain gives its endpoints: each of its rules that jumps to a
 * KUBE-SEP- chain takes its `statistic` probability (the last, none: all) of what the rules before
 * it left; the endpoint is where that KUBE-SEP- chain DNATs to.
 */
function statisticShares(index: RulesetIndex, chain: string): BalanceShares {
  const shares: EndpointShare[] = [];
  let remaining = 1;
  for (const rule of index.chain('nat', chain)?.rules ?? []) {
    const t = rule.target;
    if (t.kind !== 'jump' || !isEndpointChain(t.chain)) continue;
    const statistic = rule.matches.find((m) => m.kind === 'statistic');
    const p = statistic?.kind === 'statistic' ? Number(statistic.probability) : 1;
    shares.push({ endpoint: dnatDestination(index, t.chain) ?? t.chain, share: remaining * p });
    remaining *= 1 - p;
  }
  return { kind: 'statistic', chain, shares };
}

/** "ip:port" (or "ip") of a chain's DNAT rule, as `--to-destination` says it. */
function dnatDestination(index: RulesetIndex, chain: string): string | undefined {
  const t = index.chain('nat', chain)?.rules.findLast((r) => r.target.kind === 'DNAT')?.target;
  if (t?.kind !== 'DNAT') return undefined;
  return t.port === undefined ? t.ip : `${t.ip}:${t.port}`;
}

/** `portmap`: the CNI portmap plugin's state on this node (hostPort pods), merged into the ruleset.
 *  `kept`: the node's rule lines from earlier renders of its iptables-save (new ones are added). */
export function iptablesNodeProxy(a: IptablesArtifact, portmap?: NodePortmap, kept?: RuleLines): NodeProxy {
  const node = a.node;
  // The node's whole ruleset, its index and the rule owners, built when the first packet is walked
  // through this node or its iptables-save is opened (a trace crosses few of the nodes).
  let full: Ruleset | undefined;
  const fullRuleset = () => (full ??= nodeRuleset(a, portmap));
  let index: RulesetIndex | undefined;
  const rulesetIndex = () => (index ??= new RulesetIndex(fullRuleset()));
  const { save, restore } = iptablesArtifacts(a, fullRuleset, kept);
  const refOf = lineRefs(save, fullRuleset);
  const verdictOf = walkVerdict(a, portmap);
  // One object literal with every field (a spread of it plus `origin` made each walk's input a
  // slow dictionary object: the walker read it ~3x slower per request in batch runs).
  type Asked = { packet: Packet; state: ProxyRuntimeState; recordSteps?: boolean };
  const walkInput = (input: Asked, origin: PacketOrigin): WalkInput => ({
    index: rulesetIndex(),
    packet: input.packet,
    origin,
    localAddresses: node.ips,
    masqueradeAddress: node.ips[0] ?? '0.0.0.0',
    state: input.state,
    nodeKey: node.name,
    refOf,
    recordSteps: input.recordSteps,
  });

  return {
    mode: 'iptables',
    node,
    artifacts: [save, restore],
    events: [syncEvent(a)],
    evaluate(input: EvaluateInput): ProxyEvaluation {
      const r = walkPacket(walkInput(input, input.origin));
      return { verdict: verdictOf(r), after: r.after, steps: r.steps };
    },
    forwardInvalid(input: InvalidForwardInput): ProxyEvaluation {
      const r = walkInvalidForward(walkInput(input, 'external'));
      return { verdict: verdictOf(r), after: r.after, steps: r.steps };
    },
    balance(steps) {
      // The endpoint was chosen in the service port's KUBE-SVC-/KUBE-SVL- chain: its last rule that matched.
      const chose = lastMatched(steps, (s) => s.table === 'nat' && isPolicyChain(s.chain));
      return chose ? statisticShares(rulesetIndex(), chose.chain) : undefined;
    },
  };
}
