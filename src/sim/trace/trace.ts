// The request walker. It moves one request from its client to the pod that answers, asking the
// data-plane components at every step (DNS, the load balancer's health checks, kube-proxy's
// rules on the node, the pod network's routes, the ingress controller's configuration, the
// pod's listening sockets). It never decides a route itself: it records what they decided.

import type { ArtifactRef } from '../artifact';
import type { Pod, Service } from '../api/types';
import type { ExternalClient } from '../cluster';
import { findClient, isIPv4 } from '../clients';
import { isPodReady, isTerminating, podListeningPorts as podListening } from '../controllers/podstate';
import { findLine } from '../artifact';
import { chooseTarget, compileLoadBalancers, newLbState, type CompiledLoadBalancer, type LbRuntimeState } from '../lb';
import { SeededRandom } from '../net/rand';
import type { Packet, PacketOrigin, ProxyRuntimeState, ProxyVerdict, RuleStep } from '../proxy/types';
import { rewritesDestination, type EvalStep } from '../step';
import type { TraceMessageKey } from './messages';
import { note, renderNote, renderNoteWith, type Note } from './notes';
import { buildNetworkIndex, podIP, type NetworkIndex } from './network';
import type { GatewayDataPlanePort, HttpRequestView, IngressControllerPort, IngressRuntime, LabPorts } from './ports';
import { echoResponse, isEchoBasic } from '../gateway/echo';
import { gatewayExplanation } from './gateway-walk';
import { routeToNode } from './route-hop';
import type { Fault, Hop, HopAction, HopConntrack, HopPlace, PacketView, TraceOutcome, TraceResult } from './types';
import { Connections, walkReply, type Party, type ReplyContext } from './reply';

export type TraceSource =
  | { kind: 'external'; client?: string; address?: string }
  | { kind: 'pod'; pod: string }
  | { kind: 'node'; node: string };

export type ConnectTarget =
  | { kind: 'ingress'; className?: string }
  | { kind: 'node'; node: string }
  | { kind: 'address'; ip: string; port: number }
  /** A Gateway's address (its data plane Service), on a listener port. */
  | { kind: 'gateway'; namespace: string; name: string; port?: number };

export interface TraceRequest {
  from: TraceSource;
  method?: string;
  url: string;
  headers?: Record<string, string>;
  connect?: ConnectTarget;
  /** Send the session's cookie jar and store Set-Cookie answers in it (curl -b/-c). */
  useCookieJar?: boolean;
}

/** State shared by repeated requests: kube-proxy's runtime state, ingress balancers, cookies, ports. */
export interface TraceSession {
  proxy: ProxyRuntimeState;
  ingress: { perController: Record<string, unknown>; rand: ReturnType<SeededRandom['state']> };
  cookies: Record<string, Record<string, string>>;
  connections: number;
  /** The external load balancers' round-robin cursors (src/sim/lb). */
  lb?: LbRuntimeState;
}

export function newTraceSession(seed: string): TraceSession {
  return {
    proxy: { now: 0, rand: SeededRandom.fromSeed(seed, 'kube-proxy').state(), perNode: {} },
    ingress: { perController: {}, rand: SeededRandom.fromSeed(seed, 'ingress').state() },
    cookies: {},
    connections: 0,
    lb: newLbState(seed),
  };
}

/** Parses `TraceSource` from the CLI/scenario form: "external[:<name or ip>]", "pod:<ns>/<name>", "node:<name>". */
export function parseSource(text: string): TraceSource | { error: string } {
  if (text === 'external') return { kind: 'external' };
  const [kind, ...rest] = text.split(':');
  const arg = rest.join(':');
  if (kind === 'external' && arg) return isIPv4(arg) ? { kind: 'external', address: arg } : { kind: 'external', client: arg };
  if (kind === 'pod' && arg) return { kind: 'pod', pod: arg.includes('/') ? arg : `default/${arg}` };
  if (kind === 'node' && arg) return { kind: 'node', node: arg };
  return { error: `--from must be external[:<client or ip>], pod:<ns>/<name> or node:<name>, not ${JSON.stringify(text)}` };
}

export function parseConnect(text: string): ConnectTarget | { error: string } {
  if (text === 'ingress') return { kind: 'ingress' };
  if (text.startsWith('ingress:')) return { kind: 'ingress', className: text.slice(8) };
  if (text.startsWith('node:')) return { kind: 'node', node: text.slice(5) };
  const gw = /^gateway:(?:([^/:]+)\/)?([^/:]+)(?::(\d+))?$/.exec(text);
  if (gw) return { kind: 'gateway', namespace: gw[1] ?? 'default', name: gw[2]!, ...(gw[3] ? { port: Number(gw[3]) } : {}) };
  const m = /^(\d+\.\d+\.\d+\.\d+):(\d+)$/.exec(text);
  if (m) return { kind: 'address', ip: m[1]!, port: Number(m[2]) };
  return { error: `--connect must be ingress[:<class>], gateway:<ns>/<name>[:<port>], node:<name> or <ip>:<port>, not ${JSON.stringify(text)}` };
}

interface ParsedUrl {
  scheme: 'http' | 'https';
  host: string;
  port: number;
  path: string;
}

export function parseUrl(url: string): ParsedUrl | { error: string } {
  const m = /^(?:(https?):\/\/)?([^/:?#\s]+)(?::(\d+))?([^#\s]*)$/i.exec(url.trim());
  if (!m) return { error: `cannot parse URL ${JSON.stringify(url)}: expected http://host[:port]/path` };
  const scheme = (m[1]?.toLowerCase() ?? 'http') as 'http' | 'https';
  const port = m[3] ? Number(m[3]) : scheme === 'https' ? 443 : 80;
  if (!(port >= 1 && port <= 65535)) return { error: `port ${m[3]} in ${JSON.stringify(url)} is out of range 1-65535` };
  let path = m[4] || '/';
  if (!path.startsWith('/')) path = `/${path}`;
  return { scheme, host: m[2]!.toLowerCase(), port, path };
}

/** A request header by name, case-insensitively (HTTP field names are). */
function headerValue(headers: Record<string, string>, name: string): string | undefined {
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === name) return v;
  return undefined;
}

/** The Host header's host name, without a port, lower-cased; undefined when none is given. */
function hostHeader(headers: Record<string, string>): string | undefined {
  const v = headerValue(headers, 'host')?.trim();
  if (!v) return undefined;
  return v.replace(/:\d+$/, '').toLowerCase();
}

const IS_IP = /^\d+\.\d+\.\d+\.\d+$/;

function podKey(p: Pod): string {
  return `${p.metadata.namespace ?? 'default'}/${p.metadata.name}`;
}

function svcKey(s: Service): string {
  return `${s.metadata.namespace ?? 'default'}/${s.metadata.name}`;
}

/** How much of the walk to record. Batch runs (distribution) want only the outcome. */
export interface TraceOptions {
  /** false: build no Hop objects and ask the evaluators for no rule steps; the outcome, the chosen
   *  backend and every state change are the same as a recorded trace. Default true. */
  recordHops?: boolean;
}

// The network index is a pure function of the cluster and the clients (both immutable once a lab
// is built), so repeated traces over one lab share it.
const networkIndexCache = new WeakMap<LabPorts['cluster'], { clients: LabPorts['clients']; net: NetworkIndex }>();

/** The lab's address index, built once per cluster. */
export function networkIndexOf(lab: LabPorts): NetworkIndex {
  const hit = networkIndexCache.get(lab.cluster);
  if (hit && hit.clients === lab.clients) return hit.net;
  const net = buildNetworkIndex(lab.cluster, lab.clients);
  networkIndexCache.set(lab.cluster, { clients: lab.clients, net });
  return net;
}

class Walk {
  readonly hops: Hop[] = [];
  /** Every Service the packets passed through, in order (the result's `services`). */
  readonly services: string[] = [];
  readonly net: NetworkIndex;
  readonly recordHops: boolean;
  /** The connections the request opened and the conntrack entries they left (src/sim/trace/reply.ts). */
  readonly conns = new Connections();
  private readonly ingressRand: SeededRandom;

  constructor(
    readonly lab: LabPorts,
    readonly session: TraceSession,
    opts: TraceOptions = {},
  ) {
    this.net = networkIndexOf(lab);
    this.ingressRand = new SeededRandom(session.ingress.rand);
    this.recordHops = opts.recordHops ?? true;
  }

  finish() {
    this.session.ingress.rand = this.ingressRand.state();
  }

  /** The packets passed through Service `key` ("ns/name"); a repeat of the last one is the same pass. */
  through(key: string | null | undefined): string | null {
    if (!key) return null;
    if (this.services.at(-1) !== key) this.services.push(key);
    return key;
  }

  ingressRuntime(): IngressRuntime {
    return { perController: this.session.ingress.perController, rand: this.ingressRand };
  }

  ephemeralPort(): number {
    const n = this.session.connections++;
    return 32768 + ((n * 7919 + 1231) % 28232);
  }

  hop(a: {
    place: HopPlace;
    action: HopAction;
    before: PacketView;
    after?: PacketView;
    refs?: ArtifactRef[];
    key: TraceMessageKey;
    params: Record<string, string | number>;
    /** Parameters given as notes, rendered in the reader's language (their English text is in params). */
    parts?: Record<string, Note[]>;
    edge?: { from: string; to: string };
    observedSource?: string;
    /** What the evaluator looked at for this hop, in order (the viewer marks them). */
    steps?: readonly EvalStep[];
    direction?: 'reply';
    conntrack?: HopConntrack[];
  }): void {
    if (!this.recordHops) return;
    const after = a.after ?? a.before;
    const fields: (keyof PacketView)[] = ['src', 'srcPort', 'dst', 'dstPort', 'host', 'path', 'method'];
    const changed = fields.filter((f) => a.before[f] !== after[f]);
    const h: Hop = {
      index: this.hops.length,
      place: a.place,
      action: a.action,
      before: a.before,
      after,
      changed,
      refs: a.refs ?? [],
      explanation: { key: a.key, params: a.params, ...(a.parts ? { parts: a.parts } : {}) },
      edge: a.edge,
      observedSource: a.observedSource,
    };
    if (a.steps && a.steps.length > 0) h.steps = a.steps;
    if (a.direction) h.direction = a.direction;
    if (a.conntrack) h.conntrack = a.conntrack;
    this.hops.push(h);
  }

  /** What the reply walk needs of this walk. */
  replyContext(): ReplyContext {
    const hop = (h: Parameters<ReplyContext['hop']>[0]) => this.hop({ ...h, direction: 'reply' });
    return { cluster: this.lab.cluster, net: this.net, conns: this.conns, record: this.recordHops, hop };
  }
}

/** Who answers or opens a connection in `pod`: the pod's own namespace, or its node's (hostNetwork). */
function podParty(pod: Pod, place: HopPlace = podPlace(pod)): Party {
  const node = pod.spec.nodeName ?? '';
  if (pod.spec.hostNetwork) return { kind: 'host', place, node };
  return { kind: 'pod', place, pod: podKey(pod), ip: podIP(pod) ?? '', node };
}

/** A fault whose message is a note (rendered in English here, in the reader's language by the lab). */
function faultOf(f: Omit<Fault, 'message' | 'note' | 'parts'>, n: Note, parts?: Record<string, Note[]>): Fault {
  return { ...f, message: renderNoteWith('en', n, parts), note: n, ...(parts ? { parts } : {}) };
}

/** Why kube-proxy rejected or dropped: the mode's own reason, else the deciding iptables rule's comment. */
function verdictNote(v: Extract<ProxyVerdict, { kind: 'reject' | 'drop' }>): Note {
  return v.note ?? note('note.proxy.ruleComment', { comment: v.reason });
}

/** The controller's steps as notes, when it reports them. */
function decisionParts(d: { notes?: Note[] }): Record<string, Note[]> | undefined {
  return d.notes && d.notes.length > 0 ? { reason: d.notes } : undefined;
}

function nodePlace(node: string, iface?: string): HopPlace {
  return { kind: 'node', id: `node:${node}`, node, iface };
}

function podPlace(pod: Pod): HopPlace {
  return { kind: 'pod', id: `pod:${podKey(pod)}`, pod: podKey(pod), node: pod.spec.nodeName ?? '' };
}

function view(p: Packet, http?: { host?: string; path?: string; method?: string; cookies?: Record<string, string> }): PacketView {
  return { protocol: p.protocol === 'UDP' ? 'UDP' : 'TCP', src: p.src, srcPort: p.srcPort, dst: p.dst, dstPort: p.dstPort, ...http };
}

interface Ended {
  outcome: TraceOutcome;
  status: number | null;
  fault?: Fault;
  service?: string | null;
  backendPod?: string | null;
  backend?: TraceResult['backend'];
  responseHeaders?: Record<string, string>;
}

/** Where the packet is while the walk runs. */
type At =
  | { kind: 'client'; client: ExternalClient; place: HopPlace }
  /** `arrived`: routed here from another node (the route hop is recorded; no send hop). */
  | { kind: 'node'; node: string; origin: PacketOrigin; place: HopPlace; arrived?: boolean };

interface HttpContext extends HttpRequestView {
  /** The Service the request went through, for the result. */
  service: string | null;
  /** Response headers the ingress controller adds (Set-Cookie). */
  responseHeaders: Record<string, string>;
  /** The address the client connected to (what it sees the reply come from). */
  clientFacing: { ip: string; port: number };
  clientName: string;
  /** The packet as the client sent it, for the reply. */
  firstPacket: Packet;
  /** What the backend answers, when an ingress controller knows (its default backend's 404). */
  upstreamStatus?: number;
  /** The Host header exactly as the client wrote it (with a port, if any): what a Gateway matches. */
  authority?: string;
  /** Response header changes a Gateway applies to what the backend answers. */
  responseOps?: { hide: string[]; add: [string, string][] };
  /** A PROXY protocol header the external load balancer wrote in front of the stream: the client. */
  proxyProtocol?: { version: 1 | 2; src: string; srcPort: number };
}

function userspaceExplanation(v: Extract<ProxyVerdict, { kind: 'proxy' }>): { key: TraceMessageKey; params: Record<string, string | number> } {
  const failed = v.attempts.filter((a) => !a.ok);
  const params = { proxyPort: v.proxyPort, endpoint: v.endpoint?.endpoint ?? '', retries: failed.map((a) => `${a.endpoint} (${a.timeoutMs ?? 0} ms)`).join(', ') };
  return { key: failed.length > 0 ? 'hop.proxy.userspaceRetry' : 'hop.proxy.userspace', params };
}

function lastIndex<T>(xs: readonly T[], f: (x: T) => boolean): number {
  for (let i = xs.length - 1; i >= 0; i--) if (f(xs[i]!)) return i;
  return -1;
}

function ruleStepRefs(steps: RuleStep[]): ArtifactRef[] {
  return steps.filter((s) => s.outcome === 'matched').map((s) => s.ref);
}

function describeNoEndpoints(lab: LabPorts, serviceKey: string | undefined): Fault | undefined {
  if (!serviceKey) return undefined;
  const [ns, rest] = serviceKey.split('/') as [string, string];
  const name = rest.split(':')[0]!;
  const svc = lab.cluster.services.find((s) => s.metadata.name === name && (s.metadata.namespace ?? 'default') === ns);
  if (!svc) return faultOf({ kind: 'Service', namespace: ns, name }, note('note.fault.serviceNotFound', { service: `${ns}/${name}` }));
  const sel = svc.spec.selector ?? {};
  const selText = Object.entries(sel)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  if (!selText) {
    return faultOf({ kind: 'Service', namespace: ns, name, field: 'spec.selector' }, note('note.fault.noSelector', { service: `${ns}/${name}` }));
  }
  const matching = lab.cluster.pods.filter(
    (p) => (p.metadata.namespace ?? 'default') === ns && Object.entries(sel).every(([k, v]) => p.metadata.labels?.[k] === v),
  );
  const ready = matching.filter((p) => isPodReady(p) && !isTerminating(p));
  const notReady = matching.length - ready.length;
  const key = ready.length === 1 ? (notReady > 0 ? 'note.fault.noReadyOneSome' : 'note.fault.noReadyOne') : notReady > 0 ? 'note.fault.noReadySome' : 'note.fault.noReady';
  return faultOf({ kind: 'Service', namespace: ns, name, field: 'spec.selector' }, note(key, { service: `${ns}/${name}`, selector: selText, ready: ready.length, notReady }));
}

/** The address and port where clients reach an ingress controller from outside. */
export function controllerEntry(lab: LabPorts, ctrl: IngressControllerPort, scheme: 'http' | 'https'): { ip: string; port: number } | null {
  const pods = ctrl.pods.map((k) => lab.cluster.pods.find((p) => podKey(p) === k)).filter((p): p is Pod => !!p);
  const containerPort = scheme === 'https' ? ctrl.ports.https : ctrl.ports.http;
  // A Service in front of the controller pods (NodePort or LoadBalancer topology).
  for (const svc of lab.cluster.services) {
    const sel = svc.spec.selector;
    if (!sel || !pods.some((p) => (p.metadata.namespace ?? 'default') === (svc.metadata.namespace ?? 'default') && Object.entries(sel).every(([k, v]) => p.metadata.labels?.[k] === v))) continue;
    const port = (svc.spec.ports ?? []).find((p) => p.targetPort === containerPort || p.port === (scheme === 'https' ? 443 : 80) || p.name === scheme);
    if (!port) continue;
    const lbIP = svc.status?.loadBalancer?.ingress?.find((i) => i.ip)?.ip;
    if (svc.spec.type === 'LoadBalancer' && lbIP) return { ip: lbIP, port: port.port };
    if ((svc.spec.type === 'NodePort' || svc.spec.type === 'LoadBalancer') && port.nodePort) {
      const node = lab.cluster.nodes[0];
      const ip = node ? buildNetworkIndex(lab.cluster).nodeIP(node.metadata.name) : null;
      if (ip) return { ip, port: port.nodePort };
    }
  }
  // A DaemonSet with hostPort: any node running a controller pod.
  for (const p of pods) {
    const hp = p.spec.containers.flatMap((c) => c.ports ?? []).find((cp) => cp.containerPort === containerPort && cp.hostPort);
    if (hp && p.status?.hostIP) return { ip: p.status.hostIP, port: hp.hostPort! };
  }
  return null;
}

export function trace(lab: LabPorts, req: TraceRequest, session: TraceSession, opts: TraceOptions = {}): TraceResult {
  const w = new Walk(lab, session, opts);
  const end = walk(w, req);
  w.finish();
  return {
    outcome: end.outcome,
    status: end.status,
    service: end.service ?? null,
    services: [...w.services],
    backendPod: end.backendPod ?? null,
    backend: end.backend ?? null,
    responseHeaders: end.responseHeaders ?? {},
    hops: w.hops,
    fault: end.fault,
  };
}

function walk(w: Walk, req: TraceRequest): Ended {
  const lab = w.lab;
  const url = parseUrl(req.url);
  if ('error' in url) return { outcome: 'unreachable', status: null, fault: { kind: 'Request', name: 'url', message: url.error } };
  const method = (req.method ?? 'GET').toUpperCase();
  const headers = req.headers ?? {};

  // ---- the source
  let at: At;
  let srcIP: string;
  let sourcePod: Pod | null = null;
  let clientName: string;
  const from = req.from;
  if (from.kind === 'external') {
    // `external` is the lab's default outside client (src/sim/clients.ts), `external:<ip>` any machine.
    const found = findClient(lab.clients, from);
    if (!found.ok) return { outcome: 'unreachable', status: null, fault: { kind: 'Client', name: from.client ?? 'external', message: found.message } };
    const client = found.client;
    at = { kind: 'client', client, place: { kind: 'client', id: `client:${client.name}`, name: client.name, address: client.address } };
    srcIP = client.address;
    clientName = client.name;
  } else if (from.kind === 'pod') {
    const pod = w.net.podByKey(from.pod);
    if (!pod || !podIP(pod) || !pod.spec.nodeName) {
      const [ns, name] = from.pod.split('/');
      return { outcome: 'unreachable', status: null, fault: { kind: 'Pod', namespace: ns, name: name ?? from.pod, message: pod ? `pod ${from.pod} is not running (no node or IP yet)` : `pods "${name}" not found in namespace ${ns}` } };
    }
    sourcePod = pod;
    srcIP = podIP(pod)!;
    clientName = `pod ${from.pod}`;
    at = { kind: 'node', node: pod.spec.nodeName, origin: pod.spec.hostNetwork ? 'local' : 'pod', place: podPlace(pod) };
  } else {
    const ip = w.net.nodeIP(from.node);
    if (!ip) return { outcome: 'unreachable', status: null, fault: { kind: 'Node', name: from.node, message: `nodes "${from.node}" not found` } };
    srcIP = ip;
    clientName = `node ${from.node}`;
    at = { kind: 'node', node: from.node, origin: 'local', place: nodePlace(from.node) };
  }

  // ---- where the connection goes: --connect, an address in the URL, or DNS
  let dst: { ip: string; port: number } | null = null;
  /** A headless Service the name resolved through: the request is addressed to it. */
  let addressed: string | null = null;
  const c = req.connect;
  if (c?.kind === 'address') dst = { ip: c.ip, port: c.port };
  else if (c?.kind === 'node') {
    const ip = w.net.nodeIP(c.node);
    if (!ip) return { outcome: 'unreachable', status: null, fault: { kind: 'Node', name: c.node, message: `nodes "${c.node}" not found` } };
    dst = { ip, port: url.port };
  } else if (c?.kind === 'ingress') {
    const ctrl = lab.ingress.find((i) => !c.className || i.className === c.className);
    if (!ctrl) return { outcome: 'unreachable', status: null, fault: faultOf({ kind: 'IngressClass', name: c.className ?? '(default)' }, c.className ? note('note.fault.noControllerForClass', { className: c.className }) : note('note.fault.noController', {})) };
    dst = controllerEntry(lab, ctrl, url.scheme);
    if (!dst) return { outcome: 'unreachable', status: null, fault: faultOf({ kind: 'IngressClass', name: ctrl.className }, note('note.fault.controllerUnreachable', { className: ctrl.className })) };
  } else if (c?.kind === 'gateway') {
    const entry = gatewayEntry(lab, c, url.scheme);
    if ('error' in entry) return { outcome: 'unreachable', status: null, fault: { kind: 'Gateway', namespace: c.namespace, name: c.name, message: entry.error } };
    dst = entry;
  } else if (IS_IP.test(url.host)) {
    dst = { ip: url.host, port: url.port };
    w.hop({ place: at.place, action: 'resolve', before: view({ protocol: 'TCP', src: srcIP, srcPort: 0, dst: url.host, dstPort: url.port }, { host: url.host }), key: 'hop.resolve.literal', params: { host: url.host } });
  } else {
    const look =
      at.kind === 'client' ? lab.dns.fromClient(at.client, url.host) : sourcePod ? lab.dns.fromPod(sourcePod, url.host) : lab.dns.fromNode((at as { node: string }).node, url.host);
    const tries = look.queries.map((q) => q.name).join(', ') || url.host;
    const before = view({ protocol: 'UDP', src: srcIP, srcPort: 0, dst: look.server, dstPort: 53 }, { host: url.host });
    const dnsPlace: HopPlace = { kind: 'dns', id: look.server === 'hosts' ? at.place.id : `dns:${look.server}`, server: look.server };
    if (look.rcode === 'TIMEOUT') {
      w.hop({ place: dnsPlace, action: 'timeout', before, refs: look.refs, key: 'hop.resolve.timeout', params: { name: url.host, server: look.server, client: clientName }, edge: { from: at.place.id, to: dnsPlace.id } });
      return { outcome: 'timeout', status: null, fault: faultOf({ kind: 'Service', namespace: 'kube-system', name: 'kube-dns' }, note('note.fault.dnsTimeout', { name: url.host, server: look.server })) };
    }
    if (look.rcode === 'NOERROR' && look.addresses.length === 0 && look.cnames.length > 0) {
      const target = look.cnames.at(-1)!.replace(/\.$/, '');
      // The CNAME record decides (it points outside the lab): its line goes last.
      const isCname = (s: EvalStep) => s.effect.kind === 'dns-answer' && s.effect.type === 'CNAME';
      const cnameLast = [...look.steps.filter((s) => !isCname(s)), ...look.steps.filter(isCname)];
      w.hop({ place: dnsPlace, action: 'resolve', before, refs: cnameLast.map((s) => s.ref), steps: cnameLast, key: 'hop.resolve.cnameOutside', params: { name: url.host, target, client: clientName }, edge: { from: at.place.id, to: dnsPlace.id } });
      return { outcome: 'unreachable', status: null, fault: faultOf({ kind: 'DNS', name: url.host }, note('note.fault.cnameOutside', { name: url.host, target })) };
    }
    if (look.rcode !== 'NOERROR' || look.addresses.length === 0) {
      w.hop({ place: dnsPlace, action: 'resolve', before, refs: look.refs, steps: look.steps, key: 'hop.resolve.nxdomain', params: { name: url.host, tries, client: clientName }, edge: { from: at.place.id, to: dnsPlace.id } });
      return { outcome: 'nxdomain', status: null, fault: faultOf({ kind: 'DNS', name: url.host }, note('note.fault.nxdomain', { name: url.host, rcode: look.rcode, tries })) };
    }
    const address = look.addresses[0]!;
    addressed = headlessServiceNamed(lab, look.queries.findLast((q) => q.rcode === 'NOERROR')?.name ?? url.host);
    const key: TraceMessageKey = look.server === 'hosts' ? 'hop.resolve.hosts' : look.server === 'upstream' ? 'hop.resolve.upstream' : 'hop.resolve.cluster';
    w.hop({ place: dnsPlace, action: 'resolve', before, after: { ...before, dst: look.server }, refs: look.refs, steps: look.steps, key, params: { client: clientName, name: url.host, address, server: look.server, tries: look.queries.length || 1 }, edge: { from: at.place.id, to: dnsPlace.id } });
    dst = { ip: address, port: url.port };
  }

  // Source address selection: a process on a node (or a hostNetwork pod) talking to a loopback
  // address sends from 127.0.0.1, which is why localhost NodePorts need route_localnet and SNAT.
  if (at.kind === 'node' && at.origin === 'local' && w.net.owner(dst.ip).kind === 'loopback') srcIP = '127.0.0.1';
  const first: Packet = { protocol: 'TCP', src: srcIP, srcPort: w.ephemeralPort(), dst: dst.ip, dstPort: dst.port };
  w.conns.open(clientParty(at, sourcePod), clientName, first);
  const cookies = parseCookieHeader(headerValue(headers, 'cookie') ?? '');
  if (req.useCookieJar) Object.assign(cookies, w.session.cookies[url.host] ?? {});
  const http: HttpContext = {
    scheme: url.scheme,
    method,
    // curl -H 'Host: x' http://<node>:<port>/ : the connection goes where the URL says, the request
    // names the virtual host the header gives (how the seeds reach ingress rules by NodePort).
    host: hostHeader(headers) ?? url.host,
    path: url.path,
    headers,
    cookies,
    clientIP: srcIP,
    service: w.through(addressed),
    responseHeaders: {},
    clientFacing: dst,
    clientName,
    firstPacket: first,
    authority: headerValue(headers, 'host') ?? /^(?:https?:\/\/)?([^/?#\s]+)/i.exec(req.url.trim())?.[1] ?? url.host,
  };
  const end = forward(w, at, first, http, 0);
  if (req.useCookieJar) {
    const set = end.responseHeaders?.['Set-Cookie'];
    if (set) {
      const [pair] = set.split(';');
      const [k, v] = pair!.split('=');
      if (k && v !== undefined) (w.session.cookies[url.host] ??= {})[k.trim()] = v.trim();
    }
  }
  return end;
}

/** Where the client's connection starts, for its reply to come back to. */
function clientParty(at: At, sourcePod: Pod | null): Party {
  if (at.kind === 'client') return { kind: 'client', place: at.place, address: at.client.address, name: at.client.name };
  if (sourcePod) return podParty(sourcePod, at.place);
  return { kind: 'host', place: at.place, node: at.node };
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

/** The request headers as the backend receives them: Host as the request names it, then the rest. */
function backendHeaders(http: HttpContext): Record<string, string> {
  const out: Record<string, string> = {};
  if (headerValue(http.headers, 'host') === undefined) out.Host = http.host;
  return { ...out, ...http.headers };
}

function parseCookieHeader(h: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of h.split(';')) {
    const i = part.indexOf('=');
    if (i > 0) out[part.slice(0, i).trim()] = part.slice(i + 1).trim();
  }
  return out;
}

const MAX_DEPTH = 6;

/** Moves a packet from `at` toward its destination, through nodes, rules and pods. */
function forward(w: Walk, at: At, pkt: Packet, http: HttpContext, depth: number): Ended {
  const lab = w.lab;
  const httpView = { host: http.host, path: http.path, method: http.method };
  if (depth > MAX_DEPTH) return { outcome: 'timeout', status: null, fault: { kind: 'Network', name: 'loop', message: 'the request went through more proxies than the lab follows (a forwarding loop?)' } };

  let node: string;
  let origin: PacketOrigin;
  if (at.kind === 'client') {
    const before = view(pkt, httpView);
    const owner = w.net.owner(pkt.dst);
    if (owner.kind === 'load-balancer') {
      const svc = owner.service;
      http.service = w.through(svcKey(svc));
      const lbPlace: HopPlace = { kind: 'load-balancer', id: `lb:${svcKey(svc)}`, address: pkt.dst, service: svcKey(svc) };
      w.hop({ place: at.place, action: 'send', before, key: 'hop.send.client', params: { client: at.client.name, src: `${pkt.src}:${pkt.srcPort}`, dst: `${pkt.dst}:${pkt.dstPort}` }, edge: { from: at.place.id, to: lbPlace.id } });
      const lb = compileLoadBalancers(lab.cluster).find((l) => l.service === svcKey(svc));
      const through = lb ? throughLoadBalancer(w, lb, lbPlace, pkt, http) : null;
      if (!through || 'ended' in through) {
        return through?.ended ?? { outcome: 'timeout', status: null, service: svcKey(svc), fault: { kind: 'Service', namespace: svc.metadata.namespace, name: svc.metadata.name, message: `Service ${svcKey(svc)} has no load balancer configuration` } };
      }
      node = through.node;
      pkt = through.pkt;
    } else if (owner.kind === 'node' || owner.kind === 'external-ip') {
      if (owner.kind === 'external-ip') http.service = w.through(svcKey(owner.service));
      node = owner.kind === 'node' ? owner.node : lab.cluster.nodes[0]!.metadata.name;
      w.hop({ place: at.place, action: 'send', before, key: 'hop.send.client', params: { client: at.client.name, src: `${pkt.src}:${pkt.srcPort}`, dst: `${pkt.dst}:${pkt.dstPort}` }, edge: { from: at.place.id, to: `node:${node}` } });
    } else {
      const whyNote =
        owner.kind === 'cluster-ip'
          ? note('note.route.clusterIP', { dst: pkt.dst, service: svcKey(owner.service) })
          : owner.kind === 'pod'
            ? note('note.route.pod', { dst: pkt.dst, pod: podKey(owner.pod) })
            : note('note.route.nobody', { dst: pkt.dst });
      const why = renderNote('en', whyNote);
      w.hop({ place: at.place, action: 'drop', before, key: 'hop.route.noRoute', params: { dst: pkt.dst, why }, parts: { why: [whyNote] } });
      const fault: Fault =
        owner.kind === 'cluster-ip'
          ? { kind: 'Service', namespace: owner.service.metadata.namespace, name: owner.service.metadata.name, field: 'spec.type', message: why, note: whyNote }
          : { kind: 'Network', name: pkt.dst, message: why, note: whyNote };
      // Addressed to a Service's ClusterIP: the request names that Service even though it cannot arrive.
      const addressed = owner.kind === 'cluster-ip' ? svcKey(owner.service) : http.service;
      return { outcome: 'unreachable', status: null, service: addressed, fault };
    }
    origin = 'external';
    w.hop({ place: nodePlace(node, 'eth0'), action: 'route', before: view(pkt, httpView), key: 'hop.arrive.node', params: { node, dst: `${pkt.dst}:${pkt.dstPort}` } });
  } else {
    node = at.node;
    origin = at.origin;
    const before = view(pkt, httpView);
    if (at.place.kind === 'pod' && origin === 'pod') {
      w.hop({ place: at.place, action: 'send', before, key: 'hop.send.pod', params: { pod: at.place.pod, node }, edge: { from: at.place.id, to: `node:${node}` } });
    } else if (at.place.kind === 'controller' || at.arrived) {
      // The controller's new upstream connection, or the route from another node, was recorded by the caller.
    } else {
      w.hop({ place: nodePlace(node), action: 'send', before, key: 'hop.send.node', params: { node } });
    }
  }

  // ---- the node's data plane: kube-proxy's rules, and the CNI portmap plugin's hostPort chains
  // beside them in the same nat table
  const proxy = lab.proxies[node];
  if (!proxy) return { outcome: 'unreachable', status: null, fault: { kind: 'Node', name: node, message: `node ${node} has no kube-proxy data plane` } };
  const clientIPBeforeProxy = pkt.src;
  const ev = proxy.evaluate({ packet: pkt, origin, state: w.session.proxy, endpointAlive: (e) => endpointAlive(w, e.ip, e.port), recordSteps: w.recordHops });
  const before = view(pkt, httpView);
  const mode = proxy.mode;
  // Split the walk where the data plane rewrote the destination (an iptables or nft DNAT, an IPVS
  // real server) and where the source NAT stage starts, so each hop's last line is its decider.
  const dnatAt = lastIndex(ev.steps, (s) => s.outcome === 'matched' && rewritesDestination(s.effect));
  const snatAt = ev.steps.findIndex((s, i) => i > dnatAt && s.hook === 'postrouting');
  const preSteps = dnatAt >= 0 ? ev.steps.slice(0, dnatAt + 1) : snatAt >= 0 ? ev.steps.slice(0, snatAt) : ev.steps;
  const postSteps = snatAt >= 0 ? ev.steps.slice(snatAt) : [];
  // The whole walk is shown at the DNAT hop, unless a SNAT hop takes the POSTROUTING part.
  const walkBeforeSnat = snatAt >= 0 ? ev.steps.slice(0, snatAt) : ev.steps;
  const v = ev.verdict;
  const nPlace = nodePlace(node);
  // The node's conntrack entry for what it rewrote (the userspace proxy's REDIRECT is recorded below).
  if (v.kind !== 'proxy') w.conns.translated(node, pkt, ev.after, v.kind === 'hostport' ? 'portmap' : mode);
  switch (v.kind) {
    case 'reject': {
      w.through(v.servicePort?.split(':')[0]);
      w.hop({ place: nPlace, action: 'reject', before, refs: ruleStepRefs(ev.steps), steps: ev.steps, key: 'hop.proxy.reject', params: { node, mode, reason: v.reason }, parts: { reason: [verdictNote(v)] } });
      return { outcome: 'refused', status: null, service: v.servicePort?.split(':')[0] ?? http.service, fault: describeNoEndpoints(lab, v.servicePort) ?? { kind: 'Node', name: node, message: v.reason, note: verdictNote(v) } };
    }
    case 'drop': {
      w.hop({ place: nPlace, action: 'drop', before, refs: ruleStepRefs(ev.steps), steps: ev.steps, key: 'hop.proxy.drop', params: { node, mode, reason: v.reason }, parts: { reason: [verdictNote(v)] } });
      const svc = v.servicePort?.split(':')[0];
      w.through(svc);
      return { outcome: 'timeout', status: null, service: svc ?? http.service, fault: { kind: svc ? 'Service' : 'Node', namespace: svc?.split('/')[0], name: svc?.split('/')[1] ?? node, message: v.reason, note: verdictNote(v) } };
    }
    case 'dnat': {
      const dnatAfter = { ...pkt, dst: v.endpoint.ip, dstPort: v.endpoint.port };
      http.service = w.through(v.servicePort.split(':')[0]!);
      const snats = ev.after.src !== dnatAfter.src;
      w.hop({
        place: nPlace,
        action: 'dnat',
        before,
        after: view(dnatAfter, httpView),
        refs: ruleStepRefs(preSteps),
        steps: snats ? walkBeforeSnat : ev.steps,
        key: v.masquerade ? 'hop.proxy.dnatMasq' : 'hop.proxy.dnat',
        params: { node, mode, service: v.servicePort, endpoint: v.endpoint.endpoint },
      });
      if (snats) {
        w.hop({ place: nPlace, action: 'snat', before: view(dnatAfter, httpView), after: view(ev.after, httpView), refs: ruleStepRefs(postSteps), steps: postSteps, key: 'hop.proxy.snat', params: { node, from: clientIPBeforeProxy, to: ev.after.src } });
      }
      break;
    }
    case 'hostport': {
      // The CNI portmap plugin's DNAT (its CNI-DN-* chain), not kube-proxy's: node:hostPort -> pod.
      const dnatAfter = { ...pkt, dst: ev.after.dst, dstPort: ev.after.dstPort };
      const snats = ev.after.src !== dnatAfter.src;
      const steps = snats ? walkBeforeSnat : ev.steps;
      w.hop({ place: nPlace, action: 'dnat', before, after: view(dnatAfter, httpView), refs: ruleStepRefs(preSteps), steps, key: 'hop.deliver.hostPort', params: { node, port: v.hostPort, pod: v.pod, dst: v.endpoint, chain: v.chain } });
      if (snats) {
        w.hop({ place: nPlace, action: 'snat', before: view(dnatAfter, httpView), after: view(ev.after, httpView), refs: ruleStepRefs(postSteps), steps: postSteps, key: 'hop.portmap.masq', params: { node, from: clientIPBeforeProxy, to: ev.after.src } });
      }
      break;
    }
    case 'proxy': {
      if (!v.endpoint) {
        w.hop({ place: nPlace, action: 'reject', before, refs: ruleStepRefs(ev.steps), steps: ev.steps, key: 'hop.proxy.userspaceFail', params: { service: v.servicePort, attempts: v.attempts.length } });
        return { outcome: v.attempts.length ? 'timeout' : 'refused', status: null, service: w.through(v.servicePort.split(':')[0]!), fault: describeNoEndpoints(lab, v.servicePort) };
      }
      http.service = w.through(v.servicePort.split(':')[0]!);
      // The portal rule hands the connection to kube-proxy's own socket; kube-proxy (a process on
      // the node) dials the endpoint on a new connection, so the backend sees the node's address.
      const nodeIP = w.net.nodeIP(node) ?? ev.after.dst;
      const dialed: Packet = { protocol: pkt.protocol, src: nodeIP, srcPort: w.ephemeralPort(), dst: v.endpoint.ip, dstPort: v.endpoint.port };
      const kubeProxy: Party = { kind: 'host', place: nPlace, node };
      w.conns.translated(node, pkt, ev.after, 'userspace');
      w.conns.accept(kubeProxy, ev.after);
      w.conns.open(kubeProxy, `kube-proxy (${node})`, dialed);
      w.hop({ place: nPlace, action: 'proxy', before, after: view(dialed, httpView), refs: ruleStepRefs(ev.steps), steps: ev.steps, ...userspaceExplanation(v), });
      return deliver(w, node, dialed, http, depth);
    }
    case 'pass': {
      // kube-proxy exited at start-up: a Service address or node port finds no rule because
      // nothing wrote any, which is what the learner needs to hear (not "no such port").
      const needed = proxy.notRunning ? serviceNeedingKubeProxy(w, node, pkt) : undefined;
      if (needed !== undefined) {
        w.hop({ place: nPlace, action: needed.refused ? 'reject' : 'drop', before, key: 'hop.proxy.notRunning', params: { node, error: proxy.notRunning!, dst: pkt.dst, port: pkt.dstPort } });
        const message = `kube-proxy is not running on node ${node}: ${proxy.notRunning}`;
        return { outcome: needed.refused ? 'refused' : 'timeout', status: null, service: w.through(needed.service) ?? http.service, fault: { kind: 'Node', name: node, field: 'kube-proxy', message } };
      }
      // Worth a hop only where a learner might expect a rule: a Service address or the node itself.
      const ownerKind = w.net.owner(pkt.dst).kind;
      if (ownerKind !== 'pod' && ownerKind !== 'unknown') {
        w.hop({ place: nPlace, action: 'match', before, refs: ruleStepRefs(ev.steps), steps: ev.steps, key: 'hop.proxy.pass', params: { node, dst: pkt.dst, port: pkt.dstPort } });
      }
      break;
    }
  }
  return deliver(w, node, ev.after, http, depth);
}

/**
 * Whether this packet needed kube-proxy's rules: it is addressed to a Service (ClusterIP,
 * load-balancer address, external IP), or to a node port of one on a node address. `refused`:
 * a node port with nothing listening answers RST; a virtual address just goes unanswered.
 */
function serviceNeedingKubeProxy(w: Walk, node: string, pkt: Packet): { service: string | null; refused: boolean } | undefined {
  const owner = w.net.owner(pkt.dst);
  if (owner.kind === 'cluster-ip' || owner.kind === 'load-balancer' || owner.kind === 'external-ip') return { service: svcKey(owner.service), refused: false };
  if (owner.kind !== 'node' && owner.kind !== 'loopback') return undefined;
  if (owner.kind === 'node' && owner.node !== node) return undefined;
  const svc = w.lab.cluster.services.find((s) => (s.spec.ports ?? []).some((p) => p.nodePort === pkt.dstPort && (p.protocol ?? 'TCP') === pkt.protocol));
  return svc ? { service: svcKey(svc), refused: true } : undefined;
}

/** The packet leaves `node`'s hooks with destination pkt.dst: route it to its owner and deliver. */
function deliver(w: Walk, node: string, pkt: Packet, http: HttpContext, depth: number): Ended {
  const httpView = { host: http.host, path: http.path, method: http.method };
  const before = view(pkt, httpView);
  const owner = w.net.owner(pkt.dst);
  // The node's routing table decides which node is next (src/sim/node/routes.ts).
  const routed = owner.kind === 'pod' || owner.kind === 'node' ? routeToNode(w.lab.cluster, node, pkt.dst, w.recordHops) : null;
  if (owner.kind === 'pod') {
    const target = routed?.node ?? owner.node;
    if (target !== node) {
      w.hop({ place: nodePlace(node), action: 'route', before, refs: routed?.refs, key: 'hop.route.podNetwork', params: { from: node, to: target, dst: pkt.dst }, edge: { from: `node:${node}`, to: `node:${target}` } });
    }
    return arriveAtPod(w, owner.pod, pkt, http, depth);
  }
  if (owner.kind === 'node' || owner.kind === 'loopback') {
    const target = routed?.node ?? (owner.kind === 'node' ? owner.node : node);
    if (target !== node) {
      w.hop({ place: nodePlace(node), action: 'route', before, refs: routed?.refs, key: 'hop.route.podNetwork', params: { from: node, to: target, dst: pkt.dst }, edge: { from: `node:${node}`, to: `node:${target}` } });
      // It arrives on the other node's interface and meets that node's rules (a hostPort's DNAT,
      // a NodePort): addrtype LOCAL only matched there.
      return forward(w, { kind: 'node', node: target, origin: 'external', place: nodePlace(target, 'eth0'), arrived: true }, pkt, http, depth + 1);
    }
    // hostNetwork pods answer on the node's addresses. (A hostPort was the nat table's business:
    // without its pod on this node, nothing listens.)
    const pods = w.lab.cluster.pods.filter((p) => p.spec.nodeName === target && !p.metadata.deletionTimestamp);
    for (const p of pods) {
      if (p.spec.hostNetwork && podListening(p).some((l) => l.port === pkt.dstPort)) {
        w.hop({ place: podPlace(p), action: 'deliver', before, key: 'hop.deliver.hostNetwork', params: { pod: podKey(p), node: target, port: pkt.dstPort }, edge: { from: `node:${target}`, to: `pod:${podKey(p)}` } });
        return arriveAtPod(w, p, pkt, http, depth, true);
      }
    }
    w.hop({ place: nodePlace(target), action: 'reject', before, key: 'hop.deliver.nodeNotListening', params: { node: target, port: pkt.dstPort } });
    return { outcome: 'refused', status: null, service: http.service, fault: faultOf({ kind: 'Node', name: target }, note('note.fault.nodeNotListening', { address: `${pkt.dst}:${pkt.dstPort}`, node: target })) };
  }
  if (owner.kind === 'cluster-ip') {
    w.hop({ place: nodePlace(node), action: 'drop', before, key: 'hop.route.clusterIPNoRule', params: { node, dst: pkt.dst, port: pkt.dstPort } });
    const s = owner.service;
    const ports = (s.spec.ports ?? []).map((p) => `${p.port}/${p.protocol ?? 'TCP'}`).join(', ');
    const noPort = ports ? note('note.fault.noServicePort', { service: svcKey(s), port: `${pkt.dstPort}/${pkt.protocol}`, ports }) : note('note.fault.noServicePortNone', { service: svcKey(s), port: `${pkt.dstPort}/${pkt.protocol}` });
    return { outcome: 'timeout', status: null, service: w.through(svcKey(s)), fault: faultOf({ kind: 'Service', namespace: s.metadata.namespace, name: s.metadata.name, field: 'spec.ports' }, noPort) };
  }
  const whyNote = owner.kind === 'load-balancer' ? note('note.route.loadBalancer', { dst: pkt.dst }) : note('note.route.internet', {});
  const why = renderNote('en', whyNote);
  w.hop({ place: nodePlace(node), action: 'drop', before, key: 'hop.route.noRoute', params: { dst: pkt.dst, why }, parts: { why: [whyNote] } });
  // A LoadBalancer or external IP whose port no rule matched: the request was still addressed to that Service.
  const addressed = owner.kind === 'load-balancer' || owner.kind === 'external-ip' ? w.through(svcKey(owner.service)) : http.service;
  return { outcome: 'unreachable', status: null, service: addressed, fault: faultOf({ kind: 'Network', name: pkt.dst }, note('note.fault.noRoute', { dst: pkt.dst, why }), { why: [whyNote] }) };
}

function endpointAlive(w: Walk, ip: string, port: number): boolean {
  const owner = w.net.owner(ip);
  if (owner.kind !== 'pod') return owner.kind === 'node';
  return podListening(owner.pod).some((l) => l.port === port);
}

function arriveAtPod(w: Walk, pod: Pod, pkt: Packet, http: HttpContext, depth: number, alreadyDelivered = false): Ended {
  const httpView = { host: http.host, path: http.path, method: http.method };
  const before = view(pkt, httpView);
  const place = podPlace(pod);
  const listening = podListening(pod);
  if (!listening.some((l) => l.port === pkt.dstPort && l.protocol === pkt.protocol)) {
    w.hop({ place, action: 'reject', before, key: 'hop.deliver.notListening', params: { pod: podKey(pod), port: pkt.dstPort, listening: listening.map((l) => l.port).join(', ') || '—' }, edge: { from: `node:${pod.spec.nodeName}`, to: place.id } });
    return {
      outcome: 'refused',
      status: null,
      service: http.service,
      fault: faultOf(
        { kind: 'Pod', namespace: pod.metadata.namespace, name: pod.metadata.name, field: 'spec.containers[].ports' },
        listening.length > 0
          ? note('note.fault.podNotListening', { pod: podKey(pod), port: pkt.dstPort, listening: listening.map((l) => l.port).join(', ') })
          : note('note.fault.podListensNowhere', { pod: podKey(pod), port: pkt.dstPort }),
      ),
    };
  }
  const gw = w.lab.gateways?.find((g) => g.pods.includes(podKey(pod)));
  if (gw && gw.ports.includes(pkt.dstPort)) {
    if (!alreadyDelivered) w.hop({ place, action: 'deliver', before, key: 'hop.deliver.pod', params: { pod: podKey(pod), dst: `${pkt.dst}:${pkt.dstPort}`, source: pkt.src }, edge: { from: `node:${pod.spec.nodeName}`, to: place.id }, observedSource: pkt.src });
    return throughGateway(w, gw, pod, pkt, http, depth);
  }
  const ctrl = w.lab.ingress.find((i) => i.pods.includes(podKey(pod)));
  const isCtrl = !!ctrl && (pkt.dstPort === ctrl.ports.http || pkt.dstPort === ctrl.ports.https);
  if (http.proxyProtocol && !(isCtrl && ctrl?.proxyProtocol)) {
    // The stream starts "PROXY TCP4 ...": a server not told to expect it reads a broken request line.
    const params = { pod: podKey(pod), dst: `${pkt.dst}:${pkt.dstPort}`, source: pkt.src };
    if (!alreadyDelivered) w.hop({ place, action: 'deliver', before, key: 'hop.deliver.pod', params, edge: { from: `node:${pod.spec.nodeName}`, to: place.id }, observedSource: pkt.src });
    w.hop({ place, action: 'respond', before, key: 'hop.ingress.proxyProtocolUnexpected', params: { pod: podKey(pod) } });
    return answered(w, podParty(pod), pkt, { outcome: 'response', status: 400, service: http.service, backendPod: podKey(pod), backend: null, responseHeaders: {} });
  }
  if (ctrl && isCtrl) {
    if (!alreadyDelivered) w.hop({ place, action: 'deliver', before, key: 'hop.deliver.pod', params: { pod: podKey(pod), dst: `${pkt.dst}:${pkt.dstPort}`, source: pkt.src }, edge: { from: `node:${pod.spec.nodeName}`, to: place.id }, observedSource: pkt.src });
    return throughIngress(w, ctrl, pod, pkt, http, depth);
  }
  if (!alreadyDelivered) {
    w.hop({ place, action: 'deliver', before, key: 'hop.deliver.pod', params: { pod: podKey(pod), dst: `${pkt.dst}:${pkt.dstPort}`, source: pkt.src }, edge: { from: `node:${pod.spec.nodeName}`, to: place.id }, observedSource: pkt.src });
  }
  const echo = isEchoBasic(pod) ? echoResponse(pod, { method: http.method, host: http.host, path: http.path, headers: http.headers }) : null;
  const status = http.upstreamStatus ?? echo?.status ?? 200;
  const backend = { sourceIP: pkt.src, host: http.host, path: http.path, method: http.method, headers: backendHeaders(http) };
  return answered(w, podParty(pod), pkt, {
    outcome: 'response',
    status,
    service: http.service,
    backendPod: podKey(pod),
    backend,
    responseHeaders: applyResponseOps({ ...(echo?.headers ?? {}), ...http.responseHeaders }, http.responseOps),
  });
}

/**
 * The answer is a packet too: walked back from `server` through the nodes it crosses and their
 * conntrack (reply.ts). A reply the client cannot take (it comes from an address the client never
 * called) leaves the request without an answer: a timeout, whatever the server would have said.
 */
function answered(w: Walk, server: Party, pkt: Packet, end: Ended): Ended {
  w.conns.accept(server, pkt);
  const replied = walkReply(w.replyContext(), { status: end.status ?? 0, service: () => serviceByKey(w.lab, end.service ?? null) });
  if (replied.delivered) return end;
  return { ...end, outcome: 'timeout', status: null, responseHeaders: {}, fault: replied.fault };
}

function serviceByKey(lab: LabPorts, key: string | null): Service | null {
  return key ? (lab.cluster.services.find((s) => svcKey(s) === key) ?? null) : null;
}

/** A Gateway's response header changes: proxy_hide_header drops a header, add_header appends one. */
function applyResponseOps(headers: Record<string, string>, ops: HttpContext['responseOps']): Record<string, string> {
  if (!ops) return headers;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) if (!ops.hide.some((h) => h.toLowerCase() === k.toLowerCase())) out[k] = v;
  for (const [k, v] of ops.add) {
    const existing = Object.keys(out).find((x) => x.toLowerCase() === k.toLowerCase());
    if (existing) out[existing] = `${out[existing]},${v}`;
    else out[k] = v;
  }
  return out;
}

function throughIngress(w: Walk, ctrl: IngressControllerPort, pod: Pod, pkt: Packet, http: HttpContext, depth: number): Ended {
  const place: HopPlace = { kind: 'controller', id: `pod:${podKey(pod)}`, pod: podKey(pod), node: pod.spec.nodeName ?? '', controller: ctrl.controller };
  const httpView = { host: http.host, path: http.path, method: http.method };
  const before = view(pkt, httpView);
  // Behind a proxy protocol header the client is the header's address, not the packet's source.
  const clientIP = http.proxyProtocol && ctrl.proxyProtocol ? http.proxyProtocol.src : pkt.src;
  const decision = ctrl.decide({ scheme: pkt.dstPort === ctrl.ports.https ? 'https' : http.scheme, method: http.method, host: http.host, path: http.path, headers: http.headers, cookies: http.cookies, clientIP }, w.ingressRuntime());
  if (clientIP !== pkt.src) {
    // The server block whose `listen ... proxy_protocol` read the header.
    w.hop({ place, action: 'match', before, refs: decision.refs.slice(0, 1), key: 'hop.ingress.proxyProtocol', params: { controller: ctrl.controller, client: clientIP, src: pkt.src } });
  }
  if (decision.kind === 'respond') {
    const redirect = decision.status >= 300 && decision.status < 400;
    const key = decision.ownServer ? 'hop.ingress.defaultServer' : 'hop.ingress.respond';
    const params = { controller: ctrl.controller, status: decision.status, reason: decision.reason, host: http.host, path: http.path };
    w.hop({ place, action: redirect ? 'redirect' : 'respond', before, refs: decision.refs, steps: decision.steps, key, params, parts: decisionParts(decision) });
    // A redirect or the default server's 404 is the controller's own answer (no Service); a 503 for
    // a backend without endpoints is the answer of the Service the rule chose.
    const service = redirect ? null : w.through(decision.service);
    const headers = { ...http.responseHeaders, ...decision.headers };
    return answered(w, podParty(pod, place), pkt, { outcome: 'response', status: decision.status, service, backendPod: null, backend: null, responseHeaders: headers });
  }
  w.hop({ place, action: 'match', before, refs: decision.refs, steps: decision.steps, key: 'hop.ingress.match', params: { controller: ctrl.controller, host: http.host, path: http.path, reason: decision.reason }, parts: decisionParts(decision) });
  w.through(decision.service);
  const next: Packet = { protocol: 'TCP', src: podIP(pod)!, srcPort: w.ephemeralPort(), dst: decision.target.ip, dstPort: decision.target.port };
  const nextHttp: HttpContext = {
    ...http,
    path: decision.path,
    headers: { ...http.headers, ...decision.upstreamHeaders },
    service: decision.service,
    responseHeaders: { ...http.responseHeaders, ...decision.responseHeaders },
    upstreamStatus: decision.upstreamStatus,
    // The controller's new upstream connection carries no PROXY header of its own.
    proxyProtocol: undefined,
  };
  w.hop({ place, action: 'proxy', before, after: view(next, { host: http.host, path: decision.path, method: http.method }), key: 'hop.ingress.proxy', params: { controller: ctrl.controller, src: next.src, dst: `${next.dst}:${next.dstPort}`, upstream: decision.upstream } });
  w.conns.accept(podParty(pod, place), pkt);
  w.conns.open(podParty(pod, place), `pod ${podKey(pod)}`, next);
  const end = forward(w, { kind: 'node', node: pod.spec.nodeName!, origin: 'pod', place }, next, nextHttp, depth + 1);
  return { ...end, service: end.service ?? decision.service };
}

/** Where an outside client reaches a Gateway: its data plane Service's LoadBalancer address, else a node's NodePort. */
function gatewayEntry(lab: LabPorts, c: { namespace: string; name: string; port?: number }, scheme: 'http' | 'https'): { ip: string; port: number } | { error: string } {
  const key = `${c.namespace}/${c.name}`;
  const gw = lab.gateways?.find((g) => g.gateway === key);
  if (!gw) return { error: `no Gateway ${key} served by this lab's Gateway controller (is its GatewayClass's controllerName the one in settings.gatewayAPI.controllerName?)` };
  const port = c.port ?? (gw.ports.includes(scheme === 'https' ? 443 : 80) ? (scheme === 'https' ? 443 : 80) : gw.ports[0]);
  if (port === undefined || !gw.ports.includes(port)) return { error: `Gateway ${key} has no valid listener on port ${port ?? '(none)'} (listeners: ${gw.ports.join(', ') || 'none'})` };
  const svc = lab.cluster.services.find((s) => `${s.metadata.namespace ?? 'default'}/${s.metadata.name}` === gw.service);
  if (!svc) return { error: `Gateway ${key} has no data plane Service yet` };
  const sp = (svc.spec.ports ?? []).find((p) => p.port === port);
  const lbIP = svc.status?.loadBalancer?.ingress?.find((i) => i.ip)?.ip;
  if (lbIP && sp) return { ip: lbIP, port };
  const node = lab.cluster.nodes[0];
  const ip = node ? buildNetworkIndex(lab.cluster).nodeIP(node.metadata.name) : null;
  if (sp?.nodePort && ip) return { ip, port: sp.nodePort };
  return { error: `Gateway ${key}'s Service ${gw.service} has no LoadBalancer address and no NodePort for port ${port}` };
}

/** The data plane pod of a Gateway: nginx matches listener and route, applies the filters, and
 *  opens a new connection straight to an endpoint (or answers itself: redirect, 404, 500, 503). */
function throughGateway(w: Walk, gw: GatewayDataPlanePort, pod: Pod, pkt: Packet, http: HttpContext, depth: number): Ended {
  const place: HopPlace = { kind: 'controller', id: `pod:${podKey(pod)}`, pod: podKey(pod), node: pod.spec.nodeName ?? '', controller: 'nginx-gateway-fabric' };
  const before = { ...view(pkt, { host: http.authority ?? http.host, path: http.path, method: http.method }), headers: { ...http.headers } };
  const d = gw.decide({ scheme: http.scheme, host: http.authority ?? http.host, path: http.path, method: http.method, headers: http.headers, clientIP: pkt.src, port: pkt.dstPort }, w.ingressRuntime().rand);
  // The data plane's own Service was passed on the way in (kube-proxy's DNAT to this pod).
  w.through(gw.service);
  const explain = gatewayExplanation(gw.gateway, d);
  if (d.outcome === 'respond' || !d.endpoint || !d.upstreamRequest) {
    const headers: Record<string, string> = d.redirect ? { Location: d.redirect } : {};
    for (const [k, v] of d.response.add) if (d.status >= 400 || d.redirect) headers[k] = headers[k] ? `${headers[k]},${v}` : v;
    w.hop({ place, action: d.redirect ? 'redirect' : 'respond', before, refs: d.refs, key: explain.key, params: explain.params });
    // A redirect or a 404 is the Gateway's own answer; a rule's backend Service that cannot serve is
    // named (an upstream that stands for no Service, such as invalid-backend-ref's 500, names none).
    const service = d.redirect || !d.upstream ? null : w.through(gwServiceOf(gw, d.upstream));
    const end: Ended = { outcome: 'response', status: d.status || 404, service, backendPod: null, backend: null, responseHeaders: { ...http.responseHeaders, ...headers } };
    return answered(w, podParty(pod, place), pkt, end);
  }
  const service = w.through(d.upstream ? (gwServiceOf(gw, d.upstream) ?? d.upstream) : null);
  const matchRefs = d.refs.filter((r) => !r.ref.startsWith('upstream:'));
  w.hop({ place, action: 'match', before, after: { ...before, host: d.upstreamRequest.host, path: d.upstreamRequest.path, headers: d.upstreamRequest.headers }, refs: matchRefs, key: explain.key, params: explain.params });
  const [ip, port] = d.endpoint.split(':');
  const next: Packet = { protocol: 'TCP', src: podIP(pod)!, srcPort: w.ephemeralPort(), dst: ip!, dstPort: Number(port) };
  const nextHttp: HttpContext = {
    ...http,
    host: d.upstreamRequest.host,
    path: d.upstreamRequest.path,
    headers: d.upstreamRequest.headers,
    service,
    responseOps: d.response,
  };
  w.hop({ place, action: 'proxy', before: view(pkt, { host: http.host, path: http.path, method: http.method }), after: view(next, { host: nextHttp.host, path: nextHttp.path, method: http.method }), refs: d.refs.filter((r) => r.ref.startsWith('upstream:')), key: 'hop.gateway.proxy', params: { gateway: gw.gateway, src: next.src, dst: `${next.dst}:${next.dstPort}`, upstream: d.upstream ?? '' } });
  w.conns.accept(podParty(pod, place), pkt);
  w.conns.open(podParty(pod, place), `pod ${podKey(pod)}`, next);
  const end = forward(w, { kind: 'node', node: pod.spec.nodeName!, origin: 'pod', place }, next, nextHttp, depth + 1);
  return { ...end, service: end.service ?? service };
}

function gwServiceOf(gw: GatewayDataPlanePort, upstream: string): string | null {
  return gw.serviceOf ? gw.serviceOf(upstream) : null;
}

/** The check the load balancer runs, as its configuration names it (identifiers only, any language). */
function checkText(lb: CompiledLoadBalancer): string {
  const hc = lb.healthCheck;
  return hc.protocol === 'TCP' ? `TCP:${hc.port}` : `HTTP:${hc.port}${hc.path}`;
}

/**
 * The external load balancer decides, from its own configuration (src/sim/lb): the listener, the
 * targets whose health check passes, the target by round robin or flow hash; then what it sends.
 * `direct` keeps the packet (kube-proxy catches the LB address); `nodeport` sends to the chosen
 * node's NodePort, from its own address when it proxies, from the client's when it forwards.
 */
function throughLoadBalancer(w: Walk, lb: CompiledLoadBalancer, place: HopPlace, pkt: Packet, http: HttpContext): { node: string; pkt: Packet } | { ended: Ended } {
  const state = (w.session.lb ??= newLbState(w.lab.cluster.settings.seed));
  const d = chooseTarget(lb, pkt, state);
  const refs = (ids: string[]) => ids.map((r) => findLine(lb.artifact, r)).filter((r): r is ArtifactRef => r !== null);
  const httpView = { host: http.host, path: http.path, method: http.method };
  const before = view(pkt, httpView);
  const [namespace, name] = lb.service.split('/') as [string, string];
  const local = lb.externalTrafficPolicy === 'Local';
  if (d.kind === 'no-listener') {
    const ports = lb.listeners.map((l) => l.port).join(', ');
    w.hop({ place, action: 'drop', before, refs: refs(d.refs), key: 'hop.lb.noListener', params: { address: lb.address, port: pkt.dstPort, service: lb.service, ports } });
    const message = `the load balancer ${lb.address} of Service ${lb.service} has no listener on port ${pkt.dstPort} (it listens on ${ports || 'no port'})`;
    return { ended: { outcome: 'timeout', status: null, service: lb.service, fault: { kind: 'Service', namespace, name, field: 'spec.ports', message } } };
  }
  if (d.kind === 'no-healthy') {
    if (d.listener.problem) {
      w.hop({ place, action: 'drop', before, refs: refs([d.listener.ref]), key: 'hop.lb.noTargets', params: { address: lb.address, port: d.listener.port, service: lb.service } });
      return { ended: { outcome: 'timeout', status: null, service: lb.service, fault: { kind: 'Service', namespace, name, field: 'spec.allocateLoadBalancerNodePorts', message: `the load balancer of Service ${lb.service}: ${d.listener.problem}` } } };
    }
    const key: TraceMessageKey = local ? 'hop.lb.noHealthy' : 'hop.lb.noHealthyCheck';
    w.hop({ place, action: 'drop', before, refs: refs(d.refs), key, params: { service: lb.service, check: checkText(lb) } });
    const message = local
      ? `no node passes the load balancer health check for Service ${lb.service}: externalTrafficPolicy is Local and no node has a ready endpoint`
      : `no node passes the load balancer health check (${checkText(lb)}) for Service ${lb.service}: the Service has no ready endpoints, so kube-proxy rejects its NodePort on every node`;
    return { ended: { outcome: 'timeout', status: null, service: lb.service, fault: { kind: 'Service', namespace, name, field: local ? 'spec.externalTrafficPolicy' : 'spec.selector', message } } };
  }
  const t = d.target;
  const b = lb.behaviour;
  const edge = { from: place.id, to: `node:${t.node}` };
  if (b.model === 'direct') {
    const hcPort = lb.healthCheck.protocol === 'HTTP' && lb.healthCheck.server === 'service-health' ? lb.healthCheck.port : 0;
    const params = { service: lb.service, address: pkt.dst, node: t.node, hcPort };
    w.hop({ place, action: 'balance', before, refs: refs(d.refs), key: local ? 'hop.lb.pickLocal' : 'hop.lb.pick', params, edge });
    return { node: t.node, pkt };
  }
  // nodeport: to the chosen node's NodePort. A proxy (or an NLB not keeping the client address)
  // sends from its own address on a new source port; a forwarding NLB keeps the client's.
  const fromLb = b.delivery === 'proxy' || b.source === 'lb';
  const out: Packet = fromLb
    ? { protocol: pkt.protocol, src: lb.address, srcPort: w.ephemeralPort(), dst: t.address, dstPort: t.port }
    : { ...pkt, dst: t.address, dstPort: t.port };
  const key = `hop.lb.nodeport.${b.algorithm === 'round-robin' ? 'rr' : 'hash'}.${fromLb ? 'lb' : 'client'}` as TraceMessageKey;
  const params = {
    service: lb.service,
    address: lb.address,
    node: t.node,
    target: `${t.address}:${t.port}`,
    healthy: d.healthy.length,
    total: lb.nodes.length,
    check: checkText(lb),
    src: out.src,
  };
  w.hop({ place, action: b.delivery === 'proxy' ? 'proxy' : 'balance', before, after: view(out, httpView), refs: refs(d.refs), key, params, edge });
  if (fromLb) {
    // The client's connection ends at the load balancer; its own one goes to the node.
    const self: Party = { kind: 'lb', place, address: lb.address };
    w.conns.accept(self, pkt);
    w.conns.open(self, `load-balancer ${lb.address}`, out);
  } else w.conns.balancerForwarded(place, pkt, out);
  if (b.proxyProtocol) {
    http.proxyProtocol = { version: b.proxyProtocol, src: pkt.src, srcPort: pkt.srcPort };
    const header = `PROXY TCP4 ${pkt.src} ${pkt.dst} ${pkt.srcPort} ${pkt.dstPort}`;
    w.hop({ place, action: 'proxy', before: view(out, httpView), refs: refs(['behaviour:proxy-protocol']), key: 'hop.lb.proxyProtocol', params: { version: b.proxyProtocol, client: `${pkt.src}:${pkt.srcPort}`, header } });
  }
  return { node: t.node, pkt: out };
}
