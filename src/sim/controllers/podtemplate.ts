// What every workload controller does to make a pod: the template's labels, annotations and spec,
// a generated name, and a controller owner reference (k8s.io/kubernetes pkg/controller
// GetPodFromTemplate and PodControl.CreatePods, shared by the ReplicaSet and DaemonSet controllers).

import type { ObjectMeta, Pod, PodSpec, PodTemplateSpec } from '../api/types';
import type { WriteResult } from '../api/store';
import type { Ctx } from './context';
import { withNameStream } from './context';

export interface PodFromTemplateInput {
  template: PodTemplateSpec;
  namespace: string;
  owner: { kind: 'ReplicaSet' | 'DaemonSet'; name: string; uid?: string };
}

/**
 * The metadata every pod of one owner's template carries (labels, annotations, owner reference),
 * built once per sync: objects are never mutated once written, so the pods share these objects
 * (each pod still gets its own metadata, name and uid from the apiserver).
 */
function sharedMeta({ template, namespace, owner }: PodFromTemplateInput): ObjectMeta {
  const generateName = `${owner.name}-`;
  const labels = { ...template.metadata?.labels };
  const annotations = template.metadata?.annotations;
  const ref = { apiVersion: 'apps/v1', kind: owner.kind, name: owner.name, uid: owner.uid, controller: true };
  const ownerReferences = [ref];
  // `uid: undefined` names the field the apiserver fills in last, so each pod's copy of this metadata
  // has a slot for it in the object itself (a field added to a copy goes to a property store of its own).
  if (!annotations) return { name: '', generateName, namespace, labels, ownerReferences, uid: undefined };
  const copied = { ...annotations };
  return { name: '', generateName, namespace, labels, annotations: copied, ownerReferences, uid: undefined };
}

function podOf(meta: ObjectMeta, template: PodTemplateSpec, spec: Partial<PodSpec> | undefined): Pod {
  // The apiserver copies metadata before it writes a name or uid in: every pod may pass the same one.
  return { apiVersion: 'v1', kind: 'Pod', metadata: meta, spec: spec ? { ...template.spec, ...spec } : template.spec };
}

/**
 * Creates one pod per entry of `specs` (overrides of the template's spec, e.g. the DaemonSet's
 * nodeName) through the apiserver, names drawn from the owner's generateName stream, and logs the
 * controller's "SuccessfulCreate: Created pod: <name>" for each. `stopAtFailure`: the ReplicaSet
 * controller stops at the first refused write (slow start) and logs FailedCreate; `failure` is it.
 * `created`: the pods as the apiserver stored them (what the owner's status counts next).
 */
export function createPods(
  ctx: Ctx,
  input: PodFromTemplateInput,
  specs: readonly (Partial<PodSpec> | undefined)[],
  stopAtFailure: boolean,
): { created: Pod[]; failure?: WriteResult<Pod> } {
  const { owner, namespace, template } = input;
  const meta = sharedMeta(input);
  // The events' object reference is the owner's, the same for each of them.
  const object = { kind: owner.kind, namespace, name: owner.name };
  const source = owner.kind === 'ReplicaSet' ? 'replicaset-controller' : 'daemonset-controller';
  const created: Pod[] = [];
  // The template's own pod, one input for every replica that has no override (the store copies it).
  const plain = podOf(meta, template, undefined);
  return withNameStream(ctx, `${owner.kind}/${namespace}/${owner.name}`, (nameRand) => {
    const opts = { nameRand };
    for (const spec of specs) {
      const res = ctx.store.create<Pod>(spec ? podOf(meta, template, spec) : plain, opts);
      if (res.ok) {
        created.push(res.object);
        const message = `Created pod: ${res.object.metadata.name}`;
        ctx.events.push({ type: 'Normal', reason: 'SuccessfulCreate', object, message, source, seq: 0 });
      } else if (stopAtFailure) return { created, failure: res };
    }
    return { created };
  });
}

/** The controller deleted one of its pods: "SuccessfulDelete: Deleted pod: <name>". */
export function deleteOwnedPod(ctx: Ctx, owner: PodFromTemplateInput['owner'], namespace: string, pod: Pod): void {
  ctx.store.delete({ kind: 'Pod', namespace, name: pod.metadata.name });
  ctx.events.push({
    type: 'Normal',
    reason: 'SuccessfulDelete',
    object: { kind: owner.kind, namespace, name: owner.name },
    message: `Deleted pod: ${pod.metadata.name}`,
    source: owner.kind === 'ReplicaSet' ? 'replicaset-controller' : 'daemonset-controller',
  });
}
