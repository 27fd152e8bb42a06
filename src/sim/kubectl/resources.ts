// The resource types the lab's apiserver serves, as kubectl finds them: by plural, singular, short
// name or kind, optionally qualified by group (`deployments.apps`, `deploy.apps`) or by version and
// group (`deployments.v1.apps`), the way kubectl's RESTMapper and shortcut expander resolve an
// argument (k8s.io/client-go/restmapper, k8s.io/apimachinery ParseResourceArg). Built-in types are
// the discovery documents' names; a custom resource's are its CustomResourceDefinition's spec.names.

import type { Cluster } from '../cluster';
import type { OtherObject } from '../api/types';
import { NAMESPACED_KINDS } from '../api/types';

/** What every listed object has. */
export interface Listed {
  kind: string;
  apiVersion?: string;
  metadata: { name: string; namespace?: string; creationTimestamp?: string; labels?: Record<string, string> };
}

/** One printer column of a CustomResourceDefinition version (spec.versions[].additionalPrinterColumns). */
export interface CrdColumn {
  name: string;
  type: string;
  jsonPath: string;
  priority: number;
}

export interface Resource {
  kind: string;
  /** The API group ('' for the core group). */
  group: string;
  plural: string;
  singular: string;
  shortNames: readonly string[];
  /** Served versions, for the `plural.version.group` form. */
  versions: readonly string[];
  namespaced: boolean;
  list: (c: Cluster) => readonly Listed[];
  /** A custom resource: the printer columns of the version kubectl asks for. */
  columns?: readonly CrdColumn[];
}

/** `deployments.apps`: how kubectl names a resource in its messages (NotFound, `kind/name` prefixes). */
export function qualifiedPlural(r: Resource): string {
  return r.group ? `${r.plural}.${r.group}` : r.plural;
}

/** The group of an apiVersion: '' for `v1`, `apps` for `apps/v1`. */
export function groupOf(apiVersion: string | undefined): string {
  const v = apiVersion ?? '';
  return v.includes('/') ? v.slice(0, v.indexOf('/')) : '';
}

type Spec = [kind: string, group: string, plural: string, shortNames: string[], versions: string[]];

/** The lab's simulated kinds, each a list of its own on the Cluster. */
const SIMULATED: readonly [Spec, (c: Cluster) => readonly Listed[]][] = [
  [['Pod', '', 'pods', ['po'], ['v1']], (c) => c.pods],
  [['Service', '', 'services', ['svc'], ['v1']], (c) => c.services],
  [['Endpoints', '', 'endpoints', ['ep'], ['v1']], (c) => c.endpoints],
  [['EndpointSlice', 'discovery.k8s.io', 'endpointslices', [], ['v1']], (c) => c.endpointSlices],
  [['Ingress', 'networking.k8s.io', 'ingresses', ['ing'], ['v1']], (c) => c.ingresses],
  [['IngressClass', 'networking.k8s.io', 'ingressclasses', [], ['v1']], (c) => c.ingressClasses],
  [['Node', '', 'nodes', ['no'], ['v1']], (c) => c.nodes],
  [['Deployment', 'apps', 'deployments', ['deploy'], ['v1']], (c) => c.deployments],
  [['ReplicaSet', 'apps', 'replicasets', ['rs'], ['v1']], (c) => c.replicaSets],
  [['DaemonSet', 'apps', 'daemonsets', ['ds'], ['v1']], (c) => c.daemonSets],
  [['StatefulSet', 'apps', 'statefulsets', ['sts'], ['v1']], (c) => c.statefulSets],
  [['Namespace', '', 'namespaces', ['ns'], ['v1']], (c) => c.namespaces],
  [['ConfigMap', '', 'configmaps', ['cm'], ['v1']], (c) => c.configMaps],
  [['Secret', '', 'secrets', [], ['v1']], (c) => c.secrets],
  [['GatewayClass', 'gateway.networking.k8s.io', 'gatewayclasses', ['gc'], ['v1']], (c) => c.gatewayClasses],
  [['Gateway', 'gateway.networking.k8s.io', 'gateways', ['gtw'], ['v1']], (c) => c.gateways],
  [['HTTPRoute', 'gateway.networking.k8s.io', 'httproutes', [], ['v1']], (c) => c.httpRoutes],
  [
    ['ReferenceGrant', 'gateway.networking.k8s.io', 'referencegrants', ['refgrant'], ['v1', 'v1beta1']],
    (c) => c.referenceGrants,
  ],
  // The lab's event log (kubectl get events reads it; Event objects a snapshot carries are kept apart).
  [['Event', '', 'events', ['ev'], ['v1']], () => []],
];

/** Built-in kinds the lab keeps as written (src/scenario/kinds.ts), served from Cluster.others. */
const KEPT: readonly Spec[] = [
  ['ServiceAccount', '', 'serviceaccounts', ['sa'], ['v1']],
  ['PersistentVolumeClaim', '', 'persistentvolumeclaims', ['pvc'], ['v1']],
  ['PersistentVolume', '', 'persistentvolumes', ['pv'], ['v1']],
  ['ReplicationController', '', 'replicationcontrollers', ['rc'], ['v1']],
  ['LimitRange', '', 'limitranges', ['limits'], ['v1']],
  ['ResourceQuota', '', 'resourcequotas', ['quota'], ['v1']],
  ['Role', 'rbac.authorization.k8s.io', 'roles', [], ['v1']],
  ['RoleBinding', 'rbac.authorization.k8s.io', 'rolebindings', [], ['v1']],
  ['ClusterRole', 'rbac.authorization.k8s.io', 'clusterroles', [], ['v1']],
  ['ClusterRoleBinding', 'rbac.authorization.k8s.io', 'clusterrolebindings', [], ['v1']],
  ['ControllerRevision', 'apps', 'controllerrevisions', [], ['v1']],
  ['Job', 'batch', 'jobs', [], ['v1']],
  ['CronJob', 'batch', 'cronjobs', ['cj'], ['v1']],
  ['NetworkPolicy', 'networking.k8s.io', 'networkpolicies', ['netpol'], ['v1']],
  ['PodDisruptionBudget', 'policy', 'poddisruptionbudgets', ['pdb'], ['v1']],
  ['HorizontalPodAutoscaler', 'autoscaling', 'horizontalpodautoscalers', ['hpa'], ['v2', 'v1']],
  ['CustomResourceDefinition', 'apiextensions.k8s.io', 'customresourcedefinitions', ['crd', 'crds'], ['v1']],
  [
    'ValidatingWebhookConfiguration', 'admissionregistration.k8s.io', 'validatingwebhookconfigurations', [],
    ['v1'],
  ],
  ['MutatingWebhookConfiguration', 'admissionregistration.k8s.io', 'mutatingwebhookconfigurations', [], ['v1']],
  ['PriorityClass', 'scheduling.k8s.io', 'priorityclasses', ['pc'], ['v1']],
  ['StorageClass', 'storage.k8s.io', 'storageclasses', ['sc'], ['v1']],
  ['Lease', 'coordination.k8s.io', 'leases', [], ['v1']],
];

/** The objects of one kind and group among the kept ones. */
function othersOf(kind: string, group: string): (c: Cluster) => readonly Listed[] {
  return (c) => c.others.filter((o) => o.kind === kind && groupOf(o.apiVersion) === group);
}

function builtin([kind, group, plural, shortNames, versions]: Spec, list: Resource['list']): Resource {
  const namespaced = NAMESPACED_KINDS.has(kind);
  return { kind, group, plural, singular: kind.toLowerCase(), shortNames, versions, namespaced, list };
}

const BUILTINS: readonly Resource[] = [
  ...SIMULATED.map(([spec, list]) => builtin(spec, list)),
  ...KEPT.map((spec) => builtin(spec, othersOf(spec[0], spec[1]))),
];

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/**
 * Kubernetes version priority (GA, then beta, then alpha; higher numbers first; others last, by name),
 * as discovery orders a group's versions: kubectl asks for the first.
 */
export function compareVersions(a: string, b: string): number {
  const rank = (v: string): [number, number, number] | undefined => {
    const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
    if (!m) return undefined;
    return [m[2] === undefined ? 2 : m[2] === 'beta' ? 1 : 0, Number(m[1]), Number(m[3] ?? 0)];
  };
  const ra = rank(a);
  const rb = rank(b);
  if (!ra || !rb) return ra ? -1 : rb ? 1 : a < b ? -1 : a > b ? 1 : 0;
  for (let i = 0; i < 3; i++) if (ra[i] !== rb[i]) return rb[i]! - ra[i]!;
  return 0;
}

function columnsOf(version: Record<string, unknown>): CrdColumn[] {
  const cols = Array.isArray(version['additionalPrinterColumns']) ? version['additionalPrinterColumns'] : [];
  return cols.filter(isRecord).filter((c) => typeof c['name'] === 'string' && typeof c['jsonPath'] === 'string')
    .map((c) => ({
      name: c['name'] as string,
      type: typeof c['type'] === 'string' ? c['type'] : 'string',
      jsonPath: c['jsonPath'] as string,
      priority: typeof c['priority'] === 'number' ? c['priority'] : 0,
    }));
}

/** The resource a CustomResourceDefinition (apiextensions.k8s.io/v1) serves, or undefined when it is incomplete. */
function customResource(crd: OtherObject): Resource | undefined {
  const spec = crd['spec'];
  if (!isRecord(spec) || typeof spec['group'] !== 'string' || !isRecord(spec['names'])) return undefined;
  const names = spec['names'];
  if (typeof names['kind'] !== 'string' || typeof names['plural'] !== 'string') return undefined;
  const versions = (Array.isArray(spec['versions']) ? spec['versions'] : [])
    .filter(isRecord).filter((v) => typeof v['name'] === 'string' && v['served'] !== false)
    .sort((a, b) => compareVersions(a['name'] as string, b['name'] as string));
  const kind = names['kind'];
  const group = spec['group'];
  return {
    kind,
    group,
    plural: names['plural'].toLowerCase(),
    singular: typeof names['singular'] === 'string' && names['singular'] ? names['singular'] : kind.toLowerCase(),
    shortNames: strings(names['shortNames']).map((s) => s.toLowerCase()),
    versions: versions.map((v) => v['name'] as string),
    namespaced: spec['scope'] !== 'Cluster',
    list: othersOf(kind, group),
    // The API server's default column when a version declares none (serveDefaultColumnsIfEmpty).
    columns: versions.length > 0 && columnsOf(versions[0]!).length > 0
      ? columnsOf(versions[0]!)
      : [{ name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp', priority: 0 }],
  };
}

/** Built-in resources first (they win a name a custom resource also claims, as kubectl's priority does), then CRDs'. */
export function resources(c: Cluster | undefined): Resource[] {
  const crds = (c?.others ?? []).filter(
    (o) => o.kind === 'CustomResourceDefinition' && o.apiVersion === 'apiextensions.k8s.io/v1',
  );
  const taken = new Set(BUILTINS.map((r) => `${r.group}/${r.kind}`));
  const custom = crds.map(customResource).filter((r): r is Resource => !!r && !taken.has(`${r.group}/${r.kind}`));
  return [...BUILTINS, ...custom];
}

const named = (r: Resource, word: string) =>
  word === r.plural || word === r.singular || r.shortNames.includes(word);

/**
 * The resource a kubectl argument names, or undefined (kubectl: the server doesn't have a resource
 * type). Case does not matter (`ConfigMap`, `configmaps`); a group or version.group suffix narrows it.
 */
export function resolveResource(word: string, c?: Cluster): Resource | undefined {
  const w = word.toLowerCase();
  const all = resources(c);
  const whole = all.find((r) => named(r, w));
  if (whole) return whole;
  const dot = w.indexOf('.');
  if (dot <= 0) return undefined;
  const name = w.slice(0, dot);
  const rest = w.slice(dot + 1);
  const withGroup = all.find((r) => r.group === rest && named(r, name));
  if (withGroup) return withGroup;
  const dot2 = rest.indexOf('.');
  if (dot2 <= 0) return undefined;
  const version = rest.slice(0, dot2);
  const group = rest.slice(dot2 + 1);
  return all.find((r) => r.group === group && r.versions.includes(version) && named(r, name));
}
