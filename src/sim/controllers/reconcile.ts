// The control plane as a whole: objects go into the store (apiserver), watch events feed
// informer-style handlers that enqueue keys, and controllers drain their queues in a fixed order
// until nothing changes. A full reconcile and an incremental change run the same handlers and the
// same controllers; the incremental path starts from a fork of the previous state and only touches
// the keys the change's events enqueue.

import type { Cluster, ClusterInput } from '../cluster';
import type { ClusterEvent } from '../events';
import type { LabSettings } from '../lab';
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
} from '../api/types';
import { SIMULATED_KINDS, objectKey } from '../api/types';
import { ObjectStore, refKey, type AnyObject, type WatchEvent } from '../api/store';
import { CowMap } from '../api/cowmap';
import type { ApiProblem, ObjectRef } from '../api/errors';
import {
  QUEUE_ORDER,
  cloneControllerState,
  emptyControllerState,
  emptyIndexes,
  emptyQueues,
  forkIndexes,
  labelKey,
  ownerKeyOf,
  servicesForPod,
  type ControllerState,
  type Ctx,
  type Indexes,
  type QueueName,
} from './context';
import { builtinNamespaces, builtinObjects, kubernetesEndpoints } from './builtins';
import { controlPlaneNode, defaultNodes, nodeInternalIP, sortedNodes, syncNodes } from './nodes';
import { syncDeployment } from './deployment';
import { syncReplicaSet } from './replicaset';
import { syncDaemonSet } from './daemonset';
import { schedulePod, schedulerCache, type SchedulerCache } from './scheduler';
import { releasePodIP, syncPodStatus } from './kubelet';
import { syncLoadBalancer } from './loadbalancer';
import { SERVICE_NAME_LABEL, SKIP_MIRROR, syncServiceEndpoints } from './endpointslice';
import { syncMirroring } from './endpointslicemirroring';
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

const inputKey = (o: AnyObject): string => `${o.kind}/${objectKey(o)}`;

// ------------------------------------------------------------------------------ informer handlers

function labelPairs(o: AnyObject | undefined, labels: Record<string, string> | undefined): string[] {
  if (!o) return [];
  const ns = o.metadata.namespace ?? 'default';
  return Object.entries(labels ?? {}).map(([k, v]) => labelKey(ns, k, v));
}

function enqueue(ctx: Ctx, q: QueueName, key: string): void {
  ctx.queues[q].add(key);
}

function onEvent(ctx: Ctx, e: WatchEvent): void {
  const obj = e.object;
  const old = e.type === 'ADDED' ? undefined : e.old;
  const cur = e.type === 'DELETED' ? undefined : obj;
  const key = objectKey(obj);
  switch (obj.kind) {
    case 'Pod':
      return onPod(ctx, key, old as Pod | undefined, cur as Pod | undefined);
    case 'Service':
      return onService(ctx, key, old as Service | undefined, cur as Service | undefined);
    case 'ReplicaSet': {
      const o = (old && ownerKeyOf(old)) || undefined;
      const n = (cur && ownerKeyOf(cur)) || undefined;
      if (o) ctx.index.podsByOwner.remove(o, key);
      if (n) ctx.index.podsByOwner.add(n, key);
      if (!ownStatusWrite(old, cur)) enqueue(ctx, 'replicaset', key);
      return;
    }
    case 'Deployment':
      if (!ownStatusWrite(old, cur)) enqueue(ctx, 'deployment', key);
      return;
    case 'DaemonSet':
      enqueue(ctx, 'daemonset', key);
      return;
    case 'Endpoints':
      if ((obj as Endpoints).metadata.labels?.[SKIP_MIRROR] !== 'true') enqueue(ctx, 'endpointslicemirroring', key);
      return;
    case 'EndpointSlice': {
      const ns = obj.metadata.namespace ?? 'default';
      const o = old?.metadata.labels?.[SERVICE_NAME_LABEL];
      const n = cur?.metadata.labels?.[SERVICE_NAME_LABEL];
      if (o) ctx.index.slicesByService.remove(`${ns}/${o}`, key);
      if (n) ctx.index.slicesByService.add(`${ns}/${n}`, key);
      return;
    }
    case 'Node':
      return onNode(ctx, obj as Node);
    default:
      return;
  }
}

/**
 * A write that kept spec and metadata (the same objects): the controller's own status update. It
 * does not wake that controller again (its sync reads spec, metadata and pods, none of which
 * changed), as the kubelet is not woken by its own pod status writes; anything else that changes
 * what the sync reads enqueues the key itself.
 */
function ownStatusWrite(old: AnyObject | undefined, cur: AnyObject | undefined): boolean {
  return !!old && !!cur && old.metadata === cur.metadata && old['spec'] === cur['spec'];
}

/**
 * A pod written: the indexes (labels, owner, node) follow it; its owner's controllers, the
 * scheduler or the kubelet, and the EndpointSlice controller of every Service selecting it (before
 * and after) get its key, as their informers' pod handlers enqueue it.
 */
function onPod(ctx: Ctx, key: string, oldPod: Pod | undefined, pod: Pod | undefined): void {
  // The scheduler's binding and the kubelet's status writes keep metadata (so labels and owner).
  const sameMeta = !!oldPod && !!pod && oldPod.metadata === pod.metadata;
  const sameLabels = !!oldPod && !!pod && oldPod.metadata.labels === pod.metadata.labels;
  if (!sameLabels) {
    for (const k of labelPairs(oldPod, oldPod?.metadata.labels)) ctx.index.podsByLabel.remove(k, key);
    for (const k of labelPairs(pod, pod?.metadata.labels)) ctx.index.podsByLabel.add(k, key);
  }
  const owner = pod && ownerKeyOf(pod);
  const oldOwner = sameMeta ? owner : oldPod && ownerKeyOf(oldPod);
  if (oldOwner !== owner) {
    if (oldOwner) ctx.index.podsByOwner.remove(oldOwner, key);
    if (owner) ctx.index.podsByOwner.add(owner, key);
  }
  if (oldPod?.spec.nodeName !== pod?.spec.nodeName) {
    if (oldPod?.spec.nodeName) ctx.index.podsByNode.remove(oldPod.spec.nodeName, key);
    if (pod?.spec.nodeName) ctx.index.podsByNode.add(pod.spec.nodeName, key);
  }
  if (!pod && oldPod) releasePodIP(ctx, oldPod);
  // Most events keep the owner: enqueueing it twice would add nothing (queues are sets).
  if (oldOwner !== owner) enqueueOwner(ctx, oldOwner);
  enqueueOwner(ctx, owner);
  if (pod && !pod.spec.nodeName) enqueue(ctx, 'scheduler', key);
  // The kubelet's own status writes keep spec and metadata, so they do not wake it again.
  if (pod?.spec.nodeName && (!oldPod || oldPod.spec !== pod.spec || !sameMeta)) enqueue(ctx, 'kubelet', key);
  if (oldPod && !sameLabels) for (const s of selectingServices(ctx, oldPod)) enqueue(ctx, 'endpointslice', s);
  if (pod) for (const s of selectingServices(ctx, pod)) enqueue(ctx, 'endpointslice', s);
}

/** The Deployment a ReplicaSet's controller reference names, by ReplicaSet object (objects are immutable). */
const deploymentOfReplicaSet = new WeakMap<ReplicaSet, string | undefined>();

/** A pod's owner ("ReplicaSet/ns/name", "DaemonSet/ns/name") and, for a ReplicaSet, its Deployment. */
function enqueueOwner(ctx: Ctx, owner: string | undefined): void {
  if (!owner) return;
  const slash = owner.indexOf('/');
  const kind = owner.slice(0, slash);
  const ownerKey = owner.slice(slash + 1);
  if (kind === 'ReplicaSet') {
    enqueue(ctx, 'replicaset', ownerKey);
    const rs = ctx.store.get<ReplicaSet>('ReplicaSet', ownerKey);
    if (!rs) return;
    let dep = deploymentOfReplicaSet.get(rs);
    if (dep === undefined && !deploymentOfReplicaSet.has(rs)) {
      const o = ownerKeyOf(rs);
      dep = o?.startsWith('Deployment/') ? o.slice('Deployment/'.length) : undefined;
      deploymentOfReplicaSet.set(rs, dep);
    }
    if (dep) enqueue(ctx, 'deployment', dep);
  } else if (kind === 'DaemonSet') enqueue(ctx, 'daemonset', ownerKey);
}

/**
 * servicesForPod, remembered per pod metadata (labels and namespace live there) until a Service
 * changes: a pod is written three times on its way to Running, with the same labels each time.
 */
function selectingServices(ctx: Ctx, pod: Pod): readonly string[] {
  const memo = (ctx.selecting ??= new WeakMap());
  const gen = ctx.serviceGeneration ?? 0;
  const hit = memo.get(pod.metadata);
  if (hit && hit.generation === gen) return hit.services;
  const services = servicesForPod(ctx, pod);
  memo.set(pod.metadata, { generation: gen, services });
  return services;
}

function onService(ctx: Ctx, key: string, oldSvc: Service | undefined, svc: Service | undefined): void {
  ctx.serviceGeneration = (ctx.serviceGeneration ?? 0) + 1;
  for (const k of labelPairs(oldSvc, oldSvc?.spec.selector)) ctx.index.servicesBySelector.remove(k, key);
  for (const k of labelPairs(svc, svc?.spec.selector)) ctx.index.servicesBySelector.add(k, key);
  enqueue(ctx, 'endpointslice', key);
  enqueue(ctx, 'service-lb', key);
  enqueue(ctx, 'endpointslicemirroring', key);
}

/** A node changed: DaemonSets re-place, unscheduled pods retry, the node's pods re-sync. */
function onNode(ctx: Ctx, node: Node): void {
  for (const ds of ctx.store.values<DaemonSet>('DaemonSet')) enqueue(ctx, 'daemonset', objectKey(ds));
  for (const p of ctx.store.values<Pod>('Pod')) {
    if (!p.spec.nodeName) enqueue(ctx, 'scheduler', objectKey(p));
    else if (p.spec.nodeName === node.metadata.name) enqueue(ctx, 'kubelet', objectKey(p));
  }
}

function runQueue(ctx: Ctx, q: QueueName, key: string, cache: () => SchedulerCache): void {
  switch (q) {
    case 'deployment':
      return syncDeployment(ctx, key);
    case 'replicaset':
      return syncReplicaSet(ctx, key);
    case 'daemonset':
      return syncDaemonSet(ctx, key);
    case 'scheduler':
      return schedulePod(ctx, key, cache());
    case 'kubelet':
      return syncPodStatus(ctx, key);
    case 'service-lb':
      return syncLoadBalancer(ctx, key);
    case 'endpointslice':
      return syncServiceEndpoints(ctx, key);
    case 'endpointslicemirroring':
      return syncMirroring(ctx, key);
    default:
      return assertNever(q, 'queue');
  }
}

/** Runs the controllers in QUEUE_ORDER until every queue is empty (the fixed point). */
function drain(ctx: Ctx): void {
  for (let pass = 0; pass < 100; pass++) {
    let worked = false;
    for (const q of QUEUE_ORDER) {
      const keys = [...ctx.queues[q]];
      ctx.queues[q].clear();
      // One scheduler cache per batch, as kube-scheduler keeps its node snapshot between pods.
      let cache: SchedulerCache | undefined;
      const getCache = (): SchedulerCache => (cache ??= schedulerCache(ctx));
      for (const k of keys) {
        worked = true;
        runQueue(ctx, q, k, getCache);
      }
    }
    if (!worked) return;
  }
}

// ------------------------------------------------------------------------------ full reconcile

/** A cluster DNS server's workload or pod (CoreDNS, or kube-dns before it): label k8s-app=kube-dns. */
function clusterDnsWorkload(o: AnyObject): boolean {
  const labels = (o.kind === 'Pod' ? o.metadata.labels : (o as Deployment).spec?.template?.metadata?.labels) ?? {};
  return ['Pod', 'Deployment', 'ReplicaSet', 'DaemonSet'].includes(o.kind) && labels['k8s-app'] === 'kube-dns';
}

/** The order a scenario's objects are created in, whatever order the file had (namespaces before what lives in them). */
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

/** `eventBase`: the last event's seq so far; objects created now are stamped with the events before them. */
function newCtx(store: ObjectStore, settings: LabSettings, state: ControllerState, index: Indexes, eventBase = 0): Ctx {
  const ctx: Ctx = { store, settings, state, index, queues: emptyQueues(), events: [] };
  // The lab's logical clock: one second per control-plane event (kubectl's AGE reads it).
  store.clock = () => eventBase + ctx.events.length;
  store.watch((e) => onEvent(ctx, e));
  return ctx;
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
  // Kinds in dependency order, then by key: the result does not depend on the order of the file.
  const ordered = input.objects
    .map((o) => ({ o, k: o?.metadata ? objectKey(o) : '' }))
    .sort((
      a,
      b,
    ) => (CREATE_ORDER[a.o.kind] ?? 3) - (CREATE_ORDER[b.o.kind] ?? 3) || servicePriority(a.o) - servicePriority(b.o) || (a.k < b.k ? -1 : a.k > b.k ? 1 : 0))
    .map((x) => x.o);
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
  const events = numbered(ctx, 0);
  const cluster = buildCluster(store, settings, events, undefined);
  const state: ReconcileState = {
    settings,
    options,
    store,
    index: ctx.index,
    controllers: ctx.state,
    inputs,
    problems,
    events,
    cluster,
    changes: [],
  };
  return { cluster, problems, state };
}

// ------------------------------------------------------------------------------ incremental

/**
 * Applies one scenario edit to a previous result, running only the controllers whose queues the
 * edit's watch events fill. The previous state is not modified. Changes to Nodes or Namespaces
 * re-run everything (they touch every pod), as does a change to a built-in object.
 */
export function applyChange(prev: ReconcileState, change: Change): ReconcileState {
  if (change.kind === 'apply' && !change.object?.metadata) {
    const kind = (change.object as { kind?: string } | undefined)?.kind ?? 'Object';
    const problem: ApiProblem = {
      ref: { kind, name: '' },
      field: 'metadata',
      reason: 'Invalid',
      message: `error validating data: ValidationError(${kind}): missing required field "metadata"`,
    };
    return { ...prev, problems: [...prev.problems, problem], changes: [] };
  }
  const kind = change.kind === 'apply' ? change.object.kind : change.ref.kind;
  const inputs = prev.inputs.fork();
  // Inputs are what users applied. A controller's object (a ReplicaSet's pod) changed by hand stays
  // the controller's: a full reconcile later recreates it from its owner, as a new cluster would.
  if (change.kind === 'apply') {
    if (!change.object.metadata.ownerReferences?.some((r) => r.controller)) inputs.set(
      inputKey(change.object),
      change.object,
    );
  } else inputs.delete(`${change.ref.kind}/${refKey(change.ref)}`);
  const refOfChange: ObjectRef =
    change.kind === 'apply'
      ? {
        kind,
        name: change.object.metadata.name,
        ...(change.object.metadata.namespace ? { namespace: change.object.metadata.namespace } : {}),
      }
      : change.ref;

  if (kind === 'Node' || kind === 'Namespace') {
    // Everything is recomputed; `changes` stays empty, so consumers know to rebuild from scratch.
    const r = reconcile({ settings: prev.settings, objects: [...inputs.values()] }, prev.options);
    return r.state;
  }

  const store = prev.store.fork();
  const ctx = newCtx(
    store,
    prev.settings,
    cloneControllerState(prev.controllers),
    forkIndexes(prev.index),
    lastSeq(prev.events),
  );
  const changes: WatchEvent[] = [];
  store.watch((e) => changes.push(e));
  const problems = prev.problems.filter(
    (p) => !(
      p.ref.kind === refOfChange.kind && p.ref.name === refOfChange.name && (p.ref.namespace ?? 'default') === (
        refOfChange.namespace ?? 'default'
      )
    )
  );
  if (change.kind === 'apply') {
    const obj = change.object;
    const existing = store.get(obj.kind, objectKey(obj));
    if (existing) {
      let next: AnyObject = obj;
      if (obj.kind === 'Pod') {
        // `kubectl apply` does not touch status or the scheduler's binding.
        const was = existing as Pod;
        const p = obj as Pod;
        next = {
          ...p,
          spec: { ...p.spec, nodeName: p.spec.nodeName ?? was.spec.nodeName },
          status: p.status ?? was.status,
        };
      } else if (obj.kind === 'Service' && !(obj as Service).status) {
        next = { ...obj, status: (existing as Service).status } as Service;
      } else if ((obj.kind === 'Deployment' || obj.kind === 'ReplicaSet') && !obj['status']) {
        next = { ...obj, status: existing['status'] } as AnyObject;
      }
      const res = store.update(next);
      if (!res.ok) problems.push(...res.problems);
    } else {
      const res = store.create(obj);
      if (!res.ok) problems.push(...res.problems);
    }
  } else {
    const pod = change.ref.kind === 'Pod' ? store.get<Pod>('Pod', refKey(change.ref)) : undefined;
    const res = store.delete(change.ref);
    if (!res.ok) problems.push(...res.problems);
    else if (pod?.spec.nodeName) {
      // `kubectl delete pod`: the kubelet stops the containers (the lab has no grace period).
      for (const c of pod.spec.containers) {
        ctx.events.push({
          type: 'Normal',
          reason: 'Killing',
          object: { kind: 'Pod', namespace: pod.metadata.namespace ?? 'default', name: pod.metadata.name },
          message: `Stopping container ${c.name}`,
          source: 'kubelet',
          node: pod.spec.nodeName,
        });
      }
    }
  }
  drain(ctx);
  const events = appendEvents(prev.events, ctx);
  const cluster = buildCluster(store, prev.settings, events, prev.cluster);
  return {
    settings: prev.settings,
    options: prev.options,
    store,
    index: ctx.index,
    controllers: ctx.state,
    inputs,
    problems,
    events,
    cluster,
    changes,
  };
}

/**
 * Every controller re-syncs every object from the persisted state, as after a
 * kube-controller-manager restart (informers list everything). Allocations made earlier (pod
 * bindings and IPs, generated names, Service addresses) are kept, so this is the reference the
 * incremental path must agree with.
 */
export function resync(prev: ReconcileState): ReconcileState {
  const store = prev.store.fork();
  const ctx = newCtx(
    store,
    prev.settings,
    cloneControllerState(prev.controllers),
    forkIndexes(prev.index),
    lastSeq(prev.events),
  );
  syncNodes(ctx);
  for (const d of store.values('Deployment')) enqueue(ctx, 'deployment', objectKey(d));
  for (const r of store.values('ReplicaSet')) enqueue(ctx, 'replicaset', objectKey(r));
  for (const d of store.values('DaemonSet')) enqueue(ctx, 'daemonset', objectKey(d));
  for (const p of store.values<Pod>('Pod')) enqueue(ctx, p.spec.nodeName ? 'kubelet' : 'scheduler', objectKey(p));
  for (const s of store.values('Service')) {
    enqueue(ctx, 'service-lb', objectKey(s));
    enqueue(ctx, 'endpointslice', objectKey(s));
    enqueue(ctx, 'endpointslicemirroring', objectKey(s));
  }
  for (const e of store.values('Endpoints')) enqueue(ctx, 'endpointslicemirroring', objectKey(e));
  drain(ctx);
  const events = appendEvents(prev.events, ctx);
  const cluster = buildCluster(store, prev.settings, events, prev.cluster);
  return { ...prev, store, index: ctx.index, controllers: ctx.state, events, cluster, changes: [] };
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

function buildCluster(store: ObjectStore, settings: LabSettings, events: ClusterEvent[], prev: Cluster | undefined): Cluster {
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
