// Defaulting as the apiserver applies it on create (pkg/apis/*/v1/defaults.go plus the registry
// strategies' PrepareForCreate): the fields `kubectl get -o yaml` shows that nobody wrote.

import type {
  Container,
  Deployment,
  DaemonSet,
  EndpointSlice,
  Endpoints,
  KubeObject,
  OtherObject,
  Pod,
  PodSpec,
  ReplicaSet,
  Service,
  StatefulSet,
} from './types';
import { CLUSTER_SCOPED_KINDS, NAMESPACED_KINDS } from './types';
import { copyOf, copyWith } from './copy';
import { kubernetesMinor } from '../lab';

/** core.DefaultClientIPServiceAffinitySeconds: 3 hours. */
export const DEFAULT_CLIENT_IP_AFFINITY_SECONDS = 10800;

function defaultContainers(containers: Container[] | undefined): Container[] | undefined {
  return containers?.map((c) =>
    c.ports ? { ...c, ports: c.ports.map((p) => copyWith(p, { protocol: p.protocol ?? 'TCP' })) } : c,
  );
}

const hasOwn = Object.prototype.hasOwnProperty;

/**
 * Whether defaulting `spec` gives back the same keys, in the same order, with the same values
 * (every field defaultPodSpec fills in is there): a ReplicaSet's template spec and its pods' are
 * the Deployment's defaulted spec, shared instead of copied and checked again for each of them.
 */
function isDefaultedPodSpec(spec: PodSpec): boolean {
  if (!hasOwn.call(spec, 'containers') || !Array.isArray(spec.containers)) return false;
  for (const c of spec.containers) {
    if (!c || typeof c !== 'object') return false;
    if (!c.ports) continue;
    if (!Array.isArray(c.ports)) return false;
    for (const p of c.ports) {
      if (!p || typeof p !== 'object' || !hasOwn.call(p, 'protocol') || p.protocol == null) return false;
    }
  }
  return hasOwn.call(spec, 'dnsPolicy') && spec.dnsPolicy != null &&
    hasOwn.call(spec, 'restartPolicy') && spec['restartPolicy'] !== undefined &&
    hasOwn.call(spec, 'schedulerName') && spec['schedulerName'] !== undefined &&
    hasOwn.call(spec, 'terminationGracePeriodSeconds') && spec['terminationGracePeriodSeconds'] !== undefined;
}

/** The defaulted spec: `spec` itself when it has every default already (see isDefaultedPodSpec). */
export function defaultPodSpec(spec: PodSpec): PodSpec {
  return isDefaultedPodSpec(spec) ? spec : defaultPodSpecOnce(spec);
}

function defaultPodSpecOnce(spec: PodSpec): PodSpec {
  // copyOf, not a spread: fields are added (see copy.ts); the same keys in the same order.
  const out: PodSpec = copyOf(spec);
  out.containers = defaultContainers(spec.containers) ?? [];
  out.dnsPolicy = spec.dnsPolicy ?? 'ClusterFirst';
  if (out['restartPolicy'] === undefined) out['restartPolicy'] = 'Always';
  if (out['schedulerName'] === undefined) out['schedulerName'] = 'default-scheduler';
  if (out['terminationGracePeriodSeconds'] === undefined) out['terminationGracePeriodSeconds'] = 30;
  return out;
}

/** Whether a Service can be reached from outside (apis.IsServiceExternallyAccessible). */
export function isExternallyAccessible(svc: Service): boolean {
  return specExternallyAccessible(svc.spec);
}

function specExternallyAccessible(spec: Service['spec']): boolean {
  const t = spec.type;
  return t === 'NodePort' || t === 'LoadBalancer' || (spec.externalIPs?.length ?? 0) > 0;
}

/** `metadata`: the write's own copy of svc.metadata (the result's). */
function defaultService(svc: Service, metadata: Service['metadata']): Service {
  // copyOf, not a spread: fields are added below (see copy.ts).
  const spec = copyOf(svc.spec);
  spec.type ??= 'ClusterIP';
  spec.sessionAffinity ??= 'None';
  if (spec.sessionAffinity === 'ClientIP' && spec.sessionAffinityConfig === undefined) {
    spec.sessionAffinityConfig = { clientIP: { timeoutSeconds: DEFAULT_CLIENT_IP_AFFINITY_SECONDS } };
  } else if (
    spec.sessionAffinity === 'ClientIP' && spec.sessionAffinityConfig?.clientIP &&
    spec.sessionAffinityConfig.clientIP.timeoutSeconds === undefined
  ) {
    spec.sessionAffinityConfig = { clientIP: { timeoutSeconds: DEFAULT_CLIENT_IP_AFFINITY_SECONDS } };
  }
  if (spec.ports) {
    spec.ports = spec.ports.map((p) => {
      const q = copyOf(p);
      q.protocol = p.protocol ?? 'TCP';
      // SetDefaults_Service: an unset (zero) targetPort takes the port's value.
      if (q.targetPort === undefined || q.targetPort === 0 || q.targetPort === '') q.targetPort = q.port;
      return q;
    });
  }
  if (spec.type !== 'ExternalName') {
    if (specExternallyAccessible(spec) && spec.externalTrafficPolicy === undefined) {
      spec.externalTrafficPolicy = 'Cluster';
    }
    spec.internalTrafficPolicy ??= 'Cluster';
  }
  if (spec.type === 'LoadBalancer') spec.allocateLoadBalancerNodePorts ??= true;
  // The registry keeps clusterIP and clusterIPs in step (PrepareForCreate / normalizeClusterIPs).
  if (spec.clusterIP !== undefined && spec.clusterIP !== '' && spec.clusterIPs === undefined) {
    spec.clusterIPs = [spec.clusterIP];
  }
  if ((
    spec.clusterIP === undefined || spec.clusterIP === ''
  ) && spec.clusterIPs?.[0]) spec.clusterIP = spec.clusterIPs[0];
  // Every Service carries `status: {loadBalancer: {}}`; an ingress list a manifest gives is kept
  // (kube-proxy's test fixtures write it directly).
  const status = copyOf(svc.status);
  status.loadBalancer = svc.status?.loadBalancer ?? {};
  const out = copyOf(svc);
  out.metadata = metadata;
  out.spec = spec;
  out.status = status;
  return out;
}

function defaultWorkloadTemplate<T extends Deployment | ReplicaSet | DaemonSet>(o: T): T {
  // A workload without a template is left for validation to report (spec.template.spec.containers: Required value).
  if (!o.spec?.template?.spec) return o;
  const template = { ...o.spec.template, spec: defaultPodSpec(o.spec.template.spec) };
  return { ...o, spec: { ...o.spec, template } };
}

/**
 * A Deployment's or ReplicaSet's spec as its own copy: the template's pod spec defaulted, replicas
 * 1 unless given (the fields keep their order; replicas comes last when it was missing).
 */
function workloadSpec<S extends Deployment['spec'] | ReplicaSet['spec']>(given: S | undefined): S {
  const spec = copyOf<S>(given);
  const template = given?.template;
  if (template?.spec) spec.template = { ...template, spec: defaultPodSpec(template.spec) };
  spec.replicas = given?.replicas ?? 1;
  return spec;
}

/**
 * SetDefaults_StatefulSet (pkg/apis/apps/v1/defaults.go) on the write's own copy: OrderedReady,
 * RollingUpdate with partition 0 (and maxUnavailable 1 where MaxUnavailableStatefulSet is on by
 * default, 1.35), the Retain/Retain PVC policy (StatefulSetAutoDeletePVC, on from 1.27), replicas 1,
 * revisionHistoryLimit 10, and the template's pod defaults.
 */
function defaultStatefulSet(sts: StatefulSet, version: string | undefined): StatefulSet {
  const given = sts.spec;
  const spec = copyOf(given);
  const template = given?.template;
  if (template?.spec) spec.template = { ...template, spec: defaultPodSpec(template.spec) };
  spec.podManagementPolicy ??= 'OrderedReady';
  const minor = kubernetesMinor(version);
  let strategy = given?.updateStrategy;
  if (!strategy?.type) strategy = { ...strategy, type: 'RollingUpdate', rollingUpdate: strategy?.rollingUpdate ?? {} };
  if (strategy.type === 'RollingUpdate' && strategy.rollingUpdate) {
    const rollingUpdate = { ...strategy.rollingUpdate };
    rollingUpdate.partition ??= 0;
    if (minor >= 35) rollingUpdate.maxUnavailable ??= 1;
    strategy = { ...strategy, rollingUpdate };
  }
  spec.updateStrategy = strategy;
  if (minor >= 27) {
    const policy = (given?.['persistentVolumeClaimRetentionPolicy'] ?? {}) as Record<string, unknown>;
    spec['persistentVolumeClaimRetentionPolicy'] = { whenDeleted: 'Retain', whenScaled: 'Retain', ...policy };
  }
  spec.replicas = given?.replicas ?? 1;
  spec.revisionHistoryLimit ??= 10;
  sts.spec = spec;
  return sts;
}

/**
 * Returns a defaulted copy; the input is not touched. The copy's outer object and metadata are new
 * (the store fills in name and uid there); deeper fields may be shared with the input.
 * `kubernetesVersion`: the release whose defaults apply where they changed (a StatefulSet's).
 */
export function applyDefaults<T extends KubeObject | OtherObject>(obj: T, kubernetesVersion?: string): T {
  if (obj.kind === 'Pod') {
    return podWithSpec(obj, defaultPodSpec((obj as unknown as Pod).spec ?? { containers: [] }));
  }
  // The store adds name and uid to this copy (see copy.ts).
  const metadata = copyOf(obj.metadata);
  if (NAMESPACED_KINDS.has(obj.kind)) metadata.namespace ??= 'default';
  // The apiserver clears a cluster-scoped object's namespace (rest.BeforeCreate's
  // EnsureObjectNamespaceMatchesRequestNamespace): `kubectl apply` of a Node written with one works.
  else if (CLUSTER_SCOPED_KINDS.has(obj.kind) && metadata.namespace !== undefined) delete metadata.namespace;
  // A Service is copied once, by defaultService (it adds fields: see copy.ts).
  if (obj.kind === 'Service') return defaultService(obj as unknown as Service, metadata) as unknown as T;
  // This write's own copy: the cases below fill in its fields rather than copy it again. copyOf,
  // not `{...obj, metadata}`: the spread's copy is an inline cache that many kinds' shapes make
  // megamorphic (its slow path was the hottest line of defaulting); Object.assign has none.
  const o = copyOf(obj as KubeObject | OtherObject);
  o.metadata = metadata;
  switch (o.kind) {
    case 'Deployment': {
      // One copy of the spec: the template's defaults land in it too (defaultWorkloadTemplate's
      // copies were copied again here).
      const d = o as Deployment;
      const spec = workloadSpec(d.spec);
      spec['strategy'] ??= { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } };
      spec['revisionHistoryLimit'] ??= 10;
      spec['progressDeadlineSeconds'] ??= 600;
      d.spec = spec;
      return d as T;
    }
    case 'ReplicaSet': {
      // One copy of the object and of its spec (the Deployment controller writes 10,000 in a reconcile).
      const rs = o as ReplicaSet;
      rs.spec = workloadSpec(rs.spec);
      return rs as T;
    }
    case 'DaemonSet':
      return defaultWorkloadTemplate(o as DaemonSet) as T;
    case 'StatefulSet':
      return defaultStatefulSet(o as StatefulSet, kubernetesVersion) as T;
    case 'Endpoints': {
      const ep = o as Endpoints;
      ep.subsets = ep.subsets?.map((s) => ({
        ...s,
        ports: s.ports?.map((p) => ({ ...p, protocol: p.protocol ?? 'TCP' })),
      }));
      return ep as T;
    }
    case 'EndpointSlice': {
      const es = o as EndpointSlice;
      const ports = es.ports?.map((p) => {
        const q = copyOf(p);
        q.name = p.name ?? '';
        q.protocol = p.protocol ?? 'TCP';
        return q;
      });
      es.ports = ports;
      return es as T;
    }
    case 'Namespace':
      // The namespace strategy stamps this label so namespaceSelectors can match by name.
      return {
        ...o,
        metadata: { ...metadata, labels: { ...metadata.labels, 'kubernetes.io/metadata.name': metadata.name } },
      } as unknown as T;
    default:
      return o as T;
  }
}

/**
 * A pod's defaults given its defaulted spec: the metadata copied (the store adds name and uid to
 * it) with the namespace defaulted. One copy per pod (a ReplicaSet makes thousands).
 */
export function podWithSpec<T extends KubeObject | OtherObject>(pod: T, spec: PodSpec): T {
  // A controller's template metadata names its uid already (podtemplate.ts): a spread copies that
  // shape with every field in the object (copyOf's 4 slots left a property store per pod); other
  // metadata gets copyOf's room for the fields the store adds. Both copy the same keys in order.
  const m = pod.metadata;
  const metadata = hasOwn.call(m, 'uid') ? { ...m } : copyOf(m);
  metadata.namespace ??= 'default';
  return { ...pod, metadata, spec } as T;
}
