// Which kinds the lab's cluster serves, at which apiVersions: the simulated ones (src/sim/api/types.ts)
// and the built-in ones it keeps without simulating. Anything else fails the way `kubectl apply`
// fails when the apiserver has no mapping for it (k8s.io/cli-runtime resource builder):
//   resource mapping not found for name: "x" namespace: "" from "file.yaml":
//   no matches for kind "Foo" in version "example.com/v1"
//   ensure CRDs are installed first
// (one line in kubectl's output)
// Custom resources are served when a CustomResourceDefinition in the same scenario defines them.

import { API_VERSION, EXTRA_API_VERSIONS, SIMULATED_KINDS, type KubeKind } from '../sim/api/types';

interface KindInfo {
  apiVersions: readonly string[];
  namespaced: boolean;
}

/** Built-in kinds kept as OtherObject (a cluster serves them; the lab stores and exports them). */
const OTHER_BUILTIN: Record<string, KindInfo> = {
  ServiceAccount: { apiVersions: ['v1'], namespaced: true },
  PersistentVolumeClaim: { apiVersions: ['v1'], namespaced: true },
  PersistentVolume: { apiVersions: ['v1'], namespaced: false },
  ReplicationController: { apiVersions: ['v1'], namespaced: true },
  LimitRange: { apiVersions: ['v1'], namespaced: true },
  ResourceQuota: { apiVersions: ['v1'], namespaced: true },
  Event: { apiVersions: ['v1', 'events.k8s.io/v1'], namespaced: true },
  Role: { apiVersions: ['rbac.authorization.k8s.io/v1'], namespaced: true },
  RoleBinding: { apiVersions: ['rbac.authorization.k8s.io/v1'], namespaced: true },
  ClusterRole: { apiVersions: ['rbac.authorization.k8s.io/v1'], namespaced: false },
  ClusterRoleBinding: { apiVersions: ['rbac.authorization.k8s.io/v1'], namespaced: false },
  StatefulSet: { apiVersions: ['apps/v1'], namespaced: true },
  ControllerRevision: { apiVersions: ['apps/v1'], namespaced: true },
  Job: { apiVersions: ['batch/v1'], namespaced: true },
  CronJob: { apiVersions: ['batch/v1'], namespaced: true },
  NetworkPolicy: { apiVersions: ['networking.k8s.io/v1'], namespaced: true },
  PodDisruptionBudget: { apiVersions: ['policy/v1'], namespaced: true },
  HorizontalPodAutoscaler: { apiVersions: ['autoscaling/v1', 'autoscaling/v2'], namespaced: true },
  CustomResourceDefinition: { apiVersions: ['apiextensions.k8s.io/v1'], namespaced: false },
  ValidatingWebhookConfiguration: { apiVersions: ['admissionregistration.k8s.io/v1'], namespaced: false },
  MutatingWebhookConfiguration: { apiVersions: ['admissionregistration.k8s.io/v1'], namespaced: false },
  PriorityClass: { apiVersions: ['scheduling.k8s.io/v1'], namespaced: false },
  StorageClass: { apiVersions: ['storage.k8s.io/v1'], namespaced: false },
  Lease: { apiVersions: ['coordination.k8s.io/v1'], namespaced: true },
};

const SIMULATED = new Set<string>(SIMULATED_KINDS);

export type KindResolution =
  | { kind: 'simulated'; name: KubeKind }
  | { kind: 'other'; namespaced: boolean }
  | { kind: 'unknown' };

/** Kinds a CustomResourceDefinition in the scenario adds: "group/version Kind" -> namespaced. */
export type CustomKinds = ReadonlyMap<string, boolean>;

export function resolveKind(apiVersion: string, kind: string, custom: CustomKinds): KindResolution {
  const simulatedAt = (k: KubeKind) => API_VERSION[k] === apiVersion || EXTRA_API_VERSIONS[k]?.includes(apiVersion);
  if (SIMULATED.has(kind) && simulatedAt(kind as KubeKind)) {
    return { kind: 'simulated', name: kind as KubeKind };
  }
  const other = Object.hasOwn(OTHER_BUILTIN, kind) ? OTHER_BUILTIN[kind] : undefined;
  if (other && other.apiVersions.includes(apiVersion)) return { kind: 'other', namespaced: other.namespaced };
  const crd = custom.get(`${apiVersion} ${kind}`);
  if (crd !== undefined) return { kind: 'other', namespaced: crd };
  return { kind: 'unknown' };
}

/**
 * The kinds CustomResourceDefinitions among `objects` define (apiextensions.k8s.io/v1 spec.group,
 * names.kind, versions[].name, scope).
 */
export function customKindsFrom(objects: readonly unknown[]): Map<string, boolean> {
  const out = new Map<string, boolean>();
  for (const o of objects) {
    if (!isRecord(o) || o.kind !== 'CustomResourceDefinition' || o.apiVersion !== 'apiextensions.k8s.io/v1') continue;
    const spec = o.spec;
    if (!isRecord(spec) || typeof spec.group !== 'string') continue;
    if (!isRecord(spec.names) || typeof spec.names.kind !== 'string') continue;
    if (!Array.isArray(spec.versions)) continue;
    for (const v of spec.versions) {
      if (!isRecord(v) || typeof v.name !== 'string') continue;
      out.set(`${spec.group}/${v.name} ${spec.names.kind}`, spec.scope !== 'Cluster');
    }
  }
  return out;
}

export function unknownKindMessage(p: {
  name: string;
  namespace: string;
  file: string;
  kind: string;
  apiVersion: string;
}): string {
  const q = JSON.stringify;
  return (
    `resource mapping not found for name: ${q(p.name)} namespace: ${q(p.namespace)} ` +
    `from ${q(p.file)}: no matches for kind ${q(p.kind)} in version ${q(p.apiVersion)}; ` +
    'ensure CRDs are installed first'
  );
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
