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

export function buildIpvsModel(args: {
  serviceMap: readonly ProxyServicePort[];
  node: ProxyNode;
  settings: KubeProxySettings;
}): IpvsModel {
  const { serviceMap, node, settings } = args;
  const scheduler = settings.ipvs.scheduler;
  const npIPs = nodePortIPs(node, settings);
  const nodeAddrs = new Set(node.ips);
  const sets = new Map(IPSET_INFO.map((i) => [i.name, new Set<string>()]));
  const add = (set: string, entry: string) => sets.get(set)!.add(entry);
  const vss: IpvsVirtualServer[] = [];
  const dummy = new Set<string>();

  for (const sp of serviceMap) {
    const info = sp.info;
    const proto = info.protocol.toLowerCase();
    const vs = (kind: VirtualServerKind, address: string, port: number, eps: readonly EndpointInfo[]) => {
      vss.push({
        key: `${info.protocol} ${address}:${port}`,
        protocol: info.protocol,
        address,
        port,
        scheduler,
        persistentTimeout: info.stickyMaxAgeSeconds,
        kind,
        service: info,
        realServers: realServers(eps),
      });
    };
    // Hairpin: a local endpoint reaching itself through the service is masqueraded.
    for (const e of sp.endpoints) if (e.isLocal) add('KUBE-LOOP-BACK', `${e.ip},${proto}:${e.port},${e.ip}`);

    add('KUBE-CLUSTER-IP', `${info.clusterIP},${proto}:${info.port}`);
    vs('clusterIP', info.clusterIP, info.port, info.internalPolicyLocal ? sp.localEndpoints : sp.clusterEndpoints);
    dummy.add(info.clusterIP);

    const externalEps = info.externalPolicyLocal ? sp.localEndpoints : sp.clusterEndpoints;
    for (const ip of info.externalIPs) {
      add(info.externalPolicyLocal ? 'KUBE-EXTERNAL-IP-LOCAL' : 'KUBE-EXTERNAL-IP', `${ip},${proto}:${info.port}`);
      vs('externalIP', ip, info.port, externalEps);
      // An address that already exists on another interface is not bound to the dummy device.
      if (!nodeAddrs.has(ip)) dummy.add(ip);
    }
    for (const ip of info.loadBalancerIPs) {
      const entry = `${ip},${proto}:${info.port}`;
      add('KUBE-LOAD-BALANCER', entry);
      if (info.externalPolicyLocal) add('KUBE-LOAD-BALANCER-LOCAL', entry);
      if (info.loadBalancerSourceRanges.length > 0) {
        add('KUBE-LOAD-BALANCER-FW', entry);
        let allowFromNode = false;
        for (const r of info.loadBalancerSourceRanges) {
          const c = parseCidr(r.trim(), true);
          if (!c) continue;
          add('KUBE-LOAD-BALANCER-SOURCE-CIDR', `${entry},${r.trim()}`);
          if (node.ips[0] && cidrContains(c, node.ips[0])) allowFromNode = true;
        }
        if (allowFromNode) add('KUBE-LOAD-BALANCER-SOURCE-IP', `${entry},${ip}`);
      }
      vs('loadBalancer', ip, info.port, externalEps);
      if (!nodeAddrs.has(ip)) dummy.add(ip);
    }
    if (info.nodePort !== 0 && npIPs.length > 0) {
      const local = info.externalPolicyLocal;
      if (info.protocol === 'SCTP') {
        for (const ip of npIPs) {
          add('KUBE-NODE-PORT-SCTP-HASH', `${ip},sctp:${info.nodePort}`);
          if (local) add('KUBE-NODE-PORT-LOCAL-SCTP-HASH', `${ip},sctp:${info.nodePort}`);
        }
      } else {
        add(`KUBE-NODE-PORT-${info.protocol}`, String(info.nodePort));
        if (local) add(`KUBE-NODE-PORT-LOCAL-${info.protocol}`, String(info.nodePort));
      }
      for (const ip of npIPs) vs('nodePort', ip, info.nodePort, externalEps);
    }
    if (info.healthCheckNodePort) add('KUBE-HEALTH-CHECK-NODE-PORT', String(info.healthCheckNodePort));
  }

  const dummyAddresses = [...dummy].sort(compareIp);
  for (const ip of dummyAddresses) add('KUBE-IPVS-IPS', ip);
  vss.sort((a, b) => PROTO_ORDER[a.protocol] - PROTO_ORDER[b.protocol] || compareIp(
    a.address,
    b.address,
  ) || a.port - b.port);
  const ipsets = IPSET_INFO.map((i) => ({
    ...i,
    entries: [...sets.get(i.name)!].sort((
      a,
      b,
    ) => (i.type === 'bitmap:port' ? Number(a) - Number(b) : a < b ? -1 : a > b ? 1 : 0)),
  }));
  return { virtualServers: vss, dummyAddresses, ipsets, nodePortIPs: npIPs };
}

export function findVirtualServer(model: IpvsModel, protocol: Protocol, address: string, port: number): IpvsVirtualServer | undefined {
  return model.virtualServers.find((v) => v.protocol === protocol && v.address === address && v.port === port);
}
