// /etc/hosts, the file a resolver reads before it asks DNS (nsswitch `hosts: files dns` in glibc;
// musl always reads it first). Three writers in the lab:
// - the kubelet, for every pod it starts (pkg/kubelet/kubelet_pods.go `ensureHostsFile`): the
//   managed file `managedHostsFileContent` writes (localhost lines, the pod's own address with its
//   hostname, and `<hostname>.<subdomain>.<ns>.svc.<domain>` when the pod has a subdomain), or for a
//   hostNetwork pod `nodeHostsFileContent` (the node's /etc/hosts under its own header); then
//   `hostsEntriesFromHostAliases` (spec.hostAliases, one line per hostname);
// - the container runtime that runs a node (Docker's libnetwork etchosts for a kind or minikube node
//   container): localhost lines and the node's address with its name;
// - the learner, for an outside client (its `hosts` entries).
// A file is data: each line that maps names to an address is an entry with an id, the `ref` of the
// line that renders it, so a lookup answered here points at its line.

import type { Cluster, ExternalClient } from '../cluster';
import type { Pod } from '../api/types';
import { isIPv4 } from '../net/ip';
import { fqdn } from './names';
import type { DnsAnswer, DnsQuestion, RR } from './types';

/** A line that maps names to an address (the first name is the canonical one, the rest aliases). */
export interface HostsEntry {
  /** The `ref` of the line that renders it. */
  id: string;
  address: string;
  names: string[];
}

/** One line as the file has it, and the entry it declares if it declares one. */
export interface HostsLine {
  text: string;
  entry?: HostsEntry;
}

export interface HostsFile {
  lines: HostsLine[];
}

/** kubelet_pods.go `managedHostsHeader` and `managedHostsHeaderWithHostNetwork`. */
const MANAGED_HEADER = '# Kubernetes-managed hosts file.';
const MANAGED_HEADER_HOST_NETWORK = '# Kubernetes-managed hosts file (host network).';
/** kubelet_pods.go `hostsEntriesFromHostAliases`: a blank line, this comment, then the aliases. */
const HOST_ALIASES_COMMENT = '# Entries added by HostAliases.';
/** The kubelet's IPv6 lines after `127.0.0.1 localhost` (its own spelling, fe00:: for all of them). */
const KUBELET_IPV6_LINES = [
  '::1\tlocalhost ip6-localhost ip6-loopback',
  'fe00::0\tip6-localnet',
  'fe00::0\tip6-mcastprefix',
  'fe00::1\tip6-allnodes',
  'fe00::2\tip6-allrouters',
];
/** What Docker's libnetwork (etchosts) writes first into a container's /etc/hosts: a kind or minikube node. */
const DOCKER_IPV6_LINES = [
  '::1\tlocalhost ip6-localhost ip6-loopback',
  'fe00::0\tip6-localnet',
  'ff00::0\tip6-mcastprefix',
  'ff02::1\tip6-allnodes',
  'ff02::2\tip6-allrouters',
];

/** Builds a file line by line; `entry` lines get the id `<prefix>/<line index>`. */
class HostsWriter {
  readonly lines: HostsLine[] = [];
  constructor(private readonly prefix: string) {}

  /** A line the lab reads no entry from: a comment, a blank line. */
  plain(text: string): void {
    this.lines.push({ text });
  }

  /** `address<TAB>name<TAB>alias...`, as the kubelet writes its own lines with a hostname. */
  entry(address: string, names: string[], id = `${this.prefix}/${this.lines.length}`): void {
    this.lines.push({ text: [address, ...names].join('\t'), entry: { id, address, names } });
  }

  /** A fixed line as its writer spells it ("::1<TAB>localhost ip6-localhost ip6-loopback"), read as an entry. */
  fixed(text: string): void {
    const [address, ...names] = text.split(/\s+/);
    this.lines.push({ text, entry: { id: `${this.prefix}/${this.lines.length}`, address: address!, names } });
  }

  file(): HostsFile {
    return { lines: this.lines };
  }
}

/** The ids of a pod's /etc/hosts lines start with this (the artifact's own id names the pod). */
export function podHostsPrefix(pod: Pod): string {
  return `hosts/pod/${pod.metadata.namespace ?? 'default'}/${pod.metadata.name}`;
}

/** The name the kubelet gives the pod (GeneratePodHostNameAndDomain): spec.hostname, else its name cut to 63. */
export function podHostname(pod: Pod): string {
  if (pod.spec.hostname) return pod.spec.hostname;
  // truncatePodHostnameIfNeeded: at most 63 characters, without a trailing '-' or '.'.
  const name = pod.metadata.name;
  return name.length <= 63 ? name : name.slice(0, 63).replace(/[-.]+$/, '');
}

/** The addresses the kubelet writes beside the pod's name: status.podIPs, else podIP. */
function podAddresses(pod: Pod): string[] {
  const ips = (pod.status?.podIPs ?? []).map((p) => p.ip).filter((ip) => typeof ip === 'string');
  if (ips.length > 0) return ips;
  return pod.status?.podIP ? [pod.status.podIP] : [];
}

/** The node a pod runs on, by name. */
function nodeAddress(cluster: Cluster, nodeName: string): string | undefined {
  const node = cluster.nodes.find((n) => n.metadata.name === nodeName);
  return node?.status?.addresses?.find((a) => a.type === 'InternalIP')?.address;
}

/** The lab's node /etc/hosts: what Docker writes into a kind or minikube node container. */
function writeNodeHosts(w: HostsWriter, cluster: Cluster, nodeName: string): void {
  w.entry('127.0.0.1', ['localhost']);
  for (const line of DOCKER_IPV6_LINES) w.fixed(line);
  const ip = nodeAddress(cluster, nodeName);
  if (ip) w.entry(ip, [nodeName]);
}

export function nodeHostsFile(cluster: Cluster, nodeName: string): HostsFile {
  const w = new HostsWriter(`hosts/node/${nodeName}`);
  writeNodeHosts(w, cluster, nodeName);
  return w.file();
}

/**
 * The /etc/hosts the kubelet mounts into `pod`'s containers (ensureHostsFile). A hostNetwork pod
 * gets a copy of its node's file under its own header, not the managed one: it has the node's
 * name and address. Either way spec.hostAliases follow.
 */
export function podHostsFile(cluster: Cluster, pod: Pod): HostsFile {
  const w = new HostsWriter(podHostsPrefix(pod));
  if (pod.spec.hostNetwork && pod.spec.nodeName) {
    w.plain(MANAGED_HEADER_HOST_NETWORK);
    writeNodeHosts(w, cluster, pod.spec.nodeName);
  } else {
    w.plain(MANAGED_HEADER);
    w.entry('127.0.0.1', ['localhost']);
    for (const line of KUBELET_IPV6_LINES) w.fixed(line);
    const hostname = podHostname(pod);
    const ns = pod.metadata.namespace ?? 'default';
    const domain = (cluster.settings.clusterDomain || 'cluster.local').replace(/\.$/, '');
    // GeneratePodHostNameAndDomain: the domain only with a subdomain, whether or not a Service has that name.
    const names = pod.spec.subdomain ? [`${hostname}.${pod.spec.subdomain}.${ns}.svc.${domain}`, hostname] : [hostname];
    for (const ip of podAddresses(pod)) w.entry(ip, names);
  }
  const aliases = hostAliasesOf(pod);
  if (aliases.length > 0) {
    w.plain('');
    w.plain(HOST_ALIASES_COMMENT);
    for (const a of aliases) for (const h of a.hostnames) w.entry(a.ip, [h]);
  }
  return w.file();
}

/** spec.hostAliases as the apiserver admitted them (validation.ts): an ip and its hostnames. */
function hostAliasesOf(pod: Pod): { ip: string; hostnames: string[] }[] {
  const list = pod.spec.hostAliases;
  if (!Array.isArray(list)) return [];
  return list.flatMap((a) => {
    if (!a || typeof a.ip !== 'string') return [];
    const hostnames = Array.isArray(a.hostnames) ? a.hostnames.filter((h) => typeof h === 'string') : [];
    return [{ ip: a.ip, hostnames }];
  });
}

/** The id of an outside client's /etc/hosts line for `host`: the ref its rendered line carries. */
export function hostsEntryId(client: Pick<ExternalClient, 'name'>, host: string): string {
  return `hosts/${client.name}/${fqdn(host)}`;
}

/** An outside client's /etc/hosts: localhost, then the entries the learner gave it. */
export function clientHostsFile(client: ExternalClient): HostsFile {
  const w = new HostsWriter(`hosts/${client.name}`);
  // The localhost line is the system's, not the learner's: the lab resolves only the learner's entries.
  w.plain('127.0.0.1\tlocalhost');
  for (const [host, address] of Object.entries(client.hosts ?? {})) {
    w.entry(address, [host], hostsEntryId(client, host));
  }
  return w.file();
}

/**
 * The entry a resolver's `files` source answers `name` from: the first line that lists the name
 * (case-insensitively) with an IPv4 address, for an A question. The lab has no AAAA data, so an
 * IPv6 line (::1 localhost, an IPv6 hostAlias) answers nothing here.
 */
export function lookupHosts(file: HostsFile, name: string): HostsEntry | undefined {
  const wanted = fqdn(name);
  for (const line of file.lines) {
    const e = line.entry;
    if (e && isIPv4(e.address) && e.names.some((n) => fqdn(n) === wanted)) return e;
  }
  return undefined;
}

/** The answer the resolver hands the program when /etc/hosts had the name: no server, no flags. */
export function hostsAnswer(question: DnsQuestion, entry: HostsEntry): DnsAnswer {
  const rr: RR = {
    id: entry.id,
    name: fqdn(question.name),
    ttl: 0,
    source: { kind: 'Hosts' },
    type: 'A',
    address: entry.address,
  };
  return {
    question: { name: fqdn(question.name), type: question.type },
    rcode: 'NOERROR',
    authoritative: false,
    recursionAvailable: false,
    origin: 'hosts',
    answers: [rr],
    authority: [],
    additional: [],
    ref: [rr.id],
  };
}
