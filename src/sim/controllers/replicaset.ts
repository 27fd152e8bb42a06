// The ReplicaSet controller: keeps spec.replicas active pods (not terminating) with the template,
// naming each <replicaset>-<5 chars> through generateName. A deleted or terminating pod is replaced
// by a new one with a new name; scaling down removes the youngest pods first (as ActivePodsWithRanks
// ranks otherwise-equal pods).

import type { Pod, ReplicaSet } from '../api/types';
import type { Ctx } from './context';
import { createPods, deleteOwnedPod } from './podtemplate';
import { isPodReady, isTerminating } from './podstate';
import { splitMetaNamespaceKey } from '../api/keys';
import { copyWith } from '../api/copy';

/** The pods of the ReplicaSet that count (not terminating), in the owner index's order. */
function activePods(ctx: Ctx, ownerKey: string): Pod[] {
  const out: Pod[] = [];
  for (const k of ctx.index.podsByOwner.get(ownerKey) ?? []) {
    const p = ctx.store.get<Pod>('Pod', k);
    if (p && !isTerminating(p)) out.push(p);
  }
  return out;
}

export function syncReplicaSet(ctx: Ctx, key: string): void {
  const rs = ctx.store.get<ReplicaSet>('ReplicaSet', key);
  const ownerKey = `ReplicaSet/${key}`;
  if (!rs) {
    // A snapshot that left the ReplicaSet out still had it: its pods stay.
    if (ctx.preserve) return;
    const ns = splitMetaNamespaceKey(key).namespace;
    for (const k of [...(ctx.index.podsByOwner.get(ownerKey) ?? [])]) {
      ctx.store.delete({ kind: 'Pod', namespace: ns, name: k.slice(ns.length + 1) });
    }
    return;
  }
  const active = activePods(ctx, ownerKey);
  const want = rs.spec.replicas ?? 1;
  if (active.length < want) {
    // The owner index lists the pods just created after the ones it had (the handlers only index
    // and enqueue): the active pods now are the ones read and the ones created.
    const created = createReplicas(ctx, rs, key, want - active.length);
    writeStatus(ctx, rs, key, active.concat(created.filter((p) => !isTerminating(p))));
    return;
  }
  if (active.length > want) deletePods(ctx, rs, active.slice(want).reverse());
  // Without deletions the index is as it was: the pods just read are the ones to count.
  writeStatus(ctx, rs, key, active.length === want ? active : activePods(ctx, ownerKey));
}

function createReplicas(ctx: Ctx, rs: ReplicaSet, key: string, count: number): Pod[] {
  const { namespace: ns, name } = splitMetaNamespaceKey(key);
  const owner = { kind: 'ReplicaSet' as const, name, uid: rs.metadata.uid };
  const input = { template: rs.spec.template, namespace: ns, owner };
  const { created, failure } = createPods(ctx, input, Array<undefined>(count).fill(undefined), true);
  if (failure && !failure.ok) {
    ctx.events.push({
      type: 'Warning',
      reason: 'FailedCreate',
      object: { kind: 'ReplicaSet', namespace: ns, name },
      message: `Error creating: ${failure.problems[0]?.message ?? 'unknown error'}`,
      source: 'replicaset-controller',
    });
  }
  return created;
}

function deletePods(ctx: Ctx, rs: ReplicaSet, victims: Pod[]): void {
  const owner = { kind: 'ReplicaSet' as const, name: rs.metadata.name };
  for (const pod of victims) deleteOwnedPod(ctx, owner, rs.metadata.namespace ?? 'default', pod);
}

/** `rs`: as this sync read it (its pods' writes do not change it; this controller alone writes its status). */
function writeStatus(ctx: Ctx, rs: ReplicaSet, key: string, pods: Pod[]): void {
  let ready = 0;
  for (const p of pods) if (isPodReady(p)) ready++;
  const prev = rs['status'] as Record<string, number> | undefined;
  // Most syncs (a pod bound, a pod started) change no count: no status object to build for them.
  if (
    prev && prev['replicas'] === pods.length && prev['fullyLabeledReplicas'] === pods.length &&
    prev['readyReplicas'] === ready && prev['availableReplicas'] === ready && prev['observedGeneration'] === 1
  ) return;
  const status = {
    replicas: pods.length,
    fullyLabeledReplicas: pods.length,
    readyReplicas: ready,
    availableReplicas: ready,
    observedGeneration: 1,
  };
  ctx.store.put(copyWith(rs, { status }), key);
}

/** Every count in `next` equals the one in `prev` (keys `prev` has beyond them do not matter). */
export function sameCounts(prev: Record<string, unknown>, next: Record<string, number>): boolean {
  for (const k in next) if (prev[k] !== next[k]) return false;
  return true;
}
