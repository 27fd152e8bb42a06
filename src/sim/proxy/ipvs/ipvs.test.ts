import { describe, expect, it } from 'vitest';
import { artifactText } from '../../artifact';
import type { IpvsScheduler } from '../../lab';
import { closeIpvsConnections, compileIpvs } from './proxy';
import { realServerLine } from './render';
import { schedule, newSchedulerMemory } from './schedulers';
import {
  freshState,
  NODE1_IP,
  packetFlowTestCluster,
  tcp,
  testCluster,
  testService,
  testSlice,
  type FlowCase,
} from './testfixtures';


function cluster(scheduler: IpvsScheduler = 'rr') {
  return packetFlowTestCluster({
    settings: (s) => {
      s.kubeProxy.mode = 'ipvs';
      s.kubeProxy.ipvs.scheduler = scheduler;
    },
  });
}

function proxy(scheduler: IpvsScheduler = 'rr', nodeName = 'node-1') {
  const c = cluster(scheduler);
  return compileIpvs({ cluster: c, nodeName, settings: c.settings });
}

describe('IPVS packet flows (node-1)', () => {
  const cases: FlowCase[] = [
    {
      name: 'pod to ClusterIP', origin: 'pod', src: '10.244.1.50', dst: '10.96.0.20', port: 80,
      expect: ['10.244.1.11', '10.244.2.12', '10.244.2.13'], masq: false,
    },
    {
      name: 'node to ClusterIP is masqueraded (source outside the cluster CIDR)', origin: 'local', src: NODE1_IP,
      dst: '10.96.0.20', port: 80, expect: ['10.244.1.11', '10.244.2.12', '10.244.2.13'], masq: true,
    },
    {
      name: 'external to NodePort (Cluster) is masqueraded', origin: 'external', src: '203.0.113.9', dst: NODE1_IP,
      port: 30080, expect: ['10.244.1.11', '10.244.2.12', '10.244.2.13'], masq: true,
    },
    {
      name: 'external to NodePort (Local) without local endpoints: no real server, refused', origin: 'external',
      src: '203.0.113.9', dst: NODE1_IP, port: 30081, expect: 'REJECT',
    },
    {
      name: 'external to LB IP from an allowed source range', origin: 'external', src: '203.0.113.9', dst: '1.2.3.4',
      port: 80, expect: ['10.244.1.11', '10.244.2.12', '10.244.2.13'], masq: true,
    },
    {
      name: 'external to LB IP from outside loadBalancerSourceRanges: dropped', origin: 'external',
      src: '203.0.113.200', dst: '1.2.3.4', port: 80, expect: 'DROP',
    },
    {
      name: 'the same blocked source through the NodePort is let in', origin: 'external', src: '203.0.113.200',
      dst: NODE1_IP, port: 30083, expect: ['10.244.1.11', '10.244.2.12', '10.244.2.13'], masq: true,
    },
    {
      name: 'zero endpoints: empty virtual server answers port unreachable', origin: 'pod', src: '10.244.1.50',
      dst: '10.96.0.23', port: 80, expect: 'REJECT',
    },
    {
      name: 'other port on a ClusterIP: KUBE-IPVS-FILTER rejects', origin: 'pod', src: '10.244.1.50', dst: '10.96.0.20',
      port: 22, expect: 'REJECT',
    },
    {
      name: 'not a service address: untouched', origin: 'pod', src: '10.244.1.50', dst: '10.244.2.99', port: 80,
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
      expect(r.verdict.masquerade).toBe(c.masq);
    } else {
      expect(r.verdict.kind).toBe(c.expect.toLowerCase());
    }
  });

  it('external to NodePort (Local) keeps the client address on the node with the endpoint', () => {
    const px = proxy('rr', 'node-2');
    const r = px.evaluate({
      packet: tcp('203.0.113.9', '192.168.49.3', 30081),
      origin: 'external',
      state: freshState(),
    });
    expect(r.verdict).toMatchObject({ kind: 'dnat', masquerade: false });
    expect(r.after.src).toBe('203.0.113.9');
  });

  it('hairpin: an endpoint reaching itself through its service is masqueraded (KUBE-LOOP-BACK)', () => {
    const px = proxy();
    const state = freshState();
    // rr starts with the first real server, 10.244.1.11 — the client itself.
    const r = px.evaluate({ packet: tcp('10.244.1.11', '10.96.0.20', 80), origin: 'pod', state });
    expect(r.verdict).toMatchObject({ kind: 'dnat', masquerade: true });
    expect(r.steps.some((s) => s.ref.line.includes('KUBE-LOOP-BACK dst,dst,src -j MASQUERADE'))).toBe(true);
  });

  it('headless and ExternalName services get no virtual server and no address', () => {
    const px = proxy();
    expect(px.model.virtualServers.map((v) => v.service.service)).not.toContain('headless');
    expect(px.model.virtualServers.map((v) => v.service.service)).not.toContain('ext');
  });
});

describe('IPVS schedulers', () => {
  it('rr goes 1,2,3,1,2,3 through three pods', () => {
    const px = proxy('rr');
    const state = freshState();
    const picks = Array.from({ length: 6 }, (_, i) => {
      const r = px.evaluate({ packet: tcp('10.244.1.50', '10.96.0.20', 80, 40000 + i), origin: 'pod', state });
      return r.verdict.kind === 'dnat' ? r.verdict.endpoint.ip : r.verdict.kind;
    });
    expect(picks).toEqual(['10.244.1.11', '10.244.2.12', '10.244.2.13', '10.244.1.11', '10.244.2.12', '10.244.2.13']);
  });

  it('lc sends a new connection to the server with the fewest; closing moves counts to InActConn', () => {
    const px = proxy('lc');
    const state = freshState();
    const go = (port: number) => {
      const r = px.evaluate({ packet: tcp('10.244.1.50', '10.96.0.20', 80, port), origin: 'pod', state });
      return r.verdict.kind === 'dnat' ? r.verdict.endpoint.ip : '';
    };
    expect([go(1), go(2), go(3)]).toEqual(['10.244.1.11', '10.244.2.12', '10.244.2.13']);
    closeIpvsConnections({ state, nodeName: 'node-1' });
    // All three now have 0 active and 1 inactive: the first still wins the tie.
    expect(go(4)).toBe('10.244.1.11');
    expect(go(5)).toBe('10.244.2.12');
    const text = artifactText(px.renderIpvsadm(state));
    expect(text).toContain(realServerLine('10.244.1.11:8080', 'Masq', 1, { active: 1, inactive: 1 }));
    expect(text).toContain(realServerLine('10.244.2.13:8080', 'Masq', 1, { active: 0, inactive: 1 }));
    state.now += 121;
    expect(artifactText(px.renderIpvsadm(state))).toContain(
      realServerLine('10.244.2.13:8080', 'Masq', 1, { active: 0, inactive: 1 }),
    );
    // Expiry happens when the next packet is processed, as the kernel's timers would have.
    go(6);
    expect(artifactText(px.renderIpvsadm(state))).toContain(
      realServerLine('10.244.2.13:8080', 'Masq', 1, { active: 1, inactive: 0 }),
    );
  });

  it('an idle established connection leaves ActiveConn after the 15-minute timeout', () => {
    const px = proxy('rr');
    const state = freshState();
    px.evaluate({ packet: tcp('10.244.1.50', '10.96.0.20', 80), origin: 'pod', state });
    expect(artifactText(px.renderIpvsadm(state))).toContain(
      realServerLine('10.244.1.11:8080', 'Masq', 1, { active: 1, inactive: 0 }),
    );
    state.now += 901;
    px.evaluate({ packet: tcp('10.244.1.50', '10.96.0.21', 80), origin: 'pod', state });
    expect(artifactText(px.renderIpvsadm(state))).toContain(
      realServerLine('10.244.1.11:8080', 'Masq', 1, { active: 0, inactive: 0 }),
    );
  });

  it('sh keeps each client on one server; different clients spread', () => {
    const px = proxy('sh');
    const state = freshState();
    const pick = (src: string, port: number) => {
      const r = px.evaluate({ packet: tcp(src, '10.96.0.20', 80, port), origin: 'pod', state });
      return r.verdict.kind === 'dnat' ? r.verdict.endpoint.ip : '';
    };
    const a = pick('10.244.1.50', 1);
    expect([pick('10.244.1.50', 2), pick('10.244.1.50', 3)]).toEqual([a, a]);
    const spread = new Set(Array.from({ length: 20 }, (_, i) => pick(`10.244.1.${60 + i}`, 10)));
    expect(spread.size).toBeGreaterThan(1);
  });

  it('dh hashes the virtual IP: every client lands on the same server', () => {
    const px = proxy('dh');
    const state = freshState();
    const picks = new Set(Array.from({ length: 10 }, (_, i) => {
      const r = px.evaluate({ packet: tcp(`10.244.1.${60 + i}`, '10.96.0.20', 80), origin: 'pod', state });
      return r.verdict.kind === 'dnat' ? r.verdict.endpoint.ip : '';
    }));
    expect(picks.size).toBe(1);
  });

  it.each([
    // [scheduler, dests as [weight, active], expected index]
    ['sed', [[1, 2], [3, 5], [1, 1]], 1], // (2+1)/1=3, (5+1)/3=2, (1+1)/1=2 -> first smallest is index 1
    ['nq', [[1, 2], [3, 5], [1, 0]], 2], // an idle server is taken at once
    ['nq', [[1, 2], [3, 5], [1, 1]], 1], // none idle: like sed
    ['wlc', [[1, 1], [4, 2], [1, 0]], 2], // 256/1, 512/4=128, 0/1=0
    ['lc', [[1, 1], [4, 2], [1, 1]], 0], // ties keep the first
  ] as const)('%s picks index %#', (scheduler, ds, want) => {
    const dests = ds.map(([weight, active], i) => ({ key: `d${i}`, weight, activeConns: active, inactConns: 0 }));
    expect(
      schedule({ scheduler, dests, memory: newSchedulerMemory(), clientIP: '10.0.0.1', vip: '10.96.0.1' }).index,
    ).toBe(want);
  });

  it('wrr with weights 3 and 1 gives a,a,a,b', () => {
    const memory = newSchedulerMemory();
    const dests = [
      { key: 'a', weight: 3, activeConns: 0, inactConns: 0 },
      { key: 'b', weight: 1, activeConns: 0, inactConns: 0 },
    ];
    const picks = Array.from(
      { length: 8 },
      () => dests[schedule({ scheduler: 'wrr', dests, memory, clientIP: '', vip: '' }).index!]!.key,
    );
    expect(picks.join('')).toBe('aaabaaab');
  });
});

describe('IPVS persistence (ClientIP affinity)', () => {
  it('keeps a client on its server until the template times out', () => {
    const px = proxy('rr');
    const state = freshState();
    const pick = (src: string) => {
      const r = px.evaluate({ packet: tcp(src, '10.96.0.24', 80), origin: 'pod', state });
      return r.verdict.kind === 'dnat' ? r.verdict.endpoint.ip : '';
    };
    const first = pick('10.244.1.50');
    expect(pick('10.244.1.50')).toBe(first);
    expect(pick('10.244.1.51')).not.toBe(first);
    state.now += 61;
    expect(pick('10.244.1.50')).not.toBe(first);
  });
});

describe('IPVS artifacts', () => {
  it('ipvsadm -Ln, exact layout', () => {
    const c = testCluster({
      services: [
        testService('default', 'kubernetes', {
          clusterIP: '10.0.0.1',
          sessionAffinity: 'ClientIP',
          ports: [{ name: 'https', port: 443, protocol: 'TCP' }],
        }),
        testService('kube-system', 'kube-dns', {
          clusterIP: '10.0.0.10',
          ports: [
            { name: 'dns', port: 53, protocol: 'UDP' },
            { name: 'dns-tcp', port: 53, protocol: 'TCP' },
          ],
        }),
      ],
      slices: [
        testSlice('default', 'kubernetes', [{ ip: '192.168.0.1' }], [{ name: 'https', port: 6443 }]),
        testSlice('kube-system', 'kube-dns', [{ ip: '172.17.0.2' }], [
          { name: 'dns', port: 53, protocol: 'UDP' },
          { name: 'dns-tcp', port: 53, protocol: 'TCP' },
        ]),
      ],
    });
    const px = compileIpvs({ cluster: c, nodeName: 'node-1', settings: c.settings });
    const state = freshState();
    px.evaluate({ packet: tcp('10.0.5.5', '10.0.0.1', 443), origin: 'pod', state });
    expect(artifactText(px.renderIpvsadm(state))).toBe(
      [
        'IP Virtual Server version 1.2.1 (size=4096)',
        'Prot LocalAddress:Port Scheduler Flags',
        '  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn',
        'TCP  10.0.0.1:443 rr persistent 10800',
        '  -> 192.168.0.1:6443             Masq    1      1          0',
        'TCP  10.0.0.10:53 rr',
        '  -> 172.17.0.2:53                Masq    1      0          0',
        'UDP  10.0.0.10:53 rr',
        '  -> 172.17.0.2:53                Masq    1      0          0',
        '',
      ].join('\n'),
    );
  });

  it('ipsets, kube-ipvs0 addresses and the constant iptables rules', () => {
    const px = proxy();
    const ipset = artifactText(px.artifacts.find((a) => a.kind === 'ipset')!);
    expect(ipset).toContain('Name: KUBE-CLUSTER-IP\nType: hash:ip,port\n');
    expect(ipset).toContain('10.96.0.20,tcp:80');
    expect(ipset).toContain('10.244.1.11,tcp:8080,10.244.1.11'); // the local endpoint, for hairpin
    expect(ipset).toMatch(/Name: KUBE-NODE-PORT-TCP\n[\s\S]*?Members:\n30080\n30081\n/);
    expect(ipset).toMatch(/Name: KUBE-NODE-PORT-LOCAL-TCP\n[\s\S]*?Members:\n30081\n/);
    const addr = artifactText(px.artifacts.find((a) => a.kind === 'ip-addr')!);
    expect(addr).toContain('kube-ipvs0: <BROADCAST,NOARP> mtu 1500 qdisc noop state DOWN');
    expect(addr).toContain('    inet 10.96.0.20/32 scope global kube-ipvs0\n');
    const ipt = artifactText(px.artifacts.find((a) => a.kind === 'iptables-save')!);
    expect(ipt).toContain(
      '-A KUBE-SERVICES -m comment --comment "Kubernetes service cluster ip + port for masquerade purpose" -m set ' +
        '--match-set KUBE-CLUSTER-IP dst,dst ! -s 10.244.0.0/16 -j KUBE-MARK-MASQ',
    );
    expect(ipt).toContain(
      '-A KUBE-NODE-PORT -p tcp -m comment --comment "Kubernetes nodeport TCP port with externalTrafficPolicy=local" ' +
        '-m set --match-set KUBE-NODE-PORT-LOCAL-TCP dst -j RETURN',
    );
    expect(ipt).toContain(
      '-A KUBE-POSTROUTING -m comment ' +
        '--comment "Kubernetes endpoints dst ip:port, source ip for solving hairpin purpose" -m set ' +
        '--match-set KUBE-LOOP-BACK dst,dst,src -j MASQUERADE',
    );
  });

  it('every evaluation step points at a line that exists', () => {
    const px = proxy();
    const r = px.evaluate({ packet: tcp('203.0.113.9', NODE1_IP, 30080), origin: 'external', state: freshState() });
    expect(r.steps.length).toBeGreaterThan(3);
    for (const s of r.steps) expect(s.ref.lineIndex).toBeGreaterThanOrEqual(0);
  });
});
