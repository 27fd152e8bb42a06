// The load balancer choosing a target for one new connection, from its own configuration: the
// listener for the destination port, the targets whose health check passes, then round robin
// (a cursor per load balancer, started from the seed) or a hash of the connection's 5-tuple.

import { SeededRandom } from '../net/rand';
import { fnv1a32 } from '../util/hash';
import type { CompiledLoadBalancer, LbListener, LbTarget } from './compile';

/** Round-robin cursors, per load balancer. Plain data, kept in the trace session. */
export interface LbRuntimeState {
  seed: string;
  /** Connections each load balancer has dispatched so far. */
  dispatched: Record<string, number>;
}

export function newLbState(seed: string): LbRuntimeState {
  return { seed, dispatched: {} };
}

export interface Flow {
  src: string;
  srcPort: number;
  dst: string;
  dstPort: number;
}

export type LbDecision =
  /** `refs`: the listener line, the chosen target's health-check line, then the target line (the decider). */
  | { kind: 'target'; listener: LbListener; target: LbTarget; healthy: LbTarget[]; refs: string[] }
  /** No listener on that port: the LB answers nothing (a cloud LB drops, the client times out). */
  | { kind: 'no-listener'; refs: string[] }
  /** A listener, but no target passes the health check (or it has none). */
  | { kind: 'no-healthy'; listener: LbListener; refs: string[] };

/** FNV-1a over the 5-tuple: the same connection always lands on the same target. */
function flowHash(f: Flow): number {
  return fnv1a32(`${f.src}:${f.srcPort}>${f.dst}:${f.dstPort}`);
}

/** Where round robin starts for this LB: drawn from the seed, so a lab replays identically. */
function rrStart(state: LbRuntimeState, lb: CompiledLoadBalancer, n: number): number {
  return SeededRandom.fromSeed(state.seed, `lb/${lb.service}`).int(n);
}

/** Chooses the target for a new connection to `flow.dst:flow.dstPort`. Round robin moves the cursor on. */
export function chooseTarget(lb: CompiledLoadBalancer, flow: Flow, state: LbRuntimeState): LbDecision {
  const listener = lb.listeners.find((l) => l.port === flow.dstPort);
  if (!listener) return { kind: 'no-listener', refs: ['lb'] };
  let healthy = listener.targets.filter((t) => t.healthy);
  // AWS NLB: when every target fails its check, it routes to all of them rather than to none.
  if (healthy.length === 0 && lb.behaviour.failOpen) healthy = listener.targets;
  if (healthy.length === 0) {
    return { kind: 'no-healthy', listener, refs: [listener.ref, ...lb.nodes.map((n) => n.ref)] };
  }
  let index: number;
  if (lb.behaviour.algorithm === 'flow-hash') index = flowHash(flow) % healthy.length;
  else {
    const k = state.dispatched[lb.id] ?? 0;
    state.dispatched[lb.id] = k + 1;
    index = (rrStart(state, lb, healthy.length) + k) % healthy.length;
  }
  const target = healthy[index]!;
  const how = ['behaviour:algorithm', 'behaviour:source'];
  return { kind: 'target', listener, target, healthy, refs: [...how, listener.ref, `hc:${target.node}`, target.ref] };
}
