// The ingress controller's pod: the controller decides from its own configuration (nginx's server,
// location and balancer; Traefik's router) whether it answers itself or proxies, and a proxied
// request leaves on a new connection from the controller pod (the walk goes on from there).

import type { Pod } from '../api/types';
import type { Packet } from '../proxy/types';
import { podIP } from './network';
import type { Note } from '../notes';
import type { IngressControllerPort, IngressDecision } from './ports';
import type { HopPlace, PacketView } from './types';
import { answered, podKey, podParty, socket, view } from './walk';
import type { Ended, HttpContext, HopInput, Onward, Walk } from './walk';
import { podNamed } from './named';

/** The controller's steps as notes, when it reports them. */
function decisionParts(d: { notes?: Note[] }): Record<string, Note[]> | undefined {
  return d.notes && d.notes.length > 0 ? { reason: d.notes } : undefined;
}

function controllerPlace(ctrl: IngressControllerPort, pod: Pod): HopPlace {
  const node = pod.spec.nodeName ?? '';
  return { kind: 'controller', id: `pod:${podKey(pod)}`, pod: podKey(pod), node, controller: ctrl.controller };
}

export function throughIngress(
  w: Walk,
  ctrl: IngressControllerPort,
  pod: Pod,
  pkt: Packet,
  http: HttpContext,
): Ended | Onward {
  const place = controllerPlace(ctrl, pod);
  const before = view(pkt, { host: http.host, path: http.path, method: http.method });
  // Behind a proxy protocol header the client is the header's address, not the packet's source.
  const clientIP = http.proxyProtocol && ctrl.proxyProtocol ? http.proxyProtocol.src : pkt.src;
  const scheme = pkt.dstPort === ctrl.ports.https ? 'https' : http.scheme;
  const { method, host, path, headers, cookies } = http;
  const decision = ctrl.decide({ scheme, method, host, path, headers, cookies, clientIP }, w.ingressRuntime());
  if (clientIP !== pkt.src) {
    // The server block whose `listen ... proxy_protocol` read the header.
    const params = { controller: ctrl.controller, client: clientIP, src: pkt.src };
    const refs = decision.refs.slice(0, 1);
    w.hop({ place, action: 'match', before, refs, key: 'hop.ingress.proxyProtocol', params });
  }
  if (decision.kind === 'respond') {
    return answered(w, podParty(pod, place), pkt, controllerAnswers(w, ctrl, place, before, decision, http));
  }
  w.hop(matchHop(ctrl, place, before, decision, http));
  w.through(decision.service);
  const { ip, port } = decision.target;
  const next: Packet = { protocol: 'TCP', src: podIP(pod)!, srcPort: w.ephemeralPort(), dst: ip, dstPort: port };
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
  w.hop(proxyHop(ctrl, place, before, next, decision, http));
  w.conns.accept(podParty(pod, place), pkt);
  w.conns.open(podParty(pod, place), podNamed(podKey(pod)), next);
  const at = { kind: 'node' as const, node: pod.spec.nodeName!, origin: 'pod' as const, place };
  return { onward: { at, pkt: next, http: nextHttp }, service: decision.service };
}

/** A redirect, the default server's 404, or a 503 for a backend without endpoints. */
function controllerAnswers(
  w: Walk,
  ctrl: IngressControllerPort,
  place: HopPlace,
  before: PacketView,
  decision: Extract<IngressDecision, { kind: 'respond' }>,
  http: HttpContext,
): Ended {
  const redirect = decision.status >= 300 && decision.status < 400;
  const key = decision.ownServer ? 'hop.ingress.defaultServer' : 'hop.ingress.respond';
  const { status, reason } = decision;
  const params = { controller: ctrl.controller, status, reason, host: http.host, path: http.path };
  const action = redirect ? 'redirect' : 'respond';
  const parts = decisionParts(decision);
  w.hop({ place, action, before, refs: decision.refs, steps: decision.steps, key, params, parts });
  // A redirect or the default server's 404 is the controller's own answer (no Service); a 503 for
  // a backend without endpoints is the answer of the Service the rule chose.
  const service = redirect ? null : w.through(decision.service);
  const responseHeaders = { ...http.responseHeaders, ...decision.headers };
  return { outcome: 'response', status: decision.status, service, backendPod: null, backend: null, responseHeaders };
}

function matchHop(
  ctrl: IngressControllerPort,
  place: HopPlace,
  before: PacketView,
  decision: Extract<IngressDecision, { kind: 'proxy' }>,
  http: HttpContext,
): HopInput {
  const params = { controller: ctrl.controller, host: http.host, path: http.path, reason: decision.reason };
  const parts = decisionParts(decision);
  const { refs, steps } = decision;
  return { place, action: 'match', before, refs, steps, key: 'hop.ingress.match', params, parts };
}

function proxyHop(
  ctrl: IngressControllerPort,
  place: HopPlace,
  before: PacketView,
  next: Packet,
  decision: Extract<IngressDecision, { kind: 'proxy' }>,
  http: HttpContext,
): HopInput {
  const after = view(next, { host: http.host, path: decision.path, method: http.method });
  const dst = socket(next.dst, next.dstPort);
  const params = { controller: ctrl.controller, src: next.src, dst, upstream: decision.upstream };
  return { place, action: 'proxy', before, after, key: 'hop.ingress.proxy', params };
}
