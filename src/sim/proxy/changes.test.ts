import { describe, expect, it } from 'vitest';
import { changedServices, proxyChangesOf } from './changes';
import { servicePortInfos } from './servicemap';
import { added, deleted, makeService, makeSlice, modified } from './iptables/fixtures';

const svc = makeService('ns', 'web', { clusterIP: '172.30.0.10', ports: [{ port: 80 }] });
const slice = makeSlice('ns', 'web', [{ ip: '10.0.0.1' }], [{ port: 80 }]);

describe('kube-proxy change trackers fed by watch events', () => {
  it('reports a Service whose Service or EndpointSlice changed', () => {
    const other = makeSlice('ns', 'api', [{ ip: '10.0.0.2' }], [{ port: 80 }]);
    const now = makeSlice('ns', 'web', [{ ip: '10.0.0.3' }], [{ port: 80 }]);
    expect(changedServices(proxyChangesOf([modified(slice, now), added(other)]))).toEqual(['ns/api', 'ns/web']);
    expect(changedServices(proxyChangesOf([deleted(svc)]))).toEqual(['ns/web']);
  });

  it('drops a change that changes nothing: a write of the same content, or created and deleted between syncs', () => {
    const same = { ...svc, spec: { ports: svc.spec.ports, clusterIP: svc.spec.clusterIP } };
    expect(changedServices(proxyChangesOf([modified(svc, same)]))).toEqual([]);
    expect(changedServices(proxyChangesOf([added(slice), deleted(slice)]))).toEqual([]);
  });

  it('keeps the first previous version until the sync: a change undone before it is no change', () => {
    const now = makeSlice('ns', 'web', [{ ip: '10.0.0.3' }], [{ port: 80 }]);
    expect(changedServices(proxyChangesOf([modified(slice, now), modified(now, slice)]))).toEqual([]);
  });

  it('a slice relabelled to another Service changes both Services', () => {
    const moved = { ...slice, metadata: { ...slice.metadata, labels: { 'kubernetes.io/service-name': 'api' } } };
    expect(changedServices(proxyChangesOf([modified(slice, moved)]))).toEqual(['ns/api', 'ns/web']);
  });

  it('never sees a headless Service\'s slices, nor a Service another proxy owns (its informers\' selector)', () => {
    const headless = makeService('ns', 'db', { clusterIP: 'None', ports: [{ port: 80 }] });
    const withLabel = (o: typeof slice, l: string) =>
      ({ ...o, metadata: { ...o.metadata, labels: { ...o.metadata.labels, [l]: '' } } });
    const HEADLESS = 'service.kubernetes.io/headless';
    const dbSlice = withLabel(makeSlice('ns', 'db', [{ ip: '10.0.0.5' }], [{ port: 80 }]), HEADLESS);
    const dbNow = withLabel(makeSlice('ns', 'db', [{ ip: '10.0.0.6' }], [{ port: 80 }]), HEADLESS);
    expect(changedServices(proxyChangesOf([added(headless), modified(dbSlice, dbNow)]))).toEqual([]);
    const owner = { 'service.kubernetes.io/service-proxy-name': 'other' };
    const owned = { ...svc, metadata: { ...svc.metadata, labels: owner } };
    expect(changedServices(proxyChangesOf([added(owned)]))).toEqual([]);
    expect(servicePortInfos(owned)).toEqual([]);
    // Taking the label off hands the Service to kube-proxy: it appears as added.
    expect(changedServices(proxyChangesOf([modified(owned, svc)]))).toEqual(['ns/web']);
  });

  it('ignores slices without the service-name label and kinds kube-proxy does not watch', () => {
    const orphan = { ...slice, metadata: { name: 'orphan', namespace: 'ns' } };
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'ns' }, spec: { containers: [] } };
    expect(changedServices(proxyChangesOf([added(orphan), { type: 'ADDED', object: pod as never }]))).toEqual([]);
  });
});
