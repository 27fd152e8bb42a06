// The control plane as a whole: objects go into the store (apiserver), watch events feed
// informer-style handlers that enqueue keys, and controllers drain their queues in a fixed order
// until nothing changes. A full reconcile and an incremental change run the same handlers and the
// same controllers; the incremental path starts from a fork of the previous state and only touches
// the keys the change's events enqueue.

import type { Cluster, ClusterInput } from '../cluster';
import type { ClusterEvent } from '../events';
import type { LabSettings } from '../lab';
import { MAX_REPLICAS } from '../lab';
import type {
  ConfigMap,
  DaemonSet,
  Gateway,
  GatewayClass,
  HTTPRoute,
  ReferenceGrant,
  Deployment,
  EndpointSlice,
  Endpoints,
  Ingress,
  IngressClass,
  KubeObject,
  Namespace,
  Node,
  OtherObject,
  Pod,
  ReplicaSet,
  Secret,
  Service,
  StatefulSet,
} from '../api/types';
import { SIMULATED_KINDS, objectKey } from '../api/types';
import { ObjectStore, refKey, type AnyObject, type WatchEvent } from '../api/store';
import { CowMap } from '../api/cowmap';
import type { ApiProblem, ObjectRef } from '../api/errors';
import {
  QUEUE_ORDER,
  cloneControllerState,
  emptyControllerState,
  emptyDerived,
  emptyIndexes,
  emptyQueues,
  forkIndexes,
  type ControllerState,
  type Ctx,
  type Indexes,
  type QueueName,
} from './context';
import { builtinNamespaces, builtinObjects, kubernetesEndpoints } from './builtins';
import { controlPlaneNode, defaultNodes, forgetNode, nodeInternalIP, sortedNodes, syncNodes } from './nodes';
import { collectOrphanedPods } from './podgc';
import { deleteNamespaceContent, inNamespace } from './namespace';
import { syncDeployment } from './deployment';
import { syncReplicaSet } from './replicaset';
import { syncDaemonSet } from './daemonset';
import { syncStatefulSet } from './statefulset';
import { schedulePod, schedulerCache, type SchedulerCache } from './scheduler';
import { stopContainers, syncPodStatus } from './kubelet';
import { syncLoadBalancer } from './loadbalancer';
import { syncServiceEndpoints } from './endpointslice';
import { enqueue, onEvent } from './informers';
import { syncMirroring } from './endpointslicemirroring';
import { syncServiceAccount } from './serviceaccount';
import { assertNever } from '../util/assert';

export interface ReconcileOptions {
  /** Create the objects every kubeadm cluster has (namespaces, `kubernetes`, kube-dns + CoreDNS). Default true. */
  builtins?: boolean;
  /** Give a scenario without Node objects the two default nodes. Default true. */
  defaultNodes?: boolean;
}

/** Everything a later incremental change needs. Treat as immutable: applyChange forks it. */
export interface ReconcileState {
  readonly settings: LabSettings;
  readonly options: Required<ReconcileOptions>;
  readonly store: ObjectStore;
  readonly index: Indexes;
  readonly controllers: ControllerState;
  /** The scenario's own objects by "Kind/key", as written (after a change, as changed). */
  readonly inputs: CowMap<AnyObject>;
  readonly problems: readonly ApiProblem[];
  readonly events: readonly ClusterEvent[];
  readonly cluster: Cluster;
  /**
   * The watch events of the last applyChange (empty after a full reconcile): every object created,
   * modified or deleted, with its previous version. What a data-plane change tracker consumes
   * (kube-proxy's service/endpoints change trackers, an ingress controller's store).
   */
  readonly changes: readonly WatchEvent[];
}

export interface ReconcileResult {
  cluster: Cluster;
  problems: ApiProblem[];
  state: ReconcileState;
}

/** One edit to the scenario: an object created or replaced (`kubectl apply`), or deleted. */
export type Change = { kind: 'apply'; object: AnyObject } | { kind: 'delete'; ref: ObjectRef };

/** An object's key in ReconcileState.inputs: "Kind/key". */
export const inputKey = (o: AnyObject): string => `${o.kind}/${objectKey(o)}`;

/** The same key for a reference to an object (kind, namespace, name). */
export const inputKeyOf = (ref: ObjectRef): string => `${ref.kind}/${refKey(ref)}`;

// ------------------------------------------------------------------------------ controllers

/** The controller that syncs a queue's keys, one key at a time. */
function controllerOf(q: QueueName, cache: () => SchedulerCache): (ctx: Ctx, key: string) => void {
  switch (q) {
    case 'serviceaccount':
      return syncServiceAccount;
    case 'deployment':
      return syncDeployment;
    case 'replicaset':
      return syncReplicaSet;
    case 'daemonset':
      return syncDaemonSet;
    case 'statefulset':
      return syncStatefulSet;
    case 'scheduler':
      return (ctx, key) => schedulePod(ctx, key, cache());
    case 'kubelet':
      return syncPodStatus;
    case 'service-lb':
      return syncLoadBalancer;
    case 'endpointslice':
      return syncServiceEndpoints;
    case 'endpointslicemirroring':
      return syncMirroring;
    default:
      return assertNever(q, 'queue');
  }
}

/**
 * How many passes drain runs at most (a guard against controllers that never settle). A StatefulSet
 * in OrderedReady makes one pod per pass, and a rolling update takes two passes a pod (delete, then
 * make again): a set of MAX_REPLICAS pods must still reach its fixed point.
 */
const MAX_PASSES = 100 + 2 * MAX_REPLICAS;

/** Runs the controllers in QUEUE_ORDER until every queue is empty (the fixed point). */
function drain(ctx: Ctx): void {
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    let worked = false;
    for (const q of QUEUE_ORDER) {
      const keys = ctx.queues[q].take();
      if (keys.length === 0) continue;
      worked = true;
      // One scheduler cache per batch, as kube-scheduler keeps its node snapshot between pods.
      let cache: SchedulerCache | undefined;
      const sync = controllerOf(q, () => (cache ??= schedulerCache(ctx)));
      for (const k of keys) sync(ctx, k);
    }
    if (!worked) return;
  }
}

// ------------------------------------------------------------------------------ full reconcile

/** A cluster DNS server's workload or pod (CoreDNS, or kube-dns before it): label k8s-app=kube-dns. */
function clusterDnsWorkload(o: AnyObject): boolean {
  const labels = (o.kind === 'Pod' ? o.metadata.labels : (o as Deployment).spec?.template?.metadata?.labels) ?? {};
  const workloads = ['Pod', 'Deployment', 'ReplicaSet', 'DaemonSet', 'StatefulSet'];
  return workloads.includes(o.kind) && labels['k8s-app'] === 'kube-dns';
}

/**
 * The order a scenario's objects are created in, whatever order the file had (namespaces before
 * what lives in them).
 */
const CREATE_ORDER: Record<string, number> = {
  Namespace: 0,
  Node: 1,
  IngressClass: 2,
  Secret: 3,
  ConfigMap: 3,
  Service: 4,
  Endpoints: 5,
  EndpointSlice: 6,
  Deployment: 7,
  ReplicaSet: 8,
  DaemonSet: 9,
  StatefulSet: 9,
  Pod: 10,
  Ingress: 11,
};

function servicePriority(o: AnyObject): number {
  if (o.kind !== 'Service') return 0;
  const s = o as Service;
  // Explicit addresses and ports are claimed before any random allocation can take them.
  if (s.spec?.clusterIP && s.spec.clusterIP !== 'None') return 0;
  if (Array.isArray(s.spec?.ports) && s.spec.ports.some((p) => p?.nodePort)) return 1;
  return 2;
}

/** Kinds in dependency order, then by key: the result does not depend on the order of the file. */
function creationOrder(objects: readonly AnyObject[]): AnyObject[] {
  return objects
    .map((o) => ({ o, k: o?.metadata ? objectKey(o) : '' }))
    .sort((a, b) =>
      (CREATE_ORDER[a.o.kind] ?? 3) - (CREATE_ORDER[b.o.kind] ?? 3) ||
      servicePriority(a.o) - servicePriority(b.o) ||
      (a.k < b.k ? -1 : a.k > b.k ? 1 : 0)
    )
    .map((x) => x.o);
}

/** `eventBase`: the last event's seq so far; objects created now are stamped with the events before them. */
function newCtx(store: ObjectStore, settings: LabSettings, state: ControllerState, index: Indexes, eventBase = 0): Ctx {
  const ctx: Ctx = { store, settings, state, index, queues: emptyQueues(), events: [], derived: emptyDerived() };
  // The lab's logical clock: one second per control-plane event (kubectl's AGE reads it).
  store.clock = () => eventBase + ctx.events.length;
  const unwatch = store.watch((e, key) => onEvent(ctx, e, key));
  ctx.done = () => {
    // The run is over: its store is only ever forked from now on (a fork copies no listeners), so
    // the store lets go of the run's handlers, queues and derived facts instead of keeping them
    // alive with every state (each a 50,000-entry WeakMap the collector walks on every full GC).
    unwatch();
    store.clock = stoppedClock(eventBase + ctx.events.length);
  };
  return ctx;
}

/** A clock that stays at `now` (made outside newCtx: a closure there would keep the run alive). */
function stoppedClock(now: number): () => number {
  return () => now;
}

/** Objects are never mutated once written (every write makes new ones), so inputs are stored as given. */
function createInput(ctx: Ctx, obj: AnyObject, problems: ApiProblem[]): void {
  const res = ctx.store.create(obj);
  if (!res.ok) problems.push(...res.problems);
}

export function reconcile(input: ClusterInput, opts: ReconcileOptions = {}): ReconcileResult {
  const options: Required<ReconcileOptions> = {
    builtins: opts.builtins ?? true,
    defaultNodes: opts.defaultNodes ?? true,
  };
  const settings = input.settings;
  const store = new ObjectStore(settings, { checkNamespaces: options.builtins });
  const ctx = newCtx(store, settings, emptyControllerState(), emptyIndexes());
  const problems: ApiProblem[] = [];
  const inputs = new CowMap<AnyObject>();
  for (const o of input.objects) if (o?.metadata) inputs.set(inputKey(o), o);

  if (options.builtins) for (const ns of builtinNamespaces()) store.create(ns);
  const ordered = creationOrder(input.objects);
  let i = 0;
  for (; i < ordered.length && (CREATE_ORDER[ordered[i]!.kind] ?? 3) <= 1; i++) createInput(ctx, ordered[i]!, problems);
  if (options.defaultNodes && store.count('Node') === 0) for (const n of defaultNodes()) store.create(n);
  syncNodes(ctx);
  if (options.builtins) {
    // What the scenario declares itself (a snapshot's own `kubernetes` Service, its kube-dns) is
    // the cluster's; the built-in stands in only for what is missing.
    const declared = new Set(input.objects.filter((o) => o?.metadata).map((o) => inputKey(o)));
    const hasDns = input.objects.some((o) => (o?.metadata?.namespace === 'kube-system') && clusterDnsWorkload(o));
    for (const o of builtinObjects(settings)) {
      if (declared.has(inputKey(o)) || (o.kind === 'Deployment' && hasDns)) continue;
      store.create(o);
    }
    const first = controlPlaneNode(store.list<Node>('Node'));
    const ip = first && nodeInternalIP(first);
    if (ip) for (const o of kubernetesEndpoints(ip)) if (!declared.has(inputKey(o))) store.create(o);
  }
  if (settings.snapshot) {
    // A snapshot names namespaces it did not list (`kubectl get pods,svc -A` prints no Namespace
    // objects): they existed in the cluster.
    for (const ns of new Set(input.objects.map((o) => o?.metadata?.namespace).filter((n): n is string => !!n))) {
      if (!store.get('Namespace', ns)) store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    }
    ctx.preserve = true;
  }
  for (; i < ordered.length; i++) createInput(ctx, ordered[i]!, problems);
  drain(ctx);
  ctx.preserve = false;
  const state = stateAfter(ctx, { settings, options, inputs, problems }, undefined, []);
  return { cluster: state.cluster, problems, state };
}

// ------------------------------------------------------------------------------ incremental

/**
 * Applies one scenario edit to a previous result, running only the controllers whose queues the
 * edit's watch events fill. The previous state is not modified. Nodes and Namespaces change as in
 * a live cluster too: a new node gets its address and pod CIDR, a deleted node's pods are
 * garbage-collected (and replaced elsewhere by their owners), a deleted namespace takes everything
 * in it along.
 */
export function applyChange(prev: ReconcileState, change: Change): ReconcileState {
  if (change.kind === 'apply' && !change.object?.metadata) return withoutMetadata(prev, change.object);
  const ctx = forkedCtx(prev);
  const changes: WatchEvent[] = [];
  ctx.store.watch((e) => changes.push(e));
  // The change's own earlier problems go; what this write reports replaces them.
  const ref = refOfChange(change);
  const problems = prev.problems.filter((p) => !sameRef(p.ref, ref));
  const ok = change.kind === 'apply'
    ? applyObject(ctx, change.object, problems)
    : deleteObject(ctx, change.ref, problems);
  let given: Given = { inputs: changedInputs(prev, change), problems };
  if (ok && ref.kind === 'Node') nodeChanged(ctx, change);
  if (ok && ref.kind === 'Namespace') given = namespaceChanged(ctx, prev, change, given);
  drain(ctx);
  return stateAfter(ctx, { settings: prev.settings, options: prev.options, ...given }, prev, changes);
}

/** A Node written: node IPAM and addresses for a new one; a deleted one's pods are garbage-collected. */
function nodeChanged(ctx: Ctx, change: Change): void {
  if (change.kind === 'apply') return syncNodes(ctx);
  forgetNode(ctx, change.ref.name);
  collectOrphanedPods(ctx);
}

type Given = { inputs: CowMap<AnyObject>; problems: ApiProblem[] };

/**
 * A Namespace written. Deleted: everything in it goes, from the cluster and from the inputs. Created:
 * the scenario's objects refused for want of it are applied again, as a user who just created it
 * would (and as the scenario, loaded anew, would create them).
 */
function namespaceChanged(ctx: Ctx, prev: ReconcileState, change: Change, { inputs, problems }: Given): Given {
  const ns = refOfChange(change).name;
  if (change.kind === 'delete') {
    deleteNamespaceContent(ctx, ns);
    return { inputs: withoutNamespace(inputs, ns), problems: problems.filter((p) => p.ref.namespace !== ns) };
  }
  if (prev.store.get('Namespace', ns)) return { inputs, problems };
  const pending = [...inputs.values()].filter((o) => inNamespace(o, ns) && !ctx.store.get(o.kind, objectKey(o)));
  const left = problems.filter((p) => !pending.some((o) => sameRef(p.ref, refOf(o))));
  for (const o of creationOrder(pending)) createInput(ctx, o, left);
  return { inputs, problems: left };
}

/** The inputs without the objects of a deleted namespace (they went with it). */
function withoutNamespace(inputs: CowMap<AnyObject>, ns: string): CowMap<AnyObject> {
  for (const [k, o] of [...inputs.entries()]) if (inNamespace(o, ns)) inputs.delete(k);
  return inputs;
}

/** A run on a fork of `prev`: its store, allocations and indexes, events numbered on from its log. */
function forkedCtx(prev: ReconcileState): Ctx {
  const store = prev.store.fork();
  const state = cloneControllerState(prev.controllers);
  return newCtx(store, prev.settings, state, forkIndexes(prev.index), lastSeq(prev.events));
}

/**
 * What a run leaves for the next one: its store, indexes and allocations, the event log (`prev`'s
 * with this run's appended) and the cluster view (lists of kinds the run did not write are `prev`'s).
 */
function stateAfter(
  ctx: Ctx,
  given: Pick<ReconcileState, 'settings' | 'options' | 'inputs' | 'problems'>,
  prev: ReconcileState | undefined,
  changes: readonly WatchEvent[],
): ReconcileState {
  ctx.done?.();
  const events = prev ? appendEvents(prev.events, ctx) : numbered(ctx, 0);
  const cluster = buildCluster(ctx.store, given.settings, events, prev?.cluster);
  const { settings, options, inputs, problems } = given;
  const { store, index, state: controllers } = ctx;
  return { settings, options, store, index, controllers, inputs, problems, events, cluster, changes };
}

/** kubectl's client-side refusal of an object without metadata: nothing changes but the problems. */
function withoutMetadata(prev: ReconcileState, object: AnyObject | undefined): ReconcileState {
  const kind = (object as { kind?: string } | undefined)?.kind ?? 'Object';
  const problem: ApiProblem = {
    ref: { kind, name: '' },
    field: 'metadata',
    reason: 'Invalid',
    message: `error validating data: ValidationError(${kind}): missing required field "metadata"`,
  };
  return { ...prev, problems: [...prev.problems, problem], changes: [] };
}

/**
 * Inputs are what users applied. A controller's object (a ReplicaSet's pod) changed by hand stays
 * the controller's: a full reconcile later recreates it from its owner, as a new cluster would.
 */
function changedInputs(prev: ReconcileState, change: Change): CowMap<AnyObject> {
  const inputs = prev.inputs.fork();
  if (refOfChange(change).kind === 'Node') keepDefaultNodes(prev, inputs);
  if (change.kind === 'apply') {
    const controlled = change.object.metadata.ownerReferences?.some((r) => r.controller);
    if (!controlled) inputs.set(inputKey(change.object), change.object);
  } else inputs.delete(inputKeyOf(change.ref));
  return inputs;
}

/**
 * The lab's default nodes, written into the inputs once a Node is applied or deleted beside them: a
 * lab started again from its inputs (a new seed, a Gateway edit) keeps the nodes it had, instead of
 * losing both defaults to one applied Node or getting a deleted one back.
 */
function keepDefaultNodes(prev: ReconcileState, inputs: CowMap<AnyObject>): void {
  if (!prev.options.defaultNodes || [...inputs.values()].some((o) => o.kind === 'Node')) return;
  for (const n of defaultNodes()) if (prev.store.get('Node', n.metadata.name)) inputs.set(inputKey(n), n);
}

function refOfChange(change: Change): ObjectRef {
  return change.kind === 'delete' ? change.ref : refOf(change.object);
}

function refOf(o: AnyObject): ObjectRef {
  const { name, namespace } = o.metadata;
  return { kind: o.kind, name, ...(namespace ? { namespace } : {}) };
}

function sameRef(a: ObjectRef, b: ObjectRef): boolean {
  return a.kind === b.kind && a.name === b.name && (a.namespace ?? 'default') === (b.namespace ?? 'default');
}

/** `kubectl apply`: create, or update what exists keeping what apply does not own. Whether it was written. */
function applyObject(ctx: Ctx, obj: AnyObject, problems: ApiProblem[]): boolean {
  const existing = ctx.store.get(obj.kind, objectKey(obj));
  const res = existing ? ctx.store.update(keepServerFields(obj, existing)) : ctx.store.create(obj);
  if (!res.ok) problems.push(...res.problems);
  return res.ok;
}

/** Status (and a pod's binding) the applied object leaves out stay as the cluster has them. */
function keepServerFields(obj: AnyObject, existing: AnyObject): AnyObject {
  if (obj.kind === 'Pod') {
    // `kubectl apply` does not touch status or the scheduler's binding.
    const was = existing as Pod;
    const p = obj as Pod;
    return {
      ...p,
      spec: { ...p.spec, nodeName: p.spec.nodeName ?? was.spec.nodeName },
      status: p.status ?? was.status,
    };
  }
  if (obj.kind === 'Service' && !(obj as Service).status) {
    return { ...obj, status: (existing as Service).status } as Service;
  }
  if (obj.kind === 'Node') {
    // The kubelet's status and node IPAM's pod CIDR are not the applied manifest's to drop.
    const was = existing as Node;
    const n = obj as Node;
    const podCIDR = n.spec?.podCIDR ?? (n.spec?.podCIDRs ? undefined : was.spec?.podCIDR);
    const podCIDRs = n.spec?.podCIDRs ?? (n.spec?.podCIDR ? undefined : was.spec?.podCIDRs);
    const spec = { ...n.spec, ...(podCIDR ? { podCIDR } : {}), ...(podCIDRs ? { podCIDRs } : {}) };
    return { ...n, spec, status: n.status ?? was.status };
  }
  if ((obj.kind === 'Deployment' || obj.kind === 'ReplicaSet' || obj.kind === 'StatefulSet') && !obj['status']) {
    return { ...obj, status: existing['status'] } as AnyObject;
  }
  return obj;
}

/** `kubectl delete`; for a pod, the kubelet stops its containers (the lab has no grace period). */
function deleteObject(ctx: Ctx, ref: ObjectRef, problems: ApiProblem[]): boolean {
  const res = ctx.store.delete(ref);
  if (!res.ok) {
    problems.push(...res.problems);
    return false;
  }
  if (ref.kind === 'Pod') stopContainers(ctx, res.object as Pod);
  return true;
}

/**
 * Every controller re-syncs every object from the persisted state, as after a
 * kube-controller-manager restart (informers list everything). Allocations made earlier (pod
 * bindings and IPs, generated names, Service addresses) are kept, so this is the reference the
 * incremental path must agree with.
 */
export function resync(prev: ReconcileState): ReconcileState {
  const ctx = forkedCtx(prev);
  const store = ctx.store;
  syncNodes(ctx);
  collectOrphanedPods(ctx);
  for (const d of store.values('Deployment')) enqueue(ctx, 'deployment', objectKey(d));
  for (const r of store.values('ReplicaSet')) enqueue(ctx, 'replicaset', objectKey(r));
  for (const d of store.values('DaemonSet')) enqueue(ctx, 'daemonset', objectKey(d));
  for (const d of store.values('StatefulSet')) enqueue(ctx, 'statefulset', objectKey(d));
  for (const p of store.values<Pod>('Pod')) enqueue(ctx, p.spec.nodeName ? 'kubelet' : 'scheduler', objectKey(p));
  for (const s of store.values('Service')) {
    enqueue(ctx, 'service-lb', objectKey(s));
    enqueue(ctx, 'endpointslice', objectKey(s));
    enqueue(ctx, 'endpointslicemirroring', objectKey(s));
  }
  for (const e of store.values('Endpoints')) enqueue(ctx, 'endpointslicemirroring', objectKey(e));
  drain(ctx);
  return stateAfter(ctx, prev, prev, []);
}

// ------------------------------------------------------------------------------ output

/** The Cluster view of a store; lists of kinds the store did not touch since its fork are reused from `prev`. */
function lastSeq(events: readonly ClusterEvent[]): number {
  return events.length ? events[events.length - 1]!.seq : 0;
}

/** The events so far and this run's, numbered on. One copy of the log (concat), not a spread per element. */
function appendEvents(prev: readonly ClusterEvent[], ctx: Ctx): ClusterEvent[] {
  return prev.concat(numbered(ctx, lastSeq(prev)));
}

/**
 * This run's events numbered from `base + 1`. The recorder's events are objects this run made and
 * nothing else holds, so the number is stamped on them (it lands last, as a copy would put it).
 */
function numbered(ctx: Ctx, base: number): ClusterEvent[] {
  const out = ctx.events as ClusterEvent[];
  for (let n = 0; n < out.length; n++) out[n]!.seq = base + n + 1;
  return out;
}

function buildCluster(
  store: ObjectStore,
  settings: LabSettings,
  events: ClusterEvent[],
  prev: Cluster | undefined,
): Cluster {
  const list = <T extends AnyObject>(
    kind: string,
    old: T[] | undefined,
  ): T[] => (prev && old && !store.dirtyKinds.has(kind) ? old : store.list<T>(kind));
  const simulated = new Set<string>(SIMULATED_KINDS);
  const others: OtherObject[] = [];
  for (const k of store.kindsPresent()) if (!simulated.has(k)) others.push(...store.list<OtherObject>(k));
  return {
    settings,
    // Sorted lists of kinds the change did not touch are the previous (already sorted) ones.
    namespaces: prev && !store.dirtyKinds.has('Namespace')
      ? prev.namespaces
      : store.list<Namespace>('Namespace').sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1)),
    nodes: prev && !store.dirtyKinds.has('Node') ? prev.nodes : sortedNodes(store.list<Node>('Node')),
    pods: list<Pod>('Pod', prev?.pods),
    deployments: list<Deployment>('Deployment', prev?.deployments),
    replicaSets: list<ReplicaSet>('ReplicaSet', prev?.replicaSets),
    daemonSets: list<DaemonSet>('DaemonSet', prev?.daemonSets),
    statefulSets: list<StatefulSet>('StatefulSet', prev?.statefulSets),
    services: list<Service>('Service', prev?.services),
    endpointSlices: list<EndpointSlice>('EndpointSlice', prev?.endpointSlices),
    endpoints: list<Endpoints>('Endpoints', prev?.endpoints),
    ingresses: list<Ingress>('Ingress', prev?.ingresses),
    ingressClasses: list<IngressClass>('IngressClass', prev?.ingressClasses),
    secrets: list<Secret>('Secret', prev?.secrets),
    configMaps: list<ConfigMap>('ConfigMap', prev?.configMaps),
    gatewayClasses: list<GatewayClass>('GatewayClass', prev?.gatewayClasses),
    gateways: list<Gateway>('Gateway', prev?.gateways),
    httpRoutes: list<HTTPRoute>('HTTPRoute', prev?.httpRoutes),
    referenceGrants: list<ReferenceGrant>('ReferenceGrant', prev?.referenceGrants),
    others,
    events,
    createdAt: store.creationTimes(),
  };
}

export type { KubeObject };
