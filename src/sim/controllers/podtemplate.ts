// What every workload controller does to make a pod: the template's labels, annotations and spec,
// a generated name, and a controller owner reference (k8s.io/kubernetes pkg/controller
// GetPodFromTemplate, shared by the ReplicaSet and DaemonSet controllers).

import type { Pod, PodSpec, PodTemplateSpec } from '../api/types';
import type { WriteResult } from '../api/store';
import type { SeededRandom } from '../net/rand';
import type { Ctx } from './context';

export interface PodFromTemplateInput {
  template: PodTemplateSpec;
  namespace: string;
  owner: { kind: 'ReplicaSet' | 'DaemonSet'; name: string; uid?: string };
  /** Overrides for the spec (the DaemonSet controller binds its pods to a node). */
  spec?: Partial<PodSpec>;
}

export function podFromTemplate({ template, namespace, owner, spec }: PodFromTemplateInput): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: '',
      generateName: `${owner.name}-`,
      namespace,
      labels: { ...template.metadata?.labels },
      ...(template.metadata?.annotations ? { annotations: { ...template.metadata.annotations } } : {}),
      ownerReferences: [{
        apiVersion: 'apps/v1',
        kind: owner.kind,
        name: owner.name,
        uid: owner.uid,
        controller: true,
      }],
    },
    spec: spec ? { ...template.spec, ...spec } : template.spec,
  };
}

/**
 * Creates one pod from the template through the apiserver (a generated name from `nameRand`) and,
 * when it is taken, logs the controller's "SuccessfulCreate: Created pod: <name>".
 */
export function createPodFromTemplate(
  ctx: Ctx,
  input: PodFromTemplateInput & { nameRand: SeededRandom },
): WriteResult<Pod> {
  const { owner, namespace } = input;
  const res = ctx.store.create<Pod>(podFromTemplate(input), { nameRand: input.nameRand });
  if (res.ok) {
    ctx.events.push({
      type: 'Normal',
      reason: 'SuccessfulCreate',
      object: { kind: owner.kind, namespace, name: owner.name },
      message: `Created pod: ${res.object.metadata.name}`,
      source: owner.kind === 'ReplicaSet' ? 'replicaset-controller' : 'daemonset-controller',
    });
  }
  return res;
}
