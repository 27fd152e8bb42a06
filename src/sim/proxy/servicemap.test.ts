import { describe, expect, it } from 'vitest';
import type { EndpointSlice, Service } from '../api/types';
import { buildServiceMap, formatServicePortName, parseServicePortName, serviceKeyOfPort } from './servicemap';

function svc(name: string, spec: Partial<Service['spec']>): Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: 'ns1' },
    spec: { clusterIP: '172.30.0.1', ports: [{ name: 'p80', port: 80, protocol: 'TCP' }], ...spec },
  };
}

type Ep = { ip: string; node?: string; ready?: boolean; serving?: boolean; terminating?: boolean };

function slice(service: string, eps: Ep[]): EndpointSlice {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: `${service}-abc`, namespace: 'ns1', labels: { 'kubernetes.io/service-name': service } },
    addressType: 'IPv4',
    ports: [{ name: 'p80', port: 8080, protocol: 'TCP' }],
    endpoints: eps.map((e) => ({
      addresses: [e.ip],
      nodeName: e.node,
      conditions: e.ready === undefined && e.serving === undefined && e.terminating === undefined ? undefined : {
        ready: e.ready,
        serving: e.serving,
        terminating: e.terminating,
      },
    })),
  };
}

describe('service port names', () => {
  it('omits the colon for an unnamed port', () => {
    expect(formatServicePortName({ namespace: 'ns1', name: 'svc1', port: '' })).toBe('ns1/svc1');
    expect(formatServicePortName({ namespace: 'ns1', name: 'svc1', port: 'p80' })).toBe('ns1/svc1:p80');
  });
  it('parses the string form back into the same identity, and names the Service', () => {
    for (const spn of [
      { namespace: 'ns1', name: 'svc1', port: '' },
      { namespace: 'kube-system', name: 'kube-dns', port: 'dns-tcp' },
    ]) {
      expect(parseServicePortName(formatServicePortName(spn))).toEqual(spn);
    }
    expect(serviceKeyOfPort('kube-system/kube-dns:dns-tcp')).toBe('kube-system/kube-dns');
    expect(serviceKeyOfPort('ns1/svc1')).toBe('ns1/svc1');
  });
});

describe('buildServiceMap', () => {
  it('ignores headless and ExternalName services', () => {
    const m = buildServiceMap(
      {
        services: [svc('h', { clusterIP: 'None' }), svc('x', { type: 'ExternalName', externalName: 'a.b' })],
        endpointSlices: [],
      },
      'n1',
    );
    expect(m).toEqual([]);
  });

  it('treats endpoints without conditions as ready and sorts them by ip:port string', () => {
    const m = buildServiceMap(
      { services: [svc('s', {})], endpointSlices: [slice('s', [{ ip: '10.0.1.2' }, { ip: '10.0.1.10' }])] },
      'n1',
    );
    expect(m[0]!.endpoints.map((e) => e.endpoint)).toEqual(['10.0.1.10:8080', '10.0.1.2:8080']);
    expect(m[0]!.clusterEndpoints).toHaveLength(2);
  });

  it.each([
    // [case, endpoints, policy, expected cluster, expected local, hasAny]
    [
      'ready only',
      [
        { ip: '10.0.0.1', node: 'n1', ready: true, serving: true },
        { ip: '10.0.0.2', node: 'n2', ready: false, serving: false },
      ],
      'Cluster', ['10.0.0.1'], [], true,
    ],
    [
      'falls back to serving+terminating',
      [
        { ip: '10.0.0.1', node: 'n1', ready: false, serving: true, terminating: true },
        { ip: '10.0.0.2', node: 'n2', ready: false, serving: false, terminating: true },
      ],
      'Cluster', ['10.0.0.1'], [], true,
    ],
    [
      'local ready', [{ ip: '10.0.0.1', node: 'n1', ready: true }, { ip: '10.0.0.2', node: 'n2', ready: true }],
      'Local', ['10.0.0.1', '10.0.0.2'], ['10.0.0.1'], true,
    ],
    [
      'no local endpoints, remote terminating still counts',
      [{ ip: '10.0.0.2', node: 'n2', ready: false, serving: true, terminating: true }], 'Local', ['10.0.0.2'], [], true,
    ],
    [
      'nothing usable', [{ ip: '10.0.0.2', node: 'n2', ready: false, serving: false, terminating: true }], 'Cluster',
      [], [], false,
    ],
  ] as const)('%s', (_name, eps, policy, cluster, local, hasAny) => {
    const s = svc('s', {
      type: 'NodePort',
      externalTrafficPolicy: policy,
      ports: [{ name: 'p80', port: 80, protocol: 'TCP', nodePort: 30080 }],
    });
    const [p] = buildServiceMap({ services: [s], endpointSlices: [slice('s', [...eps])] }, 'n1');
    expect(p!.clusterEndpoints.map((e) => e.ip)).toEqual(cluster);
    expect(p!.localEndpoints.map((e) => e.ip)).toEqual(local);
    expect(p!.hasAnyEndpoints).toBe(hasAny);
  });

  it('never calls an endpoint without nodeName local', () => {
    const [p] = buildServiceMap(
      { services: [svc('s', { internalTrafficPolicy: 'Local' })], endpointSlices: [slice('s', [{ ip: '10.0.0.1' }])] },
      'n1',
    );
    expect(p!.localEndpoints).toEqual([]);
    expect(p!.hasAnyEndpoints).toBe(true);
  });
});
