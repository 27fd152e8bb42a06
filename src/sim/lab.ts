// Lab settings: what a real cluster configures outside its API objects (kubeadm's networking
// section, kube-proxy's configuration file, the cloud provider's address pool, installed addons).
// Defaults follow kubeadm and kube-proxy's own (SEMANTICS.md sections 2 and 7).

export type ProxyMode = 'iptables' | 'ipvs' | 'nftables' | 'userspace';
export const PROXY_MODES: readonly ProxyMode[] = ['iptables', 'ipvs', 'nftables', 'userspace'];

/**
 * The most replicas the lab runs for one Deployment, ReplicaSet or StatefulSet: the lab creates, schedules and draws
 * every pod, and a million of them would freeze the tab. A limit of the lab, not of Kubernetes; the
 * scenario loader, the console and the Edit form all read it from here.
 */
export const MAX_REPLICAS = 1000;

/**
 * The minor release of a Kubernetes version as the lab writes it ("1.35", or "v1.35.2"): what
 * decides which features a release's components have on by default. An unreadable one counts as
 * the newest.
 */
export function kubernetesMinor(version: string | undefined): number {
  const m = /^v?1\.(\d+)/.exec(version?.trim() ?? '');
  return m ? Number(m[1]) : 99;
}

export type IpvsScheduler = 'rr' | 'wrr' | 'lc' | 'wlc' | 'sh' | 'dh' | 'sed' | 'nq';
export const IPVS_SCHEDULERS: readonly IpvsScheduler[] = ['rr', 'wrr', 'lc', 'wlc', 'sh', 'dh', 'sed', 'nq'];

export interface KubeProxySettings {
  mode: ProxyMode;
  /** The local-traffic detector's cluster CIDR (`--cluster-cidr`); defaults to the lab's pod CIDR. */
  clusterCIDR?: string;
  masqueradeAll: boolean;
  /** Bit of the fwmark used for masquerade: 14 gives 0x4000. */
  masqueradeBit: number;
  /** route_localnet-based NodePorts on 127.0.0.1 (iptables mode, IPv4). */
  localhostNodePorts: boolean;
  /** `--nodeport-addresses`: CIDRs, or the keyword "primary"; empty means every local address. */
  nodePortAddresses: string[];
  /** Whether the nfacct extension is available (adds the nfacct matches kube-proxy writes). */
  nfacct: boolean;
  ipvs: { scheduler: IpvsScheduler; modulesLoaded: boolean };
  /** kube-proxy's --feature-gates that change which modes start (NFTablesProxyMode: alpha in 1.29-1.30). */
  featureGates?: { NFTablesProxyMode?: boolean };
}

/** How the cloud's load balancers reach the nodes (src/sim/lb): `direct` delivers with the LB
 *  address kept (GCE network LB, MetalLB); `nodeport` sends to every node's NodePort (AWS Classic
 *  ELB, NLB instance targets, on-prem LBs). A Service's annotations can choose otherwise. */
export type LoadBalancerModel = 'direct' | 'nodeport';

export interface LoadBalancerSettings {
  model: LoadBalancerModel;
}

export type IngressControllerKind = 'nginx' | 'traefik';
export type IngressTopology = 'nodeport' | 'loadbalancer' | 'daemonset-hostport';

export interface IngressAddon {
  /** The IngressClass name this controller serves. */
  className: string;
  controller: IngressControllerKind;
  topology: IngressTopology;
  namespace: string;
  replicas: number;
  /** ingress-nginx before dynamic configuration (the seeds' era): reload on every endpoint change. */
  legacyReloadOnEndpointChange: boolean;
  /** ingress-nginx's ConfigMap key `use-proxy-protocol`: its listeners expect a PROXY protocol
   *  header first and take the client address from it (`listen ... proxy_protocol`). */
  useProxyProtocol?: boolean;
  /** Fixed nodePorts for the controller Service when topology is nodeport (http, https). */
  nodePorts?: { http?: number; https?: number };
  isDefaultClass: boolean;
  /**
   * ingress-nginx's `--default-backend-service=<namespace>/<name>`: a Service that answers requests
   * no Ingress rule matches. Unset (today's ingress-nginx, v1.x) the controller's own default server
   * answers 404 itself. Set, the addon also installs that Service with the era's
   * `defaultbackend` image if the scenario does not declare it [seed 001].
   */
  defaultBackendService?: string;
  /**
   * The controller already runs in the cluster (a snapshot carries its Deployment or DaemonSet and
   * Service): the lab installs nothing and models those pods, selected by `podSelector`, listening
   * on `ports`.
   */
  adopt?: { podSelector: Record<string, string>; ports: { http: number; https: number } };
}

/** Gateway API (NGINX Gateway Fabric's shape): which GatewayClasses the lab's controller serves. */
export interface GatewayAPILabSettings {
  /** GatewayClasses with this spec.controllerName are served (NGF's default controller name). */
  controllerName: string;
  /** Install the controller (and a GatewayClass "nginx") even when no GatewayClass names it. */
  install: boolean;
}

export interface LabSettings {
  clusterName: string;
  clusterDomain: string;
  podCIDR: string;
  /** Per-node pod CIDR size (kube-controller-manager --node-cidr-mask-size). */
  nodeCIDRMaskSize: number;
  serviceCIDR: string;
  nodePortRange: { min: number; max: number };
  /** Addresses a cloud load-balancer controller may hand out; empty means no provider (LoadBalancer stays pending). */
  loadBalancerPool: string[];
  /** The external load balancers' model for LoadBalancer Services; unset means `direct`. */
  loadBalancer?: LoadBalancerSettings;
  /** Node internal addresses are taken from here when a Node does not give one. */
  nodeCIDR: string;
  kubeProxy: KubeProxySettings;
  ingress: IngressAddon[];
  gatewayAPI: GatewayAPILabSettings;
  /** Kubernetes version the lab imitates (affects e.g. userspace availability). */
  kubernetesVersion: string;
  seed: string;
  /**
   * The objects are a snapshot of a running cluster (`kubectl get ... -o yaml`): namespaces they
   * name exist, and what its controllers published (EndpointSlices, ReplicaSets, pods) is kept as
   * given when the lab starts; where the lab's controllers would publish something else, that is
   * reported as an event rather than silently replaced.
   */
  snapshot?: boolean;
  /**
   * The addresses of the node `rules --node` names when the objects give no Node object: what
   * kube-proxy's unit tests hand their fake proxier (`--set nodeIPs=192.168.0.2,...`).
   */
  nodeIPs?: string[];
}

export function defaultKubeProxySettings(): KubeProxySettings {
  return {
    mode: 'iptables',
    masqueradeAll: false,
    masqueradeBit: 14,
    localhostNodePorts: true,
    nodePortAddresses: [],
    nfacct: true,
    ipvs: { scheduler: 'rr', modulesLoaded: true },
  };
}

export function defaultLabSettings(): LabSettings {
  return {
    clusterName: 'netlab',
    clusterDomain: 'cluster.local',
    podCIDR: '10.244.0.0/16',
    nodeCIDRMaskSize: 24,
    serviceCIDR: '10.96.0.0/12',
    nodePortRange: { min: 30000, max: 32767 },
    loadBalancerPool: [],
    nodeCIDR: '192.168.49.0/24',
    kubeProxy: defaultKubeProxySettings(),
    ingress: [],
    gatewayAPI: { controllerName: 'gateway.nginx.org/nginx-gateway-controller', install: false },
    kubernetesVersion: '1.35',
    seed: 'netlab',
  };
}

export function defaultIngressAddon(controller: IngressControllerKind): IngressAddon {
  return {
    className: controller === 'nginx' ? 'nginx' : 'traefik',
    controller,
    topology: 'nodeport',
    namespace: controller === 'nginx' ? 'ingress-nginx' : 'traefik',
    replicas: 1,
    legacyReloadOnEndpointChange: false,
    isDefaultClass: false,
  };
}

/** The masquerade mark kube-proxy uses: 1 << masqueradeBit (0x4000 by default). */
export function masqueradeMark(s: KubeProxySettings): string {
  return `0x${(1 << s.masqueradeBit).toString(16)}`;
}
