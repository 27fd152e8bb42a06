// kube-proxy iptables mode at kube-proxy's own scale: 10,000 Services x 5 endpoints.
//   1. full compile + render of the restore payload vs real iptables-restore loading that text in a
//      private network namespace (goal: simulator at most 0.5x the kernel's load time);
//   2. a partial sync after one endpoint change vs a full compile (goal: at most 1/50);
//   3. the compiled artifact's heap footprint.
// Run: `npx tsx bench/proxy.bench.ts` (add `node --expose-gc --import tsx` for exact heap numbers).

import { execFileSync, spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import type { EndpointSlice, Service } from '../src/sim/api/types';
import { emptyCluster } from '../src/sim/cluster';
import { defaultLabSettings, type KubeProxySettings } from '../src/sim/lab';
import { compileIptables, recompileIptables } from '../src/sim/proxy/iptables/compile';
import { rulesetText } from '../src/sim/proxy/netfilter/render';

export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  note?: string;
}

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

function time<T>(f: () => T): { ms: number; value: T } {
  const t0 = performance.now();
  const value = f();
  return { ms: performance.now() - t0, value };
}

function restoreBackend(): string | null {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return null;
  for (const b of ['iptables-legacy-restore', 'iptables-nft-restore']) {
    const r = spawnSync('unshare', ['-n', b], { input: '*nat\n:X - [0:0]\nCOMMIT\n' });
    if (r.status === 0) return b;
  }
  return null;
}

/** Wall time of `iptables-restore` loading `text` into a fresh namespace, minus an empty restore's time. */
function realRestoreMs(bin: string, text: string): number {
  const once = (input: string) => {
    const t0 = performance.now();
    const r = spawnSync('unshare', ['-n', bin], { input, maxBuffer: 1 << 28 });
    if (r.status !== 0) throw new Error(`${bin} failed: ${String(r.stderr).slice(0, 500)}`);
    return performance.now() - t0;
  };
  const empty = median([once('*nat\nCOMMIT\n'), once('*nat\nCOMMIT\n'), once('*nat\nCOMMIT\n')]);
  return median([once(text), once(text), once(text)]) - empty;
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
  const fulls = [0, 1, 2].map(() => time(() => rulesetText(compileIptables(input).ruleset)));
  const fullMs = median(fulls.map((f) => f.ms));
  const text = fulls[0]!.value;
  const lines = text.split('\n').length - 1;
  out.push({ name: 'iptables: full compile + render (10k Services x 5 endpoints)', value: fullMs, unit: 'ms', note: `${lines} lines, ${(text.length / 1e6).toFixed(1)} MB` });

  const bin = restoreBackend();
  if (bin) {
    const realMs = realRestoreMs(bin, text);
    out.push({ name: `iptables: real ${bin} of the same text (fresh netns)`, value: realMs, unit: 'ms' });
    out.push({ name: 'iptables: simulator / real restore', value: fullMs / realMs, unit: 'ratio', note: 'goal <= 0.5' });
  } else {
    out.push({ name: 'iptables: simulator / real restore', value: NaN, unit: 'ratio', note: 'unavailable: needs root on Linux with unshare and iptables-restore' });
  }

  // Partial sync after one endpoint changes in one Service.
  const compileOnly = median([0, 1, 2].map(() => time(() => compileIptables(input)).ms));
  const prev = compileIptables(input);
  const changed = cluster.endpointSlices.slice();
  const i = 4242;
  const old = changed[i]!;
  changed[i] = { ...old, endpoints: old.endpoints.map((e, k) => (k === 0 ? { ...e, addresses: ['10.250.0.1'] } : e)) };
  const after = { ...cluster, endpointSlices: changed };
  recompileIptables(prev, { cluster: after }); // warm
  const inc = [0, 1, 2, 3, 4].map(() => time(() => recompileIptables(prev, { cluster: after })));
  const incMs = median(inc.map((x) => x.ms));
  const sync = inc[0]!.value.lastSync;
  out.push({ name: 'iptables: full compile (structure only)', value: compileOnly, unit: 'ms' });
  out.push({ name: 'iptables: partial sync after one endpoint change', value: incMs, unit: 'ms', note: `changed: ${sync.changedServices.join(', ')}; deleted chains ${sync.deletedChains.length}` });
  out.push({ name: 'iptables: partial / full compile', value: incMs / compileOnly, unit: 'ratio', note: 'goal <= 0.02 (1/50)' });

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
  for (const r of results) console.log(`${r.name}: ${Number.isNaN(r.value) ? 'n/a' : r.value.toFixed(r.unit === 'ratio' ? 4 : 1)} ${r.unit}${r.note ? `  (${r.note})` : ''}`);
  void execFileSync;
}
