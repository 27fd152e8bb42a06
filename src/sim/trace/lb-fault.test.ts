import { describe, expect, it } from 'vitest';
import type { KubeObject, OtherObject, Pod, Service } from '../api/types';
import { buildLab } from '../assembly/lab';
import { defaultLabSettings, type LabSettings, type LoadBalancerModel } from '../lab';
import { EXCLUDE_LABEL } from '../lb';
import { renderNotes } from '../notes';
import { newTraceSession, parseSource, trace } from './trace';
import type { TraceResult } from './types';

// A load balancer's "no node passes the health check" fault names each node, what its check answered
// (the load balancer's own artifact line) and which endpoints the EndpointSlices place on it, then the
// pods with the node each runs on, as their status says.

const LB_IP = '192.168.49.240';

function node(name: string, ip: string, labels: Record<string, string> = {}): OtherObject {
  const status = { addresses: [{ type: 'InternalIP', address: ip }] };
  return { apiVersion: 'v1', kind: 'Node', metadata: { name, labels }, status } as OtherObject;
}

function pod(name: string, nodeName: string, ready: boolean): Pod {
  const annotations = ready ? {} : { annotations: { 'netlab.io/ready': 'false' } };
  const metadata = { name, namespace: 'default', labels: { app: 'web' }, ...annotations };
  const containers = [{ name: 'app', image: 'nginx', ports: [{ name: 'http', containerPort: 80 }] }];
  return { apiVersion: 'v1', kind: 'Pod', metadata, spec: { nodeName, containers } };
}

function web(policy: 'Local' | 'Cluster'): Service {
  const ports = [{ name: 'http', port: 80, targetPort: 'http', nodePort: 30080 }];
  const spec = { type: 'LoadBalancer' as const, externalTrafficPolicy: policy, selector: { app: 'web' }, ports };
  return { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default' }, spec };
}

function send(
  objects: (KubeObject | OtherObject)[],
  model: LoadBalancerModel = 'direct',
  more: Partial<LabSettings> = {},
): TraceResult {
  const s = { ...defaultLabSettings(), ...more };
  const settings = { ...s, loadBalancerPool: [LB_IP], loadBalancer: { model } };
  const nodes = [node('node-1', '192.168.49.2'), node('node-2', '192.168.49.3')];
  const clients = [{ name: 'laptop', address: '203.0.113.7' }];
  const lab = buildLab({ settings, objects: [...nodes, ...objects], clients });
  expect(lab.problems).toEqual([]);
  const from = parseSource('external:laptop');
  if ('error' in from) throw new Error(from.error);
  return trace(lab, { from, url: `http://${LB_IP}/` }, newTraceSession('lb-fault'));
}

describe("the load balancer's health-check fault, node by node", () => {
  it('Local: each node answers 503 with localEndpoints 0, the line that says so, and the not-ready pods there', () => {
    const r = send([web('Local'), pod('web-a', 'node-2', false), pod('web-b', 'node-2', false)]);
    expect(r.outcome).toBe('timeout');
    // The message is the one it always was; the nodes and pods are additive.
    expect(r.fault?.message).toBe(
      'no node passes the load balancer health check for Service default/web: ' +
        'externalTrafficPolicy is Local and no node has a ready endpoint',
    );
    const nodes = r.fault!.pods!.nodes!;
    expect(nodes.map((n) => [n.node, n.target, n.localEndpoints])).toEqual([
      ['node-1', true, 0],
      ['node-2', true, 0],
    ]);
    for (const n of nodes) {
      // The node's own line of the load balancer's artifact, with kube-proxy's 503 answer on it.
      expect(n.ref?.artifact).toBe('lb/default/web');
      expect(n.ref?.line).toContain(n.node);
      expect(n.ref?.line).toContain('HTTP 503');
      const params = { node: n.node, status: 503, count: 0 };
      expect(n.notes[0]).toMatchObject({ key: 'note.fault.lbNode.local', params });
    }
    expect(nodes[0]!.endpoints).toEqual([]);
    expect(nodes[0]!.notes[1]!.key).toBe('note.fault.lbNode.noneHere');
    // node-2: both endpoints the slices list there, not ready, each at its line of the slices' artifact.
    expect(nodes[1]!.endpoints.map((e) => [e.pod, e.ready, e.ref?.artifact])).toEqual([
      ['default/web-a', false, 'endpointslices/default/web'],
      ['default/web-b', false, 'endpointslices/default/web'],
    ]);
    expect(nodes[1]!.notes[1]).toMatchObject({ key: 'note.fault.lbNode.notReadyHere', params: { count: 2 } });
    // The pods: where they run and what the kubelet wrote.
    const shown = r.fault!.pods!.shown;
    expect(shown.map((p) => [p.pod, p.node, p.condition?.type, p.condition?.status])).toEqual([
      ['default/web-a', 'node-2', 'Ready', 'False'],
      ['default/web-b', 'node-2', 'Ready', 'False'],
    ]);
    expect(shown[0]!.notes[0]).toMatchObject({ key: 'note.fault.pod.phaseOn', params: { node: 'node-2' } });
  });

  it('Local: a ready endpoint on a node the balancer leaves out is named, with the label that leaves it out', () => {
    const cp = node('cp', '192.168.49.4', { [EXCLUDE_LABEL]: '' });
    const r = send([cp, web('Local'), pod('web-a', 'cp', true)]);
    expect(r.outcome).toBe('timeout');
    const nodes = r.fault!.pods!.nodes!;
    expect(nodes.map((n) => [n.node, n.target])).toEqual([['node-1', true], ['node-2', true], ['cp', false]]);
    const cpLine = nodes[2]!;
    expect(cpLine.endpoints).toMatchObject([{ pod: 'default/web-a', ready: true }]);
    expect(cpLine.notes.map((n) => n.key)).toEqual(['note.fault.lbNode.leftOut', 'note.fault.lbNode.excluded']);
    expect(cpLine.ref?.artifact).toBe('endpointslices/default/web');
    expect(renderNotes('zh', cpLine.notes)).toContain(EXCLUDE_LABEL);
    // The fault's sentence says so, rather than that no node has a ready endpoint.
    const params = { service: 'default/web', nodes: ['cp'] };
    expect(r.fault?.note).toEqual({ key: 'note.fault.lbNoHealthyLeftOut', params });
    expect(r.fault?.message).toContain('its ready endpoints run only on nodes the load balancer does not send to (cp)');
  });

  it("Cluster behind a NodePort balancer: every node refuses the TCP check, and the selector's pods are none", () => {
    const r = send([web('Cluster')], 'nodeport');
    expect(r.outcome).toBe('timeout');
    const pods = r.fault!.pods!;
    expect(pods.nodes!.map((n) => [n.node, n.result, n.notes[0]!.key])).toEqual([
      ['node-1', 'TCP connection refused', 'note.fault.lbNode.refused'],
      ['node-2', 'TCP connection refused', 'note.fault.lbNode.refused'],
    ]);
    expect(pods.nodes![0]!.localEndpoints).toBeUndefined();
    expect(pods.matched).toBe(0);
    expect(pods.summary?.key).toBe('note.fault.pods.none');
  });

  it('kube-proxy refused at start-up on every node: no check passes, whatever the endpoints', () => {
    const kubeProxy = { ...defaultLabSettings().kubeProxy, mode: 'nftables' as const };
    const r = send([web('Cluster'), pod('web-a', 'node-2', true)], 'direct', { kubernetesVersion: '1.28', kubeProxy });
    expect(r.outcome).toBe('timeout');
    expect(r.fault!.pods!.nodes!.map((n) => [n.node, n.result, n.notes[0]!.key])).toEqual([
      ['node-1', 'HTTP: connection refused', 'note.fault.lbNode.proxyDown'],
      ['node-2', 'HTTP: connection refused', 'note.fault.lbNode.proxyDown'],
    ]);
  });

  it('a healthy node means no fault, so nothing is listed', () => {
    const r = send([web('Local'), pod('web-a', 'node-2', true)]);
    expect(r.outcome).toBe('response');
    expect(r.fault).toBeUndefined();
  });
});
