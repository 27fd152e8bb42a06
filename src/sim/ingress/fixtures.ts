// Hand-built reconciled clusters for the ingress tests (the control plane is not needed to say
// "this Service has these ready endpoints"). Exported so the lead's integration tests can reuse them.

import type { EndpointSlice, HTTPIngressPath, Ingress, IngressClass, PathType, Secret, Service } from '../api/types';
import type { Cluster } from '../cluster';
import { emptyCluster } from '../cluster';
import type { IngressAddon } from '../lab';
import { defaultIngressAddon, defaultLabSettings } from '../lab';
import { CONTROLLER_NAMES } from './model';

export interface FixtureService {
  namespace?: string;
  name: string;
  port: number;
  targetPort?: number;
  portName?: string;
  clusterIP?: string;
  /** Ready endpoint addresses; "!a.b.c.d" is a not-ready one. */
  endpoints: string[];
}

export function fixtureService(s: FixtureService): { service: Service; slice: EndpointSlice } {
  const namespace = s.namespace ?? 'default';
  const targetPort = s.targetPort ?? s.port;
  const service: Service = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: s.name, namespace },
    spec: {
      type: 'ClusterIP',
      clusterIP: s.clusterIP ?? '10.96.0.10',
      ports: [{ ...(s.portName ? { name: s.portName } : {}), port: s.port, targetPort, protocol: 'TCP' }],
      selector: { app: s.name },
    },
  };
  const slice: EndpointSlice = {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: `${s.name}-abcde`, namespace, labels: { 'kubernetes.io/service-name': s.name } },
    addressType: 'IPv4',
    endpoints: s.endpoints.map((e, i) => ({
      addresses: [e.replace(/^!/, '')],
      conditions: { ready: !e.startsWith('!') },
      targetRef: { kind: 'Pod', namespace, name: `${s.name}-${i}` },
    })),
    ports: [{ ...(s.portName ? { name: s.portName } : {}), port: targetPort, protocol: 'TCP' }],
  };
  return { service, slice };
}

export function fixtureIngressClass(name: string, controller: 'nginx' | 'traefik', isDefault = false): IngressClass {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'IngressClass',
    metadata: {
      name,
      ...(isDefault ? { annotations: { 'ingressclass.kubernetes.io/is-default-class': 'true' } } : {}),
    },
    spec: { controller: CONTROLLER_NAMES[controller] },
  };
}

export interface FixturePath {
  path: string;
  pathType?: PathType;
  service: string;
  port: number | string;
}

export function fixturePath(p: FixturePath): HTTPIngressPath {
  return {
    path: p.path,
    pathType: p.pathType ?? 'Prefix',
    backend: { service: { name: p.service, port: typeof p.port === 'number' ? { number: p.port } : { name: p.port } } },
  };
}

export interface FixtureIngress {
  name: string;
  namespace?: string;
  className?: string | null;
  created?: string;
  annotations?: Record<string, string>;
  defaultBackend?: { service: string; port: number };
  rules?: { host?: string; paths: FixturePath[] }[];
  tls?: { hosts: string[]; secretName: string }[];
}

export function fixtureIngress(i: FixtureIngress): Ingress {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: {
      name: i.name,
      namespace: i.namespace ?? 'default',
      creationTimestamp: i.created ?? '2024-01-01T00:00:00Z',
      ...(i.annotations ? { annotations: i.annotations } : {}),
    },
    spec: {
      ...(i.className === null ? {} : { ingressClassName: i.className ?? 'nginx' }),
      ...(i.defaultBackend ? { defaultBackend: { service: {
        name: i.defaultBackend.service,
        port: { number: i.defaultBackend.port },
      } } } : {}),
      ...(i.tls ? { tls: i.tls } : {}),
      ...(i.rules ? { rules: i.rules.map((r) => ({
        ...(r.host ? { host: r.host } : {}),
        http: { paths: r.paths.map(fixturePath) },
      })) } : {}),
    },
  };
}

export function fixtureTlsSecret(name: string, certPem: string, keyPem: string, namespace = 'default'): Secret {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace },
    type: 'kubernetes.io/tls',
    data: { 'tls.crt': btoa(certPem), 'tls.key': btoa(keyPem) },
  };
}

export interface FixtureCluster {
  services?: FixtureService[];
  ingresses?: FixtureIngress[];
  classes?: IngressClass[];
  secrets?: Secret[];
  addons?: IngressAddon[];
}

/** A cluster with an `nginx` and a `traefik` IngressClass (unless `classes` is given) and the listed objects. */
export function fixtureCluster(f: FixtureCluster): Cluster {
  const settings = defaultLabSettings();
  settings.ingress = f.addons ?? [defaultIngressAddon('nginx'), defaultIngressAddon('traefik')];
  const cluster = emptyCluster(settings);
  cluster.ingressClasses = f.classes ?? [
    fixtureIngressClass('nginx', 'nginx'),
    fixtureIngressClass('traefik', 'traefik'),
  ];
  for (const s of f.services ?? []) {
    const { service, slice } = fixtureService(s);
    cluster.services.push(service);
    cluster.endpointSlices.push(slice);
  }
  cluster.ingresses = (f.ingresses ?? []).map(fixtureIngress);
  cluster.secrets = f.secrets ?? [];
  return cluster;
}

/** Seed 001's Ingresses in today's API: test (foo.bar.com /foo /bar) and echomap (caas.one/kibana, jingru.io/es). */
export function seed001Cluster(): Cluster {
  return fixtureCluster({
    services: [
      { name: 's1', port: 80, targetPort: 8080, clusterIP: '10.96.0.11', endpoints: ['10.244.1.11'] },
      { name: 's2', port: 80, targetPort: 8080, clusterIP: '10.96.0.12', endpoints: ['10.244.1.12', '10.244.2.12'] },
      { name: 'testsvc', port: 80, clusterIP: '10.96.0.13', endpoints: ['10.244.2.13'] },
      { name: 'kibana', port: 5601, clusterIP: '10.96.0.14', endpoints: ['10.244.1.14'] },
      { name: 'elasticsearch', port: 9200, clusterIP: '10.96.0.15', endpoints: ['10.244.2.15'] },
    ],
    ingresses: [
      { name: 'test-ingress', created: '2016-04-01T00:00:00Z', defaultBackend: { service: 'testsvc', port: 80 } },
      {
        name: 'test',
        created: '2016-04-01T00:01:00Z',
        rules: [{
          host: 'foo.bar.com',
          paths: [{ path: '/foo', service: 's1', port: 80 }, { path: '/bar', service: 's2', port: 80 }],
        }],
      },
      {
        name: 'echomap',
        created: '2016-04-01T00:02:00Z',
        rules: [
          { host: 'caas.one', paths: [{ path: '/kibana', service: 'kibana', port: 5601 }] },
          { host: 'jingru.io', paths: [{ path: '/es', service: 'elasticsearch', port: 9200 }] },
        ],
      },
    ],
  });
}
