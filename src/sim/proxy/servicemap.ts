// kube-proxy's view of the cluster, shared by every proxy mode: the service map and the endpoints
// map (pkg/proxy/servicechangetracker.go, endpointslicecache.go) and the endpoint categorisation
// (pkg/proxy/topology.go CategorizeEndpoints). SEMANTICS.md section 1.

import type { EndpointSlice, Node, Protocol, Service } from '../api/types';
import type { Cluster } from '../cluster';
import { splitMetaNamespaceKey, type NamespacedName } from '../api/keys';

/** kube-proxy's ServicePortName (pkg/proxy/types.go): a Service and the name of one of its ports
 *  ("" for the single unnamed port). */
export interface ServicePortName extends NamespacedName {
  port: string;
}

/** ServicePortName.String(): "ns/name:port", or "ns/name" for an unnamed port (no colon). The form
 *  kube-proxy keys its maps by, writes in rule comments and hashes into chain names. */
export type ServicePortString = string;

export function formatServicePortName(spn: ServicePortName): ServicePortString {
  // Joined, so the name is one flat string: it is hashed into chain names and written in comments,
  // which would each flatten a string built piece by piece into a second copy.
  return spn.port ? [spn.namespace, '/', spn.name, ':', spn.port].join('') : `${spn.namespace}/${spn.name}`;
}

/** The one parser of the string form. Port names are DNS labels and Service names have no ':'. */
export function parseServicePortName(s: ServicePortString): ServicePortName {
  const colon = s.indexOf(':');
  const service = splitMetaNamespaceKey(colon < 0 ? s : s.slice(0, colon));
  return { ...service, port: colon < 0 ? '' : s.slice(colon + 1) };
}

/** The Service's own key ("ns/name") of a service port's string form. */
export function serviceKeyOfPort(s: ServicePortString): string {
  const colon = s.indexOf(':');
  return colon < 0 ? s : s.slice(0, colon);
}

export interface ServicePortInfo {
  name: ServicePortString;
  namespace: string;
  service: string;
  portName: string;
  protocol: Protocol;
  port: number;
  clusterIP: string;
  /** 0 when the port has no node port. */
  nodePort: number;
  externalIPs: string[];
  /** status.loadBalancer.ingress[].ip, skipping ipMode Proxy entries (kube-proxy leaves those to the LB). */
  loadBalancerIPs: string[];
  loadBalancerSourceRanges: string[];
  externalPolicyLocal: boolean;
  internalPolicyLocal: boolean;
  /** Seconds of ClientIP affinity, or 0 for none. */
  stickyMaxAgeSeconds: number;
  healthCheckNodePort: number;
  serviceType: NonNullable<Service['spec']['type']>;
}

export interface EndpointInfo {
  ip: string;
  port: number;
  /** "ip:port", the string kube-proxy hashes into KUBE-SEP names. */
  endpoint: string;
  nodeName?: string;
  /** An endpoint is local when its nodeName is kube-proxy's own node; no nodeName is never local. */
  isLocal: boolean;
  ready: boolean;
  serving: boolean;
  terminating: boolean;
  zone?: string;
  /** "ns/name" of the pod behind the endpoint, when the slice says. */
  pod?: string;
}

export interface ProxyServicePort {
  info: ServicePortInfo;
  /** Every endpoint for this port, sorted the way kube-proxy sorts them (by "ip:port" string). */
  endpoints: EndpointInfo[];
  /** Endpoints for Cluster policy: the ready ones, else the serving+terminating ones. */
  clusterEndpoints: EndpointInfo[];
  /** Endpoints for Local policy: the local ready ones, else the local serving+terminating ones. */
  localEndpoints: EndpointInfo[];
  /** The union of cluster and local endpoints that this node's rules can reach. */
  allReachableEndpoints: EndpointInfo[];
  /** At least one usable endpoint anywhere (prevents the REJECT rule). */
  hasAnyEndpoints: boolean;
}

export function externallyAccessible(info: ServicePortInfo): boolean {
  return info.nodePort !== 0 || info.loadBalancerIPs.length > 0 || info.externalIPs.length > 0;
}

/** ServicePort.UsesClusterEndpoints: internal policy Cluster, or external access with Cluster policy. */
export function usesClusterEndpoints(info: ServicePortInfo): boolean {
  return !info.internalPolicyLocal || (externallyAccessible(info) && !info.externalPolicyLocal);
}

/** ServicePort.UsesLocalEndpoints: internal policy Local, or external access with Local policy. */
export function usesLocalEndpoints(info: ServicePortInfo): boolean {
  return info.internalPolicyLocal || (externallyAccessible(info) && info.externalPolicyLocal);
}

/**
 * kube-proxy ignores headless and ExternalName Services entirely (no rules at all), and never sees a
 * Service labelled service.kubernetes.io/service-proxy-name (its informers select that label out: the
 * Service belongs to another proxy).
 */
export function isProxied(svc: Service): boolean {
  const ip = svc.spec.clusterIP;
  if (svc.spec.type === 'ExternalName') return false;
  if (svc.metadata.labels && 'service.kubernetes.io/service-proxy-name' in svc.metadata.labels) return false;
  return !!ip && ip !== 'None';
}

/** The service ports of one Service as kube-proxy sees them. */
export function servicePortInfos(svc: Service): ServicePortInfo[] {
  if (!isProxied(svc)) return [];
  const ns = svc.metadata.namespace ?? 'default';
  const type = svc.spec.type ?? 'ClusterIP';
  const lbIPs = (svc.status?.loadBalancer?.ingress ?? [])
    .filter((i) => i.ip && i.ipMode !== 'Proxy')
    .map((i) => i.ip!);
  const sticky =
    svc.spec.sessionAffinity === 'ClientIP' ? (svc.spec.sessionAffinityConfig?.clientIP?.timeoutSeconds ?? 10800) : 0;
  return (svc.spec.ports ?? []).map((p) => ({
    name: formatServicePortName({ namespace: ns, name: svc.metadata.name, port: p.name ?? '' }),
    namespace: ns,
    service: svc.metadata.name,
    portName: p.name ?? '',
    protocol: p.protocol ?? 'TCP',
    port: p.port,
    clusterIP: svc.spec.clusterIP!,
    nodePort: type === 'NodePort' || type === 'LoadBalancer' ? (p.nodePort ?? 0) : 0,
    externalIPs: svc.spec.externalIPs ?? [],
    loadBalancerIPs: type === 'LoadBalancer' ? lbIPs : [],
    loadBalancerSourceRanges: type === 'LoadBalancer' ? (svc.spec.loadBalancerSourceRanges ?? []) : [],
    externalPolicyLocal: (type === 'NodePort' || type === 'LoadBalancer' || (svc.spec.externalIPs?.length ?? 0) > 0) &&
      svc.spec.externalTrafficPolicy === 'Local',
    internalPolicyLocal: svc.spec.internalTrafficPolicy === 'Local',
    stickyMaxAgeSeconds: sticky,
    healthCheckNodePort: type === 'LoadBalancer' && svc.spec.externalTrafficPolicy === 'Local' ? (
      svc.spec.healthCheckNodePort ?? 0
    ) : 0,
    serviceType: type,
  }));
}

function compareEndpoint(a: EndpointInfo, b: EndpointInfo): number {
  return a.endpoint < b.endpoint ? -1 : a.endpoint > b.endpoint ? 1 : 0;
}

/** The slice's port for this service port (same name and protocol), if it has one. */
function slicePort(slice: EndpointSlice, info: ServicePortInfo): number | undefined {
  for (const p of slice.ports ?? []) {
    if ((p.name ?? '') === info.portName && (p.protocol ?? 'TCP') === info.protocol) return p.port;
  }
  return undefined;
}

/** Endpoints of one service port from all of the Service's EndpointSlices, deduplicated by "ip:port".
 *  Conditions as kube-proxy reads them: nil ready and nil serving mean true; nil terminating means false. */
export function endpointsFor(
  info: ServicePortInfo,
  slices: readonly EndpointSlice[],
  nodeName: string,
): EndpointInfo[] {
  const out: EndpointInfo[] = [];
  for (const slice of slices) {
    if (slice.addressType !== 'IPv4') continue;
    const port = slicePort(slice, info);
    if (port === undefined) continue;
    for (const ep of slice.endpoints) {
      const ip = ep.addresses[0];
      if (!ip) continue;
      const c = ep.conditions;
      out.push({
        ip,
        port,
        // One flat string (hashed into the KUBE-SEP name): not a piece-by-piece string plus its flat copy.
        endpoint: [ip, port].join(':'),
        nodeName: ep.nodeName,
        isLocal: !!ep.nodeName && ep.nodeName === nodeName,
        ready: c?.ready ?? true,
        serving: c?.serving ?? true,
        terminating: c?.terminating ?? false,
        zone: ep.zone,
        pod: ep.targetRef?.kind === 'Pod'
          ? `${ep.targetRef.namespace ?? info.namespace}/${ep.targetRef.name}`
          : undefined,
      });
    }
  }
  return sortedUnique(out);
}

/**
 * The endpoints sorted by "ip:port", the first of each "ip:port" kept (what a map by "ip:port"
 * filled in slice order, then sorted, holds). A stable sort puts equal ones in their order, so the
 * first is kept by dropping the ones after it. A Service has a few endpoints a port: an insertion
 * sort, without the sort state and the map every service port of a full sync would allocate.
 */
function sortedUnique(eps: EndpointInfo[]): EndpointInfo[] {
  if (eps.length > 32) eps.sort(compareEndpoint);
  else {
    for (let i = 1; i < eps.length; i++) {
      const e = eps[i]!;
      let j = i;
      for (; j > 0 && compareEndpoint(eps[j - 1]!, e) > 0; j--) eps[j] = eps[j - 1]!;
      eps[j] = e;
    }
  }
  let n = 0;
  for (let i = 0; i < eps.length; i++) {
    if (n === 0 || eps[n - 1]!.endpoint !== eps[i]!.endpoint) eps[n++] = eps[i]!;
  }
  eps.length = n;
  return eps;
}

/** The ready endpoints: the list itself when every one is (the usual case; lists are never mutated
 *  once categorised), so a full sync keeps one array per service port, not two. */
function readyOnes(endpoints: readonly EndpointInfo[]): EndpointInfo[] {
  for (const e of endpoints) if (!e.ready) return endpoints.filter((x) => x.ready);
  return endpoints as EndpointInfo[];
}

/** A service port as the proxiers keep it: its endpoints, categorised (one object, built whole). */
export function proxyServicePort(info: ServicePortInfo, endpoints: EndpointInfo[]): ProxyServicePort {
  const c = categorizeEndpoints(info, endpoints);
  return {
    info,
    endpoints,
    clusterEndpoints: c.clusterEndpoints,
    localEndpoints: c.localEndpoints,
    allReachableEndpoints: c.allReachableEndpoints,
    hasAnyEndpoints: c.hasAnyEndpoints,
  };
}

/** CategorizeEndpoints (pkg/proxy/topology.go), without topology hints. */
export function categorizeEndpoints(
  info: ServicePortInfo,
  endpoints: readonly EndpointInfo[],
): Omit<ProxyServicePort, 'info' | 'endpoints'> {
  let clusterEndpoints: EndpointInfo[] = [];
  let localEndpoints: EndpointInfo[] = [];
  let hasAnyEndpoints = false;

  if (usesClusterEndpoints(info)) {
    clusterEndpoints = readyOnes(endpoints);
    if (clusterEndpoints.length === 0) clusterEndpoints = endpoints.filter((e) => e.serving && e.terminating);
    if (clusterEndpoints.length > 0) hasAnyEndpoints = true;
  }
  if (!usesLocalEndpoints(info)) {
    return { clusterEndpoints, localEndpoints, allReachableEndpoints: clusterEndpoints, hasAnyEndpoints };
  }

  let hasLocalReady = false;
  let hasLocalServingTerminating = false;
  for (const e of endpoints) {
    if (e.ready) {
      hasAnyEndpoints = true;
      if (e.isLocal) hasLocalReady = true;
    } else if (e.serving && e.terminating) {
      hasAnyEndpoints = true;
      if (e.isLocal) hasLocalServingTerminating = true;
    }
  }
  if (hasLocalReady) localEndpoints = endpoints.filter((e) => e.isLocal && e.ready);
  else if (hasLocalServingTerminating) localEndpoints = endpoints.filter(
    (e) => e.isLocal && e.serving && e.terminating
  );

  if (!usesClusterEndpoints(info)) {
    return { clusterEndpoints, localEndpoints, allReachableEndpoints: localEndpoints, hasAnyEndpoints };
  }
  const seen = new Set(clusterEndpoints.map((e) => e.endpoint));
  const allReachableEndpoints = [...clusterEndpoints, ...localEndpoints.filter((e) => !seen.has(e.endpoint))];
  return { clusterEndpoints, localEndpoints, allReachableEndpoints, hasAnyEndpoints };
}

/** Index of EndpointSlices by "ns/service" (label kubernetes.io/service-name). */
export function slicesByService(slices: readonly EndpointSlice[]): Map<string, EndpointSlice[]> {
  const m = new Map<string, EndpointSlice[]>();
  for (const s of slices) {
    const svc = s.metadata.labels?.['kubernetes.io/service-name'];
    if (!svc) continue;
    const key = `${s.metadata.namespace ?? 'default'}/${svc}`;
    const list = m.get(key);
    if (list) list.push(s);
    else m.set(key, [s]);
  }
  return m;
}

/** The whole service map for one node, sorted by service port name. */
export function buildServiceMap(
  cluster: Pick<Cluster, 'services' | 'endpointSlices'>,
  nodeName: string,
): ProxyServicePort[] {
  const slices = slicesByService(cluster.endpointSlices);
  const out: ProxyServicePort[] = [];
  for (const svc of cluster.services) {
    const key = `${svc.metadata.namespace ?? 'default'}/${svc.metadata.name}`;
    for (const info of servicePortInfos(svc)) {
      const endpoints = endpointsFor(info, slices.get(key) ?? [], nodeName);
      out.push({ info, endpoints, ...categorizeEndpoints(info, endpoints) });
    }
  }
  return out.sort((a, b) => (a.info.name < b.info.name ? -1 : a.info.name > b.info.name ? 1 : 0));
}

/** What kube-proxy knows about its own node. */
export interface ProxyNode {
  name: string;
  /** The node's addresses (InternalIP first), what `addrtype --dst-type LOCAL` matches besides loopback. */
  ips: string[];
  podCIDR?: string;
}

export function proxyNode(node: Node): ProxyNode {
  const addrs = node.status?.addresses ?? [];
  const ips = [
    ...addrs.filter((a) => a.type === 'InternalIP').map((a) => a.address),
    ...addrs.filter((a) => a.type === 'ExternalIP').map((a) => a.address),
  ];
  return { name: node.metadata.name, ips, podCIDR: node.spec?.podCIDR };
}
