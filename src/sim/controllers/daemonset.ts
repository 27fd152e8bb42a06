// The DaemonSet controller: one pod per node whose labels match the template's nodeSelector,
// bound to that node directly (the pre-1.12 behaviour; today the controller sets node affinity
// and the scheduler binds, with the same result). Its status counts the pods it placed, as
// updateDaemonSetStatus does (pkg/controller/daemon/daemon_controller.go).

import type { DaemonSet, Node, Pod } from '../api/types';
import type { Ctx } from './context';
import { createPods, deleteOwnedPod } from './podtemplate';
import { isPodReady, isTerminating } from './podstate';
import { splitMetaNamespaceKey } from '../api/keys';
import { copyWith } from '../api/copy';
import { deepEqual } from '../util/equal';

export function syncDaemonSet(ctx: Ctx, key: string): void {
  const ds = ctx.store.get<DaemonSet>('DaemonSet', key);
  const { namespace: ns, name } = splitMetaNamespaceKey(key);
  const podKeys = [...(ctx.index.podsByOwner.get(`DaemonSet/${key}`) ?? [])];
  const pods = podKeys.map((k) => ctx.store.get<Pod>('Pod', k)).filter((p): p is Pod => !!p);
  if (!ds) {
    if (ctx.preserve) return;
    for (const p of pods) ctx.store.delete({ kind: 'Pod', namespace: ns, name: p.metadata.name });
    return;
  }
  const sel = ds.spec.template.spec.nodeSelector ?? {};
  const eligible = ctx.store
    .list<Node>('Node')
    .filter((n) => Object.entries(sel).every(([k, v]) => n.metadata.labels?.[k] === v))
    .map((n) => n.metadata.name)
    .sort();
  // A snapshot's DaemonSet pods are where the real scheduler and taints put them.
  if (ctx.preserve && pods.length > 0) return;
  const byNode = new Map(pods.map((p) => [p.spec.nodeName, p]));
  const owner = { kind: 'DaemonSet' as const, name, uid: ds.metadata.uid };
  const missing = eligible.filter((nodeName) => !byNode.has(nodeName)).map((nodeName) => ({ nodeName }));
  createPods(ctx, { template: ds.spec.template, namespace: ns, owner }, missing, false);
  for (const p of pods) if (!eligible.includes(p.spec.nodeName ?? '')) deleteOwnedPod(ctx, owner, ns, p);
  writeStatus(ctx, ds, key, eligible);
}

/**
 * desiredNumberScheduled (the eligible nodes), currentNumberScheduled (those running its pod),
 * numberMisscheduled (its pods on other nodes), numberReady and numberAvailable (minReadySeconds 0),
 * updatedNumberScheduled (the lab's pods all run the current template). Read after this sync's
 * creates and deletes; a pod that later starts or turns ready wakes the DaemonSet again.
 */
function writeStatus(ctx: Ctx, ds: DaemonSet, key: string, eligible: string[]): void {
  const onNodes = new Set(eligible);
  let current = 0;
  let misscheduled = 0;
  let ready = 0;
  for (const k of ctx.index.podsByOwner.get(`DaemonSet/${key}`) ?? []) {
    const p = ctx.store.get<Pod>('Pod', k);
    if (!p || isTerminating(p)) continue;
    if (onNodes.has(p.spec.nodeName ?? '')) current++;
    else misscheduled++;
    if (isPodReady(p)) ready++;
  }
  const status: Record<string, number> = {
    currentNumberScheduled: current,
    numberMisscheduled: misscheduled,
    desiredNumberScheduled: eligible.length,
    numberReady: ready,
    observedGeneration: 1,
    updatedNumberScheduled: current,
    numberAvailable: ready,
  };
  // numberUnavailable is omitempty in apps/v1.
  if (eligible.length - ready > 0) status['numberUnavailable'] = eligible.length - ready;
  const prev = ds['status'] as Record<string, number> | undefined;
  if (!deepEqual(prev, status)) ctx.store.put(copyWith(ds, { status }), key);
}
