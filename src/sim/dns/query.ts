// Answering one question the way CoreDNS with kubeadm's Corefile does:
//
//   .:53 { kubernetes cluster.local in-addr.arpa ip6.arpa { pods insecure; fallthrough in-addr.arpa ip6.arpa }
//          forward . /etc/resolv.conf; cache 30; ... }
//
// Names in the cluster domain are answered authoritatively by the kubernetes plugin (parse.go's
// name grammar decides NXDOMAIN against NODATA), reverse names fall through to upstream when no
// Service or endpoint owns the address, and everything else is forwarded upstream.

import { isIPv4 } from '../net/ip';
import { addressFromReverse, fqdn, ipFromDashed, isSubdomain, labelsBelow } from './names';
import { cnameLoopProblem, COREDNS_TTL } from './zone';
import type { DnsAnswer, DnsProblem, DnsQuestion, RR, RRType, Zone } from './types';

/** CoreDNS stops following a CNAME chain after this many links (backend_lookup.go: len(previousRecords) > 7). */
const MAX_CNAME_CHAIN = 8;

/** Id of the rule that answers any a-b-c-d.<ns>.pod name without checking a pod exists. */
export const PODS_INSECURE_REF = 'pods-insecure';
/** Id of the upstream forwarder's catch-all (an NXDOMAIN from the outside world). */
export const UPSTREAM_NXDOMAIN_REF = 'upstream/nxdomain';

type Lookup =
  | { kind: 'records'; rrs: RR[]; additional: RR[]; ref: string[]; problem?: DnsProblem }
  | { kind: 'nodata'; ref: string[]; problem?: DnsProblem }
  | { kind: 'nxdomain'; ref: string[] }
  | { kind: 'not-ours' };

/** Asks CoreDNS (the kube-dns Service) one question. */
export function query(zone: Zone, q: DnsQuestion): DnsAnswer {
  const question = { name: fqdn(q.name), type: q.type };
  if (!zone.serverUp) return timeoutAnswer(question, zone.dnsServiceIP);
  const result = lookupCluster(zone, question.name, question.type);
  switch (result.kind) {
    case 'records':
      return {
        question,
        rcode: 'NOERROR',
        authoritative: true,
        recursionAvailable: false,
        origin: 'cluster',
        answers: result.rrs,
        authority: [],
        additional: result.additional,
        ref: result.ref,
        ...(result.problem ? { problem: result.problem } : {}),
      };
    case 'nodata':
    case 'nxdomain':
      // plugin.BackendError: authoritative, SOA in the authority section, no `ra`.
      return {
        question,
        rcode: result.kind === 'nodata' ? 'NOERROR' : 'NXDOMAIN',
        authoritative: true,
        recursionAvailable: false,
        origin: 'cluster',
        answers: [],
        authority: [soaOf(zone)],
        additional: [],
        ref: result.ref.length > 0 ? result.ref : ['zone/SOA'],
        ...(result.kind === 'nodata' && result.problem ? { problem: result.problem } : {}),
      };
    case 'not-ours':
      return queryUpstream(zone, question);
  }
}

/** What the upstream resolver (the node's, or the one CoreDNS forwards to) answers: the lab's
 * external table, else NXDOMAIN. It knows nothing of the cluster domain. */
export function queryUpstream(zone: Zone, q: DnsQuestion): DnsAnswer {
  const question = { name: fqdn(q.name), type: q.type };
  const found = zone.upstream.filter((r) => r.name === question.name);
  const base = {
    question,
    authoritative: false,
    recursionAvailable: true,
    origin: 'upstream' as const,
    additional: [],
  };
  if (found.length === 0) {
    return { ...base, rcode: 'NXDOMAIN', answers: [], authority: [rootSoa()], ref: [UPSTREAM_NXDOMAIN_REF] };
  }
  const answers = found.filter((r) => r.type === question.type);
  return {
    ...base,
    rcode: 'NOERROR',
    answers,
    authority: answers.length === 0 ? [rootSoa()] : [],
    ref: found.map((r) => r.id),
  };
}

/** No reply at all: the kube-dns Service has no ready endpoint, or the nameserver does not exist. */
export function timeoutAnswer(question: DnsQuestion, server: string): DnsAnswer {
  return {
    question,
    rcode: 'SERVFAIL',
    authoritative: false,
    recursionAvailable: false,
    origin: 'timeout',
    answers: [],
    authority: [],
    additional: [],
    problem: {
      kind: 'server-unreachable',
      server,
      message: `no reply from ${server}#53: connection timed out; no servers could be reached`,
    },
  };
}

export function soaOf(zone: Zone): RR {
  const soa = zone.records.find((r) => r.type === 'SOA');
  if (!soa) throw new Error('zone without SOA');
  return soa;
}

/** The root's SOA, which an upstream NXDOMAIN for an unknown name carries (TTL capped by CoreDNS's cache). */
function rootSoa(): RR {
  return {
    id: UPSTREAM_NXDOMAIN_REF,
    name: '.',
    ttl: 30,
    source: { kind: 'Upstream' },
    type: 'SOA',
    mname: 'a.root-servers.net.',
    rname: 'nstld.verisign-grs.com.',
    serial: 2026010100,
    refresh: 1800,
    retry: 900,
    expire: 604800,
    minimum: 86400,
  };
}

function recordsAt(zone: Zone, name: string): RR[] {
  return zone.records.filter((r) => r.name === name);
}

/** The kubernetes plugin's answer, or 'not-ours' when the request goes on to `forward`. */
function lookupCluster(zone: Zone, name: string, type: RRType): Lookup {
  if (isSubdomain(name, 'in-addr.arpa.') || isSubdomain(name, 'ip6.arpa.')) return lookupReverse(zone, name, type);
  if (!isSubdomain(name, zone.origin)) return { kind: 'not-ours' };

  const labels = labelsBelow(name, zone.origin);
  const here = recordsAt(zone, name);
  const apexLike = labels.length === 0 || (labels.length === 2 && labels[0] === 'ns' && labels[1] === 'dns');
  if (apexLike || (labels.length === 1 && labels[0] === 'dns-version' && type === 'TXT')) {
    const rrs = here.filter((r) => r.type === type);
    if (rrs.length === 0) return { kind: 'nodata', ref: [] };
    const additional = type === 'NS' ? rrs.flatMap((ns) => (ns.type === 'NS' ? recordsAt(
      zone,
      ns.target,
    ).filter((r) => r.type === 'A') : [])) : [];
    return { kind: 'records', rrs, additional, ref: rrs.map((r) => r.id) };
  }

  // parse.go: <...>.<name>.<namespace>.(svc|pod).<zone>
  const kind = labels[labels.length - 1];
  if (kind !== 'svc' && kind !== 'pod') return { kind: 'nxdomain', ref: [] };
  if (labels.length === 1) return { kind: 'nodata', ref: [] };
  const namespace = labels[labels.length - 2]!;
  if (!zone.namespaces.includes(namespace)) return { kind: 'nxdomain', ref: [] };
  if (labels.length === 2) return { kind: 'nodata', ref: [] };
  if (labels.length > 5) return { kind: 'nxdomain', ref: [] };

  if (kind === 'pod') return lookupPod(zone, { name, type, podLabel: labels[labels.length - 3]!, namespace });

  if (here.length === 0) return {
    kind: 'nxdomain',
    ref: zone.unpublished.filter((u) => u.name === name).map((u) => u.id),
  };
  return answerFrom(zone, { type, here, chain: [] });
}

/** `pods insecure`: any dashed IPv4 in an existing namespace gets an A record, pod or no pod. */
function lookupPod(
  zone: Zone,
  { name, type, podLabel, namespace }: { name: string; type: RRType; podLabel: string; namespace: string },
): Lookup {
  const ip = ipFromDashed(podLabel);
  if (ip === null) return { kind: 'nxdomain', ref: [] };
  const known = recordsAt(zone, name).filter((r) => r.type === 'A');
  const rr: RR = known[0] ?? {
    id: PODS_INSECURE_REF,
    name,
    ttl: COREDNS_TTL,
    source: { kind: 'Pod', namespace },
    type: 'A',
    address: ip,
  };
  if (type !== 'A') return { kind: 'nodata', ref: [rr.id] };
  return { kind: 'records', rrs: [rr], additional: [], ref: [rr.id] };
}

/** PTR for a Service ClusterIP or an endpoint address; anything else falls through to upstream. */
function lookupReverse(zone: Zone, name: string, type: RRType): Lookup {
  const ip = addressFromReverse(name);
  if (ip === null || !isIPv4(ip)) return { kind: 'not-ours' };
  const rrs = recordsAt(zone, name).filter((r) => r.type === 'PTR');
  if (rrs.length === 0 || type !== 'PTR') return { kind: 'not-ours' };
  const seen = new Set<string>();
  const unique = rrs.filter((r) => r.type === 'PTR' && !seen.has(r.target) && seen.add(r.target));
  return { kind: 'records', rrs: unique, additional: [], ref: unique.map((r) => r.id) };
}

interface AnswerInput {
  type: RRType;
  here: RR[];
  /** CNAMEs already followed on the way here. */
  chain: RR[];
}

/** Records of the asked type at a name that exists, following an ExternalName CNAME like plugin.A does. */
function answerFrom(zone: Zone, { type, here, chain }: AnswerInput): Lookup {
  const cname = here.find((r) => r.type === 'CNAME');
  if (cname && cname.type === 'CNAME' && (type === 'A' || type === 'AAAA' || type === 'TXT')) {
    return followCname(zone, { cname, type, chain });
  }
  const rrs = dedupe(here.filter((r) => r.type === type));
  if (rrs.length === 0) return { kind: 'nodata', ref: here.map((r) => r.id).slice(0, 1) };
  const additional = type === 'SRV' ? srvAdditional(zone, rrs) : [];
  return { kind: 'records', rrs, additional, ref: rrs.map((r) => r.id) };
}

function followCname(
  zone: Zone,
  { cname, type, chain }: { cname: RR & { type: 'CNAME' }; type: RRType; chain: RR[] },
): Lookup {
  const seenBefore = chain.some((c) => c.name === cname.name);
  if (cname.target === cname.name || seenBefore) {
    const names = [...chain.map((c) => c.name), cname.name];
    const cycle = seenBefore ? names.slice(names.indexOf(cname.name)) : [cname.name, cname.target];
    return { kind: 'nodata', ref: [...chain, cname].map((c) => c.id), problem: cnameLoopProblem(cycle) };
  }
  if (chain.length >= MAX_CNAME_CHAIN - 1) return { kind: 'nodata', ref: [cname.id] };
  const links = [...chain, cname];

  if (isSubdomain(cname.target, zone.origin) || isSubdomain(cname.target, 'in-addr.arpa.')) {
    // An in-cluster target is looked up in the same zone; if it yields nothing the CNAME is dropped too.
    const here = recordsAt(zone, cname.target);
    const next = here.length === 0 ? lookupCluster(zone, cname.target, type) : answerFrom(
      zone,
      { type, here, chain: links },
    );
    if (next.kind === 'records') return { ...next, rrs: [cname, ...next.rrs], ref: [cname.id, ...next.ref] };
    if (next.kind === 'nodata' && next.problem) return {
      kind: 'nodata',
      ref: [cname.id, ...next.ref],
      problem: next.problem,
    };
    return { kind: 'nodata', ref: [cname.id] };
  }
  // An outside target goes to the upstream resolver; CoreDNS appends whatever it answers.
  const up = queryUpstream(zone, { name: cname.target, type });
  return { kind: 'records', rrs: [cname, ...up.answers], additional: [], ref: [cname.id, ...(up.ref ?? [])] };
}

/** The SRV targets' addresses (A records at the target names) go in the additional section. */
function srvAdditional(zone: Zone, srvs: RR[]): RR[] {
  const out: RR[] = [];
  const seen = new Set<string>();
  for (const s of srvs) {
    if (s.type !== 'SRV') continue;
    for (const a of recordsAt(zone, s.target)) {
      if (a.type !== 'A') continue;
      const key = `${a.name} ${a.address}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(a);
    }
  }
  return out;
}

function dedupe(rrs: RR[]): RR[] {
  const seen = new Set<string>();
  return rrs.filter((r) => {
    const key = r.type === 'A' || r.type === 'AAAA'
      ? `${r.type} ${r.address}`
      : r.type === 'SRV'
        ? `SRV ${r.target} ${r.port}`
        : r.id;

    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
