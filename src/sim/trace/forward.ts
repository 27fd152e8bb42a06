// One packet's way from where it is toward its destination, in the real path's order: out of the
// client (to the external load balancer, or to a node) or out of a pod or node process; through
// the node's hooks (node-walk.ts); routed to the owner of its destination and delivered
// (deliver.ts). A proxy on the way (an ingress controller, a Gateway) or a route to another node
// sends the walk on from there, a step deeper.

import type { ArtifactRef } from '../artifact';
import type { Service } from '../api/types';
import { compileLoadBalancers } from '../lb';
import type { Packet } from '../proxy/types';
import { deliver } from './deliver';
import { throughLoadBalancer } from './lb-walk';
import type { AddressOwner } from './network';
import { throughNodeRules, type OnNode } from './node-walk';
import { note, renderNote } from '../notes';
import type { Fault, HopPlace } from './types';
import {
  httpViewOf,
  nodePlace,
  podKey,
  socket,
  svcKey,
  view,
  type At,
  type Ended,
  type HopInput,
  type HttpContext,
  type Onward,
  type Walk,
} from './walk';

const MAX_DEPTH = 6;

/**
 * Moves a packet from `at` toward its destination, through nodes, rules and pods. `sent`: the lines
 * that chose where the sender connects (source.ts `Destination.refs`), shown on its send hop.
 */
export function forward(w: Walk, at: At, pkt: Packet, http: HttpContext, depth: number, sent?: ArtifactRef[]): Ended {
  if (depth > MAX_DEPTH) {
    const message = 'the request went through more proxies than the lab follows (a forwarding loop?)';
    return { outcome: 'timeout', status: null, fault: { kind: 'Network', name: 'loop', message } };
  }
  const on = at.kind === 'client' ? leaveClient(w, at, pkt, http, sent) : leaveNodeOrPod(w, at, pkt, http, sent);
  if ('outcome' in on) return on;
  const leaving = throughNodeRules(w, on, http);
  if ('outcome' in leaving) return leaving;
  return goOn(w, deliver(w, leaving.node, leaving.pkt, http), depth);
}

/** A proxy or a route sent the walk on: follow it, one step deeper. */
function goOn(w: Walk, r: Ended | Onward, depth: number): Ended {
  if (!('onward' in r)) return r;
  const { at, pkt, http } = r.onward;
  const end = forward(w, at, pkt, http, depth + 1);
  return r.service === undefined ? end : { ...end, service: end.service ?? r.service };
}

type ClientAt = Extract<At, { kind: 'client' }>;

/** The outside client sends: to a load balancer's address, to a node's (or an external IP), or nowhere. */
function leaveClient(w: Walk, at: ClientAt, pkt: Packet, http: HttpContext, sent?: ArtifactRef[]): OnNode | Ended {
  const owner = w.net.owner(pkt.dst);
  let on: OnNode | Ended;
  if (owner.kind === 'load-balancer') on = viaLoadBalancer(w, at, owner.service, pkt, http, sent);
  else if (owner.kind === 'node' || owner.kind === 'external-ip') {
    if (owner.kind === 'external-ip') http.service = w.through(svcKey(owner.service));
    const node = owner.kind === 'node' ? owner.node : w.lab.cluster.nodes[0]!.metadata.name;
    w.hop(clientSendHop(at, pkt, http, `node:${node}`, sent));
    on = { node, origin: 'external', pkt };
  } else return clientHasNoRoute(w, at, owner, pkt, http);
  if ('outcome' in on) return on;
  const params = { node: on.node, dst: socket(on.pkt.dst, on.pkt.dstPort) };
  const before = view(on.pkt, httpViewOf(http));
  w.hop({ place: nodePlace(on.node, 'eth0'), action: 'route', before, key: 'hop.arrive.node', params });
  return on;
}

function clientSendHop(at: ClientAt, pkt: Packet, http: HttpContext, to: string, refs?: ArtifactRef[]): HopInput {
  const params = { client: at.client.name, src: socket(pkt.src, pkt.srcPort), dst: socket(pkt.dst, pkt.dstPort) };
  const before = view(pkt, httpViewOf(http));
  const edge = { from: at.place.id, to };
  return { place: at.place, action: 'send', before, key: 'hop.send.client', params, edge, ...(refs ? { refs } : {}) };
}

/** The LoadBalancer Service's external load balancer (lb-walk.ts) picks the node. */
function viaLoadBalancer(
  w: Walk,
  at: ClientAt,
  svc: Service,
  pkt: Packet,
  http: HttpContext,
  sent?: ArtifactRef[],
): OnNode | Ended {
  const key = svcKey(svc);
  http.service = w.through(key);
  const lbPlace: HopPlace = { kind: 'load-balancer', id: `lb:${key}`, address: pkt.dst, service: key };
  w.hop(clientSendHop(at, pkt, http, lbPlace.id, sent));
  const lb = (w.lab.loadBalancers ?? compileLoadBalancers(w.lab.cluster)).find((l) => l.service === key);
  if (!lb) {
    const message = `Service ${key} has no load balancer configuration`;
    const fault: Fault = { kind: 'Service', namespace: svc.metadata.namespace, name: svc.metadata.name, message };
    return { outcome: 'timeout', status: null, service: key, fault };
  }
  const balanced = throughLoadBalancer(w, lb, lbPlace, pkt, http);
  if ('outcome' in balanced) return balanced;
  return { node: balanced.node, origin: 'external', pkt: balanced.pkt };
}

/** A ClusterIP, a pod IP or nobody's address: no route from outside the cluster reaches it. */
function clientHasNoRoute(w: Walk, at: ClientAt, owner: AddressOwner, pkt: Packet, http: HttpContext): Ended {
  const whyNote =
    owner.kind === 'cluster-ip'
      ? note('note.route.clusterIP', { dst: pkt.dst, service: svcKey(owner.service) })
      : owner.kind === 'pod'
        ? note('note.route.pod', { dst: pkt.dst, pod: podKey(owner.pod) })
        : note('note.route.nobody', { dst: pkt.dst });
  const why = renderNote('en', whyNote);
  const before = view(pkt, httpViewOf(http));
  const params = { dst: pkt.dst, why };
  w.hop({ place: at.place, action: 'drop', before, key: 'hop.route.noRoute', params, parts: { why: [whyNote] } });
  if (owner.kind === 'cluster-ip') {
    const { namespace, name } = owner.service.metadata;
    const fault: Fault = { kind: 'Service', namespace, name, field: 'spec.type', message: why, note: whyNote };
    // Addressed to a Service's ClusterIP: the request names that Service even though it cannot arrive.
    return { outcome: 'unreachable', status: null, service: svcKey(owner.service), fault };
  }
  const fault: Fault = { kind: 'Network', name: pkt.dst, message: why, note: whyNote };
  return { outcome: 'unreachable', status: null, service: http.service, fault };
}

/**
 * A pod or a process on a node sends. The controller's new upstream connection, or the route from
 * another node, was recorded by the caller.
 */
function leaveNodeOrPod(
  w: Walk,
  at: Extract<At, { kind: 'node' }>,
  pkt: Packet,
  http: HttpContext,
  sent?: ArtifactRef[],
): OnNode {
  const { node, origin } = at;
  if (!w.recordHops) return { node, origin, pkt };
  const before = view(pkt, httpViewOf(http));
  const refs = sent ? { refs: sent } : {};
  if (at.place.kind === 'pod' && origin === 'pod') {
    const edge = { from: at.place.id, to: `node:${node}` };
    const params = { pod: at.place.pod, node };
    w.hop({ place: at.place, action: 'send', before, key: 'hop.send.pod', params, edge, ...refs });
  } else if (at.place.kind !== 'controller' && !at.arrived) {
    w.hop({ place: nodePlace(node), action: 'send', before, key: 'hop.send.node', params: { node }, ...refs });
  }
  return { node, origin, pkt };
}
