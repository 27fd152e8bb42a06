import { describe, expect, it } from 'vitest';
import type { EndpointSlice, SliceEndpoint } from '../api/types';
import { findLine } from '../artifact';
import { renderSliceList, sliceArtifact, sliceEndpointRef, sliceEndpointsRef } from './sliceview';

// A Service's slices as `kubectl get endpointslices -l kubernetes.io/service-name=web -o yaml` prints
// them: a v1 List, every map's keys sorted, a list under a key at the key's own indent.

function endpoint(ip: string, pod: string, conditions: SliceEndpoint['conditions']): SliceEndpoint {
  const targetRef = { kind: 'Pod', namespace: 'default', name: pod };
  return { addresses: [ip], conditions, nodeName: 'node-1', targetRef };
}

function slice(name: string, endpoints: SliceEndpoint[]): EndpointSlice {
  const labels = {
    'kubernetes.io/service-name': 'web',
    'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io',
  };
  const metadata = { name, namespace: 'default', labels, resourceVersion: '7' };
  const ports = [{ name: 'http', port: 80, protocol: 'TCP' as const }];
  return { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata, addressType: 'IPv4', endpoints, ports };
}

const notReady = endpoint('10.244.1.5', 'web-a', { ready: false, serving: false, terminating: false });
const terminating = endpoint('10.244.1.6', 'web-b', { ready: false, serving: false, terminating: true });

describe('a Service\'s EndpointSlices as kubectl -o yaml prints them', () => {
  it('a not-ready and a terminating endpoint, each first line carrying its ref', () => {
    const lines = renderSliceList([slice('web-x1', [notReady, terminating])]);
    expect(lines.map((l) => l.text)).toEqual([
      'apiVersion: v1',
      'items:',
      '- addressType: IPv4',
      '  apiVersion: discovery.k8s.io/v1',
      '  endpoints:',
      '  - addresses:',
      '    - 10.244.1.5',
      '    conditions:',
      '      ready: false',
      '      serving: false',
      '      terminating: false',
      '    nodeName: node-1',
      '    targetRef:',
      '      kind: Pod',
      '      name: web-a',
      '      namespace: default',
      '  - addresses:',
      '    - 10.244.1.6',
      '    conditions:',
      '      ready: false',
      '      serving: false',
      '      terminating: true',
      '    nodeName: node-1',
      '    targetRef:',
      '      kind: Pod',
      '      name: web-b',
      '      namespace: default',
      '  kind: EndpointSlice',
      '  metadata:',
      '    labels:',
      '      endpointslice.kubernetes.io/managed-by: endpointslice-controller.k8s.io',
      '      kubernetes.io/service-name: web',
      '    name: web-x1',
      '    namespace: default',
      '    resourceVersion: "7"',
      '  ports:',
      '  - name: http',
      '    port: 80',
      '    protocol: TCP',
      'kind: List',
      'metadata:',
      '  resourceVersion: ""',
    ]);
    const refs = lines.flatMap((l, i) => (l.ref ? [[i, l.ref]] : []));
    expect(refs).toEqual([
      [4, sliceEndpointsRef('web-x1')],
      [5, sliceEndpointRef('web-x1', 0)],
      [16, sliceEndpointRef('web-x1', 1)],
    ]);
  });

  it('an empty slice prints `endpoints: null` (the API\'s nil list) and its ref is on that line', () => {
    const lines = renderSliceList([slice('web-x1', [])]);
    const i = lines.findIndex((l) => l.ref === sliceEndpointsRef('web-x1'));
    expect(lines[i]!.text).toBe('  endpoints: null');
    expect(lines.map((l) => l.text).slice(0, 6)).toEqual([
      'apiVersion: v1',
      'items:',
      '- addressType: IPv4',
      '  apiVersion: discovery.k8s.io/v1',
      '  endpoints: null',
      '  kind: EndpointSlice',
    ]);
  });

  it('no slices at all: an empty List', () => {
    expect(renderSliceList([]).map((l) => l.text)).toEqual([
      'apiVersion: v1',
      'items: []',
      'kind: List',
      'metadata:',
      '  resourceVersion: ""',
    ]);
  });

  it('renders only when read', () => {
    let reads = 0;
    const a = sliceArtifact('default', 'web', () => {
      reads++;
      return [slice('web-x1', [notReady])];
    });
    expect(a.id).toBe('endpointslices/default/web');
    expect(a.kind).toBe('endpointslice');
    expect(reads).toBe(0);
    expect(findLine(a, sliceEndpointRef('web-x1', 0))?.lineIndex).toBe(5);
    expect(a.lines).toHaveLength(31);
    expect(reads).toBe(1);
  });
});
