// kubectl get's columns for the kinds the lab keeps without simulating them (and DaemonSet,
// StatefulSet, IngressClass, ConfigMap, Secret, which it simulates but the first printers did not cover): the
// server-side table printers of pkg/printers/internalversion/printers.go (Kubernetes 1.3x, the
// version the lab models), cell for cell. Where the apiserver would have defaulted a field the
// lab keeps as written (a Secret's type, a Job's completions, an HPA's metrics), the cell shows
// the defaulted value, as a real cluster's would. Kinds without a printer there (Role, ClusterRole,
// LimitRange, CustomResourceDefinition) get the API server's default table: NAME, CREATED AT.

import type { Cluster } from '../cluster';
import { creationSeconds, humanDuration, objectAge, rfc3339, sinceTimestamp, timestampSeconds } from './age';
import type { LabClock } from './age';
import { groupOf, type CrdColumn, type Listed } from './resources';
import { firstResult, jsonpathText } from './jsonpath';
import { formatLabels, formatLabelSelector } from './selectors';
import { hpaTargets } from './hpa';

export interface RowContext {
  cluster: Cluster;
  clock: LabClock;
  wide: boolean;
}

export interface Printer {
  columns: readonly string[];
  /** Priority-1 columns: -o wide only. */
  wide?: readonly string[];
  row: (o: Obj, x: RowContext) => string[];
}

/** An object as written: fields are read with `at`, never assumed. */
export type Obj = Listed & Record<string, unknown>;

/** The value at a path of fields and indexes, or undefined. */
export function at(o: unknown, ...path: (string | number)[]): unknown {
  let cur = o;
  for (const p of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string | number, unknown>)[p];
  }
  return cur;
}

const str = (v: unknown, dflt = ''): string => (typeof v === 'string' ? v : dflt);
const num = (v: unknown, dflt = 0): number => (typeof v === 'number' ? v : dflt);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const size = (v: unknown): number => (v && typeof v === 'object' && !Array.isArray(v) ? Object.keys(v).length : 0);
/** intstr.IntOrString's String(). */
const intOrString = (v: unknown): string | undefined =>
  (typeof v === 'number' || typeof v === 'string' ? String(v) : undefined);

const age = (o: Obj, x: RowContext) => objectAge(x.clock, o.kind, o);

/** layoutContainerCells: the containers' names and images, comma-separated. */
function containerCells(containers: unknown): [string, string] {
  const cs = list(containers);
  return [cs.map((c) => str(at(c, 'name'))).join(','), cs.map((c) => str(at(c, 'image'))).join(',')];
}

/** A Secret's keys as the apiserver stores them: stringData is merged into data on write. */
export function secretKeys(o: Obj): string[] {
  const keys = new Set([...Object.keys((o['data'] as object | undefined) ?? {})]);
  for (const k of Object.keys((o['stringData'] as object | undefined) ?? {})) keys.add(k);
  return [...keys].sort();
}

/** The API server's default table (rest.NewDefaultTableConvertor): the name and the creation time. */
const DEFAULT_TABLE: Printer = {
  columns: ['NAME', 'CREATED AT'],
  row: (o, x) => [o.metadata.name, rfc3339(creationSeconds(x.clock, o.kind, o))],
};

/** rbac.SubjectsStrings: users, groups and service accounts (`namespace/name`). */
function subjects(o: Obj): [string, string, string] {
  const of = (kind: string) => list(o['subjects']).filter((s) => at(s, 'kind') === kind);
  return [
    of('User').map((s) => str(at(s, 'name'))).join(', '),
    of('Group').map((s) => str(at(s, 'name'))).join(', '),
    of('ServiceAccount').map((s) => `${str(at(s, 'namespace'))}/${str(at(s, 'name'))}`).join(', '),
  ];
}

const BINDING: Printer = {
  columns: ['NAME', 'ROLE', 'AGE'],
  wide: ['USERS', 'GROUPS', 'SERVICEACCOUNTS'],
  row: (o, x) => [
    o.metadata.name,
    `${str(at(o, 'roleRef', 'kind'))}/${str(at(o, 'roleRef', 'name'))}`,
    age(o, x),
    ...(x.wide ? subjects(o) : []),
  ],
};

const WEBHOOKS: Printer = {
  columns: ['NAME', 'WEBHOOKS', 'AGE'],
  row: (o, x) => [o.metadata.name, String(list(o['webhooks']).length), age(o, x)],
};

/** helper.GetPersistentVolumeClaimClass / GetPersistentVolumeClass: the beta annotation wins. */
function storageClassOf(o: Obj): string {
  const beta = at(o, 'metadata', 'annotations', 'volume.beta.kubernetes.io/storage-class');
  return typeof beta === 'string' ? beta : str(at(o, 'spec', 'storageClassName'));
}

/** helper.GetAccessModesAsString: RWO, ROX, RWX, RWOP in that order. */
function accessModes(v: unknown): string {
  const modes = new Set(list(v));
  const short: [string, string][] = [
    ['ReadWriteOnce', 'RWO'], ['ReadOnlyMany', 'ROX'], ['ReadWriteMany', 'RWX'], ['ReadWriteOncePod', 'RWOP'],
  ];
  return short.filter(([m]) => modes.has(m)).map(([, s]) => s).join(',');
}

/** A phase as the printers show it: Terminating once deleted; Pending (the create default) when unset. */
const phaseOf = (o: Obj) => (o.metadata as { deletionTimestamp?: unknown }).deletionTimestamp
  ? 'Terminating'
  : str(at(o, 'status', 'phase'), 'Pending');

/** The apiserver defaults spec.volumeMode to Filesystem for claims and volumes alike. */
const volumeMode = (o: Obj) => str(at(o, 'spec', 'volumeMode'), 'Filesystem');

function pvcRow(o: Obj, x: RowContext): string[] {
  const bound = str(at(o, 'spec', 'volumeName'));
  return [
    o.metadata.name,
    phaseOf(o),
    bound,
    bound ? str(at(o, 'status', 'capacity', 'storage'), '0') : '',
    bound ? accessModes(at(o, 'status', 'accessModes')) : '',
    storageClassOf(o),
    str(at(o, 'spec', 'volumeAttributesClassName'), '<unset>'),
    age(o, x),
    ...(x.wide ? [volumeMode(o)] : []),
  ];
}

function pvRow(o: Obj, x: RowContext): string[] {
  const claim = at(o, 'spec', 'claimRef');
  return [
    o.metadata.name,
    str(at(o, 'spec', 'capacity', 'storage'), '0'),
    accessModes(at(o, 'spec', 'accessModes')),
    // The apiserver defaults persistentVolumeReclaimPolicy to Retain.
    str(at(o, 'spec', 'persistentVolumeReclaimPolicy'), 'Retain'),
    phaseOf(o),
    claim ? `${str(at(claim, 'namespace'))}/${str(at(claim, 'name'))}` : '',
    storageClassOf(o),
    str(at(o, 'spec', 'volumeAttributesClassName'), '<unset>'),
    str(at(o, 'status', 'reason')),
    age(o, x),
    ...(x.wide ? [volumeMode(o)] : []),
  ];
}

/** printResourceQuota: `resource: used/hard`, the limits.* ones in LIMIT, sorted by resource name. */
function quotaRow(o: Obj, x: RowContext): string[] {
  const hard = (at(o, 'status', 'hard') ?? {}) as Record<string, unknown>;
  const request: string[] = [];
  const limit: string[] = [];
  for (const r of Object.keys(hard).sort()) {
    const text = `${r}: ${String(at(o, 'status', 'used', r) ?? '0')}/${String(hard[r])}`;
    (r.split('.').length > 1 && r.split('.')[0] === 'limits' ? limit : request).push(text);
  }
  return [o.metadata.name, request.join(', '), limit.join(', '), age(o, x)];
}

/** formatResourceName of the controller owner: `statefulset.apps/web`. */
function controllerOf(o: Obj): string {
  const owner = list(at(o, 'metadata', 'ownerReferences')).find((r) => at(r, 'controller') === true);
  if (!owner) return '<none>';
  const group = groupOf(str(at(owner, 'apiVersion')));
  const kind = str(at(owner, 'kind'));
  return `${(group ? `${kind}.${group}` : kind).toLowerCase()}/${str(at(owner, 'name'))}`;
}

const WORKLOADS: Record<string, Printer> = {
  DaemonSet: {
    columns: ['NAME', 'DESIRED', 'CURRENT', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'NODE SELECTOR', 'AGE'],
    wide: ['CONTAINERS', 'IMAGES', 'SELECTOR'],
    row: (o, x) => [
      o.metadata.name,
      ...['desiredNumberScheduled', 'currentNumberScheduled', 'numberReady', 'updatedNumberScheduled',
        'numberAvailable'].map((f) => String(num(at(o, 'status', f)))),
      formatLabels(at(o, 'spec', 'template', 'spec', 'nodeSelector')),
      age(o, x),
      ...(x.wide
        ? [...containerCells(at(o, 'spec', 'template', 'spec', 'containers')),
          formatLabelSelector(at(o, 'spec', 'selector'))]
        : []),
    ],
  },
  StatefulSet: {
    columns: ['NAME', 'READY', 'AGE'],
    wide: ['CONTAINERS', 'IMAGES'],
    row: (o, x) => [
      o.metadata.name,
      `${num(at(o, 'status', 'readyReplicas'))}/${num(at(o, 'spec', 'replicas'), 1)}`,
      age(o, x),
      ...(x.wide ? containerCells(at(o, 'spec', 'template', 'spec', 'containers')) : []),
    ],
  },
  ReplicationController: {
    columns: ['NAME', 'DESIRED', 'CURRENT', 'READY', 'AGE'],
    wide: ['CONTAINERS', 'IMAGES', 'SELECTOR'],
    row: (o, x) => [
      o.metadata.name,
      String(num(at(o, 'spec', 'replicas'), 1)),
      String(num(at(o, 'status', 'replicas'))),
      String(num(at(o, 'status', 'readyReplicas'))),
      age(o, x),
      ...(x.wide
        ? [...containerCells(at(o, 'spec', 'template', 'spec', 'containers')),
          // The apiserver defaults an unset selector to the template's labels.
          formatLabels(at(o, 'spec', 'selector') ?? at(o, 'spec', 'template', 'metadata', 'labels'))]
        : []),
    ],
  },
  ControllerRevision: {
    columns: ['NAME', 'CONTROLLER', 'REVISION', 'AGE'],
    row: (o, x) => [o.metadata.name, controllerOf(o), String(num(o['revision'])), age(o, x)],
  },
  Job: {
    columns: ['NAME', 'STATUS', 'COMPLETIONS', 'DURATION', 'AGE'],
    wide: ['CONTAINERS', 'IMAGES', 'SELECTOR'],
    row: (o, x) => [
      o.metadata.name,
      jobStatus(o),
      jobCompletions(o),
      jobDuration(o, x.clock),
      age(o, x),
      ...(x.wide
        ? [...containerCells(at(o, 'spec', 'template', 'spec', 'containers')),
          formatLabelSelector(at(o, 'spec', 'selector'))]
        : []),
    ],
  },
  CronJob: {
    columns: ['NAME', 'SCHEDULE', 'TIMEZONE', 'SUSPEND', 'ACTIVE', 'LAST SCHEDULE', 'AGE'],
    wide: ['CONTAINERS', 'IMAGES', 'SELECTOR'],
    row: cronJobRow,
  },
};

/** hasJobCondition: the first condition of that type, and whether it is True. */
const jobCondition = (o: Obj, type: string) =>
  at(list(at(o, 'status', 'conditions')).find((c) => at(c, 'type') === type), 'status') === 'True';

function jobStatus(o: Obj): string {
  if (jobCondition(o, 'Complete')) return 'Complete';
  if (jobCondition(o, 'Failed')) return 'Failed';
  if ((o.metadata as { deletionTimestamp?: unknown }).deletionTimestamp) return 'Terminating';
  if (jobCondition(o, 'Suspended')) return 'Suspended';
  if (jobCondition(o, 'FailureTarget')) return 'FailureTarget';
  return 'Running';
}

function jobCompletions(o: Obj): string {
  const succeeded = num(at(o, 'status', 'succeeded'));
  const completions = at(o, 'spec', 'completions');
  const parallelism = at(o, 'spec', 'parallelism');
  // SetDefaults_Job: neither set means one completion, one at a time.
  if (typeof completions === 'number') return `${succeeded}/${completions}`;
  if (completions === undefined && parallelism === undefined) return `${succeeded}/1`;
  return num(parallelism) > 1 ? `${succeeded}/1 of ${num(parallelism)}` : `${succeeded}/1`;
}

function jobDuration(o: Obj, clock: LabClock): string {
  const start = timestampSeconds(at(o, 'status', 'startTime'));
  if (start === undefined) return '';
  const end = timestampSeconds(at(o, 'status', 'completionTime'));
  return humanDuration((end ?? clock.now) - start);
}

function cronJobRow(o: Obj, x: RowContext): string[] {
  const suspend = at(o, 'spec', 'suspend');
  const job = at(o, 'spec', 'jobTemplate', 'spec');
  return [
    o.metadata.name,
    str(at(o, 'spec', 'schedule')),
    str(at(o, 'spec', 'timeZone'), '<none>'),
    // printBoolPtr; the apiserver defaults spec.suspend to false.
    suspend === true ? 'True' : 'False',
    String(list(at(o, 'status', 'active')).length),
    sinceTimestamp(x.clock, at(o, 'status', 'lastScheduleTime')) ?? '<none>',
    age(o, x),
    ...(x.wide
      ? [...containerCells(at(job, 'template', 'spec', 'containers')), formatLabelSelector(at(job, 'selector'))]
      : []),
  ];
}

const CORE: Record<string, Printer> = {
  ConfigMap: {
    columns: ['NAME', 'DATA', 'AGE'],
    row: (o, x) => [o.metadata.name, String(size(o['data']) + size(o['binaryData'])), age(o, x)],
  },
  Secret: {
    columns: ['NAME', 'TYPE', 'DATA', 'AGE'],
    // The apiserver defaults type to Opaque.
    row: (o, x) => [o.metadata.name, str(o['type'], 'Opaque'), String(secretKeys(o).length), age(o, x)],
  },
  ServiceAccount: {
    columns: ['NAME', 'SECRETS', 'AGE'],
    row: (o, x) => [o.metadata.name, String(list(o['secrets']).length), age(o, x)],
  },
  PersistentVolumeClaim: {
    columns: ['NAME', 'STATUS', 'VOLUME', 'CAPACITY', 'ACCESS MODES', 'STORAGECLASS', 'VOLUMEATTRIBUTESCLASS', 'AGE'],
    wide: ['VOLUMEMODE'],
    row: pvcRow,
  },
  PersistentVolume: {
    columns: [
      'NAME', 'CAPACITY', 'ACCESS MODES', 'RECLAIM POLICY', 'STATUS', 'CLAIM', 'STORAGECLASS',
      'VOLUMEATTRIBUTESCLASS', 'REASON', 'AGE',
    ],
    wide: ['VOLUMEMODE'],
    row: pvRow,
  },
  LimitRange: DEFAULT_TABLE,
  ResourceQuota: { columns: ['NAME', 'REQUEST', 'LIMIT', 'AGE'], row: quotaRow },
};

const OTHER: Record<string, Printer> = {
  Role: DEFAULT_TABLE,
  ClusterRole: DEFAULT_TABLE,
  RoleBinding: BINDING,
  ClusterRoleBinding: BINDING,
  CustomResourceDefinition: DEFAULT_TABLE,
  ValidatingWebhookConfiguration: WEBHOOKS,
  MutatingWebhookConfiguration: WEBHOOKS,
  NetworkPolicy: {
    columns: ['NAME', 'POD-SELECTOR', 'AGE'],
    row: (o, x) => [o.metadata.name, formatLabelSelector(at(o, 'spec', 'podSelector') ?? {}), age(o, x)],
  },
  PodDisruptionBudget: {
    columns: ['NAME', 'MIN AVAILABLE', 'MAX UNAVAILABLE', 'ALLOWED DISRUPTIONS', 'AGE'],
    row: (o, x) => [
      o.metadata.name,
      intOrString(at(o, 'spec', 'minAvailable')) ?? 'N/A',
      intOrString(at(o, 'spec', 'maxUnavailable')) ?? 'N/A',
      String(num(at(o, 'status', 'disruptionsAllowed'))),
      age(o, x),
    ],
  },
  HorizontalPodAutoscaler: {
    columns: ['NAME', 'REFERENCE', 'TARGETS', 'MINPODS', 'MAXPODS', 'REPLICAS', 'AGE'],
    row: (o, x) => [
      o.metadata.name,
      `${str(at(o, 'spec', 'scaleTargetRef', 'kind'))}/${str(at(o, 'spec', 'scaleTargetRef', 'name'))}`,
      hpaTargets(o),
      // The apiserver defaults spec.minReplicas to 1.
      String(num(at(o, 'spec', 'minReplicas'), 1)),
      String(num(at(o, 'spec', 'maxReplicas'))),
      String(num(at(o, 'status', 'currentReplicas'))),
      age(o, x),
    ],
  },
  Lease: {
    columns: ['NAME', 'HOLDER', 'AGE'],
    row: (o, x) => [o.metadata.name, str(at(o, 'spec', 'holderIdentity')), age(o, x)],
  },
  IngressClass: {
    columns: ['NAME', 'CONTROLLER', 'PARAMETERS', 'AGE'],
    row: (o, x) => [o.metadata.name, str(at(o, 'spec', 'controller')), ingressClassParameters(o), age(o, x)],
  },
  PriorityClass: {
    // PREEMPTIONPOLICY has no priority in the column definitions, but its cell is only filled with -o wide.
    columns: ['NAME', 'VALUE', 'GLOBAL-DEFAULT', 'AGE', 'PREEMPTIONPOLICY'],
    row: (o, x) => [
      o.metadata.name,
      String(num(o['value'])),
      String(o['globalDefault'] === true),
      age(o, x),
      // The apiserver defaults preemptionPolicy to PreemptLowerPriority.
      ...(x.wide ? [str(o['preemptionPolicy'], 'PreemptLowerPriority')] : []),
    ],
  },
  StorageClass: {
    columns: ['NAME', 'PROVISIONER', 'RECLAIMPOLICY', 'VOLUMEBINDINGMODE', 'ALLOWVOLUMEEXPANSION', 'AGE'],
    row: storageClassRow,
  },
};

function storageClassRow(o: Obj, x: RowContext): string[] {
  const a = (k: string) => at(o, 'metadata', 'annotations', k);
  const isDefault = a('storageclass.kubernetes.io/is-default-class') === 'true'
    || a('storageclass.beta.kubernetes.io/is-default-class') === 'true';
  return [
    isDefault ? `${o.metadata.name} (default)` : o.metadata.name,
    str(o['provisioner']),
    str(o['reclaimPolicy'], 'Delete'),
    str(o['volumeBindingMode'], 'Immediate'),
    String(o['allowVolumeExpansion'] === true),
    age(o, x),
  ];
}

/** printIngressClass: `Kind[.apiGroup]/name` of spec.parameters, or `<none>`. */
function ingressClassParameters(o: Obj): string {
  const p = at(o, 'spec', 'parameters');
  if (!p || typeof p !== 'object') return '<none>';
  const group = at(p, 'apiGroup');
  return `${str(at(p, 'kind'))}${typeof group === 'string' ? `.${group}` : ''}/${str(at(p, 'name'))}`;
}

/** The printer for a kind, when it is one of these. */
export function keptPrinter(kind: string): Printer | undefined {
  const own = (m: Record<string, Printer>) => (Object.hasOwn(m, kind) ? m[kind] : undefined);
  return own(CORE) ?? own(WORKLOADS) ?? own(OTHER);
}

/**
 * A custom resource's table (apiextensions-apiserver tableconvertor): NAME, then the version's
 * additionalPrinterColumns (priority above 0 with -o wide only), each the first value its JSONPath
 * finds, typed by cellForJSONValue; no value is an empty cell.
 */
export function customPrinter(columns: readonly CrdColumn[]): Printer {
  const main = columns.filter((c) => c.priority === 0);
  const extra = columns.filter((c) => c.priority !== 0);
  return {
    columns: ['NAME', ...main.map((c) => c.name.toUpperCase())],
    wide: extra.map((c) => c.name.toUpperCase()),
    row: (o, x) => [o.metadata.name, ...(x.wide ? [...main, ...extra] : main).map((c) => customCell(o, c, x))],
  };
}

function customCell(o: Obj, c: CrdColumn, x: RowContext): string {
  // The lab keeps creation times beside its objects (see age.ts): the age column reads the lab's clock.
  if (c.type === 'date' && c.jsonPath.replace(/^\{|\}$/g, '').trim() === '.metadata.creationTimestamp') {
    return age(o, x);
  }
  const v = firstResult(o, c.jsonPath);
  if (v === undefined || v === null) return '';
  switch (c.type) {
    case 'string':
      return jsonpathText(v);
    case 'integer':
      return typeof v === 'number' ? String(Math.trunc(v)) : '';
    case 'number':
      return typeof v === 'number' ? String(v) : '';
    case 'boolean':
      return typeof v === 'boolean' ? String(v) : '';
    case 'date': {
      if (typeof v !== 'string') return '';
      const s = timestampSeconds(v);
      return s === undefined ? '<invalid>' : humanDuration(x.clock.now - s);
    }
    default:
      return '';
  }
}
