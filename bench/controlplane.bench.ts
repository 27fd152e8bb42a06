// Control-plane scale: 10,000 Services with 5 endpoints each (10,000 Deployments of 5 replicas on
// 250 nodes) reconciled from scratch, against one pod deletion at that scale applied incrementally.
// Goal: the incremental path costs at most 1/50 of the full one. Run: npx tsx bench/controlplane.bench.ts

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

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

export async function run(opts: { services?: number; reps?: number } = {}): Promise<BenchResult[]> {
  const services = opts.services ?? 10_000;
  const reps = opts.reps ?? 3;
  const input = scenario(services, 5, 250);
  const full: number[] = [];
  const inc: number[] = [];
  let state = reconcile(input).state;
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    state = reconcile(input).state;
    full.push(performance.now() - t0);
    // Delete one pod of a middle Deployment: its ReplicaSet replaces it, one Service's slice changes.
    const victim = state.cluster.pods.find((p) => p.metadata.labels?.['app'] === `app-${Math.floor(services / 2)}`)!;
    const t1 = performance.now();
    const next = applyChange(state, { kind: 'delete', ref: { kind: 'Pod', namespace: 'default', name: victim.metadata.name } });
    inc.push(performance.now() - t1);
    if (next.cluster.pods.length !== state.cluster.pods.length) throw new Error('replacement pod missing');
  }
  const f = median(full);
  const i = median(inc);
  return [
    { name: `controlplane: full reconcile, ${services} services x 5 endpoints`, value: Math.round(f), unit: 'ms', note: `median of ${reps}` },
    { name: 'controlplane: one pod deletion, incremental', value: Math.round(i * 100) / 100, unit: 'ms', note: `median of ${reps}` },
    { name: 'controlplane: incremental / full', value: Math.round((i / f) * 10000) / 10000, unit: 'ratio', note: 'goal <= 0.02 (1/50)' },
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const results = await run();
  for (const r of results) console.log(`${r.name}: ${r.value} ${r.unit}${r.note ? ` (${r.note})` : ''}`);
}
