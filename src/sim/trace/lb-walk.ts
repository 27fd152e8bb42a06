// The external load balancer in front of a LoadBalancer Service. It decides from its own
// configuration (src/sim/lb): the listener, the targets whose health check passes, the target by
// round robin or flow hash; then what it sends. The tracer records what it chose.

import type { ArtifactRef } from '../artifact';
import { findLine } from '../artifact';
import { chooseTarget, newLbState, type CompiledLoadBalancer, type LbDecision } from '../lb';
import type { Packet } from '../proxy/types';
import type { TraceMessageKey } from './messages';
import type { Party } from './reply';
import type { HopPlace, PacketView } from './types';
import { listed, note, type Note } from '../notes';
import { lbFaultPods } from './lb-fault';
import { findService } from './no-endpoints';
import type { FaultPods } from './types';
import { faultOf, httpViewOf, socket, view, type Ended, type HttpContext, type Walk } from './walk';
import { loadBalancerNamed, namedFault } from './named';

/** The check the load balancer runs, as its configuration names it (identifiers only, any language). */
function checkText(lb: CompiledLoadBalancer): string {
  const hc = lb.healthCheck;
  return hc.protocol === 'TCP' ? `TCP:${hc.port}` : `HTTP:${hc.port}${hc.path}`;
}

/** What the balancer's hops share: where, the packet as it arrived, its configuration's lines. */
interface LbHops {
  w: Walk;
  lb: CompiledLoadBalancer;
  place: HopPlace;
  before: PacketView;
  refs(ids: string[]): ArtifactRef[];
}

/** The balancer sent the packet on to `node` (`pkt` as it leaves the balancer). */
export interface Balanced {
  node: string;
  pkt: Packet;
}

/**
 * `direct` keeps the packet (kube-proxy catches the LB address); `nodeport` sends to the chosen
 * node's NodePort, from its own address when it proxies, from the client's when it forwards.
 */
export function throughLoadBalancer(
  w: Walk,
  lb: CompiledLoadBalancer,
  place: HopPlace,
  pkt: Packet,
  http: HttpContext,
): Balanced | Ended {
  const state = (w.session.lb ??= newLbState(w.lab.cluster.settings.seed));
  const d = chooseTarget(lb, pkt, state);
  const refs = (ids: string[]) => ids.map((r) => findLine(lb.artifact, r)).filter((r): r is ArtifactRef => r !== null);
  const h: LbHops = { w, lb, place, before: view(pkt, httpViewOf(http)), refs };
  if (d.kind === 'no-listener') return noListener(h, d, pkt);
  if (d.kind === 'no-healthy') return noHealthyTarget(h, d);
  if (lb.behaviour.model === 'direct') return direct(h, d, pkt);
  return toNodePort(h, d, pkt, http);
}

function lbFault(lb: CompiledLoadBalancer, field: string, n: Note, pods?: FaultPods): Ended {
  const [namespace, name] = lb.service.split('/') as [string, string];
  const fault = faultOf({ kind: 'Service', namespace, name, field }, n);
  return { outcome: 'timeout', status: null, service: lb.service, fault: pods ? { ...fault, pods } : fault };
}

function noListener(h: LbHops, d: Extract<LbDecision, { kind: 'no-listener' }>, pkt: Packet): Ended {
  const lb = h.lb;
  const served = lb.listeners.map((l) => String(l.port));
  const params = { address: lb.address, port: pkt.dstPort, service: lb.service, ports: listed(served) };
  h.w.hop({ place: h.place, action: 'drop', before: h.before, refs: h.refs(d.refs), key: 'hop.lb.noListener', params });
  const key = served.length > 0 ? 'note.fault.lbNoListener' : 'note.fault.lbNoListenerNone';
  const [namespace, name] = lb.service.split('/') as [string, string];
  const fault = namedFault({ kind: 'Service', namespace, name, field: 'spec.ports' }, key, params);
  return { outcome: 'timeout', status: null, service: lb.service, fault };
}

function noHealthyTarget(h: LbHops, d: Extract<LbDecision, { kind: 'no-healthy' }>): Ended {
  const lb = h.lb;
  if (d.listener.problem) {
    const params = { address: lb.address, port: d.listener.port, service: lb.service };
    const refs = h.refs([d.listener.ref]);
    h.w.hop({ place: h.place, action: 'drop', before: h.before, refs, key: 'hop.lb.noTargets', params });
    return lbFault(lb, 'spec.allocateLoadBalancerNodePorts', note('note.fault.lbNoNodePort', { service: lb.service }));
  }
  const local = lb.externalTrafficPolicy === 'Local';
  const key: TraceMessageKey = local ? 'hop.lb.noHealthy' : 'hop.lb.noHealthyCheck';
  const params = { service: lb.service, check: checkText(lb) };
  h.w.hop({ place: h.place, action: 'drop', before: h.before, refs: h.refs(d.refs), key, params });
  // Which nodes the check failed on and why, and where the Service's pods are: read, not re-derived.
  const [namespace, name] = lb.service.split('/') as [string, string];
  const svc = findService(h.w.lab, namespace, name);
  const pods = svc ? lbFaultPods(h.w.lab, lb, svc) : undefined;
  // Ready endpoints that run only on nodes the balancer leaves out: "no node has a ready endpoint" would be false.
  const leftOut = (pods?.nodes ?? []).filter((n) => !n.target).map((n) => n.node);
  const n = !local
    ? note('note.fault.lbNoHealthy', params)
    : leftOut.length > 0
      ? note('note.fault.lbNoHealthyLeftOut', { service: lb.service, nodes: leftOut })
      : note('note.fault.lbNoHealthyLocal', params);
  return lbFault(lb, local ? 'spec.externalTrafficPolicy' : 'spec.selector', n, pods);
}

type Chosen = Extract<LbDecision, { kind: 'target' }>;

/** The balancer keeps the packet as it is; the node's kube-proxy catches the LB address. */
function direct(h: LbHops, d: Chosen, pkt: Packet): Balanced {
  const lb = h.lb;
  const t = d.target;
  const hc = lb.healthCheck;
  const hcPort = hc.protocol === 'HTTP' && hc.server === 'service-health' ? hc.port : 0;
  const params = { service: lb.service, address: pkt.dst, node: t.node, hcPort };
  const key = lb.externalTrafficPolicy === 'Local' ? 'hop.lb.pickLocal' : 'hop.lb.pick';
  const edge = { from: h.place.id, to: `node:${t.node}` };
  h.w.hop({ place: h.place, action: 'balance', before: h.before, refs: h.refs(d.refs), key, params, edge });
  return { node: t.node, pkt };
}

/**
 * To the chosen node's NodePort. A proxy (or an NLB not keeping the client address) sends from its
 * own address on a new source port; a forwarding NLB keeps the client's.
 */
function toNodePort(h: LbHops, d: Chosen, pkt: Packet, http: HttpContext): Balanced {
  const { w, lb } = h;
  const t = d.target;
  const b = lb.behaviour;
  const httpView = httpViewOf(http);
  const fromLb = b.delivery === 'proxy' || b.source === 'lb';
  const out: Packet = fromLb
    ? { protocol: pkt.protocol, src: lb.address, srcPort: w.ephemeralPort(), dst: t.address, dstPort: t.port }
    : { ...pkt, dst: t.address, dstPort: t.port };
  const algorithm = b.algorithm === 'round-robin' ? 'rr' : 'hash';
  const key = `hop.lb.nodeport.${algorithm}.${fromLb ? 'lb' : 'client'}` as TraceMessageKey;
  const params = {
    service: lb.service,
    address: lb.address,
    node: t.node,
    target: socket(t.address, t.port),
    healthy: d.healthy.length,
    total: lb.nodes.length,
    check: checkText(lb),
    src: out.src,
  };
  const action = b.delivery === 'proxy' ? 'proxy' : 'balance';
  const edge = { from: h.place.id, to: `node:${t.node}` };
  const after = view(out, httpView);
  w.hop({ place: h.place, action, before: h.before, after, refs: h.refs(d.refs), key, params, edge });
  if (fromLb) {
    // The client's connection ends at the load balancer; its own one goes to the node.
    const self: Party = { kind: 'lb', place: h.place, address: lb.address };
    w.conns.accept(self, pkt);
    w.conns.open(self, loadBalancerNamed(lb.address), out);
  } else w.conns.balancerForwarded(h.place, pkt, out);
  if (b.proxyProtocol) {
    http.proxyProtocol = { version: b.proxyProtocol, src: pkt.src, srcPort: pkt.srcPort };
    const header = `PROXY TCP4 ${pkt.src} ${pkt.dst} ${pkt.srcPort} ${pkt.dstPort}`;
    const params = { version: b.proxyProtocol, client: socket(pkt.src, pkt.srcPort), header };
    const refs = h.refs(['behaviour:proxy-protocol']);
    w.hop({ place: h.place, action: 'proxy', before: view(out, httpView), refs, key: 'hop.lb.proxyProtocol', params });
  }
  return { node: t.node, pkt: out };
}
