// The client side: the resolv.conf the kubelet writes into a pod (pkg/kubelet/network/dns/dns.go,
// GetPodDNS: dnsPolicy, hostNetwork, dnsConfig merging and limits), and the stub resolver in the
// pod's libc walking the search list (glibc res_nsearch: ndots, trailing dot, absolute name first
// when it has at least ndots dots, keep going on NXDOMAIN, NODATA and SERVFAIL, stop on timeout).

import type { Cluster, ExternalClient } from '../cluster';
import type { Pod } from '../api/types';
import { cidrContains, parseCidr } from '../net/ip';
import { countDots, fqdn } from './names';
import { query, queryUpstream, timeoutAnswer } from './query';
import { kubeDnsIP, nodeNameserver } from './zone';
import { clientHostsFile, hostsAnswer, lookupHosts, type HostsFile } from './hosts';
import type { DnsAnswer, DnsOption, DnsQuestion, ResolvConf, ResolveResult, RRType, SentQuery, Zone } from './types';

/** kubelet's limits (validation.MaxDNSNameservers, MaxDNSSearchPaths since ExpandedDNSConfig, GA in 1.28). */
export const MAX_NAMESERVERS = 3;
export const MAX_SEARCH_PATHS = 32;
/** The resolver's default when resolv.conf has no `options ndots` (resolv.conf(5)). */
const DEFAULT_NDOTS = 1;

/** The node's /etc/resolv.conf in the lab: the node network's gateway as resolver, no search domains. */
export function nodeResolvConf(cluster: Cluster): ResolvConf {
  return {
    nameservers: [nodeNameserver(cluster)],
    searches: [],
    options: [],
    ndots: DEFAULT_NDOTS,
    policy: 'Default',
    effective: 'node',
    notes: [],
  };
}

/** The /etc/resolv.conf the kubelet gives `pod`. */
export function resolverFor(cluster: Cluster, pod: Pod): ResolvConf {
  const policy = pod.spec.dnsPolicy ?? 'ClusterFirst';
  const ns = pod.metadata.namespace ?? 'default';
  const domain = (cluster.settings.clusterDomain || 'cluster.local').replace(/\.$/, '');
  const node = nodeResolvConf(cluster);
  const notes: string[] = [];

  let base: { nameservers: string[]; searches: string[]; options: DnsOption[]; effective: ResolvConf['effective'] };
  const clusterFirst = () => ({
    nameservers: [kubeDnsIP(cluster)],
    searches: [`${ns}.svc.${domain}`, `svc.${domain}`, domain, ...node.searches],
    options: [{ name: 'ndots', value: '5' }],
    effective: 'cluster' as const,
  });
  switch (policy) {
    case 'ClusterFirst':
      if (pod.spec.hostNetwork) {
        // kubelet: a hostNetwork pod with ClusterFirst falls back to Default (use ClusterFirstWithHostNet for cluster
        // DNS).
        notes.push(
          'hostNetwork pod with dnsPolicy ClusterFirst gets the node\'s resolv.conf (dnsPolicy Default); use '
          + 'ClusterFirstWithHostNet to reach cluster DNS'
        );
        base = { ...node, effective: 'node' };
      } else {
        base = clusterFirst();
      }
      break;
    case 'ClusterFirstWithHostNet':
      base = clusterFirst();
      break;
    case 'Default':
      base = { ...node, effective: 'node' };
      break;
    case 'None':
      if (!pod.spec.dnsConfig) notes.push(
        'spec.dnsConfig: Required value: must provide `dnsConfig` when `dnsPolicy` is None'
      );
      base = { nameservers: [], searches: [], options: [], effective: 'none' };
      break;
  }

  // appendDNSConfig: dnsConfig adds nameservers and searches (duplicates dropped) and overrides options by name.
  const cfg = pod.spec.dnsConfig;
  let nameservers = unique([...base.nameservers, ...(cfg?.nameservers ?? [])]);
  let searches = unique([...base.searches, ...(cfg?.searches ?? [])]);
  const options = mergeOptions(base.options, cfg?.options ?? []);
  if (nameservers.length > MAX_NAMESERVERS) {
    nameservers = nameservers.slice(0, MAX_NAMESERVERS);
    notes.push(
      'Nameserver limits were exceeded, some nameservers have been omitted, '
        + `the applied nameserver line is: ${nameservers.join(' ')}`
    );
  }
  if (searches.length > MAX_SEARCH_PATHS) {
    searches = searches.slice(0, MAX_SEARCH_PATHS);
    notes.push(
      'Search Line limits were exceeded, some search paths have been omitted, '
        + `the applied search line is: ${searches.join(' ')}`

    );
  }
  const ndotsOpt = options.find((o) => o.name === 'ndots');
  const ndots = ndotsOpt?.value !== undefined && /^\d+$/.test(ndotsOpt.value) ? Math.min(
    15,
    Number(ndotsOpt.value),
  ) : DEFAULT_NDOTS;
  return { nameservers, searches, options, ndots, policy, effective: base.effective, notes };
}

function unique(xs: string[]): string[] {
  return [...new Set(xs)];
}

function mergeOptions(base: DnsOption[], extra: DnsOption[]): DnsOption[] {
  const out = base.map((o) => ({ ...o }));
  for (const o of extra) {
    const i = out.findIndex((x) => x.name === o.name);
    if (i >= 0) out[i] = { ...o };
    else out.push({ ...o });
  }
  return out;
}

/** The names a stub resolver tries for `name`, in order (glibc res_nsearch). */
export function candidateNames(rc: ResolvConf, name: string): string[] {
  const trimmed = name.trim();
  if (trimmed.endsWith('.')) return [fqdn(trimmed)];
  const dots = countDots(trimmed);
  const expanded = rc.searches.map((s) => fqdn(`${trimmed}.${s}`));
  const absolute = fqdn(trimmed);
  const list = dots >= rc.ndots ? [absolute, ...expanded] : [...expanded, absolute];
  return unique(list);
}

/** Who answers at a nameserver address: CoreDNS, the outside world's resolvers, or nobody. */
function ask(zone: Zone, server: string, q: DnsQuestion): DnsAnswer {
  if (server === zone.dnsServiceIP) return query(zone, q);
  if (server === zone.nodeNameserver) return queryUpstream(zone, q);
  // Nothing answers DNS on another address inside the cluster's ranges; outside them is the internet.
  const inside = zone.clusterCIDRs.some((c) => {
    const cidr = parseCidr(c, true);
    return cidr !== null && cidrContains(cidr, server);
  });
  return inside ? timeoutAnswer({ name: fqdn(q.name), type: q.type }, server) : queryUpstream(zone, q);
}

export interface ResolveInput {
  zone: Zone;
  resolvConf: ResolvConf;
  name: string;
  type?: RRType;
  /**
   * The /etc/hosts the program's resolver reads first (getaddrinfo with nsswitch `files dns`, as curl
   * and getent do). Absent for dig and nslookup, which ask the nameserver directly.
   */
  hosts?: HostsFile;
}

/** Resolves `name` as a program in the pod would (getaddrinfo), reporting every query it sent. */
export function resolve({ zone, resolvConf, name, type = 'A', hosts }: ResolveInput): ResolveResult {
  // The `files` source takes the name as given: no search list, and no packet leaves.
  const entry = hosts && type === 'A' ? lookupHosts(hosts, name) : undefined;
  if (entry) return { asked: name, final: hostsAnswer({ name, type }, entry), queriesSent: [], server: '/etc/hosts' };
  const queriesSent: SentQuery[] = [];
  let last: DnsAnswer | undefined;
  let usedServer = resolvConf.nameservers[0] ?? '';
  if (resolvConf.nameservers.length === 0) {
    // glibc falls back to 127.0.0.1 when resolv.conf has no nameserver; nothing listens there in a pod.
    const answer = timeoutAnswer({ name: fqdn(name), type }, '127.0.0.1');
    queriesSent.push({ name: fqdn(name), type, server: '127.0.0.1', rcode: 'TIMEOUT', answers: 0 });
    return { asked: name, final: answer, queriesSent, server: '127.0.0.1' };
  }
  let nodata: DnsAnswer | undefined;
  for (const candidate of candidateNames(resolvConf, name)) {
    let answered: DnsAnswer | undefined;
    for (const server of resolvConf.nameservers) {
      const answer = ask(zone, server, { name: candidate, type });
      queriesSent.push({
        name: candidate,
        type,
        server,
        rcode: answer.origin === 'timeout' ? 'TIMEOUT' : answer.rcode,
        answers: answer.answers.length,
      });
      last = answer;
      usedServer = server;
      if (answer.origin !== 'timeout') {
        answered = answer;
        break;
      }
    }
    // Every server timed out: the resolver gives up rather than trying more names.
    if (!answered) break;
    if (answered.rcode === 'NOERROR' && answered.answers.length > 0) return {
      asked: name,
      final: answered,
      queriesSent,
      server: usedServer,
    };
    if (answered.rcode === 'NOERROR') nodata ??= answered;
  }
  // glibc reports NO_DATA rather than the last NXDOMAIN when some name existed without the asked type.
  return { asked: name, final: last?.origin !== 'timeout' && nodata ? nodata : last!, queriesSent, server: usedServer };
}

export interface ExternalResolveInput {
  zone: Zone;
  client: ExternalClient;
  name: string;
  type?: RRType;
}

/** A client outside the cluster: its /etc/hosts first, then the public DNS (the lab's external
 * table). It has no search list and cannot see the cluster domain. */
export function resolveExternal({ zone, client, name, type = 'A' }: ExternalResolveInput): ResolveResult {
  const question = { name: fqdn(name), type };
  const entry = type === 'A' ? lookupHosts(clientHostsFile(client), name) : undefined;
  if (entry) return { asked: name, final: hostsAnswer(question, entry), queriesSent: [], server: '/etc/hosts' };
  const final = queryUpstream(zone, question);
  const server = OUTSIDE_RESOLVER;
  return {
    asked: name,
    final,
    queriesSent: [{ name: question.name, type, server, rcode: final.rcode, answers: final.answers.length }],
    server,
  };
}

/**
 * The nameserver an outside client's resolv.conf names: the lab's public DNS, which knows the lab's
 * external table and nothing of the cluster domain. The lab gives it no real machine's address but
 * one from TEST-NET-1 (RFC 5737, kept for documentation), ending in 53 so it reads as DNS.
 */
export const OUTSIDE_RESOLVER = '192.0.2.53';
