// kube-proxy in nftables mode for one node (GA in 1.33): compile the `ip kube-proxy` table, show it
// as `nft list table ip kube-proxy`, and evaluate packets through it.

import { note } from '../../notes';
import type { ArtifactRef, RenderedArtifact } from '../../artifact';
import type { Cluster } from '../../cluster';
import type { LabSettings } from '../../lab';
import {
  buildServiceMap,
  type EndpointInfo,
  type ProxyNode,
  type ProxyServicePort,
  type ServicePortString,
} from '../servicemap';
import { lastMatched } from '../../step';
import type {
  BalanceShares,
  EvaluateInput,
  InvalidForwardInput,
  NodeProxy,
  Packet,
  ProxyEvaluation,
  ProxyVerdict,
  RuleStep,
} from '../types';
import { kubeProxyEvent, proxyNodeOf } from '../ipvs/proxy';
import { buildNftTable, endpointChainBase, type NftTable } from './model';
import { evaluateNft, nftRuntime, type NftEvalResult } from './evaluate';
import { elementRef, renderNft } from './render';

export interface CompileNftablesInput {
  cluster: Pick<Cluster, 'services' | 'endpointSlices' | 'nodes'>;
  nodeName: string;
  settings: LabSettings;
  /** Defaults to the cluster's Node object of that name. */
  node?: ProxyNode;
}

export interface NftablesNodeProxy extends NodeProxy {
  mode: 'nftables';
  table: NftTable;
}

export function nftArtifactId(nodeName: string): string {
  return `node/${nodeName}/nft`;
}

export function compileNftables(input: CompileNftablesInput): NftablesNodeProxy {
  const { cluster, nodeName, settings } = input;
  const node = input.node ?? proxyNodeOf(cluster, nodeName);
  const kp = settings.kubeProxy;
  const serviceMap = buildServiceMap(cluster, nodeName);
  const table = buildNftTable({
    serviceMap,
    node,
    settings: kp,
    clusterCIDR: kp.clusterCIDR ?? settings.podCIDR,
    serviceCIDR: settings.serviceCIDR,
  });
  const artifact = renderNft(table, nftArtifactId(nodeName));
  const ref = lineRefs(artifact);
  const verdictOf = nftVerdict(serviceMap, node);
  const localAddresses = new Set(node.ips);

  const evaluate = (ev: EvaluateInput, invalid = false): ProxyEvaluation => {
    const r = evaluateNft({
      invalid,
      table,
      packet: ev.packet,
      origin: ev.origin,
      localAddresses,
      masqueradeSource: node.ips[0] ?? ev.packet.src,
      state: ev.state,
      runtime: nftRuntime(ev.state, nodeName),
    });
    const steps = ev.recordSteps === false ? [] : ruleSteps(r.steps, ref);
    return { verdict: verdictOf(r, ev.packet), after: r.after, steps };
  };

  return {
    mode: 'nftables',
    node,
    table,
    artifacts: [artifact],
    events: [kubeProxyEvent(nodeName, 'Normal', 'ProxierStarted', 'Using nftables Proxier')],
    evaluate: (ev: EvaluateInput) => evaluate(ev),
    forwardInvalid: (i: InvalidForwardInput) => evaluate({ ...i, origin: 'external' }, true),
    balance(steps) {
      // The service's (or its local-endpoints) chain drew the endpoint chain with `numgen random`.
      const drew = lastMatched(steps, (s) => s.detail?.kind === 'numgen');
      return drew && numgenShares(table, drew.chain);
    },
  };
}

/** `numgen random mod N vmap { 0 : goto a, ... }` in `chain`: 1/N to each endpoint chain's DNAT
 *  destination. */
function numgenShares(table: NftTable, chain: string): BalanceShares | undefined {
  const rules = table.chains.find((c) => c.name === chain)?.rules ?? [];
  const numgen = rules.flatMap((r) => r.stmts).find((st) => st.kind === 'numgen');
  if (numgen?.kind !== 'numgen') return undefined;
  const modulus = numgen.chains.length;
  const shares = numgen.chains.map((c) => ({ endpoint: dnatDestination(table, c) ?? c, share: 1 / modulus }));
  return { kind: 'numgen', modulus, shares };
}

/** "ip:port" of an endpoint chain's `dnat to`. */
function dnatDestination(table: NftTable, chain: string): string | undefined {
  const rules = table.chains.find((c) => c.name === chain)?.rules ?? [];
  const dnat = rules.flatMap((r) => r.stmts).find((st) => st.kind === 'dnat');
  return dnat?.kind === 'dnat' ? `${dnat.ip}:${dnat.port}` : undefined;
}

/** Line of each rule and element of `nft list table`, indexed once: a recorded walk looks up every
 *  rule it evaluated. */
function lineRefs(artifact: RenderedArtifact): (ref: string) => ArtifactRef {
  let lineOf: Map<string, number> | undefined;
  return (r) => {
    if (!lineOf) {
      lineOf = new Map();
      artifact.lines.forEach((l, i) => l.ref !== undefined && !lineOf!.has(l.ref) && lineOf!.set(l.ref, i));
    }
    const i = lineOf.get(r);
    if (i === undefined) return { artifact: artifact.id, ref: r, line: '', lineIndex: -1 };
    return { artifact: artifact.id, ref: r, line: artifact.lines[i]!.text, lineIndex: i };
  };
}

/** The evaluator's steps as the tracer's RuleSteps: a verdict-map rule is two steps, the rule and
 *  the map element that decided. */
function ruleSteps(evaluated: NftEvalResult['steps'], ref: (r: string) => ArtifactRef): RuleStep[] {
  const steps: RuleStep[] = [];
  for (const s of evaluated) {
    const outcome = s.matched ? 'matched' : 'skipped';
    const step = (chain: string, effect: RuleStep['effect'], where: string, lineRef: string): RuleStep =>
      ({ outcome, table: 'nft', chain, hook: s.hook, effect, ref: ref(lineRef), where, action: s.action });
    if (s.map && s.elementKey) {
      const element: RuleStep['effect'] = { kind: 'map-element', map: s.map, key: s.elementKey };
      steps.push(step(s.chain, element, `nft ${s.chain}`, s.rule.id));
      steps.push(step(`@${s.map}`, s.effect, `nft @${s.map}`, elementRef(s.map, s.elementKey)));
    } else {
      const one = step(s.chain, s.effect, `nft ${s.chain}`, s.rule.id);
      if (s.detail) one.detail = s.detail;
      steps.push(one);
    }
  }
  return steps;
}

/** What the evaluation means for the tracer: refused (with the service port addressed, if any), a
 *  DNAT to the endpoint its endpoint chain stands for, or nothing of kube-proxy's. */
function nftVerdict(
  serviceMap: readonly ProxyServicePort[],
  node: ProxyNode,
): (r: NftEvalResult, packet: Packet) => ProxyVerdict {
  // Which service port and endpoint each endpoint chain stands for.
  const byChain = new Map<string, { servicePort: ServicePortString; endpoint: EndpointInfo }>();
  for (const sp of serviceMap) {
    for (const ep of sp.allReachableEndpoints) {
      byChain.set(`endpoint-${endpointChainBase(sp.info, ep)}`, { servicePort: sp.info.name, endpoint: ep });
    }
  }
  const serviceOf = (dst: string, port: number) =>
    serviceMap.find(
      (sp) =>
        sp.info.port === port &&
        (sp.info.clusterIP === dst || sp.info.externalIPs.includes(dst) || sp.info.loadBalancerIPs.includes(dst)),
    )?.info.name ?? serviceMap.find((sp) => sp.info.nodePort === port && node.ips.includes(dst))?.info.name;
  return (r, packet) => {
    if (r.outcome === 'reject') {
      return {
        kind: 'reject',
        servicePort: serviceOf(packet.dst, packet.dstPort),
        reason: 'rejected by kube-proxy (no endpoints or not a service port)',
        note: note('note.proxy.nftReject', {}),
      };
    }
    if (r.outcome === 'drop') {
      return {
        kind: 'drop',
        servicePort: serviceOf(packet.dst, packet.dstPort),
        reason: 'dropped by kube-proxy (no local endpoints, unallocated ClusterIP or source range)',
        note: note('note.proxy.nftDrop', {}),
      };
    }
    const hit = r.dnatChain ? byChain.get(r.dnatChain) : undefined;
    if (!hit) return { kind: 'pass' };
    return { kind: 'dnat', servicePort: hit.servicePort, endpoint: hit.endpoint, masquerade: r.masquerade };
  };
}
