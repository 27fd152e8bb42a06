// The cluster's event log, shaped like `kubectl get events` (type, reason, object, message),
// plus the component that wrote it and a logical time so control-plane and data-plane events
// (rules resynced, nginx reloaded) sit on one timeline with request hops.

export type EventType = 'Normal' | 'Warning';

export type EventSource =
  | 'apiserver'
  | 'deployment-controller'
  | 'replicaset-controller'
  | 'daemonset-controller'
  | 'statefulset-controller'
  | 'default-scheduler'
  | 'node-ipam-controller'
  | 'node-controller'
  | 'service-ip-allocator'
  | 'service-controller'
  | 'endpointslice-controller'
  | 'kubelet'
  | 'kube-proxy'
  | 'ingress-controller'
  | 'nginx-gateway-fabric'
  | 'coredns';

export interface ClusterEvent {
  /** Monotonic sequence in the log (logical clock). */
  seq: number;
  type: EventType;
  reason: string;
  /** "Kind/name" or "Kind/ns/name" as kubectl shows in its OBJECT column (kind/name). */
  object: { kind: string; namespace?: string; name: string };
  message: string;
  source: EventSource;
  /** Which node, for node-local components (kube-proxy, kubelet). */
  node?: string;
  /** Extra lines the inspector can show under the message (e.g. the nginx.conf diff of a reload). */
  detail?: string[];
}

export class EventLog {
  private readonly items: ClusterEvent[] = [];
  private seq = 0;

  emit(e: Omit<ClusterEvent, 'seq'>): ClusterEvent {
    const ev = { ...e, seq: ++this.seq };
    this.items.push(ev);
    return ev;
  }

  all(): readonly ClusterEvent[] {
    return this.items;
  }
}
