// The request walker. It moves one request from its client to the pod that answers, asking the
// data-plane components at every step (DNS, the load balancer's health checks, kube-proxy's
// rules on the node, the pod network's routes, the ingress controller's configuration, the
// pod's listening sockets). It never decides a route itself: it records what they decided.

import type { ArtifactRef } from '../artifact';
import type { Pod, Service } from '../api/types';
import type { ExternalClient } from '../cluster';
import { isPodReady, isTerminating, podListeningPorts as podListening } from '../controllers/podstate';
import { SeededRandom } from '../net/rand';
import type { Packet, PacketOrigin, ProxyRuntimeState, ProxyVerdict, RuleStep } from '../proxy/types';
import type { TraceMessageKey } from './messages';
import { buildNetworkIndex, podIP, type NetworkIndex } from './network';
import type { HttpRequestView, IngressControllerPort, IngressRuntime, LabPorts } from './ports';
import type { Fault, Hop, HopAction, HopPlace, PacketView, TraceOutcome, TraceResult } from './types';

export type TraceSource =
  | { kind: 'external'; client?: string; address?: string }
  | { kind: 'pod'; pod: string }
  | { kind: 'node'; node: string };

export type ConnectTarget =
  | { kind: 'ingress'; className?: string }
  | { kind: 'node'; node: string }
  | { kind: 'address'; ip: string; port: number };

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
}

export function newTraceSession(seed: string): TraceSession {
  return {
    proxy: { now: 0, rand: SeededRandom.fromSeed(seed, 'kube-proxy').state(), perNode: {} },
    ingress: { perController: {}, rand: SeededRandom.fromSeed(seed, 'ingress').state() },
    cookies: {},
    connections: 0,
  };
}

/** Parses `TraceSource` from the CLI/scenario form: "external[:<name or ip>]", "pod:<ns>/<name>", "node:<name>". */
export function parseSource(text: string): TraceSource | { error: string } {
  if (text === 'external') return { kind: 'external' };
  const [kind, ...rest] = text.split(':');
  const arg = rest.join(':');
  if (kind === 'external') return /^\d+\.\d+\.\d+\.\d+$/.test(arg) ? { kind: 'external', address: arg } : { kind: 'external', client: arg };
  if (kind === 'pod' && arg) return { kind: 'pod', pod: arg.includes('/') ? arg : `default/${arg}` };
  if (kind === 'node' && arg) return { kind: 'node', node: arg };
  return { error: `--from must be external[:<client or ip>], pod:<ns>/<name> or node:<name>, not ${JSON.stringify(text)}` };
}

export function parseConnect(text: string): ConnectTarget | { error: string } {
  if (text === 'ingress') return { kind: 'ingress' };
  if (text.startsWith('ingress:')) return { kind: 'ingress', className: text.slice(8) };
  if (text.startsWith('node:')) return { kind: 'node', node: text.slice(5) };
  const m = /^(\d+\.\d+\.\d+\.\d+):(\d+)$/.exec(text);
  if (m) return { kind: 'address', ip: m[1]!, port: Number(m[2]) };
  return { error: `--connect must be ingress[:<class>], node:<name> or <ip>:<port>, not ${JSON.stringify(text)}` };
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
    edge?: { from: string; to: string };
    observedSource?: string;
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
      explanation: { key: a.key, params: a.params },
      edge: a.edge,
      observedSource: a.observedSource,
    };
    this.hops.push(h);
  }
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
  if (!svc) return { kind: 'Service', namespace: ns, name, message: `Service ${ns}/${name} not found` };
  const sel = svc.spec.selector ?? {};
  const selText = Object.entries(sel)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  if (!selText) {
    return { kind: 'Service', namespace: ns, name, field: 'spec.selector', message: `Service ${ns}/${name} has no selector and no ready endpoints in its Endpoints/EndpointSlices` };
  }
  const matching = lab.cluster.pods.filter(
    (p) => (p.metadata.namespace ?? 'default') === ns && Object.entries(sel).every(([k, v]) => p.metadata.labels?.[k] === v),
  );
  const ready = matching.filter((p) => isPodReady(p) && !isTerminating(p));
  return {
    kind: 'Service',
    namespace: ns,
    name,
    field: 'spec.selector',
    message: `Service ${ns}/${name} has no ready endpoints: selector ${selText} matches ${ready.length} ready pod${ready.length === 1 ? '' : 's'}${matching.length > ready.length ? ` (${matching.length - ready.length} not ready)` : ''}`,
  };
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
    const client =
      lab.clients.find((c) => (from.client ? c.name === from.client : from.address ? c.address === from.address : true)) ??
      (from.address ? { name: from.address, address: from.address } : null);
    if (!client) {
      return { outcome: 'unreachable', status: null, fault: { kind: 'Client', name: from.client ?? 'external', message: `no external client ${JSON.stringify(from.client ?? '')} in this scenario` } };
    }
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
    if (!ctrl) return { outcome: 'unreachable', status: null, fault: { kind: 'IngressClass', name: c.className ?? '(default)', message: c.className ? `no ingress controller serves class ${c.className}` : 'this scenario has no ingress controller' } };
    dst = controllerEntry(lab, ctrl, url.scheme);
    if (!dst) return { outcome: 'unreachable', status: null, fault: { kind: 'IngressClass', name: ctrl.className, message: `the ${ctrl.className} controller has no address reachable from outside (no LoadBalancer address, NodePort or hostPort)` } };
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
      return { outcome: 'timeout', status: null, fault: { kind: 'Service', namespace: 'kube-system', name: 'kube-dns', message: `no DNS server answered for ${url.host} (${look.server}): is CoreDNS running and ready?` } };
    }
    if (look.rcode === 'NOERROR' && look.addresses.length === 0 && look.cnames.length > 0) {
      const target = look.cnames.at(-1)!.replace(/\.$/, '');
      const cnameLast = [...look.refs.filter((r) => !/\bCNAME\b/.test(r.line)), ...look.refs.filter((r) => /\bCNAME\b/.test(r.line))];
      w.hop({ place: dnsPlace, action: 'resolve', before, refs: cnameLast, key: 'hop.resolve.cnameOutside', params: { name: url.host, target, client: clientName }, edge: { from: at.place.id, to: dnsPlace.id } });
      return { outcome: 'unreachable', status: null, fault: { kind: 'DNS', name: url.host, message: `${url.host} is a CNAME for ${target}, a name outside this lab: on a real cluster CoreDNS would resolve it upstream and the pod would connect there` } };
    }
    if (look.rcode !== 'NOERROR' || look.addresses.length === 0) {
      w.hop({ place: dnsPlace, action: 'resolve', before, refs: look.refs, key: 'hop.resolve.nxdomain', params: { name: url.host, tries, client: clientName }, edge: { from: at.place.id, to: dnsPlace.id } });
      return { outcome: 'nxdomain', status: null, fault: { kind: 'DNS', name: url.host, message: `${url.host}: ${look.rcode} (tried ${tries})` } };
    }
    const address = look.addresses[0]!;
    addressed = headlessServiceNamed(lab, look.queries.findLast((q) => q.rcode === 'NOERROR')?.name ?? url.host);
    const key: TraceMessageKey = look.server === 'hosts' ? 'hop.resolve.hosts' : look.server === 'upstream' ? 'hop.resolve.upstream' : 'hop.resolve.cluster';
    w.hop({ place: dnsPlace, action: 'resolve', before, after: { ...before, dst: look.server }, refs: look.refs, key, params: { client: clientName, name: url.host, address, server: look.server, tries: look.queries.length || 1 }, edge: { from: at.place.id, to: dnsPlace.id } });
    dst = { ip: address, port: url.port };
  }

  // Source address selection: a process on a node (or a hostNetwork pod) talking to a loopback
  // address sends from 127.0.0.1, which is why localhost NodePorts need route_localnet and SNAT.
  if (at.kind === 'node' && at.origin === 'local' && w.net.owner(dst.ip).kind === 'loopback') srcIP = '127.0.0.1';
  const first: Packet = { protocol: 'TCP', src: srcIP, srcPort: w.ephemeralPort(), dst: dst.ip, dstPort: dst.port };
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
      const pick = pickLoadBalancerNode(w, svc, pkt);
      if (!pick.node) {
        w.hop({ place: lbPlace, action: 'drop', before, key: 'hop.lb.noHealthy', params: { service: svcKey(svc) } });
        return { outcome: 'timeout', status: null, service: svcKey(svc), fault: { kind: 'Service', namespace: svc.metadata.namespace, name: svc.metadata.name, field: 'spec.externalTrafficPolicy', message: `no node passes the load balancer health check for Service ${svcKey(svc)}: externalTrafficPolicy is Local and no node has a ready endpoint` } };
      }
      w.hop({
        place: lbPlace,
        action: 'balance',
        before,
        key: pick.local ? 'hop.lb.pickLocal' : 'hop.lb.pick',
        params: { service: svcKey(svc), address: pkt.dst, node: pick.node, hcPort: svc.spec.healthCheckNodePort ?? 0 },
        edge: { from: lbPlace.id, to: `node:${pick.node}` },
      });
      node = pick.node;
    } else if (owner.kind === 'node' || owner.kind === 'external-ip') {
      if (owner.kind === 'external-ip') http.service = w.through(svcKey(owner.service));
      node = owner.kind === 'node' ? owner.node : lab.cluster.nodes[0]!.metadata.name;
      w.hop({ place: at.place, action: 'send', before, key: 'hop.send.client', params: { client: at.client.name, src: `${pkt.src}:${pkt.srcPort}`, dst: `${pkt.dst}:${pkt.dstPort}` }, edge: { from: at.place.id, to: `node:${node}` } });
    } else {
      const why =
        owner.kind === 'cluster-ip'
          ? `${pkt.dst} is the ClusterIP of Service ${svcKey(owner.service)}: it exists only as kube-proxy rules on the cluster's nodes, so a machine outside the cluster has no route to it. Use a NodePort, a LoadBalancer or an Ingress.`
          : owner.kind === 'pod'
            ? `${pkt.dst} is pod ${podKey(owner.pod)}'s address; pod addresses are routed only inside the cluster's pod network.`
            : `No node, load balancer or client in this lab has ${pkt.dst}.`;
      w.hop({ place: at.place, action: 'drop', before, key: 'hop.route.noRoute', params: { dst: pkt.dst, why } });
      const fault: Fault =
        owner.kind === 'cluster-ip'
          ? { kind: 'Service', namespace: owner.service.metadata.namespace, name: owner.service.metadata.name, field: 'spec.type', message: why }
          : { kind: 'Network', name: pkt.dst, message: why };
      // Addressed to a Service's ClusterIP: the request names that Service even though it cannot arrive.
      const addressed = owner.kind === 'cluster-ip' ? svcKey(owner.service) : http.service;
      return { outcome: 'unreachable', status: null, service: addressed, fault };
    }
    origin = 'external';
    w.hop({ place: nodePlace(node, 'eth0'), action: 'route', before, key: 'hop.arrive.node', params: { node, dst: `${pkt.dst}:${pkt.dstPort}` } });
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
  const dnatAt = lastIndex(ev.steps, (s) => s.outcome === 'matched' && /^(DNAT|dnat to|Masq |Local |Tunnel |Route |REDIRECT)/.test(s.action));
  const snatAt = ev.steps.findIndex((s, i) => i > dnatAt && /POSTROUTING|postrouting|masquerading/.test(s.where));
  const preSteps = dnatAt >= 0 ? ev.steps.slice(0, dnatAt + 1) : snatAt >= 0 ? ev.steps.slice(0, snatAt) : ev.steps;
  const postSteps = snatAt >= 0 ? ev.steps.slice(snatAt) : [];
  const v = ev.verdict;
  const nPlace = nodePlace(node);
  switch (v.kind) {
    case 'reject': {
      w.through(v.servicePort?.split(':')[0]);
      w.hop({ place: nPlace, action: 'reject', before, refs: ruleStepRefs(ev.steps), key: 'hop.proxy.reject', params: { node, mode, reason: v.reason } });
      return { outcome: 'refused', status: null, service: v.servicePort?.split(':')[0] ?? http.service, fault: describeNoEndpoints(lab, v.servicePort) ?? { kind: 'Node', name: node, message: v.reason } };
    }
    case 'drop': {
      w.hop({ place: nPlace, action: 'drop', before, refs: ruleStepRefs(ev.steps), key: 'hop.proxy.drop', params: { node, mode, reason: v.reason } });
      const svc = v.servicePort?.split(':')[0];
      w.through(svc);
      return { outcome: 'timeout', status: null, service: svc ?? http.service, fault: { kind: svc ? 'Service' : 'Node', namespace: svc?.split('/')[0], name: svc?.split('/')[1] ?? node, message: v.reason } };
    }
    case 'dnat': {
      const dnatAfter = { ...pkt, dst: v.endpoint.ip, dstPort: v.endpoint.port };
      http.service = w.through(v.servicePort.split(':')[0]!);
      w.hop({
        place: nPlace,
        action: 'dnat',
        before,
        after: view(dnatAfter, httpView),
        refs: ruleStepRefs(preSteps),
        key: v.masquerade ? 'hop.proxy.dnatMasq' : 'hop.proxy.dnat',
        params: { node, mode, service: v.servicePort, endpoint: v.endpoint.endpoint },
      });
      if (ev.after.src !== dnatAfter.src) {
        w.hop({ place: nPlace, action: 'snat', before: view(dnatAfter, httpView), after: view(ev.after, httpView), refs: ruleStepRefs(postSteps), key: 'hop.proxy.snat', params: { node, from: clientIPBeforeProxy, to: ev.after.src } });
      }
      break;
    }
    case 'hostport': {
      // The CNI portmap plugin's DNAT (its CNI-DN-* chain), not kube-proxy's: node:hostPort -> pod.
      const dnatAfter = { ...pkt, dst: ev.after.dst, dstPort: ev.after.dstPort };
      w.hop({ place: nPlace, action: 'dnat', before, after: view(dnatAfter, httpView), refs: ruleStepRefs(preSteps), key: 'hop.deliver.hostPort', params: { node, port: v.hostPort, pod: v.pod, dst: v.endpoint, chain: v.chain } });
      if (ev.after.src !== dnatAfter.src) {
        w.hop({ place: nPlace, action: 'snat', before: view(dnatAfter, httpView), after: view(ev.after, httpView), refs: ruleStepRefs(postSteps), key: 'hop.portmap.masq', params: { node, from: clientIPBeforeProxy, to: ev.after.src } });
      }
      break;
    }
    case 'proxy': {
      if (!v.endpoint) {
        w.hop({ place: nPlace, action: 'reject', before, refs: ruleStepRefs(ev.steps), key: 'hop.proxy.userspaceFail', params: { service: v.servicePort, attempts: v.attempts.length } });
        return { outcome: v.attempts.length ? 'timeout' : 'refused', status: null, service: w.through(v.servicePort.split(':')[0]!), fault: describeNoEndpoints(lab, v.servicePort) };
      }
      http.service = w.through(v.servicePort.split(':')[0]!);
      // The portal rule hands the connection to kube-proxy's own socket; kube-proxy (a process on
      // the node) dials the endpoint on a new connection, so the backend sees the node's address.
      const nodeIP = w.net.nodeIP(node) ?? ev.after.dst;
      const dialed: Packet = { protocol: pkt.protocol, src: nodeIP, srcPort: w.ephemeralPort(), dst: v.endpoint.ip, dstPort: v.endpoint.port };
      w.hop({ place: nPlace, action: 'proxy', before, after: view(dialed, httpView), refs: ruleStepRefs(ev.steps), ...userspaceExplanation(v), });
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
        w.hop({ place: nPlace, action: 'match', before, refs: ruleStepRefs(ev.steps), key: 'hop.proxy.pass', params: { node, dst: pkt.dst, port: pkt.dstPort } });
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
  if (owner.kind === 'pod') {
    const target = owner.node;
    if (target !== node) {
      w.hop({ place: nodePlace(node), action: 'route', before, key: 'hop.route.podNetwork', params: { from: node, to: target, dst: pkt.dst }, edge: { from: `node:${node}`, to: `node:${target}` } });
    }
    return arriveAtPod(w, owner.pod, pkt, http, depth);
  }
  if (owner.kind === 'node' || owner.kind === 'loopback') {
    const target = owner.kind === 'node' ? owner.node : node;
    if (target !== node) {
      w.hop({ place: nodePlace(node), action: 'route', before, key: 'hop.route.podNetwork', params: { from: node, to: target, dst: pkt.dst }, edge: { from: `node:${node}`, to: `node:${target}` } });
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
    return { outcome: 'refused', status: null, service: http.service, fault: { kind: 'Node', name: target, message: `nothing listens on ${pkt.dst}:${pkt.dstPort} on node ${target}` } };
  }
  if (owner.kind === 'cluster-ip') {
    w.hop({ place: nodePlace(node), action: 'drop', before, key: 'hop.route.clusterIPNoRule', params: { node, dst: pkt.dst, port: pkt.dstPort } });
    const s = owner.service;
    const ports = (s.spec.ports ?? []).map((p) => `${p.port}/${p.protocol ?? 'TCP'}`).join(', ');
    return { outcome: 'timeout', status: null, service: w.through(svcKey(s)), fault: { kind: 'Service', namespace: s.metadata.namespace, name: s.metadata.name, field: 'spec.ports', message: `Service ${svcKey(s)} has no port ${pkt.dstPort}/${pkt.protocol} (it serves ${ports || 'no ports'}); a ClusterIP answers only on its Service ports` } };
  }
  const why = owner.kind === 'load-balancer' ? `${pkt.dst} is a load balancer address outside the cluster.` : 'Traffic to the Internet is outside this lab.';
  w.hop({ place: nodePlace(node), action: 'drop', before, key: 'hop.route.noRoute', params: { dst: pkt.dst, why } });
  // A LoadBalancer or external IP whose port no rule matched: the request was still addressed to that Service.
  const addressed = owner.kind === 'load-balancer' || owner.kind === 'external-ip' ? w.through(svcKey(owner.service)) : http.service;
  return { outcome: 'unreachable', status: null, service: addressed, fault: { kind: 'Network', name: pkt.dst, message: `no route to ${pkt.dst}: ${why}` } };
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
    w.hop({ place, action: 'reject', before, key: 'hop.deliver.notListening', params: { pod: podKey(pod), port: pkt.dstPort, listening: listening.map((l) => l.port).join(', ') || 'nothing' }, edge: { from: `node:${pod.spec.nodeName}`, to: place.id } });
    return {
      outcome: 'refused',
      status: null,
      service: http.service,
      fault: { kind: 'Pod', namespace: pod.metadata.namespace, name: pod.metadata.name, field: 'spec.containers[].ports', message: `pod ${podKey(pod)} does not listen on port ${pkt.dstPort} (it listens on ${listening.map((l) => l.port).join(', ') || 'no port'}); check the Service's targetPort` },
    };
  }
  const ctrl = w.lab.ingress.find((i) => i.pods.includes(podKey(pod)));
  if (ctrl && (pkt.dstPort === ctrl.ports.http || pkt.dstPort === ctrl.ports.https)) {
    if (!alreadyDelivered) w.hop({ place, action: 'deliver', before, key: 'hop.deliver.pod', params: { pod: podKey(pod), dst: `${pkt.dst}:${pkt.dstPort}`, source: pkt.src }, edge: { from: `node:${pod.spec.nodeName}`, to: place.id }, observedSource: pkt.src });
    return throughIngress(w, ctrl, pod, pkt, http, depth);
  }
  if (!alreadyDelivered) {
    w.hop({ place, action: 'deliver', before, key: 'hop.deliver.pod', params: { pod: podKey(pod), dst: `${pkt.dst}:${pkt.dstPort}`, source: pkt.src }, edge: { from: `node:${pod.spec.nodeName}`, to: place.id }, observedSource: pkt.src });
  }
  const status = http.upstreamStatus ?? 200;
  const reply: Packet = { protocol: pkt.protocol, src: http.clientFacing.ip, srcPort: http.clientFacing.port, dst: http.firstPacket.src, dstPort: http.firstPacket.srcPort };
  w.hop({ place, action: 'respond', before: view({ ...pkt, src: pkt.dst, srcPort: pkt.dstPort, dst: pkt.src, dstPort: pkt.srcPort }), after: view(reply), key: 'hop.backend.respond', params: { pod: podKey(pod), status, client: http.clientName, from: `${reply.src}:${reply.srcPort}` }, observedSource: pkt.src });
  return {
    outcome: 'response',
    status,
    service: http.service,
    backendPod: podKey(pod),
    backend: { sourceIP: pkt.src, host: http.host, path: http.path, method: http.method, headers: backendHeaders(http) },
    responseHeaders: { ...http.responseHeaders },
  };
}

function throughIngress(w: Walk, ctrl: IngressControllerPort, pod: Pod, pkt: Packet, http: HttpContext, depth: number): Ended {
  const place: HopPlace = { kind: 'controller', id: `pod:${podKey(pod)}`, pod: podKey(pod), node: pod.spec.nodeName ?? '', controller: ctrl.controller };
  const httpView = { host: http.host, path: http.path, method: http.method };
  const before = view(pkt, httpView);
  const decision = ctrl.decide({ scheme: pkt.dstPort === ctrl.ports.https ? 'https' : http.scheme, method: http.method, host: http.host, path: http.path, headers: http.headers, cookies: http.cookies, clientIP: pkt.src }, w.ingressRuntime());
  if (decision.kind === 'respond') {
    const redirect = decision.status >= 300 && decision.status < 400;
    w.hop({ place, action: redirect ? 'redirect' : 'respond', before, refs: decision.refs, key: 'hop.ingress.respond', params: { controller: ctrl.controller, status: decision.status, reason: decision.reason } });
    // A redirect or the default server's 404 is the controller's own answer (no Service); a 503 for
    // a backend without endpoints is the answer of the Service the rule chose.
    const service = redirect ? null : w.through(decision.service);
    return { outcome: 'response', status: decision.status, service, backendPod: null, backend: null, responseHeaders: { ...http.responseHeaders, ...decision.headers } };
  }
  w.hop({ place, action: 'match', before, refs: decision.refs, key: 'hop.ingress.match', params: { controller: ctrl.controller, host: http.host, path: http.path, reason: decision.reason } });
  w.through(decision.service);
  const next: Packet = { protocol: 'TCP', src: podIP(pod)!, srcPort: w.ephemeralPort(), dst: decision.target.ip, dstPort: decision.target.port };
  const nextHttp: HttpContext = {
    ...http,
    path: decision.path,
    headers: { ...http.headers, ...decision.upstreamHeaders },
    service: decision.service,
    responseHeaders: { ...http.responseHeaders, ...decision.responseHeaders },
    upstreamStatus: decision.upstreamStatus,
  };
  w.hop({ place, action: 'proxy', before, after: view(next, { host: http.host, path: decision.path, method: http.method }), key: 'hop.ingress.proxy', params: { controller: ctrl.controller, src: next.src, dst: `${next.dst}:${next.dstPort}`, upstream: decision.upstream } });
  const end = forward(w, { kind: 'node', node: pod.spec.nodeName!, origin: 'pod', place }, next, nextHttp, depth + 1);
  return { ...end, service: end.service ?? decision.service };
}

/** The external load balancer's choice of node. With externalTrafficPolicy Local, only nodes whose
 *  health-check node port answers (a ready local endpoint) are candidates, as cloud LBs do. */
function pickLoadBalancerNode(w: Walk, svc: Service, pkt: Packet): { node: string | null; local: boolean } {
  const nodes = w.lab.cluster.nodes.map((n) => n.metadata.name).sort();
  const local = svc.spec.externalTrafficPolicy === 'Local';
  let candidates = nodes;
  if (local) {
    const key = svcKey(svc);
    const slices = w.lab.cluster.endpointSlices.filter((s) => `${s.metadata.namespace ?? 'default'}/${s.metadata.labels?.['kubernetes.io/service-name']}` === key);
    const withLocal = new Set(slices.flatMap((s) => s.endpoints.filter((e) => (e.conditions?.ready ?? true) && e.nodeName).map((e) => e.nodeName!)));
    candidates = nodes.filter((n) => withLocal.has(n));
  }
  if (candidates.length === 0) return { node: null, local };
  // A flow hash of the 5-tuple, as cloud LBs do: the same connection always goes to the same node.
  const h = hashString(`${pkt.src}:${pkt.srcPort}>${pkt.dst}:${pkt.dstPort}`);
  return { node: candidates[h % candidates.length]!, local };
}

function hashString(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}
