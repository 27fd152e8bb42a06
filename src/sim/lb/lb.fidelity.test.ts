// The nodeport load-balancer model against the real kernel: the node the simulated load balancer
// picks gets kube-proxy's rules for that node in a private network namespace; a process playing
// the load balancer (a tiny TCP proxy, or an iptables DNAT that keeps the client's address) sends
// to that node's NodePort; the connection must end at an endpoint the simulator names, with the
// source address the simulator says the pod sees. A node the load balancer's health check takes
// out must really drop the traffic (externalTrafficPolicy Local, no local endpoint).

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NodeTopology, fidelitySkipReason, iptablesBackend } from '../../../scripts/fidelity/netns';
import type { OtherObject, Pod, Service } from '../api/types';
import { buildLab } from '../assembly/lab';
import { defaultLabSettings } from '../lab';
import { compileIptables, NFACCT_CT_INVALID, NFACCT_LOCALHOST_NODEPORTS } from '../proxy/iptables/compile';
import { nodeRuleset } from '../proxy/iptables/proxy';
import { rulesetText } from '../node/netfilter/render';
import { newTraceSession, parseSource, trace } from '../trace/trace';
import { LB_ANNOTATIONS, compileLoadBalancers } from './index';

const skip = await fidelitySkipReason();
if (skip) console.warn(`[fidelity] load balancer tests skipped: ${skip}`);

const NODES = { 'node-1': '192.168.49.2', 'node-2': '192.168.49.3', 'node-3': '192.168.49.4' } as const;
type NodeName = keyof typeof NODES;
const LB_IP = '192.168.49.240';
const CLIENT = '203.0.113.7';

function node(name: string, ip: string): OtherObject {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name },
    status: { addresses: [{ type: 'InternalIP', address: ip }] },
  } as OtherObject;
}

function pod(name: string, nodeName: string): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', labels: { app: 'web' } },
    spec: { nodeName, containers: [{ name: 'app', image: 'nginx', ports: [{ name: 'http', containerPort: 80 }] }] },
  };
}

/** Three nodes, the only web pod on node-1, one LoadBalancer Service of the nodeport model. */
function labFor(policy: 'Cluster' | 'Local', annotations: Record<string, string> = {}) {
  const svc: Service = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: 'web',
      namespace: 'default',
      annotations: { [LB_ANNOTATIONS.model]: 'nodeport', ...annotations },
    },
    spec: {
      type: 'LoadBalancer',
      externalTrafficPolicy: policy,
      selector: { app: 'web' },
      ports: [{ name: 'http', port: 80, targetPort: 'http', nodePort: 30080 }],
    },
  };
  const lab = buildLab({
    settings: { ...defaultLabSettings(), loadBalancerPool: [LB_IP] },
    objects: [...Object.entries(NODES).map(([n, ip]) => node(n, ip)), pod('web-a', 'node-1'), svc],
    clients: [{ name: 'laptop', address: CLIENT }],
  });
  expect(lab.problems).toEqual([]);
  return lab;
}

type Lab = ReturnType<typeof labFor>;

const webIP = (lab: Lab) => lab.cluster.pods.find((p) => p.metadata.name === 'web-a')!.status!.podIP!;

function simulate(lab: Lab) {
  const from = parseSource('external:laptop');
  if ('error' in from) throw new Error(from.error);
  const r = trace(lab, { from, url: `http://${LB_IP}/` }, newTraceSession('fidelity'));
  const lbHop = r.hops.find((h) => h.place.kind === 'load-balancer' && h.edge?.to.startsWith('node:'))!;
  return { result: r, node: lbHop.edge!.to.slice('node:'.length) as NodeName, sent: lbHop.after };
}

// The load balancer as a process: accept on the LB address, connect to the target from the LB
// address, pipe both ways (what a Classic ELB or an on-prem proxy does).
const LB_PROXY_JS = `
import net from 'node:net';
const c = JSON.parse(process.argv[2]);
const s = net.createServer((front) => {
  const back = net.connect({ host: c.targetHost, port: c.targetPort, localAddress: c.listen });
  front.pipe(back); back.pipe(front);
  const close = () => { front.destroy(); back.destroy(); };
  back.on('error', close); front.on('error', close);
  back.setTimeout(c.timeoutMs, close);
});
s.listen(c.port, c.listen, () => console.log('ready'));
`;

/** One node of the lab in a namespace: its kube-proxy rules, the endpoint server, the LB beside the client. */
class NodeUnderLb {
  readonly topo: NodeTopology;
  private lb: ChildProcess | null = null;
  private readonly dir = mkdtempSync(join(tmpdir(), 'netlab-lb-'));

  constructor(
    readonly lab: Lab,
    readonly nodeName: NodeName,
  ) {
    const endpoints = lab.cluster.pods.map((p) => p.status!.podIP!).filter(Boolean);
    this.topo = new NodeTopology({
      nodeIPs: [NODES[nodeName]],
      endpointIPs: endpoints,
      podClientIPs: [],
      externalClientIPs: [CLIENT, LB_IP],
    });
    writeFileSync(join(this.dir, 'lb.mjs'), LB_PROXY_JS);
  }

  async start(): Promise<void> {
    await this.topo.create();
    await this.topo.addNfacct([NFACCT_LOCALHOST_NODEPORTS, NFACCT_CT_INVALID]);
    const artifact = compileIptables({
      cluster: this.lab.cluster,
      nodeName: this.nodeName,
      settings: this.lab.settings.kubeProxy,
    });
    const r = await this.topo.restore(rulesetText(nodeRuleset(artifact)));
    if (r.code !== 0) throw new Error(`iptables-restore: ${r.stderr}`);
    // A routed CNI's host-side veth has no address of its own, so a masquerade toward a pod takes
    // the node's address, as the simulator's network model says (src/sim/trace/network.ts). The
    // harness's link address moves to lo (it still answers the pods' ARP for their gateway).
    await this.topo.exec('node', 'ip', ['addr', 'del', '169.254.1.1/32', 'dev', 'pod0']);
    await this.topo.exec('node', 'ip', ['addr', 'add', '169.254.1.1/32', 'dev', 'lo']);
    await this.topo.exec('node', 'ip', ['addr', 'add', `${NODES[this.nodeName]}/32`, 'dev', 'pod0']);
    for (const p of this.lab.cluster.pods) {
      await this.topo.exec('node', 'ip', ['route', 'replace', `${p.status!.podIP!}/32`, 'dev', 'pod0']);
    }
    await this.topo.startServers(this.lab.cluster.pods.map((p) => ({ ip: p.status!.podIP!, port: 80 })));
  }

  /** A proxying LB (new connection from the LB address) to this node's NodePort. */
  async startProxy(port: number): Promise<void> {
    const conf = { listen: LB_IP, port: 80, targetHost: NODES[this.nodeName], targetPort: port, timeoutMs: 1500 };
    const child = spawn(
      'ip',
      ['netns', 'exec', this.topo.ns.client, process.execPath, join(this.dir, 'lb.mjs'), JSON.stringify(conf)],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    this.lb = child;
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (d: Buffer) => String(d).includes('ready') && resolve());
      child.on('exit', (code) => reject(new Error(`lb proxy exited (${code})`)));
    });
  }

  /** A forwarding LB that keeps the client's address (NLB instance targets): DNAT beside the client. */
  async startForwarder(port: number): Promise<void> {
    const backend = await iptablesBackend();
    const to = `${NODES[this.nodeName]}:${port}`;
    const dnat = `-A OUTPUT -d ${LB_IP}/32 -p tcp -m tcp --dport 80 -j DNAT --to-destination ${to}`;
    const rules = ['*nat', dnat, 'COMMIT', ''].join('\n');
    const r = await this.topo.exec('client', `iptables-${backend}-restore`, ['--noflush'], rules);
    if (r.code !== 0) throw new Error(`forwarder rules: ${r.stderr}`);
  }

  connect(timeoutMs = 600) {
    return this.topo.connect('client', { host: LB_IP, port: 80 }, { source: CLIENT, count: 3, timeoutMs });
  }

  async stop(): Promise<void> {
    if (this.lb?.pid !== undefined && this.lb.exitCode === null) this.lb.kill();
    await this.topo.destroy();
  }
}

describe.skipIf(!!skip)('nodeport load balancer model against real netfilter', () => {
  describe('proxying LB, externalTrafficPolicy Cluster: the pod sees the node the LB chose', () => {
    const lab = labFor('Cluster');
    const sim = simulate(lab);
    const real = new NodeUnderLb(lab, sim.node);
    beforeAll(async () => {
      await real.start();
      await real.startProxy(sim.sent.dstPort);
    });
    afterAll(() => real.stop());

    it('ends at the simulator\'s endpoint, seen from the simulator\'s source address', async () => {
      expect(sim.sent).toMatchObject({ src: LB_IP, dst: NODES[sim.node], dstPort: 30080 });
      expect(sim.result.backend?.sourceIP).toBe(NODES[sim.node]);
      const got = await real.connect();
      const podIP = webIP(lab);
      expect(got).toEqual(
        Array(3).fill({ kind: 'served', endpoint: `${podIP}:80`, seenSource: sim.result.backend!.sourceIP }),
      );
    });
  });

  describe('proxying LB, externalTrafficPolicy Local: only node-1 is healthy, and the pod sees the LB', () => {
    const lab = labFor('Local');
    const sim = simulate(lab);
    const real = new NodeUnderLb(lab, sim.node);
    beforeAll(async () => {
      await real.start();
      await real.startProxy(sim.sent.dstPort);
    });
    afterAll(() => real.stop());

    it('ends at the local endpoint with the LB address as the source (no SNAT)', async () => {
      expect(sim.node).toBe('node-1');
      expect(sim.result.backend?.sourceIP).toBe(LB_IP);
      const podIP = webIP(lab);
      expect(await real.connect()).toEqual(
        Array(3).fill({ kind: 'served', endpoint: `${podIP}:80`, seenSource: LB_IP }),
      );
    });
  });

  describe('a node the health check takes out really drops the traffic (Local, no local endpoint)', () => {
    const lab = labFor('Local');
    const lb = compileLoadBalancers(lab.cluster)[0]!;
    const real = new NodeUnderLb(lab, 'node-2');
    beforeAll(async () => {
      await real.start();
      await real.startProxy(30080);
    });
    afterAll(() => real.stop());

    it('the LB marks node-2 out of service, and a connection through node-2\'s NodePort times out', async () => {
      expect(lb.nodes.find((n) => n.node === 'node-2')).toMatchObject({
        healthy: false,
        why: { kind: 'no-local-endpoints' },
      });
      const got = await real.connect(400);
      // The proxy accepts the client and then gets nothing from node-2 (DROP): the client sees no answer.
      expect(got.every((o) => o.kind === 'timeout' || (o.kind === 'served' && o.endpoint === undefined))).toBe(true);
      expect(got.some((o) => o.kind === 'served' && o.endpoint !== undefined)).toBe(false);
    });
  });

  describe('forwarding LB keeping the client address (NLB instance targets), Local', () => {
    const lab = labFor('Local', { [LB_ANNOTATIONS.awsType]: 'nlb' });
    const sim = simulate(lab);
    const real = new NodeUnderLb(lab, sim.node);
    beforeAll(async () => {
      await real.start();
      await real.startForwarder(sim.sent.dstPort);
    });
    afterAll(() => real.stop());

    it('ends at the local endpoint and the pod sees the client itself', async () => {
      expect(sim.sent).toMatchObject({ src: CLIENT, dst: NODES['node-1'], dstPort: 30080 });
      expect(sim.result.backend?.sourceIP).toBe(CLIENT);
      const podIP = webIP(lab);
      expect(await real.connect()).toEqual(
        Array(3).fill({ kind: 'served', endpoint: `${podIP}:80`, seenSource: CLIENT }),
      );
    });
  });
});
