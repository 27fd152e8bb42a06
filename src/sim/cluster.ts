// The reconciled cluster: what the control plane derives from a scenario's objects and what every
// data-plane component (kube-proxy, cluster DNS, ingress controllers) and the tracer read.
// Everything here is plain data, as the apiserver would serve it after the controllers have run.

import type {
  ConfigMap,
  DaemonSet,
  Gateway,
  GatewayClass,
  HTTPRoute,
  ReferenceGrant,
  Deployment,
  EndpointSlice,
  Endpoints,
  Ingress,
  IngressClass,
  KubeObject,
  Namespace,
  Node,
  OtherObject,
  Pod,
  ReplicaSet,
  Secret,
  Service,
  StatefulSet,
} from './api/types';
import type { ClusterEvent } from './events';
import type { LabSettings } from './lab';

/** What the control plane starts from: the lab settings and the objects as written. */
export interface ClusterInput {
  settings: LabSettings;
  objects: readonly (KubeObject | OtherObject)[];
}

export interface Cluster {
  settings: LabSettings;
  namespaces: Namespace[];
  /** Every node has spec.podCIDR and an InternalIP address. */
  nodes: Node[];
  /** Every scheduled pod has spec.nodeName, status.podIP (or hostIP for hostNetwork) and a Ready condition. */
  pods: Pod[];
  deployments: Deployment[];
  replicaSets: ReplicaSet[];
  daemonSets: DaemonSet[];
  /** Each with the status its controller wrote (its pods are `<name>-<ordinal>`, in `pods`). */
  statefulSets: StatefulSet[];
  /** Every Service has spec.clusterIP (or "None"), allocated nodePorts and, for LoadBalancer, status.loadBalancer. */
  services: Service[];
  endpointSlices: EndpointSlice[];
  endpoints: Endpoints[];
  ingresses: Ingress[];
  ingressClasses: IngressClass[];
  secrets: Secret[];
  configMaps: ConfigMap[];
  /** Gateway API objects (status written by the Gateway controller, src/sim/gateway). */
  gatewayClasses: GatewayClass[];
  gateways: Gateway[];
  httpRoutes: HTTPRoute[];
  referenceGrants: ReferenceGrant[];
  /** Objects the lab keeps but does not simulate (ServiceAccount, ClusterRole, ...). */
  others: OtherObject[];
  events: ClusterEvent[];
  /**
   * When the store created an object (`kind`, `namespace/name` or `name`), as the seq of the last
   * control-plane event before it (0: with the scenario). Kept outside the objects: see
   * ObjectStore's `created`. kubectl's AGE reads it for objects without a declared creationTimestamp.
   */
  createdAt?: (kind: string, key: string) => number | undefined;
}

/**
 * Lab-only annotations on Pods. They describe what a real cluster learns from the running
 * container rather than from the API, so lessons can change them.
 */
export const POD_ANNOTATIONS = {
  /** Comma-separated "port[/protocol]" the process actually listens on; defaults to the containerPorts. */
  listen: 'netlab.io/listen',
  /** "false" makes the readiness probe fail (the pod stays Running but not Ready). */
  ready: 'netlab.io/ready',
} as const;

/** A client outside the cluster (a laptop, a browser, curl on another machine). */
export interface ExternalClient {
  name: string;
  address: string;
  /** /etc/hosts entries on the client: host name to address. */
  hosts?: Record<string, string>;
}

/** A request a lesson or a user saved. */
export interface SavedRequest {
  id: string;
  title?: string;
  /** "external:<client name>", "pod:<ns>/<name>" or "node:<name>". */
  from: string;
  method?: string;
  url: string;
  headers?: Record<string, string>;
  /** Like curl --connect-to: "ingress[:<class>]", "node:<name>", or "<ip>:<port>". */
  connect?: string;
  zh?: { title?: string };
  /** What the lesson says this request does; tests and the lab check it. */
  expect?: {
    outcome: 'response' | 'refused' | 'timeout' | 'nxdomain' | 'unreachable';
    status?: number;
    service?: string;
    backend?: string;
    sourceIP?: string;
  };
}

/** A cluster with nothing in it: the start for hand-written test fixtures and for the control plane. */
export function emptyCluster(settings: LabSettings): Cluster {
  return {
    settings,
    namespaces: [],
    nodes: [],
    pods: [],
    deployments: [],
    replicaSets: [],
    daemonSets: [],
    statefulSets: [],
    services: [],
    endpointSlices: [],
    endpoints: [],
    ingresses: [],
    ingressClasses: [],
    secrets: [],
    configMaps: [],
    gatewayClasses: [],
    gateways: [],
    httpRoutes: [],
    referenceGrants: [],
    others: [],
    events: [],
  };
}
