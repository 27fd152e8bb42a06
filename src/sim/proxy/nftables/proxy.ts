// kube-proxy in nftables mode for one node (GA in 1.33): compile the `ip kube-proxy` table, show it
// as `nft list table ip kube-proxy`, and evaluate packets through it.

import { note } from '../../notes';
import type { ArtifactRef } from '../../artifact';
import type { Cluster } from '../../cluster';
import type { LabSettings } from '../../lab';
import { buildServiceMap, type EndpointInfo, type ProxyNode, type ServicePortString } from '../servicemap';
import type { EvaluateInput, InvalidForwardInput, NodeProxy, ProxyEvaluation, RuleStep } from '../types';
import { kubeProxyEvent, proxyNodeOf } from '../ipvs/proxy';
import { buildNftTable, endpointChainBase, type NftTable } from './model';
import { evaluateNft, nftRuntime } from './evaluate';
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
  const id = nftArtifactId(nodeName);
  const artifact = renderNft(table, id);
  // Line of each rule and element, indexed once: a recorded walk looks up every rule it evaluated.
  let lineOf: Map<string, number> | undefined;
  const ref = (r: string): ArtifactRef => {
    if (!lineOf) {
      lineOf = new Map();
      artifact.lines.forEach((l, i) => l.ref !== undefined && !lineOf!.has(l.ref) && lineOf!.set(l.ref, i));
    }
    const i = lineOf.get(r);
    if (i === undefined) return { artifact: id, ref: r, line: '', lineIndex: -1 };
    return { artifact: id, ref: r, line: artifact.lines[i]!.text, lineIndex: i };
  };

  // Which service port and endpoint each endpoint chain stands for.
  const byChain = new Map<string, { servicePort: ServicePortString; endpoint: EndpointInfo }>();
  for (const sp of serviceMap) {
    for (const ep of sp.allReachableEndpoints) byChain.set(
      `endpoint-${endpointChainBase(sp.info, ep)}`,
      { servicePort: sp.info.name, endpoint: ep },
    );
  }
  const serviceOf = (dst: string, port: number) =>
    serviceMap.find(
      (sp) => sp.info.port === port && (
        sp.info.clusterIP === dst || sp.info.externalIPs.includes(dst) || sp.info.loadBalancerIPs.includes(dst)
      )
    )?.info.name ??
    serviceMap.find((sp) => sp.info.nodePort === port && node.ips.includes(dst))?.info.name;
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
    const steps: RuleStep[] = [];
    for (const s of ev.recordSteps === false ? [] : r.steps) {
      const outcome = s.matched ? 'matched' : 'skipped';
      const step = (chain: string, effect: RuleStep['effect'], where: string, lineRef: string): RuleStep =>
        ({ outcome, table: 'nft', chain, hook: s.hook, effect, ref: ref(lineRef), where, action: s.action });
      if (s.map && s.elementKey) {
        // The vmap rule, then the element of the map that decided.
        steps.push(step(s.chain, { kind: 'map-element', map: s.map, key: s.elementKey }, `nft ${s.chain}`, s.rule.id));
        steps.push(step(`@${s.map}`, s.effect, `nft @${s.map}`, elementRef(s.map, s.elementKey)));
      } else {
        const one = step(s.chain, s.effect, `nft ${s.chain}`, s.rule.id);
        if (s.detail) one.detail = s.detail;
        steps.push(one);
      }
    }
    const svc = serviceOf(ev.packet.dst, ev.packet.dstPort);
    if (r.outcome === 'reject') return {
      verdict: {
        kind: 'reject',
        servicePort: svc,
        reason: 'rejected by kube-proxy (no endpoints or not a service port)',
        note: note('note.proxy.nftReject', {}),
      },
      after: r.after,
      steps,
    };
    if (r.outcome === 'drop') return {
      verdict: {
        kind: 'drop',
        servicePort: svc,
        reason: 'dropped by kube-proxy (no local endpoints, unallocated ClusterIP or source range)',
        note: note('note.proxy.nftDrop', {}),
      },
      after: r.after,
      steps,
    };
    const hit = r.dnatChain ? byChain.get(r.dnatChain) : undefined;
    if (!hit) return { verdict: { kind: 'pass' }, after: r.after, steps };
    return {
      verdict: { kind: 'dnat', servicePort: hit.servicePort, endpoint: hit.endpoint, masquerade: r.masquerade },
      after: r.after,
      steps,
    };
  };

  return {
    mode: 'nftables',
    node,
    table,
    artifacts: [artifact],
    events: [kubeProxyEvent(nodeName, 'Normal', 'ProxierStarted', 'Using nftables Proxier')],
    evaluate: (ev: EvaluateInput) => evaluate(ev),
    forwardInvalid: (i: InvalidForwardInput) => evaluate({ ...i, origin: 'external' }, true),
  };
}
