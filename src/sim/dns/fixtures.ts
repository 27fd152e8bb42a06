// Hand-built cluster objects for the DNS tests: just the fields CoreDNS and the kubelet read, shaped
// as the control plane leaves them (clusterIP allocated, EndpointSlices labelled and filled).

import type { EndpointSlice, Pod, PodSpec, Protocol, Service, ServiceSpec } from '../api/types';
import { emptyCluster, type Cluster } from '../cluster';
import { defaultLabSettings } from '../lab';

export function service(ns: string, name: string, spec: ServiceSpec): Service {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: ns }, spec };
}

export interface PodOptions {
  ready?: boolean;
  spec?: Partial<PodSpec>;
}

export function pod(ns: string, name: string, ip: string, opts: PodOptions = {}): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: ns },
    spec: { containers: [{ name: 'c' }], nodeName: 'node-1', ...opts.spec },
    status: {
      phase: 'Running',
      podIP: ip,
      conditions: [{ type: 'Ready', status: opts.ready === false ? 'False' : 'True' }],
    },
  };
}

export interface EndpointSpec {
  ip: string;
  ready?: boolean;
  hostname?: string;
  pod?: string;
}

export function slice(
  ns: string,
  svcName: string,
  endpoints: EndpointSpec[],
  ports: { name?: string; port: number; protocol?: Protocol }[],
): EndpointSlice {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: `${svcName}-abcde`, namespace: ns, labels: { 'kubernetes.io/service-name': svcName } },
    addressType: 'IPv4',
    endpoints: endpoints.map((e) => ({
      addresses: [e.ip],
      conditions: { ready: e.ready ?? true },
      ...(e.hostname ? { hostname: e.hostname } : {}),
      nodeName: 'node-1',
      ...(e.pod ? { targetRef: { kind: 'Pod', namespace: ns, name: e.pod } } : {}),
    })),
    ports: ports.map((p) => ({ ...(p.name ? { name: p.name } : {}), port: p.port, protocol: p.protocol ?? 'TCP' })),
  };
}

const http = [{ name: 'http', port: 80, protocol: 'TCP' as const }];

/** Namespace "shop" (the client's) and "other", with every kind of Service cluster DNS treats differently. */
export function labCluster(): Cluster {
  const c = emptyCluster(defaultLabSettings());
  c.namespaces = ['default', 'kube-system', 'shop', 'other'].map((name) => ({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name },
  }));
  c.services = labServices();
  c.pods = labPods();
  c.endpointSlices = labSlices();
  return c;
}

/** kube-dns and kubernetes, ClusterIP and headless Services, and ExternalNames (one pair in a CNAME loop). */
function labServices(): Service[] {
  return [
    service(
      'kube-system',
      'kube-dns',
      {
        clusterIP: '10.96.0.10',
        ports: [{ name: 'dns', port: 53, protocol: 'UDP' }, { name: 'dns-tcp', port: 53, protocol: 'TCP' }],
      },
    ),
    service(
      'default',
      'kubernetes',
      { clusterIP: '10.96.0.1', ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }] },
    ),
    service(
      'shop',
      'web',
      {
        clusterIP: '10.96.12.34',
        ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 8080 }],
        selector: { app: 'web' },
      },
    ),
    service('other', 'web', { clusterIP: '10.96.20.1', ports: [{ name: 'http', port: 80, protocol: 'TCP' }] }),
    service('shop', 'db', { clusterIP: 'None', ports: [{ name: 'pg', port: 5432, protocol: 'TCP' }] }),
    service('shop', 'empty', { clusterIP: 'None', ports: http }),
    service('shop', 'pnr', { clusterIP: 'None', publishNotReadyAddresses: true, ports: http }),
    service('shop', 'three', { clusterIP: 'None', ports: http }),
    service('shop', 'four', { clusterIP: 'None', ports: http }),
    service('shop', 'unnamed', { clusterIP: '10.96.30.3', ports: [{ port: 8080, protocol: 'TCP' }] }),
    service('shop', 'ext', { type: 'ExternalName', externalName: 'www.example.com' }),
    service('shop', 'nowhere', { type: 'ExternalName', externalName: 'nothing.example.org' }),
    service('shop', 'alias', { type: 'ExternalName', externalName: 'web.other.svc.cluster.local' }),
    service('shop', 'loop-a', { type: 'ExternalName', externalName: 'loop-b.shop.svc.cluster.local' }),
    service('shop', 'loop-b', { type: 'ExternalName', externalName: 'loop-a.shop.svc.cluster.local' }),
  ];
}

/** The client, web and db backends (db-0 and db-1 with hostname/subdomain), a pod that is not ready, CoreDNS. */
function labPods(): Pod[] {
  return [
    pod('shop', 'client', '10.244.1.10'),
    pod('shop', 'web-1', '10.244.1.5'),
    pod('shop', 'web-2', '10.244.2.6'),
    pod('shop', 'db-0', '10.244.1.7', { spec: { hostname: 'db-0', subdomain: 'db' } }),
    pod('shop', 'db-1', '10.244.2.8', { spec: { hostname: 'db-1', subdomain: 'db' } }),
    pod('shop', 'sleepy', '10.244.2.9', { ready: false }),
    pod('other', 'web-x', '10.244.3.3'),
    pod('kube-system', 'coredns-1', '10.244.0.2'),
  ];
}

/** What the EndpointSlice controller would have written for those Services (some addresses have no pod). */
function labSlices(): EndpointSlice[] {
  return [
    slice(
      'kube-system',
      'kube-dns',
      [{ ip: '10.244.0.2', pod: 'coredns-1' }],
      [{ name: 'dns', port: 53, protocol: 'UDP' }],
    ),
    slice(
      'shop',
      'web',
      [{ ip: '10.244.1.5', pod: 'web-1' }, { ip: '10.244.2.6', pod: 'web-2' }],
      [{ name: 'http', port: 8080 }],
    ),
    slice('other', 'web', [{ ip: '10.244.3.3', pod: 'web-x' }], http),
    // db-0's hostname is left for the lab to derive from the pod's hostname/subdomain; db-1 carries it.
    slice(
      'shop',
      'db',
      [{ ip: '10.244.1.7', pod: 'db-0' }, { ip: '10.244.2.8', pod: 'db-1', hostname: 'db-1' }],
      [{ name: 'pg', port: 5432 }],
    ),
    slice('shop', 'empty', [{ ip: '10.244.2.9', ready: false, pod: 'sleepy' }], http),
    slice('shop', 'pnr', [{ ip: '10.244.2.9', ready: false, pod: 'sleepy' }], http),
    slice('shop', 'three', ['10.244.4.1', '10.244.4.2', '10.244.4.3'].map((ip) => ({ ip })), http),
    slice('shop', 'four', ['10.244.5.1', '10.244.5.2', '10.244.5.3', '10.244.5.4'].map((ip) => ({ ip })), http),
  ];
}

export const EXTERNAL_RECORDS: Record<string, string> = {
  'www.example.com': '93.184.216.34',
  'shop.example.test': '192.168.49.100',
};
