import { describe, expect, it } from 'vitest';
import { proxyChangesOf } from './changes';
import { startKubeProxy, syncKubeProxy } from './compile';
import { testCluster, testService, testSlice } from './ipvs/testfixtures';

function cluster(ips: string[], modulesLoaded = true) {
  return testCluster({
    services: [
      testService('ns1', 'web', { clusterIP: '10.96.0.20' }),
      testService('ns1', 'api', { clusterIP: '10.96.0.21' }),
    ],
    slices: [
      testSlice('ns1', 'web', ips.map((ip) => ({ ip, node: 'node-2' }))),
      testSlice('ns1', 'api', [{ ip: '10.244.2.30', node: 'node-2' }]),
    ],
    settings: (s) => {
      s.kubeProxy.mode = 'ipvs';
      s.kubeProxy.ipvs.modulesLoaded = modulesLoaded;
    },
  });
}

describe('kube-proxy state per node: an explicit record the next sync starts from', () => {
  it('an ipvs kube-proxy that fell back to iptables syncs partially, like the iptables proxier it runs', () => {
    const before = cluster(['10.244.2.12'], false);
    const k = startKubeProxy({ cluster: before, nodeName: 'node-1' });
    expect(k.proxier.kind).toBe('iptables');
    const reasons = k.proxy.events.map((e) => e.reason);
    expect(reasons).toEqual(['IPVSDeprecation', 'IPVSUnavailable', 'ProxierStarted', 'SyncProxyRules']);

    const after = cluster(['10.244.2.12', '10.244.2.13'], false);
    const old = before.endpointSlices.find((s) => s.metadata.labels?.['kubernetes.io/service-name'] === 'web')!;
    const now = after.endpointSlices.find((s) => s.metadata.labels?.['kubernetes.io/service-name'] === 'web')!;
    // A copy of the NodeProxy (as a consumer may make) holds no state: the record does.
    const copy = { ...k, proxy: { ...k.proxy } };
    const changes = proxyChangesOf([{ type: 'MODIFIED', object: now, old }]);
    const next = syncKubeProxy(copy, { cluster: after, nodeName: 'node-1' }, changes);
    const partial = /^Syncing iptables rules: partial sync: 1 of 2 services changed \(ns1\/web\)/;
    expect(next.proxy.events.map((e) => e.message)).toEqual([expect.stringMatching(partial)]);
    const full = startKubeProxy({ cluster: after, nodeName: 'node-1' });
    const save = (p: typeof next) => p.proxy.artifacts.find((a) => a.id.endsWith('/iptables-save'))!;
    const text = (p: typeof next) => save(p).lines.map((l) => l.text);
    expect(text(next)).toEqual(text(full));
  });

  it('artifacts are listed at once and render their lines when read', () => {
    const k = startKubeProxy({ cluster: cluster(['10.244.2.12'], false), nodeName: 'node-1' });
    const save = k.proxy.artifacts.find((a) => a.id === 'node/node-1/iptables-save')!;
    expect(save.title).toBe('iptables-save (node-1)');
    expect(Object.isFrozen(save)).toBe(true);
    expect(save.lines.some((l) => l.text.startsWith('-A KUBE-SERVICES'))).toBe(true);
    expect(JSON.parse(JSON.stringify(save)).lines).toEqual(save.lines);
  });
});
