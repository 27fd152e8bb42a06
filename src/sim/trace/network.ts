// Who answers an address: a pod, a node, a client, or a Service's virtual address. Where a packet
// goes next is the nodes' routing tables' business (src/sim/node/routes.ts); this index says what
// routing does not: which Service an address names (ClusterIPs belong to nobody, they exist only as
// rules on every node; LoadBalancer addresses belong to the external load balancer), which is what
// makes "a ClusterIP from outside" fail.

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

  for (const n of cluster.nodes) {
    for (const a of n.status?.addresses ?? []) {
      if (a.type !== 'InternalIP' && a.type !== 'ExternalIP') continue;
      owners.set(a.address, { kind: 'node', node: n.metadata.name });
      if (a.type === 'InternalIP' && !nodeIPs.has(n.metadata.name)) nodeIPs.set(n.metadata.name, a.address);
    }
  }
  for (const p of cluster.pods) {
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

  // Pods by "ns/name", made when a request first names a pod by a key that is no pod's own (a
  // walk usually names one pod, found by a scan that builds no key per pod).
  let byKey: Map<string, Pod> | undefined;
  const podsByKey = () => (byKey ??= new Map(cluster.pods.map((p) => [key(p), p])));
  return {
    owner(ip) {
      const o = owners.get(ip);
      if (o) return o;
      if (cidrContains(LOOPBACK, ip)) return { kind: 'loopback' };
      return { kind: 'unknown' };
    },
    nodeIP: (node) => nodeIPs.get(node) ?? null,
    podByKey(k) {
      const exact = podWithKey(cluster.pods, k);
      if (exact) return exact;
      const pods = podsByKey();
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
    get serviceCIDR() {
      return parseCidr(cluster.settings.serviceCIDR);
    },
    get podCIDR() {
      return parseCidr(cluster.settings.podCIDR);
    },
  };
}

const LOOPBACK = parseCidr('127.0.0.0/8')!;

/** The pod whose "ns/name" is `k` (the last such, as a map by key would hold it): the key is built
 *  only for pods whose name ends it. */
function podWithKey(pods: readonly Pod[], k: string): Pod | null {
  for (let i = pods.length - 1; i >= 0; i--) {
    const p = pods[i]!;
    if (k.endsWith(p.metadata.name) && key(p) === k) return p;
  }
  return null;
}
