// Asymmetric returns against the real kernel (issue 17 item 5, kubernetes/kubernetes#74383): three
// node namespaces on one segment route each other's podCIDRs (scripts/fidelity/cluster.ts), each
// loads the rules the lab's kube-proxy wrote for it (iptables-restore or nft -f), and pods in their
// own namespaces make real TCP connections. A pod calling another node's NodePort of an
// externalTrafficPolicy: Local Service is DNATed there without masquerade; the endpoint's reply
// goes straight back through the pod network and never meets the node whose conntrack could undo
// the DNAT, so the client gets a SYN-ACK from an address it never called, answers with a reset,
// and the connection times out. Masquerading (policy Cluster) or calling the NodePort on the
// endpoint's own node keeps the reply on the request's path. Each case compares the kernel's
// outcome, serving pod and the source the backend saw (and where the client's SYN-ACK came from)
// with the simulator's trace of the same request.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClusterTopology, type PodObservation } from '../../../scripts/fidelity/cluster';
import {
  ensureDebianPackage,
  fidelitySkipReason,
  iptablesBackend,
  nftablesSkipReason,
} from '../../../scripts/fidelity/netns';
import type { OtherObject, Pod, Service } from '../api/types';
import { artifactText } from '../artifact';
import { buildLab, type Lab } from '../assembly/lab';
import { defaultLabSettings, type ProxyMode } from '../lab';
import { NFACCT_CT_INVALID, NFACCT_LOCALHOST_NODEPORTS } from '../proxy/iptables/compile';
import { newTraceSession, parseSource, trace } from './trace';
import type { TraceResult } from './types';

const iptablesSkip = (await fidelitySkipReason()) ?? (await ensureDebianPackage('nft', 'nftables'));
const nftSkip = await nftablesSkipReason();
if (iptablesSkip) console.warn(`[fidelity] asymmetric-return iptables cases skipped: ${iptablesSkip}`);
if (nftSkip) console.warn(`[fidelity] asymmetric-return nftables cases skipped: ${nftSkip}`);

const NODES = { 'node-1': '192.168.49.2', 'node-2': '192.168.49.3', 'node-3': '192.168.49.4' } as const;
type NodeName = keyof typeof NODES;
const LOCAL_PORT = 30080;
const CLUSTER_PORT = 30081;
/** A connection that never opens waits this long; the machine is slow, so it is generous. */
const TIMEOUT_MS = 2500;

function node(name: string, ip: string): OtherObject {
  const status = { addresses: [{ type: 'InternalIP', address: ip }] };
  return { apiVersion: 'v1', kind: 'Node', metadata: { name }, status } as OtherObject;
}

function pod(name: string, nodeName: NodeName, app: string): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', labels: { app } },
    spec: { nodeName, containers: [{ name: 'app', image: 'nginx', ports: [{ name: 'http', containerPort: 80 }] }] },
  };
}

function nodePortService(name: string, policy: 'Local' | 'Cluster', nodePort: number): Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: 'default' },
    spec: {
      type: 'NodePort',
      externalTrafficPolicy: policy,
      selector: { app: 'web' },
      ports: [{ name: 'http', port: 80, targetPort: 'http', nodePort }],
    },
  };
}

/** Three nodes; the only web pod on node-1; a client pod on node-1 and one on node-3. */
function labFor(mode: ProxyMode): Lab {
  const settings = defaultLabSettings();
  settings.kubeProxy.mode = mode;
  const lab = buildLab({
    settings,
    objects: [
      ...Object.entries(NODES).map(([n, ip]) => node(n, ip)),
      pod('web-a', 'node-1', 'web'),
      pod('client-1', 'node-1', 'client'),
      pod('client-3', 'node-3', 'client'),
      nodePortService('web-local', 'Local', LOCAL_PORT),
      nodePortService('web-cluster', 'Cluster', CLUSTER_PORT),
    ],
  });
  expect(lab.problems).toEqual([]);
  return lab;
}

/** What the real kernel does (kubernetes/kubernetes#74383 and its fixes). */
type KernelBehaviour =
  | 'connected'
  /** The SYN-ACK reaches the client from the pod's own address; the client answers with a reset. */
  | 'client resets a stray SYN-ACK'
  /** A node that never saw the SYN gets the SYN-ACK: conntrack calls it INVALID and kube-proxy's
   *  iptables KUBE-FORWARD rule drops it (its nftables rules have no such rule). */
  | 'SYN-ACK dropped as INVALID on node-3';

interface Case {
  name: string;
  from: 'default/client-1' | 'default/client-3' | 'default/web-a';
  /** The address called: a node's NodePort, or the Service's ClusterIP (hairpin). */
  to: { node: NodeName; port: number } | { clusterIPOf: string };
  kernel: (mode: ProxyMode) => KernelBehaviour;
}

const connected = () => 'connected' as const;

const CASES: Case[] = [
  {
    name: 'asymmetric: a pod on node-1 calls node-2\'s Local NodePort, the endpoint is on node-1',
    from: 'default/client-1', to: { node: 'node-2', port: LOCAL_PORT },
    kernel: () => 'client resets a stray SYN-ACK',
  },
  {
    name: 'asymmetric, third node: a pod on node-3 calls node-2\'s Local NodePort',
    from: 'default/client-3', to: { node: 'node-2', port: LOCAL_PORT },
    kernel: (mode) => (mode === 'iptables' ? 'SYN-ACK dropped as INVALID on node-3' : 'client resets a stray SYN-ACK'),
  },
  {
    name: 'fix: externalTrafficPolicy Cluster, node-2 masquerades (client on node-1)',
    from: 'default/client-1', to: { node: 'node-2', port: CLUSTER_PORT }, kernel: connected,
  },
  {
    name: 'fix: externalTrafficPolicy Cluster, node-2 masquerades (client on node-3)',
    from: 'default/client-3', to: { node: 'node-2', port: CLUSTER_PORT }, kernel: connected,
  },
  {
    name: 'fix: the NodePort on the endpoint\'s own node (client on node-1)',
    from: 'default/client-1', to: { node: 'node-1', port: LOCAL_PORT }, kernel: connected,
  },
  {
    name: 'fix: the NodePort on the endpoint\'s own node (client on node-3)',
    from: 'default/client-3', to: { node: 'node-1', port: LOCAL_PORT }, kernel: connected,
  },
  {
    name: 'hairpin: the endpoint calls its own Service and is DNATed back to itself',
    from: 'default/web-a', to: { clusterIPOf: 'web-cluster' }, kernel: connected,
  },
];

function target(lab: Lab, c: Case): { host: string; port: number } {
  if ('node' in c.to) return { host: NODES[c.to.node], port: c.to.port };
  const name = c.to.clusterIPOf;
  const svc = lab.cluster.services.find((s) => s.metadata.name === name)!;
  return { host: svc.spec!.clusterIP!, port: 80 };
}

/**
 * Where the simulator drops a reply differently from the kernel, with why. The outcome, serving pod
 * and backend source still agree; only where the reply dies differs. Each runs as a check that the
 * difference is still there: when the reply walk learns it, the check fails and the entry goes.
 */
/** Where the client's SYN-ACK came from in the simulator: the source of the last reply hop's packet,
 *  when that hop is at the client (none when the reply died on the way). */
function simReplyFrom(sim: TraceResult): string[] {
  const last = sim.hops.at(-1);
  if (!last || last.direction !== 'reply' || last.action === 'drop') return [];
  return [`${last.before.src}:${last.before.srcPort}`];
}

/** The nodes whose rules dropped the reply in the simulator (the kernel counts them by nfacct). */
function simReplyDroppedOn(sim: TraceResult): string[] {
  const last = sim.hops.at(-1);
  if (!last || last.direction !== 'reply' || last.action !== 'drop' || last.place.kind !== 'node') return [];
  return [last.place.node];
}

function simulate(lab: Lab, c: Case): TraceResult {
  const from = parseSource(`pod:${c.from}`);
  if ('error' in from) throw new Error(from.error);
  const { host, port } = target(lab, c);
  return trace(lab, { from, url: `http://${host}:${port}/` }, newTraceSession('reply-fidelity'));
}

/** The lab's pods that the kernel topology needs (the web endpoint and the clients). */
function topologyFor(lab: Lab): ClusterTopology {
  const nodes = lab.cluster.nodes.map((n) => ({
    name: n.metadata.name,
    ip: NODES[n.metadata.name as NodeName],
    podCIDR: n.spec!.podCIDR!,
  }));
  const pods = lab.cluster.pods
    .filter((p) => p.metadata.namespace === 'default')
    .map((p) => ({
      id: `default/${p.metadata.name}`,
      node: p.spec!.nodeName!,
      ip: p.status!.podIP!,
      ports: p.metadata.labels?.app === 'web' ? [80] : [],
    }));
  return new ClusterTopology(nodes, pods);
}

/** Loads each node's kube-proxy artifact as the lab rendered it. */
async function loadRules(lab: Lab, topo: ClusterTopology, mode: ProxyMode): Promise<void> {
  for (const [name, proxy] of Object.entries(lab.proxies)) {
    if (mode === 'iptables') {
      for (const acct of [NFACCT_LOCALHOST_NODEPORTS, NFACCT_CT_INVALID]) {
        await topo.execOnNode(name, 'nfacct', ['add', acct]);
      }
      const save = proxy.artifacts.find((a) => a.id === `node/${name}/iptables-save`)!;
      const r = await topo.execOnNode(name, `iptables-${await iptablesBackend()}-restore`, [], artifactText(save));
      if (r.code !== 0) throw new Error(`iptables-restore on ${name}: ${r.stderr}`);
    } else {
      const r = await topo.execOnNode(name, 'nft', ['-f', '-'], artifactText(proxy.artifacts[0]!));
      if (r.code !== 0) throw new Error(`nft -f on ${name}: ${r.stderr}`);
    }
  }
}

interface KernelRun {
  outcome: 'response' | 'timeout' | 'refused' | 'error';
  /** The pod whose kernel received the SYN. */
  backendPod: string | null;
  /** The source address of that SYN: what the backend saw. */
  seenSource: string | null;
  /** Where the client's SYN-ACKs came from ("addr:port"). */
  replyFrom: string[];
  clientResets: number;
  /** Packets kube-proxy's iptables rules dropped as conntrack INVALID, per node (iptables mode). */
  invalidDropped: Partial<Record<NodeName, number>>;
}

/** kube-proxy's nfacct counter beside its INVALID drop rule, read and zeroed. */
async function takeInvalidDropped(topo: ClusterTopology, mode: ProxyMode): Promise<Partial<Record<NodeName, number>>> {
  const out: Partial<Record<NodeName, number>> = {};
  if (mode !== 'iptables') return out;
  for (const n of Object.keys(NODES) as NodeName[]) {
    const r = await topo.execOnNode(n, 'nfacct', ['get', NFACCT_CT_INVALID, 'reset']);
    out[n] = Number(/pkts = 0*(\d+)/.exec(r.stdout)?.[1] ?? 0);
  }
  return out;
}

async function kernelRun(lab: Lab, topo: ClusterTopology, c: Case, mode: ProxyMode): Promise<KernelRun> {
  await topo.resetObservations();
  await takeInvalidDropped(topo, mode);
  const got = await topo.connect(c.from, target(lab, c), TIMEOUT_MS);
  const outcome = got.kind === 'served' ? 'response' : got.kind === 'error' ? 'error' : got.kind;
  const observed = new Map<string, PodObservation>();
  for (const p of topo.pods) observed.set(p.id, await topo.observe(p.id));
  const backends = topo.pods.filter((p) => p.ports.length > 0 && observed.get(p.id)!.synFrom.length > 0);
  expect(backends.length).toBeLessThanOrEqual(1);
  const backend = backends[0];
  const client = observed.get(c.from)!;
  if (got.kind === 'served' && backend) expect(got.seenSource).toBe(observed.get(backend.id)!.synFrom[0]);
  return {
    outcome,
    backendPod: backend?.id ?? null,
    seenSource: backend ? observed.get(backend.id)!.synFrom.join(',') : null,
    replyFrom: client.synAckFrom,
    clientResets: client.resetsSent,
    invalidDropped: await takeInvalidDropped(topo, mode),
  };
}

for (const mode of ['iptables', 'nftables'] as const) {
  const skip = mode === 'iptables' ? iptablesSkip : nftSkip;
  describe.skipIf(!!skip)(`asymmetric returns through real ${mode} rules on three routed nodes`, () => {
    const lab = labFor(mode);
    const topo = topologyFor(lab);
    beforeAll(async () => {
      await topo.create();
      await loadRules(lab, topo, mode);
      await topo.startServers();
    });
    afterAll(() => topo.destroy());

    it.for(CASES)('$name', async (c) => {
      const sim = simulate(lab, c);
      const real = await kernelRun(lab, topo, c, mode);
      const called = target(lab, c);
      const webIP = lab.cluster.pods.find((p) => p.metadata.name === 'web-a')!.status!.podIP!;

      // The kernel, as kubernetes/kubernetes#74383 and its fixes describe it.
      const behaviour = c.kernel(mode);
      if (behaviour === 'connected') {
        expect(real.outcome).toBe('response');
        expect(real.replyFrom).toEqual([`${called.host}:${called.port}`]);
      } else if (behaviour === 'client resets a stray SYN-ACK') {
        expect(real.outcome).toBe('timeout');
        expect(real.replyFrom).toEqual([`${webIP}:80`]);
        expect(real.clientResets).toBeGreaterThan(0);
      } else {
        expect(real.outcome).toBe('timeout');
        expect(real.replyFrom).toEqual([]);
        expect(real.invalidDropped['node-3']).toBeGreaterThan(0);
      }
      expect(real.backendPod).toBe('default/web-a');

      // The simulator against the kernel: outcome, serving pod and the source the backend saw.
      expect(sim.outcome).toBe(real.outcome);
      expect(sim.backendPod).toBe(real.backendPod);
      expect(sim.backend?.sourceIP).toBe(real.seenSource);
      // The other end: where the answer the client got came from.
      expect(simReplyFrom(sim)).toEqual(real.replyFrom);
      // Where the reply died: on node-3, by the INVALID rule whose nfacct counter the kernel raised
      // (a connection that opened may still count a late packet of its teardown there: not compared).
      const droppedOn = behaviour === 'SYN-ACK dropped as INVALID on node-3' ? ['node-3'] : [];
      expect(simReplyDroppedOn(sim)).toEqual(droppedOn);
    });
  });
}
