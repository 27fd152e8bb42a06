// The pod garbage collector (kube-controller-manager's podgc): a pod bound to a node that no longer
// exists is force-deleted (gcOrphaned), and its owner's controller replaces it elsewhere. The real
// controller waits out a quarantine (~40 s) first; the lab has no wall clock, so it deletes at once.

import type { Node, Pod } from '../api/types';
import type { Ctx } from './context';

export function collectOrphanedPods(ctx: Ctx): void {
  const nodes = new Set(ctx.store.list<Node>('Node').map((n) => n.metadata.name));
  const orphans = ctx.store.list<Pod>('Pod').filter((p) => p.spec.nodeName && !nodes.has(p.spec.nodeName));
  for (const p of orphans) {
    ctx.store.delete({ kind: 'Pod', namespace: p.metadata.namespace ?? 'default', name: p.metadata.name });
  }
}
