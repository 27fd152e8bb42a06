// Binds the tracer's DNS port to cluster DNS: every lookup runs the real resolver over the zone,
// and the lines it points at are the zone listing's lines.

import { findLine, lazyArtifact, type ArtifactRef, type RenderedArtifact } from '../artifact';
import type { Cluster, ExternalClient } from '../cluster';
import { objectKey, type Pod } from '../api/types';
import * as dns from '../dns/index';
import type { EvalStep, StepEffect } from '../step';
import type { DnsLookup, DnsPort } from '../trace/ports';

/** What a record says, as the answer's typed effect (lines that are not a record: the rcode). */
function answerEffect(rr: dns.RR | undefined, final: dns.DnsAnswer): StepEffect {
  if (!rr) return { kind: 'dns-answer', name: final.question.name, type: final.rcode, value: '' };
  const value = 'address' in rr ? rr.address : 'target' in rr ? rr.target : rr.type === 'TXT' ? rr.text : '';
  return { kind: 'dns-answer', name: rr.name, type: rr.type, value };
}

/** The typed steps of the lines that decided, found in `artifact` (their ids are its lines' refs). */
function answerSteps(final: dns.DnsAnswer, artifact: RenderedArtifact): EvalStep[] {
  const records = new Map([...final.answers, ...final.authority, ...final.additional].map((rr) => [rr.id, rr]));
  const steps: EvalStep[] = [];
  for (const id of final.ref ?? []) {
    const ref = findLine(artifact, id);
    if (!ref) continue;
    const effect = answerEffect(records.get(id), final);
    const type = effect.kind === 'dns-answer' ? effect.type : '';
    steps.push({ outcome: 'matched', table: 'dns', chain: artifact.id, effect, ref, where: 'dns', action: type });
  }
  return steps;
}

/** The resolv.conf line that sent the query to `server`, when the file names it. */
function nameserverLine(resolvConf: RenderedArtifact, rc: dns.ResolvConf, server: string): ArtifactRef[] {
  const i = rc.nameservers.indexOf(server);
  const ref = i < 0 ? undefined : findLine(resolvConf, dns.nameserverRef(i));
  return ref ? [ref] : [];
}

/**
 * `artifact`: where the answer's records are listed (CoreDNS's zone, the public resolver's table,
 * /etc/hosts); `before`: lines that sent the query there (a resolv.conf's nameserver line), which
 * the hop cites first and the answer's records follow.
 */
function toLookup(
  r: dns.ResolveResult,
  artifact: RenderedArtifact,
  answeredBy: DnsLookup['answeredBy'],
  before: ArtifactRef[] = [],
): DnsLookup {
  const final = r.final;
  const steps = answerSteps(final, artifact);
  const refs: ArtifactRef[] = [...before, ...steps.map((s) => s.ref)];
  const server =
    final.origin === 'hosts' ? 'hosts' : final.origin === 'upstream' && !r.server ? 'upstream' : r.server || 'upstream';
  return {
    rcode: final.origin === 'timeout' ? 'TIMEOUT' : final.rcode,
    addresses: final.answers.flatMap((rr) => (rr.type === 'A' ? [rr.address] : [])),
    cnames: final.answers.flatMap((rr) => (rr.type === 'CNAME' ? [rr.target] : [])),
    queries: r.queriesSent.map((q) => ({ name: q.name, type: q.type, rcode: q.rcode })),
    refs,
    steps,
    server,
    answeredBy,
  };
}

/** The two files a resolver reads on a node or in a pod, as data and as the artifacts that show them. */
export interface ResolverFiles {
  readonly hosts: dns.HostsFile;
  readonly resolvConf: dns.ResolvConf;
  readonly hostsArtifact: RenderedArtifact;
  readonly resolvConfArtifact: RenderedArtifact;
}

/**
 * What the kubelet writes into every pod it started (/etc/hosts, /etc/resolv.conf; a pod without an
 * address has none yet: shouldMountHostsFile), and each node's own two files. Each is made when
 * first asked for and rendered when first read.
 */
export interface EtcFiles {
  /** Every node's and pod's files (ids `node/<name>/hosts`, `pod/<ns>/<name>/resolv.conf`...). */
  readonly artifacts: readonly RenderedArtifact[];
  pod(pod: Pod): ResolverFiles | undefined;
  node(node: string): ResolverFiles | undefined;
  /** What the files were made from (see buildEtcFiles). */
  readonly inputs: EtcInputs;
}

function lazyFiles(
  heads: { hosts: Omit<RenderedArtifact, 'lines'>; resolvConf: Omit<RenderedArtifact, 'lines'> },
  hostsOf: () => dns.HostsFile,
  resolvConfOf: () => dns.ResolvConf,
): ResolverFiles {
  let hosts: dns.HostsFile | undefined;
  let rc: dns.ResolvConf | undefined;
  // Made once, then the makers go: they hold the cluster they were made in (see buildEtcFiles).
  let makeHosts: (() => dns.HostsFile) | undefined = hostsOf;
  let makeRc: (() => dns.ResolvConf) | undefined = resolvConfOf;
  const h = () => {
    if (!hosts) [hosts, makeHosts] = [makeHosts!(), undefined];
    return hosts;
  };
  const r = () => {
    if (!rc) [rc, makeRc] = [makeRc!(), undefined];
    return rc;
  };
  const hostsArtifact = lazyArtifact(heads.hosts, () => dns.renderHostsFile(h(), heads.hosts).lines);
  const resolvConfArtifact = lazyArtifact(heads.resolvConf, () => dns.renderResolvConf(r(), heads.resolvConf).lines);
  return {
    get hosts() {
      return h();
    },
    get resolvConf() {
      return r();
    },
    hostsArtifact,
    resolvConfArtifact,
  };
}

/**
 * Each file's inputs beside the files, so the next build can keep those whose inputs are the same
 * objects: an edit changes a few pods, and the lab keeps the other pods' files (made and rendered
 * once) instead of making two new ones for every pod and node on each edit.
 */
interface EtcInputs {
  settings: Cluster['settings'];
  nodes: Cluster['nodes'];
  dnsIP: string;
  pods: ReadonlyMap<string, { pod: Pod; files: ResolverFiles }>;
  nodeFiles: ReadonlyMap<string, ResolverFiles>;
}

/**
 * Whether a pod's two files read the same from `a` as from `b`: they are made of its name, some of its
 * spec (hostname, subdomain, hostAliases, dnsPolicy, dnsConfig, node) and its address, not of its
 * other status (a readiness change keeps them).
 */
function sameFileInputs(a: Pod, b: Pod): boolean {
  if (a === b) return true;
  const sa = a.status;
  const sb = b.status;
  return sameFileSpec(a.spec, b.spec) && a.metadata.name === b.metadata.name &&
    a.metadata.namespace === b.metadata.namespace && sa?.podIP === sb?.podIP && sameIPs(sa?.podIPs, sb?.podIPs);
}

/** The spec fields podHostsFile and resolverFor read (an apply writes a new spec object of the same fields). */
function sameFileSpec(a: Pod['spec'], b: Pod['spec']): boolean {
  if (a === b) return true;
  const same = (x: unknown, y: unknown) => x === y || JSON.stringify(x) === JSON.stringify(y);
  return a.hostname === b.hostname && a.subdomain === b.subdomain && a.hostNetwork === b.hostNetwork &&
    a.nodeName === b.nodeName && a.dnsPolicy === b.dnsPolicy && same(a.hostAliases, b.hostAliases) &&
    same(a.dnsConfig, b.dnsConfig);
}

function sameIPs(a: readonly { ip?: string }[] | undefined, b: readonly { ip?: string }[] | undefined): boolean {
  if (a === b) return true;
  if (!a || !b || a.length !== b.length) return false;
  return a.every((x, i) => x.ip === b[i]!.ip);
}

/** Files kept into a new build, made now if they were not: their makers would keep the old cluster alive. */
function keep(files: ResolverFiles): ResolverFiles {
  void files.hosts;
  void files.resolvConf;
  return files;
}

function buildEtcFiles(cluster: Cluster, prev?: EtcFiles): EtcFiles {
  const was = prev?.inputs;
  const dnsIP = dns.kubeDnsIP(cluster);
  // A resolv.conf reads the settings and the cluster DNS address; a node's hosts (and a hostNetwork
  // pod's) the nodes.
  const sameBase = !!was && was.settings === cluster.settings && was.dnsIP === dnsIP;
  const sameNodes = sameBase && was.nodes === cluster.nodes;
  const pods = new Map<string, { pod: Pod; files: ResolverFiles }>();
  const nodes = new Map<string, ResolverFiles>();
  let nodeRc: dns.ResolvConf | undefined;
  for (const n of cluster.nodes) {
    const name = n.metadata.name;
    const kept = sameNodes ? was.nodeFiles.get(name) : undefined;
    if (kept) {
      nodes.set(name, keep(kept));
      continue;
    }
    const heads = { hosts: dns.nodeHostsArtifactHead(name), resolvConf: dns.nodeResolvConfArtifactHead(name) };
    const resolvConf = () => (nodeRc ??= dns.nodeResolvConf(cluster));
    nodes.set(name, lazyFiles(heads, () => dns.nodeHostsFile(cluster, name), resolvConf));
  }
  for (const p of cluster.pods) {
    if (!p.status?.podIP || !p.spec.nodeName) continue;
    const key = objectKey(p);
    const kept = sameBase ? was.pods.get(key) : undefined;
    if (kept && sameFileInputs(kept.pod, p) && (sameNodes || !p.spec.hostNetwork)) {
      pods.set(key, { pod: p, files: keep(kept.files) });
      continue;
    }
    const heads = { hosts: dns.podHostsArtifactHead(p), resolvConf: dns.podResolvConfArtifactHead(p) };
    const files = lazyFiles(heads, () => dns.podHostsFile(cluster, p), () => dns.resolverFor(cluster, p));
    pods.set(key, { pod: p, files });
  }
  let artifacts: RenderedArtifact[] | undefined;
  return {
    get artifacts() {
      if (artifacts) return artifacts;
      const list: RenderedArtifact[] = [];
      for (const f of nodes.values()) list.push(f.hostsArtifact, f.resolvConfArtifact);
      for (const { files: f } of pods.values()) list.push(f.hostsArtifact, f.resolvConfArtifact);
      return (artifacts = list);
    },
    pod: (pod) => pods.get(objectKey(pod))?.files,
    node: (node) => nodes.get(node),
    inputs: { settings: cluster.settings, nodes: cluster.nodes, dnsIP, pods, nodeFiles: nodes },
  };
}

export interface LabDns {
  /** The kubernetes plugin's view of the cluster, built when first asked (a lookup, the zone viewer, the shell). */
  readonly zone: dns.Zone;
  zoneArtifact: RenderedArtifact;
  /** What the DNS resolver outside the lab answers (outside clients ask it, not CoreDNS). */
  publicArtifact: RenderedArtifact;
  /** The /etc/hosts and /etc/resolv.conf of every running pod and every node. */
  files: EtcFiles;
  port: DnsPort;
}

/** Each outside client's /etc/hosts that has entries, by artifact id (a few short lines each). */
export function hostsArtifacts(clients: readonly ExternalClient[]): Record<string, RenderedArtifact> {
  const out: Record<string, RenderedArtifact> = {};
  for (const c of clients) {
    if (Object.keys(c.hosts ?? {}).length === 0) continue;
    const a = dns.renderHosts(c);
    out[a.id] = a;
  }
  return out;
}

/** Where the lines that decided a pod's or a node's lookup are: the files, CoreDNS's zone, or the public listing. */
interface Listings {
  zone: dns.Zone;
  zoneArtifact: RenderedArtifact;
  publicArtifact: RenderedArtifact;
}

/**
 * A lookup from inside the lab, cited where it was answered: the /etc/hosts line (no packet left);
 * CoreDNS's zone when kube-dns answered; else the nameserver line of the sender's resolv.conf and
 * what the resolver outside the lab answers (a node's resolver, which dnsPolicy Default pods
 * inherit, forwards there and knows nothing of the cluster domain).
 */
function lookupWithin(
  l: Listings,
  files: ResolverFiles | undefined,
  resolvConf: dns.ResolvConf,
  name: string,
): DnsLookup {
  const r = dns.resolve({ zone: l.zone, resolvConf, name, ...(files ? { hosts: files.hosts } : {}) });
  if (r.final.origin === 'hosts' && files) return toLookup(r, files.hostsArtifact, 'hosts');
  if (r.server === l.zone.dnsServiceIP) return toLookup(r, l.zoneArtifact, 'cluster');
  const sentBy = files ? nameserverLine(files.resolvConfArtifact, resolvConf, r.server) : [];
  return toLookup(r, l.publicArtifact, 'nameserver', sentBy);
}

/**
 * CoreDNS for the lab. The zone is built on the first lookup or when its listing is opened, not on
 * every edit: CoreDNS answers from its informer cache when asked, and an edit that nobody resolves a
 * name after should not pay for it. `prev`: the lab's DNS before an update, whose pods' and nodes'
 * files are kept where their inputs are.
 */
export function buildLabDns(cluster: Cluster, externalRecords: Record<string, string>, prev?: LabDns): LabDns {
  let zone: dns.Zone | undefined;
  const zoneOf = () => (zone ??= dns.buildZone(cluster, { externalRecords }));
  // Rendered when the zone viewer opens or a lookup points at a record's line.
  const head = dns.zoneArtifactHead(dns.zoneOrigin(cluster));
  const zoneArtifact = lazyArtifact(head, () => dns.renderZone(zoneOf()).lines);
  const outside = dns.publicDnsArtifactHead(dns.OUTSIDE_RESOLVER);
  const publicArtifact = lazyArtifact(outside, () => dns.renderPublicDns(zoneOf(), dns.OUTSIDE_RESOLVER).lines);
  const files = buildEtcFiles(cluster, prev?.files);
  const listings = (): Listings => ({ zone: zoneOf(), zoneArtifact, publicArtifact });
  return {
    get zone() {
      return zoneOf();
    },
    zoneArtifact,
    publicArtifact,
    files,
    port: {
      fromPod: (pod, name) => {
        const f = files.pod(pod);
        return lookupWithin(listings(), f, f?.resolvConf ?? dns.resolverFor(cluster, pod), name);
      },
      fromNode: (node, name) => {
        const f = files.node(node);
        return lookupWithin(listings(), f, f?.resolvConf ?? dns.nodeResolvConf(cluster), name);
      },
      // An outside client asks its /etc/hosts, then its own resolver: the lines that decide are there.
      fromClient: (client: ExternalClient, name) => {
        const r = dns.resolveExternal({ zone: zoneOf(), client, name });
        if (r.final.origin === 'hosts') return toLookup(r, dns.renderHosts(client), 'hosts');
        return toLookup(r, publicArtifact, 'outside');
      },
    },
  };
}
