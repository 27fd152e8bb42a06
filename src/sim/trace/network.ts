// Who answers an address, as the cluster's routing would have it: pod IPs live in their node's
// podCIDR and are routed node to node by the pod network; node IPs are on the node network;
// ClusterIPs belong to nobody (they exist only as rules on every node); LoadBalancer addresses
// belong to the external load balancer. This is what makes "a ClusterIP from outside" fail.

import type { Pod, Service } from '../api/types';
import type { Cluster, ExternalClient } from '../cluster';
import { cidrContains, parseCidr, type Cidr } from '../net/ip';

export type AddressOwner =
  | { kind: 'pod'; pod: Pod; node: string }
  | { kind: 'node'; node: string }
  | { kind: 'cluster-ip'; service: Service }
  | { kind: 'load-balancer'; service: Service }
  | { kind: 'external-ip'; service: Service }
  | { kind: 'client'; client: ExternalClient }
  | { kind: 'loopback' }
  | { kind: 'unknown' };

export interface NetworkIndex {
  owner(ip: string): AddressOwner;
  /** The node whose podCIDR contains this address (where the pod network routes it). */
  nodeForPodIP(ip: string): string | null;
  nodeIP(node: string): string | null;
  podByKey(key: string): Pod | null;
  serviceCIDR: Cidr | null;
  podCIDR: Cidr | null;
}

function key(o: { metadata: { namespace?: string; name: string } }): string {
  return `${o.metadata.namespace ?? 'default'}/${o.metadata.name}`;
}

export function podIP(p: Pod): string | undefined {
  return p.status?.podIP ?? p.status?.podIPs?.[0]?.ip;
}

export function buildNetworkIndex(cluster: Cluster, clients: readonly ExternalClient[] = []): NetworkIndex {
  const owners = new Map<string, AddressOwner>();
  const nodeIPs = new Map<string, string>();
  const nodeCidrs: { node: string; cidr: Cidr }[] = [];
  const pods = new Map<string, Pod>();

  for (const n of cluster.nodes) {
    for (const a of n.status?.addresses ?? []) {
      if (a.type !== 'InternalIP' && a.type !== 'ExternalIP') continue;
      owners.set(a.address, { kind: 'node', node: n.metadata.name });
      if (a.type === 'InternalIP' && !nodeIPs.has(n.metadata.name)) nodeIPs.set(n.metadata.name, a.address);
    }
    const c = n.spec?.podCIDR ? parseCidr(n.spec.podCIDR) : null;
    if (c) nodeCidrs.push({ node: n.metadata.name, cidr: c });
  }
  for (const p of cluster.pods) {
    pods.set(key(p), p);
    const ip = podIP(p);
    if (!ip || p.spec.hostNetwork || !p.spec.nodeName) continue;
    if (p.metadata.deletionTimestamp && owners.get(ip)?.kind === 'pod') continue;
    owners.set(ip, { kind: 'pod', pod: p, node: p.spec.nodeName });
  }
  for (const s of cluster.services) {
    const cip = s.spec.clusterIP;
    if (cip && cip !== 'None') owners.set(cip, { kind: 'cluster-ip', service: s });
    for (const ip of s.spec.externalIPs ?? []) if (!owners.has(ip)) owners.set(ip, { kind: 'external-ip', service: s });
    // A load-balancer address that is a node's own (k3s ServiceLB, klipper-lb) is that node:
    // packets go straight to it and meet kube-proxy's rules for the address there.
    for (const ing of s.status?.loadBalancer?.ingress ?? []) {
      if (ing.ip && owners.get(ing.ip)?.kind !== 'node') owners.set(ing.ip, { kind: 'load-balancer', service: s });
    }
  }
  for (const c of clients) if (!owners.has(c.address)) owners.set(c.address, { kind: 'client', client: c });

  const loopback = parseCidr('127.0.0.0/8')!;
  return {
    owner(ip) {
      const o = owners.get(ip);
      if (o) return o;
      if (cidrContains(loopback, ip)) return { kind: 'loopback' };
      return { kind: 'unknown' };
    },
    nodeForPodIP(ip) {
      return nodeCidrs.find((n) => cidrContains(n.cidr, ip))?.node ?? null;
    },
    nodeIP: (node) => nodeIPs.get(node) ?? null,
    podByKey(k) {
      const exact = pods.get(k);
      if (exact) return exact;
      // "ns/web" names a workload: its first running pod (pod names carry generated suffixes).
      const [ns, name] = k.split('/');
      const ofWorkload = (p: Pod) =>
        (p.metadata.namespace ?? 'default') === ns &&
        p.metadata.name.startsWith(`${name}-`) &&
        !p.metadata.deletionTimestamp &&
        podIP(p);
      const owned = [...pods.values()]
        .filter(ofWorkload)
        .sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1));
      return owned[0] ?? null;
    },
    serviceCIDR: parseCidr(cluster.settings.serviceCIDR),
    podCIDR: parseCidr(cluster.settings.podCIDR),
  };
}
