// The client's side of a request, before the first packet leaves: who sends (an outside client, a
// pod, a process on a node) and where to (an address given with --connect-to, the ingress
// controller's or a Gateway's entry point, a literal address in the URL, or the client's resolver
// asked for the URL's host name).

import type { ArtifactRef } from '../artifact';
import type { Pod } from '../api/types';
import { findClient } from '../clients';
import type { EvalStep } from '../step';
import { gatewayEntry } from './gateway-walk';
import type { TraceMessageKey } from './messages';
import { podIP } from './network';
import { listed, note, type Note } from '../notes';
import type { DnsLookup, LabPorts } from './ports';
import { type ParsedUrl, type TraceRequest, type TraceSource } from './request';
import type { HopPlace, PacketView } from './types';
import type { PodFacts } from './lab-index';
import {
  faultOf,
  nodePlace,
  svcKey,
  unreachable,
  view,
  type At,
  type Ended,
  type HopInput,
  type Walk,
} from './walk';
import { clientNamed, namedFault, nodeNamed, podNamed } from './named';
import { assertNever } from '../util/assert';

/** Who sends the request, and where its first packet starts. */
export interface Sender {
  at: At;
  srcIP: string;
  /** The pod the request starts in (its resolver is the pod's). */
  sourcePod: Pod | null;
  /** That pod's facts (lab-index.ts), looked up once for the request. */
  sourceFacts: PodFacts | null;
  /** How the explanations name the sender. */
  /** Who sends, as hop explanations name it (named.ts). */
  clientName: Note;
}

export function locateSender(w: Walk, from: TraceSource): Sender | Ended {
  if (from.kind === 'external') return outsideSender(w, from);
  if (from.kind === 'pod') return podSender(w, from.pod);
  return nodeSender(w, from.node);
}

/** `external` is the lab's default outside client (src/sim/clients.ts), `external:<ip>` any machine. */
function outsideSender(w: Walk, from: Extract<TraceSource, { kind: 'external' }>): Sender | Ended {
  const found = findClient(w.lab.clients, from);
  if (!found.ok) return unreachable({ kind: 'Client', name: from.client ?? 'external', message: found.message });
  const client = found.client;
  const place: HopPlace = { kind: 'client', id: `client:${client.name}`, name: client.name, address: client.address };
  const at: At = { kind: 'client', client, place };
  return { at, srcIP: client.address, sourcePod: null, sourceFacts: null, clientName: clientNamed(client.name) };
}

function podSender(w: Walk, key: string): Sender | Ended {
  const facts = w.index.podNamed(key);
  const pod = facts?.pod;
  if (!facts || !pod || !podIP(pod) || !pod.spec.nodeName) {
    const [ns, name] = key.split('/');
    const message = pod
      ? `pod ${key} is not running (no node or IP yet)`
      : `pods "${name}" not found`;
    return unreachable({ kind: 'Pod', namespace: ns, name: name ?? key, message });
  }
  const origin = pod.spec.hostNetwork ? 'local' : 'pod';
  const at: At = { kind: 'node', node: pod.spec.nodeName, origin, place: facts.place };
  return { at, srcIP: podIP(pod)!, sourcePod: pod, sourceFacts: facts, clientName: podNamed(key) };
}

function nodeSender(w: Walk, node: string): Sender | Ended {
  const ip = w.net.nodeIP(node);
  if (!ip) return unreachable({ kind: 'Node', name: node, message: `nodes "${node}" not found` });
  const at: At = { kind: 'node', node, origin: 'local', place: nodePlace(node) };
  return { at, srcIP: ip, sourcePod: null, sourceFacts: null, clientName: nodeNamed(node) };
}

/** Where the connection goes. */
export interface Destination {
  dst: { ip: string; port: number };
  /** A headless Service the name resolved through: the request is addressed to it. */
  addressed: string | null;
  /** The lines that chose `dst` where no hop of its own did (`--connect ingress`: the EndpointSlice
   *  endpoints that put the controller pods behind that address); the first hop shows them. */
  refs?: ArtifactRef[];
}

/** --connect-to, an address in the URL, or DNS. */
export function chooseDestination(w: Walk, req: TraceRequest, url: ParsedUrl, sender: Sender): Destination | Ended {
  const c = req.connect;
  if (c?.kind === 'address') return { dst: { ip: c.ip, port: c.port }, addressed: null };
  if (c?.kind === 'node') {
    const ip = w.net.nodeIP(c.node);
    if (!ip) return unreachable({ kind: 'Node', name: c.node, message: `nodes "${c.node}" not found` });
    return { dst: { ip, port: url.port }, addressed: null };
  }
  if (c?.kind === 'ingress') return ingressDestination(w, c.className, url);
  if (c?.kind === 'gateway') {
    const entry = gatewayEntry(w.lab, c, url.scheme);
    if ('error' in entry) {
      return unreachable({ kind: 'Gateway', namespace: c.namespace, name: c.name, message: entry.error });
    }
    return { dst: entry, addressed: null };
  }
  if (url.literal) {
    if (w.recordHops) w.hop(literalHop(sender, url));
    return { dst: { ip: url.host, port: url.port }, addressed: null };
  }
  return resolve(w, url, sender);
}

function ingressDestination(w: Walk, className: string | undefined, url: ParsedUrl): Destination | Ended {
  const ctrl = w.lab.ingress.find((i) => !className || i.className === className);
  if (!ctrl) {
    const why = className
      ? note('note.fault.noControllerForClass', { className })
      : note('note.fault.noController', {});
    return unreachable(faultOf({ kind: 'IngressClass', name: className ?? '(default)' }, why));
  }
  const entry = ctrl.entry[url.scheme];
  if (!entry) {
    const why = note('note.fault.controllerUnreachable', { className: ctrl.className });
    return unreachable(faultOf({ kind: 'IngressClass', name: ctrl.className }, why));
  }
  const refs = w.recordHops && entry.refs ? entry.refs() : [];
  return { dst: { ip: entry.ip, port: entry.port }, addressed: null, ...(refs.length > 0 ? { refs } : {}) };
}

function literalHop(sender: Sender, url: ParsedUrl): HopInput {
  const packet = { protocol: 'TCP' as const, src: sender.srcIP, srcPort: 0, dst: url.host, dstPort: url.port };
  const before = view(packet, { host: url.host });
  return { place: sender.at.place, action: 'resolve', before, key: 'hop.resolve.literal', params: { host: url.host } };
}

/** The sender's resolver: the client's, the pod's (its resolv.conf), or the node's. */
function lookup(lab: LabPorts, sender: Sender, name: string): DnsLookup {
  const at = sender.at;
  if (at.kind === 'client') return lab.dns.fromClient(at.client, name);
  if (sender.sourcePod) return lab.dns.fromPod(sender.sourcePod, name);
  return lab.dns.fromNode(at.node, name);
}

/** Where a DNS hop happens: the question, the server asked, the edge from the sender to it. */
interface DnsQuestion {
  place: HopPlace;
  before: PacketView;
  /** From the sender to the server it asked; none when it asked no server (/etc/hosts). */
  edge?: { from: string; to: string };
}

/** Where the canvas draws the DNS resolver outside the lab (as a label beside the client). */
const OUTSIDE_PLACE = 'dns:upstream';

function dnsQuestion(sender: Sender, look: DnsLookup, url: ParsedUrl): DnsQuestion {
  if (look.answeredBy === 'hosts') return hostsQuestion(sender, look, url);
  const asked = { protocol: 'UDP' as const, src: sender.srcIP, srcPort: 0, dst: look.server, dstPort: 53 };
  const before = view(asked, { host: url.host });
  // The resolver outside the lab is one place whatever its address.
  const id = look.answeredBy === 'outside' ? OUTSIDE_PLACE : `dns:${look.server}`;
  const place: HopPlace = { kind: 'dns', id, server: look.server };
  return { place, before, edge: { from: sender.at.place.id, to: id } };
}

/**
 * /etc/hosts is read where the sender is, and no packet leaves for it: the hop shows the request's
 * destination, the name the URL gives, which the line it found turns into an address (answeredHop).
 */
function hostsQuestion(sender: Sender, look: DnsLookup, url: ParsedUrl): DnsQuestion {
  const request = { protocol: 'TCP' as const, src: sender.srcIP, srcPort: 0, dst: url.host, dstPort: url.port };
  const place: HopPlace = { kind: 'dns', id: sender.at.place.id, server: look.server };
  return { place, before: view(request, { host: url.host }) };
}

function resolve(w: Walk, url: ParsedUrl, sender: Sender): Destination | Ended {
  const look = lookup(w.lab, sender, url.host);
  const q = dnsQuestion(sender, look, url);
  const name = url.host;
  const client = sender.clientName;
  if (look.rcode === 'TIMEOUT') {
    const params = { name, server: look.server, client };
    w.hop({ ...q, action: 'timeout', refs: look.refs, key: 'hop.resolve.timeout', params });
    const why = note('note.fault.dnsTimeout', { name, server: look.server });
    const fault = faultOf({ kind: 'Service', namespace: 'kube-system', name: 'kube-dns' }, why);
    return { outcome: 'timeout', status: null, fault };
  }
  if (look.rcode === 'NOERROR' && look.addresses.length === 0 && look.cnames.length > 0) {
    const target = look.cnames.at(-1)!.replace(/\.$/, '');
    // The CNAME record decides (it points outside the lab): its line goes last.
    const isCname = (s: EvalStep) => s.effect.kind === 'dns-answer' && s.effect.type === 'CNAME';
    const cnameLast = [...look.steps.filter((s) => !isCname(s)), ...look.steps.filter(isCname)];
    const refs = cnameLast.map((s) => s.ref);
    const params = { name, target, client };
    w.hop({ ...q, action: 'resolve', refs, steps: cnameLast, key: 'hop.resolve.cnameOutside', params });
    return unreachable(faultOf({ kind: 'DNS', name }, note('note.fault.cnameOutside', { name, target })));
  }
  if (look.rcode !== 'NOERROR' || look.addresses.length === 0) {
    const names = look.queries.length > 0 ? look.queries.map((x) => x.name) : [name];
    const params = { name, tries: listed(names), client };
    w.hop({ ...q, action: 'resolve', refs: look.refs, steps: look.steps, key: 'hop.resolve.nxdomain', params });
    const fault = namedFault(
      { kind: 'DNS', name },
      'note.fault.nxdomain',
      { name, rcode: look.rcode, tries: params.tries },
    );
    return { outcome: 'nxdomain', status: null, fault };
  }
  const address = look.addresses[0]!;
  const addressed = headlessServiceNamed(w.lab, look.queries.findLast((x) => x.rcode === 'NOERROR')?.name ?? name);
  w.hop(answeredHop(q, look, url, client, address));
  return { dst: { ip: address, port: url.port }, addressed };
}

function answeredHop(q: DnsQuestion, look: DnsLookup, url: ParsedUrl, client: Note, address: string): HopInput {
  const key = answeredKey(look);
  const params = { client, name: url.host, address, server: look.server, tries: look.queries.length || 1 };
  // A query to a server came back from it; a hosts line turned the request's name into its address.
  const after = { ...q.before, dst: look.answeredBy === 'hosts' ? address : look.server };
  return { ...q, action: 'resolve', after, refs: look.refs, steps: look.steps, key, params };
}

/** The explanation of an answer, by who gave it (a nameserver other than kube-dns asks public DNS). */
function answeredKey(look: DnsLookup): TraceMessageKey {
  switch (look.answeredBy) {
    case 'hosts':
      return 'hop.resolve.hosts';
    case 'cluster':
      return 'hop.resolve.cluster';
    case 'outside':
    case 'nameserver':
      return 'hop.resolve.upstream';
    default:
      return assertNever(look.answeredBy);
  }
}

/**
 * The headless Service a DNS name belongs to: `<svc>.<ns>.svc.<domain>` or a pod's
 * `<hostname>.<svc>.<ns>.svc.<domain>` record under it. Its A records are the pods themselves, so
 * no rule carries the request: the name is the only place the Service shows.
 */
function headlessServiceNamed(lab: LabPorts, name: string): string | null {
  const fqdn = name.replace(/\.$/, '').toLowerCase();
  const domain = lab.cluster.settings.clusterDomain.toLowerCase();
  for (const s of lab.cluster.services) {
    if (s.spec.clusterIP !== 'None') continue;
    const base = `${s.metadata.name}.${s.metadata.namespace ?? 'default'}.svc.${domain}`;
    if (fqdn === base || fqdn.endsWith(`.${base}`)) return svcKey(s);
  }
  return null;
}
