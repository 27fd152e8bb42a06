// The converted HTTPRoute against the Ingress it came from, in one running lab: same Service for
// the paths, the hops through the ingress controller replaced by the Gateway's data plane.

import { describe, expect, it } from 'vitest';
import type { OtherObject, Service } from '../api/types';
import type { LabInput } from '../assembly/lab';
import { classroomObjects, classroomSettings } from '../trace/classroom';
import { defaultIngressAddon } from '../lab';
import { convertAbTrace, type ConvertAbResult } from './convert-ab';
import type { TraceRequest } from '../trace/trace';

const laptop = { name: 'laptop', address: '203.0.113.7' };
const ingressAddon = {
  ...defaultIngressAddon('nginx'),
  isDefaultClass: true,
  nodePorts: { http: 30080, https: 30443 },
};

function scenario(annotations: Record<string, string> = {}): LabInput {
  const objects = classroomObjects({ deployments: 2, replicas: 2 });
  const app1 = { service: { name: 'app-1', port: { number: 80 } } };
  objects.push({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name: 'web', namespace: 'default', annotations },
    spec: { ingressClassName: 'nginx', defaultBackend: { service: { name: 'app-0', port: { number: 80 } } },
      rules: [{ host: 'app.example.com', http: { paths: [{ path: '/api', pathType: 'Prefix', backend: app1 }] } }] },
  } as OtherObject);
  return { settings: { ...classroomSettings('iptables'), ingress: [ingressAddon] }, objects, clients: [laptop] };
}

const req = (url: string): TraceRequest => ({
  from: { kind: 'external', client: 'laptop' },
  url,
  connect: { kind: 'ingress' },
});

function ok(r: ConvertAbResult | { error: string }): ConvertAbResult {
  if ('error' in r) throw new Error(r.error);
  return r;
}

describe('convertAbTrace', () => {
  it.each([
    ['http://app.example.com/api/v1', 'default/app-1'],
    ['http://app.example.com/other', 'default/app-0'],
  ])('%s: the Ingress and the converted HTTPRoute reach %s; the controller hops differ', (url, service) => {
    const r = ok(convertAbTrace({ input: scenario(), request: req(url), seed: 's' }));
    expect(r.gateway).toBe('default/nginx');
    expect(r.requestB.connect).toEqual({ kind: 'gateway', namespace: 'default', name: 'nginx' });
    expect(r.a).toMatchObject({ outcome: 'response', status: 200, service });
    expect(r.b).toMatchObject({ outcome: 'response', status: 200, service });
    expect(r.comparison.differing.length).toBeGreaterThan(0);
    const gatewayConf = (x: { artifact: string }) => String(x.artifact) === 'gateway/default/nginx/nginx.conf';
    expect(r.b.hops.some((h) => h.refs.some(gatewayConf))).toBe(true);
    expect(r.a.hops.some((h) => h.refs.some((x) => String(x.artifact).startsWith('gateway/')))).toBe(false);
    // B's lab has no Ingress left.
    expect(r.labs.b.cluster.ingresses).toEqual([]);
    expect(r.labs.a.cluster.ingresses).toHaveLength(1);
    // B adds the Gateway controller's and data plane's pods; the backends keep their names and addresses.
    const pods = (l: typeof r.labs.a) => l.cluster.pods.filter((p) => p.metadata.name.startsWith('app-'))
      .map((p) => `${p.metadata.name} ${p.status?.podIP}`);
    expect(pods(r.labs.b)).toEqual(pods(r.labs.a));
    expect(pods(r.labs.a)).toHaveLength(4);
  });

  it('an annotation that does not carry over changes the answer, and the notes say which', () => {
    const r = ok(convertAbTrace({ input: scenario({ 'nginx.ingress.kubernetes.io/app-root': '/app' }),
      request: req('http://app.example.com/'), seed: 's' }));
    expect(r.a).toMatchObject({ outcome: 'response', status: 302 });
    expect(r.b).toMatchObject({ outcome: 'response', status: 200, service: 'default/app-0' });
    expect(r.notes.map((n) => n.annotation).filter(Boolean)).toEqual(['nginx.ingress.kubernetes.io/app-root']);
  });

  it('without an ingress-nginx Ingress there is nothing to convert', () => {
    const input = { ...scenario(), objects: scenario().objects.filter((o) => o.kind !== 'Ingress') as Service[] };
    expect(convertAbTrace({ input, request: req('http://app.example.com/'), seed: 's' })).toEqual({
      error: 'no ingress-nginx Ingress to convert',
    });
  });
});
