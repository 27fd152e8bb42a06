// Edits made in a running lab, replayed in order on top of the scenario's own objects. A learner
// who scales a Deployment (or a StatefulSet), deletes one of its pods or switches kube-proxy's mode changes a running
// cluster: the ReplicaSet keeps its pods and adds one, the deleted pod is replaced under a new
// name, kube-proxy restarts and does its initial sync. Replaying the same edits on the same
// scenario gives the same lab (names, IPs, rules, events), which is what lets a share link or a
// saved file reproduce a lab that was changed by hand.

import type { Deployment, Pod, StatefulSet } from '../api/types';
import { refKey, type AnyObject } from '../api/store';
import { resourceOf, type ApiProblem, type ObjectRef } from '../api/errors';
import { POD_ANNOTATIONS } from '../cluster';
import type { KubeProxySettings, ProxyMode } from '../lab';
import { ADDON_LABEL } from '../ingress/addon';
import { inputKeyOf } from '../controllers/reconcile';
import { assertNever } from '../util/assert';
import { buildLab, type Lab, type LabInput } from './lab';
import { updateLab } from './update';

export type LabEdit =
  /** `kubectl scale deployment/<name> --replicas=N`, or statefulset/<name> (objectKind; none is a Deployment). */
  | {
    kind: 'set-replicas';
    namespace: string;
    name: string;
    replicas: number;
    objectKind?: 'Deployment' | 'StatefulSet';
  }
  /** The kubelet's readiness probe starts failing (or passing) on one pod: the lab's netlab.io/ready annotation. */
  | { kind: 'set-pod-ready'; namespace: string; name: string; ready: boolean }
  /** `kubectl delete <kind> <name>`: any object, including a pod a ReplicaSet owns (it is replaced). */
  | { kind: 'remove-object'; objectKind: string; namespace?: string; name: string }
  /** `kubectl apply -f`: create or replace one object. */
  | { kind: 'apply-object'; object: AnyObject }
  /** kube-proxy restarted in another mode. */
  | { kind: 'set-proxy-mode'; mode: ProxyMode }
  /** kube-proxy's ConfigMap edited and kube-proxy restarted. */
  | { kind: 'set-kube-proxy'; config: KubeProxySettings };

export interface EditedLabInput extends LabInput {
  /** Edits made after the cluster started, in order. */
  edits?: readonly LabEdit[];
}

const notFound = (ref: ObjectRef): ApiProblem => {
  const message = `${resourceOf(ref.kind)} ${JSON.stringify(ref.name)} not found`;
  return { ref, field: '', reason: 'NotFound', message };
};

/** The object as the cluster holds it now: as applied (the scenario's or an edit's), else as a controller made it. */
export function currentObject(
  lab: Lab,
  kind: string,
  namespace: string | undefined,
  name: string,
): AnyObject | undefined {
  const ref = { kind, namespace, name };
  const applied = lab.reconcile.state.inputs.get(inputKeyOf(ref));
  if (applied) return applied;
  return lab.reconcile.state.store.get(kind, refKey(ref)) ?? undefined;
}

/** The object as a user sends it back (kubectl edit, apply): without the status the kubelet and controllers own. */
export function withoutStatus<T extends AnyObject>(o: T): T {
  const { status: _status, ...rest } = o as T & { status?: unknown };
  return rest as T;
}

/** The objects a user applied, as they are now (the scenario's, changed by edits): what `kubectl apply -f`
 *  of the lab would take. */
export function appliedObjects(lab: Lab): AnyObject[] {
  return [...lab.reconcile.state.inputs.values()].filter((o) => !o.metadata.labels?.[ADDON_LABEL]);
}

/** Whether an object comes from the lab's addons (an ingress controller install), not from the user. */
export function isAddonObject(o: AnyObject): boolean {
  return Boolean(o.metadata.labels?.[ADDON_LABEL]);
}

/** The lab with one more edit. An edit the apiserver refuses leaves the cluster as it was and adds its problem. */
const objectRef = (kind: string, name: string, namespace: string | undefined): ObjectRef => ({
  kind,
  name,
  ...(namespace !== undefined ? { namespace } : {}),
});

const withKubeProxy = (lab: Lab, kubeProxy: KubeProxySettings) => ({ ...lab.settings, kubeProxy });
const withMode = (lab: Lab, mode: ProxyMode) => withKubeProxy(lab, { ...lab.settings.kubeProxy, mode });

export function applyEdit(lab: Lab, edit: LabEdit): Lab {
  const refused = (p: ApiProblem): Lab => {
    // Kept in the control plane's state too, so later edits carry it on like any other refusal.
    const state = { ...lab.reconcile.state, problems: [...lab.reconcile.state.problems, p] };
    return { ...lab, reconcile: { ...lab.reconcile, state, problems: state.problems }, problems: [...state.problems] };
  };
  switch (edit.kind) {
    case 'set-replicas': {
      const kind = edit.objectKind ?? 'Deployment';
      const ref = { kind, namespace: edit.namespace, name: edit.name };
      const d = currentObject(lab, kind, edit.namespace, edit.name) as Deployment | StatefulSet | undefined;
      if (!d) return refused(notFound(ref));
      return updateLab(lab, { kind: 'apply', object: { ...d, spec: { ...d.spec, replicas: edit.replicas } } });
    }
    case 'set-pod-ready': {
      const ref = { kind: 'Pod', namespace: edit.namespace, name: edit.name };
      const p = currentObject(lab, 'Pod', edit.namespace, edit.name) as Pod | undefined;
      if (!p) return refused(notFound(ref));
      // Said explicitly both ways: the annotation wins over a Ready condition the pod already reports.
      const annotations = { ...p.metadata.annotations, [POD_ANNOTATIONS.ready]: String(edit.ready) };
      return updateLab(lab, { kind: 'apply', object: { ...p, metadata: { ...p.metadata, annotations } } });
    }
    case 'remove-object':
      return updateLab(lab, { kind: 'delete', ref: objectRef(edit.objectKind, edit.name, edit.namespace) });
    case 'apply-object':
      return updateLab(lab, { kind: 'apply', object: edit.object });
    case 'set-proxy-mode':
      return updateLab(lab, { kind: 'settings', settings: withMode(lab, edit.mode) });
    case 'set-kube-proxy':
      return updateLab(lab, { kind: 'settings', settings: withKubeProxy(lab, edit.config) });
    default:
      return assertNever(edit, 'edit');
  }
}

/** The scenario's cluster started from scratch, then every edit applied in order. */
export function buildEditedLab(input: EditedLabInput): Lab {
  let lab = buildLab(input);
  for (const e of input.edits ?? []) lab = applyEdit(lab, e);
  return lab;
}

/** The edit as the command a learner would type on a real cluster (the timeline's divider rows). */
export function describeEdit(edit: LabEdit): string {
  const ns = (namespace: string | undefined) => (namespace && namespace !== 'default' ? ` -n ${namespace}` : '');
  switch (edit.kind) {
    case 'set-replicas': {
      const resource = (edit.objectKind ?? 'Deployment').toLowerCase();
      return `kubectl scale ${resource}/${edit.name}${ns(edit.namespace)} --replicas=${edit.replicas}`;
    }
    case 'set-pod-ready': {
      const annotation = `${POD_ANNOTATIONS.ready}=${edit.ready}`;
      return `kubectl annotate pod/${edit.name}${ns(edit.namespace)} ${annotation} --overwrite`;
    }
    case 'remove-object':
      return `kubectl delete ${edit.objectKind.toLowerCase()}/${edit.name}${ns(edit.namespace)}`;
    case 'apply-object': {
      const { kind, metadata } = edit.object;
      return `kubectl apply -f - (${kind.toLowerCase()}/${metadata.name}${ns(metadata.namespace)})`;
    }
    case 'set-proxy-mode':
      return `kube-proxy --proxy-mode=${edit.mode} (restarted)`;
    case 'set-kube-proxy':
      return `kubectl edit configmap kube-proxy -n kube-system (mode: ${edit.config.mode}), kube-proxy restarted`;
    default:
      return assertNever(edit, 'edit');
  }
}
