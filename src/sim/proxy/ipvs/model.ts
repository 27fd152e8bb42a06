// What the IPVS proxier (pkg/proxy/ipvs/proxier.go, syncProxyRules) programs on one node, as data:
// the virtual servers with their real servers, the addresses bound to the kube-ipvs0 dummy device,
// and the ipsets its few constant iptables rules match against. SEMANTICS.md section 3.

import type { Protocol } from '../../api/types';
import type { IpvsScheduler, KubeProxySettings } from '../../lab';
import { cidrContains, compareIp, parseCidr } from '../../net/ip';
import type { EndpointInfo, ProxyNode, ProxyServicePort, ServicePortInfo } from '../servicemap';

export type VirtualServerKind = 'clusterIP' | 'externalIP' | 'loadBalancer' | 'nodePort';

export interface IpvsRealServer {
  address: string;
  port: number;
  /** kube-proxy always uses NAT forwarding, which ipvsadm shows as "Masq". */
  forward: 'Masq';
  weight: number;
  endpoint: EndpointInfo;
}

export interface IpvsVirtualServer {
  /** "TCP 10.96.0.1:443": protocol, address and port identify a virtual server in the kernel. */
  key: string;
  protocol: Protocol;
  address: string;
  port: number;
  scheduler: IpvsScheduler;
  /** Seconds of persistence (ClientIP affinity); 0 for none. */
  persistentTimeout: number;
  kind: VirtualServerKind;
  service: ServicePortInfo;
  realServers: IpvsRealServer[];
}

export type IpsetType = 'hash:ip,port' | 'hash:ip,port,ip' | 'hash:ip,port,net' | 'bitmap:port' | 'hash:ip';

export interface Ipset {
  name: string;
  type: IpsetType;
  /** The comment kube-proxy attaches to the iptables rule that matches the set. */
  comment: string;
  /** Entries as `ipset list` prints them ("10.96.0.1,tcp:443", "30080", ...), sorted. */
  entries: string[];
}

export interface IpvsModel {
  virtualServers: IpvsVirtualServer[];
  /** Addresses bound to kube-ipvs0, so the kernel treats them as local and IPVS sees the packets at INPUT. */
  dummyAddresses: string[];
  ipsets: Ipset[];
  /** The node addresses that get a NodePort virtual server. */
  nodePortIPs: string[];
}

/** The ipsets in ipsetInfo order (pkg/proxy/ipvs/proxier.go), with their comments (ipset.go). */
export const IPSET_INFO: readonly { name: string; type: IpsetType; comment: string }[] = [
  {
    name: 'KUBE-LOOP-BACK',
    type: 'hash:ip,port,ip',
    comment: 'Kubernetes endpoints dst ip:port, source ip for solving hairpin purpose',
  },
  {
    name: 'KUBE-CLUSTER-IP',
    type: 'hash:ip,port',
    comment: 'Kubernetes service cluster ip + port for masquerade purpose',
  },
  {
    name: 'KUBE-EXTERNAL-IP',
    type: 'hash:ip,port',
    comment: 'Kubernetes service external ip + port for masquerade and filter purpose',
  },
  {
    name: 'KUBE-EXTERNAL-IP-LOCAL',
    type: 'hash:ip,port',
    comment: 'Kubernetes service external ip + port with externalTrafficPolicy=local',
  },
  { name: 'KUBE-LOAD-BALANCER', type: 'hash:ip,port', comment: 'Kubernetes service lb portal' },
  {
    name: 'KUBE-LOAD-BALANCER-FW',
    type: 'hash:ip,port',
    comment: 'Kubernetes service load balancer ip + port for load balancer with sourceRange',
  },
  {
    name: 'KUBE-LOAD-BALANCER-LOCAL',
    type: 'hash:ip,port',
    comment: 'Kubernetes service load balancer ip + port with externalTrafficPolicy=local',
  },
  {
    name: 'KUBE-LOAD-BALANCER-SOURCE-IP',
    type: 'hash:ip,port,ip',
    comment: 'Kubernetes service load balancer ip + port + source IP for packet filter purpose',
  },
  {
    name: 'KUBE-LOAD-BALANCER-SOURCE-CIDR',
    type: 'hash:ip,port,net',
    comment: 'Kubernetes service load balancer ip + port + source cidr for packet filter purpose',
  },
  { name: 'KUBE-NODE-PORT-TCP', type: 'bitmap:port', comment: 'Kubernetes nodeport TCP port for masquerade purpose' },
  {
    name: 'KUBE-NODE-PORT-LOCAL-TCP',
    type: 'bitmap:port',
    comment: 'Kubernetes nodeport TCP port with externalTrafficPolicy=local',
  },
  { name: 'KUBE-NODE-PORT-UDP', type: 'bitmap:port', comment: 'Kubernetes nodeport UDP port for masquerade purpose' },
  {
    name: 'KUBE-NODE-PORT-LOCAL-UDP',
    type: 'bitmap:port',
    comment: 'Kubernetes nodeport UDP port with externalTrafficPolicy=local',
  },
  {
    name: 'KUBE-NODE-PORT-SCTP-HASH',
    type: 'hash:ip,port',
    comment: "Kubernetes nodeport SCTP port for masquerade purpose with type 'hash ip:port'",
  },
  {
    name: 'KUBE-NODE-PORT-LOCAL-SCTP-HASH',
    type: 'hash:ip,port',
    comment: "Kubernetes nodeport SCTP port with externalTrafficPolicy=local with type 'hash ip:port'",
  },
  { name: 'KUBE-HEALTH-CHECK-NODE-PORT', type: 'bitmap:port', comment: 'Kubernetes health check node port' },
  { name: 'KUBE-IPVS-IPS', type: 'hash:ip', comment: 'Addresses on the ipvs interface' },
];

const PROTO_ORDER: Record<Protocol, number> = { TCP: 0, UDP: 1, SCTP: 2 };

/** The node addresses NodePorts listen on: every node address, or those inside --nodeport-addresses. */
export function nodePortIPs(node: ProxyNode, settings: KubeProxySettings): string[] {
  const want = settings.nodePortAddresses;
  if (want.length === 0) return node.ips;
  return node.ips.filter((ip, i) =>
    want.some((w) => {
      if (w === 'primary') return i === 0;
      const c = parseCidr(w, true);
      return !!c && cidrContains(c, ip);
    }),
  );
}

function realServers(eps: readonly EndpointInfo[]): IpvsRealServer[] {
  return eps.map((e) => ({ address: e.ip, port: e.port, forward: 'Masq', weight: 1, endpoint: e }));
}

/** What syncProxyRules builds while it walks the service ports: virtual servers, ipset entries and
 *  the addresses bound to kube-ipvs0. */
interface IpvsBuild {
  node: ProxyNode;
  scheduler: IpvsScheduler;
  nodePortIPs: string[];
  nodeAddrs: Set<string>;
  sets: Map<string, Set<string>>;
  virtualServers: IpvsVirtualServer[];
  dummy: Set<string>;
}

function addEntry(b: IpvsBuild, set: string, entry: string): void {
  b.sets.get(set)!.add(entry);
}

function addVirtualServer(
  b: IpvsBuild,
  info: ProxyServicePort['info'],
  kind: VirtualServerKind,
  address: string,
  port: number,
  eps: readonly EndpointInfo[],
): void {
  b.virtualServers.push({
    key: `${info.protocol} ${address}:${port}`,
    protocol: info.protocol,
    address,
    port,
    scheduler: b.scheduler,
    persistentTimeout: info.stickyMaxAgeSeconds,
    kind,
    service: info,
    realServers: realServers(eps),
  });
}

export function buildIpvsModel(args: {
  serviceMap: readonly ProxyServicePort[];
  node: ProxyNode;
  settings: KubeProxySettings;
}): IpvsModel {
  const { serviceMap, node, settings } = args;
  const b: IpvsBuild = {
    node,
    scheduler: settings.ipvs.scheduler,
    nodePortIPs: nodePortIPs(node, settings),
    nodeAddrs: new Set(node.ips),
    sets: new Map(IPSET_INFO.map((i) => [i.name, new Set<string>()])),
    virtualServers: [],
    dummy: new Set<string>(),
  };
  for (const sp of serviceMap) {
    captureClusterIP(b, sp);
    captureExternalIPs(b, sp);
    captureLoadBalancerIngress(b, sp);
    captureNodePorts(b, sp);
    if (sp.info.healthCheckNodePort) addEntry(b, 'KUBE-HEALTH-CHECK-NODE-PORT', String(sp.info.healthCheckNodePort));
  }

  const dummyAddresses = [...b.dummy].sort(compareIp);
  for (const ip of dummyAddresses) addEntry(b, 'KUBE-IPVS-IPS', ip);
  const vss = b.virtualServers.sort(
    (x, y) => PROTO_ORDER[x.protocol] - PROTO_ORDER[y.protocol] || compareIp(x.address, y.address) || x.port - y.port,
  );
  const byEntry = (type: string) => (x: string, y: string) =>
    type === 'bitmap:port' ? Number(x) - Number(y) : x < y ? -1 : x > y ? 1 : 0;
  const ipsets = IPSET_INFO.map((i) => ({ ...i, entries: [...b.sets.get(i.name)!].sort(byEntry(i.type)) }));
  return { virtualServers: vss, dummyAddresses, ipsets, nodePortIPs: b.nodePortIPs };
}

// The clusterIP: a virtual server bound to kube-ipvs0, and the hairpin entries of local endpoints
// (a local endpoint reaching itself through the service is masqueraded).
function captureClusterIP(b: IpvsBuild, sp: ProxyServicePort): void {
  const { info } = sp;
  const proto = info.protocol.toLowerCase();
  for (const e of sp.endpoints) if (e.isLocal) addEntry(b, 'KUBE-LOOP-BACK', `${e.ip},${proto}:${e.port},${e.ip}`);
  addEntry(b, 'KUBE-CLUSTER-IP', `${info.clusterIP},${proto}:${info.port}`);
  const eps = info.internalPolicyLocal ? sp.localEndpoints : sp.clusterEndpoints;
  addVirtualServer(b, info, 'clusterIP', info.clusterIP, info.port, eps);
  b.dummy.add(info.clusterIP);
}

const externalEndpoints = (sp: ProxyServicePort) =>
  sp.info.externalPolicyLocal ? sp.localEndpoints : sp.clusterEndpoints;

// externalIPs: an address that already exists on another interface is not bound to the dummy device.
function captureExternalIPs(b: IpvsBuild, sp: ProxyServicePort): void {
  const { info } = sp;
  const proto = info.protocol.toLowerCase();
  for (const ip of info.externalIPs) {
    const set = info.externalPolicyLocal ? 'KUBE-EXTERNAL-IP-LOCAL' : 'KUBE-EXTERNAL-IP';
    addEntry(b, set, `${ip},${proto}:${info.port}`);
    addVirtualServer(b, info, 'externalIP', ip, info.port, externalEndpoints(sp));
    if (!b.nodeAddrs.has(ip)) b.dummy.add(ip);
  }
}

// Load-balancer ingress IPs, with the source-range sets when loadBalancerSourceRanges is set (the
// node's own IP is allowed when a range holds it).
function captureLoadBalancerIngress(b: IpvsBuild, sp: ProxyServicePort): void {
  const { info } = sp;
  const proto = info.protocol.toLowerCase();
  for (const ip of info.loadBalancerIPs) {
    const entry = `${ip},${proto}:${info.port}`;
    addEntry(b, 'KUBE-LOAD-BALANCER', entry);
    if (info.externalPolicyLocal) addEntry(b, 'KUBE-LOAD-BALANCER-LOCAL', entry);
    if (info.loadBalancerSourceRanges.length > 0) {
      addEntry(b, 'KUBE-LOAD-BALANCER-FW', entry);
      let allowFromNode = false;
      for (const r of info.loadBalancerSourceRanges) {
        const c = parseCidr(r.trim(), true);
        if (!c) continue;
        addEntry(b, 'KUBE-LOAD-BALANCER-SOURCE-CIDR', `${entry},${r.trim()}`);
        if (b.node.ips[0] && cidrContains(c, b.node.ips[0])) allowFromNode = true;
      }
      if (allowFromNode) addEntry(b, 'KUBE-LOAD-BALANCER-SOURCE-IP', `${entry},${ip}`);
    }
    addVirtualServer(b, info, 'loadBalancer', ip, info.port, externalEndpoints(sp));
    if (!b.nodeAddrs.has(ip)) b.dummy.add(ip);
  }
}

// NodePorts: bitmap:port sets per protocol (hash sets for SCTP), a virtual server per node address.
function captureNodePorts(b: IpvsBuild, sp: ProxyServicePort): void {
  const { info } = sp;
  if (info.nodePort === 0 || b.nodePortIPs.length === 0) return;
  const local = info.externalPolicyLocal;
  if (info.protocol === 'SCTP') {
    for (const ip of b.nodePortIPs) {
      addEntry(b, 'KUBE-NODE-PORT-SCTP-HASH', `${ip},sctp:${info.nodePort}`);
      if (local) addEntry(b, 'KUBE-NODE-PORT-LOCAL-SCTP-HASH', `${ip},sctp:${info.nodePort}`);
    }
  } else {
    addEntry(b, `KUBE-NODE-PORT-${info.protocol}`, String(info.nodePort));
    if (local) addEntry(b, `KUBE-NODE-PORT-LOCAL-${info.protocol}`, String(info.nodePort));
  }
  for (const ip of b.nodePortIPs) addVirtualServer(b, info, 'nodePort', ip, info.nodePort, externalEndpoints(sp));
}

export function findVirtualServer(
  model: IpvsModel,
  protocol: Protocol,
  address: string,
  port: number,
): IpvsVirtualServer | undefined {
  return model.virtualServers.find((v) => v.protocol === protocol && v.address === address && v.port === port);
}
