import { describe, expect, it } from 'vitest';
import type { IpvsScheduler, ProxyMode } from '../../lab';
import { compileNodeProxy } from '../compile';
import { freshState, tcp, testCluster, testService, testSlice } from './testfixtures';

function cluster(mode: ProxyMode, tweak?: (s: ReturnType<typeof testCluster>['settings']) => void) {
  return testCluster({
    services: [testService('ns1', 'web', { clusterIP: '10.96.0.20' })],
    slices: [testSlice('ns1', 'web', [{ ip: '10.244.2.12', node: 'node-2' }])],
    settings: (s) => {
      s.kubeProxy.mode = mode;
      s.kubernetesVersion = mode === 'userspace' ? '1.25' : '1.31';
      tweak?.(s);
    },
  });
}

describe('compileNodeProxy for the ipvs, nftables and userspace modes', () => {
  it.each(['ipvs', 'nftables', 'userspace'] as const)('%s: a pod reaches the ClusterIP', (mode) => {
    const px = compileNodeProxy({ cluster: cluster(mode), nodeName: 'node-1' });
    expect(px.mode).toBe(mode);
    const r = px.evaluate({ packet: tcp('10.244.1.50', '10.96.0.20', 80), origin: 'pod', state: freshState() });
    const v = r.verdict;
    const ip = v.kind === 'dnat' ? v.endpoint.ip : v.kind === 'proxy' ? v.endpoint?.ip : undefined;
    expect(ip).toBe('10.244.2.12');
  });

  it('ipvs without its kernel modules falls back to iptables and says so', () => {
    const px = compileNodeProxy({
      cluster: cluster('ipvs', (s) => (s.kubeProxy.ipvs.modulesLoaded = false)),
      nodeName: 'node-1',
    });
    expect(px.mode).toBe('iptables');
    expect(px.events.slice(0, 2).map((e) => e.message)).toEqual([
      "Can't use ipvs proxier, trying iptables proxier", 'Using iptables Proxier.',
    ]);
    const r = px.evaluate({ packet: tcp('10.244.1.50', '10.96.0.20', 80), origin: 'pod', state: freshState() });
    expect(r.verdict).toMatchObject({ kind: 'dnat' });
  });

  it('an unknown IPVS scheduler stops kube-proxy: an error event and no rules', () => {
    const px = compileNodeProxy({
      cluster: cluster('ipvs', (s) => (s.kubeProxy.ipvs.scheduler = 'bogus' as IpvsScheduler)),
      nodeName: 'node-1',
    });
    expect(px.events.some((e) => e.type === 'Warning' && e.message.includes("can't use the IPVS proxier"))).toBe(true);
    expect(px.artifacts).toEqual([]);
    expect(
      px.evaluate({ packet: tcp('10.244.1.50', '10.96.0.20', 80), origin: 'pod', state: freshState() }).verdict.kind,
    ).toBe('pass');
  });
});
