// The one interface every kube-proxy mode implements, so the tracer can walk a packet through a
// node without knowing which mode compiled the node's data plane.

import type { Note } from '../notes';
import type { RenderedArtifact } from '../artifact';
import type { ClusterEvent } from '../events';
import type { ProxyMode } from '../lab';
import type { Packet, PacketOrigin, ProxyRuntimeState, RuleStep } from '../node/packet';
import type { EndpointInfo, ProxyNode, ServicePortString } from './servicemap';

// The packet, its origin and the runtime state live with the node's data plane (../node/packet.ts),
// which the netfilter walker reads without importing kube-proxy.
export type { Packet, PacketOrigin, ProxyRuntimeState, RuleStep } from '../node/packet';

export type ProxyVerdict =
  /** No service rule applied: the packet goes on unchanged (not a service address). */
  | { kind: 'pass' }
  /** Translated to an endpoint; SNAT/masquerade may apply on the way out. */
  | { kind: 'dnat'; servicePort: ServicePortString; endpoint: EndpointInfo; masquerade: boolean }
  /** Not kube-proxy's: the CNI portmap plugin's DNAT of a hostPort (`CNI-DN-*` chain) to the pod that
   *  publishes it; `masquerade` when its hairpin/localhost mark (CNI-HOSTPORT-MASQ) applied. */
  | { kind: 'hostport'; pod: string; hostPort: number; endpoint: string; chain: string; masquerade: boolean }
  /** REJECT: the client gets "connection refused" (ICMP port unreachable / TCP RST). */
  | { kind: 'reject'; servicePort?: ServicePortString; reason: string; note?: Note }
  /** DROP: the client times out. */
  | { kind: 'drop'; servicePort?: ServicePortString; reason: string; note?: Note }
  /** userspace mode: the packet is redirected to kube-proxy's own socket, which opens a new connection. */
  | {
      kind: 'proxy';
      servicePort: ServicePortString;
      proxyPort: number;
      endpoint: EndpointInfo | null;
      attempts: { endpoint: string; ok: boolean; timeoutMs?: number }[];
    };

/** One endpoint ("ip:port", as the rules DNAT to it) and the share of new connections the rules send it. */
export interface EndpointShare {
  endpoint: string;
  share: number;
}

/**
 * What the element that chose a packet's endpoint says about every new connection like it, read
 * from the compiled data plane the evaluator walked (never from its rendering): each endpoint's
 * share, or why the rules fix none.
 */
export type BalanceShares =
  /** iptables: the rules of a KUBE-SVC-/KUBE-SVL- chain, each jumping to a KUBE-SEP- chain with its
   *  `statistic` probability of what the rules before it left: p_i = prob_i * prod_{j<i}(1 - prob_j). */
  | { kind: 'statistic'; chain: string; shares: EndpointShare[] }
  /** nftables: `numgen random mod N vmap {...}`, 1/N to each element's endpoint chain. */
  | { kind: 'numgen'; modulus: number; shares: EndpointShare[] }
  /** IPVS rr and wrr: each real server gets weight / sum of the virtual server's weights. */
  | { kind: 'ipvs-weights'; scheduler: string; shares: EndpointShare[] }
  /** IPVS rr or wrr whose real servers all weigh 0: no real server would be chosen. */
  | { kind: 'ipvs-zero'; scheduler: string }
  /** The other IPVS schedulers: the servers' connections or the client decide, not fixed shares. */
  | { kind: 'ipvs-dynamic'; scheduler: string };

export interface ProxyEvaluation {
  verdict: ProxyVerdict;
  /** The packet as it leaves this node's hooks (after DNAT and SNAT). */
  after: Packet;
  steps: RuleStep[];
}

export interface EvaluateInput {
  packet: Packet;
  origin: PacketOrigin;
  /** Whether the destination can answer on this node (e.g. the node's own addresses). Modes know
   *  their local addresses. */
  state: ProxyRuntimeState;
  /** Lets a mode ask whether an endpoint accepts connections (userspace retries dead endpoints). */
  endpointAlive?: (endpoint: EndpointInfo) => boolean;
  /** false: the caller only wants the verdict (batch distribution runs), so evaluators record no
   *  RuleSteps and look up no rendered lines. Every decision, draw and state change is the same.
   *  true (default): every element evaluated is recorded, the ones that did not match included. */
  recordSteps?: boolean;
}

/** The compiled data plane of one node in one mode. */
export interface NodeProxy {
  mode: ProxyMode;
  node: ProxyNode;
  /** The artifacts a learner can open: iptables-save, ipvsadm -Ln, ipset list, nft list table, the userspace table. */
  artifacts: RenderedArtifact[];
  /** Log lines kube-proxy wrote while starting/syncing (e.g. the ipvs -> iptables fallback). */
  events: Omit<ClusterEvent, 'seq'>[];
  /** kube-proxy exited at start-up with this error: it programmed nothing on the node. */
  notRunning?: string;
  /** Evaluate one packet through this node's hooks. Mutates `input.state` (recent, schedulers, conntrack). */
  evaluate(input: EvaluateInput): ProxyEvaluation;
  /**
   * A packet this node forwards whose connection its conntrack never saw (a reply that skipped the
   * node the request crossed): state INVALID, so only the filter hooks of forwarding judge it, NAT
   * is not consulted. Absent: the mode programs no forward filtering, the packet goes on.
   */
  forwardInvalid?(input: InvalidForwardInput): ProxyEvaluation;
  /**
   * The shares the element that balanced an evaluation gives every endpoint, found from the typed
   * steps `evaluate` recorded (the jump out of a KUBE-SVC chain, the IPVS schedule, nft's numgen)
   * and read from this node's compiled rules. Undefined when no step balanced (a hostPort, a pod
   * address); absent when the mode never balances by fixed shares (userspace's round robin).
   */
  balance?(steps: readonly RuleStep[]): BalanceShares | undefined;
}

export interface InvalidForwardInput {
  packet: Packet;
  state: ProxyRuntimeState;
  recordSteps?: boolean;
}
