// The node's data plane: the packet meets the node's netfilter hooks (kube-proxy's rules in every
// mode, the CNI portmap plugin's hostPort chains beside them in the same nat table). The node's
// evaluator walks its own ruleset; the tracer splits the walk where the destination was rewritten
// and where POSTROUTING starts, so each hop's last line is the one that decided it.

import type { ArtifactRef } from '../artifact';
import type { NodeProxy, Packet, PacketOrigin, ProxyEvaluation, ProxyVerdict, RuleStep } from '../proxy/types';
import { rewritesDestination } from '../step';
import type { TraceMessageKey } from './messages';
import type { Party } from './reply';
import { listed, note, type Note } from '../notes';
import { describeNoEndpoints } from './no-endpoints';
import type { Fault, HopAction, HopPlace, PacketView } from './types';
import { httpViewOf, nodePlace, svcKey, view } from './walk';
import type { Ended, HopInput, HttpContext, Walk } from './walk';
import { kubeProxyNamed, type HopParam } from './named';

/** The packet on a node, about to meet its hooks. */
export interface OnNode {
  node: string;
  origin: PacketOrigin;
  pkt: Packet;
}

/** The packet as it leaves `node`'s hooks, to be routed from there. */
export interface Leaving {
  node: string;
  pkt: Packet;
}

/** Why kube-proxy rejected or dropped: the mode's own reason, else the deciding iptables rule's comment. */
function verdictNote(v: Extract<ProxyVerdict, { kind: 'reject' | 'drop' }>): Note {
  return v.note ?? note('note.proxy.ruleComment', { comment: v.reason });
}

function userspaceExplanation(v: Extract<ProxyVerdict, { kind: 'proxy' }>): {
  key: TraceMessageKey;
  params: Record<string, HopParam>;
} {
  const failed = v.attempts.filter((a) => !a.ok);
  const params = { proxyPort: v.proxyPort, endpoint: v.endpoint?.endpoint ?? '' };
  if (failed.length === 0) return { key: 'hop.proxy.userspace', params: { ...params, retries: '' } };
  const retries = listed(failed.map((a) => `${a.endpoint} (${a.timeoutMs ?? 0} ms)`));
  return { key: 'hop.proxy.userspaceRetry', params: { ...params, retries } };
}

function lastIndex<T>(xs: readonly T[], f: (x: T) => boolean): number {
  for (let i = xs.length - 1; i >= 0; i--) if (f(xs[i]!)) return i;
  return -1;
}

function ruleStepRefs(steps: RuleStep[]): ArtifactRef[] {
  return steps.filter((s) => s.outcome === 'matched').map((s) => s.ref);
}

/** The Service part of a Service port ("ns/name:port" -> "ns/name"). */
function serviceOf(servicePort: string): string {
  const colon = servicePort.indexOf(':');
  return colon < 0 ? servicePort : servicePort.slice(0, colon);
}

/** The walk cut where the data plane rewrote the destination and where the source NAT stage starts. */
interface NatCut {
  /** Up to and with the DNAT (an iptables or nft DNAT, an IPVS real server): the DNAT hop's refs. */
  pre: RuleStep[];
  /** From POSTROUTING on: the SNAT hop's steps. */
  post: RuleStep[];
  /** The whole walk is shown at the DNAT hop, unless a SNAT hop takes the POSTROUTING part. */
  beforeSnat: RuleStep[];
}

function cutAtNat(steps: RuleStep[]): NatCut {
  const dnatAt = lastIndex(steps, (s) => s.outcome === 'matched' && rewritesDestination(s.effect));
  const snatAt = steps.findIndex((s, i) => i > dnatAt && s.hook === 'postrouting');
  const pre = dnatAt >= 0 ? steps.slice(0, dnatAt + 1) : snatAt >= 0 ? steps.slice(0, snatAt) : steps;
  const post = snatAt >= 0 ? steps.slice(snatAt) : [];
  const beforeSnat = snatAt >= 0 ? steps.slice(0, snatAt) : steps;
  return { pre, post, beforeSnat };
}

/**
 * What every verdict's hops share: the node, its evaluation and verdict, the packet as it arrived.
 * The hops' place and packet view are made when a hop is recorded (a batch run records none).
 */
class Evaluated<V extends ProxyVerdict = ProxyVerdict> {
  readonly node: string;
  readonly pkt: Packet;
  constructor(
    readonly w: Walk,
    on: OnNode,
    readonly proxy: NodeProxy,
    readonly ev: ProxyEvaluation,
    readonly http: HttpContext,
    readonly v: V,
  ) {
    this.node = on.node;
    this.pkt = on.pkt;
  }
  get place(): HopPlace {
    return nodePlace(this.node);
  }
  get before(): PacketView {
    return view(this.pkt, httpViewOf(this.http));
  }
}

type Verdict<K extends ProxyVerdict['kind']> = Evaluated<Extract<ProxyVerdict, { kind: K }>>;

/** A hop the whole walk of the node's hooks decided: every rule that matched is a ref. */
function rulesHop(
  r: Evaluated,
  action: HopAction,
  key: TraceMessageKey,
  params: Record<string, HopParam>,
  more: Pick<HopInput, 'after' | 'parts'> = {},
): HopInput {
  const steps = r.ev.steps;
  return { place: r.place, action, before: r.before, refs: ruleStepRefs(steps), steps, key, params, ...more };
}

/**
 * The node's hooks decide. Ended when they refuse, drop, or kube-proxy cannot be reached;
 * otherwise the packet as it leaves the hooks, to be routed from this node.
 */
export function throughNodeRules(w: Walk, on: OnNode, http: HttpContext): Ended | Leaving {
  const { node, origin, pkt } = on;
  const proxy = w.lab.proxies[node];
  if (!proxy) {
    const message = `node ${node} has no kube-proxy data plane`;
    return { outcome: 'unreachable', status: null, fault: { kind: 'Node', name: node, message } };
  }
  const endpointAlive = w.index.endpointAlive;
  const ev = proxy.evaluate({ packet: pkt, origin, state: w.session.proxy, endpointAlive, recordSteps: w.recordHops });
  const v = ev.verdict;
  // The node's conntrack entry for what it rewrote (the userspace proxy's REDIRECT: see userspaceProxy).
  if (v.kind !== 'proxy') w.conns.translated(node, pkt, ev.after, v.kind === 'hostport' ? 'portmap' : proxy.mode);
  switch (v.kind) {
    case 'reject':
      return rejected(new Evaluated(w, on, proxy, ev, http, v));
    case 'drop':
      return dropped(new Evaluated(w, on, proxy, ev, http, v));
    case 'dnat':
      http.service = w.through(serviceOf(v.servicePort));
      // What follows only shows the decision (a batch run records no hops).
      if (w.recordHops) serviceDnat(new Evaluated(w, on, proxy, ev, http, v));
      break;
    case 'hostport':
      hostPortDnat(new Evaluated(w, on, proxy, ev, http, v));
      break;
    case 'proxy':
      return userspaceProxy(new Evaluated(w, on, proxy, ev, http, v));
    case 'pass': {
      const end = passed(new Evaluated(w, on, proxy, ev, http, v));
      if (end) return end;
      break;
    }
  }
  return { node, pkt: ev.after };
}

function rejected(r: Verdict<'reject'>): Ended {
  const { w, node, v } = r;
  const params = { node, mode: r.proxy.mode, reason: v.reason };
  w.through(v.servicePort?.split(':')[0]);
  w.hop(rulesHop(r, 'reject', 'hop.proxy.reject', params, { parts: { reason: [verdictNote(v)] } }));
  const fault = describeNoEndpoints(w.lab, v.servicePort) ?? {
    kind: 'Node',
    name: node,
    message: v.reason,
    note: verdictNote(v),
  };
  return { outcome: 'refused', status: null, service: v.servicePort?.split(':')[0] ?? r.http.service, fault };
}

function dropped(r: Verdict<'drop'>): Ended {
  const { w, node, v } = r;
  const params = { node, mode: r.proxy.mode, reason: v.reason };
  w.hop(rulesHop(r, 'drop', 'hop.proxy.drop', params, { parts: { reason: [verdictNote(v)] } }));
  const svc = v.servicePort?.split(':')[0];
  w.through(svc);
  const fault: Fault = {
    kind: svc ? 'Service' : 'Node',
    namespace: svc?.split('/')[0],
    name: svc?.split('/')[1] ?? node,
    message: v.reason,
    note: verdictNote(v),
  };
  return { outcome: 'timeout', status: null, service: svc ?? r.http.service, fault };
}

/** kube-proxy's DNAT to an endpoint's hop, and the masquerade's on the way out when the walk did one. */
function serviceDnat(r: Verdict<'dnat'>): void {
  const { node, pkt, v } = r;
  const dnatAfter = { ...pkt, dst: v.endpoint.ip, dstPort: v.endpoint.port };
  const params = { node, mode: r.proxy.mode, service: v.servicePort, endpoint: v.endpoint.endpoint };
  dnatHops(r, dnatAfter, v.masquerade ? 'hop.proxy.dnatMasq' : 'hop.proxy.dnat', params, 'hop.proxy.snat');
}

/** The CNI portmap plugin's DNAT (its CNI-DN-* chain), not kube-proxy's: node:hostPort -> pod. */
function hostPortDnat(r: Verdict<'hostport'>): void {
  const { node, pkt, ev, v } = r;
  const dnatAfter = { ...pkt, dst: ev.after.dst, dstPort: ev.after.dstPort };
  const params = { node, port: v.hostPort, pod: v.pod, dst: v.endpoint, chain: v.chain };
  dnatHops(r, dnatAfter, 'hop.deliver.hostPort', params, 'hop.portmap.masq');
}

/** A DNAT's hop (the rules up to the DNAT), then, when the walk also masqueraded, the SNAT's hop. */
function dnatHops(
  r: Evaluated,
  dnatAfter: Packet,
  key: TraceMessageKey,
  params: HopInput['params'],
  snatKey: TraceMessageKey,
): void {
  const cut = cutAtNat(r.ev.steps);
  const snats = r.ev.after.src !== dnatAfter.src;
  r.w.hop({
    place: r.place,
    action: 'dnat',
    before: r.before,
    after: view(dnatAfter, httpViewOf(r.http)),
    refs: ruleStepRefs(cut.pre),
    steps: snats ? cut.beforeSnat : r.ev.steps,
    key,
    params,
  });
  if (snats) r.w.hop(snatHop(r, cut, dnatAfter, snatKey));
}

/** The masquerade in POSTROUTING: the source becomes the node's address. */
function snatHop(r: Evaluated, cut: NatCut, dnatAfter: Packet, key: TraceMessageKey): HopInput {
  const httpView = httpViewOf(r.http);
  const params = { node: r.node, from: r.pkt.src, to: r.ev.after.src };
  const refs = ruleStepRefs(cut.post);
  const before = view(dnatAfter, httpView);
  const after = view(r.ev.after, httpView);
  return { place: r.place, action: 'snat', before, after, refs, steps: cut.post, key, params };
}

/**
 * The userspace mode's portal rule hands the connection to kube-proxy's own socket; kube-proxy (a
 * process on the node) dials the endpoint on a new connection, so the backend sees the node's address.
 */
function userspaceProxy(r: Verdict<'proxy'>): Ended | Leaving {
  const { w, node, pkt, ev, v, http } = r;
  if (!v.endpoint) {
    const params = { service: v.servicePort, attempts: v.attempts.length };
    w.hop(rulesHop(r, 'reject', 'hop.proxy.userspaceFail', params));
    const service = w.through(serviceOf(v.servicePort));
    const fault = describeNoEndpoints(w.lab, v.servicePort);
    return { outcome: v.attempts.length ? 'timeout' : 'refused', status: null, service, fault };
  }
  http.service = w.through(serviceOf(v.servicePort));
  const nodeIP = w.net.nodeIP(node) ?? ev.after.dst;
  const { ip, port } = v.endpoint;
  const dialed: Packet = { protocol: pkt.protocol, src: nodeIP, srcPort: w.ephemeralPort(), dst: ip, dstPort: port };
  const { key, params } = userspaceExplanation(v);
  w.hop(rulesHop(r, 'proxy', key, params, { after: view(dialed, httpViewOf(http)) }));
  // The client's connection ends at kube-proxy's socket (REDIRECTed there); its own one goes on.
  const kubeProxy: Party = { kind: 'host', place: nodePlace(node), node };
  w.conns.translated(node, pkt, ev.after, 'userspace');
  w.conns.accept(kubeProxy, ev.after);
  w.conns.open(kubeProxy, kubeProxyNamed(node), dialed);
  return { node, pkt: dialed };
}

/** No rule matched. Ended when kube-proxy is not running and the packet needed its rules. */
function passed(r: Verdict<'pass'>): Ended | undefined {
  const { w, node, pkt, proxy } = r;
  // kube-proxy exited at start-up: a Service address or node port finds no rule because
  // nothing wrote any, which is what the learner needs to hear (not "no such port").
  const needed = proxy.notRunning ? serviceNeedingKubeProxy(w, node, pkt) : undefined;
  if (needed !== undefined) {
    const params = { node, error: proxy.notRunning!, dst: pkt.dst, port: pkt.dstPort };
    const action = needed.refused ? 'reject' : 'drop';
    w.hop({ place: r.place, action, before: r.before, key: 'hop.proxy.notRunning', params });
    const message = `kube-proxy is not running on node ${node}: ${proxy.notRunning}`;
    const service = w.through(needed.service) ?? r.http.service;
    const fault: Fault = { kind: 'Node', name: node, field: 'kube-proxy', message };
    return { outcome: needed.refused ? 'refused' : 'timeout', status: null, service, fault };
  }
  // Worth a hop only where a learner might expect a rule: a Service address or the node itself.
  const ownerKind = w.net.owner(pkt.dst).kind;
  if (ownerKind !== 'pod' && ownerKind !== 'unknown') {
    const params = { node, dst: pkt.dst, port: pkt.dstPort };
    w.hop(rulesHop(r, 'match', 'hop.proxy.pass', params));
  }
  return undefined;
}

/**
 * Whether this packet needed kube-proxy's rules: it is addressed to a Service (ClusterIP,
 * load-balancer address, external IP), or to a node port of one on a node address. `refused`:
 * a node port with nothing listening answers RST; a virtual address just goes unanswered.
 */
function serviceNeedingKubeProxy(
  w: Walk,
  node: string,
  pkt: Packet,
): { service: string | null; refused: boolean } | undefined {
  const owner = w.net.owner(pkt.dst);
  if (owner.kind === 'cluster-ip' || owner.kind === 'load-balancer' || owner.kind === 'external-ip') {
    return { service: svcKey(owner.service), refused: false };
  }
  if (owner.kind !== 'node' && owner.kind !== 'loopback') return undefined;
  if (owner.kind === 'node' && owner.node !== node) return undefined;
  const svc = w.lab.cluster.services.find((s) =>
    (s.spec.ports ?? []).some((p) => p.nodePort === pkt.dstPort && (p.protocol ?? 'TCP') === pkt.protocol),
  );
  return svc ? { service: svcKey(svc), refused: true } : undefined;
}
