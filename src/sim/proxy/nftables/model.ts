// kube-proxy's nftables ruleset (pkg/proxy/nftables/proxier.go) as data: one private table
// `ip kube-proxy` with sets, verdict maps and chains. A Service port is one map lookup
// (`service-ips`) to its own chain, then `numgen random` picks an endpoint chain that DNATs.
// SEMANTICS.md section 5; the structure follows proxier_test.go's expected transactions.

import { sha256Base32 } from '../../util/hash';
import type { Protocol } from '../../api/types';
import type { KubeProxySettings } from '../../lab';
import { cidrContains, parseCidr } from '../../net/ip';
import { externallyAccessible, usesClusterEndpoints, usesLocalEndpoints, type EndpointInfo, type ProxyNode, type ProxyServicePort, type ServicePortInfo } from '../servicemap';

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

export function buildNftTable(args: {
  serviceMap: readonly ProxyServicePort[];
  node: ProxyNode;
  settings: KubeProxySettings;
  clusterCIDR?: string;
  serviceCIDR: string;
}): NftTable {
  const { serviceMap, node, settings } = args;
  const mark = 1 << settings.masqueradeBit;
  const chains = new Map<string, NftChain>();
  const chain = (name: string, base?: NftChain['base'], comment?: string): NftChain => {
    let c = chains.get(name);
    if (!c) {
      c = { name, ...(base ? { base } : {}), ...(comment ? { comment } : {}), rules: [] };
      chains.set(name, c);
    }
    return c;
  };
  const rule = (chainName: string, id: string, stmts: NftStmt[], comment?: string) => {
    chain(chainName).rules.push({ id: `${chainName}#${id}`, stmts, ...(comment ? { comment } : {}) });
  };
  const jump = (c: string): NftStmt => ({ kind: 'verdict', verdict: { kind: 'jump', chain: c } });
  const goto = (c: string): NftStmt => ({ kind: 'verdict', verdict: { kind: 'goto', chain: c } });

  const clusterIPs: string[] = [];
  const nodeportIPs = nftNodePortIPs(node, settings);
  const maps: Record<string, NftMap> = {
    'firewall-ips': { name: 'firewall-ips', keyType: 'ipv4_addr . inet_proto . inet_service', comment: 'destinations that are subject to LoadBalancerSourceRanges', elements: [] },
    'no-endpoint-nodeports': { name: 'no-endpoint-nodeports', keyType: 'inet_proto . inet_service', comment: 'vmap to drop or reject packets to service nodeports with no endpoints', elements: [] },
    'no-endpoint-services': { name: 'no-endpoint-services', keyType: 'ipv4_addr . inet_proto . inet_service', comment: 'vmap to drop or reject packets to services with no endpoints', elements: [] },
    'service-ips': { name: 'service-ips', keyType: 'ipv4_addr . inet_proto . inet_service', comment: 'ClusterIP, ExternalIP and LoadBalancer IP traffic', elements: [] },
    'service-nodeports': { name: 'service-nodeports', keyType: 'inet_proto . inet_service', comment: 'NodePort traffic', elements: [] },
  };
  const affinitySets: NftSet[] = [];

  // The fixed chains, in the order kube-proxy creates them.
  chain('cluster-ips-check');
  chain('filter-prerouting-pre-dnat', { type: 'filter', hook: 'prerouting', priority: -110 });
  chain('filter-output-pre-dnat', { type: 'filter', hook: 'output', priority: -110 });
  chain('filter-forward', { type: 'filter', hook: 'forward', priority: 0 });
  chain('filter-input', { type: 'filter', hook: 'input', priority: 0 });
  chain('filter-output', { type: 'filter', hook: 'output', priority: 0 });
  chain('firewall-check');
  chain('mark-for-masquerade');
  chain('masquerading');
  chain('nat-output', { type: 'nat', hook: 'output', priority: -100 });
  chain('nat-postrouting', { type: 'nat', hook: 'postrouting', priority: 100 });
  chain('nat-prerouting', { type: 'nat', hook: 'prerouting', priority: -100 });
  chain('nodeport-endpoints-check');
  chain('reject-chain', undefined, 'helper for @no-endpoint-services / @no-endpoint-nodeports');
  chain('services');
  chain('service-endpoints-check');

  rule('cluster-ips-check', 'invalid-port', [{ kind: 'ipInSet', field: 'daddr', set: 'cluster-ips' }, { kind: 'verdict', verdict: { kind: 'reject' } }], 'Reject traffic to invalid ports of ClusterIPs');
  rule('cluster-ips-check', 'unallocated', [{ kind: 'ip', field: 'daddr', values: [args.serviceCIDR] }, { kind: 'verdict', verdict: { kind: 'drop' } }], 'Drop traffic to unallocated ClusterIPs');
  rule('filter-prerouting-pre-dnat', 'firewall', [{ kind: 'ctStateNew' }, jump('firewall-check')]);
  rule('filter-output-pre-dnat', 'firewall', [{ kind: 'ctStateNew' }, jump('firewall-check')]);
  rule('filter-forward', 'endpoints', [{ kind: 'ctStateNew' }, jump('service-endpoints-check')]);
  rule('filter-forward', 'cluster-ips', [{ kind: 'ctStateNew' }, jump('cluster-ips-check')]);
  rule('filter-input', 'nodeports', [{ kind: 'ctStateNew' }, jump('nodeport-endpoints-check')]);
  rule('filter-input', 'endpoints', [{ kind: 'ctStateNew' }, jump('service-endpoints-check')]);
  rule('filter-output', 'endpoints', [{ kind: 'ctStateNew' }, jump('service-endpoints-check')]);
  rule('filter-output', 'cluster-ips', [{ kind: 'ctStateNew' }, jump('cluster-ips-check')]);
  rule('firewall-check', 'vmap', [{ kind: 'vmap', key: 'daddr-proto-dport', map: 'firewall-ips' }]);
  rule('mark-for-masquerade', 'mark', [{ kind: 'setMark', op: 'or', value: mark }]);
  rule('masquerading', 'not-marked', [{ kind: 'markUnset', mask: mark }, { kind: 'verdict', verdict: { kind: 'return' } }]);
  rule('masquerading', 'unmark', [{ kind: 'setMark', op: 'xor', value: mark }]);
  rule('masquerading', 'masquerade', [{ kind: 'masquerade', fullyRandom: true }]);
  rule('nat-output', 'services', [jump('services')]);
  rule('nat-postrouting', 'masquerading', [jump('masquerading')]);
  rule('nat-prerouting', 'services', [jump('services')]);
  rule('nodeport-endpoints-check', 'vmap', [{ kind: 'ipInSet', field: 'daddr', set: 'nodeport-ips' }, { kind: 'vmap', key: 'proto-dport', map: 'no-endpoint-nodeports' }]);
  rule('reject-chain', 'reject', [{ kind: 'verdict', verdict: { kind: 'reject' } }]);
  rule('services', 'service-ips', [{ kind: 'vmap', key: 'daddr-proto-dport', map: 'service-ips' }]);
  rule('services', 'service-nodeports', [{ kind: 'ipInSet', field: 'daddr', set: 'nodeport-ips' }, { kind: 'vmap', key: 'proto-dport', map: 'service-nodeports' }]);
  rule('service-endpoints-check', 'vmap', [{ kind: 'vmap', key: 'daddr-proto-dport', map: 'no-endpoint-services' }]);

  const clusterCIDR = args.clusterCIDR;
  for (const sp of serviceMap) {
    const info = sp.info;
    const proto = l4(info.protocol);
    const names = serviceChainNames(info);
    const { clusterEndpoints, localEndpoints, allReachableEndpoints, hasAnyEndpoints } = sp;
    const usesCluster = clusterEndpoints.length > 0 && usesClusterEndpoints(info);
    const usesLocal = localEndpoints.length > 0 && usesLocalEndpoints(info);
    const internalChain = info.internalPolicyLocal ? names.local : names.cluster;
    const hasInternal = hasAnyEndpoints && !(info.internalPolicyLocal && localEndpoints.length === 0);
    const externalPolicyChain = info.externalPolicyLocal ? names.local : names.cluster;
    const hasExternal = hasAnyEndpoints && !(info.externalPolicyLocal && localEndpoints.length === 0);
    const usesExternal = hasAnyEndpoints && externallyAccessible(info);
    const internalFilter: NftVerdict = !hasAnyEndpoints ? { kind: 'goto', chain: 'reject-chain' } : { kind: 'drop' };
    const externalFilter: NftVerdict = internalFilter;
    const key = (ip: string) => [ip, proto, String(info.port)];

    // Chains are created in this order so the listing groups a service's chains together.
    if (usesCluster) chain(names.cluster);
    if (usesLocal) chain(names.local);
    if (usesExternal) chain(names.external);

    clusterIPs.push(info.clusterIP);
    if (hasInternal) maps['service-ips']!.elements.push({ key: key(info.clusterIP), verdict: { kind: 'goto', chain: internalChain } });
    else maps['no-endpoint-services']!.elements.push({ key: key(info.clusterIP), comment: info.name, verdict: internalFilter });

    for (const ip of info.externalIPs) {
      if (hasAnyEndpoints) maps['service-ips']!.elements.push({ key: key(ip), verdict: { kind: 'goto', chain: names.external } });
      if (!hasExternal) maps['no-endpoint-services']!.elements.push({ key: key(ip), comment: info.name, verdict: externalFilter });
    }
    const usesFW = info.loadBalancerIPs.length > 0 && info.loadBalancerSourceRanges.length > 0;
    for (const ip of info.loadBalancerIPs) {
      if (hasAnyEndpoints) maps['service-ips']!.elements.push({ key: key(ip), verdict: { kind: 'goto', chain: names.external } });
      if (usesFW) maps['firewall-ips']!.elements.push({ key: key(ip), verdict: { kind: 'goto', chain: names.firewall } });
    }
    if (!hasExternal) for (const ip of info.loadBalancerIPs) maps['no-endpoint-services']!.elements.push({ key: key(ip), comment: info.name, verdict: externalFilter });
    if (info.nodePort !== 0) {
      const npKey = [proto, String(info.nodePort)];
      if (hasAnyEndpoints) maps['service-nodeports']!.elements.push({ key: npKey, verdict: { kind: 'goto', chain: names.external } });
      if (!hasExternal) maps['no-endpoint-nodeports']!.elements.push({ key: npKey, comment: info.name, verdict: externalFilter });
    }

    if (hasInternal) {
      const dst: NftStmt[] = [{ kind: 'ip', field: 'daddr', values: [info.clusterIP] }, { kind: 'dport', protocol: proto, port: info.port }];
      if (settings.masqueradeAll) rule(internalChain, 'masq', [...dst, jump('mark-for-masquerade')]);
      else if (clusterCIDR) rule(internalChain, 'masq', [...dst, { kind: 'ip', field: 'saddr', negate: true, values: [clusterCIDR] }, jump('mark-for-masquerade')]);
    }
    if (usesExternal) {
      if (!info.externalPolicyLocal) {
        rule(names.external, 'masq', [jump('mark-for-masquerade')]);
      } else {
        if (clusterCIDR) rule(names.external, 'pods', [{ kind: 'ip', field: 'saddr', values: [clusterCIDR] }, goto(names.cluster)], 'short-circuit pod traffic');
        rule(names.external, 'local-masq', [{ kind: 'fibSaddrLocal' }, jump('mark-for-masquerade')], 'masquerade local traffic');
        rule(names.external, 'local', [{ kind: 'fibSaddrLocal' }, goto(names.cluster)], 'short-circuit local traffic');
      }
      if (hasExternal) rule(names.external, 'policy', [goto(externalPolicyChain)]);
    }
    if (usesFW) {
      const sources = info.loadBalancerSourceRanges.map((r) => r.trim());
      const nodeIP = node.ips[0];
      if (nodeIP && sources.some((r) => { const c = parseCidr(r, true); return !!c && cidrContains(c, nodeIP); })) sources.push(...info.loadBalancerIPs);
      rule(names.firewall, 'drop', [{ kind: 'ip', field: 'saddr', negate: true, values: sources }, { kind: 'verdict', verdict: { kind: 'drop' } }]);
    }
    const affinity = info.stickyMaxAgeSeconds > 0;
    const epChain = (ep: EndpointInfo) => `endpoint-${endpointChainBase(info, ep)}`;
    const affinitySet = (ep: EndpointInfo) => `affinity-${endpointChainBase(info, ep)}`;
    if (affinity) {
      for (const ep of allReachableEndpoints) affinitySets.push({ name: affinitySet(ep), type: 'ipv4_addr', timeoutSeconds: info.stickyMaxAgeSeconds, elements: [] });
    }
    const writeEndpointRules = (chainName: string, eps: readonly EndpointInfo[]) => {
      if (affinity) for (const ep of eps) rule(chainName, `affinity:${ep.endpoint}`, [{ kind: 'ipInSet', field: 'saddr', set: affinitySet(ep) }, goto(epChain(ep))]);
      rule(chainName, 'numgen', [{ kind: 'numgen', chains: eps.map(epChain) }]);
    };
    if (usesCluster) writeEndpointRules(names.cluster, clusterEndpoints);
    if (usesLocal) writeEndpointRules(names.local, localEndpoints);
    for (const ep of allReachableEndpoints) {
      const c = epChain(ep);
      rule(c, 'hairpin', [{ kind: 'ip', field: 'saddr', values: [ep.ip] }, jump('mark-for-masquerade')]);
      if (affinity) rule(c, 'affinity', [{ kind: 'updateSet', set: affinitySet(ep) }]);
      rule(c, 'dnat', [{ kind: 'dnat', protocol: proto, ip: ep.ip, port: ep.port }]);
    }
  }

  return {
    family: 'ip',
    name: 'kube-proxy',
    comment: 'rules for kube-proxy',
    sets: [
      { kind: 'set', name: 'cluster-ips', type: 'ipv4_addr', comment: 'Active ClusterIPs', elements: [...new Set(clusterIPs)] },
      { kind: 'set', name: 'nodeport-ips', type: 'ipv4_addr', comment: 'IPs that accept NodePort traffic', elements: nodeportIPs },
      ...Object.values(maps).map((m) => ({ kind: 'map' as const, ...m })),
      ...affinitySets.map((s) => ({ kind: 'set' as const, ...s })),
    ],
    chains: [...chains.values()],
  };
}
