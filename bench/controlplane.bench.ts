// Control-plane scale: 10,000 Services with 5 endpoints each (10,000 Deployments of 5 replicas on
// 500 nodes: 100 pods each, within the kubelet's default of 110) reconciled from scratch, against
// one pod deletion at that scale applied incrementally (one endpoint of one Service changes). Goals,
// in CPU time (the machine is shared): the full reconcile <= 1 s, the incremental path at most 1/200
// of it. Run: npx tsx bench/controlplane.bench.ts

import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { applyChange, reconcile } from '../src/sim/controllers/reconcile';
import { defaultLabSettings } from '../src/sim/lab';
import type { Deployment, Node, Service } from '../src/sim/api/types';
import type { BenchResult } from './types';
export type { BenchResult } from './types';


function scenario(services: number, replicas: number, nodes: number) {
  const settings = { ...defaultLabSettings(), podCIDR: '10.0.0.0/8', nodeCIDR: '172.16.0.0/16' };
  const objects: (Node | Deployment | Service)[] = [];
  for (let i = 0; i < nodes; i++) objects.push({ apiVersion: 'v1', kind: 'Node', metadata: { name: `node-${String(i + 1).padStart(3, '0')}` } });
  for (let i = 0; i < services; i++) {
    const app = `app-${i}`;
    objects.push({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: app },
      spec: { replicas, selector: { matchLabels: { app } }, template: { metadata: { labels: { app } }, spec: { containers: [{ name: 'c', ports: [{ containerPort: 8080 }] }] } } },
    });
    objects.push({ apiVersion: 'v1', kind: 'Service', metadata: { name: app }, spec: { selector: { app }, ports: [{ port: 80, targetPort: 8080 }] } });
  }
  return { settings, objects };
}

const INC_REPEAT = 5;

/** Wall and CPU time (user + system of this process, GC threads included) of `f`. */
function timed(f: () => void): { wall: number; cpu: number } {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  f();
  const wall = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { wall, cpu: (c.user + c.system) / 1000 };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

export async function run(opts: { services?: number; reps?: number } = {}): Promise<BenchResult[]> {
  const services = opts.services ?? 10_000;
  const reps = opts.reps ?? 3;
  const input = scenario(services, 5, 500);
  const full: { wall: number; cpu: number }[] = [];
  const inc: { wall: number; cpu: number }[] = [];
  let state = reconcile(input).state;
  for (let r = 0; r < reps; r++) {
    full.push(timed(() => (state = reconcile(input).state)));
    // Delete one pod of a middle Deployment: its ReplicaSet replaces it, one Service's slice changes.
    const victim = state.cluster.pods.find((p) => p.metadata.labels?.['app'] === `app-${Math.floor(services / 2)}`)!;
    let next = state;
    // Several deletions per round (each from the same state): one takes well under a millisecond.
    const ref = { kind: 'Pod', namespace: 'default', name: victim.metadata.name };
    const t = timed(() => {
      for (let k = 0; k < INC_REPEAT; k++) next = applyChange(state, { kind: 'delete', ref });
    });
    inc.push({ wall: t.wall / INC_REPEAT, cpu: t.cpu / INC_REPEAT });
    if (next.cluster.pods.length !== state.cluster.pods.length) throw new Error('replacement pod missing');
  }
  const f = median(full.map((x) => x.cpu));
  const i = median(inc.map((x) => x.cpu));
  const fw = median(full.map((x) => x.wall));
  const iw = median(inc.map((x) => x.wall));
  const ratio = i / f;
  return [
    { name: `controlplane: full reconcile, ${services} services x 5 endpoints (CPU)`, value: Math.round(f), unit: 'ms', goal: '<= 1000', met: f <= 1000, note: `median of ${reps}; wall ${Math.round(fw)} ms` },
    { name: 'controlplane: one pod deletion, incremental (CPU)', value: Math.round(i * 100) / 100, unit: 'ms', note: `median of ${reps}; wall ${iw.toFixed(2)} ms` },
    { name: 'controlplane: incremental / full (CPU)', value: Math.round(ratio * 100000) / 100000, unit: 'ratio', goal: '<= 0.005', met: ratio <= 0.005, note: '1/200' },
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const results = await run();
  for (const r of results) console.log(`${r.name}: ${r.value} ${r.unit}${r.note ? ` (${r.note})` : ''}`);
}
