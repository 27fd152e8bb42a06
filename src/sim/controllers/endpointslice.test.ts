import { describe, expect, it } from 'vitest';
import { reconcile } from './reconcile';
import { defaultLabSettings } from '../lab';
import type { Pod, Service } from '../api/types';

const service = (spec: Service['spec']): Service => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'web' },
  spec,
});

function pod(name: string, labels: Record<string, string>, containerPort = 8080): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels },
    // Each pod its own containers list: the controller groups by what the ports resolve to.
    spec: { containers: [{ name: 'app', ports: [{ name: 'http', containerPort }] }] },
  };
}

function run(svc: Service, pods: Pod[]) {
  const c = reconcile({ settings: defaultLabSettings(), objects: [svc, ...pods] }, { builtins: false }).cluster;
  const slices = c.endpointSlices.filter((s) => s.metadata.labels?.['kubernetes.io/service-name'] === 'web');
  const ep = c.endpoints.find((e) => e.metadata.name === 'web')!;
  return { slices, ep };
}

const names = (xs: { targetRef?: { name: string } }[] | undefined) => (xs ?? []).map((x) => x.targetRef!.name).sort();

describe('EndpointSlice controller: grouping by port mapping', () => {
  const svc = service({ selector: { app: 'web' }, ports: [{ port: 80, targetPort: 'http' }] });

  it('puts pods of different containers lists with equal ports in one slice and one subset', () => {
    const { slices, ep } = run(svc, [pod('a', { app: 'web' }), pod('b', { app: 'web' }), pod('c', { app: 'web' })]);
    expect(slices).toHaveLength(1);
    expect(names(slices[0]!.endpoints)).toEqual(['a', 'b', 'c']);
    expect(ep.subsets).toHaveLength(1);
    expect(names(ep.subsets![0]!.addresses)).toEqual(['a', 'b', 'c']);
  });

  it('splits pods whose named port resolves differently, in slices and in subsets', () => {
    const pods = [pod('a', { app: 'web' }), pod('b', { app: 'web' }, 9090), pod('c', { app: 'web' })];
    const { slices, ep } = run(svc, pods);
    const byPort = (ports: { port?: number }[] | undefined) => ports![0]!.port;
    expect(slices.map((s) => `${byPort(s.ports)} ${names(s.endpoints).join(',')}`).sort()).toEqual([
      '8080 a,c',
      '9090 b',
    ]);
    expect(ep.subsets!.map((s) => `${byPort(s.ports)} ${names(s.addresses).join(',')}`).sort()).toEqual([
      '8080 a,c',
      '9090 b',
    ]);
  });

  it('checks every pair of a selector with more than one', () => {
    const two = service({ selector: { app: 'web', tier: 'front' }, ports: [{ port: 80, targetPort: 'http' }] });
    const { slices } = run(two, [pod('a', { app: 'web', tier: 'front' }), pod('b', { app: 'web', tier: 'back' })]);
    expect(names(slices[0]!.endpoints)).toEqual(['a']);
  });
});
