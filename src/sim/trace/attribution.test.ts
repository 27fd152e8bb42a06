// The trace result's attribution (README's JSON contract): `service` is the Service the request was
// routed or addressed to, `services` every Service the packets passed through, and `backend.headers`
// what the backend received. One row per case the contract names.

import { describe, expect, it } from 'vitest';
import type { KubeObject, OtherObject, Pod, Service } from '../api/types';
import { buildLab } from '../assembly/lab';
import type { ExternalClient } from '../cluster';
import { defaultLabSettings, type LabSettings } from '../lab';
import { newTraceSession, parseConnect, parseSource, trace, type TraceRequest } from './trace';

const pod = (name: string, nodeName: string, labels: Record<string, string>): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default', labels },
  spec: { nodeName, containers: [{ name: 'app', image: 'nginx', ports: [{ name: 'http', containerPort: 80 }] }] },
});

const service = (name: string, spec: Partial<Service['spec']> = {}): Service => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace: 'default' },
  spec: { selector: { app: name }, ports: [{ name: 'http', port: 80, targetPort: 'http' }], ...spec },
});

const ingress = (annotations: Record<string, string> = {}): OtherObject =>
  ({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name: 'shop', namespace: 'default', annotations },
    spec: {
      ingressClassName: 'nginx',
      rules: [
        {
          host: 'shop.example.com',
          http: {
            paths: ['web', 'empty'].map((svc) => ({
              path: `/${svc}`,
              pathType: 'Prefix',
              backend: { service: { name: svc, port: { number: 80 } } },
            })),
          },
        },
      ],
    },
  }) as OtherObject;

const clients: ExternalClient[] = [{ name: 'laptop', address: '203.0.113.7' }];

function lab(extra: (KubeObject | OtherObject)[] = []) {
  const s = defaultLabSettings();
  const settings: LabSettings = {
    ...s,
    ingress: [
      {
        className: 'nginx',
        controller: 'nginx',
        topology: 'nodeport',
        namespace: 'ingress-nginx',
        replicas: 1,
        legacyReloadOnEndpointChange: false,
        isDefaultClass: true,
        nodePorts: { http: 30080, https: 30443 },
      },
    ],
  };
  const objects = [
    pod('web-a', 'node-1', { app: 'web' }),
    pod('client', 'node-2', { app: 'client' }),
    service('web'),
    service('empty', { selector: { app: 'nobody' } }),
    service('web-headless', { selector: { app: 'web' }, clusterIP: 'None' }),
    ...extra,
  ];
  const l = buildLab({ settings, objects, clients });
  expect(l.problems).toEqual([]);
  return l;
}

function run(l: ReturnType<typeof lab>, from: string, url: string, extra: Partial<TraceRequest> = {}) {
  const f = parseSource(from);
  if ('error' in f) throw new Error(f.error);
  return trace(l, { from: f, url, ...extra }, newTraceSession('attribution'));
}

const viaIngress = () => {
  const c = parseConnect('ingress');
  if ('error' in c) throw new Error(c.error);
  return { connect: c };
};

describe('trace attribution: service, services, backend.headers', () => {
  it('through the ingress controller: the backend Service the rule chose, after the controller Service', () => {
    const opts = { ...viaIngress(), headers: { 'X-Test': 'a' } };
    const res = run(lab([ingress()]), 'external:laptop', 'http://shop.example.com/web', opts);
    expect(res.status).toBe(200);
    expect(res.service).toBe('default/web');
    expect(res.services).toEqual(['ingress-nginx/ingress-nginx-controller', 'default/web']);
    // What nginx sent upstream: the Host as the client named it, the client's header, and its own (the
    // NodePort masqueraded the laptop to the node's address on the way in).
    const forwarded = { Host: 'shop.example.com', 'X-Test': 'a', 'X-Forwarded-For': '192.168.49.2' };
    expect(res.backend?.headers).toMatchObject(forwarded);
  });

  it('503 for a backend without endpoints: that backend Service', () => {
    const res = run(lab([ingress()]), 'external:laptop', 'http://shop.example.com/empty', viaIngress());
    expect(res.status).toBe(503);
    expect(res.service).toBe('default/empty');
    expect(res.services.at(-1)).toBe('default/empty');
  });

  it('308 redirect by the controller: null (the controller answered by itself)', () => {
    const l = lab([ingress({ 'nginx.ingress.kubernetes.io/force-ssl-redirect': 'true' })]);
    const res = run(l, 'external:laptop', 'http://shop.example.com/web', viaIngress());
    expect(res.status).toBe(308);
    expect(res.service).toBeNull();
    expect(res.services).toEqual(['ingress-nginx/ingress-nginx-controller']);
  });

  it('a headless Service reached by its DNS name: that Service', () => {
    const res = run(lab(), 'pod:default/client', 'http://web-headless.default.svc.cluster.local/');
    expect(res.outcome).toBe('response');
    expect(res.backendPod).toBe('default/web-a');
    expect(res.service).toBe('default/web-headless');
  });

  it('a ClusterIP on a port it does not serve: that Service, though no rule matched', () => {
    const res = run(lab(), 'pod:default/client', 'http://web:8080/');
    expect(res.outcome).toBe('timeout');
    expect(res.service).toBe('default/web');
    expect(res.services).toEqual(['default/web']);
  });

  it('a ClusterIP from outside the cluster: addressed to that Service', () => {
    const l = lab();
    const ip = l.cluster.services.find((s) => s.metadata.name === 'web')!.spec.clusterIP!;
    const res = run(l, 'external:laptop', `http://${ip}/`);
    expect(res.outcome).toBe('unreachable');
    expect(res.service).toBe('default/web');
  });

  it('a pod address: no Service at all', () => {
    const l = lab();
    const ip = l.cluster.pods.find((p) => p.metadata.name === 'web-a')!.status!.podIP!;
    const res = run(l, 'pod:default/client', `http://${ip}/`, { headers: { Accept: '*/*' } });
    expect(res.status).toBe(200);
    expect(res.service).toBeNull();
    expect(res.services).toEqual([]);
    expect(res.backend?.headers).toEqual({ Host: ip, Accept: '*/*' });
  });
});
