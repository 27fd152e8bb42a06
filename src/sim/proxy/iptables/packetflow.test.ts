// Packet-flow tables in the style of proxier_test.go's runPacketFlowTests: from, to, port ->
// the endpoints that may answer (or the verdict) and whether the source is masqueraded.
// Every case runs through the generic netfilter walker over the compiled rules.

import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../net/rand';
import { compileNodeProxy } from '../compile';
import type { NodeProxy, PacketOrigin, ProxyRuntimeState } from '../types';
import { TEST_NODE, packetFlowCluster as flowCluster, testProxySettings } from './fixtures';

function proxyFor(over = {}): NodeProxy {
  return compileNodeProxy({
    cluster: flowCluster(),
    nodeName: TEST_NODE.name,
    node: TEST_NODE,
    settings: testProxySettings(over),
  });
}

function runtime(seed = 'packet-flow'): ProxyRuntimeState {
  return { now: 0, rand: SeededRandom.fromSeed(seed, 'iptables statistic').state(), perNode: {} };
}

const POD = '10.0.0.2';
const NODE = '192.168.0.2';
const CLIENT = '203.0.113.2';
const BLOCKED = '203.0.113.130';

interface Flow {
  name: string;
  origin: PacketOrigin;
  src: string;
  dst: string;
  port: number;
  /** Endpoint IPs that may answer, or a verdict. */
  want: string[] | 'REJECT' | 'DROP' | 'pass';
  masq?: boolean;
}

const flows: Flow[] = [
  {
    name: 'pod to cluster IP', origin: 'pod', src: POD, dst: '172.30.0.41', port: 80,
    want: ['10.180.0.1', '10.180.0.2'], masq: false,
  },
  {
    name: 'node to cluster IP', origin: 'local', src: NODE, dst: '172.30.0.41', port: 80,
    want: ['10.180.0.1', '10.180.0.2'], masq: true,
  },
  {
    name: 'off-cluster router to cluster IP', origin: 'external', src: CLIENT, dst: '172.30.0.41', port: 80,
    want: ['10.180.0.1', '10.180.0.2'], masq: true,
  },
  { name: 'wrong port on cluster IP', origin: 'pod', src: POD, dst: '172.30.0.41', port: 81, want: 'pass' },
  {
    name: 'external to NodePort, Cluster policy', origin: 'external', src: CLIENT, dst: NODE, port: 3001,
    want: ['10.180.0.1', '10.180.0.2'], masq: true,
  },
  {
    name: 'external to NodePort on another node IP', origin: 'external', src: CLIENT, dst: '192.168.1.2', port: 3001,
    want: ['10.180.0.1', '10.180.0.2'], masq: true,
  },
  {
    name: 'pod to NodePort, Cluster policy', origin: 'pod', src: POD, dst: NODE, port: 3001,
    want: ['10.180.0.1', '10.180.0.2'], masq: true,
  },
  {
    name: 'external to NodePort, Local policy, local endpoint', origin: 'external', src: CLIENT, dst: NODE, port: 3002,
    want: ['10.180.0.3'], masq: false,
  },
  {
    name: 'pod to NodePort, Local policy: all endpoints, source kept', origin: 'pod', src: POD, dst: NODE, port: 3002,
    want: ['10.180.0.3', '10.180.0.4'], masq: false,
  },
  {
    name: 'node to NodePort, Local policy: all endpoints, masqueraded', origin: 'local', src: NODE, dst: NODE,
    port: 3002, want: ['10.180.0.3', '10.180.0.4'], masq: true,
  },
  {
    name: 'external to NodePort, Local policy, no local endpoint', origin: 'external', src: CLIENT, dst: NODE,
    port: 3003, want: 'DROP',
  },
  {
    name: 'pod to NodePort, Local policy, no local endpoint', origin: 'pod', src: POD, dst: NODE, port: 3003,
    want: ['10.180.0.4'], masq: false,
  },
  {
    name: 'node to NodePort, Local policy, no local endpoint', origin: 'local', src: NODE, dst: NODE, port: 3003,
    want: ['10.180.0.4'], masq: true,
  },
  {
    name: 'external to LB IP', origin: 'external', src: CLIENT, dst: '1.2.3.4', port: 80, want: ['10.180.0.5'],
    masq: true,
  },
  { name: 'pod to LB IP', origin: 'pod', src: POD, dst: '1.2.3.4', port: 80, want: ['10.180.0.5'], masq: true },
  {
    name: 'allowed source to LB IP with source ranges', origin: 'external', src: CLIENT, dst: '5.6.7.8', port: 80,
    want: ['10.180.0.6'], masq: true,
  },
  {
    name: 'blocked source to LB IP with source ranges', origin: 'external', src: BLOCKED, dst: '5.6.7.8', port: 80,
    want: 'DROP',
  },
  {
    name: 'pod to LB IP with source ranges (pod CIDR not listed)', origin: 'pod', src: POD, dst: '5.6.7.8', port: 80,
    want: 'DROP',
  },
  {
    name: 'blocked source to NodePort: NodePorts bypass source ranges', origin: 'external', src: BLOCKED, dst: NODE,
    port: 3005, want: ['10.180.0.6'], masq: true,
  },
  {
    name: 'pod to cluster IP with no endpoints', origin: 'pod', src: POD, dst: '172.30.0.47', port: 80, want: 'REJECT',
  },
  {
    name: 'node to cluster IP with no endpoints', origin: 'local', src: NODE, dst: '172.30.0.47', port: 80,
    want: 'REJECT',
  },
  {
    name: 'external to NodePort with no endpoints', origin: 'external', src: CLIENT, dst: NODE, port: 3006,
    want: 'REJECT',
  },
  {
    name: 'internalTrafficPolicy Local, no local endpoint', origin: 'pod', src: POD, dst: '172.30.0.48', port: 80,
    want: 'DROP',
  },
  {
    name: 'hairpin: the endpoint reaches itself through its service', origin: 'pod', src: '10.180.0.5',
    dst: '172.30.0.45', port: 80, want: ['10.180.0.5'], masq: true,
  },
  {
    name: 'localhost NodePort', origin: 'local', src: '127.0.0.1', dst: '127.0.0.1', port: 3001,
    want: ['10.180.0.1', '10.180.0.2'], masq: true,
  },
  { name: 'not a service address', origin: 'pod', src: POD, dst: '172.30.0.99', port: 80, want: 'pass' },
];

describe('iptables packet flows (proxier_test.go style)', () => {
  const proxy = proxyFor();
  it.each(flows)('$name', (f) => {
    const seen = new Set<string>();
    let masq: boolean | undefined;
    for (let i = 0; i < 40; i++) {
      const r = proxy.evaluate({
        packet: { protocol: 'TCP', src: f.src, srcPort: 40000 + i, dst: f.dst, dstPort: f.port },
        origin: f.origin,
        state: runtime(`flow-${i}`),
      });
      const v = r.verdict;
      if (typeof f.want === 'string') {
        expect(v.kind).toBe(f.want === 'pass' ? 'pass' : f.want.toLowerCase());
        if (v.kind === 'reject' || v.kind === 'drop') expect(v.servicePort).toMatch(/^ns\//);
        continue;
      }
      expect(v.kind, JSON.stringify(v)).toBe('dnat');
      if (v.kind !== 'dnat') return;
      seen.add(v.endpoint.ip);
      expect(r.after.dst).toBe(v.endpoint.ip);
      masq = v.masquerade;
      expect(masq).toBe(f.masq);
      expect(r.after.src).toBe(f.masq ? NODE : f.src); // MASQUERADE picks the node's address
    }
    if (Array.isArray(f.want)) expect([...seen].sort()).toEqual([...f.want].sort());
  });

  it('headless and ExternalName Services have no addresses kube-proxy would catch', () => {
    const text = proxy.artifacts[0]!.lines.map((l) => l.text).join('\n');
    expect(text).not.toMatch(/ns\/headless|ns\/external-name/);
  });

  it('with localhost NodePorts off, 127.0.0.1:<nodePort> is not a service', () => {
    const r = proxyFor({ localhostNodePorts: false }).evaluate({
      packet: { protocol: 'TCP', src: '127.0.0.1', srcPort: 40000, dst: '127.0.0.1', dstPort: 3001 },
      origin: 'local',
      state: runtime(),
    });
    expect(r.verdict.kind).toBe('pass');
  });

  it('every step points at the rendered line that decided', () => {
    const r = proxy.evaluate({
      packet: { protocol: 'TCP', src: POD, srcPort: 40000, dst: '1.2.3.4', dstPort: 80 },
      origin: 'pod',
      state: runtime(),
    });
    const save = proxy.artifacts[0]!;
    expect(r.steps.length).toBeGreaterThan(4);
    for (const s of r.steps) {
      expect(s.ref.artifact).toBe(save.id);
      expect(save.lines[s.ref.lineIndex]!.text).toBe(s.ref.line);
      expect(save.lines[s.ref.lineIndex]!.ref).toBe(s.ref.ref);
    }
    // The rules that applied, in order; the ones evaluated that did not match sit between them.
    const matched = r.steps.filter((s) => s.outcome === 'matched');
    for (const s of r.steps) if (s.outcome === 'skipped') expect(s.effect).toEqual({ kind: 'no-match' });
    expect(matched.map((s) => `${s.where} ${s.action}`)).toEqual([
      'nat/PREROUTING jump KUBE-SERVICES',
      'nat/KUBE-SERVICES jump KUBE-EXT-' + matched[1]!.action.slice(14),
      expect.stringMatching(/^nat\/KUBE-EXT-\w+ jump KUBE-MARK-MASQ$/),
      'nat/KUBE-MARK-MASQ MARK or 0x4000 -> 0x4000',
      expect.stringMatching(/^nat\/KUBE-EXT-\w+ jump KUBE-SVC-\w+$/),
      expect.stringMatching(/^nat\/KUBE-SVC-\w+ jump KUBE-SEP-\w+$/),
      expect.stringMatching(/^nat\/KUBE-SEP-\w+ DNAT 10\.180\.0\.5:80$/),
      'filter/FORWARD jump KUBE-PROXY-FIREWALL',
      'filter/FORWARD jump KUBE-FORWARD',
      'filter/KUBE-FORWARD ACCEPT',
      'nat/POSTROUTING jump KUBE-POSTROUTING',
      'nat/KUBE-POSTROUTING MARK xor 0x4000 -> 0x0',
      expect.stringMatching(/^nat\/KUBE-POSTROUTING MASQUERADE to 192\.168\.0\.2$/),
    ]);
  });

  it('reports the sync as a kube-proxy event', () => {
    expect(proxy.events).toEqual([
      expect.objectContaining({
        source: 'kube-proxy',
        reason: 'SyncProxyRules',
        node: 'test-node',
        message: expect.stringMatching(/^Syncing iptables rules: full sync/),
      }),
    ]);
  });
});

describe('ClientIP affinity through the recent module', () => {
  const proxy = proxyFor();
  const hit = (state: ProxyRuntimeState, src: string, i: number) => {
    const r = proxy.evaluate({
      packet: { protocol: 'TCP', src, srcPort: 50000 + i, dst: '172.30.0.49', dstPort: 80 },
      origin: 'pod',
      state,
    });
    if (r.verdict.kind !== 'dnat') throw new Error(`expected dnat, got ${r.verdict.kind}`);
    return { ip: r.verdict.endpoint.ip, recentHit: r.steps.some((s) => s.detail?.kind === 'recent' && s.detail.hit) };
  };

  it('sends a client to the same endpoint while the entry is younger than the timeout', () => {
    const state = runtime('affinity');
    const first = hit(state, POD, 0);
    expect(first.recentHit).toBe(false);
    for (let i = 1; i < 20; i++) {
      state.now += 4; // 76 s in all, under 100 s since the last --set each time
      expect(hit(state, POD, i)).toEqual({ ip: first.ip, recentHit: true });
    }
  });

  it('draws again once the timeout has passed since the last connection', () => {
    const state = runtime('affinity-timeout');
    const seen = new Set<string>();
    for (let i = 0; i < 30; i++) {
      const r = hit(state, POD, i);
      if (i > 0) expect(r.recentHit).toBe(false);
      seen.add(r.ip);
      state.now += 100;
    }
    expect(seen.size).toBe(3);
  });

  it('keeps clients apart: each source IP has its own entry', () => {
    const state = runtime('affinity-clients');
    const picks = new Map<string, string>();
    for (let c = 0; c < 30; c++) picks.set(`10.0.1.${c}`, hit(state, `10.0.1.${c}`, c).ip);
    for (let c = 0; c < 30; c++) expect(hit(state, `10.0.1.${c}`, 100 + c).ip).toBe(picks.get(`10.0.1.${c}`));
    expect(new Set(picks.values()).size).toBe(3);
  });
});

describe('load distribution of the statistic rules', () => {
  it('sends each of n endpoints about 1/n of new connections (chi-square, p > 0.001)', () => {
    const proxy = proxyFor();
    const state = runtime('distribution');
    const counts = new Map<string, number>();
    const N = 6000;
    for (let i = 0; i < N; i++) {
      const r = proxy.evaluate({
        packet: {
          protocol: 'TCP',
          src: `10.0.${(i >> 8) & 255}.${i & 255}`,
          srcPort: 1024 + (i % 60000),
          dst: '172.30.0.41',
          dstPort: 80,
        },
        origin: 'pod',
        state,
      });
      if (r.verdict.kind === 'dnat') counts.set(r.verdict.endpoint.ip, (counts.get(r.verdict.endpoint.ip) ?? 0) + 1);
    }
    const expected = N / 2;
    const chi2 = [...counts.values()].reduce((s, o) => s + (o - expected) ** 2 / expected, 0);
    expect(counts.size).toBe(2);
    expect(chi2).toBeLessThan(10.828); // chi-square critical value, 1 degree of freedom, p = 0.001
  });

  it('records each draw with its probability, so the step panel can explain the choice', () => {
    const proxy = proxyFor();
    const r = proxy.evaluate({
      packet: { protocol: 'TCP', src: POD, srcPort: 1, dst: '172.30.0.41', dstPort: 80 },
      origin: 'pod',
      state: runtime('x'),
    });
    const d = r.steps.find((s) => s.detail?.kind === 'statistic')?.detail;
    expect(d).toMatchObject({ kind: 'statistic', probability: 0.5 });
  });
});
