// A trace is a list of hops: one request walked from its client to the chosen pod and back.
// Each hop is a decision some evaluator made (DNS resolver, load balancer, netfilter walker, IPVS,
// nginx matcher, the pod's listening sockets); the canvas animates exactly these hops.

import type { ArtifactRef } from '../artifact';
import type { Note } from '../notes';
import type { EvalStep } from '../step';

/** Where a hop happened. `id` is the canvas id of the thing (see `placeId`). */
export type HopPlace =
  | { kind: 'client'; id: string; name: string; address: string }
  | { kind: 'dns'; id: string; server: string }
  | { kind: 'load-balancer'; id: string; address: string; service: string }
  | { kind: 'node'; id: string; node: string; iface?: string }
  | { kind: 'pod'; id: string; pod: string; node: string; iface?: string }
  | {
      kind: 'controller';
      id: string;
      pod: string;
      node: string;
      controller: 'nginx' | 'traefik' | 'kube-proxy-userspace' | 'nginx-gateway-fabric';
    };

export type HopAction =
  | 'resolve'
  | 'send'
  | 'route'
  | 'balance'
  | 'match'
  | 'dnat'
  | 'snat'
  | 'proxy'
  | 'deliver'
  | 'respond'
  | 'reject'
  | 'drop'
  | 'timeout'
  | 'redirect'
  /** On a reply: the node's conntrack entry rewrote it back (un-DNAT, de-masquerade). */
  | 'unnat';

/** The packet (L3/L4) and, once known, the HTTP request it carries. */
export interface PacketView {
  protocol: 'TCP' | 'UDP';
  src: string;
  srcPort: number;
  dst: string;
  dstPort: number;
  host?: string;
  path?: string;
  method?: string;
  cookies?: Record<string, string>;
  headers?: Record<string, string>;
}

/** An explanation in the user's language: an i18n key with parameters (rendered by the UI and CLI). */
export interface Explanation {
  key: string;
  /** Parameters as English text; a parameter named in `parts` is that list of notes rendered in English. */
  params: Record<string, string | number>;
  /**
   * Parameters that are themselves explanations (nginx's steps, why nothing routes a packet): rendered
   * in the reader's language and joined, in place of the English text in `params`.
   */
  parts?: Record<string, Note[]>;
}

/** A conntrack entry of the node a reply hop crossed, as `conntrack -L` prints it (issue 17). */
export interface HopConntrack {
  node: string;
  entry: string;
  ref?: ArtifactRef;
}

export interface Hop {
  index: number;
  /** 'reply': a hop of the answer, walked back from the server (absent: the request, forward). */
  direction?: 'reply';
  /** On reply hops: the conntrack entries of the node crossed that decided the hop (empty when
   *  the node only routed the reply: no entry of its own matched it). */
  conntrack?: HopConntrack[];
  place: HopPlace;
  action: HopAction;
  before: PacketView;
  after: PacketView;
  /** Field names of PacketView that differ between before and after. */
  changed: (keyof PacketView)[];
  /** The artifact lines that decided, in evaluation order (the last one is "the" deciding line). */
  refs: ArtifactRef[];
  /** What the backend would log as the client address, once the packet reaches a pod. */
  observedSource?: string;
  explanation: Explanation;
  /** The canvas edge this hop travels along: from and to place ids. */
  edge?: { from: string; to: string };
  /** Every element the evaluator looked at for this hop, in order, as typed steps (the rules the
   *  netfilter walker evaluated, matched or not; nginx's server, locations and upstream choice; the
   *  DNS records). Present when the evaluator reported any. */
  steps?: readonly EvalStep[];
}

export type TraceOutcome = 'response' | 'refused' | 'timeout' | 'nxdomain' | 'unreachable';

/** The object and field a failure is blamed on, e.g. Service shop/web spec.selector. */
export interface Fault {
  kind: string;
  namespace?: string;
  name: string;
  field?: string;
  message: string;
  /** The message as a note, for the reader's language (message is its English text). */
  note?: Note;
  /** Parameters of `note` that are notes themselves (why nothing routes a packet). */
  parts?: Record<string, Note[]>;
  /** The artifact lines the fault was read from (the EndpointSlice endpoints kube-proxy could not use). */
  refs?: ArtifactRef[];
  /** A "no ready endpoints" fault, or a load balancer's "no node passes the health check": the pods the
   *  Service's selector matches and what their status says (and, for the load balancer, each node's check). */
  pods?: FaultPods;
}

/** One pod a Service's selector matches, as its own status says (what the scheduler and the kubelet wrote). */
export interface FaultPod {
  /** "namespace/name". */
  pod: string;
  /** status.phase, or null when the status has none. */
  phase: string | null;
  /** metadata.deletionTimestamp, when the pod is being deleted. */
  terminating?: string;
  /** The condition that keeps it from being a ready endpoint (PodScheduled, then Ready, then any other
   *  condition that is False), as written; null when no condition is False. */
  condition: { type: string; status: string; reason?: string; message?: string } | null;
  /** The pod's endpoint line in the Service's EndpointSlice artifact, when a slice lists it (an
   *  unscheduled pod has no address, so no slice does). */
  ref?: ArtifactRef;
  /** spec.nodeName, the node the scheduler bound it to (none while it is Pending unscheduled). */
  node?: string;
  /** What the pod's status says, as notes for the reader's language; `text` is their English. */
  notes: Note[];
  text: string;
}

/**
 * Pods whose status says the same thing (phase, deletion, the False condition with its reason and message),
 * told once: the scheduler writes one "0/3 nodes are available: ..." on each of five Pending pods.
 */
export interface FaultPodGroup {
  /** How many of the matched pods say this. */
  count: number;
  /** The first SHOWN_PODS of them ("namespace/name", by name); `count - pods.length` more. */
  pods: string[];
  phase: string | null;
  condition: FaultPod['condition'];
  /** The shared status as notes ("5 pods are Pending", then the condition); a group of one is the pod's own
   *  notes. `text` is their English. */
  notes: Note[];
  text: string;
}

/** The matched pods grouped by what their status says: the first SHOWN_PODS groups, and how many pods more. */
export interface FaultPodGroups {
  groups: FaultPodGroup[];
  /** Pods in groups not shown. */
  more: number;
  /** "and N more pod(s)" when `more` > 0; `summaryText` is its English. */
  summary?: Note;
  summaryText?: string;
}

/**
 * One node under a load balancer's "no node passes the health check" fault: what its check answered (the
 * load balancer's artifact line) and the Service's endpoints the EndpointSlices place on it.
 */
export interface FaultNode {
  node: string;
  /** The load balancer probes it (false: a node it leaves out that runs a ready endpoint). */
  target: boolean;
  /** What the check got, as the load balancer's artifact says: "HTTP 503 {...}", "TCP connection refused". */
  result?: string;
  /** kube-proxy's health-check server's `localEndpoints` for the Service on this node, when it answered. */
  localEndpoints?: number;
  /** The Service's endpoints the EndpointSlices list on this node (endpoint.nodeName), ready or not. */
  endpoints: { pod: string; ready: boolean; ref?: ArtifactRef }[];
  /** The node's health-check line in the load balancer's artifact (or the endpoint line of a left-out node). */
  ref?: ArtifactRef;
  notes: Note[];
  text: string;
}

/** The pods behind a Service that has no ready endpoints: the first few by name, and how many more. */
export interface FaultPods {
  namespace: string;
  /** The selector as `kubectl describe service` prints it. */
  selector: string;
  /** How many pods the selector matches (0: none; `summary` then says so). */
  matched: number;
  shown: FaultPod[];
  /** Matched but not shown. */
  more: number;
  /** After the pods: "and N more", or that the selector matches no pod; `summaryText` is its English. */
  summary?: Note;
  summaryText?: string;
  /** The same pods grouped by identical status, when at least two share one (the views then show these). */
  grouped?: FaultPodGroups;
  /** A load balancer fault: each node it checks, and each node it leaves out that runs a ready endpoint. */
  nodes?: FaultNode[];
}

export interface TraceResult {
  outcome: TraceOutcome;
  status: number | null;
  /**
   * "ns/name" of the Service the request was routed to or addressed to: through an ingress
   * controller, the backend Service its routing chose (also when it has no endpoints and the
   * answer is 503); for a ClusterIP, NodePort, LoadBalancer or external IP, that Service (also
   * when no rule matched the port); for a headless Service reached by its DNS name, that Service.
   * null when no Service is involved or the controller answered by itself (redirect, default 404).
   */
  service: string | null;
  /** Every Service ("ns/name") the packets passed through, in order (controller's, then backend's). */
  services: string[];
  /** "ns/name" of the pod that answered. */
  backendPod: string | null;
  /** What the backend received; `headers` after any rewrite or header filter on the way. */
  backend: { sourceIP: string; host: string; path: string; method: string; headers: Record<string, string> } | null;
  responseHeaders: Record<string, string>;
  hops: Hop[];
  fault?: Fault;
  /**
   * What a real cluster may apply that the lab does not model, one note each: a NetworkPolicy that
   * selects a pod the request left or reached. Absent when there is none.
   */
  caveats?: Note[];
}
