// Hand-built clusters for the proxy-mode tests (the control plane is not involved): nodes with
// addresses, Services, and EndpointSlices, in the spirit of kube-proxy's makeTestService /
// makeTestEndpointSlice helpers.

import type { EndpointSlice, Node, Service } from '../../api/types';
import { emptyCluster, type Cluster } from '../../cluster';
import { defaultLabSettings, type LabSettings } from '../../lab';
import type { Packet, PacketOrigin, ProxyRuntimeState } from '../types';

export function testNode(name: string, ip: string, podCIDR: string): Node {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name },
    spec: { podCIDR },
    status: { addresses: [{ type: 'InternalIP', address: ip }] },
  } as Node;
}

export function testService(
  ns: string,
  name: string,
  spec: Partial<Service['spec']>,
  status?: Service['status'],
): Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: ns },
    spec: { ports: [{ name: 'p80', port: 80, protocol: 'TCP' }], ...spec },
    ...(status ? { status } : {}),
  } as Service;
}

export interface TestEndpoint {
  ip: string;
  node?: string;
  ready?: boolean;
}

export function testSlice(
  ns: string,
  service: string,
  eps: TestEndpoint[],
  ports: { name?: string; port: number; protocol?: 'TCP' | 'UDP' }[] = [{ name: 'p80', port: 8080 }],
): EndpointSlice {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: `${service}-abcde`, namespace: ns, labels: { 'kubernetes.io/service-name': service } },
    addressType: 'IPv4',
    ports: ports.map((p) => ({ name: p.name, port: p.port, protocol: p.protocol ?? 'TCP' })),
    endpoints: eps.map((e) => ({
      addresses: [e.ip],
      nodeName: e.node,
      conditions: e.ready === undefined ? undefined : { ready: e.ready, serving: e.ready, terminating: false },
    })),
  } as EndpointSlice;
}

export const NODE1_IP = '192.168.49.2';
export const NODE2_IP = '192.168.49.3';

/** Two nodes, node-1 (10.244.1.0/24) and node-2 (10.244.2.0/24), plus the given objects. */
export function testCluster(args: {
  services: Service[];
  slices: EndpointSlice[];
  settings?: (s: LabSettings) => void;
}): Cluster {
  const settings = defaultLabSettings();
  args.settings?.(settings);
  const c = emptyCluster(settings);
  c.nodes = [testNode('node-1', NODE1_IP, '10.244.1.0/24'), testNode('node-2', NODE2_IP, '10.244.2.0/24')];
  c.services = args.services;
  c.endpointSlices = args.slices;
  return c;
}

/** Three endpoints: one on node-1, two on node-2. */
export const THREE_ENDPOINTS: readonly TestEndpoint[] = [
  { ip: '10.244.1.11', node: 'node-1' },
  { ip: '10.244.2.12', node: 'node-2' },
  { ip: '10.244.2.13', node: 'node-2' },
];

/**
 * The Services of kube-proxy's packet-flow tables, shared by the IPVS and nftables tests (unit and
 * real-kernel): ClusterIP, NodePort, externalTrafficPolicy Local, one without endpoints (a
 * ClusterIP, or a NodePort with `emptyNodePort`), ClientIP affinity, a LoadBalancer with source
 * ranges, headless and ExternalName.
 */
export function packetFlowTestCluster(args: { settings: (s: LabSettings) => void; emptyNodePort?: boolean }): Cluster {
  const three = [...THREE_ENDPOINTS];
  const np = (nodePort: number) => [{ name: 'p80', port: 80, protocol: 'TCP' as const, nodePort }];
  return testCluster({
    services: [
      testService('ns1', 'web', { clusterIP: '10.96.0.20' }),
      testService('ns1', 'np', { type: 'NodePort', clusterIP: '10.96.0.21', ports: np(30080) }),
      testService(
        'ns1',
        'local',
        { type: 'NodePort', clusterIP: '10.96.0.22', externalTrafficPolicy: 'Local', ports: np(30081) },
      ),
      testService(
        'ns1',
        'empty',
        args.emptyNodePort ? {
          type: 'NodePort',
          clusterIP: '10.96.0.23',
          ports: np(30082),
        } : { clusterIP: '10.96.0.23' },
      ),
      testService(
        'ns1',
        'sticky',
        {
          clusterIP: '10.96.0.24',
          sessionAffinity: 'ClientIP',
          sessionAffinityConfig: { clientIP: { timeoutSeconds: 60 } },
        },
      ),
      testService(
        'ns1',
        'lb',
        {
          type: 'LoadBalancer',
          clusterIP: '10.96.0.25',
          loadBalancerSourceRanges: ['203.0.113.0/25'],
          ports: np(30083),
        },
        { loadBalancer: { ingress: [{ ip: '1.2.3.4' }] } },
      ),
      testService('ns1', 'headless', { clusterIP: 'None' }),
      testService('ns1', 'ext', { type: 'ExternalName', externalName: 'example.com' }),
    ],
    slices: [
      testSlice('ns1', 'web', three),
      testSlice('ns1', 'np', three),
      testSlice('ns1', 'local', [{ ip: '10.244.2.12', node: 'node-2' }]),
      testSlice('ns1', 'sticky', three),
      testSlice('ns1', 'lb', three),
      testSlice('ns1', 'headless', three),
    ],
    settings: args.settings,
  });
}

export function freshState(seed = 'test'): ProxyRuntimeState {
  return { now: 0, rand: { a: 1, b: 2, c: 3, d: hashSeed(seed) }, perNode: {} };
}

function hashSeed(s: string): number {
  let h = 7;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) >>> 0;
  return h;
}

export function tcp(src: string, dst: string, dstPort: number, srcPort = 40000): Packet {
  return { protocol: 'TCP', src, srcPort, dst, dstPort };
}

export interface FlowCase {
  name: string;
  origin: PacketOrigin;
  src: string;
  dst: string;
  port: number;
  /** Expected endpoint ips (any of), or 'REJECT' / 'DROP' / 'PASS'. */
  expect: string[] | 'REJECT' | 'DROP' | 'PASS';
  masq?: boolean;
}
