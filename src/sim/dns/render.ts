// Text views of DNS data: dig and nslookup output in BIND 9.18's layouts, the zone as a zone-file
// listing, and a pod's resolv.conf as containerd writes it. Every line that renders a record carries
// that record's id as `ref`. Nothing here reads a clock: ids, times and sizes are deterministic.

import type { ArtifactId, RenderedArtifact, RenderedLine } from '../artifact';
import { hash128 } from '../net/rand';
import { PODS_INSECURE_REF, UPSTREAM_NXDOMAIN_REF } from './query';
import { relative } from './names';
import type { DnsAnswer, RecordSource, ResolvConf, ResolveResult, RR, Zone } from './types';
import { titled } from '../notes';
import type { ExternalClient } from '../cluster';
import { clientHostsFile, type HostsFile } from './hosts';
import { objectKey, type Pod } from '../api/types';

export const DIG_VERSION = '9.18.30';
/** dig 9.18's default EDNS buffer size, which CoreDNS echoes back. */
const EDNS_UDP_SIZE = 1232;
/** A fixed time for `;; WHEN:` so that golden outputs never change. */
export const DEFAULT_WHEN = 'Thu Jan 01 00:00:00 UTC 2026';

// ---------------------------------------------------------------- record text

/** The record's data as it appears after the type (RFC 1035 presentation format). */
export function rdataText(rr: RR): string {
  switch (rr.type) {
    case 'A':
    case 'AAAA':
      return rr.address;
    case 'CNAME':
    case 'PTR':
    case 'NS':
      return rr.target;
    case 'SRV':
      return `${rr.priority} ${rr.weight} ${rr.port} ${rr.target}`;
    case 'TXT':
      return `"${rr.text}"`;
    case 'SOA':
      return `${rr.mname} ${rr.rname} ${rr.serial} ${rr.refresh} ${rr.retry} ${rr.expire} ${rr.minimum}`;
  }
}

/**
 * BIND's column layout (masterdump.c `indent`): each field starts at its column (ttl 24, class 32,
 * type 40, rdata 48), reached with tabs of width 8; a field already past its column is separated by
 * one character, a tab when that lands on a tab stop and a space otherwise. So short names line up
 * with tabs and long cluster names come out as "name. 5 IN A<TAB>10.96.0.1", exactly as dig prints.
 */
function bindColumns(first: string, rest: { text: string; column: number }[]): string {
  let out = first;
  let col = first.length;
  for (const { text, column } of rest) {
    let to = column;
    if (to < col + 1) to = col + 1;
    const tabs = Math.floor(to / 8) - Math.floor(col / 8);
    if (tabs > 0) {
      out += '\t'.repeat(tabs);
      col = Math.floor(to / 8) * 8;
    }
    out += ' '.repeat(to - col);
    col = to;
    out += text;
    col += text.length;
  }
  return out;
}

/** One resource record as dig and zone files print it. */
export function rrLine(rr: RR): string {
  return bindColumns(rr.name, [
    { text: String(rr.ttl), column: 24 },
    { text: 'IN', column: 32 },
    { text: rr.type, column: 40 },
    { text: rdataText(rr), column: 48 },
  ]);
}

function questionLine(answer: DnsAnswer): string {
  return bindColumns(`;${answer.question.name}`, [
    { text: 'IN', column: 32 },
    { text: answer.question.type, column: 40 },
  ]);
}

// ---------------------------------------------------------------- message size

function nameLength(name: string, compression: Set<string> | null): number {
  if (name === '.' || name === '') return 1;
  const labels = name.replace(/\.$/, '').split('.');
  let len = 0;
  for (let i = 0; i < labels.length; i++) {
    const suffix = labels.slice(i).join('.');
    if (compression?.has(suffix)) return len + 2;
    compression?.add(suffix);
    len += labels[i]!.length + 1;
  }
  return len + 1;
}

function rdataLength(rr: RR, compression: Set<string> | null): number {
  switch (rr.type) {
    case 'A':
      return 4;
    case 'AAAA':
      return 16;
    case 'CNAME':
    case 'PTR':
    case 'NS':
      return nameLength(rr.target, compression);
    case 'SRV':
      // RFC 2782: the SRV target is never compressed.
      return 6 + nameLength(rr.target, null);
    case 'TXT':
      return 1 + rr.text.length;
    case 'SOA':
      return nameLength(rr.mname, compression) + nameLength(rr.rname, compression) + 20;
  }
}

/**
 * Wire size of the reply with dig's EDNS OPT record. CoreDNS sends small replies uncompressed
 * (it compresses only when the reply would not fit), which is why `dig kubernetes.default...`
 * against CoreDNS reports 117 bytes; upstream resolvers compress.
 */
export function messageSize(answer: DnsAnswer): number {
  const compression = answer.origin === 'upstream' ? new Set<string>() : null;
  let size = 12 + nameLength(answer.question.name, compression) + 4;
  for (const rr of [...answer.answers, ...answer.authority, ...answer.additional]) {
    size += nameLength(rr.name, compression) + 10 + rdataLength(rr, compression);
  }
  return size + 11;
}

/** A deterministic message id (dig picks a random one). */
export function messageId(answer: DnsAnswer): number {
  return hash128(`${answer.question.name} ${answer.question.type}`)[0] % 65536;
}

// ---------------------------------------------------------------- dig

export interface DigOptions {
  /** The nameserver queried, e.g. "10.96.0.10". */
  server: string;
  /** What follows "<<>> DiG 9.18.30 <<>>"; defaults to the question as dig would echo it. */
  args?: string;
  queryTimeMsec?: number;
  when?: string;
  id?: ArtifactId;
}

export function renderDig(answer: DnsAnswer, opts: DigOptions): RenderedArtifact {
  const args = opts.args ?? (
    answer.question.type === 'A' ? relative(
      answer.question.name
    ) : `${relative(answer.question.name)} ${answer.question.type}`
  );
  const decider = answer.ref?.[0];
  const lines: RenderedLine[] = [];
  const push = (text: string, ref?: string) => lines.push(ref === undefined ? { text } : { text, ref });
  const artifact = (): RenderedArtifact => ({
    id: opts.id ?? `dig/${answer.question.name}/${answer.question.type}`,
    kind: 'dig',
    title: `dig ${args}`,
    lines,
  });

  if (answer.origin === 'timeout') {
    for (let i = 0; i < 3; i++) push(`;; communications error to ${opts.server}#53: timed out`);
    push('');
    push(`; <<>> DiG ${DIG_VERSION} <<>> ${args}`);
    push(';; global options: +cmd');
    push(';; no servers could be reached');
    push('');
    return artifact();
  }

  const flags = [
    'qr',
    ...(answer.authoritative ? ['aa'] : []),
    'rd',
    ...(answer.recursionAvailable ? ['ra'] : []),
  ].join(' ');
  push(`; <<>> DiG ${DIG_VERSION} <<>> ${args}`);
  push(';; global options: +cmd');
  push(';; Got answer:');
  push(`;; ->>HEADER<<- opcode: QUERY, status: ${answer.rcode}, id: ${messageId(answer)}`, decider);
  push(
    `;; flags: ${flags}; QUERY: 1, ANSWER: ${answer.answers.length}, AUTHORITY: ${answer.authority.length}, `
      + `ADDITIONAL: ${answer.additional.length + 1}`
  );
  if (!answer.recursionAvailable) push(';; WARNING: recursion requested but not available');
  push('');
  push(';; OPT PSEUDOSECTION:');
  push(`; EDNS: version: 0, flags:; udp: ${EDNS_UDP_SIZE}`);
  push(';; QUESTION SECTION:');
  push(questionLine(answer));
  const section = (title: string, rrs: RR[]) => {
    if (rrs.length === 0) return;
    push('');
    push(`;; ${title} SECTION:`);
    for (const rr of rrs) push(rrLine(rr), rr.id);
  };
  section('ANSWER', answer.answers);
  section('AUTHORITY', answer.authority);
  section('ADDITIONAL', answer.additional);
  push('');
  push(`;; Query time: ${opts.queryTimeMsec ?? 0} msec`);
  push(`;; SERVER: ${opts.server}#53(${opts.server}) (UDP)`);
  push(`;; WHEN: ${opts.when ?? DEFAULT_WHEN}`);
  push(`;; MSG SIZE  rcvd: ${messageSize(answer)}`);
  push('');
  return artifact();
}

// ---------------------------------------------------------------- nslookup

export interface NslookupOptions {
  id?: ArtifactId;
}

/** nslookup (BIND 9.18) output for a lookup through the pod's resolver (it uses the search list). */
export function renderNslookup(result: ResolveResult, opts: NslookupOptions = {}): RenderedArtifact {
  const { final } = result;
  const lines: RenderedLine[] = [];
  const push = (text: string, ref?: string) => lines.push(ref === undefined ? { text } : { text, ref });
  const artifact = (): RenderedArtifact => ({
    id: opts.id ?? `nslookup/${result.asked}`,
    kind: 'dig',
    title: `nslookup ${result.asked}`,
    lines,
  });

  if (final.origin === 'timeout') {
    push(';; connection timed out; no servers could be reached');
    push('');
    return artifact();
  }
  if (final.origin !== 'hosts') {
    push(`Server:\t\t${result.server}`);
    push(`Address:\t${result.server}#53`);
    push('');
  }
  const decider = final.ref?.[0];
  if (final.rcode !== 'NOERROR') {
    push(`** server can't find ${result.asked}: ${final.rcode}`, decider);
    push('');
    return artifact();
  }
  if (final.answers.length === 0) {
    push(`*** Can't find ${result.asked}: No answer`, decider);
    push('');
    return artifact();
  }
  if (!final.authoritative) push('Non-authoritative answer:');
  for (const rr of final.answers) {
    switch (rr.type) {
      case 'A':
      case 'AAAA':
        push(`Name:\t${relative(rr.name)}`, rr.id);
        push(`Address: ${rr.address}`, rr.id);
        break;
      case 'CNAME':
        push(`${relative(rr.name)}\tcanonical name = ${rr.target}`, rr.id);
        break;
      case 'SRV':
        push(`${relative(rr.name)}\tservice = ${rdataText(rr)}`, rr.id);
        break;
      case 'PTR':
        push(`${relative(rr.name)}\tname = ${rr.target}`, rr.id);
        break;
      case 'TXT':
        push(`${relative(rr.name)}\ttext = ${rdataText(rr)}`, rr.id);
        break;
      case 'NS':
        push(`${relative(rr.name)}\tnameserver = ${rr.target}`, rr.id);
        break;
      case 'SOA':
        push(relative(rr.name), rr.id);
        push(`\torigin = ${rr.mname}`, rr.id);
        push(`\tmail addr = ${rr.rname}`, rr.id);
        push(`\tserial = ${rr.serial}`, rr.id);
        push(`\trefresh = ${rr.refresh}`, rr.id);
        push(`\tretry = ${rr.retry}`, rr.id);
        push(`\texpire = ${rr.expire}`, rr.id);
        push(`\tminimum = ${rr.minimum}`, rr.id);
        break;
    }
  }
  push('');
  return artifact();
}

// ---------------------------------------------------------------- zone listing

function groupOf(source: RecordSource): string {
  switch (source.kind) {
    case 'Service':
      return `service/${source.namespace}/${source.name}`;
    case 'Endpoint':
      return `service/${source.namespace}/${source.service}`;
    case 'Pod':
      return `pod/${source.namespace}/${source.name ?? ''}`;
    case 'CoreDNS':
      return 'coredns';
    case 'Upstream':
      return 'upstream';
    case 'Hosts':
      return 'hosts';
  }
}

function groupTitle(zone: Zone, rr: RR): string {
  const s = rr.source;
  switch (s.kind) {
    case 'Service':
    case 'Endpoint': {
      const ns = s.namespace;
      const name = s.kind === 'Service' ? s.name : s.service;
      const a = zone.records.find((r) => r.id === `svc/${ns}/${name}/A`);
      const c = zone.records.find((r) => r.id === `svc/${ns}/${name}/CNAME`);
      const what = c ? 'ExternalName' : a ? `ClusterIP ${a.type === 'A' ? a.address : ''}` : 'headless';
      return `; Service ${ns}/${name} (${what})`;
    }
    case 'Pod':
      return `; Pod ${s.namespace}/${s.name ?? ''}`;
    case 'CoreDNS':
      return `; CoreDNS (kube-dns ${zone.dnsServiceIP})`;
    case 'Upstream':
      return '; upstream (forward . /etc/resolv.conf): the lab\'s external DNS table';
    case 'Hosts':
      return '; /etc/hosts';
  }
}

/** The zone as a zone-file-like listing: one record per line, ref = record id. */
/** The zone listing's id, kind and title (what a viewer lists before it renders the lines). */
export function zoneArtifactHead(origin: string, id: ArtifactId = 'dns/coredns/zone'): Omit<RenderedArtifact, 'lines'> {
  return { id, kind: 'dns-zone', ...titled('note.title.zone', { origin }) };
}

export function renderZone(zone: Zone, id: ArtifactId = 'dns/coredns/zone'): RenderedArtifact {
  const lines: RenderedLine[] = [];
  lines.push({
    text: `; zone ${zone.origin} served by CoreDNS's kubernetes plugin `
      + `(pods insecure, ttl ${zone.ttl}, serial ${zone.serial})`,
  });
  const podsInsecure = `; pods insecure: a-b-c-d.<namespace>.pod.${zone.origin} IN A a.b.c.d `
    + 'for any address in an existing namespace';
  let group = '';
  let podsRuleShown = false;
  for (const rr of zone.records) {
    const g = groupOf(rr.source);
    if (g !== group) {
      if (rr.source.kind === 'Pod' && !podsRuleShown) {
        lines.push({ text: '' });
        lines.push({ text: podsInsecure, ref: PODS_INSECURE_REF });
        podsRuleShown = true;
      }
      lines.push({ text: '' });
      lines.push({ text: groupTitle(zone, rr) });
      group = g;
    }
    lines.push({ text: rrLine(rr), ref: rr.id });
  }
  if (zone.unpublished.length > 0) {
    lines.push({ text: '' });
    lines.push({ text: '; Services with no records (their names are NXDOMAIN)' });
    for (const u of zone.unpublished) lines.push({
      text: `; ${u.name} (${u.namespace}/${u.service}): ${u.reason}`,
      ref: u.id,
    });
  }
  if (!podsRuleShown) {
    lines.push({ text: '' });
    lines.push({ text: podsInsecure, ref: PODS_INSECURE_REF });
  }
  lines.push({ text: '' });
  lines.push({ text: "; upstream (forward . /etc/resolv.conf): the lab's external DNS table" });
  for (const rr of zone.upstream) lines.push({ text: rrLine(rr), ref: rr.id });
  lines.push({ text: '; any other name outside the cluster domain: NXDOMAIN', ref: UPSTREAM_NXDOMAIN_REF });
  return { ...zoneArtifactHead(zone.origin, id), lines };
}

/** The public DNS listing's id, kind and title (what a viewer lists before it renders the lines). */
export function publicDnsArtifactHead(server: string, id: ArtifactId = 'dns/outside'): Omit<RenderedArtifact, 'lines'> {
  return { id, kind: 'dns-zone', ...titled('note.title.publicDns', { server }) };
}

/**
 * What the DNS resolver outside the lab answers an outside client: the lab's external table (each
 * Ingress host at its controller's public address), then NXDOMAIN for everything else. The records
 * carry the same ids as the zone listing's forwarded section, where CoreDNS shows what it forwards.
 */
export function renderPublicDns(zone: Zone, server: string, id: ArtifactId = 'dns/outside'): RenderedArtifact {
  const lines: RenderedLine[] = [
    { text: `; the DNS resolver outside the lab (${server}): the lab's public names` },
    { text: '' },
  ];
  for (const rr of zone.upstream) lines.push({ text: rrLine(rr), ref: rr.id });
  lines.push({ text: '; any other name: NXDOMAIN (the cluster domain is not public)', ref: UPSTREAM_NXDOMAIN_REF });
  return { ...publicDnsArtifactHead(server, id), lines };
}

/** A hosts file as `cat /etc/hosts` prints it: each entry's line carries the entry's id as ref. */
export function renderHostsFile(file: HostsFile, head: Omit<RenderedArtifact, 'lines'>): RenderedArtifact {
  const lines = file.lines.map((l): RenderedLine => (l.entry ? { text: l.text, ref: l.entry.id } : { text: l.text }));
  return { ...head, lines };
}

/** An outside client's /etc/hosts: localhost, then its entries, each line's ref the entry's id. */
export function renderHosts(client: ExternalClient): RenderedArtifact {
  const title = titled('note.title.hosts', { client: client.name });
  return renderHostsFile(clientHostsFile(client), { id: hostsArtifactId(client), kind: 'hosts', ...title });
}

export function hostsArtifactId(client: Pick<ExternalClient, 'name'>): ArtifactId {
  return `client/${client.name}/hosts`;
}

/** The id, kind and title of the /etc/hosts the kubelet wrote into a pod. */
export function podHostsArtifactHead(pod: Pod): Omit<RenderedArtifact, 'lines'> {
  const key = objectKey(pod);
  return { id: `pod/${key}/hosts`, kind: 'hosts', ...titled('note.title.podHosts', { pod: key }) };
}

/** The id, kind and title of the /etc/resolv.conf the kubelet wrote into a pod. */
export function podResolvConfArtifactHead(pod: Pod): Omit<RenderedArtifact, 'lines'> {
  const key = objectKey(pod);
  return { id: `pod/${key}/resolv.conf`, kind: 'resolv.conf', ...titled('note.title.podResolvConf', { pod: key }) };
}

/** The id, kind and title of a node's own /etc/hosts. */
export function nodeHostsArtifactHead(node: string): Omit<RenderedArtifact, 'lines'> {
  return { id: `node/${node}/hosts`, kind: 'hosts', ...titled('note.title.nodeHosts', { node }) };
}

/** The id, kind and title of a node's own /etc/resolv.conf (the kubelet's --resolv-conf). */
export function nodeResolvConfArtifactHead(node: string): Omit<RenderedArtifact, 'lines'> {
  return { id: `node/${node}/resolv.conf`, kind: 'resolv.conf', ...titled('note.title.nodeResolvConf', { node }) };
}

// ---------------------------------------------------------------- resolv.conf

/** The ref of a resolv.conf's `nameserver` line for its `i`th server. */
export function nameserverRef(i: number): string {
  return `resolv/nameserver/${i}`;
}

/**
 * /etc/resolv.conf as containerd writes it from the kubelet's DNSConfig: search, nameservers,
 * options; a line only when it has something to say (no empty `search`).
 */
export function renderResolvConf(
  rc: ResolvConf,
  head: ArtifactId | Omit<RenderedArtifact, 'lines'> = 'resolv.conf',
): RenderedArtifact {
  const lines: RenderedLine[] = [];
  if (rc.searches.length > 0) lines.push({ text: `search ${rc.searches.join(' ')}`, ref: 'resolv/search' });
  rc.nameservers.forEach((ns, i) => lines.push({ text: `nameserver ${ns}`, ref: nameserverRef(i) }));
  if (rc.options.length > 0) {
    const options = rc.options.map((o) => (o.value === undefined ? o.name : `${o.name}:${o.value}`));
    lines.push({ text: `options ${options.join(' ')}`, ref: 'resolv/options' });
  }
  const h = typeof head === 'string' ? { id: head, kind: 'resolv.conf' as const, title: '/etc/resolv.conf' } : head;
  return { ...h, lines };
}

// ---------------------------------------------------------------- JSON for the CLI

export interface DigJsonRecord {
  name: string;
  type: string;
  ttl: number;
  data: string;
}

export interface DigJson {
  rcode: DnsAnswer['rcode'] | 'TIMEOUT';
  question: { name: string; type: string };
  answers: DigJsonRecord[];
  authority: DigJsonRecord[];
  additional: DigJsonRecord[];
  queriesSent: { name: string; type: string; server: string; rcode: string }[];
  ref: string[];
  problem?: string;
}

function isResolveResult(x: DnsAnswer | ResolveResult): x is ResolveResult {
  return 'final' in x;
}

export function digJson(result: DnsAnswer | ResolveResult): DigJson {
  const answer = isResolveResult(result) ? result.final : result;
  const rec = (rr: RR): DigJsonRecord => ({ name: rr.name, type: rr.type, ttl: rr.ttl, data: rdataText(rr) });
  return {
    rcode: answer.origin === 'timeout' ? 'TIMEOUT' : answer.rcode,
    question: { name: answer.question.name, type: answer.question.type },
    answers: answer.answers.map(rec),
    authority: answer.authority.map(rec),
    additional: answer.additional.map(rec),
    queriesSent: isResolveResult(result) ? result.queriesSent.map((q) => ({
      name: q.name,
      type: q.type,
      server: q.server,
      rcode: q.rcode,
    })) : [],
    ref: answer.ref ?? [],
    ...(answer.problem ? { problem: answer.problem.message } : {}),
  };
}
