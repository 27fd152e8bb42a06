// The ReplicaSet controller: keeps spec.replicas active pods (not terminating) with the template,
// naming each <replicaset>-<5 chars> through generateName. A deleted or terminating pod is replaced
// by a new one with a new name; scaling down removes the youngest pods first (as ActivePodsWithRanks
// ranks otherwise-equal pods).

import type { Pod, ReplicaSet } from '../api/types';
import type { Ctx } from './context';
import { withNameStream } from './context';
import { createPodFromTemplate } from './podtemplate';
import { isPodReady, isTerminating } from './podstate';
import { splitMetaNamespaceKey } from '../api/keys';

export function syncReplicaSet(ctx: Ctx, key: string): void {
  const rs = ctx.store.get<ReplicaSet>('ReplicaSet', key);
  const { namespace: ns, name } = splitMetaNamespaceKey(key);
  const podKeys = [...(ctx.index.podsByOwner.get(`ReplicaSet/${key}`) ?? [])];
  if (!rs) {
    // A snapshot that left the ReplicaSet out still had it: its pods stay.
    if (ctx.preserve) return;
    for (const k of podKeys) ctx.store.delete({ kind: 'Pod', namespace: ns, name: k.slice(ns.length + 1) });
    return;
  }
  const active = podKeys.map((k) => ctx.store.get<Pod>('Pod', k)).filter((p): p is Pod => !!p && !isTerminating(p));
  const want = rs.spec.replicas ?? 1;
  if (active.length < want) {
    const template = rs.spec.template;
    withNameStream(ctx, `ReplicaSet/${key}`, (rand) => {
      for (let i = active.length; i < want; i++) {
        const res = createPodFromTemplate(
          ctx,
          { template, namespace: ns, owner: { kind: 'ReplicaSet', name, uid: rs.metadata.uid }, nameRand: rand },
        );
        if (!res.ok) {
          ctx.events.push({
            type: 'Warning',
            reason: 'FailedCreate',
            object: { kind: 'ReplicaSet', namespace: ns, name },
            message: `Error creating: ${res.problems[0]?.message ?? 'unknown error'}`,
            source: 'replicaset-controller',
          });
          break;
        }
      }
    });
  } else if (active.length > want) {
    for (const pod of active.slice(want).reverse()) {
      ctx.store.delete({ kind: 'Pod', namespace: ns, name: pod.metadata.name });
      ctx.events.push({
        type: 'Normal',
        reason: 'SuccessfulDelete',
        object: { kind: 'ReplicaSet', namespace: ns, name },
        message: `Deleted pod: ${pod.metadata.name}`,
        source: 'replicaset-controller',
      });
    }
  }
  const pods = [...(ctx.index.podsByOwner.get(`ReplicaSet/${key}`) ?? [])].map((k) => ctx.store.get<Pod>(
    'Pod',
    k,
  )).filter((p): p is Pod => !!p && !isTerminating(p));
  const ready = pods.filter(isPodReady).length;
  const status = {
    replicas: pods.length,
    fullyLabeledReplicas: pods.length,
    readyReplicas: ready,
    availableReplicas: ready,
    observedGeneration: 1,
  };
  const prev = rs['status'] as Record<string, number> | undefined;
  const cur = ctx.store.get<ReplicaSet>('ReplicaSet', key)!;
  if (!prev || Object.entries(status).some(([k, v]) => prev[k] !== v)) ctx.store.put({ ...cur, status });
}
