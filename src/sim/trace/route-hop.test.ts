// The pod network's hops between nodes are decided by the sending node's routing table: each
// carries the `ip route` line that chose the next node, the same line the lab's artifact shows.

import { describe, expect, it } from 'vitest';
import type { KubeObject, OtherObject, Pod } from '../api/types';
import { buildLab } from '../assembly/lab';
import { defaultLabSettings } from '../lab';
import { newTraceSession, trace, type TraceRequest } from './trace';

function node(name: string, ip: string): OtherObject {
  return { apiVersion: 'v1', kind: 'Node', metadata: { name }, status: { addresses: [{ type: 'InternalIP', address: ip }] } } as OtherObject;
}

function pod(name: string, nodeName: string, ip?: string): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', labels: { app: name } },
    spec: { nodeName, containers: [{ name: 'app', image: 'nginx', ports: [{ containerPort: 80 }] }] },
    ...(ip ? { status: { podIP: ip } } : {}),
  };
}

function lab(extra: (KubeObject | OtherObject)[] = []) {
  const objects = [node('node-1', '192.168.49.2'), node('node-2', '192.168.49.3'), pod('client', 'node-1'), pod('web', 'node-2'), ...extra];
  const l = buildLab({ settings: defaultLabSettings(), objects });
  expect(l.problems).toEqual([]);
  return l;
}

function run(l: ReturnType<typeof lab>, url: string) {
  const req: TraceRequest = { from: { kind: 'pod', pod: 'default/client' }, url };
  return trace(l, req, newTraceSession('s'));
}

describe('pod network hops from the routing table', () => {
  it("routes a pod address on another node by that node's block, with the ip route line", () => {
    const l = lab();
    const web = l.cluster.pods.find((p) => p.metadata.name === 'web')!.status!.podIP!;
    const r = run(l, `http://${web}/`);
    expect(r.outcome).toBe('response');
    const hop = r.hops.find((h) => h.action === 'route')!;
    expect(hop.explanation.params).toEqual({ from: 'node-1', to: 'node-2', dst: web });
    expect(hop.refs).toEqual([expect.objectContaining({ artifact: 'node/node-1/ip-route', line: '10.244.1.0/24 via 192.168.49.3 dev eth0 proto bird' })]);
    // The ref points at the line the lab's artifact shows.
    const ref = hop.refs[0]!;
    expect(l.artifacts[ref.artifact]!.lines[ref.lineIndex]!.text).toBe(ref.line);
  });

  it("routes another node's address by the node network's route", () => {
    const l = lab();
    const r = run(l, 'http://192.168.49.3:9/');
    const hop = r.hops.find((h) => h.action === 'route')!;
    expect(hop.explanation.params).toMatchObject({ from: 'node-1', to: 'node-2' });
    expect(hop.refs.map((x) => x.line)).toEqual(['192.168.49.0/24 dev eth0 proto kernel scope link src 192.168.49.2']);
  });

  it('follows a /32 for a pod whose address lies outside its node block', () => {
    const l = lab([pod('odd', 'node-2', '10.244.0.200')]);
    const r = run(l, 'http://10.244.0.200/');
    expect(r.backendPod).toBe('default/odd');
    const hop = r.hops.find((h) => h.action === 'route')!;
    expect(hop.explanation.params).toMatchObject({ from: 'node-1', to: 'node-2' });
    expect(hop.refs.map((x) => x.line)).toEqual(['10.244.0.200 via 192.168.49.3 dev eth0 proto bird']);
  });

  it('shows each node table among the lab artifacts', () => {
    const l = lab();
    expect(Object.keys(l.artifacts).filter((k) => k.endsWith('/ip-route'))).toEqual(['node/node-1/ip-route', 'node/node-2/ip-route']);
    expect(l.artifacts['node/node-2/ip-route']!.lines[0]!.text).toBe('default via 192.168.49.1 dev eth0');
  });
});
