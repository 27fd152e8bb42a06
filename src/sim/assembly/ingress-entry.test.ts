import { describe, expect, it } from 'vitest';
import type { EndpointSlice } from '../api/types';
import { classroomObjects, classroomSettings } from '../trace/classroom';
import { defaultIngressAddon, type IngressAddon } from '../lab';
import { newTraceSession, trace, type TraceRequest } from '../trace/trace';
import { buildLab } from './lab';

// Where `--connect ingress` connects is read from what the EndpointSlice controller wrote: the
// Service whose slices list the controller pods. The client's first hop points at those lines.

function lab(topology: IngressAddon['topology']) {
  const addon: IngressAddon = { ...defaultIngressAddon('nginx'), isDefaultClass: true, topology, replicas: 2 };
  const settings = { ...classroomSettings('iptables'), ingress: [addon], loadBalancerPool: ['192.168.49.240'] };
  const l = buildLab({ settings, objects: classroomObjects({ deployments: 1, replicas: 1 }) });
  expect(l.problems).toEqual([]);
  return l;
}

const fromOutside: TraceRequest = {
  from: { kind: 'external' },
  url: 'http://app.example.com/',
  connect: { kind: 'ingress' },
};
const fromPod: TraceRequest = { ...fromOutside, from: { kind: 'pod', pod: 'default/client' } };

const controllerSlices = (l: ReturnType<typeof lab>): EndpointSlice[] =>
  l.cluster.endpointSlices.filter(
    (s) => s.metadata.labels?.['kubernetes.io/service-name'] === 'ingress-nginx-controller',
  );

describe('the ingress entry, read from the controller Service\'s EndpointSlices', () => {
  it.each(['nodeport', 'loadbalancer'] as const)('%s: the first hop points at each controller pod\'s endpoint', (t) => {
    const l = lab(t);
    const res = trace(l, fromOutside, newTraceSession('entry'));
    const first = res.hops[0]!;
    expect(first.action).toBe('send');
    const id = 'endpointslices/ingress-nginx/ingress-nginx-controller';
    const lines = l.artifacts[id]!.lines;
    // One ref per controller pod, each the first line of its endpoint in the artifact the viewer opens.
    const pods = l.ingress[0]!.pods;
    expect(pods).toHaveLength(2);
    expect(first.refs).toHaveLength(2);
    for (const r of first.refs) {
      expect(r.artifact).toBe(id);
      expect(lines[r.lineIndex]?.text).toBe(r.line);
      expect(lines[r.lineIndex]?.ref).toBe(r.ref);
    }
    const listed = controllerSlices(l).flatMap((s) => s.endpoints.map((e) => `ingress-nginx/${e.targetRef?.name}`));
    expect(listed.sort()).toEqual([...pods].sort());
    // Where it connected is that Service's address: its load-balancer IP, or a node's NodePort.
    const svc = l.cluster.services.find((s) => s.metadata.name === 'ingress-nginx-controller')!;
    const lbIP = svc.status?.loadBalancer?.ingress?.[0]?.ip;
    const http = svc.spec.ports!.find((p) => p.name === 'http')!;
    expect(first.before.dstPort).toBe(t === 'loadbalancer' ? 80 : http.nodePort);
    if (t === 'loadbalancer') expect(first.before.dst).toBe('192.168.49.240');
    else expect(lbIP).toBeUndefined();
  });

  it('a pod connecting to the entry: its send hop carries the same lines', () => {
    const l = lab('nodeport');
    const outside = trace(l, fromOutside, newTraceSession('entry')).hops[0]!;
    const res = trace(l, fromPod, newTraceSession('entry'));
    expect(res.hops[0]).toMatchObject({ action: 'send', explanation: { key: 'hop.send.pod' } });
    expect(res.hops[0]!.refs).toEqual(outside.refs);
  });

  it('a DaemonSet on hostPort has no Service in front: the entry is a pod\'s node, with no slice line', () => {
    const l = lab('daemonset-hostport');
    expect(controllerSlices(l)).toEqual([]);
    const entry = l.ingress[0]!.entry.http!;
    expect(entry.refs).toBeUndefined();
    const res = trace(l, fromOutside, newTraceSession('entry'));
    expect(res.hops[0]).toMatchObject({ action: 'send', refs: [] });
    expect(res.hops[0]!.before.dstPort).toBe(80);
  });

  it('a controller scaled to 0: its Service keeps its NodePort, where kube-proxy rejects (no endpoints)', () => {
    // A real client still reaches the Service's NodePort; kube-proxy's filter KUBE-EXTERNAL-SERVICES
    // REJECTs it ("has no endpoints", SEMANTICS.md 2.6). The entry is the controller's own Service.
    const addon: IngressAddon = { ...defaultIngressAddon('nginx'), isDefaultClass: true, replicas: 0 };
    const settings = { ...classroomSettings('iptables'), ingress: [addon] };
    const l = buildLab({ settings, objects: classroomObjects({ deployments: 1, replicas: 1 }) });
    expect(l.ingress[0]!.pods).toEqual([]);
    const svc = l.cluster.services.find((s) => s.metadata.name === 'ingress-nginx-controller')!;
    const http = svc.spec.ports!.find((p) => p.name === 'http')!;
    expect(l.ingress[0]!.entry.http).toMatchObject({ port: http.nodePort });
    const res = trace(l, fromOutside, newTraceSession('entry'));
    expect(res.outcome).toBe('refused');
    expect(res.fault).toMatchObject({ kind: 'Service', namespace: 'ingress-nginx', name: 'ingress-nginx-controller' });
    // The first hop and the fault point at the slice's `endpoints: null`.
    const id = 'endpointslices/ingress-nginx/ingress-nginx-controller';
    expect(res.hops[0]!.refs.map((r) => [r.artifact, r.line])).toEqual([[id, '  endpoints: null']]);
    expect(res.fault!.refs).toEqual(res.hops[0]!.refs);
  });
});
