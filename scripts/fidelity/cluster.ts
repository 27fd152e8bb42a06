// Real-kernel fidelity harness for traffic that crosses nodes: several node namespaces on one L2
// segment (a bridge in its own namespace, the "node network"), each node routing the other nodes'
// podCIDRs to them by node IP (a routed CNI: flannel host-gw, Calico without encapsulation,
// kindnet's ptp routes), and one namespace per pod behind a veth to its node. A reply takes
// whatever path the routes give it, so a reply that skips the node that translated the request is
// a real asymmetric return, as on a cluster. Node-only; never imported by src/sim. Traffic stays
// inside the namespaces this harness creates.
//
//   pod ns --veth-- node-1 ns --veth--+
//   pod ns --veth-- node-2 ns --veth--+-- br0 (lan ns)
//   pod ns --veth-- node-3 ns --veth--+
//
// Each pod namespace carries a small nftables table that records, at the pod's own kernel, the
// source of every SYN it receives (what a backend saw), the source of every SYN-ACK (where the
// client's answer came from) and the resets it sends (a client refusing a SYN-ACK it never asked
// for), so both ends are observed even when the connection never opens.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLIENT_JS, SERVER_JS, run, type ConnectOutcome, type RunResult } from './netns';

export interface ClusterNode {
  name: string;
  ip: string;
  podCIDR: string;
}

export interface ClusterPod {
  /** "ns/name", as the simulator names pods. */
  id: string;
  node: string;
  ip: string;
  /** TCP ports a server listens on (none: the pod only acts as a client). */
  ports: number[];
}

/** What one pod's kernel saw since the last reset. */
export interface PodObservation {
  /** Sources of SYNs received (the address a backend saw). */
  synFrom: string[];
  /** "addr:port" sources of SYN-ACKs received (who answered a client). */
  synAckFrom: string[];
  /** TCP resets this pod sent. */
  resetsSent: number;
}

const OBSERVE_NFT = `table inet netlab_obs {
  set syn_from { type ipv4_addr; flags dynamic; }
  set synack_from { type ipv4_addr . inet_service; flags dynamic; }
  counter rst_out { }
  chain in {
    type filter hook input priority -300; policy accept;
    tcp flags & (syn | ack) == syn add @syn_from { ip saddr }
    tcp flags & (syn | ack) == syn | ack add @synack_from { ip saddr . tcp sport }
  }
  chain out {
    type filter hook output priority -300; policy accept;
    tcp flags & rst == rst counter name rst_out
  }
}
`;

async function must(cmd: string, args: string[], input?: string): Promise<string> {
  const r = await run(cmd, args, input);
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.code}): ${r.stderr || r.stdout}`);
  return r.stdout;
}

let seq = 0;

/** Nodes and pods in private namespaces; rules are loaded per node by the test. */
export class ClusterTopology {
  private readonly id = `${process.pid % 100000}-${seq++}`;
  private readonly dir = mkdtempSync(join(tmpdir(), 'netlab-cluster-'));
  private readonly lan = `nl-lan-${this.id}`;
  private readonly nodeNs = new Map<string, string>();
  private readonly podNs = new Map<string, string>();
  private created: string[] = [];
  private servers: ChildProcess[] = [];

  constructor(
    readonly nodes: readonly ClusterNode[],
    readonly pods: readonly ClusterPod[],
  ) {
    nodes.forEach((n, i) => this.nodeNs.set(n.name, `nl-n${i}-${this.id}`));
    pods.forEach((p, i) => this.podNs.set(p.id, `nl-p${i}-${this.id}`));
    writeFileSync(join(this.dir, 'server.mjs'), SERVER_JS);
    writeFileSync(join(this.dir, 'client.mjs'), CLIENT_JS);
  }

  private nsOfNode(name: string): string {
    const ns = this.nodeNs.get(name);
    if (!ns) throw new Error(`no node ${name} in the topology`);
    return ns;
  }

  private nsOfPod(id: string): string {
    const ns = this.podNs.get(id);
    if (!ns) throw new Error(`no pod ${id} in the topology`);
    return ns;
  }

  private async addNs(ns: string): Promise<void> {
    await must('ip', ['netns', 'add', ns]);
    this.created.push(ns);
    await must('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
    // Replies that come back on another interface than the request left are the point here.
    await must('ip', ['netns', 'exec', ns, 'sysctl', '-qw', 'net.ipv4.conf.all.rp_filter=0', 'net.ipv4.conf.default.rp_filter=0']);
  }

  private ip(ns: string, args: string): Promise<string> {
    return must('ip', ['-n', ns, ...args.split(' ')]);
  }

  async create(): Promise<void> {
    await this.addNs(this.lan);
    await this.ip(this.lan, 'link add br0 type bridge');
    await this.ip(this.lan, 'link set br0 up');
    for (const [i, n] of this.nodes.entries()) await this.createNode(n, `n${i}`);
    for (const [i, p] of this.pods.entries()) await this.createPod(p, `v${i}`);
  }

  private async createNode(n: ClusterNode, port: string): Promise<void> {
    const ns = this.nsOfNode(n.name);
    await this.addNs(ns);
    await this.ip(ns, `link add eth0 type veth peer name ${port} netns ${this.lan}`);
    await this.ip(this.lan, `link set ${port} master br0`);
    await this.ip(this.lan, `link set ${port} up`);
    await this.ip(ns, 'link set eth0 up');
    await this.ip(ns, `addr add ${n.ip}/24 dev eth0`);
    // The pods' gateway, as Calico gives it: an address the node answers ARP for on every veth.
    await this.ip(ns, 'addr add 169.254.1.1/32 dev lo');
    for (const other of this.nodes) {
      if (other.name !== n.name) await this.ip(ns, `route add ${other.podCIDR} via ${other.ip} dev eth0`);
    }
    // A node forwards pod traffic; localhost NodePorts need route_localnet (kube-proxy sets it).
    await must('ip', ['netns', 'exec', ns, 'sysctl', '-qw', 'net.ipv4.ip_forward=1', 'net.ipv4.conf.all.route_localnet=1']);
  }

  private async createPod(p: ClusterPod, hostDev: string): Promise<void> {
    const ns = this.nsOfPod(p.id);
    const node = this.nsOfNode(p.node);
    const nodeIP = this.nodes.find((n) => n.name === p.node)!.ip;
    await this.addNs(ns);
    await this.ip(node, `link add ${hostDev} type veth peer name eth0 netns ${ns}`);
    await this.ip(node, `link set ${hostDev} up`);
    // A routed CNI's host-side veth has no address of its own, so a masquerade toward a pod takes
    // the node's address (src/sim/trace/network.ts); the /32 here makes the kernel pick the same.
    await this.ip(node, `addr add ${nodeIP}/32 dev ${hostDev}`);
    await this.ip(node, `route add ${p.ip}/32 dev ${hostDev}`);
    await this.ip(ns, 'link set eth0 up');
    await this.ip(ns, `addr add ${p.ip}/32 dev eth0`);
    await this.ip(ns, 'route add 169.254.1.1/32 dev eth0');
    await this.ip(ns, 'route add default via 169.254.1.1 dev eth0');
    const r = await run('ip', ['netns', 'exec', ns, 'nft', '-f', '-'], OBSERVE_NFT);
    if (r.code !== 0) throw new Error(`observer table in ${p.id}: ${r.stderr}`);
  }

  /** A command in a node's namespace (iptables-restore, nft -f, nfacct). */
  execOnNode(node: string, cmd: string, args: string[], input?: string): Promise<RunResult> {
    return run('ip', ['netns', 'exec', this.nsOfNode(node), cmd, ...args], input);
  }

  /** Starts one server process per pod that has ports; each answers "ip:port remoteAddress". */
  async startServers(): Promise<void> {
    for (const p of this.pods) {
      if (p.ports.length === 0) continue;
      const targets = JSON.stringify(p.ports.map((port) => ({ ip: p.ip, port })));
      const args = ['netns', 'exec', this.nsOfPod(p.id), process.execPath, join(this.dir, 'server.mjs'), targets];
      const child = spawn('ip', args, { stdio: ['ignore', 'pipe', 'pipe'] });
      this.servers.push(child);
      await new Promise<void>((resolve, reject) => {
        let err = '';
        child.stdout!.on('data', (d: Buffer) => String(d).includes('ready') && resolve());
        child.stderr!.on('data', (d: Buffer) => (err += String(d)));
        child.on('exit', (code) => reject(new Error(`server in ${p.id} exited (${code}): ${err}`)));
      });
    }
  }

  /** Forgets what every pod's observer table recorded. */
  async resetObservations(): Promise<void> {
    for (const ns of this.podNs.values()) {
      const r = await run('ip', ['netns', 'exec', ns, 'nft', '-f', '-'],
        'flush set inet netlab_obs syn_from\nflush set inet netlab_obs synack_from\nreset counter inet netlab_obs rst_out\n');
      if (r.code !== 0) throw new Error(`resetting observations: ${r.stderr}`);
    }
  }

  /** What a pod's kernel recorded since the last reset. */
  async observe(pod: string): Promise<PodObservation> {
    const ns = this.nsOfPod(pod);
    const list = async (what: string) => JSON.parse(await must('ip', ['netns', 'exec', ns, 'nft', '-j', 'list', ...what.split(' ')])) as NftJson;
    const elems = (j: NftJson) => j.nftables.flatMap((o) => o.set?.elem ?? []);
    const synFrom = elems(await list('set inet netlab_obs syn_from')).map((e) => String(e));
    const synAckFrom = elems(await list('set inet netlab_obs synack_from')).map((e) => {
      const [addr, port] = (e as { concat: [string, number] }).concat;
      return `${addr}:${port}`;
    });
    const counter = (await list('counter inet netlab_obs rst_out')).nftables.find((o) => o.counter)?.counter;
    return { synFrom: synFrom.sort(), synAckFrom: synAckFrom.sort(), resetsSent: counter?.packets ?? 0 };
  }

  /** One TCP connection from a pod's namespace, from its pod address. */
  async connect(from: string, to: { host: string; port: number }, timeoutMs: number): Promise<ConnectOutcome> {
    const pod = this.pods.find((p) => p.id === from);
    if (!pod) throw new Error(`no pod ${from} in the topology`);
    const req = { host: to.host, port: to.port, source: pod.ip, count: 1, timeoutMs };
    const r = await run('ip', ['netns', 'exec', this.nsOfPod(from), process.execPath, join(this.dir, 'client.mjs'), JSON.stringify(req)]);
    if (r.code !== 0) throw new Error(`client in ${from} failed: ${r.stderr}`);
    return (JSON.parse(r.stdout) as ConnectOutcome[])[0]!;
  }

  async destroy(): Promise<void> {
    for (const s of this.servers) if (s.pid !== undefined && s.exitCode === null) s.kill();
    this.servers = [];
    for (const ns of this.created.reverse()) await run('ip', ['netns', 'del', ns]);
    this.created = [];
  }
}

interface NftJson {
  nftables: { set?: { elem?: unknown[] }; counter?: { packets: number } }[];
}
