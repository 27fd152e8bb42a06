// Kubernetes objects as `kubectl apply` takes them: the subset of fields that decide where
// traffic goes. Field names and casing follow the real API (core/v1, apps/v1,
// discovery.k8s.io/v1, networking.k8s.io/v1) so a manifest copied from a tutorial loads as is.
// Fields the lab does not model are kept on the object (index signature) and round-trip on export.

export type IntOrString = number | string;

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid?: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface ObjectMeta {
  name: string;
  namespace?: string;
  generateName?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  uid?: string;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  ownerReferences?: OwnerReference[];
  resourceVersion?: string;
  [extra: string]: unknown;
}

export interface LabelSelectorRequirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  values?: string[];
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirement[];
}

export type Protocol = 'TCP' | 'UDP' | 'SCTP';

// ---------------------------------------------------------------- core/v1 Namespace, Node

export interface Namespace {
  apiVersion: 'v1';
  kind: 'Namespace';
  metadata: ObjectMeta;
  [extra: string]: unknown;
}

export interface NodeAddress {
  type: 'InternalIP' | 'ExternalIP' | 'Hostname' | 'InternalDNS' | 'ExternalDNS';
  address: string;
}

export interface Node {
  apiVersion: 'v1';
  kind: 'Node';
  metadata: ObjectMeta;
  spec?: { podCIDR?: string; podCIDRs?: string[]; unschedulable?: boolean; [extra: string]: unknown };
  status?: {
    addresses?: NodeAddress[];
    conditions?: { type: string; status: 'True' | 'False' | 'Unknown'; reason?: string; message?: string }[];
    [extra: string]: unknown;
  };
  [extra: string]: unknown;
}

// ---------------------------------------------------------------- core/v1 Pod

export interface ContainerPort {
  name?: string;
  containerPort: number;
  hostPort?: number;
  hostIP?: string;
  protocol?: Protocol;
}

export interface Probe {
  httpGet?: { path?: string; port: IntOrString };
  tcpSocket?: { port: IntOrString };
  [extra: string]: unknown;
}

export interface Container {
  name: string;
  image?: string;
  ports?: ContainerPort[];
  readinessProbe?: Probe;
  [extra: string]: unknown;
}

/** One spec.hostAliases item: an address and the names it answers for. */
export interface HostAlias {
  ip: string;
  hostnames?: string[];
}

export interface PodSpec {
  containers: Container[];
  nodeName?: string;
  nodeSelector?: Record<string, string>;
  hostname?: string;
  subdomain?: string;
  hostNetwork?: boolean;
  dnsPolicy?: 'ClusterFirst' | 'ClusterFirstWithHostNet' | 'Default' | 'None';
  dnsConfig?: { nameservers?: string[]; searches?: string[]; options?: { name: string; value?: string }[] };
  /** Lines the kubelet adds to the pod's /etc/hosts (pkg/kubelet: hostsEntriesFromHostAliases). */
  hostAliases?: HostAlias[];
  serviceAccountName?: string;
  [extra: string]: unknown;
}

export interface PodCondition {
  type: 'Ready' | 'ContainersReady' | 'PodScheduled' | 'Initialized' | string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
}

export interface PodStatus {
  phase?: 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Unknown';
  podIP?: string;
  podIPs?: { ip: string }[];
  hostIP?: string;
  conditions?: PodCondition[];
  [extra: string]: unknown;
}

export interface Pod {
  apiVersion: 'v1';
  kind: 'Pod';
  metadata: ObjectMeta;
  spec: PodSpec;
  status?: PodStatus;
  [extra: string]: unknown;
}

export interface PodTemplateSpec {
  metadata?: Partial<ObjectMeta>;
  spec: PodSpec;
}

// ---------------------------------------------------------------- apps/v1 workloads

export interface Deployment {
  apiVersion: 'apps/v1';
  kind: 'Deployment';
  metadata: ObjectMeta;
  spec: { replicas?: number; selector: LabelSelector; template: PodTemplateSpec; [extra: string]: unknown };
  [extra: string]: unknown;
}

export interface ReplicaSet {
  apiVersion: 'apps/v1';
  kind: 'ReplicaSet';
  metadata: ObjectMeta;
  spec: { replicas?: number; selector: LabelSelector; template: PodTemplateSpec; [extra: string]: unknown };
  [extra: string]: unknown;
}

export interface DaemonSet {
  apiVersion: 'apps/v1';
  kind: 'DaemonSet';
  metadata: ObjectMeta;
  spec: { selector: LabelSelector; template: PodTemplateSpec; [extra: string]: unknown };
  [extra: string]: unknown;
}

/** apps/v1 StatefulSetSpec: pods `<name>-<ordinal>` with a stable hostname under `serviceName`. */
export interface StatefulSetSpec {
  replicas?: number;
  selector: LabelSelector;
  template: PodTemplateSpec;
  /** The governing (usually headless) Service: each pod gets `spec.subdomain` = this name. */
  serviceName?: string;
  podManagementPolicy?: 'OrderedReady' | 'Parallel';
  updateStrategy?: {
    type?: 'RollingUpdate' | 'OnDelete';
    rollingUpdate?: { partition?: number; maxUnavailable?: IntOrString };
  };
  revisionHistoryLimit?: number;
  minReadySeconds?: number;
  /** The first ordinal (StatefulSetStartOrdinal): pods `<name>-<start>` to `<name>-<start + replicas - 1>`. */
  ordinals?: { start?: number };
  [extra: string]: unknown;
}

/** apps/v1 StatefulSetStatus, the fields the StatefulSet controller writes. */
export interface StatefulSetStatus {
  observedGeneration?: number;
  replicas: number;
  readyReplicas?: number;
  currentReplicas?: number;
  updatedReplicas?: number;
  currentRevision?: string;
  updateRevision?: string;
  collisionCount?: number;
  availableReplicas: number;
  [extra: string]: unknown;
}

export interface StatefulSet {
  apiVersion: 'apps/v1';
  kind: 'StatefulSet';
  metadata: ObjectMeta;
  spec: StatefulSetSpec;
  status?: StatefulSetStatus;
  [extra: string]: unknown;
}

// ---------------------------------------------------------------- core/v1 Service, Endpoints

export interface ServicePort {
  name?: string;
  protocol?: Protocol;
  port: number;
  targetPort?: IntOrString;
  nodePort?: number;
  appProtocol?: string;
}

export type ServiceType = 'ClusterIP' | 'NodePort' | 'LoadBalancer' | 'ExternalName';
export type TrafficPolicy = 'Cluster' | 'Local';

export interface ServiceSpec {
  type?: ServiceType;
  selector?: Record<string, string>;
  ports?: ServicePort[];
  clusterIP?: string;
  clusterIPs?: string[];
  externalIPs?: string[];
  externalName?: string;
  sessionAffinity?: 'None' | 'ClientIP';
  sessionAffinityConfig?: { clientIP?: { timeoutSeconds?: number } };
  externalTrafficPolicy?: TrafficPolicy;
  internalTrafficPolicy?: TrafficPolicy;
  healthCheckNodePort?: number;
  loadBalancerIP?: string;
  loadBalancerSourceRanges?: string[];
  allocateLoadBalancerNodePorts?: boolean;
  publishNotReadyAddresses?: boolean;
  ipFamilies?: ('IPv4' | 'IPv6')[];
  ipFamilyPolicy?: 'SingleStack' | 'PreferDualStack' | 'RequireDualStack';
  [extra: string]: unknown;
}

export interface LoadBalancerIngress {
  ip?: string;
  hostname?: string;
  ipMode?: 'VIP' | 'Proxy';
}

export interface Service {
  apiVersion: 'v1';
  kind: 'Service';
  metadata: ObjectMeta;
  spec: ServiceSpec;
  status?: { loadBalancer?: { ingress?: LoadBalancerIngress[] }; [extra: string]: unknown };
  [extra: string]: unknown;
}

export interface EndpointAddress {
  ip: string;
  hostname?: string;
  nodeName?: string;
  targetRef?: { kind: string; namespace?: string; name: string; uid?: string };
}

export interface EndpointPort {
  name?: string;
  port: number;
  protocol?: Protocol;
}

export interface Endpoints {
  apiVersion: 'v1';
  kind: 'Endpoints';
  metadata: ObjectMeta;
  subsets?: { addresses?: EndpointAddress[]; notReadyAddresses?: EndpointAddress[]; ports?: EndpointPort[] }[];
  [extra: string]: unknown;
}

// ---------------------------------------------------------------- discovery.k8s.io/v1 EndpointSlice

export interface EndpointConditions {
  ready?: boolean;
  serving?: boolean;
  terminating?: boolean;
}

export interface SliceEndpoint {
  addresses: string[];
  conditions?: EndpointConditions;
  hostname?: string;
  nodeName?: string;
  zone?: string;
  targetRef?: { kind: string; namespace?: string; name: string; uid?: string };
}

export interface EndpointSlice {
  apiVersion: 'discovery.k8s.io/v1';
  kind: 'EndpointSlice';
  metadata: ObjectMeta;
  addressType: 'IPv4' | 'IPv6' | 'FQDN';
  endpoints: SliceEndpoint[];
  ports?: { name?: string; port?: number; protocol?: Protocol; appProtocol?: string }[];
  [extra: string]: unknown;
}

// ---------------------------------------------------------------- networking.k8s.io/v1 Ingress

export interface IngressServiceBackend {
  name: string;
  port: { number?: number; name?: string };
}

export interface IngressBackend {
  service?: IngressServiceBackend;
  resource?: { apiGroup?: string; kind: string; name: string };
}

export type PathType = 'Exact' | 'Prefix' | 'ImplementationSpecific';

export interface HTTPIngressPath {
  path?: string;
  pathType: PathType;
  backend: IngressBackend;
}

export interface IngressRule {
  host?: string;
  http?: { paths: HTTPIngressPath[] };
}

export interface Ingress {
  apiVersion: 'networking.k8s.io/v1';
  kind: 'Ingress';
  metadata: ObjectMeta;
  spec: {
    ingressClassName?: string;
    defaultBackend?: IngressBackend;
    tls?: { hosts?: string[]; secretName?: string }[];
    rules?: IngressRule[];
    [extra: string]: unknown;
  };
  status?: { loadBalancer?: { ingress?: LoadBalancerIngress[] } };
  [extra: string]: unknown;
}

export interface IngressClass {
  apiVersion: 'networking.k8s.io/v1';
  kind: 'IngressClass';
  metadata: ObjectMeta;
  spec: { controller: string; parameters?: Record<string, unknown>; [extra: string]: unknown };
  [extra: string]: unknown;
}

// ---------------------------------------------------------------- core/v1 Secret, ConfigMap

export interface Secret {
  apiVersion: 'v1';
  kind: 'Secret';
  metadata: ObjectMeta;
  type?: string;
  data?: Record<string, string>;
  stringData?: Record<string, string>;
  [extra: string]: unknown;
}

export interface ConfigMap {
  apiVersion: 'v1';
  kind: 'ConfigMap';
  metadata: ObjectMeta;
  data?: Record<string, string>;
  [extra: string]: unknown;
}


// ------------------------------------------------ gateway.networking.k8s.io (Gateway API, standard channel)
// Field names follow apis/v1 (gatewayclass_types.go, gateway_types.go, httproute_types.go,
// shared_types.go, object_reference_types.go) and apis/v1beta1|v1 referencegrant_types.go.

export const GATEWAY_GROUP = 'gateway.networking.k8s.io';

export interface GatewayCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
  observedGeneration?: number;
  lastTransitionTime?: string;
}

export interface GatewayClass {
  apiVersion: 'gateway.networking.k8s.io/v1';
  kind: 'GatewayClass';
  metadata: ObjectMeta;
  spec: {
    controllerName: string;
    description?: string;
    parametersRef?: Record<string, unknown>;
    [extra: string]: unknown;
  };
  status?: { conditions?: GatewayCondition[]; supportedFeatures?: { name: string }[]; [extra: string]: unknown };
  [extra: string]: unknown;
}

export interface RouteGroupKind {
  group?: string;
  kind: string;
}

export interface GatewayListener {
  name: string;
  hostname?: string;
  port: number;
  protocol: string;
  tls?: {
    mode?: 'Terminate' | 'Passthrough';
    certificateRefs?: { group?: string; kind?: string; name: string; namespace?: string }[];
    [extra: string]: unknown;
  };
  allowedRoutes?: {
    namespaces?: { from?: 'All' | 'Same' | 'Selector'; selector?: LabelSelector };
    kinds?: RouteGroupKind[];
  };
  [extra: string]: unknown;
}

export interface ListenerStatus {
  name: string;
  supportedKinds: RouteGroupKind[];
  attachedRoutes: number;
  conditions: GatewayCondition[];
}

export interface Gateway {
  apiVersion: 'gateway.networking.k8s.io/v1';
  kind: 'Gateway';
  metadata: ObjectMeta;
  spec: {
    gatewayClassName: string;
    listeners: GatewayListener[];
    addresses?: { type?: string; value: string }[];
    [extra: string]: unknown;
  };
  status?: {
    addresses?: { type: string; value: string }[];
    conditions?: GatewayCondition[];
    listeners?: ListenerStatus[];
    [extra: string]: unknown;
  };
  [extra: string]: unknown;
}

export interface ParentReference {
  group?: string;
  kind?: string;
  namespace?: string;
  name: string;
  sectionName?: string;
  port?: number;
}

export interface HTTPHeaderMatch {
  type?: 'Exact' | 'RegularExpression';
  name: string;
  value: string;
}

export interface HTTPQueryParamMatch {
  type?: 'Exact' | 'RegularExpression';
  name: string;
  value: string;
}

export interface HTTPRouteMatch {
  path?: { type?: 'Exact' | 'PathPrefix' | 'RegularExpression'; value?: string };
  headers?: HTTPHeaderMatch[];
  queryParams?: HTTPQueryParamMatch[];
  method?: string;
}

export interface HTTPHeaderFilter {
  set?: { name: string; value: string }[];
  add?: { name: string; value: string }[];
  remove?: string[];
}

export interface HTTPPathModifier {
  type: 'ReplaceFullPath' | 'ReplacePrefixMatch';
  replaceFullPath?: string;
  replacePrefixMatch?: string;
}

export interface BackendObjectReference {
  group?: string;
  kind?: string;
  name: string;
  namespace?: string;
  port?: number;
}

export interface HTTPRouteFilter {
  type: string;
  requestHeaderModifier?: HTTPHeaderFilter;
  responseHeaderModifier?: HTTPHeaderFilter;
  requestRedirect?: {
    scheme?: string;
    hostname?: string;
    path?: HTTPPathModifier;
    port?: number;
    statusCode?: number;
  };
  urlRewrite?: { hostname?: string; path?: HTTPPathModifier };
  requestMirror?: {
    backendRef: BackendObjectReference;
    percent?: number;
    fraction?: { numerator: number; denominator?: number };
  };
  extensionRef?: { group: string; kind: string; name: string };
  cors?: HTTPCORSFilter;
  [extra: string]: unknown;
}

/** Gateway API `HTTPCORSFilter` (Extended; apis/v1/httproute_types.go): `maxAge` defaults to 5 in the CRD. */
export interface HTTPCORSFilter {
  allowOrigins?: string[];
  allowCredentials?: boolean;
  allowMethods?: string[];
  allowHeaders?: string[];
  exposeHeaders?: string[];
  maxAge?: number;
}

export interface HTTPBackendRef extends BackendObjectReference {
  weight?: number;
  filters?: HTTPRouteFilter[];
}

export interface HTTPRouteRule {
  name?: string;
  matches?: HTTPRouteMatch[];
  filters?: HTTPRouteFilter[];
  backendRefs?: HTTPBackendRef[];
  [extra: string]: unknown;
}

export interface RouteParentStatus {
  parentRef: ParentReference;
  controllerName: string;
  conditions: GatewayCondition[];
}

export interface HTTPRoute {
  apiVersion: 'gateway.networking.k8s.io/v1';
  kind: 'HTTPRoute';
  metadata: ObjectMeta;
  spec: { parentRefs?: ParentReference[]; hostnames?: string[]; rules?: HTTPRouteRule[]; [extra: string]: unknown };
  status?: { parents: RouteParentStatus[]; [extra: string]: unknown };
  [extra: string]: unknown;
}

export interface ReferenceGrant {
  apiVersion: 'gateway.networking.k8s.io/v1' | 'gateway.networking.k8s.io/v1beta1';
  kind: 'ReferenceGrant';
  metadata: ObjectMeta;
  spec: {
    from: { group: string; kind: string; namespace: string }[];
    to: { group: string; kind: string; name?: string }[];
    [extra: string]: unknown;
  };
  [extra: string]: unknown;
}

/** Objects the lab keeps but does not simulate (RBAC, ServiceAccount, ...): stored and exported as is. */
export interface OtherObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [extra: string]: unknown;
}

export type KubeObject =
  | Namespace
  | Node
  | Pod
  | Deployment
  | ReplicaSet
  | DaemonSet
  | StatefulSet
  | Service
  | Endpoints
  | EndpointSlice
  | Ingress
  | IngressClass
  | Secret
  | ConfigMap
  | GatewayClass
  | Gateway
  | HTTPRoute
  | ReferenceGrant;

export type KubeKind = KubeObject['kind'];

export const SIMULATED_KINDS: readonly KubeKind[] = [
  'Namespace',
  'Node',
  'Pod',
  'Deployment',
  'ReplicaSet',
  'DaemonSet',
  'StatefulSet',
  'Service',
  'Endpoints',
  'EndpointSlice',
  'Ingress',
  'IngressClass',
  'Secret',
  'ConfigMap',
  'GatewayClass',
  'Gateway',
  'HTTPRoute',
  'ReferenceGrant',
];

/**
 * Built-in kinds that live in a namespace: the simulated ones, then those the lab keeps as written
 * (src/scenario/kinds.ts serves them).
 */
export const NAMESPACED_KINDS: ReadonlySet<string> = new Set([
  'Pod',
  'Deployment',
  'ReplicaSet',
  'DaemonSet',
  'Service',
  'Endpoints',
  'EndpointSlice',
  'Ingress',
  'Secret',
  'ConfigMap',
  'Gateway',
  'HTTPRoute',
  'ReferenceGrant',
  'ServiceAccount',
  'Role',
  'RoleBinding',
  'PersistentVolumeClaim',
  'ReplicationController',
  'LimitRange',
  'ResourceQuota',
  'Event',
  'StatefulSet',
  'ControllerRevision',
  'Job',
  'CronJob',
  'NetworkPolicy',
  'PodDisruptionBudget',
  'HorizontalPodAutoscaler',
  'Lease',
]);

/** Built-in kinds the cluster serves without a namespace. */
export const CLUSTER_SCOPED_KINDS: ReadonlySet<string> = new Set([
  'Namespace',
  'Node',
  'IngressClass',
  'GatewayClass',
  'PersistentVolume',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
  'ValidatingWebhookConfiguration',
  'MutatingWebhookConfiguration',
  'PriorityClass',
  'StorageClass',
]);

/**
 * Whether an object lives in a namespace: a built-in kind by its scope; a custom resource (whose
 * CustomResourceDefinition's scope the loader knows) by whether it was written with one.
 */
export function isNamespaced(kind: string, namespace: string | undefined): boolean {
  return NAMESPACED_KINDS.has(kind) || (namespace !== undefined && !CLUSTER_SCOPED_KINDS.has(kind));
}

/** The apiVersion each simulated kind is served at (what `kubectl apply` accepts today). */
export const API_VERSION: Readonly<Record<KubeKind, string>> = {
  Namespace: 'v1',
  Node: 'v1',
  Pod: 'v1',
  Deployment: 'apps/v1',
  ReplicaSet: 'apps/v1',
  DaemonSet: 'apps/v1',
  StatefulSet: 'apps/v1',
  Service: 'v1',
  Endpoints: 'v1',
  EndpointSlice: 'discovery.k8s.io/v1',
  Ingress: 'networking.k8s.io/v1',
  IngressClass: 'networking.k8s.io/v1',
  Secret: 'v1',
  ConfigMap: 'v1',
  GatewayClass: 'gateway.networking.k8s.io/v1',
  Gateway: 'gateway.networking.k8s.io/v1',
  HTTPRoute: 'gateway.networking.k8s.io/v1',
  ReferenceGrant: 'gateway.networking.k8s.io/v1',
};

/** Older apiVersions still served for a kind (ReferenceGrant stays served at v1beta1 next to v1). */
export const EXTRA_API_VERSIONS: Readonly<Partial<Record<KubeKind, readonly string[]>>> = {
  ReferenceGrant: ['gateway.networking.k8s.io/v1beta1'],
};

/** "ns/name" for namespaced objects, "name" for cluster-scoped ones: how kubectl and kube-proxy name them. */
export function objectKey(o: { kind: string; metadata: { name: string; namespace?: string } }): string {
  const ns = o.metadata.namespace;
  return isNamespaced(o.kind, ns) ? `${ns ?? 'default'}/${o.metadata.name}` : o.metadata.name;
}
