// kube-proxy's modes by release: what starts, what kube-proxy says when it does not, and what the
// tracer says about a node whose kube-proxy exited (never a contradiction about ports).

import { describe, expect, it } from 'vitest';
import type { Pod, Service } from '../api/types';
import { buildLab } from '../assembly/lab';
import { defaultLabSettings, type LabSettings, type ProxyMode } from '../lab';
import { newTraceSession, parseSource, trace } from '../trace/trace';
import { LATEST_KUBERNETES_VERSION, modeStage, proxyModeStartupError } from './versions';

describe('modes by release (SEMANTICS.md 5.1)', () => {
  it.each([
    ['userspace', '1.15', 'ga'],
    ['userspace', '1.22', 'ga'],
    ['userspace', '1.23', 'deprecated'],
    ['userspace', '1.25', 'deprecated'],
    ['userspace', '1.26', 'removed'],
    ['nftables', '1.28', 'not-yet'],
    ['nftables', '1.29', 'alpha'],
    ['nftables', '1.31', 'beta'],
    ['nftables', '1.33', 'ga'],
    ['ipvs', '1.34', 'ga'],
    ['ipvs', '1.35', 'deprecated'],
    ['iptables', '1.15', 'ga'],
  ] as const)('%s in %s is %s', (mode, version, stage) => {
    expect(modeStage(mode, version)).toBe(stage);
  });

  it('the newest modelled release is at least 1.35 and is the default', () => {
    expect(Number(LATEST_KUBERNETES_VERSION.split('.')[1])).toBeGreaterThanOrEqual(35);
    expect(defaultLabSettings().kubernetesVersion).toBe(LATEST_KUBERNETES_VERSION);
  });

  it("gives kube-proxy's own validation error for a mode its release does not accept", () => {
    const err = (mode: ProxyMode, version: string, gate?: boolean) => proxyModeStartupError(
      { mode, featureGates: gate === undefined ? undefined : { NFTablesProxyMode: gate } },
      version,
    );
    expect(err('userspace', '1.26')).toBe(
      'KubeProxyConfiguration.ProxyMode: Invalid value: "userspace": must be iptables, ' +
        'ipvs or blank (blank means the best-available proxy [currently iptables])',
    );
    expect(err('userspace', '1.35')).toContain('must be iptables, ipvs, nftables or blank');
    expect(err('nftables', '1.25')).toContain('must be iptables,ipvs,userspace or blank');
    expect(err('nftables', '1.30')).toContain('"nftables": must be iptables, ipvs or blank');
    expect(err('nftables', '1.30', true)).toBeNull();
    expect(err('nftables', '1.31')).toBeNull();
    expect(err('userspace', '1.25')).toBeNull();
  });
});

describe('a node whose kube-proxy did not start', () => {
  const pod = (name: string, nodeName: string, labels: Record<string, string>): Pod => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'shop', labels },
    spec: { nodeName, containers: [{ name: 'c', image: 'nginx', ports: [{ containerPort: 80 }] }] },
  });
  const svc: Service = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web-sticky', namespace: 'shop' },
    spec: {
      type: 'NodePort',
      selector: { app: 'web' },
      sessionAffinity: 'ClientIP',
      ports: [{ port: 80, nodePort: 30090 }],
    },
  };
  const lab = (mode: ProxyMode, kubernetesVersion: string) => {
    const s = defaultLabSettings();
    const settings: LabSettings = { ...s, kubernetesVersion, kubeProxy: { ...s.kubeProxy, mode } };
    return buildLab({
      settings,
      objects: [
        { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } },
        pod('web-1', 'node-2', { app: 'web' }),
        pod('client', 'node-1', {}),
        svc,
      ],
      clients: [{ name: 'laptop', address: '203.0.113.7' }],
    });
  };
  const run = (l: ReturnType<typeof lab>, from: string, url: string) => {
    const f = parseSource(from);
    if ('error' in f) throw new Error(f.error);
    return trace(l, { from: f, url }, newTraceSession('v'));
  };

  it('logs the start-up failure and says kube-proxy is not running on that node, naming the error', () => {
    const l = lab('userspace', '1.35');
    expect(l.events.filter((e) => e.reason === 'FailedToStart').map((e) => e.node)).toEqual(['node-1', 'node-2']);
    const res = run(l, 'pod:shop/client', 'http://web-sticky.shop/');
    expect(res.outcome).toBe('timeout');
    expect(res.service).toBe('shop/web-sticky');
    expect(res.fault?.message).toBe(
      `kube-proxy is not running on node node-1: ${proxyModeStartupError({ mode: 'userspace' }, '1.35')}`,
    );
    expect(res.fault?.message).not.toMatch(/has no port/);
    expect(res.hops.at(-1)!.explanation.key).toBe('hop.proxy.notRunning');

    const np = run(l, 'external:laptop', 'http://192.168.49.3:30090/');
    expect(np.outcome).toBe('refused');
    expect(np.fault?.message).toContain('kube-proxy is not running on node node-2');
  });

  it('runs userspace on 1.25, and IPVS on 1.35 with its deprecation warning', () => {
    expect(run(lab('userspace', '1.25'), 'pod:shop/client', 'http://web-sticky.shop/').status).toBe(200);
    const ipvs = lab('ipvs', '1.35');
    const warn = ipvs.events.filter((e) => e.reason === 'IPVSDeprecation');
    expect(warn.map((e) => e.node)).toEqual(['node-1', 'node-2']);
    expect(warn[0]!.message).toBe(
      "The ipvs proxier is now deprecated and may be removed in a future release. Please use 'nftables' instead.",
    );
    expect(lab('ipvs', '1.34').events.some((e) => e.reason === 'IPVSDeprecation')).toBe(false);
    expect(run(ipvs, 'pod:shop/client', 'http://web-sticky.shop/').status).toBe(200);
  });
});
