// The nftables packet-flow table through a real kernel: the rendered table is loaded into a node
// namespace wired like a Kubernetes node (scripts/fidelity/netns.ts: external clients, a pod
// client, endpoint servers), real TCP connections are made, and each outcome (served by which
// endpoint and seen from which source, refused, timed out) is compared with the simulator's verdict.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { artifactText } from '../../artifact';
import {
  chiSquareConsistent,
  ensureDebianPackage,
  fidelitySkipReason,
  NodeTopology,
  type ConnectOutcome,
  type NsRole,
} from '../../../../scripts/fidelity/netns';
import type { PacketOrigin } from '../types';
import { freshState, NODE1_IP, packetFlowTestCluster, tcp, THREE_ENDPOINTS } from '../ipvs/testfixtures';
import { compileNftables } from './proxy';

const skip = (await fidelitySkipReason()) ?? (await ensureDebianPackage('nft', 'nftables'));

const ALL = THREE_ENDPOINTS.map((e) => e.ip);
const POD_CLIENT = '10.244.1.50';
const EXTERNAL = '203.0.113.9';
const BLOCKED = '203.0.113.200';

function proxy() {
  const c = packetFlowTestCluster({ settings: (s) => (s.kubeProxy.mode = 'nftables'), emptyNodePort: true });
  return compileNftables({ cluster: c, nodeName: 'node-1', settings: c.settings });
}

const ROLE: Record<PacketOrigin, NsRole> = { pod: 'podclient', external: 'client', local: 'node' };

describe.skipIf(skip !== null)(`nftables packet flows in a real kernel${skip ? ` (skipped: ${skip})` : ''}`, () => {
  const px = proxy();
  const topo = new NodeTopology({
    nodeIPs: [NODE1_IP],
    endpointIPs: ALL,
    podClientIPs: [POD_CLIENT],
    externalClientIPs: [EXTERNAL, BLOCKED],
  });

  beforeAll(async () => {
    await topo.create();
    const r = await topo.exec('node', 'nft', ['-f', '-'], artifactText(px.artifacts[0]!));
    if (r.code !== 0) throw new Error(`nft -f failed: ${r.stderr}`);
    await topo.startServers(ALL.map((ip) => ({ ip, port: 8080 })));
  });
  afterAll(() => topo.destroy());

  it.for([
    // [name, origin, source, destination, port]
    ['pod to ClusterIP', 'pod', POD_CLIENT, '10.96.0.20', 80],
    ['node to ClusterIP', 'local', NODE1_IP, '10.96.0.20', 80],
    ['external to NodePort, Cluster policy (masqueraded)', 'external', EXTERNAL, NODE1_IP, 30080],
    ['external to NodePort, Local policy, no local endpoint (dropped)', 'external', EXTERNAL, NODE1_IP, 30081],
    ['pod to NodePort, Local policy (short-circuited, not masqueraded)', 'pod', POD_CLIENT, NODE1_IP, 30081],
    ['pod to a ClusterIP without endpoints (refused)', 'pod', POD_CLIENT, '10.96.0.23', 80],
    ['external to a NodePort without endpoints (refused)', 'external', EXTERNAL, NODE1_IP, 30082],
    ['pod to a ClusterIP port the service does not have (refused)', 'pod', POD_CLIENT, '10.96.0.20', 22],
    ['pod to an unallocated ClusterIP (dropped)', 'pod', POD_CLIENT, '10.96.0.99', 80],
    ['allowed source to the LB IP', 'external', EXTERNAL, '1.2.3.4', 80],
    ['blocked source to the LB IP (dropped)', 'external', BLOCKED, '1.2.3.4', 80],
    ['blocked source to the NodePort (NodePorts ignore source ranges)', 'external', BLOCKED, NODE1_IP, 30083],
  ] as const)('%s', async ([, origin, src, dst, port]) => {
    const sim = px.evaluate({ packet: tcp(src, dst, port), origin, state: freshState() });
    const [got] = await topo.connect(ROLE[origin], { host: dst, port }, { source: src, timeoutMs: 500 });
    const kind = sim.verdict.kind;
    const want: ConnectOutcome['kind'] = kind === 'dnat' ? 'served' : kind === 'reject' ? 'refused' : 'timeout';
    expect(got!.kind).toBe(want);
    if (got!.kind !== 'served' || sim.verdict.kind !== 'dnat') return;
    // The kernel's numgen draw is its own; it must land on one of the service's endpoints.
    expect(ALL.map((ip) => `${ip}:8080`)).toContain(got!.endpoint);
    // Masquerade picks the outgoing interface's address (in this harness the node's pod-side veth).
    if (sim.verdict.masquerade) expect(got!.seenSource).not.toBe(src);
    else expect(got!.seenSource).toBe(src);
  });

  it('ClientIP affinity: the kernel keeps one client on one endpoint, as the simulator does', async () => {
    const outs = await topo.connect('podclient', { host: '10.96.0.24', port: 80 }, {
      source: POD_CLIENT,
      count: 8,
      timeoutMs: 500,
    });
    const kernel = new Set(outs.map((o) => (o.kind === 'served' ? o.endpoint : o.kind)));
    const state = freshState('affinity');
    const sim = new Set(Array.from({ length: 8 }, () => {
      const r = px.evaluate({ packet: tcp(POD_CLIENT, '10.96.0.24', 80), origin: 'pod', state });
      return r.verdict.kind === 'dnat' ? r.verdict.endpoint.endpoint : r.verdict.kind;
    }));
    expect(kernel.size).toBe(1);
    expect(sim.size).toBe(1);
  });

  it('numgen random mod 3 spreads 300 kernel connections ' +
    'like the simulator draws (chi-square, p > 0.001)', async () => {
    const outs = await topo.connect('podclient', { host: '10.96.0.20', port: 80 }, {
      source: POD_CLIENT,
      count: 300,
      timeoutMs: 500,
    });
    const kernel = ALL.map((ip) => outs.filter((o) => o.kind === 'served' && o.endpoint === `${ip}:8080`).length);
    expect(kernel.reduce((a, b) => a + b, 0)).toBe(300);
    expect(chiSquareConsistent(kernel, [1 / 3, 1 / 3, 1 / 3]).ok).toBe(true);
    const state = freshState('spread');
    const sim = ALL.map(() => 0);
    for (let i = 0; i < 300; i++) {
      const r = px.evaluate({ packet: tcp(POD_CLIENT, '10.96.0.20', 80, 20000 + i), origin: 'pod', state });
      if (r.verdict.kind === 'dnat') sim[ALL.indexOf(r.verdict.endpoint.ip)]!++;
    }
    expect(chiSquareConsistent(sim, [1 / 3, 1 / 3, 1 / 3]).ok).toBe(true);
  });
});
