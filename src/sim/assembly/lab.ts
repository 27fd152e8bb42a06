// The whole pipeline of ARCHITECTURE.md's data flow, from a scenario's objects to a lab the tracer
// can walk: addons -> control plane -> ingress controllers -> cluster DNS -> kube-proxy per node.

import type { NginxBlock, NginxNode } from '../ingress/nginx/conf';
import type { RenderedArtifact } from '../artifact';
import type { EndpointSlice, KubeObject, OtherObject } from '../api/types';
import type { ApiProblem } from '../api/errors';
import type { Cluster, ExternalClient } from '../cluster';
import { labClients } from '../clients';
import { reconcile, type ReconcileResult } from '../controllers/reconcile';
import { inListOrder, sliceArtifact } from '../controllers/sliceview';
import type { ClusterEvent } from '../events';
import { addonObjects } from '../ingress/addon';
import {
  compileIngressControllers,
  syncIngressControllers,
  type CompiledIngressController,
} from '../ingress/controllers';
import { servesIngress } from '../ingress/model';
import type { LabSettings } from '../lab';
import { startKubeProxy, type KubeProxyNode } from '../proxy/compile';
import { slicesByService } from '../proxy/servicemap';
import { compileLoadBalancers } from '../lb';
import { LabNetwork } from '../node/routes';
import type { LabPorts } from '../trace/ports';
import { buildLabDns, hostsArtifacts, type LabDns } from './dns-port';
import { buildIngressPorts } from './ingress-port';
import { gatewayAddonObjects } from '../gateway/addon';
import { compileGateways, syncGateways, type CompiledGateways } from '../gateway/controller';
import { evaluateGateway } from '../gateway/evaluate';
import type { GatewayDataPlanePort } from '../trace/ports';

// The page keeps a lab per objects and settings; it renders the clients' /etc/hosts as they are now.
export { hostsArtifacts };

export interface LabInput {
  settings: LabSettings;
  objects: readonly (KubeObject | OtherObject)[];
  clients?: readonly ExternalClient[];
  /** The pod network of the lab this one replaces (an edit): its route tables are reused by key. */
  previousNetwork?: LabNetwork;
}

export interface Lab extends LabPorts {
  settings: LabSettings;
  reconcile: ReconcileResult;
  /** Objects the apiserver refused, in its words. */
  problems: ApiProblem[];
  ingressControllers: CompiledIngressController[];
  labDns: LabDns;
  /** kube-proxy on each node, by node name: its proxier's state for the next sync (`proxies` holds
   *  what the tracer walks, the same NodeProxy objects). */
  kubeProxy: Record<string, KubeProxyNode>;
  /** Every artifact a learner can open, by id. */
  artifacts: Record<string, RenderedArtifact>;
  /** Control plane, kube-proxy and ingress controller events on one timeline. */
  events: ClusterEvent[];
  /** The Gateway API controller's graph and each Gateway's rendered data plane. */
  gatewayControllers: CompiledGateways;
}

/** The tracer's view of each Gateway data plane: the evaluator over its rendered nginx.conf. */
export function buildGatewayPorts(compiled: CompiledGateways): GatewayDataPlanePort[] {
  return compiled.dataPlanes.map((dp) => ({
    gateway: dp.gateway,
    pods: dp.pods,
    ports: dp.ports,
    service: dp.service ? `${dp.service.metadata.namespace ?? 'default'}/${dp.service.metadata.name}` : null,
    decide: (request, random) => evaluateGateway({ rendered: dp.rendered, request, random }),
    serviceOf: (upstream) => dp.rendered.upstreamServices[upstream] ?? null,
    splitShares: (blockId) => splitShares(dp.rendered.nodes, blockId),
  }));
}

/** `split_clients` percentages per upstream, and each upstream's `server` peers, read from the config's nodes. */
type SplitShare = { upstream: string; percent: number; peers: string[] };

function splitShares(nodes: readonly NginxNode[], blockId: string): SplitShare[] | null {
  const blocks: NginxBlock[] = [];
  const walk = (ns: readonly NginxNode[]) => {
    for (const n of ns) {
      if (n.kind !== 'block') continue;
      blocks.push(n);
      walk(n.children);
    }
  };
  walk(nodes);
  const split = blocks.find((b) => b.id === blockId && b.name === 'split_clients');
  if (!split) return null;
  const out: SplitShare[] = [];
  for (const line of split.children) {
    if (line.kind !== 'directive') continue;
    const upstream = blocks.find((b) => b.name === 'upstream' && b.args[0] === line.args[0]);
    if (!upstream) return null;
    const peers = upstream.children.flatMap((c) => (c.kind === 'directive' && c.name === 'server' ? [c.args[0]!] : []));
    out.push({ upstream: line.args[0]!, percent: parseFloat(line.name), peers });
  }
  return out;
}

/** External DNS: each Ingress host resolves to the public address of the controller serving it. */
export function publicIngressRecords(
  cluster: Cluster,
  lab: Pick<LabPorts, 'cluster' | 'ingress' | 'clients'>,
  compiled: readonly CompiledIngressController[],
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const ctrl of lab.ingress) {
    const entry = ctrl.entry.http;
    const c = compiled.find((x) => x.addon.className === ctrl.className);
    if (!entry || !c) continue;
    for (const ing of cluster.ingresses) {
      if (!servesIngress(c.addon, ing, cluster.ingressClasses).served) continue;
      for (const rule of ing.spec.rules ?? []) {
        if (rule.host && !rule.host.startsWith('*') && !(rule.host in out)) out[rule.host] = entry.ip;
      }
    }
  }
  return out;
}

/** The timeline's last seq. Events are appended in seq order (the control plane's log, then each
 *  component's, numbered on), so it is the last event's: no scan over a session's whole log. */
export function lastSeq(events: readonly ClusterEvent[]): number {
  return events.length ? events[events.length - 1]!.seq : 0;
}

export function buildLab(input: LabInput): Lab {
  const addons = addonObjects(input.settings, input.objects);
  const settings: LabSettings = { ...input.settings, ingress: addons.addons };
  const gatewayObjects = gatewayAddonObjects(settings, [...input.objects, ...addons.objects]);
  const rec = reconcile({ settings, objects: [...input.objects, ...addons.objects, ...gatewayObjects] });
  // Every lab has the default outside client besides the scenario's own (src/sim/clients.ts).
  return assembleLab({ settings, rec, clients: labClients(input.clients), previousNetwork: input.previousNetwork });
}

/** The data plane of a reconciled cluster, compiled from scratch: every controller's first sync. */
export function assembleLab(input: {
  settings: LabSettings;
  rec: ReconcileResult;
  clients: ExternalClient[];
  previousNetwork?: LabNetwork;
}): Lab {
  const { settings, rec, clients, previousNetwork } = input;
  const cluster = rec.cluster;

  const ingressControllers = compileIngressControllers(cluster);
  const ingress = buildIngressPorts(cluster, ingressControllers);
  const externalRecords = publicIngressRecords(cluster, { cluster, ingress, clients }, ingressControllers);
  const labDns = buildLabDns(cluster, externalRecords);

  const kubeProxy: Record<string, KubeProxyNode> = {};
  const events: ClusterEvent[] = [...cluster.events];
  let seq = lastSeq(events);
  for (const n of cluster.nodes) {
    const k = startKubeProxy({ cluster, nodeName: n.metadata.name });
    kubeProxy[n.metadata.name] = k;
    for (const e of k.proxy.events) events.push({ ...e, seq: ++seq });
  }

  // The controllers start: their first sync writes the configuration and reloads.
  for (const d of syncIngressControllers({ previous: null, next: cluster })) {
    for (const e of d.decision.events) events.push({ ...e, seq: ++seq });
  }

  const gateways = compileGateways(cluster);
  for (const d of syncGateways(null, gateways)) for (const e of d.events) events.push({ ...e, seq: ++seq });

  const parts = { kubeProxy, ingress, ingressControllers, labDns, externalRecords, events, gateways };
  return labOf({ settings, rec, clients, previousNetwork, ...parts });
}

/** The lab of compiled parts: its artifacts collected, public DNS as lists (a full build and an update end alike). */
export function labOf(p: {
  settings: LabSettings;
  rec: ReconcileResult;
  clients: ExternalClient[];
  kubeProxy: Record<string, KubeProxyNode>;
  ingress: LabPorts['ingress'];
  ingressControllers: CompiledIngressController[];
  labDns: LabDns;
  externalRecords: Record<string, string>;
  events: ClusterEvent[];
  gateways?: CompiledGateways;
  previousNetwork?: LabNetwork;
}): Lab {
  const gateways = p.gateways ?? compileGateways(p.rec.cluster);
  const proxies: LabPorts['proxies'] = {};
  for (const [name, k] of Object.entries(p.kubeProxy)) proxies[name] = k.proxy;
  const artifacts = collectArtifacts(proxies, p.ingressControllers, p.labDns);
  Object.assign(artifacts, hostsArtifacts(p.clients));
  for (const dp of gateways.dataPlanes) artifacts[dp.rendered.artifact.id] = dp.rendered.artifact;
  const loadBalancers = compileLoadBalancers(p.rec.cluster);
  for (const lb of loadBalancers) artifacts[lb.artifact.id] = lb.artifact;
  const network = new LabNetwork(gateways.cluster, p.previousNetwork);
  addRouteArtifacts(artifacts, network);
  addSliceArtifacts(artifacts, gateways.cluster);
  return {
    settings: p.settings,
    reconcile: p.rec,
    problems: p.rec.problems,
    // The Gateway controller's status is written onto the Gateway API objects.
    cluster: gateways.cluster,
    network,
    loadBalancers,
    clients: p.clients,
    proxies,
    kubeProxy: p.kubeProxy,
    dns: p.labDns.port,
    ingress: p.ingress,
    externalRecords: recordLists(p.externalRecords),
    ingressControllers: p.ingressControllers,
    labDns: p.labDns,
    artifacts,
    events: p.events,
    gatewayControllers: gateways,
    gateways: buildGatewayPorts(gateways),
  };
}

/**
 * Every artifact a learner can open, by id: kube-proxy's per node, each controller's config, the zone, public DNS,
 * and the /etc/hosts and /etc/resolv.conf of each node and running pod.
 */
export function collectArtifacts(
  proxies: LabPorts['proxies'],
  ingressControllers: readonly CompiledIngressController[],
  labDns: LabDns,
): Record<string, RenderedArtifact> {
  const artifacts: Record<string, RenderedArtifact> = {};
  for (const p of Object.values(proxies)) for (const a of p.artifacts) artifacts[a.id] = a;
  for (const c of ingressControllers) {
    const a = c.kind === 'nginx' ? c.nginx.rendered.artifact : c.traefik.artifact;
    artifacts[a.id] = a;
  }
  artifacts[labDns.zoneArtifact.id] = labDns.zoneArtifact;
  artifacts[labDns.publicArtifact.id] = labDns.publicArtifact;
  for (const a of labDns.files.artifacts) artifacts[a.id] = a;
  return artifacts;
}

/**
 * Each node's routing table (`ip route`, src/sim/node/routes.ts) under "node/<name>/ip-route",
 * rendered when first read: the tracer renders the same table for a hop's ref, and a lab of 1000
 * pods need not print every node's table to be traced.
 */
export function addRouteArtifacts(artifacts: Record<string, RenderedArtifact>, network: LabNetwork): void {
  for (const n of network.cluster.nodes) {
    const table = () => network.network.table(n.metadata.name);
    const id = `node/${n.metadata.name}/ip-route`;
    Object.defineProperty(artifacts, id, { enumerable: true, configurable: true, get: () => table()!.artifact() });
  }
}

/**
 * Each Service's EndpointSlices (what kube-proxy reads) under "endpointslices/<ns>/<service>", as
 * `kubectl get endpointslices -l kubernetes.io/service-name=<service> -o yaml` prints them, by slice
 * name (the order the no-endpoints fault's refs were read in), rendered when first read.
 */
export function addSliceArtifacts(artifacts: Record<string, RenderedArtifact>, cluster: Cluster): void {
  let bySvc: Map<string, EndpointSlice[]> | undefined;
  const slicesOf = (key: string) => {
    bySvc ??= slicesByService(cluster.endpointSlices);
    return inListOrder(bySvc.get(key) ?? []);
  };
  for (const svc of cluster.services) {
    const ns = svc.metadata.namespace ?? 'default';
    const a = sliceArtifact(ns, svc.metadata.name, () => slicesOf(`${ns}/${svc.metadata.name}`));
    artifacts[a.id] = a;
  }
}

/** Public DNS as the tracer's port wants it: a list of addresses per name. */
export function recordLists(records: Record<string, string>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(records)) out[k] = [v];
  return out;
}
