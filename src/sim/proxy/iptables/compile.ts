// kube-proxy's iptables mode for one node: syncProxyRules (pkg/proxy/iptables/proxier.go) turned
// into a function from the service map to a netfilter Ruleset. SEMANTICS.md section 2.
//
// The payload is the restore text kube-proxy writes (*filter, then *nat), shown in the order
// kube-proxy's own tests compare it in: KUBE-NODEPORTS, KUBE-SERVICES, then the other chains
// alphabetically, rules in generation order inside each chain, services sorted by name.
// kube-proxy's jump rules from the built-in chains are a separate Ruleset (`jumps`), because
// kube-proxy ensures them one by one and never writes them in the restore payload.

import type { Cluster } from '../../cluster';
import type { EndpointSlice, Service } from '../../api/types';
import { masqueradeMark, type KubeProxySettings } from '../../lab';
import { cidrContains, parseCidr } from '../../net/ip';
import type { Chain, IpProtocol, Match, Rule, Ruleset, Table, Target } from '../../node/netfilter/types';
import {
  endpointsFor,
  externallyAccessible,
  servicePortInfos,
  type EndpointInfo,
  proxyNode,
  proxyServicePort,
  type ProxyNode,
  type ProxyServicePort,
  type ServicePortString,
} from '../servicemap';
import { changedServices, serviceKey, sliceServiceKey as sliceKey, type ProxyChanges } from '../changes';
import { deepEqual } from '../../util/equal';
import { CowMap } from '../../api/cowmap';
import { computeProbability, endpointChainName, serviceChainNames, type ServiceChainNames } from './names';
import { compareNames, sortedByName } from './sort';

/** kube-proxy drops per-endpoint comments above this many endpoints (largeClusterEndpointsThreshold). */
export const LARGE_CLUSTER_ENDPOINTS_THRESHOLD = 1000;

export const KUBE_SERVICES = 'KUBE-SERVICES';
export const KUBE_EXTERNAL_SERVICES = 'KUBE-EXTERNAL-SERVICES';
export const KUBE_FORWARD = 'KUBE-FORWARD';
export const KUBE_NODEPORTS = 'KUBE-NODEPORTS';
export const KUBE_PROXY_FIREWALL = 'KUBE-PROXY-FIREWALL';
export const KUBE_FIREWALL = 'KUBE-FIREWALL';
export const KUBE_POSTROUTING = 'KUBE-POSTROUTING';
export const KUBE_MARK_MASQ = 'KUBE-MARK-MASQ';

/** nfacct counters kube-proxy creates (pkg/proxy/metrics). */
export const NFACCT_LOCALHOST_NODEPORTS = 'localhost_nps_accepted_pkts';
export const NFACCT_CT_INVALID = 'ct_state_invalid_dropped_pkts';

/** Who a rule or chain belongs to, so an evaluation can name the Service and endpoint. */
export interface RuleOwner {
  servicePort: ServicePortString;
  /** "ip:port" for KUBE-SEP chains. */
  endpoint?: string;
}

/** Everything one service port contributes; kept so a partial sync can swap just these. */
export interface ServicePortRules {
  port: ProxyServicePort;
  filter: { services: Rule[]; externalServices: Rule[]; nodePorts: Rule[]; proxyFirewall: Rule[] };
  nat: { services: Rule[]; nodePorts: Rule[] };
  /** SVC/SVL/EXT/FW/SEP chains, in generation order. */
  chains: Chain[];
  /** The chain names, kept with the service port as upstream keeps them in its servicePortInfo and
   *  endpointInfo (hashed once; the next sync of an unchanged port or endpoint reuses them: the
   *  KUBE-SEP- names are read back from `chains`, see `sepNamesOf`). */
  names: ServiceChainNames;
}

export interface IptablesArtifact {
  node: ProxyNode;
  settings: KubeProxySettings;
  /** The local-traffic detector's CIDR (clusterCIDR, else the lab's pod CIDR). */
  clusterCIDR: string;
  largeClusterMode: boolean;
  totalEndpoints: number;
  /** Service ports in name order. */
  services: ProxyServicePort[];
  /** The restore payload of a full sync, in kube-proxy's test order. */
  ruleset: Ruleset;
  /** kube-proxy's and kubelet's jump rules from the built-in chains. */
  jumps: Ruleset;
  /** What the last sync wrote: a full sync writes everything; a partial one only changed services' chains. */
  lastSync: IptablesSync;
  /** Every service port's rules, sorted by service port name. */
  ports: ServicePortRules[];
  /** Per "ns/name": the Service's port rules, in port-name order. A copy-on-write map, so a partial
   *  sync's copy costs the changed Services, not all of them (the proxier's svcPortMap, updated in place). */
  perService: CowMap<ServicePortRules[]>;
  /** What the informers' caches held at this sync, per "ns/name": the Service object and its
   *  EndpointSlices in the cluster's order (upstream's ServiceChangeTracker and EndpointSliceCache
   *  state), so the next partial sync finds a changed Service's objects by key, not by a scan. */
  seen: { services: CowMap<Service>; slices: CowMap<EndpointSlice[]> };
}

export interface IptablesSync {
  kind: 'full' | 'partial';
  reason: string;
  /** "ns/name" of every Service whose Service or EndpointSlices changed (all of them for a full sync). */
  changedServices: string[];
  /** The restore text's content: top-level chains in full, per-service chains only for changed
   *  services, stale chains deleted. */
  payload: Ruleset;
  /** Chains deleted with -X. */
  deletedChains: string[];
  counts: { services: number; endpoints: number; filterRules: number; natRules: number; natChains: number };
}

export interface CompileIptablesInput {
  cluster: Pick<Cluster, 'services' | 'endpointSlices' | 'settings'> & Partial<Pick<Cluster, 'nodes'>>;
  nodeName: string;
  settings: KubeProxySettings;
  /** What kube-proxy knows about its node; defaults to the cluster's Node object of that name. */
  node?: ProxyNode;
}

/** The node as kube-proxy sees it: from the input, else from the cluster's Node object. */
export function resolveNode(input: CompileIptablesInput): ProxyNode {
  if (input.node) return input.node;
  const n = input.cluster.nodes?.find((x) => x.metadata.name === input.nodeName);
  return n ? proxyNode(n) : { name: input.nodeName, ips: [] };
}

// Shared immutable pieces: a large ruleset repeats these hundreds of thousands of times.
const PROTO_MODULE: Record<IpProtocol, Match> = {
  tcp: { kind: 'module', name: 'tcp' },
  udp: { kind: 'module', name: 'udp' },
  sctp: { kind: 'module', name: 'sctp' },
};
const PROTO: Record<IpProtocol, Match> = {
  tcp: { kind: 'protocol', protocol: 'tcp' },
  udp: { kind: 'protocol', protocol: 'udp' },
  sctp: { kind: 'protocol', protocol: 'sctp' },
};
const JUMP_MARK_MASQ: Target = { kind: 'jump', chain: KUBE_MARK_MASQ };
const DST_LOCAL: Match = { kind: 'addrtype', dir: 'dst', type: 'LOCAL' };
const SRC_LOCAL: Match = { kind: 'addrtype', dir: 'src', type: 'LOCAL' };
const LOOPBACK = '127.0.0.0/8';
const comment = (text: string): Match => ({ kind: 'comment', text });
const jump = (chain: string): Target => ({ kind: 'jump', chain });
/** Lists that stay empty share one array (never mutated once a service's rules are built). */
const NO_RULES: Rule[] = [];

/** Appends a top-level rule to one of a service port's lists, which start as the shared empty list:
 *  the first rule makes an array of its own size (most lists get one rule or none). */
function put<K extends string>(lists: Record<K, Rule[]>, list: K, rule: Rule): void {
  const l = lists[list];
  if (l === NO_RULES) lists[list] = [rule];
  else l.push(rule);
}

function ipProto(p: string): IpProtocol {
  return p.toLowerCase() as IpProtocol;
}

/** "-m tcp -p tcp [-d ip] --dport n", as kube-proxy writes the service matches (an array of its own
 *  size: one grown by pushes keeps room for 19). */
function portMatch(proto: IpProtocol, dport: number, dst?: string): Match[] {
  const port: Match = { kind: 'dport', port: dport };
  if (dst === undefined) return [PROTO_MODULE[proto], PROTO[proto], port];
  return [PROTO_MODULE[proto], PROTO[proto], { kind: 'destination', cidr: dst }, port];
}

/** Source ranges as kube-proxy parses them: trimmed, invalid ones dropped, printed as network/prefix. */
function sourceRanges(ranges: readonly string[]): string[] {
  const out: string[] = [];
  for (const r of ranges) {
    const c = parseCidr(r.trim(), true);
    if (c) out.push(c.text);
  }
  return out;
}

interface Ctx {
  settings: KubeProxySettings;
  node: ProxyNode;
  clusterCIDR: string;
  /** "! -s clusterCIDR": traffic not from pods, masqueraded (one object for every service). */
  notPods: Match;
  /** `-m statistic --probability 1/k` per k, and that match alone (the match list of most
   *  service-to-endpoint rules in a large cluster): a few values shared by every service of a sync. */
  statistic: Match[];
  statisticOnly: Match[][];
  largeClusterMode: boolean;
  nfacct: boolean;
  localhostNodePorts: boolean;
  /** A full sync's KUBE-SEP chains, made after the name sort (a partial sync makes them at once). */
  deferred: DeferredChain[] | undefined;
}

/** What syncProxyRules decides per service port before it writes a rule: which chains are used and
 *  where each kind of traffic goes (the variables at the head of upstream's per-service loop). */
interface ServicePortPlan {
  names: ReturnType<typeof serviceChainNames>;
  usesClusterPolicyChain: boolean;
  usesLocalPolicyChain: boolean;
  hasInternalEndpoints: boolean;
  internalTrafficChain: string;
  hasExternalEndpoints: boolean;
  externalPolicyChain: string;
  usesExternalTrafficChain: boolean;
  /** loadBalancerSourceRanges as kube-proxy parses them. */
  ranges: string[];
  usesFWChain: boolean;
  loadBalancerTrafficChain: string;
}

function servicePortPlan(sp: ProxyServicePort, names: ReturnType<typeof serviceChainNames>): ServicePortPlan {
  const { info, clusterEndpoints, localEndpoints, hasAnyEndpoints: hasEndpoints } = sp;
  const external = externallyAccessible(info);
  const usesClusterEndpoints = !info.internalPolicyLocal || (external && !info.externalPolicyLocal);
  const usesLocalEndpoints = info.internalPolicyLocal || (external && info.externalPolicyLocal);

  let hasInternalEndpoints = hasEndpoints;
  const internalTrafficChain = info.internalPolicyLocal ? names.svl : names.svc;
  if (info.internalPolicyLocal && localEndpoints.length === 0) hasInternalEndpoints = false;
  let hasExternalEndpoints = hasEndpoints;
  const externalPolicyChain = info.externalPolicyLocal ? names.svl : names.svc;
  if (info.externalPolicyLocal && localEndpoints.length === 0) hasExternalEndpoints = false;
  const ranges = sourceRanges(info.loadBalancerSourceRanges);
  const usesFWChain = hasEndpoints && info.loadBalancerIPs.length > 0 && ranges.length > 0;
  return {
    names,
    usesClusterPolicyChain: clusterEndpoints.length > 0 && usesClusterEndpoints,
    usesLocalPolicyChain: localEndpoints.length > 0 && usesLocalEndpoints,
    hasInternalEndpoints,
    internalTrafficChain,
    hasExternalEndpoints,
    externalPolicyChain,
    usesExternalTrafficChain: hasEndpoints && external,
    ranges,
    usesFWChain,
    loadBalancerTrafficChain: usesFWChain ? names.fw : names.ext,
  };
}

/** One service port being written: its plan, its output, and the per-service chains' rules so far. */
interface ServicePortWriter {
  ctx: Ctx;
  sp: ProxyServicePort;
  info: ProxyServicePort['info'];
  spn: ServicePortString;
  proto: IpProtocol;
  plan: ServicePortPlan;
  out: ServicePortRules;
  /** Shared match objects: a large cluster repeats them across hundreds of thousands of rules. */
  clusterIPComment: Match;
  /** "-m comment --comment <spn>", made when a rule needs it. */
  spnComment: Match | undefined;
  /** Per-service chains' rules, in generation order (a few chains: a list, found by name). */
  chainRules: ChainRules[];
  /** "-m comment ... -m tcp -p tcp -d clusterIP --dport port": the clusterIP capture's matches,
   *  which the masquerade rule heading the internal traffic chain repeats. */
  clusterIPMatches: Match[] | undefined;
  /** The jump to each endpoint's KUBE-SEP chain (the chain's name is its `chain`), in the order of
   *  `sp.allReachableEndpoints`, which holds every endpoint the rules name: named once, when first needed. */
  sepJumps: JumpTarget[] | undefined;
  /** Each reachable endpoint's place in that order, for a list that is not that one (Local policy). */
  reachableAt: Map<EndpointInfo, number> | undefined;
  /** KUBE-SEP names the last sync computed for this service port, by "ip:port" (reused, not rehashed). */
  keptSeps: ReadonlyMap<string, string> | undefined;
}

/** One per-service chain's rules and the start of their ids ("nat/KUBE-SVC-X/"), built once. */
interface ChainRules {
  chain: string;
  rules: Rule[];
  idPrefix: string;
}

/** The REJECT (no endpoints) or DROP (no local endpoints) of traffic that has nowhere to go, internal
 *  or external alike: its comment and target, made only for the few service ports that write one. */
function noEndpointsFilter(w: ServicePortWriter): { c: string; t: 'REJECT' | 'DROP' } {
  if (w.sp.hasAnyEndpoints) return { c: `${w.spn} has no local endpoints`, t: 'DROP' };
  return { c: `${w.spn} has no endpoints`, t: 'REJECT' };
}

const spnComment = (w: ServicePortWriter): Match => (w.spnComment ??= comment(w.spn));

const filterTarget = (t: 'REJECT' | 'DROP'): Target => ({ kind: t });
/** The id of a rule in a top-level chain: "table/chain/", the service port, "/what it captures"
 *  (the constant parts whole, so the id is a few string pieces, not one per part). */
const topId = (w: ServicePortWriter, tableChain: string, what: string) => tableChain + w.spn + what;
const NAT_SERVICES = `nat/${KUBE_SERVICES}/`;
const NAT_NODEPORTS = `nat/${KUBE_NODEPORTS}/`;
const FILTER_SERVICES = `filter/${KUBE_SERVICES}/`;
const FILTER_EXTERNAL = `filter/${KUBE_EXTERNAL_SERVICES}/`;
const FILTER_NODEPORTS = `filter/${KUBE_NODEPORTS}/`;
const FILTER_PROXY_FIREWALL = `filter/${KUBE_PROXY_FIREWALL}/`;

function findChainRules(w: ServicePortWriter, chain: string): ChainRules | undefined {
  for (const l of w.chainRules) if (l.chain === chain) return l;
  return undefined;
}

function ruleList(w: ServicePortWriter, chain: string): ChainRules {
  let l = findChainRules(w, chain);
  if (!l) w.chainRules.push((l = { chain, rules: [], idPrefix: `nat/${chain}/` }));
  return l;
}

function addRule(w: ServicePortWriter, chain: string, matches: Match[], target: Target): void {
  const l = ruleList(w, chain);
  l.rules.push({ id: l.idPrefix + l.rules.length, matches, target });
}

/** The rules of one service port (the body of syncProxyRules' per-service loop), section by section
 *  as upstream writes them: capture each address the Service answers on, then the per-service chains.
 *  `was`: the same service port's rules from the last sync, whose chain names are kept. */
function serviceRules(ctx: Ctx, sp: ProxyServicePort, was?: ServicePortRules): ServicePortRules {
  const { info } = sp;
  const spn = info.name;
  const proto = ipProto(info.protocol);
  const kept = was && was.port.info.name === spn && ipProto(was.port.info.protocol) === proto ? was : undefined;
  const plan = servicePortPlan(sp, kept?.names ?? serviceChainNames(spn, proto));
  const w: ServicePortWriter = {
    ctx,
    sp,
    info,
    spn,
    proto,
    plan,
    out: {
      port: sp,
      filter: { services: NO_RULES, externalServices: NO_RULES, nodePorts: NO_RULES, proxyFirewall: NO_RULES },
      nat: { services: NO_RULES, nodePorts: NO_RULES },
      chains: [],
      names: plan.names,
    },
    clusterIPComment: comment(`${spn} cluster IP`),
    spnComment: undefined,
    chainRules: [],
    clusterIPMatches: undefined,
    sepJumps: undefined,
    reachableAt: undefined,
    keptSeps: kept && sepNamesOf(kept),
  };

  captureClusterIP(w);
  captureExternalIPs(w);
  captureLoadBalancerIngress(w);
  captureNodePorts(w);
  captureHealthCheckNodePort(w);

  internalTrafficMasquerade(w);
  const declared: string[] = [];
  if (plan.usesExternalTrafficChain) declared.push(externalTrafficChain(w));
  if (plan.usesFWChain) declared.push(firewallChain(w));
  if (plan.usesClusterPolicyChain) {
    declared.push(plan.names.svc);
    writeServiceToEndpointRules(w, plan.names.svc, sp.clusterEndpoints);
  }
  if (plan.usesLocalPolicyChain) {
    declared.push(plan.names.svl);
    writeServiceToEndpointRules(w, plan.names.svl, sp.localEndpoints);
  }

  const { out } = w;
  for (const name of declared) out.chains.push({ name, rules: exactRules(findChainRules(w, name)?.rules) });
  writeEndpointChains(w);
  // Kept until the Service changes: an array of its own size, not one grown by pushes.
  out.chains = out.chains.slice();
  return out;
}

/** A chain's rules as kept: a list of its own size (a list grown by pushes keeps room for 17). */
function exactRules(rules: Rule[] | undefined): Rule[] {
  return rules === undefined ? NO_RULES : rules.slice();
}

function clusterIPMatches(w: ServicePortWriter): Match[] {
  if (w.clusterIPMatches) return w.clusterIPMatches;
  const { proto, info } = w;
  const dst: Match = { kind: 'destination', cidr: info.clusterIP };
  const dport: Match = { kind: 'dport', port: info.port };
  return (w.clusterIPMatches = [w.clusterIPComment, PROTO_MODULE[proto], PROTO[proto], dst, dport]);
}

// Capture the clusterIP.
function captureClusterIP(w: ServicePortWriter): void {
  const { info, proto, out, plan } = w;
  if (plan.hasInternalEndpoints) {
    put(out.nat, 'services', {
      id: topId(w, NAT_SERVICES, '/cluster-ip'),
      matches: clusterIPMatches(w),
      target: jump(plan.internalTrafficChain),
    });
  } else {
    put(out.filter, 'services', {
      id: topId(w, FILTER_SERVICES, '/cluster-ip'),
      matches: [comment(noEndpointsFilter(w).c), ...portMatch(proto, info.port, info.clusterIP)],
      target: filterTarget(noEndpointsFilter(w).t),
    });
  }
}

// Capture externalIPs.
function captureExternalIPs(w: ServicePortWriter): void {
  const { info, proto, out, plan, spn } = w;
  for (const ip of info.externalIPs) {
    if (w.sp.hasAnyEndpoints) {
      put(out.nat, 'services', {
        id: topId(w, NAT_SERVICES, `/external-ip/${ip}`),
        matches: [comment(`${spn} external IP`), ...portMatch(proto, info.port, ip)],
        target: jump(plan.names.ext),
      });
    }
    if (!plan.hasExternalEndpoints) {
      put(out.filter, 'externalServices', {
        id: topId(w, FILTER_EXTERNAL, `/external-ip/${ip}`),
        matches: [comment(noEndpointsFilter(w).c), ...portMatch(proto, info.port, ip)],
        target: filterTarget(noEndpointsFilter(w).t),
      });
    }
  }
}

// Capture load-balancer ingress.
function captureLoadBalancerIngress(w: ServicePortWriter): void {
  const { info, proto, out, plan, spn } = w;
  for (const ip of info.loadBalancerIPs) {
    if (w.sp.hasAnyEndpoints) {
      put(out.nat, 'services', {
        id: topId(w, NAT_SERVICES, `/lb-ip/${ip}`),
        matches: [comment(`${spn} loadbalancer IP`), ...portMatch(proto, info.port, ip)],
        target: jump(plan.loadBalancerTrafficChain),
      });
    }
    if (plan.usesFWChain) {
      put(out.filter, 'proxyFirewall', {
        id: topId(w, FILTER_PROXY_FIREWALL, `/lb-ip/${ip}`),
        matches: [comment(`${spn} traffic not accepted by ${plan.names.fw}`), ...portMatch(proto, info.port, ip)],
        target: { kind: 'DROP' },
      });
    }
  }
  if (!plan.hasExternalEndpoints) {
    for (const ip of info.loadBalancerIPs) {
      put(out.filter, 'externalServices', {
        id: topId(w, FILTER_EXTERNAL, `/lb-ip/${ip}`),
        matches: [comment(noEndpointsFilter(w).c), ...portMatch(proto, info.port, ip)],
        target: filterTarget(noEndpointsFilter(w).t),
      });
    }
  }
}

// Capture nodeports (not subject to loadBalancerSourceRanges, as upstream notes).
function captureNodePorts(w: ServicePortWriter): void {
  const { info, proto, out, plan, ctx } = w;
  if (info.nodePort === 0) return;
  if (w.sp.hasAnyEndpoints) {
    if (ctx.localhostNodePorts && ctx.nfacct) {
      put(out.nat, 'nodePorts', {
        id: topId(w, NAT_NODEPORTS, '/localhost-nodeport'),
        matches: [
          spnComment(w),
          PROTO_MODULE[proto],
          PROTO[proto],
          { kind: 'destination', cidr: LOOPBACK },
          { kind: 'dport', port: info.nodePort },
          { kind: 'nfacct', name: NFACCT_LOCALHOST_NODEPORTS },
        ],
        target: jump(plan.names.ext),
      });
    }
    put(out.nat, 'nodePorts', {
      id: topId(w, NAT_NODEPORTS, '/nodeport'),
      matches: [spnComment(w), ...portMatch(proto, info.nodePort)],
      target: jump(plan.names.ext),
    });
  }
  if (!plan.hasExternalEndpoints) {
    put(out.filter, 'externalServices', {
      id: topId(w, FILTER_EXTERNAL, '/nodeport'),
      matches: [comment(noEndpointsFilter(w).c), DST_LOCAL, ...portMatch(proto, info.nodePort)],
      target: filterTarget(noEndpointsFilter(w).t),
    });
  }
}

// Capture healthCheckNodePorts, whether or not there are local endpoints.
function captureHealthCheckNodePort(w: ServicePortWriter): void {
  const { info } = w;
  if (info.healthCheckNodePort === 0) return;
  put(w.out.filter, 'nodePorts', {
    id: topId(w, FILTER_NODEPORTS, '/health-check'),
    matches: [comment(`${w.spn} health check node port`), ...portMatch('tcp', info.healthCheckNodePort)],
    target: { kind: 'ACCEPT' },
  });
}

// Set up internal traffic handling: the masquerade rule heads the internal traffic chain.
function internalTrafficMasquerade(w: ServicePortWriter): void {
  const { plan, ctx } = w;
  if (!plan.hasInternalEndpoints) return;
  const cip = clusterIPMatches(w);
  if (ctx.settings.masqueradeAll) addRule(w, plan.internalTrafficChain, cip, JUMP_MARK_MASQ);
  else addRule(w, plan.internalTrafficChain, [...cip, ctx.notPods], JUMP_MARK_MASQ);
}

// Set up external traffic handling (if any "external" destinations are enabled). All captured paths
// lead here. Returns the chain's name (KUBE-EXT-...).
function externalTrafficChain(w: ServicePortWriter): string {
  const { info, plan, spn, ctx } = w;
  const ext = plan.names.ext;
  ruleList(w, ext);
  if (!info.externalPolicyLocal) {
    addRule(w, ext, [comment(`masquerade traffic for ${spn} external destinations`)], JUMP_MARK_MASQ);
  } else {
    const pods: Match = { kind: 'source', cidr: ctx.clusterCIDR };
    addRule(w, ext, [comment(`pod traffic for ${spn} external destinations`), pods], jump(plan.names.svc));
    addRule(w, ext, [comment(`masquerade LOCAL traffic for ${spn} external destinations`), SRC_LOCAL], JUMP_MARK_MASQ);
    addRule(w, ext, [comment(`route LOCAL traffic for ${spn} external destinations`), SRC_LOCAL], jump(plan.names.svc));
  }
  if (plan.hasExternalEndpoints) addRule(w, ext, [], jump(plan.externalPolicyChain));
  return ext;
}

// Set up firewall chain, if needed: loadBalancerSourceRanges (and the node's own load-balancer IPs
// when a range holds the node) go on to KUBE-EXT; the rest falls through to KUBE-PROXY-FIREWALL's DROP.
function firewallChain(w: ServicePortWriter): string {
  const { info, plan, spn, ctx } = w;
  const fw = plan.names.fw;
  const lb = comment(`${spn} loadbalancer IP`);
  let allowFromNode = false;
  const nodeIP = ctx.node.ips[0];
  for (const r of plan.ranges) {
    addRule(w, fw, [lb, { kind: 'source', cidr: r }], jump(plan.names.ext));
    const c = parseCidr(r, true);
    if (c && nodeIP && cidrContains(c, nodeIP)) allowFromNode = true;
  }
  if (allowFromNode) {
    for (const ip of info.loadBalancerIPs) addRule(w, fw, [lb, { kind: 'source', cidr: ip }], jump(plan.names.ext));
  }
  addRule(w, fw, [comment(`other traffic to ${spn} will be dropped by KUBE-PROXY-FIREWALL`)], { kind: 'none' });
  return fw;
}

/** The KUBE-SEP- chain names of a service port's endpoints by "ip:port", read back from its chains
 *  (each endpoint chain DNATs to its endpoint): what a partial sync reuses instead of hashing again.
 *  Built only for the ports a partial sync rewrites, so a full sync keeps no map per service port. */
function sepNamesOf(r: ServicePortRules): Map<string, string> {
  const names = new Map<string, string>();
  for (const c of r.chains) {
    if (!c.name.startsWith('KUBE-SEP-')) continue;
    const t = c.rules.find((x) => x.target.kind === 'DNAT')?.target;
    if (t?.kind === 'DNAT') names.set(t.port === undefined ? t.ip : `${t.ip}:${t.port}`, c.name);
  }
  return names;
}

type JumpTarget = Extract<Target, { kind: 'jump' }>;

/** The jump to the KUBE-SEP chain of `eps[i]`, an endpoint of this service port (`eps`: one of its
 *  endpoint lists, which hold the same EndpointInfo objects as the reachable list). */
function endpointChain(w: ServicePortWriter, eps: readonly EndpointInfo[], i: number): JumpTarget {
  const reachable = w.sp.allReachableEndpoints;
  const jumps = (w.sepJumps ??= reachable.map((ep) => {
    const name = w.keptSeps?.get(ep.endpoint) ?? endpointChainName(w.spn, w.proto, ep.endpoint);
    return { kind: 'jump', chain: name };
  }));
  if (eps === reachable) return jumps[i]!;
  w.reachableAt ??= new Map(reachable.map((ep, k) => [ep, k]));
  return jumps[w.reachableAt.get(eps[i]!)!]!;
}

/** `-m statistic --mode random --probability 1/k`, one object per k in a sync. */
function statistic(ctx: Ctx, k: number): Match {
  return (ctx.statistic[k] ??= { kind: 'statistic', probability: computeProbability(k) });
}

/** The empty match list, shared (rules are never mutated once built). */
const NO_MATCHES: Match[] = [];

/** The matches before an endpoint's statistic or recent match: its comment, unless the cluster is large. */
function endpointComment(w: ServicePortWriter, ep: EndpointInfo): Match[] {
  return w.ctx.largeClusterMode ? NO_MATCHES : [comment(`${w.spn} -> ${ep.endpoint}`)];
}

// writeServiceToEndpointRules: affinity checks first (`recent --rcheck`), then the endpoints with
// `statistic` probabilities 1/n, 1/(n-1), ..., the last one without.
function writeServiceToEndpointRules(w: ServicePortWriter, chain: string, eps: readonly EndpointInfo[]): void {
  const { info } = w;
  if (info.stickyMaxAgeSeconds > 0) {
    for (let i = 0; i < eps.length; i++) {
      const sep = endpointChain(w, eps, i);
      const seconds = info.stickyMaxAgeSeconds;
      const recent: Match = { kind: 'recent', name: sep.chain, op: 'rcheck', seconds, reap: true };
      addRule(w, chain, [...endpointComment(w, eps[i]!), recent], sep);
    }
  }
  const n = eps.length;
  for (let i = 0; i < n; i++) {
    const ep = eps[i]!;
    const last = i === n - 1;
    let m: Match[];
    const ctx = w.ctx;
    if (ctx.largeClusterMode) m = last ? NO_MATCHES : (ctx.statisticOnly[n - i] ??= [statistic(ctx, n - i)]);
    else m = last ? endpointComment(w, ep) : [...endpointComment(w, ep), statistic(ctx, n - i)];
    addRule(w, chain, m, endpointChain(w, eps, i));
  }
}

// Generate the per-endpoint chains: mark hairpin traffic for masquerade, then DNAT to the endpoint.
// Added to the service port's chains in endpoint order.
// A full sync leaves them to `makeDeferredChains`, after the name sort (see DeferredChain).
function writeEndpointChains(w: ServicePortWriter): void {
  const spec: EndpointChainSpec = {
    comment: w.ctx.largeClusterMode ? NO_MATCHES : [spnComment(w)],
    proto: w.proto,
    sticky: w.info.stickyMaxAgeSeconds > 0,
    plainDnat: undefined,
  };
  const { deferred } = w.ctx;
  const { chains } = w.out;
  const eps = w.sp.allReachableEndpoints;
  for (let i = 0; i < eps.length; i++) {
    const sep = endpointChain(w, eps, i).chain;
    if (!deferred) chains.push(endpointChainOf(spec, sep, eps[i]!));
    else {
      deferred.push(new DeferredChain(sep, w.out, chains.length, eps[i]!, spec));
      chains.push(PENDING_CHAIN);
    }
  }
}

/** What a service port's KUBE-SEP chains share: the comment (none in a large cluster), protocol,
 *  affinity, and (without affinity) the DNAT rule's matches, which are the same for every endpoint. */
interface EndpointChainSpec {
  comment: Match[];
  proto: IpProtocol;
  sticky: boolean;
  plainDnat: Match[] | undefined;
}

/** One endpoint's KUBE-SEP chain: mark hairpin traffic for masquerade, then DNAT to the endpoint. */
function endpointChainOf(spec: EndpointChainSpec, sep: string, ep: EndpointInfo): Chain {
  const { comment: c, proto } = spec;
  const natSep = `nat/${sep}`;
  const src: Match = { kind: 'source', cidr: ep.ip };
  const dnat: Match[] = spec.sticky
    ? [...c, { kind: 'recent', name: sep, op: 'set' }, PROTO_MODULE[proto], PROTO[proto]]
    : (spec.plainDnat ??= [...c, PROTO_MODULE[proto], PROTO[proto]]);
  const rules: Rule[] = [
    { id: `${natSep}/0`, matches: c.length ? [...c, src] : [src], target: JUMP_MARK_MASQ },
    { id: `${natSep}/1`, matches: dnat, target: { kind: 'DNAT', ip: ep.ip, port: ep.port } },
  ];
  return { name: sep, rules };
}

/**
 * A KUBE-SEP chain a full sync makes after sorting the chain names, so the 50,000 chains at
 * 10k x 5 (their rules, matches and targets) lie in memory in the order the payload lists them:
 * made per service port, they lay in Service order, and rendering the payload in name order
 * fetched every one from a cold place (rendering a quarter slower). Until then the service port's chain list
 * holds PENDING_CHAIN at `at`.
 */
class DeferredChain {
  constructor(
    readonly name: string,
    readonly out: ServicePortRules,
    readonly at: number,
    readonly ep: EndpointInfo,
    readonly spec: EndpointChainSpec,
  ) {}
}

const PENDING_CHAIN: Chain = { name: '', rules: NO_RULES };

/** The sorted service chains, each deferred KUBE-SEP chain made now (in this order) and put in its
 *  service port's chain list. */
function makeDeferredChains(sorted: readonly (Chain | DeferredChain)[]): Chain[] {
  const out = new Array<Chain>(sorted.length);
  for (let i = 0; i < sorted.length; i++) {
    const x = sorted[i]!;
    if (!(x instanceof DeferredChain)) out[i] = x;
    else out[i] = x.out.chains[x.at] = endpointChainOf(x.spec, x.name, x.ep);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Assembling the whole payload.

function fixedNatRules(s: KubeProxySettings): { postrouting: Rule[]; markMasq: Rule[] } {
  const mark = parseInt(masqueradeMark(s), 16);
  return {
    postrouting: [
      {
        id: `nat/${KUBE_POSTROUTING}/0`,
        matches: [{ kind: 'mark', value: mark, mask: mark, negate: true }],
        target: { kind: 'RETURN' },
      },
      { id: `nat/${KUBE_POSTROUTING}/1`, matches: [], target: { kind: 'MARK', op: 'xor', value: mark } },
      {
        id: `nat/${KUBE_POSTROUTING}/2`,
        matches: [comment('kubernetes service traffic requiring SNAT')],
        target: { kind: 'MASQUERADE' },
      },
    ],
    markMasq: [{ id: `nat/${KUBE_MARK_MASQ}/0`, matches: [], target: { kind: 'MARK', op: 'or', value: mark } }],
  };
}

function forwardRules(s: KubeProxySettings): Rule[] {
  const mark = parseInt(masqueradeMark(s), 16);
  const invalid: Match[] = [{ kind: 'conntrack', states: ['INVALID'] }];
  if (s.nfacct) invalid.push({ kind: 'nfacct', name: NFACCT_CT_INVALID });
  return [
    { id: `filter/${KUBE_FORWARD}/0`, matches: invalid, target: { kind: 'DROP' } },
    {
      id: `filter/${KUBE_FORWARD}/1`,
      matches: [comment('kubernetes forwarding rules'), { kind: 'mark', value: mark, mask: mark }],
      target: { kind: 'ACCEPT' },
    },
    {
      id: `filter/${KUBE_FORWARD}/2`,
      matches: [
        comment('kubernetes forwarding conntrack rule'),
        { kind: 'conntrack', states: ['RELATED', 'ESTABLISHED'] },
      ],
      target: { kind: 'ACCEPT' },
    },
  ];
}

const KUBELET_FIREWALL_RULE: Rule = {
  id: `filter/${KUBE_FIREWALL}/0`,
  matches: [
    comment('block incoming localnet connections'),
    { kind: 'destination', cidr: LOOPBACK },
    { kind: 'source', cidr: LOOPBACK, negate: true },
    { kind: 'conntrack', states: ['RELATED', 'ESTABLISHED', 'DNAT'], negate: true },
  ],
  target: { kind: 'DROP' },
};

/** The tail call to KUBE-NODEPORTS: one rule for "all addresses", else one per matching node IP. */
function nodePortsTail(ctx: Ctx): Rule[] {
  const c = comment('kubernetes service nodeports; NOTE: this must be the last rule in this chain');
  const addrs = ctx.settings.nodePortAddresses;
  const matchAll = addrs.length === 0 || addrs.some((a) => parseCidr(a.trim(), true)?.prefix === 0);
  if (matchAll) {
    const m: Match[] = [c, DST_LOCAL];
    if (!ctx.settings.localhostNodePorts) m.push({ kind: 'destination', cidr: LOOPBACK, negate: true });
    return [{ id: `nat/${KUBE_SERVICES}/nodeports`, matches: m, target: jump(KUBE_NODEPORTS) }];
  }
  const cidrs = addrs.filter((a) => a !== 'primary').map((a) => parseCidr(a.trim(), true)).filter((x) => x !== null);
  const candidates = [...ctx.node.ips, '127.0.0.1'];
  const ips = candidates.filter(
    (ip, i) => (addrs.includes('primary') && i === 0) || cidrs.some((cidr) => cidrContains(cidr, ip)),
  );
  return ips
    .filter((ip) => !(ip.startsWith('127.') && !ctx.settings.localhostNodePorts))
    .map((ip) => ({
      id: `nat/${KUBE_SERVICES}/nodeports/${ip}`,
      matches: [c, { kind: 'destination', cidr: ip }],
      target: jump(KUBE_NODEPORTS),
    }));
}

/** Index of the first element whose name is not below `name` (binary search over a name-sorted list). */
function lowerBound<T>(list: readonly T[], name: string, key: (x: T) => string): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (key(list[mid]!) < name) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * A copy of the name-sorted `list[from..]` (the first `from` items kept as they are) with `removed`
 * taken out and `added` put in, each found by binary search: an added item whose name a removed one
 * had takes its slot, the rest are a splice each (a partial sync changes few items of a long list).
 */
function spliceSorted<T>(
  list: readonly T[],
  from: number,
  removed: readonly T[],
  added: readonly T[],
  key: (x: T) => string,
): T[] {
  const out = list.slice();
  const byName = new Map<string, T>();
  for (const it of added) byName.set(key(it), it);
  for (const it of removed) {
    const name = key(it);
    let i = from + lowerBoundFrom(out, from, name, key);
    while (i < out.length && out[i] !== it && key(out[i]!) === name) i++;
    if (out[i] !== it) continue;
    const same = byName.get(name);
    if (same === undefined) out.splice(i, 1);
    else {
      out[i] = same;
      byName.delete(name);
    }
  }
  for (const it of byName.values()) out.splice(from + lowerBoundFrom(out, from, key(it), key), 0, it);
  return out;
}

/** lowerBound over list[from..]: the index (relative to `from`) of the first chain not below `name`. */
function lowerBoundFrom<T>(list: readonly T[], from: number, name: string, key: (x: T) => string): number {
  let lo = from;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (key(list[mid]!) < name) lo = mid + 1;
    else hi = mid;
  }
  return lo - from;
}

/** Inserts each item into a name-sorted copy of `list` (few items: a splice each). */
function insertSorted<T>(list: readonly T[], items: readonly T[], key: (x: T) => string): T[] {
  return insertSortedInPlace(list.slice(), items, key);
}

/** Inserts each item into the name-sorted `list` itself (a copy the caller owns). */
function insertSortedInPlace<T>(list: T[], items: readonly T[], key: (x: T) => string): T[] {
  for (const it of items) list.splice(lowerBound(list, key(it), key), 0, it);
  return list;
}

const chainKey = (c: { name: string }) => c.name;
const portKey = (r: ServicePortRules) => r.port.info.name;

/**
 * The payload in kube-proxy's test order: KUBE-NODEPORTS, KUBE-SERVICES, then the other chains by
 * name. `ports` is sorted by service port name; `serviceChains` (their chains, or a subset for a
 * partial sync's payload) is sorted by chain name.
 */
/** filter's top-level chains, and nat's KUBE-NODEPORTS and KUBE-SERVICES. */
interface TopLevelChains {
  filter: Table;
  natNodePorts: Chain;
  natServices: Chain;
}

/** The top-level chains: filter's, and nat's KUBE-NODEPORTS and KUBE-SERVICES, from every port in order. */
function topLevel(ctx: Ctx, ports: readonly ServicePortRules[]): TopLevelChains {
  const f: ServicePortRules['filter'] = { services: [], externalServices: [], nodePorts: [], proxyFirewall: [] };
  const n = { services: [] as Rule[], nodePorts: [] as Rule[] };
  const append = (to: Rule[], from: readonly Rule[]) => {
    for (let i = 0; i < from.length; i++) to.push(from[i]!);
  };
  for (let i = 0; i < ports.length; i++) {
    const p = ports[i]!;
    if (p.filter.services.length) append(f.services, p.filter.services);
    if (p.filter.externalServices.length) append(f.externalServices, p.filter.externalServices);
    if (p.filter.nodePorts.length) append(f.nodePorts, p.filter.nodePorts);
    if (p.filter.proxyFirewall.length) append(f.proxyFirewall, p.filter.proxyFirewall);
    if (p.nat.services.length) append(n.services, p.nat.services);
    if (p.nat.nodePorts.length) append(n.nodePorts, p.nat.nodePorts);
  }
  for (const r of nodePortsTail(ctx)) n.services.push(r);

  const filterChains: Chain[] = [
    { name: KUBE_NODEPORTS, rules: f.nodePorts },
    { name: KUBE_SERVICES, rules: f.services },
    { name: KUBE_EXTERNAL_SERVICES, rules: f.externalServices },
  ];
  if (ctx.localhostNodePorts) filterChains.push({ name: KUBE_FIREWALL, rules: [KUBELET_FIREWALL_RULE] });
  filterChains.push(
    { name: KUBE_FORWARD, rules: forwardRules(ctx.settings) },
    { name: KUBE_PROXY_FIREWALL, rules: f.proxyFirewall },
  );

  return {
    filter: { name: 'filter', chains: filterChains },
    natNodePorts: { name: KUBE_NODEPORTS, rules: n.nodePorts },
    natServices: { name: KUBE_SERVICES, rules: n.services },
  };
}

/**
 * The payload in kube-proxy's test order: KUBE-NODEPORTS, KUBE-SERVICES, then the other chains by
 * name. `serviceChains` (every service chain, or a partial sync's subset) is sorted by chain name.
 */
function assembleWith(
  ctx: Ctx,
  top: TopLevelChains,
  serviceChains: readonly Chain[],
  deleteChains: string[] = [],
): Ruleset {
  const fixed = fixedNatRules(ctx.settings);
  const natChains: Chain[] = [top.natNodePorts, top.natServices].concat(serviceChains);
  const extra = [
    { name: KUBE_MARK_MASQ, rules: fixed.markMasq },
    { name: KUBE_POSTROUTING, rules: fixed.postrouting },
    ...deleteChains.map((x) => ({ name: x, rules: [] })),
  ];
  for (const x of extra) natChains.splice(2 + lowerBoundFrom(natChains, 2, x.name, chainKey), 0, x);
  return {
    order: ['filter', 'nat'],
    tables: {
      filter: top.filter,
      nat: { name: 'nat', chains: natChains, ...(deleteChains.length ? { deleteChains } : {}) },
    },
  };
}

function assemble(ctx: Ctx, ports: readonly ServicePortRules[], serviceChains: readonly Chain[]): Ruleset {
  return assembleWith(ctx, topLevel(ctx, ports), serviceChains);
}

/** kube-proxy's jump rules (iptablesJumpChains, ensured with Prepend, so the last listed comes first)
 *  and kubelet's KUBE-FIREWALL jumps, as they sit in the built-in chains. */
export function kubeProxyJumpRules(s: KubeProxySettings): Ruleset {
  const NEW: Match = { kind: 'conntrack', states: ['NEW'] };
  type J = { table: 'filter' | 'nat'; from: string; to: string; comment: string; ctNew: boolean };
  const externalPortals = 'kubernetes externally-visible service portals';
  const lbFirewall = 'kubernetes load balancer firewall';
  const healthCheckPorts = 'kubernetes health check service ports';
  const list: J[] = [
    { table: 'filter', from: 'INPUT', to: KUBE_EXTERNAL_SERVICES, comment: externalPortals, ctNew: true },
    { table: 'filter', from: 'FORWARD', to: KUBE_EXTERNAL_SERVICES, comment: externalPortals, ctNew: true },
    { table: 'filter', from: 'INPUT', to: KUBE_NODEPORTS, comment: healthCheckPorts, ctNew: false },
    { table: 'filter', from: 'FORWARD', to: KUBE_SERVICES, comment: 'kubernetes service portals', ctNew: true },
    { table: 'filter', from: 'OUTPUT', to: KUBE_SERVICES, comment: 'kubernetes service portals', ctNew: true },
    { table: 'filter', from: 'FORWARD', to: KUBE_FORWARD, comment: 'kubernetes forwarding rules', ctNew: false },
    { table: 'filter', from: 'INPUT', to: KUBE_PROXY_FIREWALL, comment: lbFirewall, ctNew: true },
    { table: 'filter', from: 'OUTPUT', to: KUBE_PROXY_FIREWALL, comment: lbFirewall, ctNew: true },
    { table: 'filter', from: 'FORWARD', to: KUBE_PROXY_FIREWALL, comment: lbFirewall, ctNew: true },
    { table: 'nat', from: 'OUTPUT', to: KUBE_SERVICES, comment: 'kubernetes service portals', ctNew: false },
    { table: 'nat', from: 'PREROUTING', to: KUBE_SERVICES, comment: 'kubernetes service portals', ctNew: false },
    { table: 'nat', from: 'POSTROUTING', to: KUBE_POSTROUTING, comment: 'kubernetes postrouting rules', ctNew: false },
  ];
  const chains: Record<'filter' | 'nat', Map<string, Rule[]>> = {
    filter: new Map(['INPUT', 'FORWARD', 'OUTPUT'].map((c) => [c, []])),
    nat: new Map(['PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING'].map((c) => [c, []])),
  };
  for (const j of list) {
    const rules = chains[j.table].get(j.from)!;
    rules.unshift({
      id: `${j.table}/${j.from}/${j.to}`,
      matches: [...(j.ctNew ? [NEW] : []), comment(j.comment)],
      target: jump(j.to),
    });
  }
  if (s.localhostNodePorts) {
    // kubelet's own copy of KUBE-FIREWALL, reached from INPUT and OUTPUT after kube-proxy's jumps.
    for (const from of ['INPUT', 'OUTPUT']) {
      const id = `filter/${from}/${KUBE_FIREWALL}`;
      chains.filter.get(from)!.push({ id, matches: [], target: jump(KUBE_FIREWALL) });
    }
  }
  const table = (name: 'filter' | 'nat') => ({
    name,
    chains: [...chains[name]].map(([c, rules]) => ({ name: c, policy: 'ACCEPT' as const, rules })),
  });
  return { order: ['filter', 'nat'], tables: { filter: table('filter'), nat: table('nat') } };
}

// ---------------------------------------------------------------------------------------------
// Full and partial syncs.

function groupSlices(slices: readonly EndpointSlice[]): Map<string, EndpointSlice[]> {
  const m = new Map<string, EndpointSlice[]>();
  for (const s of slices) {
    const key = sliceKey(s);
    if (key === undefined) continue;
    const l = m.get(key);
    if (l) l.push(s);
    else m.set(key, [s]);
  }
  return m;
}

function portsOf(svc: Service, slices: readonly EndpointSlice[], nodeName: string): ProxyServicePort[] {
  return servicePortInfos(svc)
    .map((info) => {
      return proxyServicePort(info, endpointsFor(info, slices, nodeName));
    })
    .sort((a, b) => compareNames(a.info.name, b.info.name));
}

function makeCtx(input: CompileIptablesInput, node: ProxyNode, totalEndpoints: number): Ctx {
  const clusterCIDR = input.settings.clusterCIDR ?? input.cluster.settings.podCIDR;
  return {
    settings: input.settings,
    node,
    clusterCIDR,
    notPods: { kind: 'source', cidr: clusterCIDR, negate: true },
    statistic: [],
    statisticOnly: [],
    largeClusterMode: totalEndpoints > LARGE_CLUSTER_ENDPOINTS_THRESHOLD,
    nfacct: input.settings.nfacct,
    localhostNodePorts: input.settings.localhostNodePorts,
    deferred: undefined,
  };
}

function counts(rs: Ruleset, services: number, endpoints: number): IptablesSync['counts'] {
  const rules = (t: 'filter' | 'nat') => (rs.tables[t]?.chains ?? []).reduce((n, c) => n + c.rules.length, 0);
  const natChains = rs.tables.nat?.chains.length ?? 0;
  return { services, endpoints, filterRules: rules('filter'), natRules: rules('nat'), natChains };
}

/** syncProxyRules with a full sync: every chain of every service. */
export function compileIptables(input: CompileIptablesInput): IptablesArtifact {
  const node = resolveNode(input);
  const slices = groupSlices(input.cluster.endpointSlices);
  const seen = { services: new CowMap<Service>(), slices: new CowMap<EndpointSlice[]>() };
  for (const [key, l] of slices) seen.slices.set(key, l);
  const portsByService = new Map<string, ProxyServicePort[]>();
  let totalEndpoints = 0;
  for (const svc of input.cluster.services) {
    const key = serviceKey(svc);
    seen.services.set(key, svc);
    const p = portsOf(svc, slices.get(key) ?? [], node.name);
    if (!p.length) continue;
    portsByService.set(key, p);
    for (const sp of p) totalEndpoints += sp.endpoints.length;
  }
  const ctx = makeCtx(input, node, totalEndpoints);
  const deferred: DeferredChain[] = (ctx.deferred = []);
  const perService = new CowMap<ServicePortRules[]>();
  const unsortedPorts: ServicePortRules[] = [];
  const unsortedChains: (Chain | DeferredChain)[] = [];
  for (const [key, p] of portsByService) {
    const rules = p.map((sp) => serviceRules(ctx, sp));
    perService.set(key, rules);
    for (const r of rules) {
      unsortedPorts.push(r);
      for (const c of r.chains) if (c !== PENDING_CHAIN) unsortedChains.push(c);
    }
  }
  for (const d of deferred) unsortedChains.push(d);
  ctx.deferred = undefined;
  const ports = sortedByName(unsortedPorts, portKey);
  const serviceChains = makeDeferredChains(sortedByName(unsortedChains, chainKey));
  const ruleset = assemble(ctx, ports, serviceChains);
  const services = ports.map((r) => r.port);
  return {
    node,
    settings: input.settings,
    clusterCIDR: ctx.clusterCIDR,
    largeClusterMode: ctx.largeClusterMode,
    totalEndpoints,
    services,
    ruleset,
    jumps: kubeProxyJumpRules(input.settings),
    lastSync: {
      kind: 'full',
      reason: 'initial sync',
      changedServices: sortedByName([...portsByService.keys()], (k) => k),
      payload: ruleset,
      deletedChains: [],
      counts: counts(ruleset, services.length, totalEndpoints),
    },
    ports,
    perService,
    seen,
  };
}

export interface IptablesChange {
  /** The cluster after the change: the informers' caches the sync reads changed Services from. */
  cluster: Pick<Cluster, 'services' | 'endpointSlices' | 'settings'>;
  /** What the change trackers collected since the last sync (../changes.ts). */
  changes: ProxyChanges;
  /**
   * Force a full sync (kube-proxy does one at start, after a failed restore, every syncPeriod, and
   * when its node's labels change): true, or the reason the sync event gives.
   */
  fullSync?: boolean | string;
  /** New kube-proxy settings or node addresses (a restart of kube-proxy in real life): a full sync. */
  settings?: KubeProxySettings;
  node?: ProxyNode;
}

/**
 * A partial sync (KEP-3453, MinimizeIPTablesRestore): only the Services the change trackers report
 * changed (`change.changes`) get their SVC/SVL/EXT/FW/SEP chains regenerated, from the informers'
 * current objects; the top-level chains are regenerated and written in full, as syncProxyRules does.
 * The resulting ruleset equals a full compile of `change.cluster`; `lastSync` says what the restore
 * payload carried.
 */
export function recompileIptables(prev: IptablesArtifact, change: IptablesChange): IptablesArtifact {
  const node = change.node ?? prev.node;
  const settings = change.settings ?? prev.settings;
  const input: CompileIptablesInput = { cluster: change.cluster, nodeName: node.name, node, settings };
  const full = fullSyncReason(prev, change, input);
  if (full) return withReason(compileIptables(input), full);

  const changed = changedServices(change.changes);
  const { totalEndpoints, newPorts, seen } = changedServicePorts(prev, change, changed);
  const ctx = makeCtx(input, prev.node, totalEndpoints);
  if (ctx.largeClusterMode !== prev.largeClusterMode) {
    // Comments on every endpoint rule appear or disappear: that touches every service.
    return withReason(compileIptables(input), 'large-cluster mode changed');
  }
  const swap = swapServiceRules(ctx, prev, changed, newPorts);
  // The sorted lists are spliced, not rebuilt: the work follows the changed Services' chains.
  const ports = spliceSorted(prev.ports, 0, swap.removedPorts, swap.added, portKey);
  const services = spliceSorted(prev.services, 0, swap.removedPorts.map((r) => r.port), swap.added.map((r) => r.port),
    (p: ProxyServicePort) => p.info.name);
  const prevNat = prev.ruleset.tables.nat!.chains;
  // nat's KUBE-NODEPORTS and KUBE-SERVICES come first; every other chain follows by name.
  const natChains = spliceSorted(prevNat, 2, swap.removedChains, swap.addedChains, chainKey);
  let filter = prev.ruleset.tables.filter!;
  if (swap.topLevelChanged) {
    const top = topLevel(ctx, ports);
    filter = top.filter;
    natChains[0] = top.natNodePorts;
    natChains[1] = top.natServices;
  }
  const ruleset: Ruleset = { order: prev.ruleset.order, tables: { filter, nat: { name: 'nat', chains: natChains } } };
  const payload = partialPayload(ruleset, swap.addedChains, swap.deletedChains);
  return {
    ...prev,
    largeClusterMode: ctx.largeClusterMode,
    totalEndpoints,
    services,
    ruleset,
    lastSync: {
      kind: 'partial',
      reason: changed.length ? 'services or endpoints changed' : 'no service changed',
      changedServices: changed,
      payload,
      deletedChains: swap.deletedChains,
      counts: counts(payload, services.length, totalEndpoints),
    },
    ports,
    perService: swap.perService,
    seen,
  };
}

/** Why this sync must be a full one (kube-proxy restarts or its inputs changed as a whole), if it must. */
function fullSyncReason(
  prev: IptablesArtifact,
  change: IptablesChange,
  input: CompileIptablesInput,
): string | undefined {
  if (change.fullSync) return typeof change.fullSync === 'string' ? change.fullSync : 'full sync requested';
  if (!deepEqual(input.settings, prev.settings)) return 'kube-proxy settings changed';
  if (!deepEqual(input.node, prev.node)) return 'node addresses changed';
  const clusterCIDR = input.settings.clusterCIDR ?? change.cluster.settings.podCIDR;
  if (clusterCIDR !== prev.clusterCIDR) return 'cluster CIDR changed';
  return undefined;
}

/** The changed Services' objects as the informers' caches hold them now (a Service that is gone
 *  has none), and their EndpointSlices, found by scanning the cluster (see `trackedObjects`). */
function scannedObjects(next: IptablesChange['cluster'], changed: readonly string[]) {
  const wanted = new Set(changed);
  const wantedNames = new Set(changed.map((k) => k.slice(k.indexOf('/') + 1)));
  const services = new Map<string, Service>();
  for (const svc of next.services) {
    if (!wantedNames.has(svc.metadata.name)) continue;
    const key = serviceKey(svc);
    if (wanted.has(key)) services.set(key, svc);
  }
  const slices = new Map<string, EndpointSlice[]>();
  for (const sl of next.endpointSlices) {
    const name = sl.metadata.labels?.['kubernetes.io/service-name'];
    if (name === undefined || !wantedNames.has(name)) continue;
    const key = sliceKey(sl);
    if (key === undefined || !wanted.has(key)) continue;
    const l = slices.get(key);
    if (l) l.push(sl);
    else slices.set(key, [sl]);
  }
  return { services, slices };
}

/**
 * One changed Service's objects now, from what the last sync saw and the change trackers' items
 * (each tracked `previous` must be the object the last sync saw, else undefined: the caller scans).
 * A slice that was modified keeps its place among the Service's slices, as it does in the store's
 * lists; a slice added or deleted makes the caller scan, which gives the cluster's order.
 */
function trackedObjects(prev: IptablesArtifact, changes: ProxyChanges, key: string) {
  let svc = prev.seen.services.get(key);
  const svcChange = changes.services.items.get(key);
  if (svcChange) {
    if (svcChange.previous !== svc) return undefined;
    svc = svcChange.current;
  }
  let slices = prev.seen.slices.get(key);
  const sliceChanges = changes.endpoints.items.get(key);
  if (sliceChanges) {
    slices = slices?.slice();
    for (const c of sliceChanges.values()) {
      const i = c.previous && c.current && slices ? slices.indexOf(c.previous) : -1;
      if (i < 0) return undefined;
      slices![i] = c.current!;
    }
  }
  return { svc, slices };
}

/** The changed Services' ports as kube-proxy's service map sees them now, the endpoint count
 *  after the change (which decides large-cluster mode), and the informers' objects now. */
function changedServicePorts(prev: IptablesArtifact, change: IptablesChange, changed: readonly string[]) {
  const newPorts = new Map<string, ProxyServicePort[]>();
  const seen = { services: prev.seen.services.fork(), slices: prev.seen.slices.fork() };
  let scanned: ReturnType<typeof scannedObjects> | undefined;
  let totalEndpoints = prev.totalEndpoints;
  for (const key of changed) {
    for (const r of prev.perService.get(key) ?? []) totalEndpoints -= r.port.endpoints.length;
    let now = trackedObjects(prev, change.changes, key);
    if (!now) {
      scanned ??= scannedObjects(change.cluster, changed);
      now = { svc: scanned.services.get(key), slices: scanned.slices.get(key) };
    }
    setOrDelete(seen.services, key, now.svc);
    setOrDelete(seen.slices, key, now.slices?.length ? now.slices : undefined);
    if (!now.svc) continue;
    const p = portsOf(now.svc, now.slices ?? [], prev.node.name);
    if (!p.length) continue;
    newPorts.set(key, p);
    for (const sp of p) totalEndpoints += sp.endpoints.length;
  }
  return { totalEndpoints, newPorts, seen };
}

function setOrDelete<V>(m: CowMap<V>, key: string, v: V | undefined): void {
  if (v === undefined) m.delete(key);
  else m.set(key, v);
}

/** The changed Services' rules regenerated and swapped in: what went, what came, which chains are
 *  stale (deleted with -X), and whether any top-level rule changed. */
function swapServiceRules(
  ctx: Ctx,
  prev: IptablesArtifact,
  changed: readonly string[],
  newPorts: ReadonlyMap<string, ProxyServicePort[]>,
) {
  const perService = prev.perService.fork();
  let topLevelChanged = false;
  const removedPorts: ServicePortRules[] = [];
  const removedChains: Chain[] = [];
  const added: ServicePortRules[] = [];
  const addedChains: Chain[] = [];
  for (const key of changed) {
    for (const r of perService.get(key) ?? []) {
      removedPorts.push(r);
      for (const c of r.chains) removedChains.push(c);
    }
    const p = newPorts.get(key);
    if (!p) {
      if (perService.delete(key)) topLevelChanged = true;
      continue;
    }
    const old = prev.perService.get(key);
    const rules = p.map((sp) => serviceRules(ctx, sp, old?.find((r) => r.port.info.name === sp.info.name)));
    if (!keepTopLevel(old, rules)) topLevelChanged = true;
    perService.set(key, rules);
    for (const r of rules) {
      added.push(r);
      for (const c of r.chains) addedChains.push(c);
    }
  }
  const stillThere = new Set(addedChains.map((c) => c.name));
  const deletedChains = removedChains.map((c) => c.name).filter((n) => !stillThere.has(n)).sort(compareNames);
  return { perService, topLevelChanged, removedPorts, removedChains, added, addedChains, deletedChains };
}

/** An endpoint-only change leaves the Service's top-level rules as they were: keep the old objects
 *  (so the top-level chains can be reused as a whole) and say so. */
function keepTopLevel(old: readonly ServicePortRules[] | undefined, rules: ServicePortRules[]): boolean {
  if (!old || old.length !== rules.length || !rules.every((r, i) => sameTopLevel(old[i]!, r))) return false;
  rules.forEach((r, i) => {
    r.filter = old[i]!.filter;
    r.nat = old[i]!.nat;
  });
  return true;
}

function sameRuleList(a: readonly Rule[], b: readonly Rule[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    if (a[i]!.id !== b[i]!.id || !deepEqual(a[i], b[i])) return false;
  }
  return true;
}

function sameTopLevel(a: ServicePortRules, b: ServicePortRules): boolean {
  return (
    sameRuleList(a.filter.services, b.filter.services) &&
    sameRuleList(a.filter.externalServices, b.filter.externalServices) &&
    sameRuleList(a.filter.nodePorts, b.filter.nodePorts) &&
    sameRuleList(a.filter.proxyFirewall, b.filter.proxyFirewall) &&
    sameRuleList(a.nat.services, b.nat.services) &&
    sameRuleList(a.nat.nodePorts, b.nat.nodePorts)
  );
}

/** What a partial sync writes: every top-level chain, the changed services' chains, and the stale chains to delete. */
function partialPayload(full: Ruleset, changedChains: readonly Chain[], deleteChains: string[]): Ruleset {
  const nat = full.tables.nat!;
  // The fixed chains as the full ruleset holds them (a partial sync runs with the settings they were
  // written with: new settings make a full sync).
  const fixed = (name: string) => nat.chains[2 + lowerBoundFrom(nat.chains, 2, name, chainKey)]!;
  const rest = insertSorted(
    [],
    [
      ...changedChains,
      fixed(KUBE_MARK_MASQ),
      fixed(KUBE_POSTROUTING),
      ...deleteChains.map((x) => ({ name: x, rules: [] })),
    ],
    chainKey,
  );
  return {
    order: full.order,
    tables: {
      filter: full.tables.filter!,
      nat: {
        name: 'nat',
        chains: [nat.chains[0]!, nat.chains[1]!, ...rest],
        ...(deleteChains.length ? { deleteChains } : {}),
      },
    },
  };
}

function withReason(a: IptablesArtifact, reason: string): IptablesArtifact {
  return { ...a, lastSync: { ...a.lastSync, reason } };
}
