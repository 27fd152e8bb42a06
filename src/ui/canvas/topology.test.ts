import { describe, expect, it } from 'vitest';
import ELK from 'elkjs/lib/elk.bundled.js';
import type { EndpointSlice } from '../../sim';
import { clusterFixture, pod, service } from '../../state/fixtures/scenario';
import { layoutTopology } from './layout';
import { buildTopology } from './topology';

function withSlices() {
  const c = clusterFixture();
  const slice: EndpointSlice = {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: 'web-abc', namespace: 'default', labels: { 'kubernetes.io/service-name': 'web' } },
    addressType: 'IPv4',
    endpoints: [
      { addresses: ['10.244.0.5'], targetRef: { kind: 'Pod', namespace: 'default', name: 'web-1' } },
      { addresses: ['10.244.1.7'], targetRef: { kind: 'Pod', namespace: 'default', name: 'web-2' } },
    ],
  };
  c.endpointSlices.push(slice);
  return c;
}

describe('topology', () => {
  it('puts pods in their node frames, labelled with name and addresses', () => {
    const t = buildTopology(withSlices(), [{ name: 'laptop', address: '203.0.113.10' }]);
    expect(t.frames.map((f) => [f.id, f.internalIP, f.podCIDR])).toEqual([
      ['node:node-a', '192.168.49.2', '10.244.0.0/24'],
      ['node:node-b', '192.168.49.3', '10.244.1.0/24'],
    ]);
    expect(t.pods.map((p) => [p.id, p.frameId, p.ip])).toEqual([
      ['pod:default/web-1', 'node:node-a', '10.244.0.5'],
      ['pod:default/web-2', 'node:node-b', '10.244.1.7'],
    ]);
    expect(t.clients).toEqual([{ id: 'client:laptop', name: 'laptop', address: '203.0.113.10' }]);
  });

  it('connects a Service to the pods its EndpointSlices name, and badges its NodePort on every node', () => {
    const t = buildTopology(withSlices());
    expect(t.services[0]).toMatchObject({ id: 'service:default/web', type: 'NodePort', endpoints: ['pod:default/web-1', 'pod:default/web-2'], ports: ['80:30080/TCP'] });
    expect(t.frames.every((f) => f.nodePorts.some((p) => p.port === 30080))).toBe(true);
  });

  it('draws no endpoint edges it cannot read from EndpointSlices (no guessing from selectors)', () => {
    const t = buildTopology(clusterFixture());
    expect(t.services[0]!.endpoints).toEqual([]);
    expect(t.edges).toEqual([]);
  });

  it('badges a hostPort only on the node running the pod', () => {
    const c = clusterFixture();
    c.pods.push(pod('ingress', 'node-b', '10.244.1.9', {}, 80));
    const t = buildTopology(c);
    expect(t.frames.map((f) => f.hostPorts.map((h) => h.port))).toEqual([[], [80]]);
  });

  it('draws a load balancer for a LoadBalancer Service with an address, and marks ingress controller pods', () => {
    const c = clusterFixture();
    c.settings = { ...c.settings, ingress: [{ className: 'nginx', controller: 'nginx', topology: 'loadbalancer', namespace: 'ingress-nginx', replicas: 1, legacyReloadOnEndpointChange: false, isDefaultClass: true }] };
    const ctrl = pod('ingress-nginx-controller-0', 'node-a', '10.244.0.9');
    ctrl.metadata.namespace = 'ingress-nginx';
    c.pods.push(ctrl);
    const lb = service('ingress-nginx-controller', { app: 'x' }, { type: 'LoadBalancer' });
    lb.metadata.namespace = 'ingress-nginx';
    lb.status = { loadBalancer: { ingress: [{ ip: '198.51.100.1' }] } };
    c.services.push(lb);
    const t = buildTopology(c);
    expect(t.loadBalancers).toEqual([{ id: 'lb:ingress-nginx/ingress-nginx-controller', address: '198.51.100.1', service: 'ingress-nginx/ingress-nginx-controller', serviceId: 'service:ingress-nginx/ingress-nginx-controller', model: 'direct' }]);
    expect(t.pods.find((p) => p.name === 'ingress-nginx-controller-0')?.ingressController).toBe(true);
    expect(t.pods.find((p) => p.name === 'web-1')?.ingressController).toBe(false);
  });
});

describe('a nodeport load balancer (src/sim/lb)', () => {
  it('points at every node\'s NodePort badge instead of the Service, greying nodes that fail healthCheckNodePort', () => {
    const c = withSlices();
    // web-1 runs on node-a only once web-2 is gone: with Local policy node-b fails the health check.
    c.endpointSlices[0]!.endpoints.pop();
    c.endpointSlices[0]!.endpoints[0]!.nodeName = 'node-a';
    c.endpointSlices[0]!.ports = [{ port: 8080, protocol: 'TCP' }];
    const web = c.services[0]!;
    web.metadata.annotations = { 'netlab.io/load-balancer-model': 'nodeport' };
    web.spec = { ...web.spec, type: 'LoadBalancer', externalTrafficPolicy: 'Local', healthCheckNodePort: 32100 };
    web.status = { loadBalancer: { ingress: [{ ip: '198.51.100.1' }] } };
    const t = buildTopology(c);
    expect(t.loadBalancers[0]).toMatchObject({ id: 'lb:default/web', model: 'nodeport' });
    expect(t.edges.filter((e) => e.kind === 'load-balancer')).toEqual([]);
    expect(t.edges.filter((e) => e.kind === 'lb-target').map((e) => [e.target, e.targetHandle, e.health])).toEqual([
      ['node:node-a', 'np-30080', { healthy: true }],
      ['node:node-b', 'np-30080', { healthy: false, why: { kind: 'no-local-endpoints', port: 32100 } }],
    ]);
  });
});

describe('layout', () => {
  const elk = new ELK();

  it('places frames in name order and pods inside their frame', async () => {
    const t = buildTopology(withSlices(), [{ name: 'laptop', address: '203.0.113.10' }]);
    const l = await layoutTopology(t, elk);
    const a = l.boxes['node:node-a']!;
    const b = l.boxes['node:node-b']!;
    expect(a.x).toBeLessThan(b.x);
    expect(l.boxes['client:laptop']!.y).toBeLessThan(l.boxes['service:default/web']!.y);
    expect(l.boxes['service:default/web']!.y).toBeLessThan(a.y);
    const p = l.pods['pod:default/web-1']!;
    expect(p.x + p.w).toBeLessThanOrEqual(a.w);
    expect(p.y + p.h).toBeLessThanOrEqual(a.h);
  });

  it('is stable: adding a pod moves nothing that was already there', async () => {
    const c = withSlices();
    const before = await layoutTopology(buildTopology(c), elk);
    c.pods.push(pod('web-0', 'node-b', '10.244.1.3', { app: 'web' }), pod('web-9', 'node-a', '10.244.0.99', { app: 'web' }), pod('web-8', 'node-a', '10.244.0.98', { app: 'web' }));
    expect(nodeAGrowsARow(c)).toBe(true);
    const after = await layoutTopology(buildTopology(c), elk);
    for (const id of Object.keys(before.boxes)) {
      expect([id, after.boxes[id]!.x, after.boxes[id]!.y]).toEqual([id, before.boxes[id]!.x, before.boxes[id]!.y]);
    }
    // web-1 kept its slot; web-2 shifted one slot right of the new web-0 (sorted by name), same frame.
    expect(after.pods['pod:default/web-1']).toEqual(before.pods['pod:default/web-1']);
  });
});

function nodeAGrowsARow(c: ReturnType<typeof clusterFixture>): boolean {
  return c.pods.filter((p) => p.spec.nodeName === 'node-a').length > 2;
}
