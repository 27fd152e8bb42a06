// The simulator against real Linux netfilter: the compiled rules are loaded into a private network
// namespace wired like a node, servers answer on the endpoint addresses, and real TCP connections
// must end the way the simulator's evaluation says: served by the same set of endpoints (with or
// without masquerade), refused (REJECT) or timed out (DROP / nowhere to go).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  NodeTopology,
  chiSquareConsistent,
  fidelitySkipReason,
  type ConnectOutcome,
  type ConnectScenario,
} from '../../../../scripts/fidelity/netns';
import { rulesetText } from '../../node/netfilter/render';
import { SeededRandom } from '../../net/rand';
import type { NodeProxy } from '../types';
import { compileIptables, recompileIptables, NFACCT_CT_INVALID, NFACCT_LOCALHOST_NODEPORTS } from './compile';
import {
  TEST_NODE,
  added,
  deleted,
  makeService,
  makeSlice,
  modified,
  packetFlowCluster,
  testProxySettings,
  trackerChanges,
} from './fixtures';
import { iptablesNodeProxy, nodeRuleset } from './proxy';

const skip = await fidelitySkipReason();
if (skip) console.warn(`[fidelity] iptables tests skipped: ${skip}`);

const POD = '10.0.0.2';
const NODE = TEST_NODE.ips[0]!;
const CLIENT = '203.0.113.2';
const BLOCKED = '203.0.113.130';
const PORT = 80;

type Scenario = ConnectScenario;

const scenarios: Scenario[] = [
  { name: 'pod to cluster IP', origin: 'pod', role: 'podclient', src: POD, dst: '172.30.0.41', port: 80 },
  { name: 'node to cluster IP', origin: 'local', role: 'node', src: NODE, dst: '172.30.0.41', port: 80 },
  {
    name: 'off-cluster router to cluster IP', origin: 'external', role: 'client', src: CLIENT, dst: '172.30.0.41',
    port: 80,
  },
  {
    name: 'external to NodePort, Cluster policy', origin: 'external', role: 'client', src: CLIENT, dst: NODE,
    port: 3001,
  },
  {
    name: 'external to NodePort on a secondary node IP', origin: 'external', role: 'client', src: CLIENT,
    dst: '192.168.1.2', port: 3001,
  },
  { name: 'pod to NodePort, Cluster policy', origin: 'pod', role: 'podclient', src: POD, dst: NODE, port: 3001 },
  {
    name: 'external to NodePort, Local policy, local endpoint', origin: 'external', role: 'client', src: CLIENT,
    dst: NODE, port: 3002,
  },
  { name: 'pod to NodePort, Local policy', origin: 'pod', role: 'podclient', src: POD, dst: NODE, port: 3002 },
  {
    name: 'external to NodePort, Local policy, no local endpoint', origin: 'external', role: 'client', src: CLIENT,
    dst: NODE, port: 3003,
  },
  {
    name: 'node to NodePort, Local policy, no local endpoint', origin: 'local', role: 'node', src: NODE, dst: NODE,
    port: 3003,
  },
  { name: 'external to LB IP', origin: 'external', role: 'client', src: CLIENT, dst: '1.2.3.4', port: 80 },
  {
    name: 'allowed source to LB IP with source ranges', origin: 'external', role: 'client', src: CLIENT, dst: '5.6.7.8',
    port: 80,
  },
  {
    name: 'blocked source to LB IP with source ranges', origin: 'external', role: 'client', src: BLOCKED,
    dst: '5.6.7.8', port: 80,
  },
  { name: 'pod to LB IP with source ranges', origin: 'pod', role: 'podclient', src: POD, dst: '5.6.7.8', port: 80 },
  {
    name: 'blocked source to the same NodePort (no source ranges there)', origin: 'external', role: 'client',
    src: BLOCKED, dst: NODE, port: 3005,
  },
  {
    name: 'pod to cluster IP with no endpoints', origin: 'pod', role: 'podclient', src: POD, dst: '172.30.0.47',
    port: 80,
  },
  {
    name: 'external to NodePort with no endpoints', origin: 'external', role: 'client', src: CLIENT, dst: NODE,
    port: 3006,
  },
  {
    name: 'internalTrafficPolicy Local without a local endpoint', origin: 'pod', role: 'podclient', src: POD,
    dst: '172.30.0.48', port: 80,
  },
  {
    name: 'hairpin: an endpoint reaches itself through its service', origin: 'pod', role: 'pods', src: '10.180.0.5',
    dst: '172.30.0.45', port: 80,
  },
  { name: 'localhost NodePort', origin: 'local', role: 'node', src: '127.0.0.1', dst: '127.0.0.1', port: 3001 },
  { name: 'not a service address', origin: 'pod', role: 'podclient', src: POD, dst: '172.30.0.99', port: 80 },
];

type Prediction =
  | { kind: 'served'; endpoints: string[]; masquerade: boolean }
  | { kind: 'refused' }
  | { kind: 'timeout' }
  | { kind: 'pass' };

/** What the simulator says, over enough fresh random draws to see every reachable endpoint. */
function predict(proxy: NodeProxy, s: Scenario): Prediction {
  const endpoints = new Set<string>();
  let masquerade = false;
  for (let i = 0; i < 60; i++) {
    const r = proxy.evaluate({
      packet: { protocol: 'TCP', src: s.src, srcPort: 30000 + i, dst: s.dst, dstPort: s.port },
      origin: s.origin,
      state: { now: 0, rand: SeededRandom.fromSeed('fidelity', String(i)).state(), perNode: {} },
    });
    const v = r.verdict;
    if (v.kind === 'reject') return { kind: 'refused' };
    if (v.kind === 'drop') return { kind: 'timeout' };
    if (v.kind === 'pass') return { kind: 'pass' };
    if (v.kind !== 'dnat') throw new Error(`unexpected verdict ${v.kind}`);
    endpoints.add(v.endpoint.ip);
    masquerade = v.masquerade;
  }
  return { kind: 'served', endpoints: [...endpoints].sort(), masquerade };
}

function observe(outcomes: ConnectOutcome[], src: string): Prediction {
  const kinds = new Set(outcomes.map((o) => o.kind));
  if (kinds.size !== 1) return { kind: 'timeout', mixed: [...kinds] } as unknown as Prediction;
  const first = outcomes[0]!;
  if (first.kind === 'refused' || first.kind === 'timeout') return { kind: first.kind };
  if (first.kind === 'error') throw new Error(`connection error ${first.code}`);
  const served = outcomes.filter((o): o is Extract<ConnectOutcome, { kind: 'served' }> => o.kind === 'served');
  return {
    kind: 'served',
    endpoints: [...new Set(served.map((o) => o.endpoint.split(':')[0]!))].sort(),
    masquerade: served.every((o) => o.seenSource !== src),
  };
}

describe.skipIf(!!skip)('iptables mode against real netfilter (private network namespaces)', () => {
  const cluster = packetFlowCluster();
  const settings = testProxySettings({ nfacct: true, localhostNodePorts: true });
  const artifact = compileIptables({ cluster, nodeName: TEST_NODE.name, node: TEST_NODE, settings });
  const proxy = iptablesNodeProxy(artifact);
  const endpointIPs = [...new Set(artifact.services.flatMap((s) => s.endpoints.map((e) => e.ip)))].sort();
  const topo = new NodeTopology({
    nodeIPs: TEST_NODE.ips,
    endpointIPs,
    podClientIPs: [POD],
    externalClientIPs: [CLIENT, BLOCKED],
  });

  beforeAll(async () => {
    await topo.create();
    await topo.addNfacct([NFACCT_LOCALHOST_NODEPORTS, NFACCT_CT_INVALID]);
    await topo.startServers(endpointIPs.map((ip) => ({ ip, port: PORT })));
  });
  afterAll(async () => {
    await topo.destroy();
  });

  it('iptables-restore --test accepts the restore payload as kube-proxy writes it', async () => {
    const r = await topo.restore(rulesetText(artifact.ruleset), { test: true, noflush: true });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it('loads the payload with kube-proxy\'s jump rules, and iptables-save lists every chain', async () => {
    const r = await topo.restore(rulesetText(nodeRuleset(artifact)));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const saved = await topo.save();
    for (const c of artifact.ruleset.tables.nat!.chains) expect(saved).toContain(`:${c.name} - [`);
    const natRules = artifact.ruleset.tables.nat!.chains.reduce((n, c) => n + c.rules.length, 0);
    const natKubeRule = (l: string) => /^-A KUBE-/.test(l) && saved.indexOf('*nat') < saved.indexOf(l);
    const savedNatKube = saved.split('\n').filter(natKubeRule).length;
    expect(savedNatKube).toBeGreaterThanOrEqual(natRules);
  });

  it.each(scenarios)('$name', async (s) => {
    const predicted = predict(proxy, s);
    // No rule caught it: the packet is routed on to an address nobody answers in the lab, so it times out.
    const want = predicted.kind === 'pass' ? { kind: 'timeout' } : predicted;
    const count = want.kind === 'served' ? 30 : want.kind === 'refused' ? 3 : 2;
    const got = observe(
      await topo.connect(s.role, { host: s.dst, port: s.port }, { source: s.src, count, timeoutMs: 300 }),
      s.src,
    );
    expect(got).toEqual(want);
  });

  it('ClientIP affinity: repeated connections from one client stay on one endpoint, as simulated', async () => {
    const s: Scenario = { name: 'affinity', origin: 'pod', role: 'podclient', src: POD, dst: '172.30.0.49', port: 80 };
    const state = { now: 0, rand: SeededRandom.fromSeed('affinity-fidelity').state(), perNode: {} };
    const simPicks = new Set<string>();
    for (let i = 0; i < 20; i++) {
      const v = proxy.evaluate({
        packet: { protocol: 'TCP', src: POD, srcPort: 30000 + i, dst: s.dst, dstPort: 80 },
        origin: 'pod',
        state,
      }).verdict;
      if (v.kind === 'dnat') simPicks.add(v.endpoint.ip);
    }
    const real = await topo.connect(s.role, { host: s.dst, port: s.port }, { source: POD, count: 20 });
    const realPicks = new Set(real.map((o) => (o.kind === 'served' ? o.endpoint.split(':')[0] : o.kind)));
    expect(simPicks.size).toBe(1);
    expect(realPicks.size).toBe(1);
    expect([...realPicks][0]).toMatch(/^10\.180\.0\.[789]$/);
  });

  it('distribution over 300 connections matches the simulator (chi-square, p > 0.001)', async () => {
    // A non-sticky Service with two endpoints: every connection is a new conntrack entry and a new draw.
    const dst = '172.30.0.41';
    const state = { now: 0, rand: SeededRandom.fromSeed('distribution-fidelity').state(), perNode: {} };
    const sim = new Map<string, number>();
    for (let i = 0; i < 3000; i++) {
      const v = proxy.evaluate({
        packet: { protocol: 'TCP', src: POD, srcPort: 1024 + i, dst, dstPort: 80 },
        origin: 'pod',
        state,
      }).verdict;
      if (v.kind === 'dnat') sim.set(v.endpoint.ip, (sim.get(v.endpoint.ip) ?? 0) + 1);
    }
    const real = await topo.connect('podclient', { host: dst, port: 80 }, { source: POD, count: 300 });
    const counts = new Map<string, number>();
    for (const o of real) {
      if (o.kind === 'served') counts.set(o.endpoint.split(':')[0]!, (counts.get(o.endpoint.split(':')[0]!) ?? 0) + 1);
    }
    const keys = [...sim.keys()].sort();
    expect([...counts.keys()].sort()).toEqual(keys);
    const simTotal = [...sim.values()].reduce((a, b) => a + b, 0);
    const probabilities = keys.map((k) => sim.get(k)! / simTotal);
    const test = chiSquareConsistent(keys.map((k) => counts.get(k) ?? 0), probabilities);
    expect(test.ok, `chi2=${test.chi2.toFixed(2)} critical=${test.critical}`).toBe(true);
  });
});

describe.skipIf(!!skip)('iptables mode against real netfilter: three endpoints, nfacct off, ' +
  'localhost NodePorts off', () => {
  const cluster = packetFlowCluster();
  const settings = testProxySettings({ nfacct: false, localhostNodePorts: false });
  const artifact = compileIptables({ cluster, nodeName: TEST_NODE.name, node: TEST_NODE, settings });
  const proxy = iptablesNodeProxy(artifact);
  const endpointIPs = [...new Set(artifact.services.flatMap((s) => s.endpoints.map((e) => e.ip)))].sort();
  const topo = new NodeTopology({
    nodeIPs: TEST_NODE.ips,
    endpointIPs,
    podClientIPs: [POD],
    externalClientIPs: [CLIENT],
  });

  beforeAll(async () => {
    await topo.create();
    await topo.startServers(endpointIPs.map((ip) => ({ ip, port: PORT })));
    const r = await topo.restore(rulesetText(nodeRuleset(artifact)));
    if (r.code !== 0) throw new Error(r.stderr);
  });
  afterAll(async () => {
    await topo.destroy();
  });

  it('localhost NodePort is not a service address any more (the connection goes nowhere)', async () => {
    const s: Scenario = {
      name: 'localhost',
      origin: 'local',
      role: 'node',
      src: '127.0.0.1',
      dst: '127.0.0.1',
      port: 3001,
    };
    const got = observe(
      await topo.connect('node', { host: '127.0.0.1', port: 3001 }, { source: '127.0.0.1', count: 2 }),
      s.src,
    );
    // No rule catches it, so the node's own (empty) 127.0.0.1:3001 answers: the kernel refuses.
    expect(predict(proxy, s)).toEqual({ kind: 'pass' });
    expect(got.kind).toBe('refused');
  });

  it('three endpoints with the 0.3333333333 / 0.5 / unconditional chain spread 300 connections evenly', async () => {
    // The affinity Service without affinity: recompile the same cluster with sessionAffinity None.
    const svc = cluster.services.find((x) => x.metadata.name === 'affinity')!;
    const plain = {
      ...cluster,
      services: cluster.services.map(
        (x) => (x === svc ? { ...svc, spec: { ...svc.spec, sessionAffinity: 'None' as const } } : x),
      ),
    };
    const a2 = compileIptables({ cluster: plain, nodeName: TEST_NODE.name, node: TEST_NODE, settings });
    const r = await topo.restore(rulesetText(nodeRuleset(a2)));
    expect(r.code).toBe(0);
    const real = await topo.connect('podclient', { host: '172.30.0.49', port: 80 }, { source: POD, count: 300 });
    const counts = ['10.180.0.7', '10.180.0.8', '10.180.0.9'].map(
      (ip) => real.filter((o) => o.kind === 'served' && o.endpoint.startsWith(`${ip}:`)).length,
    );
    expect(counts.reduce((a, b) => a + b, 0)).toBe(300);
    const test = chiSquareConsistent(counts, [1 / 3, 1 / 3, 1 / 3]);
    expect(test.ok, `counts=${counts} chi2=${test.chi2.toFixed(2)}`).toBe(true);
  });
});

describe.skipIf(!!skip)('partial sync payloads against real iptables-restore --noflush (KEP-3453)', () => {
  const settings = testProxySettings({ nfacct: false });
  const before = packetFlowCluster();
  // One endpoint replaced, one Service removed, one added: new chains, flushed and deleted chains.
  const lb = before.services.find((s) => s.metadata.name === 'lb')!;
  const addedSvc = makeService('ns', 'added', { clusterIP: '172.30.0.60', ports: [{ port: 80 }] });
  const addedSlice = makeSlice('ns', 'added', [{ ip: '10.180.0.12' }], [{ port: 80 }]);
  const wasSlice = before.endpointSlices.find(
    (s) => s.metadata.labels?.['kubernetes.io/service-name'] === 'clusterip',
  )!;
  const nowSlice = makeSlice('ns', 'clusterip', [{ ip: '10.180.0.1' }, { ip: '10.180.0.11' }], [{ port: 80 }]);
  const after = {
    ...before,
    services: [...before.services.filter((s) => s !== lb), addedSvc],
    endpointSlices: [...before.endpointSlices.map((s) => (s === wasSlice ? nowSlice : s)), addedSlice],
  };
  const prev = compileIptables({ cluster: before, nodeName: TEST_NODE.name, node: TEST_NODE, settings });
  const changes = trackerChanges(deleted(lb), added(addedSvc), modified(wasSlice, nowSlice), added(addedSlice));
  const next = recompileIptables(prev, { cluster: after, changes });
  const full = compileIptables({ cluster: after, nodeName: TEST_NODE.name, node: TEST_NODE, settings });
  const topo = new NodeTopology({ nodeIPs: TEST_NODE.ips, endpointIPs: [], podClientIPs: [], externalClientIPs: [] });
  const normalise = (save: string) =>
    save
      .split('\n')
      .filter((l) => l && !l.startsWith('#'))
      .map((l) => l.replace(/\[\d+:\d+\]/, '[0:0]'))
      .join('\n');

  beforeAll(async () => {
    await topo.create();
  });
  afterAll(async () => {
    await topo.destroy();
  });

  it('first sync, then the partial payload with --noflush, ' +
    'leaves the kernel exactly as a full sync of the new state', async () => {
    expect(next.lastSync.kind).toBe('partial');
    expect(next.lastSync.changedServices).toEqual(['ns/added', 'ns/clusterip', 'ns/lb']);
    // lb's SVC, EXT, SEP and the replaced endpoint's SEP
    expect(next.lastSync.deletedChains.length).toBeGreaterThanOrEqual(4);
    expect((await topo.restore(rulesetText(prev.ruleset), { noflush: true })).code).toBe(0);
    const r = await topo.restore(rulesetText(next.lastSync.payload), { noflush: true });
    expect(r.stderr).toBe('');
    const afterPartial = normalise(await topo.save());

    // The reference: a fresh load of the full new ruleset.
    const ref = new NodeTopology({ nodeIPs: TEST_NODE.ips, endpointIPs: [], podClientIPs: [], externalClientIPs: [] });
    await ref.create();
    try {
      expect((await ref.restore(rulesetText(full.ruleset), { noflush: true })).code).toBe(0);
      const afterFull = normalise(await ref.save());
      expect(afterPartial.split('\n').sort()).toEqual(afterFull.split('\n').sort());
    } finally {
      await ref.destroy();
    }
  });
});
