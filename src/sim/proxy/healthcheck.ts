// kube-proxy's service health-check server (pkg/proxy/healthcheck/service_health.go): for every
// LoadBalancer Service with externalTrafficPolicy Local, each node's kube-proxy listens on the
// Service's healthCheckNodePort and answers an HTTP GET with 200 when the node has at least one
// local ready endpoint and 503 otherwise, the body naming the Service and the count. External load
// balancers probe it to leave out nodes that would DROP the traffic (SEMANTICS.md 2.6).

import type { Service } from '../api/types';
import type { Cluster } from '../cluster';
import { endpointsFor, servicePortInfos } from './servicemap';

export interface HealthCheckAnswer {
  /** "ns/name" of the Service. */
  service: string;
  port: number;
  /** Distinct local ready endpoint addresses (EndpointsMap.LocalReadyEndpoints squashes ports by IP). */
  localEndpoints: number;
  status: 200 | 503;
  /** The JSON body as kube-proxy writes it (one line here; kube-proxy indents it). */
  body: string;
  /** The X-Load-Balancing-Endpoint-Weight header kube-proxy sets to the same count. */
  weight: number;
}

/**
 * What the health-check server on `nodeName` answers for each Service that has a healthCheckNodePort.
 * Only ready endpoints count: a node with nothing but terminating endpoints fails the check on
 * purpose, so the load balancer drains it while those endpoints still serve (KEP-1669).
 */
export function serviceHealthServer(cluster: Cluster, nodeName: string): Map<string, HealthCheckAnswer> {
  const out = new Map<string, HealthCheckAnswer>();
  for (const svc of cluster.services) {
    const a = serviceHealthAnswer(cluster, svc, nodeName);
    if (a) out.set(a.service, a);
  }
  return out;
}

/** The answer for one Service on one node, or null when the Service has no healthCheckNodePort. */
export function serviceHealthAnswer(cluster: Cluster, svc: Service, nodeName: string): HealthCheckAnswer | null {
  const infos = servicePortInfos(svc);
  const hc = infos.find((i) => i.healthCheckNodePort !== 0)?.healthCheckNodePort;
  if (!hc) return null;
  const ns = svc.metadata.namespace ?? 'default';
  const slices = cluster.endpointSlices.filter(
    (s) => (
      s.metadata.namespace ?? 'default'
    ) === ns && s.metadata.labels?.['kubernetes.io/service-name'] === svc.metadata.name,
  );
  const localReadyIPs = new Set<string>();
  for (const info of infos) {
    for (const e of endpointsFor(info, slices, nodeName)) if (e.ready && e.isLocal) localReadyIPs.add(e.ip);
  }
  const n = localReadyIPs.size;
  const body = JSON.stringify({
    service: { namespace: ns, name: svc.metadata.name },
    localEndpoints: n,
    serviceProxyHealthy: true,
  });
  const service = `${ns}/${svc.metadata.name}`;
  return { service, port: hc, localEndpoints: n, status: n > 0 ? 200 : 503, body, weight: n };
}
