// kube-proxy's nftables ruleset (pkg/proxy/nftables/proxier.go) as data: one private table
// `ip kube-proxy` with sets, verdict maps and chains. A Service port is one map lookup
// (`service-ips`) to its own chain, then `numgen random` picks an endpoint chain that DNATs.
// SEMANTICS.md section 5; the structure follows proxier_test.go's expected transactions.

import { sha256Base32 } from '../../util/hash';
import type { Protocol } from '../../api/types';
import type { KubeProxySettings } from '../../lab';
import { cidrContains, parseCidr } from '../../net/ip';
import {
  externallyAccessible,
  usesClusterEndpoints,
  usesLocalEndpoints,
  type EndpointInfo,
  type ProxyNode,
  type ProxyServicePort,
  type ServicePortInfo,
} from '../servicemap';

export type NftVerdict =
  | { kind: 'jump'; chain: string }
  | { kind: 'goto'; chain: string }
  | { kind: 'return' }
  | { kind: 'accept' }
  | { kind: 'drop' }
  | { kind: 'reject' };

/** The statements kube-proxy writes, each a typed element of an nft rule, in rule order. */
export type NftStmt =
  /** `ip saddr|daddr [!=] <addr or cidr>`; several values form an anonymous set `{ a, b }`. */
  | { kind: 'ip'; field: 'saddr' | 'daddr'; negate?: boolean; values: string[] }
  /** `ip saddr|daddr @set` */
  | { kind: 'ipInSet'; field: 'saddr' | 'daddr'; set: string }
  /** `tcp dport 80` */
  | { kind: 'dport'; protocol: 'tcp' | 'udp' | 'sctp'; port: number }
  /** `fib saddr type local`: the source is one of this host's addresses. */
  | { kind: 'fibSaddrLocal' }
  /** `ct state new` */
  | { kind: 'ctStateNew' }
  /** `meta mark & <mask> == 0` */
  | { kind: 'markUnset'; mask: number }
  /** `<key> vmap @map`: ip daddr . meta l4proto . th dport, or meta l4proto . th dport. */
  | { kind: 'vmap'; key: 'daddr-proto-dport' | 'proto-dport'; map: string }
  /** `numgen random mod N vmap { 0 : goto a, 1 : goto b }` */
  | { kind: 'numgen'; chains: string[] }
  /** `meta mark set meta mark | v` / `^ v` */
  | { kind: 'setMark'; op: 'or' | 'xor'; value: number }
  | { kind: 'masquerade'; fullyRandom: boolean }
  /** `meta l4proto tcp dnat to ip:port` */
  | { kind: 'dnat'; protocol: 'tcp' | 'udp' | 'sctp'; ip: string; port: number }
  /** `update @set { ip saddr }`: adds (or refreshes) the source in a timeout set. */
  | { kind: 'updateSet'; set: string }
  | { kind: 'verdict'; verdict: NftVerdict };

export interface NftRule {
  id: string;
  stmts: NftStmt[];
  comment?: string;
}

export type NftHook = 'prerouting' | 'input' | 'forward' | 'output' | 'postrouting';

export interface NftChain {
  name: string;
  base?: { type: 'nat' | 'filter'; hook: NftHook; priority: number };
  comment?: string;
  rules: NftRule[];
}

export interface NftSet {
  name: string;
  type: 'ipv4_addr';
  comment?: string;
  /** Dynamic timeout sets (session affinity) are filled by the packet path, not by kube-proxy. */
  timeoutSeconds?: number;
  elements: string[];
}

export type NftMapKeyType = 'ipv4_addr . inet_proto . inet_service' | 'inet_proto . inet_service';

export interface NftMapElement {
  /** Key fields: [ip, proto, port] or [proto, port]. */
  key: string[];
  comment?: string;
  verdict: NftVerdict;
}

export interface NftMap {
  name: string;
  keyType: NftMapKeyType;
  comment?: string;
  elements: NftMapElement[];
}

export interface NftTable {
  family: 'ip';
  name: 'kube-proxy';
  comment: string;
  /** Sets and maps in creation order (nft lists them before the chains). */
  sets: (({ kind: 'set' } & NftSet) | ({ kind: 'map' } & NftMap))[];
  chains: NftChain[];
}

/** sha256, base32 (RFC 4648), first 8 characters: the prefix of every per-service chain name. */
export function hash8(s: string): string {
  return sha256Base32(s, 8);
}

/** "ns/name/proto/portName", the readable part of the chain names (servicePortChainNameBase). */
export function servicePortChainBase(info: ServicePortInfo): string {
  const base = `${info.namespace}/${info.service}/${info.protocol.toLowerCase()}/${info.portName}`;
  return `${hash8(base)}-${base}`;
}

export function endpointChainBase(info: ServicePortInfo, ep: EndpointInfo): string {
  const base = `${info.namespace}/${info.service}/${info.protocol.toLowerCase()}/${info.portName}__${ep.ip}/${ep.port}`;
  return `${hash8(base)}-${base}`;
}

export function serviceChainNames(info: ServicePortInfo) {
  const b = servicePortChainBase(info);
  return { cluster: `service-${b}`, local: `local-${b}`, external: `external-${b}`, firewall: `firewall-${b}` };
}

function l4(p: Protocol): 'tcp' | 'udp' | 'sctp' {
  return p.toLowerCase() as 'tcp' | 'udp' | 'sctp';
}

/** NodePorts listen on the node's primary address only unless --nodeport-addresses says otherwise (never 127.0.0.1). */
export function nftNodePortIPs(node: ProxyNode, settings: KubeProxySettings): string[] {
  const want = settings.nodePortAddresses;
  if (want.length === 0 || want.includes('primary')) return node.ips.slice(0, 1);
  return node.ips.filter((ip) => want.some((w) => {
    const c = parseCidr(w, true);
    return !!c && cidrContains(c, ip);
  }));
}

const jump = (c: string): NftStmt => ({ kind: 'verdict', verdict: { kind: 'jump', chain: c } });
const goto = (c: string): NftStmt => ({ kind: 'verdict', verdict: { kind: 'goto', chain: c } });
const verdict = (v: NftVerdict): NftStmt => ({ kind: 'verdict', verdict: v });

type MapName = 'firewall-ips' | 'no-endpoint-nodeports' | 'no-endpoint-services' | 'service-ips' | 'service-nodeports';

/** The table being written: chains in creation order, the verdict maps, the affinity sets. */
class NftTableWriter {
  readonly chains = new Map<string, NftChain>();
  readonly clusterIPs: string[] = [];
  readonly affinitySets: NftSet[] = [];
  readonly maps: Record<MapName, NftMap> = {
    'firewall-ips': {
      name: 'firewall-ips',
      keyType: 'ipv4_addr . inet_proto . inet_service',
      comment: 'destinations that are subject to LoadBalancerSourceRanges',
      elements: [],
    },
    'no-endpoint-nodeports': {
      name: 'no-endpoint-nodeports',
      keyType: 'inet_proto . inet_service',
      comment: 'vmap to drop or reject packets to service nodeports with no endpoints',
      elements: [],
    },
    'no-endpoint-services': {
      name: 'no-endpoint-services',
      keyType: 'ipv4_addr . inet_proto . inet_service',
      comment: 'vmap to drop or reject packets to services with no endpoints',
      elements: [],
    },
    'service-ips': {
      name: 'service-ips',
      keyType: 'ipv4_addr . inet_proto . inet_service',
      comment: 'ClusterIP, ExternalIP and LoadBalancer IP traffic',
      elements: [],
    },
    'service-nodeports': {
      name: 'service-nodeports',
      keyType: 'inet_proto . inet_service',
      comment: 'NodePort traffic',
      elements: [],
    },
  };

  chain(name: string, base?: NftChain['base'], comment?: string): NftChain {
    let c = this.chains.get(name);
    if (!c) {
      c = { name, ...(base ? { base } : {}), ...(comment ? { comment } : {}), rules: [] };
      this.chains.set(name, c);
    }
    return c;
  }

  rule(chainName: string, id: string, stmts: NftStmt[], comment?: string): void {
    this.chain(chainName).rules.push({ id: `${chainName}#${id}`, stmts, ...(comment ? { comment } : {}) });
  }

  element(map: MapName, element: NftMapElement): void {
    this.maps[map].elements.push(element);
  }
}

/** The fixed chains and rules, in the order kube-proxy creates them (setupNFTables). */
function writeBaseChains(w: NftTableWriter, mark: number, serviceCIDR: string): void {
  w.chain('cluster-ips-check');
  w.chain('filter-prerouting-pre-dnat', { type: 'filter', hook: 'prerouting', priority: -110 });
  w.chain('filter-output-pre-dnat', { type: 'filter', hook: 'output', priority: -110 });
  w.chain('filter-forward', { type: 'filter', hook: 'forward', priority: 0 });
  w.chain('filter-input', { type: 'filter', hook: 'input', priority: 0 });
  w.chain('filter-output', { type: 'filter', hook: 'output', priority: 0 });
  w.chain('firewall-check');
  w.chain('mark-for-masquerade');
  w.chain('masquerading');
  w.chain('nat-output', { type: 'nat', hook: 'output', priority: -100 });
  w.chain('nat-postrouting', { type: 'nat', hook: 'postrouting', priority: 100 });
  w.chain('nat-prerouting', { type: 'nat', hook: 'prerouting', priority: -100 });
  w.chain('nodeport-endpoints-check');
  w.chain('reject-chain', undefined, 'helper for @no-endpoint-services / @no-endpoint-nodeports');
  w.chain('services');
  w.chain('service-endpoints-check');

  const clusterIPs: NftStmt = { kind: 'ipInSet', field: 'daddr', set: 'cluster-ips' };
  const nodePortIPs: NftStmt = { kind: 'ipInSet', field: 'daddr', set: 'nodeport-ips' };
  const unallocated: NftStmt = { kind: 'ip', field: 'daddr', values: [serviceCIDR] };
  const ctNew: NftStmt = { kind: 'ctStateNew' };
  const invalidPort = 'Reject traffic to invalid ports of ClusterIPs';
  w.rule('cluster-ips-check', 'invalid-port', [clusterIPs, verdict({ kind: 'reject' })], invalidPort);
  const unallocatedIPs = 'Drop traffic to unallocated ClusterIPs';
  w.rule('cluster-ips-check', 'unallocated', [unallocated, verdict({ kind: 'drop' })], unallocatedIPs);
  w.rule('filter-prerouting-pre-dnat', 'firewall', [ctNew, jump('firewall-check')]);
  w.rule('filter-output-pre-dnat', 'firewall', [ctNew, jump('firewall-check')]);
  w.rule('filter-forward', 'endpoints', [ctNew, jump('service-endpoints-check')]);
  w.rule('filter-forward', 'cluster-ips', [ctNew, jump('cluster-ips-check')]);
  w.rule('filter-input', 'nodeports', [ctNew, jump('nodeport-endpoints-check')]);
  w.rule('filter-input', 'endpoints', [ctNew, jump('service-endpoints-check')]);
  w.rule('filter-output', 'endpoints', [ctNew, jump('service-endpoints-check')]);
  w.rule('filter-output', 'cluster-ips', [ctNew, jump('cluster-ips-check')]);
  w.rule('firewall-check', 'vmap', [{ kind: 'vmap', key: 'daddr-proto-dport', map: 'firewall-ips' }]);
  w.rule('mark-for-masquerade', 'mark', [{ kind: 'setMark', op: 'or', value: mark }]);
  w.rule('masquerading', 'not-marked', [{ kind: 'markUnset', mask: mark }, verdict({ kind: 'return' })]);
  w.rule('masquerading', 'unmark', [{ kind: 'setMark', op: 'xor', value: mark }]);
  w.rule('masquerading', 'masquerade', [{ kind: 'masquerade', fullyRandom: true }]);
  w.rule('nat-output', 'services', [jump('services')]);
  w.rule('nat-postrouting', 'masquerading', [jump('masquerading')]);
  w.rule('nat-prerouting', 'services', [jump('services')]);
  const noEndpointNodePorts: NftStmt = { kind: 'vmap', key: 'proto-dport', map: 'no-endpoint-nodeports' };
  w.rule('nodeport-endpoints-check', 'vmap', [nodePortIPs, noEndpointNodePorts]);
  w.rule('reject-chain', 'reject', [verdict({ kind: 'reject' })]);
  w.rule('services', 'service-ips', [{ kind: 'vmap', key: 'daddr-proto-dport', map: 'service-ips' }]);
  const serviceNodePorts: NftStmt = { kind: 'vmap', key: 'proto-dport', map: 'service-nodeports' };
  w.rule('services', 'service-nodeports', [nodePortIPs, serviceNodePorts]);
  w.rule('service-endpoints-check', 'vmap', [{ kind: 'vmap', key: 'daddr-proto-dport', map: 'no-endpoint-services' }]);
}

/** What the per-service loop decides before it writes: chains used and where each traffic goes. */
interface NftServicePlan {
  sp: ProxyServicePort;
  info: ServicePortInfo;
  proto: 'tcp' | 'udp' | 'sctp';
  names: ReturnType<typeof serviceChainNames>;
  usesCluster: boolean;
  usesLocal: boolean;
  internalChain: string;
  hasInternal: boolean;
  externalPolicyChain: string;
  hasExternal: boolean;
  usesExternal: boolean;
  usesFW: boolean;
  /** Where traffic with no (local) endpoint goes: reject-chain, or drop. */
  internalFilter: NftVerdict;
  externalFilter: NftVerdict;
}

function nftServicePlan(sp: ProxyServicePort): NftServicePlan {
  const info = sp.info;
  const names = serviceChainNames(info);
  const { clusterEndpoints, localEndpoints, hasAnyEndpoints } = sp;
  const internalFilter: NftVerdict = !hasAnyEndpoints ? { kind: 'goto', chain: 'reject-chain' } : { kind: 'drop' };
  return {
    sp,
    info,
    proto: l4(info.protocol),
    names,
    usesCluster: clusterEndpoints.length > 0 && usesClusterEndpoints(info),
    usesLocal: localEndpoints.length > 0 && usesLocalEndpoints(info),
    internalChain: info.internalPolicyLocal ? names.local : names.cluster,
    hasInternal: hasAnyEndpoints && !(info.internalPolicyLocal && localEndpoints.length === 0),
    externalPolicyChain: info.externalPolicyLocal ? names.local : names.cluster,
    hasExternal: hasAnyEndpoints && !(info.externalPolicyLocal && localEndpoints.length === 0),
    usesExternal: hasAnyEndpoints && externallyAccessible(info),
    usesFW: info.loadBalancerIPs.length > 0 && info.loadBalancerSourceRanges.length > 0,
    internalFilter,
    externalFilter: internalFilter,
  };
}

/** The service's entries in the verdict maps: its ClusterIP, external IPs, load-balancer IPs and
 *  NodePort go to its chains, or to drop/reject when it has no (local) endpoints. */
function writeServiceMapElements(w: NftTableWriter, p: NftServicePlan): void {
  const { info, names, proto } = p;
  const hasAnyEndpoints = p.sp.hasAnyEndpoints;
  const key = (ip: string) => [ip, proto, String(info.port)];
  const toExternal: NftVerdict = { kind: 'goto', chain: names.external };

  w.clusterIPs.push(info.clusterIP);
  if (p.hasInternal) {
    w.element('service-ips', { key: key(info.clusterIP), verdict: { kind: 'goto', chain: p.internalChain } });
  } else w.element('no-endpoint-services', { key: key(info.clusterIP), comment: info.name, verdict: p.internalFilter });

  for (const ip of info.externalIPs) {
    if (hasAnyEndpoints) w.element('service-ips', { key: key(ip), verdict: toExternal });
    if (!p.hasExternal) {
      w.element('no-endpoint-services', { key: key(ip), comment: info.name, verdict: p.externalFilter });
    }
  }
  for (const ip of info.loadBalancerIPs) {
    if (hasAnyEndpoints) w.element('service-ips', { key: key(ip), verdict: toExternal });
    if (p.usesFW) w.element('firewall-ips', { key: key(ip), verdict: { kind: 'goto', chain: names.firewall } });
  }
  if (!p.hasExternal) {
    for (const ip of info.loadBalancerIPs) {
      w.element('no-endpoint-services', { key: key(ip), comment: info.name, verdict: p.externalFilter });
    }
  }
  if (info.nodePort !== 0) {
    const npKey = [proto, String(info.nodePort)];
    if (hasAnyEndpoints) w.element('service-nodeports', { key: npKey, verdict: toExternal });
    if (!p.hasExternal) {
      w.element('no-endpoint-nodeports', { key: npKey, comment: info.name, verdict: p.externalFilter });
    }
  }
}

/** The service's own chains before the endpoints: the internal chain's masquerade rule, the external
 *  chain (masquerade, or short-circuits for externalTrafficPolicy Local), the firewall chain. */
function writeServiceChains(
  w: NftTableWriter,
  p: NftServicePlan,
  settings: KubeProxySettings,
  node: ProxyNode,
  clusterCIDR?: string,
): void {
  const { info, names, proto } = p;
  if (p.hasInternal) {
    const dst: NftStmt[] = [
      { kind: 'ip', field: 'daddr', values: [info.clusterIP] },
      { kind: 'dport', protocol: proto, port: info.port },
    ];
    if (settings.masqueradeAll) w.rule(p.internalChain, 'masq', [...dst, jump('mark-for-masquerade')]);
    else if (clusterCIDR) {
      const notPods: NftStmt = { kind: 'ip', field: 'saddr', negate: true, values: [clusterCIDR] };
      w.rule(p.internalChain, 'masq', [...dst, notPods, jump('mark-for-masquerade')]);
    }
  }
  if (p.usesExternal) {
    if (!info.externalPolicyLocal) {
      w.rule(names.external, 'masq', [jump('mark-for-masquerade')]);
    } else {
      if (clusterCIDR) {
        const pods: NftStmt = { kind: 'ip', field: 'saddr', values: [clusterCIDR] };
        w.rule(names.external, 'pods', [pods, goto(names.cluster)], 'short-circuit pod traffic');
      }
      const localMasq = [{ kind: 'fibSaddrLocal' } as const, jump('mark-for-masquerade')];
      w.rule(names.external, 'local-masq', localMasq, 'masquerade local traffic');
      w.rule(names.external, 'local', [{ kind: 'fibSaddrLocal' }, goto(names.cluster)], 'short-circuit local traffic');
    }
    if (p.hasExternal) w.rule(names.external, 'policy', [goto(p.externalPolicyChain)]);
  }
  if (p.usesFW) {
    const sources = info.loadBalancerSourceRanges.map((r) => r.trim());
    const nodeIP = node.ips[0];
    const holdsNode = (r: string) => {
      const c = parseCidr(r, true);
      return !!c && !!nodeIP && cidrContains(c, nodeIP);
    };
    if (nodeIP && sources.some(holdsNode)) sources.push(...info.loadBalancerIPs);
    const notAllowed: NftStmt = { kind: 'ip', field: 'saddr', negate: true, values: sources };
    w.rule(names.firewall, 'drop', [notAllowed, verdict({ kind: 'drop' })]);
  }
}

/** The endpoint choice (affinity sets first, then `numgen random`) and the per-endpoint chains
 *  (hairpin masquerade mark, affinity update, DNAT). */
function writeEndpointChains(w: NftTableWriter, p: NftServicePlan): void {
  const { info, names, proto, sp } = p;
  const affinity = info.stickyMaxAgeSeconds > 0;
  const epChain = (ep: EndpointInfo) => `endpoint-${endpointChainBase(info, ep)}`;
  const affinitySet = (ep: EndpointInfo) => `affinity-${endpointChainBase(info, ep)}`;
  if (affinity) {
    for (const ep of sp.allReachableEndpoints) {
      const timeoutSeconds = info.stickyMaxAgeSeconds;
      w.affinitySets.push({ name: affinitySet(ep), type: 'ipv4_addr', timeoutSeconds, elements: [] });
    }
  }
  const writeEndpointRules = (chainName: string, eps: readonly EndpointInfo[]) => {
    if (affinity) {
      for (const ep of eps) {
        const inSet: NftStmt = { kind: 'ipInSet', field: 'saddr', set: affinitySet(ep) };
        w.rule(chainName, `affinity:${ep.endpoint}`, [inSet, goto(epChain(ep))]);
      }
    }
    w.rule(chainName, 'numgen', [{ kind: 'numgen', chains: eps.map(epChain) }]);
  };
  if (p.usesCluster) writeEndpointRules(names.cluster, sp.clusterEndpoints);
  if (p.usesLocal) writeEndpointRules(names.local, sp.localEndpoints);
  for (const ep of sp.allReachableEndpoints) {
    const c = epChain(ep);
    w.rule(c, 'hairpin', [{ kind: 'ip', field: 'saddr', values: [ep.ip] }, jump('mark-for-masquerade')]);
    if (affinity) w.rule(c, 'affinity', [{ kind: 'updateSet', set: affinitySet(ep) }]);
    w.rule(c, 'dnat', [{ kind: 'dnat', protocol: proto, ip: ep.ip, port: ep.port }]);
  }
}

export function buildNftTable(args: {
  serviceMap: readonly ProxyServicePort[];
  node: ProxyNode;
  settings: KubeProxySettings;
  clusterCIDR?: string;
  serviceCIDR: string;
}): NftTable {
  const { serviceMap, node, settings } = args;
  const w = new NftTableWriter();
  writeBaseChains(w, 1 << settings.masqueradeBit, args.serviceCIDR);
  for (const sp of serviceMap) {
    const plan = nftServicePlan(sp);
    // Chains are created in this order so the listing groups a service's chains together.
    if (plan.usesCluster) w.chain(plan.names.cluster);
    if (plan.usesLocal) w.chain(plan.names.local);
    if (plan.usesExternal) w.chain(plan.names.external);
    writeServiceMapElements(w, plan);
    writeServiceChains(w, plan, settings, node, args.clusterCIDR);
    writeEndpointChains(w, plan);
  }
  return {
    family: 'ip',
    name: 'kube-proxy',
    comment: 'rules for kube-proxy',
    sets: [
      {
        kind: 'set',
        name: 'cluster-ips',
        type: 'ipv4_addr',
        comment: 'Active ClusterIPs',
        elements: [...new Set(w.clusterIPs)],
      },
      {
        kind: 'set',
        name: 'nodeport-ips',
        type: 'ipv4_addr',
        comment: 'IPs that accept NodePort traffic',
        elements: nftNodePortIPs(node, settings),
      },
      ...Object.values(w.maps).map((m) => ({ kind: 'map' as const, ...m })),
      ...w.affinitySets.map((s) => ({ kind: 'set' as const, ...s })),
    ],
    chains: [...w.chains.values()],
  };
}
