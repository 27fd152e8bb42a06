// Real-kernel fidelity harness: private network namespaces wired like one Kubernetes node, tiny
// TCP servers on pod addresses, and real connections driven at service addresses. Node-only (uses
// child_process, ip, iptables); never imported by src/sim. Traffic stays inside the namespaces the
// harness creates: every address lives on their own veth pairs and loopbacks.
//
//   client ns (external clients, on lo)  --veth--  node ns (node IPs, kube-proxy's rules)  --veth--  pods ns (endpoints, servers)
//                                                                                          --veth--  podclient ns (a pod that calls services)

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import type { PacketOrigin } from '../../src/sim/proxy/types';
import { ensureDebianPackage, run, which, type RunResult } from './host';

export { ensureDebianPackage, run, type RunResult };

async function must(cmd: string, args: string[], input?: string): Promise<string> {
  const r = await run(cmd, args, input);
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.code}): ${r.stderr || r.stdout}`);
  return r.stdout;
}

/** Why real-kernel tests cannot run here, or null when they can (root on Linux with ip, unshare and iptables). */
export async function fidelitySkipReason(): Promise<string | null> {
  if (process.platform !== 'linux') return `needs Linux (this is ${process.platform})`;
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return 'needs root to create network namespaces and load iptables rules';
  for (const bin of ['ip', 'unshare']) if (!(await which(bin))) return `needs ${bin} (iproute2 / util-linux)`;
  const missing = (await ensureDebianPackage('iptables-restore', 'iptables')) ?? (await ensureDebianPackage('nfacct', 'nfacct'));
  if (missing) return missing;
  if (!(await iptablesBackend())) return 'neither iptables-legacy nor iptables-nft can create rules in a fresh network namespace here';
  return null;
}

/** For nftables-mode fidelity tests: why they cannot run, or null after making sure `nft` is installed. */
export async function nftablesSkipReason(): Promise<string | null> {
  if (process.platform !== 'linux') return `needs Linux (this is ${process.platform})`;
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return 'needs root to create network namespaces and load nftables rules';
  for (const bin of ['ip', 'unshare']) if (!(await which(bin))) return `needs ${bin} (iproute2 / util-linux)`;
  const missing = await ensureDebianPackage('nft', 'nftables');
  if (missing) return missing;
  const r = await run('unshare', ['-n', 'nft', '-f', '-'], 'table ip t {\n  chain c {\n    type nat hook prerouting priority -100; policy accept;\n  }\n}\n');
  return r.code === 0 ? null : `nft cannot load a table in a fresh network namespace: ${r.stderr.trim()}`;
}

let backendProbe: Promise<'legacy' | 'nft' | null> | undefined;
/** The iptables backend that works in a fresh namespace on this kernel (legacy preferred: kube-proxy's classic target). */
export function iptablesBackend(): Promise<'legacy' | 'nft' | null> {
  backendProbe ??= (async () => {
    for (const b of ['legacy', 'nft'] as const) {
      if (!(await which(`iptables-${b}-restore`))) continue;
      const r = await run('unshare', ['-n', `iptables-${b}-restore`], '*nat\n:X - [0:0]\n-A X -m statistic --mode random --probability 0.5 -j RETURN\nCOMMIT\n');
      if (r.code === 0) return b;
    }
    return null;
  })();
  return backendProbe;
}

export type NsRole = 'node' | 'pods' | 'podclient' | 'client';

/** One connection a fidelity test makes: where it starts (the simulator's origin and the namespace), from which address, to where. */
export interface ConnectScenario {
  name: string;
  origin: PacketOrigin;
  role: NsRole;
  src: string;
  dst: string;
  port: number;
}

/**
 * A topology for one describe block: created with servers and rules loaded before its tests,
 * destroyed after them.
 */
export function useTopology(topo: NodeTopology, setup: (topo: NodeTopology) => Promise<void>): void {
  beforeAll(async () => {
    await topo.create();
    await setup(topo);
  });
  afterAll(async () => {
    await topo.destroy();
  });
}

export type ConnectOutcome =
  | { kind: 'served'; endpoint: string; seenSource: string }
  | { kind: 'refused' }
  | { kind: 'timeout' }
  | { kind: 'error'; code: string };

export interface NodeTopologyOptions {
  /** The node's addresses; the first is on the client-facing veth with a /24, the rest are /32s beside it. */
  nodeIPs: string[];
  /** Endpoint (server) addresses, in the pods namespace. */
  endpointIPs: string[];
  /** Addresses of pods that act as clients, in their own namespace (so replies go back through the node). */
  podClientIPs: string[];
  /** Addresses of clients outside the cluster, in the client namespace. */
  externalClientIPs: string[];
}

export const SERVER_JS = `
import net from 'node:net';
const targets = JSON.parse(process.argv[2]);
let pending = targets.length;
for (const t of targets) {
  const s = net.createServer((sock) => { sock.end(t.ip + ':' + t.port + ' ' + sock.remoteAddress + '\\n'); });
  s.on('error', (e) => { console.error('listen ' + t.ip + ':' + t.port + ' ' + e.message); process.exit(2); });
  s.listen(t.port, t.ip, () => { if (--pending === 0) console.log('ready'); });
}
`;

export const CLIENT_JS = `
import net from 'node:net';
const req = JSON.parse(process.argv[2]);
function once() {
  return new Promise((resolve) => {
    let data = '';
    let done = false;
    const finish = (r) => { if (!done) { done = true; sock.destroy(); resolve(r); } };
    const sock = net.connect({ host: req.host, port: req.port, ...(req.source ? { localAddress: req.source } : {}) });
    const timer = setTimeout(() => finish({ kind: 'timeout' }), req.timeoutMs);
    sock.on('data', (d) => { data += d; });
    sock.on('end', () => { clearTimeout(timer); const [endpoint, seenSource] = data.trim().split(' '); finish({ kind: 'served', endpoint, seenSource }); });
    sock.on('error', (e) => { clearTimeout(timer); finish(e.code === 'ECONNREFUSED' ? { kind: 'refused' } : { kind: 'error', code: e.code }); });
  });
}
const out = [];
for (let i = 0; i < req.count; i++) out.push(await once());
console.log(JSON.stringify(out));
`;

let seq = 0;

/** One node's network: four namespaces, veth pairs, routes, and servers on the endpoint addresses. */
export class NodeTopology {
  readonly ns: Record<NsRole, string>;
  private servers: ChildProcess[] = [];
  private readonly dir = mkdtempSync(join(tmpdir(), 'netlab-fidelity-'));
  private created: string[] = [];

  constructor(private readonly opts: NodeTopologyOptions) {
    const id = `${process.pid}-${seq++}`;
    this.ns = { node: `nl-node-${id}`, pods: `nl-pods-${id}`, podclient: `nl-pc-${id}`, client: `nl-cl-${id}` };
    writeFileSync(join(this.dir, 'server.mjs'), SERVER_JS);
    writeFileSync(join(this.dir, 'client.mjs'), CLIENT_JS);
  }

  exec(role: NsRole, cmd: string, args: string[], input?: string): Promise<RunResult> {
    return run('ip', ['netns', 'exec', this.ns[role], cmd, ...args], input);
  }

  private async ip(role: NsRole, args: string): Promise<void> {
    await must('ip', ['-n', this.ns[role], ...args.split(' ')]);
  }

  async create(): Promise<void> {
    const { node, pods, podclient, client } = this.ns;
    for (const n of [node, pods, podclient, client]) {
      await must('ip', ['netns', 'add', n]);
      this.created.push(n);
      await must('ip', ['-n', n, 'link', 'set', 'lo', 'up']);
      await must('ip', ['netns', 'exec', n, 'sysctl', '-qw', 'net.ipv4.conf.all.rp_filter=0', 'net.ipv4.conf.default.rp_filter=0']);
    }
    // veth pairs (created in the node namespace, one end moved out).
    await must('ip', ['-n', node, 'link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', 'ceth', 'netns', client]);
    await must('ip', ['-n', node, 'link', 'add', 'pod0', 'type', 'veth', 'peer', 'name', 'peth', 'netns', pods]);
    await must('ip', ['-n', node, 'link', 'add', 'pod1', 'type', 'veth', 'peer', 'name', 'qeth', 'netns', podclient]);
    for (const [role, dev] of [['node', 'eth0'], ['node', 'pod0'], ['node', 'pod1'], ['client', 'ceth'], ['pods', 'peth'], ['podclient', 'qeth']] as const) {
      await this.ip(role, `link set ${dev} up`);
    }
    const [primary, ...moreNodeIPs] = this.opts.nodeIPs;
    const gw = primary!.replace(/\.\d+$/, '.1');
    await this.ip('node', `addr add ${primary}/24 dev eth0`);
    for (const a of moreNodeIPs) await this.ip('node', `addr add ${a}/32 dev eth0`);
    await this.ip('client', `addr add ${gw}/24 dev ceth`);
    for (const a of this.opts.externalClientIPs) await this.ip('client', `addr add ${a}/32 dev lo`);
    await this.ip('client', `route add default via ${primary} dev ceth`);

    await this.ip('node', 'addr add 169.254.1.1/32 dev pod0');
    await this.ip('node', 'addr add 169.254.2.1/32 dev pod1');
    await this.ip('pods', 'addr add 169.254.1.2/32 dev peth');
    await this.ip('podclient', 'addr add 169.254.2.2/32 dev qeth');
    for (const a of this.opts.endpointIPs) {
      await this.ip('pods', `addr add ${a}/32 dev lo`);
      await this.ip('node', `route add ${a}/32 dev pod0`);
    }
    for (const a of this.opts.podClientIPs) {
      await this.ip('podclient', `addr add ${a}/32 dev lo`);
      await this.ip('node', `route add ${a}/32 dev pod1`);
    }
    await this.ip('pods', 'route add 169.254.1.1/32 dev peth');
    await this.ip('pods', 'route add default via 169.254.1.1 dev peth');
    await this.ip('podclient', 'route add 169.254.2.1/32 dev qeth');
    await this.ip('podclient', 'route add default via 169.254.2.1 dev qeth');
    await this.ip('node', `route add default via ${gw} dev eth0`);
    // A node forwards pod traffic; localhost NodePorts need route_localnet (kube-proxy sets it).
    await must('ip', ['netns', 'exec', node, 'sysctl', '-qw', 'net.ipv4.ip_forward=1', 'net.ipv4.conf.all.route_localnet=1']);
  }

  /** iptables-restore in the node namespace; `test` only parses and checks (--test). */
  async restore(text: string, opts: { test?: boolean; noflush?: boolean } = {}): Promise<RunResult> {
    const backend = await iptablesBackend();
    const args = [...(opts.test ? ['--test'] : []), ...(opts.noflush ? ['--noflush'] : [])];
    return this.exec('node', `iptables-${backend}-restore`, args, text);
  }

  async save(): Promise<string> {
    const backend = await iptablesBackend();
    return (await this.exec('node', `iptables-${backend}-save`, [])).stdout;
  }

  /** nfacct objects the rules reference must exist before the rules load (kube-proxy creates them). */
  async addNfacct(names: string[]): Promise<void> {
    for (const n of names) await this.exec('node', 'nfacct', ['add', n]);
  }

  async startServers(targets: { ip: string; port: number }[]): Promise<void> {
    const child = spawn('ip', ['netns', 'exec', this.ns.pods, process.execPath, join(this.dir, 'server.mjs'), JSON.stringify(targets)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.servers.push(child);
    await new Promise<void>((resolve, reject) => {
      let err = '';
      child.stdout!.on('data', (d: Buffer) => {
        if (String(d).includes('ready')) resolve();
      });
      child.stderr!.on('data', (d: Buffer) => (err += String(d)));
      child.on('exit', (code) => reject(new Error(`server exited (${code}): ${err}`)));
    });
  }

  /** `count` sequential connections from a namespace (optionally from a given source address). */
  async connect(from: NsRole, to: { host: string; port: number }, opts: { source?: string; count?: number; timeoutMs?: number } = {}): Promise<ConnectOutcome[]> {
    const req = { host: to.host, port: to.port, source: opts.source, count: opts.count ?? 1, timeoutMs: opts.timeoutMs ?? 300 };
    const r = await this.exec(from, process.execPath, [join(this.dir, 'client.mjs'), JSON.stringify(req)]);
    if (r.code !== 0) throw new Error(`client failed: ${r.stderr}`);
    return JSON.parse(r.stdout) as ConnectOutcome[];
  }

  async destroy(): Promise<void> {
    for (const s of this.servers) if (s.pid !== undefined && s.exitCode === null) s.kill();
    this.servers = [];
    for (const n of this.created.reverse()) await run('ip', ['netns', 'del', n]);
    this.created = [];
  }
}

/** Upper critical values of the chi-square distribution at p = 0.001, by degrees of freedom. */
const CHI2_P001 = [NaN, 10.828, 13.816, 16.266, 18.467, 20.515, 22.458, 24.322, 26.124, 27.877, 29.588];

/** Pearson's chi-square test of observed counts against expected probabilities; true when consistent (p > 0.001). */
export function chiSquareConsistent(observed: number[], probabilities: number[]): { chi2: number; critical: number; ok: boolean } {
  const n = observed.reduce((a, b) => a + b, 0);
  const chi2 = observed.reduce((s, o, i) => s + (o - n * probabilities[i]!) ** 2 / (n * probabilities[i]!), 0);
  const critical = CHI2_P001[observed.length - 1] ?? NaN;
  return { chi2, critical, ok: chi2 < critical };
}
