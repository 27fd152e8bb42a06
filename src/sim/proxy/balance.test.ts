// Each mode's `balance`: the element among an evaluation's typed steps that chose the endpoint, and
// the share every endpoint gets by the rules the node compiled (what `distribution` shows as the
// implied shares). Rendered text is for people: scrambling every artifact line changes nothing here.

import { describe, expect, it } from 'vitest';
import type { LabSettings, ProxyMode } from '../lab';
import { compileNodeProxy } from './compile';
import { ipvsShares, type IpvsNodeProxy } from './ipvs/proxy';
import {
  freshState,
  NODE1_IP,
  NODE2_IP,
  packetFlowTestCluster,
  tcp,
  testCluster,
  testService,
  testSlice,
  THREE_ENDPOINTS,
} from './ipvs/testfixtures';
import type { BalanceShares, NodeProxy, Packet, PacketOrigin } from './types';

const ALL = ['10.244.1.11:8080', '10.244.2.12:8080', '10.244.2.13:8080'];
const POD = '10.244.1.50';

function proxy(mode: ProxyMode, nodeName = 'node-1', edit?: (s: LabSettings) => void): NodeProxy {
  const settings = (s: LabSettings) => {
    s.kubeProxy.mode = mode;
    // kube-proxy refuses the userspace mode from 1.26 on.
    if (mode === 'userspace') s.kubernetesVersion = '1.25';
    edit?.(s);
  };
  return compileNodeProxy({ cluster: packetFlowTestCluster({ settings }), nodeName });
}

function balanceOf(p: NodeProxy, origin: PacketOrigin, packet: Packet): BalanceShares | undefined {
  const ev = p.evaluate({ packet, origin, state: freshState() });
  return p.balance?.(ev.steps);
}

/** Every line of every artifact of the node rewritten in place (rendered first), reversed. */
function scrambleText(p: NodeProxy): void {
  for (const a of p.artifacts) for (const l of a.lines) l.text = [...l.text].reverse().join('');
}

function endpoints(b: BalanceShares | undefined): string[] {
  return b && 'shares' in b ? b.shares.map((s) => s.endpoint) : [];
}

function expectThirds(b: BalanceShares | undefined): void {
  expect(endpoints(b)).toEqual(ALL);
  for (const s of b && 'shares' in b ? b.shares : []) expect(s.share).toBeCloseTo(1 / 3, 9);
}

describe('iptables: the statistic rules of the KUBE-SVC / KUBE-SVL chain that chose', () => {
  it('pod to ClusterIP: KUBE-SVC, each rule taking its probability of what is left', () => {
    const b = balanceOf(proxy('iptables'), 'pod', tcp(POD, '10.96.0.20', 80));
    expect(b).toMatchObject({ kind: 'statistic', chain: expect.stringMatching(/^KUBE-SVC-/) });
    expectThirds(b);
  });

  it('external to a NodePort with externalTrafficPolicy Local: KUBE-SVL, the local endpoint only', () => {
    const b = balanceOf(proxy('iptables', 'node-2'), 'external', tcp('203.0.113.9', NODE2_IP, 30081));
    expect(b).toMatchObject({ kind: 'statistic', chain: expect.stringMatching(/^KUBE-SVL-/) });
    expect(b && 'shares' in b ? b.shares : []).toEqual([{ endpoint: '10.244.2.12:8080', share: 1 }]);
  });

  it('nothing balanced a packet to a pod address, nor a walk with no steps', () => {
    const p = proxy('iptables');
    expect(balanceOf(p, 'pod', tcp(POD, '10.244.2.12', 8080))).toBeUndefined();
    expect(p.balance?.([])).toBeUndefined();
  });
});

describe('ipvs: the virtual server whose scheduler chose, its real servers and weights', () => {
  it('rr: weight / sum of weights', () => {
    const b = balanceOf(proxy('ipvs'), 'pod', tcp(POD, '10.96.0.20', 80));
    expect(b).toMatchObject({ kind: 'ipvs-weights', scheduler: 'rr' });
    expectThirds(b);
  });

  it('wrr with weights 2, 1, 1; every weight 0; a scheduler that counts connections', () => {
    const p = proxy('ipvs') as IpvsNodeProxy;
    const vs = p.model.virtualServers.find((v) => v.address === '10.96.0.20')!;
    const weighted = (weights: number[]) => ({
      ...vs,
      scheduler: 'wrr' as const,
      realServers: vs.realServers.map((rs, i) => ({ ...rs, weight: weights[i]! })),
    });
    expect(ipvsShares(weighted([2, 1, 1]))).toEqual({
      kind: 'ipvs-weights',
      scheduler: 'wrr',
      shares: ALL.map((endpoint, i) => ({ endpoint, share: [0.5, 0.25, 0.25][i]! })),
    });
    expect(ipvsShares(weighted([0, 0, 0]))).toEqual({ kind: 'ipvs-zero', scheduler: 'wrr' });
    const lc = proxy('ipvs', 'node-1', (s) => (s.kubeProxy.ipvs.scheduler = 'lc'));
    expect(balanceOf(lc, 'pod', tcp(POD, '10.96.0.20', 80))).toEqual({ kind: 'ipvs-dynamic', scheduler: 'lc' });
  });

  it('tells the TCP and UDP virtual servers of one address and port apart', () => {
    const ports = [
      { name: 'dns', port: 53, protocol: 'UDP' as const },
      { name: 'dns-tcp', port: 53, protocol: 'TCP' as const },
    ];
    const cluster = testCluster({
      services: [testService('kube-system', 'dns', { clusterIP: '10.96.0.10', ports })],
      slices: [
        testSlice('kube-system', 'dns', [...THREE_ENDPOINTS], [
          { name: 'dns', port: 5353, protocol: 'UDP' },
          { name: 'dns-tcp', port: 5354, protocol: 'TCP' },
        ]),
      ],
      settings: (s) => (s.kubeProxy.mode = 'ipvs'),
    });
    const p = compileNodeProxy({ cluster, nodeName: 'node-1' });
    const b = balanceOf(p, 'pod', tcp(POD, '10.96.0.10', 53));
    expect(endpoints(b)).toEqual(THREE_ENDPOINTS.map((e) => `${e.ip}:5354`));
  });
});

describe('nftables: the numgen vmap that drew the endpoint chain', () => {
  it('1/N to each endpoint chain of `numgen random mod N`', () => {
    const b = balanceOf(proxy('nftables'), 'pod', tcp(POD, '10.96.0.20', 80));
    expect(b).toMatchObject({ kind: 'numgen', modulus: 3 });
    expectThirds(b);
  });

  it('external to a NodePort: the service chain behind the external one', () => {
    const b = balanceOf(proxy('nftables'), 'external', tcp('203.0.113.9', NODE1_IP, 30080));
    expect(b).toMatchObject({ kind: 'numgen', modulus: 3 });
    expectThirds(b);
  });
});

describe('userspace: round robin over a shuffled list, no fixed shares', () => {
  it('has no balance', () => {
    const p = proxy('userspace');
    expect(p.evaluate({ packet: tcp(POD, '10.96.0.20', 80), origin: 'pod', state: freshState() }).verdict.kind)
      .toBe('proxy');
    expect(p.balance).toBeUndefined();
  });
});

describe('read from the compiled rules, never from their rendering', () => {
  it.each(['iptables', 'ipvs', 'nftables'] as const)('%s: the same shares with every line scrambled', (mode) => {
    const packet = tcp(POD, '10.96.0.20', 80);
    const want = balanceOf(proxy(mode), 'pod', packet);
    expect(want).toBeDefined();
    const scrambled = proxy(mode);
    scrambleText(scrambled);
    expect(scrambled.artifacts.flatMap((a) => a.lines).some((l) => l.text.includes('-A KUBE-'))).toBe(false);
    expect(balanceOf(scrambled, 'pod', packet)).toEqual(want);
  });
});
