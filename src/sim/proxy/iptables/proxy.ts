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
import type {
  EvaluateInput,
  InvalidForwardInput,
  NodeProxy,
  Packet,
  PacketOrigin,
  ProxyEvaluation,
  ProxyRuntimeState,
  ProxyVerdict,
} from '../types';
import { chainOwners, ruleOwners, type IptablesArtifact, type RuleOwner } from './compile';

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
    title: `iptables-restore input, ${a.lastSync.kind} sync (${node})`,
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
function refusedVerdict(r: WalkResult, owners: ReadonlyMap<string, RuleOwner>): ProxyVerdict {
  const where = r.decidedBy;
  const rule = where?.rule;
  const owner = rule ? (owners.get(rule.id) ?? owners.get(where!.chain)) : undefined;
  const place = `${where?.table}/${where?.chain}`;
  const reason = firstComment(rule) ?? (rule ? place : `${place} policy`);
  const v = { reason, ...(owner ? { servicePort: owner.servicePort } : {}) };
  return r.verdict === 'REJECT' ? { kind: 'reject', ...v } : { kind: 'drop', ...v };
}

/** What the walk means for the tracer: refused, a hostPort's DNAT, a Service's DNAT to one of its
 *  endpoints (the KUBE-SEP chain that translated names it), or nothing of kube-proxy's. */
function walkVerdict(
  a: IptablesArtifact,
  portmap: NodePortmap | undefined,
  owners: () => ReadonlyMap<string, RuleOwner>,
  chains: () => ReadonlyMap<string, RuleOwner>,
): (r: WalkResult) => ProxyVerdict {
  // KUBE-SEP chain -> its Service port and endpoint, indexed when the first DNAT is read (a batch
  // run reads one per request: one lookup by the chain that translated, not three).
  let bySep: Map<string, SepOwner> | undefined;
  return (r) => {
    if (r.verdict !== 'ACCEPT') return refusedVerdict(r, owners());
    const hostport = portmapVerdict(portmap, r);
    if (hostport) return hostport;
    if (r.dnat) {
      const sep = (bySep ??= sepOwners(a, chains())).get(r.dnat.chain);
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

/** Every chain that names an endpoint, with that endpoint's info (the first service port's entry
 *  for it, as kube-proxy's service map keeps one per endpoint). */
function sepOwners(a: IptablesArtifact, chains: ReadonlyMap<string, RuleOwner>): Map<string, SepOwner> {
  const byPort = new Map<string, Map<string, EndpointInfo>>();
  for (const s of a.services) {
    if (byPort.has(s.info.name)) continue;
    const eps = new Map<string, EndpointInfo>();
    for (const e of s.endpoints) if (!eps.has(e.endpoint)) eps.set(e.endpoint, e);
    byPort.set(s.info.name, eps);
  }
  const out = new Map<string, SepOwner>();
  for (const [chain, owner] of chains) {
    const endpoint = owner.endpoint ? byPort.get(owner.servicePort)?.get(owner.endpoint) : undefined;
    if (endpoint) out.set(chain, { servicePort: owner.servicePort, endpoint });
  }
  return out;
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
  let owners: Map<string, RuleOwner> | undefined;
  let chains: Map<string, RuleOwner> | undefined;
  const { save, restore } = iptablesArtifacts(a, fullRuleset, kept);
  const refOf = lineRefs(save, fullRuleset);
  const verdictOf = walkVerdict(
    a,
    portmap,
    () => (owners ??= ruleOwners(a)),
    () => (chains ??= chainOwners(a)),
  );
  // One object literal with every field (a spread of it plus `origin` made each walk's input a
  // slow dictionary object: the walker read it ~3x slower per request in batch runs).
  type Asked = { packet: Packet; state: ProxyRuntimeState; recordSteps?: boolean };
  const walkInput = (input: Asked, origin: PacketOrigin): WalkInput => ({
    index: (index ??= new RulesetIndex(fullRuleset())),
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
  };
}
