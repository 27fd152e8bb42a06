import { describe, expect, it } from 'vitest';
import type { Deployment, Service } from '../api/types';
import { buildLab } from '../assembly/lab';
import { defaultIngressAddon, type ProxyMode } from '../lab';
import { SeededRandom } from '../net/rand';
import { classroomObjects, classroomSettings } from './classroom';
import { distribution } from './distribution';
import { renderNote } from '../notes';
import { newTraceSession, trace, type TraceRequest } from './trace';

function labFor(mode: ProxyMode, affinity = false) {
  const objects = classroomObjects().map((o) =>
    affinity && o.kind === 'Service'
      ? ({ ...o, spec: { ...(o as Service).spec, sessionAffinity: 'ClientIP' } } as Service)
      : o,
  );
  const lab = buildLab({ settings: classroomSettings(mode), objects });
  expect(lab.problems).toEqual([]);
  return lab;
}

const byName: TraceRequest = { from: { kind: 'pod', pod: 'default/client' }, url: 'http://app-3' };

/** The same requests traced one by one with full recording. */
function oneByOne(lab: ReturnType<typeof labFor>, request: TraceRequest, n: number, seed: string) {
  const session = newTraceSession(seed);
  const outcomes: Record<string, number> = {};
  const perPod: Record<string, number> = {};
  for (let i = 0; i < n; i++) {
    const r = trace(lab, request, session);
    outcomes[r.outcome] = (outcomes[r.outcome] ?? 0) + 1;
    if (r.backendPod) perPod[r.backendPod] = (perPod[r.backendPod] ?? 0) + 1;
  }
  return { outcomes, perPod, session };
}

describe('distribution', () => {
  it.each([
    ['iptables', false, /^iptables statistic rules in KUBE-SVC-\w+ on node-1$/],
    ['ipvs', false, /^ipvs rr on node-1$/],
    ['nftables', false, /^nft numgen random mod 3 on node-1$/],
    ['iptables', true, /^ClientIP affinity: one endpoint per client/],
    ['ipvs', true, /^ClientIP affinity: one endpoint per client/],
    ['nftables', true, /^ClientIP affinity: one endpoint per client/],
  ] as const)('%s (affinity %s): the same counts and end state as tracing n times', (mode, affinity, from) => {
    const lab = labFor(mode, affinity);
    for (const seed of ['a', 'b']) {
      const ref = oneByOne(lab, byName, 60, seed);
      const session = newTraceSession(seed);
      const d = distribution({ lab, request: byName, n: 60, seed, session });
      expect(d.outcomes).toEqual(ref.outcomes);
      expect(d.perPod).toEqual(ref.perPod);
      expect(session).toEqual(ref.session);
      expect(d.impliedFrom).toMatch(from);
      if (affinity) {
        expect(d.implied).toBeNull();
        expect(Object.values(d.perPod)).toEqual([60]);
      } else {
        const implied = d.implied!;
        const app3 = lab.cluster.pods.filter((p) => p.metadata.labels?.['app'] === 'app-3');
        expect(Object.keys(implied).sort()).toEqual(app3.map((p) => `default/${p.metadata.name}`).sort());
        for (const p of Object.values(implied)) expect(p).toBeCloseTo(1 / 3, 6);
      }
    }
  });

  it('iptables: p_i = prob_i * prod(1 - prob_j) reads the statistic probabilities of the chain', () => {
    const objects = classroomObjects({ deployments: 1, replicas: 4 });
    const lab = buildLab({ settings: classroomSettings('iptables'), objects });
    const request: TraceRequest = { from: { kind: 'pod', pod: 'default/client' }, url: 'http://app-0' };
    const d = distribution({ lab, request, n: 4000, seed: 's' });
    const shares = Object.values(d.implied!);
    expect(shares).toHaveLength(4);
    for (const p of shares) expect(p).toBeCloseTo(0.25, 6);
    // The draws follow the rules: each pod gets about a quarter of 4000 (binomial sd ~27).
    for (const c of Object.values(d.perPod)) expect(Math.abs(c - 1000)).toBeLessThan(150);
    expect(d.outcomes).toEqual({ response: 4000 });
  });

  it('no balancing on the path: no implied shares', () => {
    const lab = labFor('iptables');
    const pod = lab.cluster.pods.find((p) => p.metadata.name.startsWith('app-1-'))!;
    const request: TraceRequest = { from: { kind: 'pod', pod: 'default/client' }, url: `http://${pod.status!.podIP}/` };
    const d = distribution({ lab, request, n: 5, seed: 'x' });
    expect(d.perPod).toEqual({ [`default/${pod.metadata.name}`]: 5 });
    expect(d.implied).toBeNull();
    expect(d.impliedFrom).toBe('no kube-proxy load-balancing decision on the path');
    expect(renderNote('en', d.impliedNote)).toBe(d.impliedFrom);
    expect(renderNote('zh', d.impliedNote)).toBe('路径上没有 kube-proxy 的负载均衡决策');
  });

  it('through ingress-nginx (its balancer state and session cookies carry over): the same as tracing n times', () => {
    const addon = { ...defaultIngressAddon('nginx'), isDefaultClass: true, nodePorts: { http: 30080, https: 30443 } };
    const backend = { service: { name: 'app-2', port: { number: 80 } } };
    const ingress = {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: {
        name: 'web',
        namespace: 'default',
        annotations: { 'nginx.ingress.kubernetes.io/affinity': 'cookie' },
      },
      spec: {
        ingressClassName: 'nginx',
        rules: [{ host: 'app.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend }] } }],
      },
    } as unknown as Service;
    const settings = { ...classroomSettings('iptables'), ingress: [addon] };
    const clients = [{ name: 'laptop', address: '203.0.113.7' }];
    const lab = buildLab({ settings, objects: [...classroomObjects(), ingress], clients });
    expect(lab.problems).toEqual([]);
    const request: TraceRequest = {
      from: { kind: 'external', client: 'laptop' },
      url: 'http://app.example.com/',
      connect: { kind: 'ingress' },
      useCookieJar: true,
    };
    const ref = oneByOne(lab, request, 40, 'k');
    const session = newTraceSession('k');
    const d = distribution({ lab, request, n: 40, seed: 'k', session });
    expect(d.perPod).toEqual(ref.perPod);
    expect(d.outcomes).toEqual({ response: 40 });
    expect(session).toEqual(ref.session);
    expect(d.impliedFrom).toBe(
      "the nginx ingress controller chose the endpoint (its balancer, not kube-proxy's rules)",
    );
  });

  it('failures are counted as outcomes', () => {
    const lab = labFor('iptables');
    const request: TraceRequest = { from: { kind: 'pod', pod: 'default/client' }, url: 'http://nope' };
    const d = distribution({ lab, request, n: 3, seed: 'x' });
    expect(d.outcomes).toEqual({ nxdomain: 3 });
    expect(d.perPod).toEqual({});
  });
});

/** A random request on the classroom lab: from the client pod, a backend pod or a node; to a
 *  Service by name or ClusterIP, a pod IP, a node's NodePort, or a name nobody serves. */
function randomRequest(lab: ReturnType<typeof labFor>, rng: SeededRandom): TraceRequest {
  const pick = <T>(xs: readonly T[]): T => xs[rng.int(xs.length)]!;
  const podName = (p: (typeof pods)[number]) => `${p.metadata.namespace ?? 'default'}/${p.metadata.name}`;
  const pods = lab.cluster.pods.filter((p) => p.status?.podIP);
  const nodes = lab.cluster.nodes.map((n) => n.metadata.name);
  const svc = pick(lab.cluster.services.filter((s) => s.metadata.name.startsWith('app-')));
  const from: TraceRequest['from'] = pick([
    { kind: 'pod', pod: 'default/client' },
    { kind: 'pod', pod: podName(pick(pods)) },
    { kind: 'node', node: pick(nodes) },
  ] as const);
  const nodePort = svc.spec.ports?.[0]?.nodePort;
  const nodeIP = lab.cluster.nodes[rng.int(nodes.length)]!.status?.addresses?.[0]?.address;
  const url = pick([
    `http://${svc.metadata.name}/`,
    `http://${svc.spec.clusterIP}/`,
    `http://${svc.spec.clusterIP}:81/`,
    `http://${pick(pods).status!.podIP}/`,
    nodePort && nodeIP ? `http://${nodeIP}:${nodePort}/` : 'http://nobody.example/',
    'http://nobody.example/',
  ]);
  return { from, url };
}

describe('batch runs decide as recorded traces', () => {
  const modes = ['iptables', 'ipvs', 'nftables', 'userspace'] as const;
  it.each(modes)('%s: random requests, one by one, in two sessions', (mode) => {
    // Some variety: a NodePort with ClientIP affinity, a Service with no ready endpoints.
    const objects = classroomObjects({ deployments: 4 }).map((o) => {
      if (o.kind === 'Service' && o.metadata.name === 'app-1') {
        return { ...o, spec: { ...(o as Service).spec, type: 'NodePort', sessionAffinity: 'ClientIP' } } as Service;
      }
      if (o.kind === 'Deployment' && o.metadata.name === 'app-2') {
        return { ...o, spec: { ...(o as Deployment).spec, replicas: 0 } } as Deployment;
      }
      return o;
    });
    const lab = buildLab({ settings: classroomSettings(mode), objects });
    expect(lab.problems).toEqual([]);
    const rng = SeededRandom.fromSeed(`batch-${mode}`);
    const recorded = newTraceSession('s');
    const batch = newTraceSession('s');
    const outcomes = new Set<string>();
    for (let i = 0; i < 300; i++) {
      const request = randomRequest(lab, rng);
      const full = trace(lab, request, recorded);
      const quiet = trace(lab, request, batch, { recordHops: false });
      const { hops, ...decided } = full;
      expect(hops.length).toBeGreaterThan(0);
      expect({ ...quiet, hops: [] }).toEqual({ ...decided, hops: [] });
      expect(quiet.hops).toEqual([]);
      expect(batch).toEqual(recorded);
      outcomes.add(full.outcome);
    }
    // The requests reached more than one kind of end (answered, refused, unresolved, ...).
    expect(outcomes.size).toBeGreaterThan(2);
  });
});

describe('implied shares come from the rules the node compiled, not from their rendered text', () => {
  /** The classroom with app-0 a NodePort of externalTrafficPolicy Local, and an outside client. */
  function localLab(mode: ProxyMode) {
    const objects = classroomObjects({ deployments: 2 }).map((o) =>
      o.kind === 'Service' && o.metadata.name === 'app-0'
        ? ({ ...o, spec: { ...(o as Service).spec, type: 'NodePort', externalTrafficPolicy: 'Local' } } as Service)
        : o,
    );
    const settings = { ...classroomSettings(mode), ...(mode === 'userspace' ? { kubernetesVersion: '1.25' } : {}) };
    return buildLab({ settings, objects, clients: [{ name: 'laptop', address: '203.0.113.7' }] });
  }
  /** Every line of every node's artifacts rewritten in place (rendered first), reversed. */
  function scrambleText(lab: ReturnType<typeof localLab>): void {
    for (const p of Object.values(lab.proxies)) {
      for (const a of p.artifacts) for (const l of a.lines) l.text = [...l.text].reverse().join('');
    }
  }
  /** To app-0's NodePort on the node of its first pod (Local: that node's endpoints only). */
  function toLocalNodePort(lab: ReturnType<typeof localLab>): TraceRequest {
    const pod = lab.cluster.pods.find((p) => p.metadata.labels?.['app'] === 'app-0')!;
    const node = lab.cluster.nodes.find((n) => n.metadata.name === pod.spec.nodeName)!;
    const port = lab.cluster.services.find((x) => x.metadata.name === 'app-0')!.spec.ports![0]!.nodePort;
    const url = `http://${node.status!.addresses![0]!.address}:${port}/`;
    return { from: { kind: 'external', client: 'laptop' }, url };
  }
  it.each([
    ['iptables', 'cluster', /^iptables statistic rules in KUBE-SVC-\w+ on node-1$/],
    ['iptables', 'local', /^iptables statistic rules in KUBE-SVL-\w+ on node-\d$/],
    ['ipvs', 'cluster', /^ipvs rr on node-1$/],
    ['nftables', 'cluster', /^nft numgen random mod 3 on node-1$/],
    ['nftables', 'local', /^nft numgen random mod \d on node-\d$/],
    ['userspace', 'cluster', /^userspace round-robin on node-1:/],
  ] as const)('%s (%s traffic policy): the same with every artifact line scrambled', (mode, policy, from) => {
    const request = (lab: ReturnType<typeof localLab>): TraceRequest =>
      policy === 'local' ? toLocalNodePort(lab) : { from: { kind: 'pod', pod: 'default/client' }, url: 'http://app-1' };
    const plain = localLab(mode);
    const want = distribution({ lab: plain, request: request(plain), n: 30, seed: 't' });
    expect(want.impliedFrom).toMatch(from);
    const scrambled = localLab(mode);
    scrambleText(scrambled);
    expect(distribution({ lab: scrambled, request: request(scrambled), n: 30, seed: 't' })).toEqual(want);
    if (mode === 'userspace') return;
    const shares = Object.values(want.implied!);
    expect(shares.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
    if (policy === 'local') {
      // Only the pods on the node that was asked.
      const node = toLocalNodePort(plain).url.split('/')[2]!.split(':')[0];
      const local = plain.cluster.pods.filter(
        (p) => p.metadata.labels?.['app'] === 'app-0' && p.status?.hostIP === node,
      );
      expect(Object.keys(want.implied!).sort()).toEqual(local.map((p) => `default/${p.metadata.name}`).sort());
    }
  });
});

describe('a Gateway rule split by weight', () => {
  it("implies each backend's share from the rule's split_clients percentages, and the draws follow them", () => {
    const obj = (o: object) => o as never;
    const containers = [{ name: 'c', image: 'echo-basic', ports: [{ containerPort: 8080 }] }];
    const pod = (name: string, app: string) =>
      obj({ apiVersion: 'v1', kind: 'Pod', metadata: { name, labels: { app } }, spec: { containers } });
    const spec = (name: string) => ({ selector: { app: name }, ports: [{ port: 80, targetPort: 8080 }] });
    const svc = (name: string) => obj({ apiVersion: 'v1', kind: 'Service', metadata: { name }, spec: spec(name) });
    const gw = { apiVersion: 'gateway.networking.k8s.io/v1' };
    const listeners = [{ name: 'http', port: 80, protocol: 'HTTP' }];
    const split = [{ name: 'v1', port: 80, weight: 3 }, { name: 'v2', port: 80, weight: 1 }];
    const objects = [
      obj({
        ...gw,
        kind: 'GatewayClass',
        metadata: { name: 'nginx' },
        spec: { controllerName: 'gateway.nginx.org/nginx-gateway-controller' },
      }),
      obj({ ...gw, kind: 'Gateway', metadata: { name: 'gw' }, spec: { gatewayClassName: 'nginx', listeners } }),
      obj({
        apiVersion: 'gateway.networking.k8s.io/v1',
        kind: 'HTTPRoute',
        metadata: { name: 'web' },
        spec: { parentRefs: [{ name: 'gw' }], rules: [{ backendRefs: split }] },
      }),
      pod('v1-a', 'v1'),
      pod('v1-b', 'v1'),
      pod('v2-a', 'v2'),
      svc('v1'),
      svc('v2'),
    ];
    const lab = buildLab({ settings: classroomSettings('iptables'), objects });
    const request: TraceRequest = {
      from: { kind: 'external', address: '203.0.113.5' },
      url: 'http://web.example.com/',
      connect: { kind: 'gateway', namespace: 'default', name: 'gw' },
    };
    const d = distribution({ lab, request, n: 2000, seed: 'split' });
    // 75% for v1 spread over its two pods, 25% for v2's one.
    expect(d.implied).toEqual({ 'default/v1-a': 0.375, 'default/v1-b': 0.375, 'default/v2-a': 0.25 });
    expect(d.impliedFrom).toMatch(/^split_clients \$group_default__web_rule0/);
    const v2 = (d.perPod['default/v2-a'] ?? 0) / d.n;
    expect(v2).toBeGreaterThan(0.2);
    expect(v2).toBeLessThan(0.3);
  });
});
