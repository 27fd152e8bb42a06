// The DaemonSet controller: one pod per node whose labels match the template's nodeSelector,
// bound to that node directly (the pre-1.12 behaviour; today the controller sets node affinity
// and the scheduler binds, with the same result).

import type { DaemonSet, Node, Pod } from '../api/types';
import type { Ctx } from './context';
import { createPods, deleteOwnedPod } from './podtemplate';
import { splitMetaNamespaceKey } from '../api/keys';

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
}
