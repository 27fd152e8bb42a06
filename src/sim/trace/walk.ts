// What one walk carries from hop to hop: the lab's ports, the session shared by repeated requests,
// the hops recorded so far, where the packet is and the HTTP request it carries. The phases of the
// walk (source.ts, forward.ts, node-walk.ts, deliver.ts, lb-walk.ts, ingress-walk.ts,
// gateway-walk.ts) build their hops with the small builders here and beside them.

import type { ArtifactRef } from '../artifact';
import type { Pod, Service } from '../api/types';
import type { ExternalClient } from '../cluster';
import { newLbState, type LbRuntimeState } from '../lb';
import { SeededRandom } from '../net/rand';
import type { Packet, PacketOrigin, ProxyRuntimeState } from '../proxy/types';
import type { EvalStep } from '../step';
import type { TraceMessageKey } from './messages';
import type { Note } from '../notes';
import { partyAt, TraceIndex } from './lab-index';
import { splitParams, type HopParam } from './named';
export { faultOf } from './named';
import { buildNetworkIndex, type NetworkIndex } from './network';
import { Connections, walkReply, type Party, type ReplyContext } from './reply';
import type { HttpRequestView, IngressRuntime, LabPorts } from './ports';
import type { Fault, Hop, HopAction, HopConntrack, HopPlace, PacketView, TraceOutcome, TraceResult } from './types';

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

/** How much of the walk to record. Batch runs (distribution) want only the outcome. */
export interface TraceOptions {
  /** false: build no Hop objects and ask the evaluators for no rule steps; the outcome, the chosen
   *  backend and every state change are the same as a recorded trace. Default true. */
  recordHops?: boolean;
  /** The lab's index, when the caller sends many requests over one lab (distribution); a walk
   *  without one (or given another lab's) builds its own. */
  index?: TraceIndex;
}

/** The lab's address index (built for the caller: a walk reads its TraceIndex's). */
export function networkIndexOf(lab: LabPorts): NetworkIndex {
  return buildNetworkIndex(lab.cluster, lab.clients);
}

/** What a phase hands the walk to record as one hop. */
export interface HopInput {
  place: HopPlace;
  action: HopAction;
  before: PacketView;
  after?: PacketView;
  refs?: ArtifactRef[];
  key: TraceMessageKey;
  /** A party's name is a note (named.ts): recorded in parts, its English text in params. */
  params: Record<string, HopParam>;
  /** Parameters given as notes, rendered in the reader's language (their English text is in params). */
  parts?: Record<string, Note[]>;
  edge?: { from: string; to: string };
  observedSource?: string;
  /** What the evaluator looked at for this hop, in order (the viewer marks them). */
  steps?: readonly EvalStep[];
  /** A hop of the reply, walked back (reply.ts), and the conntrack entries that decided it. */
  direction?: 'reply';
  conntrack?: HopConntrack[];
}

const PACKET_FIELDS: (keyof PacketView)[] = ['src', 'srcPort', 'dst', 'dstPort', 'host', 'path', 'method'];

export class Walk {
  readonly hops: Hop[] = [];
  /** Every Service the packets passed through, in order (the result's `services`). */
  services: string[] = [];
  /** What the walk reads of the lab again and again, derived once (lab-index.ts). */
  readonly index: TraceIndex;
  readonly net: NetworkIndex;
  readonly recordHops: boolean;
  /** The connections the request opened and the conntrack entries they left (reply.ts). */
  readonly conns = new Connections();
  /** The ingress controllers' draws, resumed from the session when a controller first draws. */
  private ingressRand: SeededRandom | null = null;

  constructor(
    readonly lab: LabPorts,
    readonly session: TraceSession,
    opts: TraceOptions = {},
  ) {
    this.index = opts.index?.lab === lab ? opts.index : new TraceIndex(lab);
    this.net = this.index.net;
    this.recordHops = opts.recordHops ?? true;
  }

  finish() {
    if (this.ingressRand) this.session.ingress.rand = this.ingressRand.state();
  }

  /** The packets passed through Service `key` ("ns/name"); a repeat of the last one is the same pass. */
  through(key: string | null | undefined): string | null {
    if (!key) return null;
    const passed = this.services;
    // The list is made at its first Service, at its size (an empty array's first push reserves 16
    // slots, paid by every request of a batch run).
    if (passed.length === 0) this.services = [key];
    else if (passed[passed.length - 1] !== key) passed.push(key);
    return key;
  }

  ingressRuntime(): IngressRuntime {
    this.ingressRand ??= new SeededRandom(this.session.ingress.rand);
    return { perController: this.session.ingress.perController, rand: this.ingressRand };
  }

  ephemeralPort(): number {
    const n = this.session.connections++;
    return 32768 + ((n * 7919 + 1231) % 28232);
  }

  hop(a: HopInput): void {
    if (!this.recordHops) return;
    const after = a.after ?? a.before;
    const changed = PACKET_FIELDS.filter((f) => a.before[f] !== after[f]);
    const h: Hop = {
      index: this.hops.length,
      place: a.place,
      action: a.action,
      before: a.before,
      after,
      changed,
      refs: a.refs ?? [],
      explanation: { key: a.key, ...splitParams(a.params, a.parts) },
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
    return new WalkReply(this);
  }
}

/** The reply walk's view of a walk: its hops are recorded as the reply's (a class, so a batch run
 *  allocates no closure per request). */
class WalkReply implements ReplyContext {
  constructor(private readonly w: Walk) {}
  get cluster() {
    return this.w.lab.cluster;
  }
  get net() {
    return this.w.net;
  }
  get podNetwork() {
    return this.w.index.podNetwork;
  }
  get conns() {
    return this.w.conns;
  }
  get record() {
    return this.w.recordHops;
  }
  get routes() {
    return this.w.index.replyRoutes;
  }
  hop(h: Parameters<ReplyContext['hop']>[0]): void {
    this.w.hop({ ...h, direction: 'reply' });
  }
  forwardInvalid(...[node, p, protocol]: Parameters<NonNullable<ReplyContext['forwardInvalid']>>) {
    return this.w.lab.proxies[node]?.forwardInvalid?.({
      packet: { protocol, src: p.src, srcPort: p.srcPort, dst: p.dst, dstPort: p.dstPort },
      state: this.w.session.proxy,
      recordSteps: this.w.recordHops,
    });
  }
}

/** Who answers or opens a connection in `pod`: the pod's own namespace, or its node's (hostNetwork). */
export function podParty(pod: Pod, place: HopPlace = podPlace(pod)): Party {
  return partyAt(pod, podKey(pod), place);
}

/**
 * The answer is a packet too: walked back from `server` through the nodes it crosses and their
 * conntrack (reply.ts). A reply the client cannot take (it comes from an address the client never
 * called) leaves the request without an answer: a timeout, whatever the server would have said.
 */
export function answered(w: Walk, server: Party, pkt: Packet, end: Ended): Ended {
  w.conns.accept(server, pkt);
  const replied = walkReply(w.replyContext(), { status: end.status ?? 0, service: end.service ?? null });
  if (replied.delivered) return end;
  return { ...end, outcome: 'timeout', status: null, responseHeaders: {}, fault: replied.fault };
}

/** How a walk ends: the outcome and what the result reports about it. */
export interface Ended {
  outcome: TraceOutcome;
  status: number | null;
  fault?: Fault;
  service?: string | null;
  backendPod?: string | null;
  backend?: TraceResult['backend'];
  responseHeaders?: Record<string, string>;
}

/** Where the packet is while the walk runs. */
export type At =
  | { kind: 'client'; client: ExternalClient; place: HopPlace }
  /** `arrived`: routed here from another node (the route hop is recorded; no send hop). */
  | { kind: 'node'; node: string; origin: PacketOrigin; place: HopPlace; arrived?: boolean };

/**
 * A proxy on the path (an ingress controller, a Gateway's nginx) or the pod network opened or
 * carried a connection on: the walk goes on from `at`. `service`: the Service the request names
 * when what follows names none.
 */
export interface Onward {
  onward: { at: At; pkt: Packet; http: HttpContext };
  service?: string | null;
}

export interface HttpContext extends HttpRequestView {
  /** The Service the request went through, for the result. */
  service: string | null;
  /** Response headers the ingress controller adds (Set-Cookie). */
  responseHeaders: Record<string, string>;
  /** The address the client connected to (what it sees the reply come from). */
  clientFacing: { ip: string; port: number };
  clientName: Note;
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


/** The walk cannot start or go on: nothing answers, nothing is refused, the request goes nowhere. */
export function unreachable(fault: Fault): Ended {
  return { outcome: 'unreachable', status: null, fault };
}

export function podKey(p: Pod): string {
  return `${p.metadata.namespace ?? 'default'}/${p.metadata.name}`;
}

export function svcKey(s: Service): string {
  return `${s.metadata.namespace ?? 'default'}/${s.metadata.name}`;
}

export function nodePlace(node: string, iface?: string): HopPlace {
  return { kind: 'node', id: `node:${node}`, node, iface };
}

export function podPlace(pod: Pod): HopPlace {
  return { kind: 'pod', id: `pod:${podKey(pod)}`, pod: podKey(pod), node: pod.spec.nodeName ?? '' };
}

/** The HTTP request as a hop shows it beside the packet. */
export interface HttpView {
  host?: string;
  path?: string;
  method?: string;
  cookies?: Record<string, string>;
}

export function httpViewOf(http: HttpContext): HttpView {
  return { host: http.host, path: http.path, method: http.method };
}

export function view(p: Packet, http?: HttpView): PacketView {
  const protocol = p.protocol === 'UDP' ? 'UDP' : 'TCP';
  return { protocol, src: p.src, srcPort: p.srcPort, dst: p.dst, dstPort: p.dstPort, ...http };
}

/** "address:port", as hops name a socket. */
export function socket(ip: string, port: number): string {
  return `${ip}:${port}`;
}
