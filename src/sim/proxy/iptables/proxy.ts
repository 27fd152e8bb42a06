// The iptables mode's NodeProxy: the compiled artifact, its iptables-save views, and packet
// evaluation by the generic netfilter walker over the node's whole ruleset (built-in chains with
// kube-proxy's jump rules, plus the restore payload).

import { findLine, lazyArtifact, type ArtifactRef } from '../../artifact';
import type { ClusterEvent } from '../../events';
import { installPortmap, type NodePortmap } from '../../cni/portmap';
import { portmapVerdict } from '../hostport';
import { renderRulesetLines, type RuleLines } from '../../node/netfilter/render';
import { mergeRulesets, type Rule, type Ruleset, type TableName } from '../../node/netfilter/types';
import { RulesetIndex, walkInvalidForward, walkPacket, type WalkResult } from '../../node/netfilter/walk';
import type { EndpointInfo } from '../servicemap';
import type { EvaluateInput, InvalidForwardInput, NodeProxy, ProxyEvaluation, ProxyVerdict } from '../types';
import { ruleOwners, type IptablesArtifact, type RuleOwner } from './compile';

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

/** The kube-proxy log line for the last sync (the lesson: a partial sync touches few services). */
export function syncEvent(a: IptablesArtifact): Omit<ClusterEvent, 'seq'> {
  const s = a.lastSync;
  const what =
    s.kind === 'full'
      ? `full sync (${s.reason})`
      : `partial sync: ${s.changedServices.length} of ${a.perService.size} services changed` +
        (s.changedServices.length ? ` (${s.changedServices.slice(0, 5).join(', ')}${s.changedServices.length > 5 ? ', ...' : ''})` : '');
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

/** `portmap`: the CNI portmap plugin's state on this node (hostPort pods), merged into the ruleset.
 *  `kept`: the node's rule lines from earlier renders of its iptables-save (new ones are added). */
export function iptablesNodeProxy(a: IptablesArtifact, portmap?: NodePortmap, kept?: RuleLines): NodeProxy {
  const node = a.node;
  // The node's whole ruleset and its index, built when the first packet is walked through this node
  // or its iptables-save is opened (a trace crosses few of the nodes).
  let full: Ruleset | undefined;
  const fullRuleset = () => (full ??= nodeRuleset(a, portmap));
  let index: RulesetIndex | undefined;
  let owners: Map<string, RuleOwner> | undefined;
  const ownersOf = () => (owners ??= ruleOwners(a));
  const saveTitle = `iptables-save (${node.name})`;
  const saveHead = { id: iptablesSaveId(node.name), kind: 'iptables-save' as const, title: saveTitle };
  const save = lazyArtifact(saveHead, () => renderRulesetLines(fullRuleset(), kept));
  const restoreTitle = `iptables-restore input, ${a.lastSync.kind} sync (${node.name})`;
  const restore = lazyArtifact({ id: iptablesRestoreId(node.name), kind: 'iptables-save', title: restoreTitle }, () =>
    renderRulesetLines(a.lastSync.payload),
  );
  // Rule id -> line of `iptables-save`, built when a trace first points at one.
  let lineOf: Map<string, number> | undefined;
  const refOf = (_t: TableName, _c: string, rule: Rule): ArtifactRef => {
    if (!lineOf) {
      lineOf = new Map();
      save.lines.forEach((l, i) => l.ref !== undefined && lineOf!.set(l.ref, i));
    }
    const i = lineOf.get(rule.id);
    if (i === undefined) return findLine(save, rule.id) ?? { artifact: save.id, ref: rule.id, line: '', lineIndex: -1 };
    return { artifact: save.id, ref: rule.id, line: save.lines[i]!.text, lineIndex: i };
  };
  const endpointInfo = (servicePort: string, endpoint: string): EndpointInfo | undefined =>
    a.services.find((s) => s.info.name === servicePort)?.endpoints.find((e) => e.endpoint === endpoint);

  const verdictOf = (r: WalkResult): ProxyVerdict => {
    if (r.verdict !== 'ACCEPT') {
      const rule = r.decidedBy?.rule;
      const owners = ownersOf();
      const owner = rule ? (owners.get(rule.id) ?? owners.get(r.decidedBy!.chain)) : undefined;
      const reason = firstComment(rule) ?? (rule ? `${r.decidedBy!.table}/${r.decidedBy!.chain}` : `${r.decidedBy?.table}/${r.decidedBy?.chain} policy`);
      const v = { reason, ...(owner ? { servicePort: owner.servicePort } : {}) };
      return r.verdict === 'REJECT' ? { kind: 'reject', ...v } : { kind: 'drop', ...v };
    }
    const hostport = portmapVerdict(portmap, r);
    if (hostport) return hostport;
    if (r.dnat) {
      const owner = ownersOf().get(r.dnat.chain);
      const ep = owner?.endpoint ? endpointInfo(owner.servicePort, owner.endpoint) : undefined;
      if (owner && ep) return { kind: 'dnat', servicePort: owner.servicePort, endpoint: ep, masquerade: !!r.snat?.masquerade };
    }
    return { kind: 'pass' };
  };

  return {
    mode: 'iptables',
    node,
    artifacts: [save, restore],
    events: [syncEvent(a)],
    evaluate(input: EvaluateInput): ProxyEvaluation {
      const r = walkPacket({
        index: (index ??= new RulesetIndex(fullRuleset())),
        packet: input.packet,
        origin: input.origin,
        localAddresses: node.ips,
        masqueradeAddress: node.ips[0] ?? '0.0.0.0',
        state: input.state,
        nodeKey: node.name,
        refOf,
        recordSteps: input.recordSteps,
      });
      return { verdict: verdictOf(r), after: r.after, steps: r.steps };
    },
    forwardInvalid(input: InvalidForwardInput): ProxyEvaluation {
      const r = walkInvalidForward({
        index: (index ??= new RulesetIndex(fullRuleset())),
        packet: input.packet,
        origin: 'external',
        localAddresses: node.ips,
        masqueradeAddress: node.ips[0] ?? '0.0.0.0',
        state: input.state,
        nodeKey: node.name,
        refOf,
        recordSteps: input.recordSteps,
      });
      return { verdict: verdictOf(r), after: r.after, steps: r.steps };
    },
  };
}
