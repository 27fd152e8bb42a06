import { describe, expect, it } from 'vitest';
import { reconcile } from './reconcile';
import { defaultLabSettings } from '../lab';
import type { Pod, Service } from '../api/types';
import { ObjectStore, randomString } from '../api/store';
import { SeededRandom } from '../net/rand';
import { emptyControllerState, emptyDerived, emptyIndexes, emptyQueues, type Ctx } from './context';
import { onEvent } from './informers';
import { syncServiceEndpoints } from './endpointslice';

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

describe('EndpointSlice controller: a refused create', () => {
  it('writes the slice under the first free name of the stream, and leaves the stream after it', () => {
    const settings = defaultLabSettings();
    const store = new ObjectStore(settings, { checkNamespaces: false });
    const ctx: Ctx = {
      store,
      settings,
      state: emptyControllerState(),
      index: emptyIndexes(),
      queues: emptyQueues(),
      events: [],
      derived: emptyDerived(),
    };
    store.watch((e, key) => onEvent(ctx, e, key));
    // A label no slice may carry (written without validation), copied to the slice: its create is refused.
    const labels = { 'not a key': 'x' };
    const svc = service({ selector: { app: 'web' } });
    store.put<Service>({ ...svc, metadata: { name: 'web', namespace: 'default', labels } });
    const r = SeededRandom.fromSeed(settings.seed, 'generateName/EndpointSlice/default/web');
    const taken = `web-${randomString(r, 5)}`;
    store.put({
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { name: taken, namespace: 'default' },
      addressType: 'IPv4',
      endpoints: [],
    });
    const free = `web-${randomString(r, 5)}`;
    syncServiceEndpoints(ctx, 'default/web');
    const slice = store.get('EndpointSlice', `default/${free}`);
    expect(slice?.metadata.labels).toMatchObject(labels);
    expect(slice?.metadata.uid).toBeUndefined(); // put as it is: the create was refused

    expect(ctx.state.nameStreams.get('EndpointSlice/default/web')).toEqual(r.state());
  });
});
