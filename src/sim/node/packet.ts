// A packet as a node's netfilter hooks see it, where it meets them, and the state the kernel's
// modules keep between packets (the recent module's lists, IPVS connections, conntrack). These
// belong to the node's data plane, below kube-proxy and the CNI plugins that write rules into it;
// kube-proxy's mode interface (../proxy/types.ts) re-exports them.

import type { Protocol } from '../api/types';
import type { RandState } from '../net/rand';
import type { EvalStep } from '../step';

/** Where a packet meets this node's netfilter hooks. */
export type PacketOrigin =
  /** Sent by a process in the node's own network namespace (hostNetwork pod, kubelet, curl on the
   *  node): nat OUTPUT. */
  | 'local'
  /** Arrived from a pod on this node through its veth / bridge: nat PREROUTING then FORWARD. */
  | 'pod'
  /** Arrived on the node's external interface from outside the node (client, LB, another node):
   *  PREROUTING. */
  | 'external';

export interface Packet {
  protocol: Protocol;
  src: string;
  srcPort: number;
  dst: string;
  dstPort: number;
  /** The fwmark, as MARK targets leave it. */
  mark?: number;
}

/** One rule (or IPVS/nft/userspace element) an evaluator looked at, in order: see ../step.ts. */
export type RuleStep = EvalStep;

/** Runtime state kept between requests: the recent module, IPVS scheduler positions and connections,
 *  userspace round-robin cursors and affinity, conntrack. Plain data so it can be saved and copied. */
export interface ProxyRuntimeState {
  /** Simulated clock in seconds. */
  now: number;
  rand: RandState;
  /** Mode-specific state, keyed by node name. Opaque to the tracer. */
  perNode: Record<string, unknown>;
}
