// kube-scheduler, reduced to what decides where traffic lands: nodeName is honoured as a binding,
// spec.unschedulable, nodeSelector and the node's pod capacity filter (NodeUnschedulable,
// NodeAffinity, NodeResourcesFit's "Too many pods", in the framework's order), and among feasible
// nodes the one with the fewest pods wins, ties broken by name (a deterministic stand-in for the
// scoring plugins' spreading).

import type { Node, Pod, PodCondition, PodSpec } from '../api/types';
import type { Ctx } from './context';
import { copyWith, hasFieldsInOrder } from '../api/copy';

/** Node load as the scheduler's cache sees it during one batch: nodes in name order, pods per node. */
export interface SchedulerCache {
  nodes: Node[];
  /** Pods on each node, by index into `nodes` (a binding counts at once, as the cache's assumed pods). */
  loads: number[];
  /** How many pods each node takes (its allocatable pods), by index into `nodes`. */
  capacity: number[];
  /** The least-loaded-node heap, built on the first pod without a nodeSelector. */
  heap?: LoadHeap;
  /** " to <node>" for each node, made on its first binding (see scheduledMessage). */
  toNode?: string[];
  /** A just-created pod's status once bound (PodScheduled alone): one object for every such pod of the batch. */
  scheduled?: NonNullable<Pod['status']>;
}

export function schedulerCache(ctx: Ctx): SchedulerCache {
  const nodes = ctx.store.list<Node>('Node').sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1));
  return {
    nodes,
    loads: nodes.map((n) => ctx.index.podsPerNode.get(n.metadata.name) ?? 0),
    capacity: nodes.map(maxPods),
  };
}

/** The kubelet's --max-pods (maxPods in its configuration) when the node does not say otherwise. */
export const DEFAULT_MAX_PODS = 110;

/**
 * The pods a node takes: status.allocatable.pods as its kubelet reports it (a snapshot of a cloud
 * cluster may say 17 or 29, what the node's network interfaces allow), else the kubelet's default.
 */
export function maxPods(node: Node): number {
  const given = (node.status?.['allocatable'] as Record<string, unknown> | undefined)?.['pods'];
  const n = typeof given === 'number' ? given : typeof given === 'string' && /^\d+$/.test(given) ? Number(given) : NaN;
  return Number.isSafeInteger(n) ? n : DEFAULT_MAX_PODS;
}

export function schedulePod(ctx: Ctx, key: string, cache: SchedulerCache = schedulerCache(ctx)): void {
  const pod = ctx.store.get<Pod>('Pod', key);
  // A terminating pod in a scenario was running before its deletion began, so it is placed too.
  if (!pod || pod.spec.nodeName) return;
  const total = cache.nodes.length;
  if (total === 0) {
    failed(ctx, pod, 'no nodes available to schedule pods');
    return;
  }
  const sel = pod.spec.nodeSelector ? Object.entries(pod.spec.nodeSelector) : NO_SELECTOR;
  // The least-loaded node is the pick whenever it has room; else every node is looked at.
  const fast = sel.length === 0 ? leastLoaded(cache) : undefined;
  if (fast !== undefined && cache.loads[fast]! < cache.capacity[fast]!) return bind(ctx, pod, key, cache, fast);
  let selectorMisses = 0;
  let unschedulable = 0;
  let full = 0;
  let best = -1;
  for (let i = 0; i < total; i++) {
    const n = cache.nodes[i]!;
    if (n.spec?.unschedulable) {
      unschedulable++;
      continue;
    }
    if (sel.length && !sel.every(([k, v]) => n.metadata.labels?.[k] === v)) {
      selectorMisses++;
      continue;
    }
    if (cache.loads[i]! >= cache.capacity[i]!) {
      full++;
      continue;
    }
    // Nodes are in name order, so strict < keeps the first name on a tie.
    if (best < 0 || cache.loads[i]! < cache.loads[best]!) best = i;
  }
  if (best < 0) {
    failed(ctx, pod, unschedulableMessage(total, { selectorMisses, unschedulable, full }));
    return;
  }
  bind(ctx, pod, key, cache, best);
}

const NO_SELECTOR: readonly (readonly [string, string])[] = [];

/** "<n> <reason>" for each count above zero, sorted, joined as framework.Diagnosis joins them. */
function counted(parts: readonly (readonly [number, string])[]): string {
  return parts.filter(([n]) => n > 0).map(([n, reason]) => `${n} ${reason}`).sort().join(', ');
}

/**
 * FailedScheduling's message: why each node was filtered out, then the preemption verdict. A node
 * that is unschedulable or matches no selector cannot be helped by evicting pods; a full one could,
 * but every pod in the lab has the same priority, so no victim is found.
 */
function unschedulableMessage(
  total: number,
  n: { selectorMisses: number; unschedulable: number; full: number },
): string {
  const reasons = counted([
    [n.selectorMisses, "node(s) didn't match Pod's node affinity/selector"],
    [n.unschedulable, 'node(s) were unschedulable'],
    [n.full, 'Too many pods'],
  ]);
  const preemption = counted([
    [n.selectorMisses + n.unschedulable, 'Preemption is not helpful for scheduling'],
    [n.full, 'No preemption victims found for incoming pod'],
  ]);
  return `0/${total} nodes are available: ${reasons}. preemption: 0/${total} nodes are available: ${preemption}.`;
}

/**
 * Binds the pod to node `at` (an index into the cache's nodes). `key`: the pod's key, as queued (the
 * store's own string: put need not build and hash another).
 */
function bind(ctx: Ctx, pod: Pod, key: string, cache: SchedulerCache, at: number): void {
  const nodeName = cache.nodes[at]!.metadata.name;
  cache.loads[at]!++;
  const spec = boundSpec(pod.spec, nodeName);
  // A pod as the apiserver created it has no status yet: the bound one is written as one literal
  // in the same field order (a copy that adds `status` keeps it outside the object, for every pod).
  ctx.store.put(hasFieldsInOrder(pod, CREATED_FIELDS)
    ? { apiVersion: pod.apiVersion, kind: pod.kind, metadata: pod.metadata, spec, status: scheduledStatus(ctx, cache) }
    : copyWith(pod, { spec, status: copyWith(pod.status, { conditions: scheduledConditions(ctx, pod) }) }), key);
  ctx.events.push({
    type: 'Normal',
    reason: 'Scheduled',
    object: { kind: 'Pod', namespace: pod.metadata.namespace ?? 'default', name: pod.metadata.name },
    message: scheduledMessage(cache, at, key),
    source: 'default-scheduler',
    seq: 0,
  });
}

/**
 * "Successfully assigned <key> to <node>" with the " to <node>" part made once per node: each
 * message is then two concatenations kept with the event, not three (32 bytes less per pod).
 */
function scheduledMessage(cache: SchedulerCache, at: number, key: string): string {
  const toNode = (cache.toNode ??= []);
  return 'Successfully assigned ' + key + (toNode[at] ??= ' to ' + cache.nodes[at]!.metadata.name);
}

/** PodScheduled first, then the conditions the pod had but its old PodScheduled. */
function scheduledConditions(ctx: Ctx, pod: Pod): PodCondition[] {
  const given = pod.status?.conditions;
  return given?.length ? [SCHEDULED(), ...given.filter((c) => c.type !== 'PodScheduled')] : scheduledOnly(ctx);
}

/** PodScheduled alone, for a pod that had no conditions: one array for every such pod of the run. */
function scheduledOnly(ctx: Ctx): PodCondition[] {
  return (ctx.derived.scheduledConditions ??= [SCHEDULED()]);
}

/** The status of a bound pod that had none: never written to (the kubelet's write makes its own). */
function scheduledStatus(ctx: Ctx, cache: SchedulerCache): NonNullable<Pod['status']> {
  return (cache.scheduled ??= { conditions: scheduledOnly(ctx) });
}

/** A new pod's fields, in order. */
const CREATED_FIELDS = ['apiVersion', 'kind', 'metadata', 'spec'];

/**
 * `spec` with nodeName. The spec defaultPodSpec makes of a template with containers alone becomes one
 * literal of six fields, held in the object itself (a copy holds four there and the rest in a
 * separate store: 40 bytes more per pod, kept with every state).
 */
function boundSpec(spec: PodSpec, nodeName: string): PodSpec {
  if (!hasFieldsInOrder(spec, DEFAULTED_SPEC_FIELDS)) return copyWith(spec, { nodeName });
  const { containers, dnsPolicy, restartPolicy, schedulerName, terminationGracePeriodSeconds } = spec;
  return { containers, dnsPolicy, restartPolicy, schedulerName, terminationGracePeriodSeconds, nodeName };
}

const DEFAULTED_SPEC_FIELDS = [
  'containers', 'dnsPolicy', 'restartPolicy', 'schedulerName', 'terminationGracePeriodSeconds',
];

const SCHEDULED = (): PodCondition => ({ type: 'PodScheduled', status: 'True' });

function failed(ctx: Ctx, pod: Pod, message: string): void {
  const ns = pod.metadata.namespace ?? 'default';
  const status = {
    ...pod.status,
    phase: 'Pending' as const,
    conditions: [{ type: 'PodScheduled', status: 'False' as const, reason: 'Unschedulable', message }],
  };
  if (JSON.stringify(status) !== JSON.stringify(pod.status)) ctx.store.put({ ...pod, status });
  ctx.events.push({
    type: 'Warning',
    reason: 'FailedScheduling',
    object: { kind: 'Pod', namespace: ns, name: pod.metadata.name },
    message,
    source: 'default-scheduler',
  });
}

// The node the loop above would pick for a pod without a nodeSelector (fewest pods, then first
// name), found in O(log n) rather than by a scan of every node per pod. Loads only grow during a
// batch, so an entry keyed with a stale load is re-keyed when it reaches the top.
interface LoadHeap {
  items: number[];
  /** The load each node's entry is keyed with (index into `nodes`); never above its real load. */
  keyed: number[];
}

/** The index of the node to bind to, or undefined when every node is unschedulable. */
function leastLoaded(cache: SchedulerCache): number | undefined {
  let h = cache.heap;
  if (!h) {
    h = { items: [], keyed: cache.loads.slice() };
    cache.nodes.forEach((n, i) => {
      if (!n.spec?.unschedulable) h!.items.push(i);
    });
    for (let i = (h.items.length >> 1) - 1; i >= 0; i--) siftDown(h, i);
    cache.heap = h;
  }
  while (h.items.length) {
    const top = h.items[0]!;
    const load = cache.loads[top]!;
    if (load === h.keyed[top]) return top;
    h.keyed[top] = load;
    siftDown(h, 0);
  }
  return undefined;
}

function before(h: LoadHeap, a: number, b: number): boolean {
  const ka = h.keyed[a]!;
  const kb = h.keyed[b]!;
  return ka < kb || (ka === kb && a < b);
}

function siftDown(h: LoadHeap, at: number): void {
  const xs = h.items;
  for (let i = at; ;) {
    const l = 2 * i + 1;
    const r = l + 1;
    let m = i;
    if (l < xs.length && before(h, xs[l]!, xs[m]!)) m = l;
    if (r < xs.length && before(h, xs[r]!, xs[m]!)) m = r;
    if (m === i) return;
    const x = xs[i]!; // a swap by destructuring built an array per step
    xs[i] = xs[m]!;
    xs[m] = x;
    i = m;
  }
}
