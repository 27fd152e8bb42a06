import { describe, expect, it } from 'vitest';
import { artifactText } from '../../artifact';
import { SeededRandom } from '../../net/rand';
import { compileNodeProxy } from '../compile';
import { compileIpvs } from '../ipvs/proxy';
import { freshState, NODE1_IP, tcp, testCluster, testService, testSlice } from '../ipvs/testfixtures';
import { compileUserspace, userspaceRemovedMessage } from './proxy';
import {
  ENDPOINT_DIAL_TIMEOUTS_MS,
  nextEndpoint,
  tryConnectEndpoints,
  updateService,
  type BalancerStates,
} from './roundrobin';

const three = [
  { ip: '10.244.1.11', node: 'node-1' },
  { ip: '10.244.2.12', node: 'node-2' },
  { ip: '10.244.2.13', node: 'node-2' },
];

function cluster(version = '1.25') {
  return testCluster({
    services: [
      testService('ns1', 'web', { clusterIP: '10.96.0.20' }),
      testService('ns1', 'np', {
        type: 'NodePort',
        clusterIP: '10.96.0.21',
        ports: [{ name: 'p80', port: 80, protocol: 'TCP', nodePort: 30080 }],
      }),
      testService('ns1', 'empty', { clusterIP: '10.96.0.23' }),
      testService('ns1', 'local', {
        type: 'NodePort',
        clusterIP: '10.96.0.22',
        externalTrafficPolicy: 'Local',
        ports: [{ name: 'p80', port: 80, protocol: 'TCP', nodePort: 30081 }],
      }),
      testService('ns1', 'sticky', {
        clusterIP: '10.96.0.24',
        sessionAffinity: 'ClientIP',
        sessionAffinityConfig: { clientIP: { timeoutSeconds: 60 } },
      }),
      testService('ns1', 'headless', { clusterIP: 'None' }),
      testService('ns1', 'ext', { type: 'ExternalName', externalName: 'example.com' }),
    ],
    slices: [
      testSlice('ns1', 'web', three),
      testSlice('ns1', 'np', three),
      testSlice('ns1', 'local', [{ ip: '10.244.2.12', node: 'node-2' }]),
      testSlice('ns1', 'sticky', three),
      testSlice('ns1', 'headless', three),
    ],
    settings: (s) => {
      s.kubeProxy.mode = 'userspace';
      s.kubernetesVersion = version;
    },
  });
}

function proxy(version = '1.25') {
  const c = cluster(version);
  return compileUserspace({ cluster: c, nodeName: 'node-1', settings: c.settings });
}

describe('userspace availability', () => {
  it.each([
    ['1.25', true],
    ['1.26', false],
    ['1.31', false],
  ])('kubernetes %s: available=%s', (v, ok) => {
    const px = proxy(v);
    expect(px.available).toBe(ok);
    if (!ok) {
      expect(px.events[0]).toMatchObject({ type: 'Warning', source: 'kube-proxy' });
      expect(px.events[0]!.message).toContain('Invalid value: "userspace"');
      expect(
        px.evaluate({ packet: tcp('10.244.1.50', '10.96.0.20', 80), origin: 'pod', state: freshState() }).verdict.kind,
      ).toBe('pass');
    }
  });
  it('names nftables among the valid modes from 1.29 on', () => {
    expect(userspaceRemovedMessage('1.28')).toContain('must be iptables, ipvs or blank');
    expect(userspaceRemovedMessage('1.31')).toContain('must be iptables, ipvs, nftables or blank');
  });
});

describe('userspace portals and flows', () => {
  it('renders the portal chains with REDIRECT for pods and DNAT to nodeIP:proxyPort for the node', () => {
    const px = proxy();
    const web = px.proxyPorts.find((p) => p.service.info.name === 'ns1/web:p80')!;
    expect(web.proxyPort).toBeGreaterThanOrEqual(32768);
    const text = artifactText(px.artifacts[0]!);
    expect(text).toContain(
      '-A KUBE-PORTALS-CONTAINER -d 10.96.0.20/32 -p tcp -m comment --comment ns1/web:p80 -m tcp --dport 80 ' +
        `-j REDIRECT --to-ports ${web.proxyPort}`,
    );
    expect(text).toContain(
      '-A KUBE-PORTALS-HOST -d 10.96.0.20/32 -p tcp -m comment --comment ns1/web:p80 -m tcp --dport 80 ' +
        `-j DNAT --to-destination ${NODE1_IP}:${web.proxyPort}`,
    );
    expect(text).toContain(
      '-A OUTPUT -m comment --comment "handle ClusterIPs; NOTE: this must be before the NodePort rules" ' +
        '-j KUBE-PORTALS-HOST',
    );
    const nodePortRedirect = new RegExp(
      '-A KUBE-NODEPORT-CONTAINER -p tcp -m comment --comment ns1/np:p80 -m tcp --dport 30080 -j REDIRECT ' +
        '--to-ports \\d+',
    );
    expect(text).toMatch(nodePortRedirect);
    expect(text).not.toContain('headless');
    expect(text).not.toContain('ns1/ext');
  });

  it('proxy ports are stable for a seed and distinct', () => {
    const a = proxy().proxyPorts.map((p) => p.proxyPort);
    expect(proxy().proxyPorts.map((p) => p.proxyPort)).toEqual(a);
    expect(new Set(a).size).toBe(a.length);
  });

  it.each([
    ['pod to ClusterIP', 'pod', '10.244.1.50', '10.96.0.20', 80, 'proxy', '10.244.1.1'],
    ['node to ClusterIP', 'local', NODE1_IP, '10.96.0.20', 80, 'proxy', NODE1_IP],
    ['external to NodePort', 'external', '203.0.113.9', NODE1_IP, 30080, 'proxy', NODE1_IP],
    ['not a service', 'pod', '10.244.1.50', '10.244.2.12', 8080, 'pass', undefined],
  ] as const)('%s', (_n, origin, src, dst, port, kind, redirectedTo) => {
    const px = proxy();
    const r = px.evaluate({ packet: tcp(src, dst, port), origin, state: freshState() });
    expect(r.verdict.kind).toBe(kind);
    if (r.verdict.kind !== 'proxy') return;
    expect(r.after.dst).toBe(redirectedTo);
    expect(r.after.dstPort).toBe(r.verdict.proxyPort);
    expect(r.verdict.endpoint).not.toBeNull();
  });

  it('the portal chains are walked by the node\'s netfilter walker: typed steps, the REDIRECT rule\'s line, ' +
    'then the dial', () => {
    const px = proxy();
    const save = px.artifacts[0]!;
    const r = px.evaluate({ packet: tcp('10.244.1.50', '10.96.0.20', 80), origin: 'pod', state: freshState() });
    const walked = r.steps.filter((s) => s.table === 'nat');
    // PREROUTING -> KUBE-PORTALS-CONTAINER, the other portals tried and not matched, then REDIRECT.
    expect(walked[0]).toMatchObject({
      outcome: 'matched',
      chain: 'PREROUTING',
      hook: 'prerouting',
      effect: { kind: 'jump', chain: 'KUBE-PORTALS-CONTAINER' },
    });
    const last = walked.at(-1)!;
    expect(last).toMatchObject({
      outcome: 'matched',
      chain: 'KUBE-PORTALS-CONTAINER',
      effect: { kind: 'redirect', to: `10.244.1.1:${r.after.dstPort}` },
    });
    expect(save.lines[last.ref.lineIndex]!.text).toContain('-d 10.96.0.20/32');
    expect(save.lines[last.ref.lineIndex]!.text).toContain('-j REDIRECT --to-ports');
    expect(
      walked.slice(1, -1).every((s) => s.outcome === 'skipped' && s.chain === 'KUBE-PORTALS-CONTAINER'),
    ).toBe(true);
    for (const s of walked) expect(save.lines[s.ref.lineIndex]!.ref).toBe(s.ref.ref);
    expect(r.steps.at(-1)).toMatchObject({ table: 'kube-proxy', effect: { kind: 'proxy-dial', ok: true } });
    // From the node itself: OUTPUT -> KUBE-PORTALS-HOST, a DNAT to the node's address.
    const host = px.evaluate({ packet: tcp(NODE1_IP, '10.96.0.20', 80), origin: 'local', state: freshState() });
    expect(host.steps.filter((s) => s.outcome === 'matched' && s.table === 'nat').map((s) => s.effect.kind)).toEqual([
      'jump', 'dnat',
    ]);
    expect(host.steps.find((s) => s.effect.kind === 'dnat')).toMatchObject({
      hook: 'output',
      chain: 'KUBE-PORTALS-HOST',
    });
  });

  it('externalTrafficPolicy Local is not implemented: a node without local endpoints still proxies, ' +
    'from its own address', () => {
    const r = proxy().evaluate({
      packet: tcp('203.0.113.9', NODE1_IP, 30081),
      origin: 'external',
      state: freshState(),
    });
    expect(r.verdict).toMatchObject({ kind: 'proxy', endpoint: { ip: '10.244.2.12' } });
  });

  it('zero endpoints: kube-proxy accepts, then finds no endpoint ("missing endpoints")', () => {
    const r = proxy().evaluate({ packet: tcp('10.244.1.50', '10.96.0.23', 80), origin: 'pod', state: freshState() });
    expect(r.verdict).toMatchObject({ kind: 'proxy', endpoint: null, attempts: [] });
    expect(r.steps.at(-1)!.action).toContain('missing endpoints');
  });

  it('round robin: a shuffled order, then strictly cyclic', () => {
    const px = proxy();
    const state = freshState('rr');
    const picks = Array.from({ length: 6 }, (_, i) => {
      const r = px.evaluate({ packet: tcp('10.244.1.50', '10.96.0.20', 80, 40000 + i), origin: 'pod', state });
      return r.verdict.kind === 'proxy' ? r.verdict.endpoint!.ip : '';
    });
    expect(new Set(picks.slice(0, 3)).size).toBe(3);
    expect(picks.slice(3)).toEqual(picks.slice(0, 3));
    expect(artifactText(px.renderBalancers(state))).toMatch(/ns1\/web:p80 .* >10\.244\./);
  });

  it('ClientIP affinity keeps a client on its endpoint within the TTL', () => {
    const px = proxy();
    const state = freshState('aff');
    const pick = (src: string) => {
      const r = px.evaluate({ packet: tcp(src, '10.96.0.24', 80), origin: 'pod', state });
      return r.verdict.kind === 'proxy' ? r.verdict.endpoint!.ip : '';
    };
    const first = pick('10.244.1.50');
    expect(pick('10.244.1.50')).toBe(first);
    expect(pick('10.244.1.51')).not.toBe(first);
    state.now += 61;
    // The TTL passed: the client takes the next endpoint in the cycle.
    expect(pick('10.244.1.50')).not.toBe(first);
  });

  it('retries past a dead endpoint where iptables and IPVS send connections to it anyway', () => {
    const dead = '10.244.2.12';
    const endpointAlive = (e: { ip: string }) => e.ip !== dead;
    const us = proxy();
    const usState = freshState('retry');
    const results = Array.from({ length: 3 }, (_, i) => us.evaluate({
      packet: tcp('10.244.1.50', '10.96.0.20', 80, 41000 + i),
      origin: 'pod',
      state: usState,
      endpointAlive,
    }));
    for (const r of results) {
      expect(r.verdict.kind).toBe('proxy');
      if (r.verdict.kind !== 'proxy') continue;
      expect(r.verdict.endpoint!.ip).not.toBe(dead);
    }
    const retried = results.find((r) => r.verdict.kind === 'proxy' && r.verdict.attempts.length === 2)!;
    expect(retried.verdict).toMatchObject({
      attempts: [{ endpoint: `${dead}:8080`, ok: false, timeoutMs: 250 }, { ok: true }],
    });

    const c = cluster();
    c.settings.kubeProxy.mode = 'ipvs';
    const ipvs = compileIpvs({ cluster: c, nodeName: 'node-1', settings: c.settings });
    const ipvsState = freshState();
    const ipvsPicks = Array.from({ length: 3 }, (_, i) => {
      const r = ipvs.evaluate({
        packet: tcp('10.244.1.50', '10.96.0.20', 80, 42000 + i),
        origin: 'pod',
        state: ipvsState,
        endpointAlive,
      });
      return r.verdict.kind === 'dnat' ? r.verdict.endpoint.ip : '';
    });
    // A kernel mode DNATs without knowing the pod is dead: one connection in three goes there and fails.
    expect(ipvsPicks).toContain(dead);

    c.settings.kubeProxy.mode = 'iptables';
    const ipt = compileNodeProxy({ cluster: c, nodeName: 'node-1' });
    const iptState = freshState('ipt');
    const iptPicks = Array.from({ length: 12 }, (_, i) => {
      const r = ipt.evaluate({
        packet: tcp('10.244.1.50', '10.96.0.20', 80, 43000 + i),
        origin: 'pod',
        state: iptState,
        endpointAlive,
      });
      return r.verdict.kind === 'dnat' ? r.verdict.endpoint.ip : '';
    });
    expect(iptPicks).toContain(dead);
  });
});

describe('LoadBalancerRR', () => {
  it('errors: missing service entry, missing endpoints', () => {
    const states: BalancerStates = {};
    expect(nextEndpoint({ states, service: 'a', clientIP: '1.1.1.1', now: 0, sessionAffinityReset: false })).toEqual({
      ok: false,
      error: 'missing service entry',
    });
    updateService({ states, service: 'a', endpoints: [], affinitySeconds: 0, rng: SeededRandom.fromSeed(1) });
    expect(nextEndpoint({ states, service: 'a', clientIP: '1.1.1.1', now: 0, sessionAffinityReset: false })).toEqual({
      ok: false,
      error: 'missing endpoints',
    });
  });

  it('reshuffles only when the endpoint set changes', () => {
    const states: BalancerStates = {};
    const rng = SeededRandom.fromSeed('x');
    const eps = ['a:1', 'b:1', 'c:1', 'd:1', 'e:1'];
    const first = [...updateService({ states, service: 's', endpoints: eps, affinitySeconds: 0, rng }).endpoints];
    nextEndpoint({ states, service: 's', clientIP: '', now: 0, sessionAffinityReset: false });
    const same = updateService({ states, service: 's', endpoints: [...eps].reverse(), affinitySeconds: 0, rng });
    expect(same.endpoints).toEqual(first);
    expect(same.index).toBe(1);
    const changed = updateService({ states, service: 's', endpoints: eps.slice(1), affinitySeconds: 0, rng });
    expect(changed.index).toBe(0);
    expect([...changed.endpoints].sort()).toEqual(eps.slice(1));
  });

  it('an affinity TTL of 0 means 10800 seconds', () => {
    const states: BalancerStates = {};
    expect(
      updateService({
        states,
        service: 's',
        endpoints: ['a:1'],
        affinitySeconds: 0,
        rng: SeededRandom.fromSeed(1),
      }).affinity.ttlSeconds,
    ).toBe(10800);
  });

  it('gives up after four dials with the timeouts 250ms, 500ms, 1s, 2s', () => {
    const states: BalancerStates = {};
    updateService({
      states,
      service: 's',
      endpoints: ['a:1', 'b:1'],
      affinitySeconds: 0,
      rng: SeededRandom.fromSeed(1),
    });
    const r = tryConnectEndpoints({ states, service: 's', clientIP: '1.1.1.1', now: 0, dial: () => false });
    expect(r.ok).toBe(false);
    expect(r.attempts.map((a) => a.timeoutMs)).toEqual([...ENDPOINT_DIAL_TIMEOUTS_MS]);
  });

  it('after a failed dial, affinity is ignored for the rest of the attempts', () => {
    const states: BalancerStates = {};
    updateService({
      states,
      service: 's',
      endpoints: ['a:1', 'b:1', 'c:1'],
      affinitySeconds: 100,
      rng: SeededRandom.fromSeed(2),
    });
    const first = nextEndpoint({ states, service: 's', clientIP: '9.9.9.9', now: 0, sessionAffinityReset: false });
    if (!first.ok) throw new Error('no endpoint');
    const r = tryConnectEndpoints({
      states,
      service: 's',
      clientIP: '9.9.9.9',
      now: 1,
      dial: (e) => e !== first.endpoint,
    });
    expect(r.attempts[0]).toMatchObject({ endpoint: first.endpoint, ok: false, viaAffinity: true });
    expect(r.attempts[1]).toMatchObject({ ok: true, viaAffinity: false });
  });
});
