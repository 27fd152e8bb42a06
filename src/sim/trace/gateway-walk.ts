// How a Gateway data plane hop is explained: which route rule matched and why it won (the spec's
// precedence: an Exact path beats any prefix, the longest PathPrefix wins, then a method match,
// more header matches, more query matches, the older route), or why nginx answered itself.
// Only message keys and parameters; the words are in messages.ts (English and Chinese).
// The Gateway's data plane pod: where an outside client reaches it, and what its nginx decides.

import type { Pod } from '../api/types';
import type { GatewayDecision } from '../gateway/evaluate';
import type { Packet } from '../proxy/types';
import type { TraceMessageKey } from './messages';
import { buildNetworkIndex, podIP } from './network';
import type { GatewayDataPlanePort, LabPorts } from './ports';
import type { HopPlace, PacketView } from './types';
import { answered, podKey, podParty, socket, svcKey, view } from './walk';
import type { Ended, HopInput, HttpContext, Onward, Walk } from './walk';
import { podNamed } from './named';
import { note, renderNotes } from '../notes';

export function gatewayExplanation(
  gateway: string,
  d: GatewayDecision,
): { key: TraceMessageKey; params: Record<string, string | number> } {
  const m = d.matched;
  const base = { gateway, status: d.status, upstream: d.upstream ?? '' };
  if (d.redirect) return { key: 'hop.gateway.redirect', params: { ...base, location: d.redirect } };
  if (!d.location) return { key: 'hop.gateway.noRoute', params: base };
  const src = m?.source ?? d.inline ?? null;
  if (!src) {
    const skipped = (d as { skippedAll?: unknown[] }).skippedAll?.length ?? 0;
    return { key: skipped > 0 ? 'hop.gateway.noMatch' : 'hop.gateway.respond', params: { ...base, skipped } };
  }
  const params = {
    ...base,
    route: src.route,
    rule: src.rule,
    path: src.pathValue,
    skipped: m?.skipped.length ?? 0,
    headers: src.headers,
    query: src.queryParams,
  };
  if (d.outcome === 'respond' && d.status >= 500) {
    // No upstream: the location's own `return 500`, which NGF writes for a filter it cannot apply.
    return { key: d.upstream ? 'hop.gateway.error' : 'hop.gateway.filterError', params };
  }
  if (d.preflight) return { key: 'hop.gateway.corsPreflight', params };
  if (src.pathType === 'Exact') return { key: 'hop.gateway.matchExact', params };
  if (m && (src.method || src.headers > 0 || src.queryParams > 0 || m.skipped.length > 0)) {
    return { key: 'hop.gateway.matchConditions', params };
  }
  return { key: 'hop.gateway.matchPrefix', params };
}

/** Where an outside client reaches a Gateway: its data plane Service's LoadBalancer address, else a node's NodePort. */
export function gatewayEntry(
  lab: LabPorts,
  c: { namespace: string; name: string; port?: number },
  scheme: 'http' | 'https',
): { ip: string; port: number } | { error: string } {
  const key = `${c.namespace}/${c.name}`;
  const gw = lab.gateways?.find((g) => g.gateway === key);
  if (!gw) {
    const hint = "is its GatewayClass's controllerName the one in settings.gatewayAPI.controllerName?";
    return { error: `no Gateway ${key} served by this lab's Gateway controller (${hint})` };
  }
  const schemePort = scheme === 'https' ? 443 : 80;
  const port = c.port ?? (gw.ports.includes(schemePort) ? schemePort : gw.ports[0]);
  if (port === undefined || !gw.ports.includes(port)) {
    const listeners = gw.ports.join(', ') || 'none';
    return { error: `Gateway ${key} has no valid listener on port ${port ?? '(none)'} (listeners: ${listeners})` };
  }
  const svc = lab.cluster.services.find((s) => svcKey(s) === gw.service);
  if (!svc) return { error: `Gateway ${key} has no data plane Service yet` };
  const sp = (svc.spec.ports ?? []).find((p) => p.port === port);
  const lbIP = svc.status?.loadBalancer?.ingress?.find((i) => i.ip)?.ip;
  if (lbIP && sp) return { ip: lbIP, port };
  const node = lab.cluster.nodes[0];
  const ip = node ? buildNetworkIndex(lab.cluster).nodeIP(node.metadata.name) : null;
  if (sp?.nodePort && ip) return { ip, port: sp.nodePort };
  const service = gw.service;
  return { error: `Gateway ${key}'s Service ${service} has no LoadBalancer address and no NodePort for port ${port}` };
}

function gwServiceOf(gw: GatewayDataPlanePort, upstream: string): string | null {
  return gw.serviceOf ? gw.serviceOf(upstream) : null;
}

/** The data plane pod of a Gateway: nginx matches listener and route, applies the filters, and
 *  opens a new connection straight to an endpoint (or answers itself: redirect, 404, 500, 503). */
export function throughGateway(
  w: Walk,
  gw: GatewayDataPlanePort,
  pod: Pod,
  pkt: Packet,
  http: HttpContext,
): Ended | Onward {
  const place: HopPlace = {
    kind: 'controller',
    id: `pod:${podKey(pod)}`,
    pod: podKey(pod),
    node: pod.spec.nodeName ?? '',
    controller: 'nginx-gateway-fabric',
  };
  const host = http.authority ?? http.host;
  const before = { ...view(pkt, { host, path: http.path, method: http.method }), headers: { ...http.headers } };
  const { scheme, path, method, headers } = http;
  const request = { scheme, host, path, method, headers, clientIP: pkt.src, port: pkt.dstPort };
  const d = gw.decide(request, w.ingressRuntime().rand);
  // The data plane's own Service was passed on the way in (kube-proxy's DNAT to this pod).
  w.through(gw.service);
  if (d.outcome === 'respond' || !d.endpoint || !d.upstreamRequest) {
    return answered(w, podParty(pod, place), pkt, gatewayAnswers(w, gw, place, before, d, http));
  }
  const upstreamRequest = d.upstreamRequest;
  const service = w.through(d.upstream ? (gwServiceOf(gw, d.upstream) ?? d.upstream) : null);
  const explain = gatewayExplanation(gw.gateway, d);
  const matchRefs = d.refs.filter((r) => !r.ref.startsWith('upstream:'));
  const { host: upstreamHost, path: upstreamPath, headers: upstreamHeaders } = upstreamRequest;
  const rewritten = { ...before, host: upstreamHost, path: upstreamPath, headers: upstreamHeaders };
  const { key, params } = explain;
  w.hop({ place, action: 'match', before, after: rewritten, refs: matchRefs, key, params });
  const src = podIP(pod)!;
  if (d.mirrors.length > 0) w.hop(mirrorHop(w, gw, place, before, d, src));
  const [ip, port] = d.endpoint.split(':');
  const next: Packet = { protocol: 'TCP', src, srcPort: w.ephemeralPort(), dst: ip!, dstPort: Number(port) };
  const nextHttp: HttpContext = {
    ...http,
    host: upstreamRequest.host,
    path: upstreamRequest.path,
    headers: upstreamRequest.headers,
    service,
    responseOps: d.response,
  };
  w.hop(gatewayProxyHop(gw, place, d, pkt, http, next, nextHttp));
  w.conns.accept(podParty(pod, place), pkt);
  w.conns.open(podParty(pod, place), podNamed(podKey(pod)), next);
  const at = { kind: 'node' as const, node: pod.spec.nodeName!, origin: 'pod' as const, place };
  return { onward: { at, pkt: next, http: nextHttp }, service };
}

/** A redirect, a 404, or a rule's backend that cannot serve (500, 503): nginx answers itself. */
function gatewayAnswers(
  w: Walk,
  gw: GatewayDataPlanePort,
  place: HopPlace,
  before: PacketView,
  d: GatewayDecision,
  http: HttpContext,
): Ended {
  const explain = gatewayExplanation(gw.gateway, d);
  const headers: Record<string, string> = d.redirect ? { Location: d.redirect } : {};
  // NGF writes every add_header with `always`: nginx's own answers (a redirect, a preflight, 500/503) get them too.
  const added = d.response.add;
  for (const [k, v] of added) headers[k] = headers[k] ? `${headers[k]},${v}` : v;
  const action = d.redirect ? 'redirect' : 'respond';
  // The copies go out before proxy_pass finds that the rule's own backend cannot serve.
  if (d.mirrors.length > 0) w.hop(mirrorHop(w, gw, place, before, d, null));
  w.hop({ place, action, before, refs: d.refs, key: explain.key, params: explain.params });
  // A redirect or a 404 is the Gateway's own answer; a rule's backend Service that cannot serve is
  // named (an upstream that stands for no Service, such as invalid-backend-ref's 500, names none).
  const service = d.redirect || !d.upstream ? null : w.through(gwServiceOf(gw, d.upstream));
  const responseHeaders = { ...http.responseHeaders, ...headers };
  return { outcome: 'response', status: d.status || 404, service, backendPod: null, backend: null, responseHeaders };
}

/**
 * The copies a rule's RequestMirror filters make (nginx's mirror module): one note per copy (sent to an
 * endpoint, left out by the percentage's draw, or answered by nginx itself), the lines that decided each.
 * Nothing waits for them: their replies are thrown away, and the walk goes on with the request itself.
 */
function mirrorHop(
  w: Walk,
  gw: GatewayDataPlanePort,
  place: HopPlace,
  before: PacketView,
  d: GatewayDecision,
  src: string | null,
): HopInput {
  const copies = d.mirrors.map((m) => {
    const upstream = m.upstream ?? '';
    const service = gwServiceOf(gw, upstream) ?? upstream;
    if (m.outcome === 'sent') {
      return note('note.gateway.mirrorSent', { endpoint: m.endpoint!, upstream, service, percent: m.percent });
    }
    if (m.outcome === 'skipped') return note('note.gateway.mirrorSkipped', { upstream, percent: m.percent });
    return note('note.gateway.mirrorError', { upstream, status: m.status });
  });
  const first = d.mirrors.find((m) => m.outcome === 'sent');
  const [ip, port] = first?.endpoint?.split(':') ?? [];
  const after = first && src ? {
    ...view({ protocol: 'TCP', src, srcPort: w.ephemeralPort(), dst: ip!, dstPort: Number(port) },
      { host: first.upstreamRequest!.host, path: first.upstreamRequest!.path, method: first.upstreamRequest!.method }),
  } : before;
  const refs = d.mirrors.flatMap((m) => m.refs);
  const params = { gateway: gw.gateway, copies: renderNotes('en', copies) };
  return { place, action: 'proxy', before, after, refs, key: 'hop.gateway.mirror', params, parts: { copies } };
}

function gatewayProxyHop(
  gw: GatewayDataPlanePort,
  place: HopPlace,
  d: GatewayDecision,
  pkt: Packet,
  http: HttpContext,
  next: Packet,
  nextHttp: HttpContext,
): HopInput {
  const before = view(pkt, { host: http.host, path: http.path, method: http.method });
  const after = view(next, { host: nextHttp.host, path: nextHttp.path, method: http.method });
  const refs = d.refs.filter((r) => r.ref.startsWith('upstream:'));
  const dst = socket(next.dst, next.dstPort);
  const params = { gateway: gw.gateway, src: next.src, dst, upstream: d.upstream ?? '' };
  return { place, action: 'proxy', before, after, refs, key: 'hop.gateway.proxy', params };
}
