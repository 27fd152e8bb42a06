// After the node's hooks: the packet is routed to whoever owns its destination (a pod, through the
// pod network; another node; this node's own sockets), and the pod's listening sockets decide
// whether it is accepted. An ingress controller's or a Gateway's pod goes on with its own
// decision; any other pod answers (the echo server says what it received).

import type { ArtifactRef } from '../artifact';
import type { Pod, Service } from '../api/types';
import type { ListeningPort } from '../controllers/podstate';
import { echoResponse } from '../gateway/echo';
import type { Packet } from '../proxy/types';
import { throughGateway } from './gateway-walk';
import { throughIngress } from './ingress-walk';
import type { AddressOwner } from './network';
import { listed, note, renderNote } from '../notes';
import { namedFault } from './named';
import { acceptsMethod, podRequestLineReader, type RequestLineReader } from './http-server';
import { headerValue } from './request';
import { blackholeRefs, deliveryRefs, routeToNode } from './route-hop';
import {
  answered,
  faultOf,
  httpViewOf,
  nodePlace,
  podKey,
  podParty,
  podPlace,
  socket,
  svcKey,
  view,
  type Ended,
  type HopInput,
  type HttpContext,
  type Onward,
  type Walk,
} from './walk';
import type { PodFacts } from './lab-index';
import type { IngressControllerPort } from './ports';

/** The packet leaves `node`'s hooks with destination pkt.dst: route it to its owner and deliver. */
export function deliver(w: Walk, node: string, pkt: Packet, http: HttpContext): Ended | Onward {
  const owner = w.net.owner(pkt.dst);
  // The node's routing table decides which node is next (src/sim/node/routes.ts).
  if (owner.kind === 'pod') {
    if (w.recordHops) {
      const routed = routeToNode(w.index.podNetwork, node, pkt.dst, true);
      const target = routed?.node ?? owner.node;
      if (target !== node) w.hop(podNetworkHop(node, target, pkt, http, routed?.refs));
    }
    // The pod's node forwards the packet to the pod's veth: its conntrack now has the connection.
    if (owner.node !== node) w.conns.forwarded(owner.node, pkt);
    return arriveAtPod(w, owner.pod, pkt, http);
  }
  if (owner.kind === 'node' || owner.kind === 'loopback') {
    const routed = owner.kind === 'node' ? routeToNode(w.index.podNetwork, node, pkt.dst, w.recordHops) : null;
    const target = routed?.node ?? (owner.kind === 'node' ? owner.node : node);
    if (target === node) return toNodeSocket(w, node, pkt, http);
    w.hop(podNetworkHop(node, target, pkt, http, routed?.refs));
    // It arrives on the other node's interface and meets that node's rules (a hostPort's DNAT,
    // a NodePort): addrtype LOCAL only matched there.
    const place = nodePlace(target, 'eth0');
    return { onward: { at: { kind: 'node', node: target, origin: 'external', place, arrived: true }, pkt, http } };
  }
  if (owner.kind === 'cluster-ip') return noServicePort(w, node, owner.service, pkt, http);
  return noRoute(w, node, owner, pkt, http);
}

/** The pod network's hop between nodes, with the sending node's `ip route` line that chose it. */
function podNetworkHop(from: string, to: string, pkt: Packet, http: HttpContext, refs?: ArtifactRef[]): HopInput {
  const before = view(pkt, httpViewOf(http));
  const params = { from, to, dst: pkt.dst };
  const edge = { from: `node:${from}`, to: `node:${to}` };
  return { place: nodePlace(from), action: 'route', before, refs, key: 'hop.route.podNetwork', params, edge };
}

/**
 * For this node itself: hostNetwork pods answer on the node's addresses. (A hostPort was the nat
 * table's business: without its pod on this node, nothing listens.)
 */
function toNodeSocket(w: Walk, node: string, pkt: Packet, http: HttpContext): Ended | Onward {
  const before = view(pkt, httpViewOf(http));
  const pods = w.lab.cluster.pods.filter((p) => p.spec.nodeName === node && !p.metadata.deletionTimestamp);
  for (const p of pods) {
    if (p.spec.hostNetwork && w.index.pod(p).listening.some((l) => l.port === pkt.dstPort)) {
      const params = { pod: podKey(p), node, port: pkt.dstPort };
      const edge = { from: `node:${node}`, to: `pod:${podKey(p)}` };
      const refs = deliveryRefs(w.index.podNetwork, node, pkt.dst, w.recordHops);
      w.hop({ place: podPlace(p), action: 'deliver', before, refs, key: 'hop.deliver.hostNetwork', params, edge });
      return arriveAtPod(w, p, pkt, http, true);
    }
  }
  const params = { node, port: pkt.dstPort };
  w.hop({ place: nodePlace(node), action: 'reject', before, key: 'hop.deliver.nodeNotListening', params });
  const address = socket(pkt.dst, pkt.dstPort);
  // A Service's port asked of a node (curl node:443 for a NodePort Service): name the nodePort it is served on.
  const served = nodePortServing(w, pkt);
  const why = served
    ? note('note.fault.nodeNotListeningNodePort', { address, node, ...served })
    : note('note.fault.nodeNotListening', { address, node });
  return { outcome: 'refused', status: null, service: http.service, fault: faultOf({ kind: 'Node', name: node }, why) };
}

/** The first Service (by namespace and name) that serves the packet's port on the nodes under a nodePort. */
function nodePortServing(w: Walk, pkt: Packet): { service: string; port: number; nodePort: number } | undefined {
  const protocol = pkt.protocol.toUpperCase();
  const services = [...w.lab.cluster.services].sort((a, b) => (svcKey(a) < svcKey(b) ? -1 : 1));
  for (const s of services) {
    const p = (s.spec.ports ?? []).find((x) =>
      x.port === pkt.dstPort && x.nodePort && (x.protocol ?? 'TCP') === protocol);
    if (p?.nodePort) return { service: svcKey(s), port: p.port, nodePort: p.nodePort };
  }
  return undefined;
}


/** A ClusterIP whose port no rule matched: the packet is addressed to nobody. */
function noServicePort(w: Walk, node: string, s: Service, pkt: Packet, http: HttpContext): Ended {
  const before = view(pkt, httpViewOf(http));
  const params = { node, dst: pkt.dst, port: pkt.dstPort };
  w.hop({ place: nodePlace(node), action: 'drop', before, key: 'hop.route.clusterIPNoRule', params });
  const ports = (s.spec.ports ?? []).map((p) => `${p.port}/${p.protocol ?? 'TCP'}`);
  const asked = { service: svcKey(s), port: `${pkt.dstPort}/${pkt.protocol}` };
  const blame = { kind: 'Service', namespace: s.metadata.namespace, name: s.metadata.name, field: 'spec.ports' };
  const fault = ports.length > 0
    ? namedFault(blame, 'note.fault.noServicePort', { ...asked, ports: listed(ports) })
    : namedFault(blame, 'note.fault.noServicePortNone', asked);
  return { outcome: 'timeout', status: null, service: w.through(svcKey(s)), fault };
}

/** Nothing on the node's network owns the address (a load balancer's, the Internet's). */
function noRoute(w: Walk, node: string, owner: AddressOwner, pkt: Packet, http: HttpContext): Ended {
  const whyNote =
    owner.kind === 'load-balancer'
      ? note('note.route.loadBalancer', { dst: pkt.dst })
      : note('note.route.internet', {});
  const why = renderNote('en', whyNote);
  const before = view(pkt, httpViewOf(http));
  const parts = { why: [whyNote] };
  const params = { dst: pkt.dst, why };
  // An empty address of this node's own block meets the blackhole route that covers it.
  const refs = blackholeRefs(w.index.podNetwork, node, pkt.dst, w.recordHops);
  w.hop({ place: nodePlace(node), action: 'drop', before, refs, key: 'hop.route.noRoute', params, parts });
  // A LoadBalancer or external IP whose port no rule matched: the request was still addressed to that Service.
  const toService = owner.kind === 'load-balancer' || owner.kind === 'external-ip';
  const addressed = toService ? w.through(svcKey(owner.service)) : http.service;
  const fault = faultOf({ kind: 'Network', name: pkt.dst }, note('note.fault.noRoute', { dst: pkt.dst, why }), parts);
  return { outcome: 'unreachable', status: null, service: addressed, fault };
}

/** The pod network hands the packet to the pod's interface, by its node's route to the pod's veth. */
function deliveredHop(w: Walk, pod: Pod, pkt: Packet, http: HttpContext): HopInput {
  const place = podPlace(pod);
  const params = { pod: podKey(pod), dst: socket(pkt.dst, pkt.dstPort), source: pkt.src };
  const edge = { from: `node:${pod.spec.nodeName}`, to: place.id };
  const before = view(pkt, httpViewOf(http));
  const refs = deliveryRefs(w.index.podNetwork, pod.spec.nodeName ?? '', pkt.dst, w.recordHops);
  return { place, action: 'deliver', before, refs, key: 'hop.deliver.pod', params, edge, observedSource: pkt.src };
}

/** The pod's sockets decide: nothing listens, a Gateway's or a controller's nginx, or the backend. */
function arriveAtPod(w: Walk, pod: Pod, pkt: Packet, http: HttpContext, alreadyDelivered = false): Ended | Onward {
  const facts = w.index.pod(pod);
  if (!listensOn(facts.listening, pkt)) return notListening(w, pod, pkt, http);
  // The delivery hop, unless the caller recorded it (a hostNetwork pod) or no hops are recorded.
  const showDelivery = !alreadyDelivered && w.recordHops;
  const key = facts.key;
  if (showDelivery) w.hop(deliveredHop(w, pod, pkt, http));
  const gw = w.lab.gateways ? runBy(w.lab.gateways, key) : undefined;
  const isGateway = !!gw && gw.ports.includes(pkt.dstPort);
  const ctrl = runBy(w.lab.ingress, key);
  const isCtrl = !!ctrl && (pkt.dstPort === ctrl.ports.http || pkt.dstPort === ctrl.ports.https);
  if (http.proxyProtocol && !isGateway && !(isCtrl && ctrl?.proxyProtocol)) {
    // The stream starts "PROXY TCP4 ...": a server not told to expect it reads a broken request line.
    return badRequest(w, pod, pkt, http, 'hop.ingress.proxyProtocolUnexpected', { pod: podKey(pod) });
  }
  // curl -X sends any word as typed; the first server to read the request line refuses a method its
  // parser does not take: nginx (the controller, a Gateway's data plane, an nginx image) anything but
  // A-Z, '_' and '-'; Go's net/http (Traefik) and any other pod's server anything but a token.
  const readBy = isGateway ? 'nginx' : isCtrl ? controllerReader(ctrl) : podRequestLineReader(pod, pkt.dstPort);
  if (!acceptsMethod(readBy, http.method)) {
    const key = readBy === 'nginx' ? 'hop.http.badMethodNginx' : 'hop.http.badMethod';
    return badRequest(w, pod, pkt, http, key, { pod: podKey(pod), method: http.method });
  }
  if (isGateway) return throughGateway(w, gw, pod, pkt, http);
  if (ctrl && isCtrl) return throughIngress(w, ctrl, pod, pkt, http);
  return backendAnswers(w, facts, pkt, http);
}

/** ingress-nginx reads requests with nginx; Traefik with Go's net/http. */
function controllerReader(c: IngressControllerPort): RequestLineReader {
  return c.controller === 'nginx' ? 'nginx' : 'token';
}

/** The pod's server cannot read the request line: it answers 400 Bad Request itself, and no backend sees it. */
function badRequest(
  w: Walk,
  pod: Pod,
  pkt: Packet,
  http: HttpContext,
  key: 'hop.ingress.proxyProtocolUnexpected' | 'hop.http.badMethod' | 'hop.http.badMethodNginx',
  params: Record<string, string>,
): Ended {
  w.hop({ place: podPlace(pod), action: 'respond', before: view(pkt, httpViewOf(http)), key, params });
  const backendPod = podKey(pod);
  const end: Ended = { outcome: 'response', status: 400, service: http.service, backendPod, backend: null };
  return answered(w, podParty(pod), pkt, { ...end, responseHeaders: {} });
}

/** Whether one of the pod's sockets takes the packet (its port and protocol). */
function listensOn(listening: readonly ListeningPort[], pkt: Packet): boolean {
  for (let i = 0; i < listening.length; i++) {
    const l = listening[i]!;
    if (l.port === pkt.dstPort && l.protocol === pkt.protocol) return true;
  }
  return false;
}

/** The proxy (an ingress controller, a Gateway's data plane) whose pods include `pod` ("ns/name"). */
function runBy<T extends { pods: readonly string[] }>(proxies: readonly T[], pod: string): T | undefined {
  for (let i = 0; i < proxies.length; i++) if (proxies[i]!.pods.includes(pod)) return proxies[i];
  return undefined;
}

function notListening(w: Walk, pod: Pod, pkt: Packet, http: HttpContext): Ended {
  const listening = w.index.pod(pod).listening;
  const place = podPlace(pod);
  const ports = listening.map((l) => String(l.port));
  const asked = { pod: podKey(pod), port: pkt.dstPort };
  const params = { ...asked, listening: listed(ports.length > 0 ? ports : ['—']) };
  const edge = { from: `node:${pod.spec.nodeName}`, to: place.id };
  const before = view(pkt, httpViewOf(http));
  w.hop({ place, action: 'reject', before, key: 'hop.deliver.notListening', params, edge });
  const { namespace, name } = pod.metadata;
  const blame = { kind: 'Pod', namespace, name, field: 'spec.containers[].ports' };
  const fault = ports.length > 0
    ? namedFault(blame, 'note.fault.podNotListening', { ...asked, listening: listed(ports) })
    : namedFault(blame, 'note.fault.podListensNowhere', asked);
  return { outcome: 'refused', status: null, service: http.service, fault };
}

/** The backend answers; the reply reaches the client from the address it connected to. */
function backendAnswers(w: Walk, facts: PodFacts, pkt: Packet, http: HttpContext): Ended {
  const pod = facts.pod;
  const { host, path, method } = http;
  const echo = facts.echoes ? echoResponse(pod, { method, host, path, headers: http.headers }) : null;
  const status = http.upstreamStatus ?? echo?.status ?? 200;
  // The answer is walked back through the nodes it crosses and their conntrack (reply.ts).
  return answered(w, facts.party, pkt, {
    outcome: 'response',
    status,
    service: http.service,
    backendPod: facts.key,
    backend: { sourceIP: pkt.src, host, path, method, headers: backendHeaders(http) },
    responseHeaders: applyResponseOps(
      // The request's own record (no copy): the walk ends here and nothing changes it after.
      echo ? { ...echo.headers, ...http.responseHeaders } : http.responseHeaders,
      http.responseOps,
    ),
  });
}

/** The request headers as the backend receives them: Host as the request names it, then the rest. */
function backendHeaders(http: HttpContext): Record<string, string> {
  const given = http.headers;
  if (headerValue(given, 'host') !== undefined) return { ...given };
  // A request without headers (a batch run's usual one) gets Host alone: a spread after a property
  // copies property by property through the runtime even when there is nothing to copy.
  for (const k in given) if (Object.hasOwn(given, k)) return { Host: http.host, ...given };
  return { Host: http.host };
}

/** A Gateway's response header changes: proxy_hide_header drops a header, add_header appends one. */
function applyResponseOps(headers: Record<string, string>, ops: HttpContext['responseOps']): Record<string, string> {
  if (!ops) return headers;
  const out: Record<string, string> = {};
  const hidden = (k: string) => ops.hide.some((h) => h.toLowerCase() === k.toLowerCase());
  for (const [k, v] of Object.entries(headers)) if (!hidden(k)) out[k] = v;
  for (const [k, v] of ops.add) {
    const existing = Object.keys(out).find((x) => x.toLowerCase() === k.toLowerCase());
    if (existing) out[existing] = `${out[existing]},${v}`;
    else out[k] = v;
  }
  return out;
}
