import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { artifactText } from '../../artifact';
import {
  freshState,
  NODE1_IP,
  packetFlowTestCluster,
  tcp,
  testCluster,
  testService,
  testSlice,
  type FlowCase,
} from '../ipvs/testfixtures';
import { hash8 } from './model';
import { compileNftables } from './proxy';
import { compareConcatKeys, nftTime } from './render';


function proxy(nodeName = 'node-1') {
  const c = packetFlowTestCluster({ settings: (s) => (s.kubeProxy.mode = 'nftables'), emptyNodePort: true });
  return compileNftables({ cluster: c, nodeName, settings: c.settings });
}

const ALL = ['10.244.1.11', '10.244.2.12', '10.244.2.13'];

describe('nftables chain names', () => {
  it('hashes "ns/name/proto/port" like kube-proxy (proxier_test.go vectors)', () => {
    expect(hash8('ns1/svc1/tcp/p80')).toBe('ULMVA6XW');
    expect(hash8('ns1/svc1/tcp/p80__10.180.0.1/80')).toBe('5OJB2KTY');
    expect(hash8('ns5/svc5/tcp/p80__10.180.0.3/80')).toBe('GTK6MW7G');
  });
  it('builds service-<HASH8>-ns/name/proto/port and endpoint-<HASH8>-...__ip/port', () => {
    const names = proxy().table.chains.map((c) => c.name);
    expect(names).toContain(`service-${hash8('ns1/web/tcp/p80')}-ns1/web/tcp/p80`);
    expect(names).toContain(`endpoint-${hash8('ns1/web/tcp/p80__10.244.2.12/8080')}-ns1/web/tcp/p80__10.244.2.12/8080`);
  });
});

describe('nftables packet flows (node-1)', () => {
  const cases: FlowCase[] = [
    {
      name: 'pod to ClusterIP', origin: 'pod', src: '10.244.1.50', dst: '10.96.0.20', port: 80, expect: ALL,
      masq: false,
    },
    {
      name: 'node to ClusterIP is masqueraded', origin: 'local', src: NODE1_IP, dst: '10.96.0.20', port: 80,
      expect: ALL, masq: true,
    },
    {
      name: 'external to NodePort (Cluster)', origin: 'external', src: '203.0.113.9', dst: NODE1_IP, port: 30080,
      expect: ALL, masq: true,
    },
    {
      name: 'external to NodePort (Local), no local endpoint: dropped', origin: 'external', src: '203.0.113.9',
      dst: NODE1_IP, port: 30081, expect: 'DROP',
    },
    {
      name: 'pod to NodePort (Local) short-circuits to all endpoints', origin: 'pod', src: '10.244.1.50', dst: NODE1_IP,
      port: 30081, expect: ['10.244.2.12'], masq: false,
    },
    {
      name: 'external to LB IP from an allowed source range', origin: 'external', src: '203.0.113.9', dst: '1.2.3.4',
      port: 80, expect: ALL, masq: true,
    },
    {
      name: 'external to LB IP from outside loadBalancerSourceRanges: dropped', origin: 'external',
      src: '203.0.113.200', dst: '1.2.3.4', port: 80, expect: 'DROP',
    },
    {
      name: 'the same blocked source through the NodePort is let in', origin: 'external', src: '203.0.113.200',
      dst: NODE1_IP, port: 30083, expect: ALL, masq: true,
    },
    {
      name: 'zero endpoints: ClusterIP rejected', origin: 'pod', src: '10.244.1.50', dst: '10.96.0.23', port: 80,
      expect: 'REJECT',
    },
    {
      name: 'zero endpoints: NodePort rejected', origin: 'external', src: '203.0.113.9', dst: NODE1_IP, port: 30082,
      expect: 'REJECT',
    },
    {
      name: 'ClusterIP on a port it does not serve: rejected', origin: 'pod', src: '10.244.1.50', dst: '10.96.0.20',
      port: 22, expect: 'REJECT',
    },
    {
      name: 'unallocated ClusterIP: dropped', origin: 'pod', src: '10.244.1.50', dst: '10.96.0.99', port: 80,
      expect: 'DROP',
    },
    {
      name: 'NodePort on 127.0.0.1 is not served (unlike iptables mode)', origin: 'local', src: '127.0.0.1',
      dst: '127.0.0.1', port: 30080, expect: 'PASS',
    },
    {
      name: 'headless service address: untouched', origin: 'pod', src: '10.244.1.50', dst: '10.244.2.12', port: 8080,
      expect: 'PASS',
    },
  ];
  it.each(cases)('$name', (c) => {
    const px = proxy();
    const r = px.evaluate({ packet: tcp(c.src, c.dst, c.port), origin: c.origin, state: freshState() });
    if (Array.isArray(c.expect)) {
      expect(r.verdict.kind).toBe('dnat');
      if (r.verdict.kind !== 'dnat') return;
      expect(c.expect).toContain(r.verdict.endpoint.ip);
      if (c.masq !== undefined) expect(r.verdict.masquerade).toBe(c.masq);
    } else {
      expect(r.verdict.kind).toBe(c.expect.toLowerCase());
    }
    for (const s of r.steps) expect(s.ref.lineIndex).toBeGreaterThanOrEqual(0);
  });

  it('external to NodePort (Local) on the node with the endpoint keeps the client address', () => {
    const r = proxy('node-2').evaluate({
      packet: tcp('203.0.113.9', '192.168.49.3', 30081),
      origin: 'external',
      state: freshState(),
    });
    expect(r.verdict).toMatchObject({ kind: 'dnat', masquerade: false });
    expect(r.after.src).toBe('203.0.113.9');
  });

  it('hairpin: an endpoint reaching itself through its service is masqueraded', () => {
    const r = proxy('node-2').evaluate({
      packet: tcp('10.244.2.12', '10.96.0.22', 80),
      origin: 'pod',
      state: freshState(),
    });
    expect(r.verdict).toMatchObject({ kind: 'dnat', masquerade: true });
  });

  it('numgen draws from the seed: the same state gives the same endpoint, and all endpoints are reachable', () => {
    const px = proxy();
    const pick = (state: ReturnType<typeof freshState>) => {
      const r = px.evaluate({ packet: tcp('10.244.1.50', '10.96.0.20', 80), origin: 'pod', state });
      return r.verdict.kind === 'dnat' ? r.verdict.endpoint.ip : '';
    };
    expect(pick(freshState('a'))).toBe(pick(freshState('a')));
    const state = freshState('b');
    expect(new Set(Array.from({ length: 30 }, () => pick(state)))).toEqual(new Set(ALL));
  });

  it('ClientIP affinity: the affinity set keeps a client on its endpoint until the timeout', () => {
    const px = proxy();
    const state = freshState('c');
    const pick = (src: string) => {
      const r = px.evaluate({ packet: tcp(src, '10.96.0.24', 80), origin: 'pod', state });
      return r.verdict.kind === 'dnat' ? r.verdict.endpoint.ip : '';
    };
    const first = pick('10.244.1.50');
    for (let i = 0; i < 10; i++) expect(pick('10.244.1.50')).toBe(first);
    state.now += 61;
    const later = new Set(Array.from({ length: 20 }, () => {
      state.now += 61;
      return pick('10.244.1.50');
    }));
    expect(later.size).toBeGreaterThan(1);
  });

  it('headless and ExternalName services get no chains or map entries', () => {
    const text = artifactText(proxy().artifacts[0]!);
    expect(text).not.toContain('/headless/');
    expect(text).not.toContain('/ext/');
  });
});

describe('nft text', () => {
  it('matches the golden listing (checked against nft 1.0.6 by the fidelity test)', () => {
    const c = testCluster({
      services: [
        testService('default', 'web', { clusterIP: '10.96.0.20' }),
        testService('default', 'empty', { clusterIP: '10.96.0.21' }),
      ],
      slices: [
        testSlice('default', 'web', [{ ip: '10.244.1.11', node: 'node-1' }, { ip: '10.244.2.12', node: 'node-2' }]),
      ],
      settings: (s) => (s.kubeProxy.mode = 'nftables'),
    });
    const px = compileNftables({ cluster: c, nodeName: 'node-1', settings: c.settings });
    expect(artifactText(px.artifacts[0]!)).toBe(readFileSync(join(__dirname, 'testdata', 'two-services.nft'), 'utf8'));
  });

  it.each([
    [10800, '3h'],
    [60, '1m'],
    [90, '1m30s'],
    [86400, '1d'],
  ])('nft prints %i seconds as %s', (s, t) => expect(nftTime(s)).toBe(t));

  it('sorts concatenated keys the way nft prints them (little-endian registers)', () => {
    const keys = [
      ['10.96.0.1', 'tcp', '80'],
      ['10.96.0.1', 'tcp', '256'],
      ['10.96.0.1', 'udp', '53'],
      ['11.0.0.1', 'tcp', '80'],
      ['10.96.1.1', 'tcp', '80'],
    ];
    expect(keys.sort(compareConcatKeys).map((k) => k.join(' '))).toEqual([
      '10.96.0.1 tcp 256',
      '10.96.0.1 udp 53',
      '11.0.0.1 tcp 80',
      '10.96.0.1 tcp 80',
      '10.96.1.1 tcp 80',
    ]);
  });
});
