// What the canvas draws, derived from the reconciled cluster: node frames with their pods, Services
// as dashed virtual objects (a Service is rules on every node, not a box a packet enters), external
// load balancers and clients. Plain data, computed once per cluster identity, tested in Node.
//
// Canvas ids are the ids the tracer gives hop places and edges (src/sim/trace/trace.ts):
//   node:<name>   pod:<ns>/<name>   service:<ns>/<name>   lb:<ns>/<service>   client:<name>
// A hop at `dns:<ip>` is drawn at the Service with that cluster IP (kube-dns).

import type { Cluster, ExternalClient, Pod, Service } from '../../sim';
// The load balancers' own configuration, from its module alone: the canvas chunk stays free of the rest of the core.
import { compileLoadBalancers } from '../../sim/lb/compile';

export const canvasId = {
  node: (name: string) => `node:${name}`,
  pod: (ns: string | undefined, name: string) => `pod:${ns ?? 'default'}/${name}`,
  service: (ns: string | undefined, name: string) => `service:${ns ?? 'default'}/${name}`,
  lb: (ns: string | undefined, name: string) => `lb:${ns ?? 'default'}/${name}`,
  client: (name: string) => `client:${name}`,
};

export interface FrameModel {
  id: string;
  name: string;
  internalIP: string | null;
  podCIDR: string | null;
  /** NodePorts every node opens (kube-proxy listens on all nodes), "30080/TCP default/web". */
  nodePorts: { port: number; protocol: string; service: string }[];
  /** hostPorts of pods scheduled here: only this node forwards them. */
  hostPorts: { port: number; protocol: string; pod: string }[];
}

export interface PodModel {
  id: string;
  frameId: string | null;
  namespace: string;
  name: string;
  ip: string | null;
  ready: boolean;
  hostNetwork: boolean;
  ingressController: boolean;
}

export interface ServiceModel {
  id: string;
  namespace: string;
  name: string;
  type: string;
  clusterIP: string | null;
  ports: string[];
  /** Canvas ids of the pods behind it, from EndpointSlices (never guessed from selectors). */
  endpoints: string[];
  /**
   * What the Service is on the wire. `rules`: a virtual IP kube-proxy programs on every node.
   * `dns`: headless (clusterIP None), so kube-proxy ignores it and CoreDNS answers with the
   * endpoints' addresses. `cname`: ExternalName, only a CNAME record to `externalName`.
   */
  form: 'rules' | 'dns' | 'cname';
  /** spec.externalName of an ExternalName Service. */
  externalName: string | null;
}

export interface LoadBalancerModel {
  id: string;
  /** The address the provider gave it (status.loadBalancer.ingress), or null while it is pending. */
  address: string | null;
  service: string;
  serviceId: string;
  /** How it reaches the nodes (src/sim/lb): with its address kept, or to every node's NodePort. */
  model?: 'direct' | 'nodeport';
}

/** Why a load balancer's target is out of service, from its health check (src/sim/lb). */
export interface TargetHealth {
  healthy: boolean;
  why?: { kind: 'no-local-endpoints' | 'nothing-listens' | 'refused' | 'proxy-down'; port: number };
}

export interface ClientModel {
  id: string;
  name: string;
  address: string;
}

export interface EdgeModel {
  id: string;
  source: string;
  target: string;
  kind: 'endpoint' | 'load-balancer' | 'lb-target';
  /** lb-target: the NodePort badge the arrow ends at, and whether the LB's health check passes. */
  targetHandle?: string;
  health?: TargetHealth;
}

export interface Topology {
  frames: FrameModel[];
  pods: PodModel[];
  services: ServiceModel[];
  loadBalancers: LoadBalancerModel[];
  clients: ClientModel[];
  edges: EdgeModel[];
}

const byName = (a: { name: string; namespace?: string }, b: { name: string; namespace?: string }) =>
  (a.namespace ?? '').localeCompare(b.namespace ?? '') || a.name.localeCompare(b.name);

function isReady(p: Pod): boolean {
  return p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

const INGRESS_NAMES = new Set(['ingress-nginx', 'traefik', 'nginx-ingress']);

function isIngressController(p: Pod, ingressNamespaces: ReadonlySet<string>): boolean {
  const l = p.metadata.labels ?? {};
  if (ingressNamespaces.has(p.metadata.namespace ?? 'default')) return true;
  return INGRESS_NAMES.has(l['app.kubernetes.io/name'] ?? '') || INGRESS_NAMES.has(l['app'] ?? '');
}

/** Headless Services get no kube-proxy rules; ExternalName ones are only a DNS CNAME (kube-proxy skips both). */
function serviceForm(s: Service): ServiceModel['form'] {
  if (s.spec.type === 'ExternalName') return 'cname';
  return s.spec.clusterIP === 'None' ? 'dns' : 'rules';
}

function servicePorts(s: Service): string[] {
  return (s.spec.ports ?? []).map((p) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ''}/${p.protocol ?? 'TCP'}`);
}

/** Endpoint pod ids per service, from EndpointSlices (kubernetes.io/service-name) or legacy Endpoints. */
function endpointPods(cluster: Cluster): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  type Ref = { kind: string; namespace?: string; name: string };
  const add = (ns: string | undefined, svc: string, ref: Ref | undefined) => {
    if (!ref || ref.kind !== 'Pod') return;
    const key = canvasId.service(ns, svc);
    if (!out.has(key)) out.set(key, new Set());
    out.get(key)!.add(canvasId.pod(ref.namespace ?? ns, ref.name));
  };
  for (const slice of cluster.endpointSlices) {
    const svc = slice.metadata.labels?.['kubernetes.io/service-name'];
    if (!svc) continue;
    for (const e of slice.endpoints) add(slice.metadata.namespace, svc, e.targetRef);
  }
  for (const ep of cluster.endpoints) {
    for (const subset of ep.subsets ?? []) {
      const addresses = [...(subset.addresses ?? []), ...(subset.notReadyAddresses ?? [])];
      for (const a of addresses) add(ep.metadata.namespace, ep.metadata.name, a.targetRef);
    }
  }
  return out;
}

const nsName = (m: { namespace?: string; name: string }) => `${m.namespace ?? 'default'}/${m.name}`;

/** Every Service's NodePorts, which every node opens (kube-proxy programs them on all nodes). */
function nodePortsOf(cluster: Cluster): FrameModel['nodePorts'] {
  const nodePorts: FrameModel['nodePorts'] = [];
  for (const s of [...cluster.services].sort((a, b) => byName(a.metadata, b.metadata))) {
    for (const p of s.spec.ports ?? []) {
      if (p.nodePort) nodePorts.push({ port: p.nodePort, protocol: p.protocol ?? 'TCP', service: nsName(s.metadata) });
    }
  }
  return nodePorts;
}

function podModels(cluster: Cluster): PodModel[] {
  // An adopted controller (a snapshot's) shares its namespace with others (k3s: kube-system); its
  // pods are known by their labels.
  const ingressNamespaces = new Set(cluster.settings.ingress.filter((i) => !i.adopt).map((i) => i.namespace));
  const nodeNames = new Set(cluster.nodes.map((n) => n.metadata.name));
  return [...cluster.pods]
    .sort((a, b) => byName(a.metadata, b.metadata))
    .map((p) => ({
      id: canvasId.pod(p.metadata.namespace, p.metadata.name),
      frameId: p.spec.nodeName && nodeNames.has(p.spec.nodeName) ? canvasId.node(p.spec.nodeName) : null,
      namespace: p.metadata.namespace ?? 'default',
      name: p.metadata.name,
      ip: p.status?.podIP ?? null,
      ready: isReady(p),
      hostNetwork: p.spec.hostNetwork === true,
      ingressController: isIngressController(p, ingressNamespaces),
    }));
}

/** The host ports the pods on node `name` open (the CNI portmap plugin's), by port. */
function hostPortsOn(cluster: Cluster, name: string): FrameModel['hostPorts'] {
  const hostPorts: FrameModel['hostPorts'] = [];
  for (const p of cluster.pods) {
    if (p.spec.nodeName !== name) continue;
    for (const c of p.spec.containers ?? []) {
      for (const cp of c.ports ?? []) {
        if (cp.hostPort) hostPorts.push({ port: cp.hostPort, protocol: cp.protocol ?? 'TCP', pod: nsName(p.metadata) });
      }
    }
  }
  return hostPorts.sort((a, b) => a.port - b.port);
}

function frameModels(cluster: Cluster): FrameModel[] {
  const nodePorts = nodePortsOf(cluster);
  return [...cluster.nodes]
    .sort((a, b) => a.metadata.name.localeCompare(b.metadata.name))
    .map((n) => ({
      id: canvasId.node(n.metadata.name),
      name: n.metadata.name,
      internalIP: n.status?.addresses?.find((a) => a.type === 'InternalIP')?.address ?? null,
      podCIDR: n.spec?.podCIDR ?? n.spec?.podCIDRs?.[0] ?? null,
      nodePorts,
      hostPorts: hostPortsOn(cluster, n.metadata.name),
    }));
}

/** The Services drawn (not default/kubernetes), each with its endpoint pods that are drawn. */
function serviceModels(cluster: Cluster, pods: readonly PodModel[]): ServiceModel[] {
  const eps = endpointPods(cluster);
  const podIds = new Set(pods.map((p) => p.id));
  return [...cluster.services]
    .filter((s) => !(s.metadata.namespace === 'default' && s.metadata.name === 'kubernetes'))
    .sort((a, b) => byName(a.metadata, b.metadata))
    .map((s) => {
      const id = canvasId.service(s.metadata.namespace, s.metadata.name);
      return {
        id,
        namespace: s.metadata.namespace ?? 'default',
        name: s.metadata.name,
        type: s.spec.type ?? 'ClusterIP',
        clusterIP: s.spec.clusterIP ?? null,
        ports: servicePorts(s),
        endpoints: [...(eps.get(id) ?? [])].filter((p) => podIds.has(p)).sort(),
        form: serviceForm(s),
        externalName: s.spec.type === 'ExternalName' ? (s.spec.externalName ?? null) : null,
      };
    });
}

/**
 * A load balancer for every LoadBalancer Service, and a nodeport one's arrows: its first listener's
 * NodePort on every node, greyed when the health check fails.
 */
function loadBalancerModels(cluster: Cluster): { loadBalancers: LoadBalancerModel[]; targetEdges: EdgeModel[] } {
  const loadBalancers: LoadBalancerModel[] = [];
  const targetEdges: EdgeModel[] = [];
  const compiled = new Map(compileLoadBalancers(cluster).map((lb) => [lb.service, lb]));
  for (const s of cluster.services) {
    if (s.spec.type !== 'LoadBalancer') continue;
    // A LoadBalancer Service is drawn with its load balancer even before the provider gives it an
    // address (kubectl's EXTERNAL-IP <pending>): the box is where the story starts.
    const ingress = s.status?.loadBalancer?.ingress?.[0];
    const id = canvasId.lb(s.metadata.namespace, s.metadata.name);
    const c = compiled.get(nsName(s.metadata));
    loadBalancers.push({
      id,
      address: ingress?.ip ?? ingress?.hostname ?? null,
      service: nsName(s.metadata),
      serviceId: canvasId.service(s.metadata.namespace, s.metadata.name),
      model: c?.behaviour.model,
    });
    if (c?.behaviour.model !== 'nodeport') continue;
    for (const t of c.listeners[0]?.targets ?? []) {
      const why = c.nodes.find((n) => n.node === t.node)?.why;
      const health: TargetHealth = why ? { healthy: t.healthy, why } : { healthy: t.healthy };
      const target = canvasId.node(t.node);
      const edgeId = `${id}->${target}:${t.port}`;
      targetEdges.push({ id: edgeId, source: id, target, kind: 'lb-target', targetHandle: `np-${t.port}`, health });
    }
  }
  loadBalancers.sort((a, b) => a.id.localeCompare(b.id));
  return { loadBalancers, targetEdges };
}

export function buildTopology(cluster: Cluster, clients: readonly ExternalClient[] = []): Topology {
  const pods = podModels(cluster);
  const services = serviceModels(cluster, pods);
  const { loadBalancers, targetEdges } = loadBalancerModels(cluster);
  const edges: EdgeModel[] = [];
  for (const lb of loadBalancers) {
    if (lb.model === 'nodeport') continue;
    edges.push({ id: `${lb.id}->${lb.serviceId}`, source: lb.id, target: lb.serviceId, kind: 'load-balancer' });
  }
  edges.push(...targetEdges);
  for (const s of services) {
    for (const p of s.endpoints) edges.push({ id: `${s.id}->${p}`, source: s.id, target: p, kind: 'endpoint' });
  }
  const clientModels = [...clients]
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((c) => ({ id: canvasId.client(c.name), name: c.name, address: c.address }));
  return { frames: frameModels(cluster), pods, services, loadBalancers, clients: clientModels, edges };
}
