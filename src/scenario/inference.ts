// A lab setting inferred from a cluster snapshot, and what it was read from: the loaded scenario
// carries them (types.ts) and the snapshot reader makes them (snapshot.ts).

/** Why the lab believes a setting: what in the snapshot it was read from. */
export type InferenceBasis =
  /** The `kubernetes` Service's ClusterIP is the first address of the service range. */
  | { kind: 'kubernetes-service'; clusterIP: string; covered: number }
  /** No `kubernetes` Service: the smallest usual range holding every declared ClusterIP. */
  | { kind: 'cluster-ips'; covered: number }
  /** A field of kube-system/kube-proxy's `config.conf` (a KubeProxyConfiguration). */
  | { kind: 'kube-proxy-config'; field: string; raw: string }
  /** No kube-system/kube-proxy ConfigMap (k3s runs kube-proxy inside its own binary): its defaults. */
  | { kind: 'kube-proxy-default' }
  | { kind: 'node-pod-cidrs'; nodes: number; widened: boolean }
  /** Pod addresses from the CNI's own IPAM (Calico), not from Node podCIDRs. */
  | { kind: 'pod-ips'; pods: number }
  /** Declared node ports outside the default range: the apiserver's --service-node-port-range was wider. */
  | { kind: 'node-ports'; ports: number }
  | { kind: 'corefile' }
  | { kind: 'kube-dns-args' }
  | { kind: 'node-version'; node: string; version: string }
  | { kind: 'ingress-class'; className: string; controllerName: string; workload?: string }
  /** An Ingress names a class no IngressClass declares: `nginx` or `traefik`, that controller's own class name. */
  | { kind: 'ingress-named-class'; className: string; ingress: string; controller: string; namespace: string }
  /** kube-proxy mode userspace with no version given: the last release that had it. */
  | { kind: 'userspace-version' };

export interface Inference {
  /** Dotted lab setting, as `--set` names it. */
  setting: string;
  value: string;
  basis: InferenceBasis;
}

/** Sets a lab setting the files left free, with what it was read from. */
export type Setter = (setting: string, value: string, basis: InferenceBasis, apply: () => void) => void;
