// The informers' event handlers: every watch event the store emits keeps the indexes in step and
// enqueues the keys of the controllers that must look again, as client-go's shared informers call
// each controller's AddFunc / UpdateFunc / DeleteFunc (which only enqueue a key).

import type { DaemonSet, Endpoints, Node, Pod, ReplicaSet, Service } from '../api/types';
import { objectKey } from '../api/types';
import type { AnyObject, WatchEvent } from '../api/store';
import { labelKey, ownerKeyOf, servicesForPod, type Ctx, type PodFacts, type QueueName } from './context';
import { releasePodIP } from './kubelet';
import { SERVICE_NAME_LABEL, SKIP_MIRROR } from './endpointslice';

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
 * What the handlers read of a pod's metadata, derived once per metadata object in a run: the
 * scheduler's binding and the kubelet's status writes keep the metadata object, so a pod's three
 * writes on its way to Running derive its key, label pairs and owner once (one key string per pod).
 */
function podFacts(ctx: Ctx, pod: Pod, key: string): PodFacts {
  const memo = ctx.derived.pods;
  let f = memo.get(pod.metadata);
  if (f) return f;
  const ns = pod.metadata.namespace ?? 'default';
  const owner = ownerFacts(ctx, pod, ns);
  f = {
    // The store's key string (`${ns}/${name}`), its hash already computed by the store's map.
    key,
    labelKeys: labelKeysOf(ctx, pod.metadata.labels, ns),
    owner: owner?.owner,
    ownerKind: owner?.kind,
    ownerKey: owner?.key,
    services: [],
    generation: -1,
  };
  memo.set(pod.metadata, f);
  return f;
}

/**
 * The label pairs of a labels object, derived once per object: the pods of one template share
 * theirs (podtemplate.ts), so they share these strings too.
 */
function labelKeysOf(ctx: Ctx, labels: Record<string, string> | undefined, ns: string): readonly string[] {
  if (!labels) return [];
  const memo = ctx.derived.labelKeys;
  const hit = memo.get(labels);
  if (hit && hit.ns === ns) return hit.keys;
  const keys: string[] = [];
  for (const k in labels) keys.push(labelKey(ns, k, labels[k]!));
  memo.set(labels, { ns, keys });
  return keys;
}

/** ownerKeyOf split in kind and key, once per ownerReferences list (shared by a template's pods). */
function ownerFacts(ctx: Ctx, pod: Pod, ns: string): { owner: string; kind: string; key: string } | undefined {
  const refs = pod.metadata.ownerReferences;
  if (!refs) return undefined;
  const memo = ctx.derived.owners;
  const hit = memo.get(refs);
  if (hit && hit.ns === ns) return hit.facts;
  const owner = ownerKeyOf(pod);
  const slash = owner ? owner.indexOf('/') : -1;
  const facts = owner ? { owner, kind: owner.slice(0, slash), key: owner.slice(slash + 1) } : undefined;
  memo.set(refs, { ns, facts });
  return facts;
}

/**
 * A pod written: the indexes (labels, owner, node) follow it; its owner's controllers, the
 * scheduler or the kubelet, and the EndpointSlice controller of every Service selecting it (before
 * and after) get its key, as their informers' pod handlers enqueue it.
 */
function onPod(ctx: Ctx, oldPod: Pod | undefined, pod: Pod | undefined, storeKey: string): void {
  // The scheduler's binding and the kubelet's status writes keep metadata (so labels and owner).
  const sameMeta = !!oldPod && !!pod && oldPod.metadata === pod.metadata;
  const cur = pod && podFacts(ctx, pod, storeKey);
  const old = sameMeta ? cur : oldPod && podFacts(ctx, oldPod, storeKey);
  const key = (cur ?? old)!.key;
  const sameLabels = !!oldPod && !!pod && oldPod.metadata.labels === pod.metadata.labels;
  if (!sameLabels) {
    if (old) for (const k of old.labelKeys) ctx.index.podsByLabel.remove(k, key);
    if (cur) for (const k of cur.labelKeys) ctx.index.podsByLabel.add(k, key);
  }
  const owner = cur?.owner;
  const oldOwner = old?.owner;
  if (oldOwner !== owner) {
    if (oldOwner) ctx.index.podsByOwner.remove(oldOwner, key);
    if (owner) ctx.index.podsByOwner.add(owner, key);
  }
  const node = pod?.spec.nodeName;
  const oldNode = oldPod?.spec.nodeName;
  if (oldNode !== node) {
    if (oldNode) ctx.index.podsByNode.remove(oldNode, key);
    if (node) ctx.index.podsByNode.add(node, key);
  }
  if (!pod && oldPod) releasePodIP(ctx, oldPod);
  // Most events keep the owner: enqueueing it twice would add nothing (queues are sets).
  if (oldOwner !== owner && old) enqueueOwner(ctx, old);
  if (cur) enqueueOwner(ctx, cur);
  if (pod && !node) enqueue(ctx, 'scheduler', key);
  // The kubelet's own status writes keep spec and metadata, so they do not wake it again.
  if (node && (!oldPod || oldPod.spec !== pod.spec || !sameMeta)) enqueue(ctx, 'kubelet', key);
  if (old && !sameLabels) for (const s of selectingServices(ctx, oldPod!, old)) enqueue(ctx, 'endpointslice', s);
  if (cur) for (const s of selectingServices(ctx, pod!, cur)) enqueue(ctx, 'endpointslice', s);
}

/** A pod's owner (a ReplicaSet or a DaemonSet) and, for a ReplicaSet, its Deployment. */
function enqueueOwner(ctx: Ctx, f: PodFacts): void {
  const ownerKey = f.ownerKey;
  if (ownerKey === undefined) return;
  if (f.ownerKind === 'ReplicaSet') {
    enqueue(ctx, 'replicaset', ownerKey);
    const rs = ctx.store.get<ReplicaSet>('ReplicaSet', ownerKey);
    if (!rs) return;
    const owners = ctx.derived.replicaSetOwner;
    let dep = owners.get(rs);
    if (dep === undefined && !owners.has(rs)) {
      const o = ownerKeyOf(rs);
      dep = o?.startsWith('Deployment/') ? o.slice('Deployment/'.length) : undefined;
      owners.set(rs, dep);
    }
    if (dep) enqueue(ctx, 'deployment', dep);
  } else if (f.ownerKind === 'DaemonSet') enqueue(ctx, 'daemonset', ownerKey);
}

/**
 * servicesForPod, remembered with the pod's facts (labels and namespace live in its metadata)
 * until a Service changes: a pod is written three times on its way to Running, with the same labels.
 */
function selectingServices(ctx: Ctx, pod: Pod, f: PodFacts): readonly string[] {
  const gen = ctx.derived.serviceGeneration;
  if (f.generation !== gen) {
    f.services = servicesForPod(ctx, pod, f.labelKeys);
    f.generation = gen;
  }
  return f.services;
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
