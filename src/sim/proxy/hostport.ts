// The CNI portmap plugin's hostPort rules on a node, joined to whatever kube-proxy mode runs there.
// portmap is not part of kube-proxy (it is the pod network's chained plugin, called by the container
// runtime), but its rules sit in the same nat table: in iptables and ipvs mode they are merged into
// the node's ruleset and walked in one pass (see iptables/proxy.ts, ipvs/proxy.ts); in the other
// modes kube-proxy writes no iptables rules of its own (nftables) or its own evaluator walks its
// portal chains (userspace), so `withPortmap` walks portmap's rules after kube-proxy's, as the
// appended PREROUTING/OUTPUT jump would reach them.

import { findLine, lazyArtifact, type ArtifactRef, type RenderedArtifact, type RenderedLine } from '../artifact';
import { portmapRuleset, portmapRules, sandboxOfChain, type NodePortmap } from '../cni/portmap';
import { chainRef, renderRule, renderRulesetLines } from '../node/netfilter/render';
import { isBuiltinChain, type Rule, type TableName } from '../node/netfilter/types';
import { RulesetIndex, walkPacket, type WalkResult } from '../node/netfilter/walk';
import type { EvaluateInput, NodeProxy, ProxyEvaluation, ProxyVerdict } from './types';

/** The hostport verdict when the walk's DNAT came from a portmap CNI-DN-* chain. */
export function portmapVerdict(
  pm: NodePortmap | undefined,
  r: WalkResult,
): Extract<ProxyVerdict, { kind: 'hostport' }> | null {
  if (!pm || !r.dnat) return null;
  const sandbox = sandboxOfChain(pm, r.dnat.chain);
  if (!sandbox) return null;
  return {
    kind: 'hostport',
    pod: sandbox.pod,
    hostPort: r.before.dstPort,
    endpoint: `${r.dnat.ip}:${r.dnat.port ?? r.before.dstPort}`,
    chain: sandbox.chain,
    masquerade: !!r.snat?.masquerade,
  };
}

/**
 * Adds portmap's rules to a rendered `iptables-save -t nat` (userspace mode's portal chains): chain
 * declarations after the built-in ones, PREROUTING/OUTPUT jumps after kube-proxy's, the POSTROUTING
 * jump first, each chain's rules in chain order, as iptables-save lists them.
 */
export function mergeNatSave(a: RenderedArtifact, pm: NodePortmap): RenderedArtifact {
  const rules = portmapRules(pm);
  if (!rules) return a;
  const start = a.lines.findIndex((l) => l.text === '*nat');
  const end = a.lines.findIndex((l, i) => i > start && l.text === 'COMMIT');
  if (start < 0 || end < 0) return a;
  const decls = a.lines.slice(start + 1, end).filter((l) => l.text.startsWith(':'));
  const chainOf = (l: RenderedLine) => l.text.split(' ')[1]!;
  const existing = new Map<string, RenderedLine[]>();
  for (const l of a.lines.slice(start + 1, end)) {
    if (!l.text.startsWith('-A ')) continue;
    const c = chainOf(l);
    existing.set(c, [...(existing.get(c) ?? []), l]);
  }
  const line = (chain: string, r: Rule): RenderedLine => ({ text: renderRule(chain, r), ref: r.id });
  const builtinDecls = decls.filter((l) => isBuiltinChain('nat', l.text.slice(1).split(' ')[0]!));
  const otherDecls = decls.filter((l) => !builtinDecls.includes(l));
  const cniDecls = rules.chains.map((c) => ({ text: `:${c.name} - [0:0]`, ref: chainRef('nat', c.name) }));
  const order = [...builtinDecls, ...cniDecls, ...otherDecls].map((l) => l.text.slice(1).split(' ')[0]!);
  const cniChains = new Map(rules.chains.map((c) => [c.name, c]));
  const body: RenderedLine[] = [];
  for (const name of order) {
    const have = existing.get(name) ?? [];
    if (name === 'PREROUTING') body.push(...have, ...rules.prerouting.map((r) => line(name, r)));
    else if (name === 'OUTPUT') body.push(...have, ...rules.output.map((r) => line(name, r)));
    else if (name === 'POSTROUTING') body.push(...rules.postrouting.map((r) => line(name, r)), ...have);
    else if (cniChains.has(name)) body.push(...cniChains.get(name)!.rules.map((r) => line(name, r)));
    else body.push(...have);
  }
  return {
    ...a,
    lines: [
      ...a.lines.slice(0, start + 1),
      ...builtinDecls,
      ...cniDecls,
      ...otherDecls,
      ...body,
      ...a.lines.slice(end),
    ],
  };
}

export function portmapSaveId(node: string): string {
  return `node/${node}/iptables-save`;
}

/**
 * A NodeProxy whose kube-proxy rules are not an iptables ruleset the walker runs (nftables,
 * userspace), with portmap's rules walked after kube-proxy's evaluation found nothing to do.
 * nftables mode: the node's `iptables-save` (iptables-nft) holds only portmap's chains, shown as
 * their own artifact beside `nft list table ip kube-proxy`. userspace mode: portmap's chains are
 * merged into the `iptables-save -t nat` listing of the portal chains.
 */
export interface WithPortmapInput {
  /** kube-proxy's NodeProxy for the node (nftables, userspace, or one that failed to start). */
  kubeProxy: NodeProxy;
  portmap: NodePortmap;
  /** Title of the separate iptables-save artifact, when kube-proxy shows none. */
  title?: string;
}

export function withPortmap(input: WithPortmapInput): NodeProxy {
  const { kubeProxy: inner, portmap: pm, title } = input;
  if (!portmapRules(pm)) return inner;
  const node = inner.node.name;
  const ruleset = portmapRuleset(pm);
  const saveId = portmapSaveId(node);
  const own = inner.artifacts.find((a) => a.id === saveId && a.kind === 'iptables-save');
  const saveTitle = title ?? `iptables-save (${node}; CNI portmap's chains)`;
  const save = own
    ? lazyArtifact({ id: own.id, kind: own.kind, title: own.title }, () => mergeNatSave(own, pm).lines)
    : lazyArtifact({ id: saveId, kind: 'iptables-save', title: saveTitle }, () => renderRulesetLines(ruleset));
  const artifacts = own ? inner.artifacts.map((a) => (a === own ? save : a)) : [...inner.artifacts, save];
  // Only portmap's rules: kube-proxy's were evaluated by its own evaluator first.
  const index = new RulesetIndex(ruleset);
  const refOf = (_t: TableName, _c: string, rule: Rule): ArtifactRef => findLine(save, rule.id) ?? {
    artifact: save.id,
    ref: rule.id,
    line: '',
    lineIndex: -1,
  };
  const evaluate = (ev: EvaluateInput): ProxyEvaluation => {
    const first = inner.evaluate(ev);
    const p = ev.packet;
    const untouched = first.after.dst === p.dst && first.after.dstPort === p.dstPort && first.after.src === p.src;
    if (first.verdict.kind !== 'pass' || !untouched) return first;
    const r = walkPacket({
      index,
      packet: p,
      origin: ev.origin,
      localAddresses: inner.node.ips,
      masqueradeAddress: inner.node.ips[0] ?? p.src,
      state: ev.state,
      nodeKey: `${node}/portmap`,
      refOf,
      recordSteps: ev.recordSteps,
    });
    const v = portmapVerdict(pm, r);
    if (!v) return first;
    return { verdict: v, after: r.after, steps: [...first.steps, ...r.steps] };
  };
  return { ...inner, artifacts, evaluate };
}
