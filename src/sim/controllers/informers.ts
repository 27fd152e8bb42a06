// The informers' event handlers: every watch event the store emits keeps the indexes in step and
// enqueues the keys of the controllers that must look again, as client-go's shared informers call
// each controller's AddFunc / UpdateFunc / DeleteFunc (which only enqueue a key).

import type { DaemonSet, Endpoints, Node, Pod, ReplicaSet, Service } from '../api/types';
import { objectKey } from '../api/types';
import type { AnyObject, WatchEvent } from '../api/store';
import {
  controllerRef,
  labelKey,
  ownerKeyOf,
  servicesForPod,
  type Ctx,
  type LabelFacts,
  type OwnedMeta,
  type OwnerFacts,
  type QueueName,
} from './context';
import { releasePodIP } from './kubelet';
import { SERVICE_NAME_LABEL, SKIP_MIRROR } from './endpointslice';
import { DEFAULT_SERVICE_ACCOUNT } from './serviceaccount';

export function enqueue(ctx: Ctx, q: QueueName, key: string): void {
  ctx.queues[q].add(key);
}

/** `key`: the object's key as the store holds it (objectKey(e.object)). */
export function onEvent(ctx: Ctx, e: WatchEvent, key: string): void {
  const obj = e.object;
  const old = e.type === 'ADDED' ? undefined : e.old;
  const cur = e.type === 'DELETED' ? undefined : obj;
  if (obj.kind === 'Pod') return onPod(ctx, old as Pod | undefined, cur as Pod | undefined, key);
  switch (obj.kind) {
    case 'Service':
      return onService(ctx, key, old as Service | undefined, cur as Service | undefined);
    case 'ReplicaSet':
      return onReplicaSet(ctx, key, old, cur);
    case 'Deployment':
      if (!ownStatusWrite(old, cur)) enqueue(ctx, 'deployment', key);
      return;
    case 'DaemonSet':
      if (!ownStatusWrite(old, cur)) enqueue(ctx, 'daemonset', key);
      return;
    case 'StatefulSet':
      if (!ownStatusWrite(old, cur)) enqueue(ctx, 'statefulset', key);
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
    case 'Namespace':
      if (cur) enqueue(ctx, 'serviceaccount', key);
      return;
    case 'ServiceAccount':
      // The default account deleted: the controller makes it again while its namespace lives.
      if (!cur && obj.metadata.name === DEFAULT_SERVICE_ACCOUNT) {
        enqueue(ctx, 'serviceaccount', obj.metadata.namespace ?? 'default');
      }
      return;
    default:
      return;
  }
}

/**
 * A ReplicaSet written: the owner index follows its controller, and the pods' handlers look its
 * Deployment up again when it came, went or changed owner.
 */
function onReplicaSet(ctx: Ctx, key: string, old: AnyObject | undefined, cur: AnyObject | undefined): void {
  const n = cur && ownerFacts(ctx, cur)?.owner;
  // A status write keeps the ownerReferences: one facts lookup, not two (20,000 per reconcile).
  const o = old && (old.metadata.ownerReferences === cur?.metadata.ownerReferences ? n : ownerFacts(ctx, old)?.owner);
  if (o !== n || !old || !cur) ctx.derived.replicaSetGeneration++;
  if (o && o !== n) ctx.index.podsByOwner.remove(o, key);
  // Every write moves the ReplicaSet last among its owner's (the order ownedByIndex reads them in).
  if (n) ctx.index.podsByOwner.moveToEnd(n, key);
  if (!ownStatusWrite(old, cur)) enqueue(ctx, 'replicaset', key);
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
 * What the handlers read of a pod's labels in its namespace, derived once per labels object in a run:
 * the pods of one template share theirs (podtemplate.ts), and the scheduler's binding and the
 * kubelet's status writes keep the metadata, so a template's pods and their writes derive it once.
 */
function labelFacts(ctx: Ctx, pod: Pod): LabelFacts {
  const labels = pod.metadata.labels;
  const ns = pod.metadata.namespace ?? 'default';
  const d = ctx.derived;
  const last = d.lastLabels;
  if (last && last.labels === labels && last.ns === ns) return last;
  let f = labels ? d.labels.get(labels) : undefined;
  if (!f || f.ns !== ns) {
    const keys: string[] = [];
    for (const k in labels) keys.push(labelKey(ns, k, labels[k]!));
    f = { labels, ns, keys, services: [], generation: -1, servicesQueued: -1, buckets: undefined };
    if (labels) d.labels.set(labels, f);
  }
  d.lastLabels = f;
  return f;
}

/** ownerKeyOf split in kind and key, once per ownerReferences list (shared by a template's pods). */
function ownerFacts(ctx: Ctx, o: { metadata: OwnedMeta }): OwnerFacts | undefined {
  const refs = o.metadata.ownerReferences;
  if (!refs) return undefined;
  const ns = o.metadata.namespace ?? 'default';
  const d = ctx.derived;
  const last = d.lastOwner;
  if (last && last.refs === refs && last.ns === ns) return last;
  let f = d.owners.get(refs);
  if (!f || f.ns !== ns) {
    // ownerKeyOf's key, but joined: flat strings (a template literal's or a slice's string is a
    // chain or a view, which each queue and store lookup of the owner compares the slow way).
    const ref = controllerRef(o);
    const key = ref && [ns, ref.name].join('/');
    const owner = ref && [ref.kind, ns, ref.name].join('/');
    f = {
      refs, ns, owner, kind: ref?.kind, key, deployment: undefined, generation: -1, keyQueued: -1, deploymentQueued: -1,
    };
    d.owners.set(refs, f);
  }
  d.lastOwner = f;
  return f;
}

/**
 * A pod written: the indexes (labels, owner, node) follow it; its owner's controllers, the
 * scheduler or the kubelet, and the EndpointSlice controller of every Service selecting it (before
 * and after) get its key, as their informers' pod handlers enqueue it.
 */
function onPod(ctx: Ctx, oldPod: Pod | undefined, pod: Pod | undefined, key: string): void {
  // The scheduler's binding and the kubelet's status writes keep metadata (so labels and owner).
  const sameMeta = !!oldPod && !!pod && oldPod.metadata === pod.metadata;
  const sameLabels = !!oldPod && !!pod && oldPod.metadata.labels === pod.metadata.labels;
  const labels = pod && labelFacts(ctx, pod);
  const oldLabels = sameLabels ? labels : oldPod && labelFacts(ctx, oldPod);
  if (!sameLabels) {
    if (oldLabels) for (const k of oldLabels.keys) ctx.index.podsByLabel.remove(k, key);
    if (labels) ctx.index.podsByLabel.addToEach(labels.keys, key, labels);
  }
  const cur = pod && ownerFacts(ctx, pod);
  const old = sameMeta ? cur : oldPod && ownerFacts(ctx, oldPod);
  const owner = cur?.owner;
  const oldOwner = old?.owner;
  if (oldOwner !== owner) {
    if (oldOwner) ctx.index.podsByOwner.remove(oldOwner, key);
    if (owner) ctx.index.podsByOwner.add(owner, key);
  }
  const node = pod?.spec.nodeName;
  const oldNode = oldPod?.spec.nodeName;
  if (oldNode !== node) {
    if (oldNode) countOnNode(ctx, oldNode, -1);
    if (node) countOnNode(ctx, node, 1);
  }
  if (!pod && oldPod) releasePodIP(ctx, oldPod);
  waitingForRoom(ctx, oldPod, pod, key);
  // A key that goes (or loses its node) may come back in this pass: new or bound is no proof of absence.
  if (oldPod && (!pod || (oldNode && !node))) {
    ctx.queues.scheduler.mayRepeat();
    ctx.queues.kubelet.mayRepeat();
  }
  // Most events keep the owner: enqueueing it twice would add nothing (queues are sets).
  if (oldOwner !== owner && old) enqueueOwner(ctx, old);
  if (cur) enqueueOwner(ctx, cur);
  // A pod created or just bound was in no queue of these since the last take: an earlier event
  // that queued its key had the pod there (and bound, for the kubelet), so it went since (mayRepeat).
  if (pod && !node) {
    if (oldPod) enqueue(ctx, 'scheduler', key);
    else ctx.queues.scheduler.addNew(key);
  }
  // The kubelet's own status writes keep spec and metadata, so they do not wake it again.
  if (node && (!oldPod || !oldNode)) ctx.queues.kubelet.addNew(key);
  else if (node && (oldPod!.spec !== pod.spec || !sameMeta)) enqueue(ctx, 'kubelet', key);
  if (oldLabels && !sameLabels) enqueueServices(ctx, oldPod!, oldLabels);
  if (labels) enqueueServices(ctx, pod!, labels);
}

/**
 * The pods the scheduler found no node for are kept aside; a pod that leaves its node frees room
 * there, so they are looked at again (kube-scheduler moves them back to its active queue on an
 * assigned pod's deletion). New pods have no status yet: two reads for most events.
 */
function waitingForRoom(ctx: Ctx, oldPod: Pod | undefined, pod: Pod | undefined, key: string): void {
  const was = !!oldPod && unschedulable(oldPod);
  const is = !!pod && unschedulable(pod);
  const index = ctx.index.unschedulablePods;
  if (was && !is) index.remove('', key);
  else if (is && !was) index.add('', key);
  if (oldPod?.spec.nodeName && !pod?.spec.nodeName) {
                for (const k of index.get('') ?? []) enqueue(ctx, 'scheduler', k);
  }
}

function unschedulable(pod: Pod): boolean {
  return !pod.spec.nodeName && !!pod.status?.conditions?.some((c) => c.type === 'PodScheduled' && c.status === 'False');
}

/** A count per node, not the pods' keys: a 250-entry count costs no set insert per binding (~1 µs each). */
function countOnNode(ctx: Ctx, node: string, delta: 1 | -1): void {
  const n = (ctx.index.podsPerNode.get(node) ?? 0) + delta;
  if (n > 0) ctx.index.podsPerNode.set(node, n);
  else ctx.index.podsPerNode.delete(node);
}

/**
 * A pod's owner (a ReplicaSet, DaemonSet or StatefulSet) and, for a ReplicaSet, its Deployment: looked up once
 * per owner until a ReplicaSet comes, goes or changes its controller (replicaSetGeneration).
 */
function enqueueOwner(ctx: Ctx, f: OwnerFacts): void {
  const ownerKey = f.key;
  if (ownerKey === undefined) return;
  if (f.kind === 'ReplicaSet') {
    // An owner's pods are written three times each per pass (created, bound, running): the key is
    // queued still after the first (~40,000 set lookups per 10,000 ReplicaSets saved).
    const rsQueue = ctx.queues.replicaset;
    if (f.keyQueued !== rsQueue.epoch) {
      rsQueue.add(ownerKey);
      f.keyQueued = rsQueue.epoch;
    }
    const gen = ctx.derived.replicaSetGeneration;
    if (f.generation !== gen) {
      const rs = ctx.store.get<ReplicaSet>('ReplicaSet', ownerKey);
      const o = rs && ownerKeyOf(rs);
      f.deployment = o?.startsWith('Deployment/') ? o.slice('Deployment/'.length) : undefined;
      f.generation = gen;
      f.deploymentQueued = -1;
    }
    const dQueue = ctx.queues.deployment;
    if (f.deployment && f.deploymentQueued !== dQueue.epoch) {
      dQueue.add(f.deployment);
      f.deploymentQueued = dQueue.epoch;
    }
  } else if (f.kind === 'DaemonSet') enqueue(ctx, 'daemonset', ownerKey);
  else if (f.kind === 'StatefulSet') enqueue(ctx, 'statefulset', ownerKey);
}

/**
 * Enqueues the Services selecting a pod of these labels: servicesForPod, remembered with the labels'
 * facts (what it reads: the namespace and the labels) until a Service changes: a template's pods are
 * written three times each on their way to Running.
 */
function enqueueServices(ctx: Ctx, pod: Pod, f: LabelFacts): void {
  const gen = ctx.derived.serviceGeneration;
  if (f.generation !== gen) {
    f.services = servicesForPod(ctx, pod, f.keys);
    f.generation = gen;
    f.servicesQueued = -1;
  }
  // Enqueued for this labels object since the queue was last taken: queued still (a template's pods).
  const q = ctx.queues.endpointslice;
  if (f.servicesQueued === q.epoch) return;
  for (const s of f.services) q.add(s);
  f.servicesQueued = q.epoch;
}

function onService(ctx: Ctx, key: string, oldSvc: Service | undefined, svc: Service | undefined): void {
  ctx.derived.serviceGeneration++;
  for (const k of selectorPairs(oldSvc)) ctx.index.servicesBySelector.remove(k, key);
  for (const k of selectorPairs(svc)) ctx.index.servicesBySelector.add(k, key);
  enqueue(ctx, 'endpointslice', key);
  enqueue(ctx, 'service-lb', key);
  enqueue(ctx, 'endpointslicemirroring', key);
}

function selectorPairs(svc: Service | undefined): string[] {
  if (!svc) return [];
  const ns = svc.metadata.namespace ?? 'default';
  return Object.entries(svc.spec.selector ?? {}).map(([k, v]) => labelKey(ns, k, v));
}

/** A node changed: DaemonSets re-place, unscheduled pods retry, the node's pods re-sync. */
function onNode(ctx: Ctx, node: Node): void {
  for (const ds of ctx.store.values<DaemonSet>('DaemonSet')) enqueue(ctx, 'daemonset', objectKey(ds));
  for (const p of ctx.store.values<Pod>('Pod')) {
    if (!p.spec.nodeName) enqueue(ctx, 'scheduler', objectKey(p));
    else if (p.spec.nodeName === node.metadata.name) enqueue(ctx, 'kubelet', objectKey(p));
  }
}
