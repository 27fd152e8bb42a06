// Which kinds the lab's cluster serves, at which apiVersions: the simulated ones (src/sim/api/types.ts)
// and the built-in ones it keeps without simulating. Anything else fails the way `kubectl apply`
// fails when the apiserver has no mapping for it (k8s.io/cli-runtime resource builder):
//   resource mapping not found for name: "x" namespace: "" from "file.yaml":
//   no matches for kind "Foo" in version "example.com/v1"
//   ensure CRDs are installed first
// (one line in kubectl's output)
// Custom resources are served when a CustomResourceDefinition in the same scenario defines them.

import { API_VERSION, EXTRA_API_VERSIONS, NAMESPACED_KINDS, SIMULATED_KINDS, type KubeKind } from '../sim/api/types';

/**
 * Built-in kinds kept as OtherObject (a cluster serves them; the lab stores and exports them), with
 * the apiVersions served; their scope is the core's (NAMESPACED_KINDS, CLUSTER_SCOPED_KINDS).
 */
const OTHER_BUILTIN: Record<string, readonly string[]> = {
  ServiceAccount: ['v1'],
  PersistentVolumeClaim: ['v1'],
  PersistentVolume: ['v1'],
  ReplicationController: ['v1'],
  LimitRange: ['v1'],
  ResourceQuota: ['v1'],
  Event: ['v1', 'events.k8s.io/v1'],
  Role: ['rbac.authorization.k8s.io/v1'],
  RoleBinding: ['rbac.authorization.k8s.io/v1'],
  ClusterRole: ['rbac.authorization.k8s.io/v1'],
  ClusterRoleBinding: ['rbac.authorization.k8s.io/v1'],
  ControllerRevision: ['apps/v1'],
  Job: ['batch/v1'],
  CronJob: ['batch/v1'],
  NetworkPolicy: ['networking.k8s.io/v1'],
  PodDisruptionBudget: ['policy/v1'],
  HorizontalPodAutoscaler: ['autoscaling/v1', 'autoscaling/v2'],
  CustomResourceDefinition: ['apiextensions.k8s.io/v1'],
  ValidatingWebhookConfiguration: ['admissionregistration.k8s.io/v1'],
  MutatingWebhookConfiguration: ['admissionregistration.k8s.io/v1'],
  PriorityClass: ['scheduling.k8s.io/v1'],
  StorageClass: ['storage.k8s.io/v1'],
  Lease: ['coordination.k8s.io/v1'],
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
  if (other?.includes(apiVersion)) return { kind: 'other', namespaced: NAMESPACED_KINDS.has(kind) };
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

/** The built-in kinds the lab keeps without simulating them. */
export const keptBuiltinKinds = (): string[] => Object.keys(OTHER_BUILTIN);
