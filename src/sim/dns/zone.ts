// The zone CoreDNS's kubernetes plugin serves, built from the reconciled cluster the way the plugin
// builds answers from its informer caches (coredns/coredns plugin/kubernetes: kubernetes.go
// findServices/findPods, reverse.go, and plugin/backend_lookup.go for SRV weights). Records are
// materialised so the lab can list them and point at the one that decided an answer.

import type { Cluster } from '../cluster';
import type { EndpointSlice, Pod, Service } from '../api/types';
import { cidrAddress, compareIp, isIPv4, parseCidr } from '../net/ip';
import { hash128 } from '../net/rand';
import { dashedIP, fqdn, reverseName } from './names';
import type { DnsProblem, RR, RecordSource, UnpublishedName, Zone } from './types';

/** CoreDNS's default TTL for the kubernetes plugin (defaultTTL = 5). */
export const COREDNS_TTL = 5;
/** The TTL CoreDNS puts on dns-version.<zone> TXT. */
export const SCHEMA_TXT_TTL = 28800;
/** CoreDNS's DNSSchemaVersion (plugin/kubernetes/kubernetes.go); the spec text itself still says 1.0.1. */
export const DNS_SCHEMA_VERSION = '1.1.0';
/** TTL of upstream answers as pods see them: kubeadm's Corefile has `cache 30`, which caps TTLs at 30 s. */
export const UPSTREAM_TTL = 30;

/** Label the EndpointSlice controller puts on every slice it manages. */
const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

export interface BuildZoneOptions {
  /** The lab's external DNS table (name to IPv4), answered by the upstream resolver CoreDNS forwards to. */
  externalRecords?: Record<string, string>;
}

/** One endpoint address as CoreDNS's object.Endpoints holds it after the readiness filter. */
interface DnsEndpoint {
  ip: string;
  /** endpoint.hostname, else the dashed IP (CoreDNS endpointHostname without endpoint_pod_names). */
  host: string;
  pod?: string;
  ports: { name: string; port: number; protocol: string }[];
}

/** The kube-dns ClusterIP: from the kube-system/kube-dns Service when present, else the 10th
 * address of the service CIDR, which is what kubeadm configures as the kubelet's clusterDNS. */
export function kubeDnsIP(cluster: Cluster): string {
  const svc = cluster.services.find(
    (s) => s.metadata.name === 'kube-dns' && (s.metadata.namespace ?? 'default') === 'kube-system'
  );
  const ip = svc?.spec.clusterIP;
  if (ip && isIPv4(ip)) return ip;
  const cidr = parseCidr(cluster.settings.serviceCIDR, true);
  return cidr ? cidrAddress(cidr, 10) : '10.96.0.10';
}

/** The node's own resolver. The lab's nodes sit on a minikube-style network (192.168.49.0/24)
 * whose gateway (.1) answers DNS for the outside world; pods with dnsPolicy Default inherit it. */
export function nodeNameserver(cluster: Cluster): string {
  const cidr = parseCidr(cluster.settings.nodeCIDR, true);
  return cidr ? cidrAddress(cidr, 1) : '192.168.49.1';
}

function nsOf(o: { metadata: { namespace?: string } }): string {
  return o.metadata.namespace ?? 'default';
}

/** Namespaces that exist: the listed ones, the ones kubeadm always creates, and any an object lives in. */
function existingNamespaces(cluster: Cluster): string[] {
  const set = new Set<string>(['default', 'kube-system', 'kube-public', 'kube-node-lease']);
  for (const n of cluster.namespaces) set.add(n.metadata.name.toLowerCase());
  for (const o of [...cluster.services, ...cluster.pods]) set.add(nsOf(o).toLowerCase());
  return [...set].sort();
}

/**
 * What the plugin's informer caches give it by key: EndpointSlices by the Service they belong to and
 * pods by namespace/name. Built once per zone so each lookup is a map read, not a scan of the cluster.
 */
interface ClusterIndex {
  cluster: Cluster;
  /** `ns/service` to that Service's slices, in the cluster's order. */
  slicesByService: Map<string, EndpointSlice[]>;
  /** `ns/name` to the first pod with that name. */
  podsByName: Map<string, Pod>;
}

function indexCluster(cluster: Cluster): ClusterIndex {
  const slicesByService = new Map<string, EndpointSlice[]>();
  for (const s of cluster.endpointSlices) {
    // A slice belongs to the Service its service-name label names; an unlabelled one to its namesake.
    const owner = s.metadata.labels?.[SERVICE_NAME_LABEL] ?? s.metadata.name;
    const key = `${nsOf(s)}/${owner}`;
    const list = slicesByService.get(key);
    if (list) list.push(s);
    else slicesByService.set(key, [s]);
  }
  const podsByName = new Map<string, Pod>();
  for (const p of cluster.pods) {
    const key = `${nsOf(p)}/${p.metadata.name}`;
    if (!podsByName.has(key)) podsByName.set(key, p);
  }
  return { cluster, slicesByService, podsByName };
}

function slicesOf(index: ClusterIndex, svc: Service): EndpointSlice[] {
  return index.slicesByService.get(`${nsOf(svc)}/${svc.metadata.name}`) ?? [];
}

/**
 * Endpoints CoreDNS publishes for a Service. It keeps only ready addresses (a nil `ready` counts as
 * ready, as everywhere in EndpointSlice consumers); with publishNotReadyAddresses the EndpointSlice
 * controller already marks every endpoint ready, and the lab honours the field directly too.
 * The hostname is the endpoint's, or what the EndpointSlice controller would have set: the pod's
 * spec.hostname when its spec.subdomain names this Service.
 */
function dnsEndpoints(index: ClusterIndex, svc: Service): DnsEndpoint[] {
  const out: DnsEndpoint[] = [];
  const seen = new Set<string>();
  const publishAll = svc.spec.publishNotReadyAddresses === true;
  for (const slice of slicesOf(index, svc)) {
    if (slice.addressType !== 'IPv4') continue;
    const ports = (slice.ports ?? [])
      .filter((p) => p.port !== undefined)
      .map((p) => ({ name: p.name ?? '', port: p.port!, protocol: p.protocol ?? 'TCP' }));
    for (const ep of slice.endpoints) {
      if (!publishAll && ep.conditions?.ready === false) continue;
      const pod = ep.targetRef?.kind === 'Pod'
        ? index.podsByName.get(`${ep.targetRef.namespace ?? nsOf(svc)}/${ep.targetRef.name}`)
        : undefined;
      for (const ip of ep.addresses) {
        if (!isIPv4(ip)) continue;
        const host = (ep.hostname ?? derivedHostname(pod, svc) ?? dashedIP(ip)).toLowerCase();
        const key = `${host}/${ip}`;
        if (seen.has(key)) continue;
        seen.add(key);
        out.push({ ip, host, pod: ep.targetRef?.name, ports });
      }
    }
  }
  return out.sort((a, b) => compareIp(a.ip, b.ip) || a.host.localeCompare(b.host));
}

/** The EndpointSlice controller sets endpoint.hostname only when the pod names the Service as its subdomain. */
function derivedHostname(pod: Pod | undefined, svc: Service): string | undefined {
  if (!pod?.spec.hostname || pod.spec.subdomain !== svc.metadata.name || nsOf(pod) !== nsOf(svc)) return undefined;
  return pod.spec.hostname;
}

/** SRV weight CoreDNS gives each of N equal-priority answers: ⌊100/N⌋, at least 1 (backend_lookup.go). */
export function srvWeight(n: number): number {
  return Math.max(1, Math.floor(100 / n));
}

/** The zone's origin: the cluster domain, fully qualified. */
export function zoneOrigin(cluster: Pick<Cluster, 'settings'>): string {
  return fqdn(cluster.settings.clusterDomain || 'cluster.local');
}

function byNamespaceThenName(
  a: { metadata: { namespace?: string; name: string } },
  b: { metadata: { namespace?: string; name: string } },
): number {
  return nsOf(a).localeCompare(nsOf(b)) || a.metadata.name.localeCompare(b.metadata.name);
}

/**
 * Builds the zone the way the plugin answers: its apex (NS, the DNS server's A, the schema TXT), each
 * Service's names, each pod's dashed-IP name, then the SOA whose serial covers all of them.
 * `externalRecords` is the lab's upstream table (e.g. ingress hosts).
 */
export function buildZone(cluster: Cluster, options: BuildZoneOptions = {}): Zone {
  const origin = zoneOrigin(cluster);
  const ttl = COREDNS_TTL;
  const dnsIP = kubeDnsIP(cluster);
  const index = indexCluster(cluster);
  const problems: DnsProblem[] = [];
  const unpublished: UnpublishedName[] = [];
  const records: RR[] = apexRecords(origin, ttl, dnsIP);

  const servicePtrs = new Set<string>();
  for (const svc of [...cluster.services].sort(byNamespaceThenName)) {
    records.push(...serviceRecords({ index, svc, origin, ttl, problems, unpublished, servicePtrs }));
  }
  // PTRs for endpoint addresses only when no Service ClusterIP owns the address (reverse.go checks services first).
  for (let i = records.length - 1; i >= 0; i--) {
    const r = records[i]!;
    if (r.type === 'PTR' && r.source.kind === 'Endpoint' && servicePtrs.has(r.name)) records.splice(i, 1);
  }
  records.push(...podRecords(cluster, origin, ttl, records));

  const serial = zoneSerial(records);
  records.unshift(soaRecord(origin, ttl, serial));

  const zone: Zone = {
    origin,
    dnsServiceIP: dnsIP,
    nodeNameserver: nodeNameserver(cluster),
    clusterCIDRs: [cluster.settings.podCIDR, cluster.settings.serviceCIDR],
    serverUp: kubeDnsHasEndpoints(index),
    serial,
    ttl,
    records,
    namespaces: existingNamespaces(cluster),
    upstream: upstreamRecords(options.externalRecords ?? {}),
    problems,
    unpublished,
  };
  problems.push(...findCnameLoops(zone));
  return zone;
}

/** The zone's apex: NS to ns.dns, that name's A (the kube-dns ClusterIP), and dns-version TXT. */
function apexRecords(origin: string, ttl: number, dnsIP: string): RR[] {
  const source: RecordSource = { kind: 'CoreDNS' };
  return [
    { id: 'zone/NS', name: origin, ttl, source, type: 'NS', target: `ns.dns.${origin}` },
    { id: 'zone/ns.dns/A', name: `ns.dns.${origin}`, ttl, source, type: 'A', address: dnsIP },
    {
      id: 'zone/dns-version/TXT',
      name: `dns-version.${origin}`,
      ttl: SCHEMA_TXT_TTL,
      source,
      type: 'TXT',
      text: DNS_SCHEMA_VERSION,
    },
  ];
}

function soaRecord(origin: string, ttl: number, serial: number): RR {
  return {
    id: 'zone/SOA',
    name: origin,
    ttl,
    source: { kind: 'CoreDNS' },
    type: 'SOA',
    mname: `ns.dns.${origin}`,
    rname: `hostmaster.${origin}`,
    serial,
    refresh: 7200,
    retry: 1800,
    expire: 86400,
    minimum: ttl,
  };
}

/**
 * `<dashed-ip>.<ns>.pod.<zone>` A for each pod with an IPv4 address (pods verified or not, the plugin
 * answers the name from the address). A name already in the zone keeps its first record.
 */
function podRecords(cluster: Cluster, origin: string, ttl: number, existing: readonly RR[]): RR[] {
  const taken = new Set<string>();
  for (const r of existing) if (r.type === 'A') taken.add(r.name);
  const out: RR[] = [];
  for (const pod of [...cluster.pods].sort(byNamespaceThenName)) {
    const ip = pod.status?.podIP;
    if (!ip || !isIPv4(ip)) continue;
    const name = `${dashedIP(ip)}.${nsOf(pod).toLowerCase()}.pod.${origin}`;
    if (taken.has(name)) continue;
    taken.add(name);
    out.push({
      id: `pod/${nsOf(pod)}/${pod.metadata.name}/A`,
      name,
      ttl,
      source: { kind: 'Pod', namespace: nsOf(pod), name: pod.metadata.name },
      type: 'A',
      address: ip,
    });
  }
  return out;
}

/** The upstream resolver's table, as pods see it through CoreDNS's `forward` and `cache 30`. */
function upstreamRecords(externalRecords: Record<string, string>): RR[] {
  return Object.entries(externalRecords)
    .map(([name, address]): RR => ({
      id: `upstream/${fqdn(name)}`,
      name: fqdn(name),
      ttl: UPSTREAM_TTL,
      source: { kind: 'Upstream' },
      type: 'A',
      address,
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

interface ServiceRecordsInput {
  index: ClusterIndex;
  svc: Service;
  origin: string;
  ttl: number;
  problems: DnsProblem[];
  unpublished: UnpublishedName[];
  servicePtrs: Set<string>;
}

/** One Service's names, as the plugin's findServices derives them. */
interface ServiceNames {
  ns: string;
  name: string;
  /** `<svc>.<ns>.svc.<zone>`, lower-cased. */
  svcName: string;
  /** Prefix of every record id this Service contributes. */
  idBase: string;
  source: RecordSource;
  ttl: number;
}

interface NamedPort {
  name: string;
  port: number;
  protocol: string;
}

/**
 * A Service's records, by its kind the way findServices branches: an ExternalName is a CNAME; a
 * ClusterIP Service answers with its ClusterIP; a headless one with its ready endpoints. Both publish
 * a name per endpoint.
 */
function serviceRecords(input: ServiceRecordsInput): RR[] {
  const { index, svc, origin, ttl, problems, unpublished, servicePtrs } = input;
  const ns = nsOf(svc);
  const name = svc.metadata.name;
  const svcName = `${name}.${ns}.svc.${origin}`.toLowerCase();
  const source: RecordSource = { kind: 'Service', namespace: ns, name };
  const names: ServiceNames = { ns, name, svcName, idBase: `svc/${ns}/${name}`, source, ttl };

  if (svc.spec.type === 'ExternalName') return externalNameRecords(svc, names, problems, unpublished);

  const clusterIP = svc.spec.clusterIP;
  if (!clusterIP) {
    problems.push({
      kind: 'service-without-cluster-ip',
      namespace: ns,
      name,
      message: `Service ${ns}/${name} has no spec.clusterIP yet: CoreDNS has nothing to answer for it.`,
    });
    return [];
  }
  const headless = clusterIP === 'None';
  const endpoints = dnsEndpoints(index, svc);
  const ports: NamedPort[] = (svc.spec.ports ?? []).map((p) => ({
    name: p.name ?? '',
    port: p.port,
    protocol: p.protocol ?? 'TCP',
  }));

  const out: RR[] = [];
  if (!headless && isIPv4(clusterIP)) out.push(...clusterIPRecords(names, clusterIP, ports, servicePtrs));
  if (headless && endpoints.length === 0) {
    unpublished.push({
      id: `${names.idBase}/unpublished`,
      name: svcName,
      namespace: ns,
      service: name,
      reason: 'headless Service with no ready endpoint',
    });
  }
  if (headless) out.push(...headlessRecords(names, endpoints, ports));
  out.push(...endpointNameRecords(names, endpoints));
  return out;
}

/** CoreDNS only publishes the CNAME when the target is a name (msg.Service.HostType). */
function externalNameRecords(
  svc: Service,
  { ns, name, svcName, idBase, source, ttl }: ServiceNames,
  problems: DnsProblem[],
  unpublished: UnpublishedName[],
): RR[] {
  const target = svc.spec.externalName ?? '';
  if (target === '' || isIPv4(target)) {
    problems.push({
      kind: 'external-name-is-ip',
      namespace: ns,
      name,
      message: `ExternalName Service ${ns}/${name} has externalName ${JSON.stringify(target)}, `
        + 'which is not a DNS name: CoreDNS publishes nothing for it (NXDOMAIN).',
    });
    unpublished.push({
      id: `${idBase}/unpublished`,
      name: svcName,
      namespace: ns,
      service: name,
      reason: `externalName ${JSON.stringify(target)} is not a DNS name`,
    });
    return [];
  }
  return [{ id: `${idBase}/CNAME`, name: svcName, ttl, source, type: 'CNAME', target: fqdn(target) }];
}

/** ClusterIP: one A record; SRV targets the Service name itself with weight 100 (one answer); one PTR. */
function clusterIPRecords(
  { svcName, idBase, source, ttl }: ServiceNames,
  clusterIP: string,
  ports: NamedPort[],
  servicePtrs: Set<string>,
): RR[] {
  const out: RR[] = [{ id: `${idBase}/A`, name: svcName, ttl, source, type: 'A', address: clusterIP }];
  for (const p of ports.filter((p) => p.name !== '')) {
    out.push({
      id: `${idBase}/SRV/${p.name}/${p.protocol.toLowerCase()}`,
      name: `_${p.name}._${p.protocol}.${svcName}`.toLowerCase(),
      ttl,
      source,
      type: 'SRV',
      priority: 0,
      weight: srvWeight(1),
      port: p.port,
      target: svcName,
    });
  }
  // An SRV query for the bare Service name lists every port, named or not (port/protocol are wildcards).
  // Same port under two protocols collapses to one SRV (isDuplicate on target and port), weight unchanged.
  for (const p of ports.filter((p, i) => ports.findIndex((q) => q.port === p.port) === i)) {
    out.push({
      id: `${idBase}/SRV/${p.port}/${p.protocol.toLowerCase()}`,
      name: svcName,
      ttl,
      source,
      type: 'SRV',
      priority: 0,
      weight: srvWeight(ports.length),
      port: p.port,
      target: svcName,
    });
  }
  const ptr = reverseName(clusterIP);
  if (!servicePtrs.has(ptr)) {
    servicePtrs.add(ptr);
    out.push({ id: `${idBase}/PTR`, name: ptr, ttl, source, type: 'PTR', target: svcName });
  }
  return out;
}

/** Headless: one A per ready endpoint address, and SRV answers that point at each endpoint's own name. */
function headlessRecords(
  { ns, name, svcName, idBase, ttl }: ServiceNames,
  endpoints: DnsEndpoint[],
  ports: NamedPort[],
): RR[] {
  const out: RR[] = [];
  const seenIp = new Set<string>();
  for (const ep of endpoints) {
    if (seenIp.has(ep.ip)) continue;
    seenIp.add(ep.ip);
    out.push({
      id: `${idBase}/A/${ep.ip}`,
      name: svcName,
      ttl,
      source: epSource(ns, name, ep),
      type: 'A',
      address: ep.ip,
    });
  }
  // SRV: N ready endpoints × M named ports, each ⌊100/(N·M)⌋ for a query on _port._proto (N·M answers
  // share priority 0).
  for (const p of ports.filter((p) => p.name !== '')) {
    const matching = endpoints.filter((ep) => ep.ports.some((q) => q.name === p.name && q.protocol === p.protocol));
    for (const ep of matching) {
      const epPort = ep.ports.find((q) => q.name === p.name && q.protocol === p.protocol)!;
      out.push({
        id: `${idBase}/SRV/${p.name}/${p.protocol.toLowerCase()}/${ep.host}/${ep.ip}`,
        name: `_${p.name}._${p.protocol}.${svcName}`.toLowerCase(),
        ttl,
        source: epSource(ns, name, ep),
        type: 'SRV',
        priority: 0,
        weight: srvWeight(matching.length),
        port: epPort.port,
        target: `${ep.host}.${svcName}`,
      });
    }
  }
  // Bare-name SRV: every endpoint × every port; endpoints without ports count in N but are not shown
  // (port -1 sentinel).
  const all = endpoints.flatMap((ep) => (ep.ports.length === 0
    ? [{ ep, port: -1, protocol: '' }]
    : ep.ports.map((p) => ({ ep, port: p.port, protocol: p.protocol }))));
  for (const { ep, port, protocol } of all) {
    if (port === -1) continue;
    out.push({
      id: `${idBase}/SRV/${port}/${protocol.toLowerCase()}/${ep.host}/${ep.ip}`,
      name: svcName,
      ttl,
      source: epSource(ns, name, ep),
      type: 'SRV',
      priority: 0,
      weight: srvWeight(all.length),
      port,
      target: `${ep.host}.${svcName}`,
    });
  }
  return out;
}

/**
 * Endpoint names (<hostname>.<svc>.<ns>.svc) and their PTRs. The spec requires them for headless
 * Services; CoreDNS answers them for any Service that has endpoints (findServices, r.endpoint != "").
 */
function endpointNameRecords({ ns, name, svcName, idBase, ttl }: ServiceNames, endpoints: DnsEndpoint[]): RR[] {
  const out: RR[] = [];
  for (const ep of endpoints) {
    out.push({
      id: `${idBase}/endpoint/${ep.host}/${ep.ip}`,
      name: `${ep.host}.${svcName}`,
      ttl,
      source: epSource(ns, name, ep),
      type: 'A',
      address: ep.ip,
    });
  }
  for (const ep of endpoints) {
    out.push({
      id: `${idBase}/endpoint/${ep.host}/${ep.ip}/PTR`,
      name: reverseName(ep.ip),
      ttl,
      source: epSource(ns, name, ep),
      type: 'PTR',
      target: `${ep.host}.${svcName}`,
    });
  }
  return out;
}

function epSource(namespace: string, service: string, ep: DnsEndpoint): RecordSource {
  return ep.pod ? {
    kind: 'Endpoint',
    namespace,
    service,
    address: ep.ip,
    pod: ep.pod,
  } : { kind: 'Endpoint', namespace, service, address: ep.ip };
}

/** The kube-dns Service exists but none of its endpoints is ready: CoreDNS cannot be reached. */
function kubeDnsHasEndpoints(index: ClusterIndex): boolean {
  const svc = index.cluster.services.find((s) => s.metadata.name === 'kube-dns' && nsOf(s) === 'kube-system');
  if (!svc) return true; // The lab's DNS addon is assumed running when the scenario does not model it.
  const slices = slicesOf(index, svc);
  if (slices.length === 0) return true;
  return dnsEndpoints(index, svc).length > 0;
}

/** Serial: CoreDNS uses the time of the last API change; the lab uses a hash of the records, so the
 * serial changes exactly when the zone does and never depends on a clock. */
function zoneSerial(records: RR[]): number {
  const h = hash128(records.map((r) => `${r.name} ${r.type} ${rdataKey(r)}`).join('\n'));
  return 1_700_000_000 + (h[0] % 100_000_000);
}

function rdataKey(r: RR): string {
  switch (r.type) {
    case 'A':
    case 'AAAA':
      return r.address;
    case 'CNAME':
    case 'PTR':
    case 'NS':
      return r.target;
    case 'SRV':
      return `${r.priority} ${r.weight} ${r.port} ${r.target}`;
    case 'TXT':
      return r.text;
    case 'SOA':
      return `${r.mname} ${r.rname}`;
  }
}

/** ExternalName Services whose CNAMEs, followed inside the cluster domain, come back to themselves. */
function findCnameLoops(zone: Zone): DnsProblem[] {
  const cnames = new Map<string, string>();
  for (const r of zone.records) if (r.type === 'CNAME') cnames.set(r.name, r.target);
  const reported = new Set<string>();
  const out: DnsProblem[] = [];
  for (const start of cnames.keys()) {
    const chain = [start];
    let cur = cnames.get(start);
    while (cur !== undefined && !chain.includes(cur)) {
      chain.push(cur);
      cur = cnames.get(cur);
    }
    if (cur === undefined) continue;
    const cycle = chain.slice(chain.indexOf(cur));
    const key = [...cycle].sort().join(' ');
    if (reported.has(key)) continue;
    reported.add(key);
    out.push(cnameLoopProblem([...cycle, cur]));
  }
  return out;
}

export function cnameLoopProblem(chain: string[]): DnsProblem {
  return {
    kind: 'cname-loop',
    chain,
    message: `CNAME loop: ${chain.join(' -> ')}. `
      + 'CoreDNS stops following it and answers with no records (NOERROR, empty answer).',
  };
}
