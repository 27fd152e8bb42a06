import { describe, expect, it } from 'vitest';
import type { OtherObject, Service } from '../api/types';
import type { LabInput } from '../assembly/lab';
import { classroomObjects, classroomSettings } from '../trace/classroom';
import { defaultIngressAddon } from '../lab';
import { abTrace, compareTraces, type AbTraceResult, type Flip } from './compare';
import { newTraceSession, trace, type TraceRequest } from '../trace/trace';
import { buildLab } from '../assembly/lab';

const laptop = { name: 'laptop', address: '203.0.113.7' };
const ingressAddon = {
  ...defaultIngressAddon('nginx'),
  isDefaultClass: true,
  nodePorts: { http: 30080, https: 30443 },
};

function scenario(): LabInput {
  const nodePort = { name: 'http', port: 80, targetPort: 'http', nodePort: 30007 };
  const objects = classroomObjects({ deployments: 2, replicas: 3 }).map((o) =>
    o.kind === 'Service' && o.metadata.name === 'app-0'
      ? ({ ...o, spec: { ...(o as Service).spec, type: 'NodePort', ports: [nodePort] } } as Service)
      : o,
  );
  const backend = { service: { name: 'app-1', port: { number: 80 } } };
  objects.push({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name: 'web', namespace: 'default' },
    spec: {
      ingressClassName: 'nginx',
      rules: [{ host: 'app.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend }] } }],
    },
  } as OtherObject);
  return { settings: { ...classroomSettings('iptables'), ingress: [ingressAddon] }, objects, clients: [laptop] };
}

const toNodePort: TraceRequest = { from: { kind: 'external', client: 'laptop' }, url: 'http://192.168.49.2:30007/' };
const fromPod: TraceRequest = { from: { kind: 'pod', pod: 'default/client' }, url: 'http://app-1/' };
const viaIngress: TraceRequest = {
  from: { kind: 'external', client: 'laptop' },
  url: 'http://app.example.com/',
  connect: { kind: 'ingress' },
};

function ok(r: AbTraceResult | { error: string }): AbTraceResult {
  if ('error' in r) throw new Error(r.error);
  return r;
}

/** The scenario traced as is (A) and with one flip (B), seed "s". */
const ab = (request: TraceRequest, flip: Flip) => abTrace({ input: scenario(), request, flip, seed: 's' });

describe('compareTraces', () => {
  it('the same trace twice: nothing differs', () => {
    const lab = buildLab(scenario());
    const a = trace(lab, fromPod, newTraceSession('s'));
    const b = trace(lab, fromPod, newTraceSession('s'));
    expect(compareTraces(a, b)).toEqual({ differing: [], summary: 'every hop the same' });
  });

  it('externalTrafficPolicy Local: no SNAT hop and the backend sees the client address', () => {
    const r = ok(ab(toNodePort, { kind: 'externalTrafficPolicy', service: 'app-0', value: 'Local' }));
    expect(r.a.backend?.sourceIP).not.toBe('203.0.113.7');
    expect(r.b.backend?.sourceIP).toBe('203.0.113.7');
    const snat = r.a.hops.findIndex((h) => h.action === 'snat');
    expect(r.comparison.differing).toContainEqual({ indexA: snat, indexB: null, what: ['only in A'] });
    expect(r.comparison.summary).toMatch(/source IP seen by the backend 192\.168\.49\.2 -> 203\.0\.113\.7/);
  });

  it('proxy mode iptables -> ipvs: the DNAT hop is decided by different lines', () => {
    const r = ok(ab(fromPod, { kind: 'proxyMode', mode: 'ipvs' }));
    const dnat = r.a.hops.findIndex((h) => h.action === 'dnat');
    const d = r.comparison.differing.find((x) => x.indexA === dnat)!;
    expect(d.indexB).toBe(r.b.hops.findIndex((h) => h.action === 'dnat'));
    expect(d.what).toContain('refs');
    expect(d.what).toContain('explanation');
  });

  it('replicas 0: the connection is refused where the pods were', () => {
    const r = ok(ab(fromPod, { kind: 'replicas', deployment: 'default/app-1', value: 0 }));
    expect(r.a.outcome).toBe('response');
    expect(r.b.outcome).toBe('refused');
    expect(r.comparison.summary).toMatch(
      new RegExp(
        '^outcome response -> refused; status 200 -> none; backend default/app-1-\\S+ -> none; ' +
          'source IP seen by the backend \\S+ -> none; \\d+ hops differ',
      ),
    );
    expect(r.comparison.differing.some((d) => d.what[0] === 'only in A')).toBe(true);
  });

  it('service-upstream: ingress-nginx sends to the ClusterIP, so kube-proxy DNATs on the controller node', () => {
    const r = ok(ab(viaIngress, { kind: 'serviceUpstream', ingress: 'default/web', value: true }));
    expect(r.a.outcome).toBe('response');
    expect(r.b.outcome).toBe('response');
    const proxyA = r.a.hops.find((h) => h.action === 'proxy')!;
    const proxyB = r.b.hops.find((h) => h.action === 'proxy')!;
    const clusterIP = r.labs.b.cluster.services.find((s) => s.metadata.name === 'app-1')!.spec.clusterIP;
    expect(proxyB.after.dst).toBe(clusterIP);
    expect(proxyA.after.dst).not.toBe(clusterIP);
    expect(r.comparison.differing.find((d) => d.indexA === proxyA.index)?.what).toContain('after.dst');
  });

  it('sessionAffinity ClientIP: the recent-module check shows up in the iptables rules', () => {
    const r = ok(ab(fromPod, { kind: 'sessionAffinity', service: 'app-1', value: 'ClientIP' }));
    const dnat = r.b.hops.find((h) => h.action === 'dnat')!;
    expect(dnat.refs.some((ref) => /recent/.test(ref.line))).toBe(true);
    expect(r.comparison.differing.find((d) => d.indexB === dnat.index)?.what).toContain('refs');
  });

  it('flipping an object that is not there is an error', () => {
    expect(ab(fromPod, { kind: 'replicas', deployment: 'nope', value: 1 })).toEqual({
      error: 'Deployment default/nope not found in the scenario',
    });
  });
});
