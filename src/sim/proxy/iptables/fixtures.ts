// Hand-built Services and EndpointSlices for kube-proxy tests, in the shape the control plane
// produces (clusterIP and nodePorts already allocated). Mirrors proxier_test.go's makeTestService /
// makeTestEndpointSlice so upstream test vectors can be restated here.

import type { EndpointSlice, Protocol, Service, ServiceSpec } from '../../api/types';
import { emptyCluster, type Cluster } from '../../cluster';
import { defaultLabSettings, type KubeProxySettings, type LabSettings } from '../../lab';
import type { ProxyNode } from '../servicemap';
import type { WatchEvent } from '../../api/store';
import { proxyChangesOf, type ProxyChanges } from '../changes';

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

export function testCluster(
  services: Service[],
  slices: EndpointSlice[],
  settings: Partial<LabSettings> = {},
): Cluster {
  const c = emptyCluster({ ...defaultLabSettings(), podCIDR: '10.0.0.0/8', ...settings });
  c.services = services;
  c.endpointSlices = slices;
  return c;
}

const local = (ip: string) => ({ ip, node: 'test-node' });
const remote = (ip: string) => ({ ip, node: 'host2' });
const port = (nodePort?: number) => [{ port: 80, ...(nodePort ? { nodePort } : {}) }];

/** One node's worth of Services covering every entry point and policy (packet-flow and fidelity tests). */
export function packetFlowCluster(): Cluster {
  return testCluster(
    [
      makeService('ns', 'clusterip', { clusterIP: '172.30.0.41', ports: port() }),
      makeService('ns', 'np-cluster', { type: 'NodePort', clusterIP: '172.30.0.42', ports: port(3001) }),
      makeService(
        'ns',
        'np-local',
        { type: 'NodePort', externalTrafficPolicy: 'Local', clusterIP: '172.30.0.43', ports: port(3002) },
      ),
      makeService(
        'ns',
        'np-local-none',
        { type: 'NodePort', externalTrafficPolicy: 'Local', clusterIP: '172.30.0.44', ports: port(3003) },
      ),
      makeService('ns', 'lb', { type: 'LoadBalancer', clusterIP: '172.30.0.45', ports: port(3004) }, ['1.2.3.4']),
      makeService(
        'ns',
        'lb-ranges',
        {
          type: 'LoadBalancer',
          clusterIP: '172.30.0.46',
          loadBalancerSourceRanges: ['203.0.113.0/25'],
          ports: port(3005),
        },
        ['5.6.7.8'],
      ),
      makeService('ns', 'no-endpoints', { type: 'NodePort', clusterIP: '172.30.0.47', ports: port(3006) }),
      makeService('ns', 'itp-local', { clusterIP: '172.30.0.48', internalTrafficPolicy: 'Local', ports: port() }),
      makeService(
        'ns',
        'affinity',
        {
          clusterIP: '172.30.0.49',
          sessionAffinity: 'ClientIP',
          sessionAffinityConfig: { clientIP: { timeoutSeconds: 100 } },
          ports: port(),
        },
      ),
      makeService('ns', 'headless', { clusterIP: 'None', ports: port() }),
      makeService('ns', 'external-name', { type: 'ExternalName', externalName: 'example.com', ports: port() }),
    ],
    [
      makeSlice('ns', 'clusterip', [remote('10.180.0.1'), local('10.180.0.2')], port()),
      makeSlice('ns', 'np-cluster', [remote('10.180.0.1'), local('10.180.0.2')], port()),
      makeSlice('ns', 'np-local', [local('10.180.0.3'), remote('10.180.0.4')], port()),
      makeSlice('ns', 'np-local-none', [remote('10.180.0.4')], port()),
      makeSlice('ns', 'lb', [remote('10.180.0.5')], port()),
      makeSlice('ns', 'lb-ranges', [remote('10.180.0.6')], port()),
      makeSlice('ns', 'itp-local', [remote('10.180.0.8')], port()),
      makeSlice('ns', 'affinity', [remote('10.180.0.7'), remote('10.180.0.8'), remote('10.180.0.9')], port()),
      makeSlice('ns', 'headless', [remote('10.180.0.10')], port()),
    ],
  );
}

// ------------------------------------------------------------------ upstream's expected outputs

/** TestOverallIPTablesRules' services and slices (proxier_test.go). */
function overallObjects(): { services: Service[]; slices: EndpointSlice[] } {
  const p80 = (nodePort?: number) => [{
    name: 'p80',
    port: 80,
    protocol: 'TCP' as const,
    ...(nodePort ? { nodePort } : {}),
  }];
  return {
    services: [
      makeService('ns1', 'svc1', { clusterIP: '172.30.0.41', ports: p80() }),
      makeService(
        'ns2',
        'svc2',
        {
          type: 'LoadBalancer',
          externalTrafficPolicy: 'Local',
          clusterIP: '172.30.0.42',
          ports: p80(3001),
          externalIPs: ['192.168.99.22'],
          healthCheckNodePort: 30000,
        },
        ['1.2.3.4'],
      ),
      makeService('ns3', 'svc3', { type: 'NodePort', clusterIP: '172.30.0.43', ports: p80(3003) }),
      makeService(
        'ns4',
        'svc4',
        { type: 'NodePort', clusterIP: '172.30.0.44', externalIPs: ['192.168.99.33'], ports: p80() },
      ),
      makeService(
        'ns5',
        'svc5',
        {
          type: 'LoadBalancer',
          externalTrafficPolicy: 'Cluster',
          clusterIP: '172.30.0.45',
          ports: p80(3002),
          healthCheckNodePort: 30000,
          loadBalancerSourceRanges: [' 203.0.113.0/25'],
          sessionAffinity: 'ClientIP',
          sessionAffinityConfig: { clientIP: { timeoutSeconds: 10800 } },
        },
        ['5.6.7.8'],
      ),
      makeService('ns6', 'svc6', { type: 'ClusterIP', clusterIP: '172.30.0.46', ports: p80() }),
    ],
    slices: [
      makeSlice('ns1', 'svc1', [{ ip: '10.180.0.1' }], [{ name: 'p80', port: 80 }]),
      makeSlice('ns2', 'svc2', [{ ip: '10.180.0.2' }], [{ name: 'p80', port: 80 }]),
      makeSlice('ns3', 'svc3', [{ ip: '10.180.0.3' }], [{ name: 'p80', port: 80 }]),
      makeSlice(
        'ns4',
        'svc4',
        [{ ip: '10.180.0.4' }, { ip: '10.180.0.5', node: 'test-node' }],
        [{ name: 'p80', port: 80 }],
      ),
      makeSlice('ns5', 'svc5', [{ ip: '10.180.0.3' }], [{ name: 'p80', port: 80 }]),
    ],
  };
}


/** One of kube-proxy's own test vectors: its objects, the settings of its fake proxier, and the
 *  golden restore payload. */
export interface KubeProxyVector {
  title: string;
  golden: string;
  services(): Service[];
  slices(): EndpointSlice[];
  settings: Partial<KubeProxySettings>;
}

export const KUBE_PROXY_VECTORS: readonly KubeProxyVector[] = [
  {
    title: 'TestSyncProxyRulesRepeated, first sync (SEMANTICS.md 13.1, nfacct on)',
    golden: 'sync-repeated-first.txt',
    services: () => [
      makeService('ns1', 'svc1', { clusterIP: '172.30.0.41', ports: [{ name: 'p80', port: 80, protocol: 'TCP' }] }),
      makeService('ns2', 'svc2', { clusterIP: '172.30.0.42', ports: [{ name: 'p8080', port: 8080, protocol: 'TCP' }] }),
    ],
    slices: () => [
      makeSlice('ns1', 'svc1', [{ ip: '10.0.1.1' }], [{ name: 'p80', port: 80 }]),
      makeSlice('ns2', 'svc2', [{ ip: '10.0.2.1' }], [{ name: 'p8080', port: 8080 }]),
    ],
    settings: {},
  },
  {
    title: 'TestInternalTrafficPolicyE2E, Cluster policy (SEMANTICS.md 13.2, nfacct off)',
    golden: 'itp-e2e-cluster.txt',
    services: () => [makeService('ns1', 'svc1', { clusterIP: '172.30.1.1', ports: [{ port: 80, protocol: 'TCP' }] })],
    slices: () => [
      makeSlice(
        'ns1',
        'svc1',
        [
          { ip: '10.0.1.1', node: 'test-node', ready: true },
          { ip: '10.0.1.2', node: 'host1', ready: true },
          { ip: '10.0.1.3', node: 'host2', ready: true },
        ],
        [{ port: 80 }],
      ),
    ],
    settings: { nfacct: false },
  },
  {
    title: 'TestOverallIPTablesRules (LB, eTP Local, externalIPs, affinity, source ranges, no endpoints)',
    golden: 'overall-iptables-rules.txt',
    services: () => overallObjects().services,
    slices: () => overallObjects().slices,
    settings: {},
  },
];

/** Watch events as the informers deliver them, for the change trackers (../changes.ts). */
export const added = (object: Service | EndpointSlice): WatchEvent => ({ type: 'ADDED', object });
export const modified = (old: Service | EndpointSlice, object: Service | EndpointSlice): WatchEvent => ({
  type: 'MODIFIED',
  object,
  old,
});
export const deleted = (object: Service | EndpointSlice): WatchEvent => ({ type: 'DELETED', object, old: object });

/** kube-proxy's change trackers after these events. */
export function trackerChanges(...events: WatchEvent[]): ProxyChanges {
  return proxyChangesOf(events);
}
