// Hand-built Services and EndpointSlices for kube-proxy tests, in the shape the control plane
// produces (clusterIP and nodePorts already allocated). Mirrors proxier_test.go's makeTestService /
// makeTestEndpointSlice so upstream test vectors can be restated here.

import type { EndpointSlice, Protocol, Service, ServiceSpec } from '../../api/types';
import { emptyCluster, type Cluster } from '../../cluster';
import { defaultLabSettings, type KubeProxySettings, type LabSettings } from '../../lab';
import type { ProxyNode } from '../servicemap';

/** proxier_test.go's node: name test-node, IPs 192.168.0.2, 192.168.1.2 and 192.168.99.11. */
export const TEST_NODE: ProxyNode = { name: 'test-node', ips: ['192.168.0.2', '192.168.1.2', '192.168.99.11'] };

export function makeService(ns: string, name: string, spec: ServiceSpec, lbIPs: string[] = []): Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: ns },
    spec,
    ...(lbIPs.length ? { status: { loadBalancer: { ingress: lbIPs.map((ip) => ({ ip })) } } } : {}),
  };
}

export interface TestEndpoint {
  ip: string;
  node?: string;
  ready?: boolean;
  serving?: boolean;
  terminating?: boolean;
}

export function makeSlice(
  ns: string,
  service: string,
  endpoints: TestEndpoint[],
  ports: { name?: string; port: number; protocol?: Protocol }[],
  suffix = '1',
): EndpointSlice {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: `${service}-${suffix}`, namespace: ns, labels: { 'kubernetes.io/service-name': service } },
    addressType: 'IPv4',
    endpoints: endpoints.map((e) => ({
      addresses: [e.ip],
      ...(e.node ? { nodeName: e.node } : {}),
      ...(e.ready === undefined && e.serving === undefined && e.terminating === undefined
        ? {}
        : { conditions: { ready: e.ready, serving: e.serving, terminating: e.terminating } }),
    })),
    ports: ports.map((p) => ({ name: p.name ?? '', port: p.port, protocol: p.protocol ?? 'TCP' })),
  };
}

/** kube-proxy settings of NewFakeProxier: cluster CIDR 10.0.0.0/8, localhost NodePorts and nfacct on. */
export function testProxySettings(over: Partial<KubeProxySettings> = {}): KubeProxySettings {
  return { ...defaultLabSettings().kubeProxy, clusterCIDR: '10.0.0.0/8', ...over };
}

export function testCluster(services: Service[], slices: EndpointSlice[], settings: Partial<LabSettings> = {}): Cluster {
  const c = emptyCluster({ ...defaultLabSettings(), podCIDR: '10.0.0.0/8', ...settings });
  c.services = services;
  c.endpointSlices = slices;
  return c;
}
