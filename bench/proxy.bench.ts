// kube-proxy iptables mode at kube-proxy's own scale: 10,000 Services x 5 endpoints.
//   1. full compile + render of the restore payload vs real iptables-restore loading that text in a
//      private network namespace (goal: simulator at most 0.5x the kernel's load time);
//   2. a partial sync after one endpoint change vs a full compile (goal: at most 1/50);
//   3. the compiled artifact's heap footprint.
// Run: `npx tsx bench/proxy.bench.ts` (add `node --expose-gc --import tsx` for exact heap numbers).

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { EndpointSlice, Service } from '../src/sim/api/types';
import { emptyCluster } from '../src/sim/cluster';
import { defaultLabSettings, type KubeProxySettings } from '../src/sim/lab';
import { compileIptables, recompileIptables } from '../src/sim/proxy/iptables/compile';
import { proxyChangesOf } from '../src/sim/proxy/changes';
import { rulesetText } from '../src/sim/node/netfilter/render';
import { ensureDebianPackage } from '../scripts/fidelity/host';
import type { BenchResult } from './types';
export type { BenchResult } from './types';


const atMost = (value: number, limit: number) => ({ goal: `<= ${limit}`, met: value <= limit });

const SERVICES = 10_000;
const ENDPOINTS = 5;
const NODE = { name: 'node-1', ips: ['192.168.49.2'] };

function ip(base: number, i: number): string {
  const n = base + i;
  return `${(n >>> 24) & 255}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

function makeCluster() {
  const settings = defaultLabSettings();
  const cluster = emptyCluster(settings);
  const services: Service[] = [];
  const slices: EndpointSlice[] = [];
  const svcBase = (10 << 24) | (96 << 16);
  const podBase = (10 << 24) | (244 << 16);
  for (let s = 0; s < SERVICES; s++) {
    const name = `svc-${s}`;
    services.push({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, namespace: `ns-${s % 50}` },
      spec: { type: 'ClusterIP', clusterIP: ip(svcBase, s + 10), ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 8080 }] },
    });
    slices.push({
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { name: `${name}-abcde`, namespace: `ns-${s % 50}`, labels: { 'kubernetes.io/service-name': name } },
      addressType: 'IPv4',
      endpoints: Array.from({ length: ENDPOINTS }, (_, e) => ({
        addresses: [ip(podBase, s * ENDPOINTS + e + 2)],
        nodeName: `node-${(s + e) % 20}`,
        conditions: { ready: true },
      })),
      ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
    });
  }
  cluster.services = services;
  cluster.endpointSlices = slices;
  return cluster;
}

function settings(): KubeProxySettings {
  // nfacct off: a fresh namespace has no nfacct objects for the rules to name.
  return { ...defaultLabSettings().kubeProxy, nfacct: false };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Wall time and CPU time (user + system, this process incl. GC threads) of `f`. */
function time<T>(f: () => T): { ms: number; cpuMs: number; value: T } {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const value = f();
  const ms = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { ms, cpuMs: (c.user + c.system) / 1000, value };
}

/** The restore binaries to compare against: the system's `iptables-restore` (what kube-proxy runs; on
 *  Debian 12 the nf_tables backend) and, when it is a different program, `iptables-legacy-restore`. */
async function restoreBackends(): Promise<string[]> {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return [];
  // A fresh machine has no iptables: installed as the fidelity suite installs it (root, Debian).
  const missing = await ensureDebianPackage('iptables-restore', 'iptables');
  if (missing) console.log(`  (${missing})`);
  const works = (b: string) => spawnSync('unshare', ['-n', b], { input: '*nat\n:X - [0:0]\nCOMMIT\n' }).status === 0;
  const out: string[] = [];
  if (works('iptables-restore')) out.push('iptables-restore');
  const v = spawnSync('iptables-restore', ['--version'], { encoding: 'utf8' }).stdout ?? '';
  if (!v.includes('legacy') && works('iptables-legacy-restore')) out.push('iptables-legacy-restore');
  return out;
}

/** One timed `iptables-restore` of `file` into a fresh namespace: wall and CPU (user + system of the
 *  restore process, as bash's `time` reports for children). */
function restoreOnce(bin: string, file: string): { ms: number; cpuMs: number } {
  const t0 = performance.now();
  const r = spawnSync('bash', ['-c', `TIMEFORMAT='%U %S'; time (unshare -n ${bin} < ${file})`], { encoding: 'utf8' });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${bin} failed: ${String(r.stderr).slice(0, 500)}`);
  const [u, sys] = r.stderr.trim().split('\n').pop()!.split(' ').map(Number);
  return { ms, cpuMs: (u! + sys!) * 1000 };
}

function heapUsed(): number {
  const g = (globalThis as { gc?: () => void }).gc;
  g?.();
  g?.();
  return process.memoryUsage().heapUsed;
}

export async function run(): Promise<BenchResult[]> {
  const cluster = makeCluster();
  const input = { cluster, nodeName: NODE.name, node: NODE, settings: settings() };
  const out: BenchResult[] = [];

  compileIptables(input); // warm the JIT
  const text = rulesetText(compileIptables(input).ruleset);
  const lines = text.split('\n').length - 1;
  const bins = await restoreBackends();
  const dir = mkdtempSync(join(tmpdir(), 'netlab-bench-'));
  const file = join(dir, 'rules.txt');
  const emptyFile = join(dir, 'empty.txt');
  writeFileSync(file, text);
  writeFileSync(emptyFile, '*nat\nCOMMIT\n');

  // Side by side: each round runs the simulator and then each real restore, so load on the machine
  // hits both alike; medians over the rounds, the real side minus an empty restore's overhead.
  const sim: { ms: number; cpuMs: number }[] = [];
  const real = new Map<string, { ms: number; cpuMs: number }[]>(bins.map((b) => [b, []]));
  const empty = new Map<string, { ms: number; cpuMs: number }[]>(bins.map((b) => [b, []]));
  for (let round = 0; round < 3; round++) {
    sim.push(time(() => rulesetText(compileIptables(input).ruleset)));
    for (const b of bins) {
      real.get(b)!.push(restoreOnce(b, file));
      empty.get(b)!.push(restoreOnce(b, emptyFile));
    }
  }
  rmSync(dir, { recursive: true, force: true });
  const fullMs = median(sim.map((x) => x.ms));
  const fullCpu = median(sim.map((x) => x.cpuMs));
  out.push({ name: 'iptables: full compile + render (10k Services x 5 endpoints)', value: fullMs, unit: 'ms', note: `wall; ${fullCpu.toFixed(0)} ms CPU; ${lines} lines, ${(text.length / 1e6).toFixed(1)} MB` });
  for (const bin of bins) {
    const version = (spawnSync(bin, ['--version'], { encoding: 'utf8' }).stdout ?? '').trim();
    const ms = median(real.get(bin)!.map((x) => x.ms)) - median(empty.get(bin)!.map((x) => x.ms));
    const cpuMs = median(real.get(bin)!.map((x) => x.cpuMs)) - median(empty.get(bin)!.map((x) => x.cpuMs));
    const tag = bin === 'iptables-restore' ? `${bin} (${version.replace(/^.*?v/, 'v')}, the system default)` : bin;
    out.push({ name: `iptables: real ${tag} of the same text (fresh netns)`, value: ms, unit: 'ms', note: `wall; ${cpuMs.toFixed(0)} ms CPU` });
    out.push({ name: `iptables: simulator / ${bin} (wall)`, value: fullMs / ms, unit: 'ratio', ...atMost(fullMs / ms, 0.5) });
    out.push({ name: `iptables: simulator / ${bin} (CPU)`, value: fullCpu / cpuMs, unit: 'ratio', ...atMost(fullCpu / cpuMs, 0.5), note: 'less sensitive to other load on the machine' });
  }
  if (bins.length === 0) {
    out.push({ name: 'iptables: simulator / real restore', value: NaN, unit: 'ratio', note: 'unavailable: needs root on Linux with unshare and iptables-restore' });
  }

  // Partial sync after one endpoint changes in one Service.
  const compileRuns = [0, 1, 2].map(() => time(() => compileIptables(input)));
  const compileOnly = median(compileRuns.map((x) => x.ms));
  const prev = compileIptables(input);
  const changed = cluster.endpointSlices.slice();
  const i = 4242;
  const old = changed[i]!;
  changed[i] = { ...old, endpoints: old.endpoints.map((e, k) => (k === 0 ? { ...e, addresses: ['10.250.0.1'] } : e)) };
  const after = { ...cluster, endpointSlices: changed };
  // The informer's event, as kube-proxy's EndpointsChangeTracker receives it.
  const event = { type: 'MODIFIED' as const, object: changed[i]!, old };
  recompileIptables(prev, { cluster: after, changes: proxyChangesOf([event]) }); // warm
  const inc = [0, 1, 2, 3, 4].map(() => time(() => recompileIptables(prev, { cluster: after, changes: proxyChangesOf([event]) })));
  const incMs = median(inc.map((x) => x.ms));
  const incCpu = median(inc.map((x) => x.cpuMs));
  const compileCpu = median(compileRuns.map((x) => x.cpuMs));
  const sync = inc[0]!.value.lastSync;
  out.push({ name: 'iptables: full compile (structure only)', value: compileOnly, unit: 'ms' });
  out.push({ name: 'iptables: partial sync after one endpoint change', value: incMs, unit: 'ms', note: `changed: ${sync.changedServices.join(', ')}; deleted chains ${sync.deletedChains.length}` });
  out.push({ name: 'iptables: partial / full compile (wall)', value: incMs / compileOnly, unit: 'ratio', ...atMost(incMs / compileOnly, 0.02) });
  out.push({ name: 'iptables: partial / full compile (CPU)', value: incCpu / compileCpu, unit: 'ratio', ...atMost(incCpu / compileCpu, 0.02) });

  // Heap held by one compiled artifact.
  const gcNote = (globalThis as { gc?: unknown }).gc ? 'with global.gc' : 'approximate: run with node --expose-gc --import tsx for exact numbers';
  const before = heapUsed();
  const kept = compileIptables(input);
  const afterHeap = heapUsed();
  out.push({ name: 'iptables: compiled artifact heap (10k x 5)', value: (afterHeap - before) / 1e6, unit: 'MB', note: `${gcNote}; ${kept.perService.size} services` });
  return out;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const results = await run();
  for (const r of results) {
    const goal = r.goal ? `  goal ${r.goal}: ${r.met ? 'met' : 'NOT met'}` : '';
    console.log(`${r.name}: ${Number.isNaN(r.value) ? 'n/a' : r.value.toFixed(r.unit === 'ratio' ? 4 : 1)} ${r.unit}${goal}${r.note ? `  (${r.note})` : ''}`);
  }
}
