// Share links of 100 random scenarios: the built-in lessons with random settings and random edit
// logs, encoded in Node. Chromium opens each (the app's own decoder, loader, control plane,
// kube-proxy and tracer) and must trace the link's request exactly as Node does.

import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { loadScenarioText, type LabEdit, type Scenario } from '../src/scenario';
import { encodeShare } from '../src/scenario/share';
import { buildEditedLab } from '../src/sim/assembly/edits';
import { SeededRandom } from '../src/sim/net/rand';
import { newTraceSession, trace } from '../src/sim/trace/trace';
import { toSimRequest } from '../src/ui/trace-request';
import { LabPage } from './lab-page';

type Api = { __netlab: { openLink(hash: string): Promise<boolean>; store: { getState(): { playback: { trace: unknown } } } } };

const index = JSON.parse(readFileSync('scenarios/index.json', 'utf8')) as { id: string; file: string }[];
const builtins = index.map((e) => {
  const r = loadScenarioText(e.file, readFileSync(`scenarios/${e.file}`, 'utf8'));
  if (!r.ok) throw new Error(e.file);
  return r.scenario;
});

/** A random lab: a built-in with another seed and mode, and a few edits a learner could make. */
function randomLab(rng: SeededRandom): Scenario {
  const base = builtins[rng.int(builtins.length)]!;
  const modes = ['iptables', 'ipvs', 'nftables'] as const;
  const scenario: Scenario = { ...base, settings: { ...base.settings, seed: `r${rng.int(1_000_000)}`, kubeProxy: { ...base.settings.kubeProxy, mode: base.settings.kubeProxy.mode === 'userspace' ? 'userspace' : modes[rng.int(3)]! } } };
  const lab = buildEditedLab(scenario);
  const edits: LabEdit[] = [];
  const deployments = lab.reconcile.cluster.deployments.filter((d) => !d.metadata.labels?.['netlab.io/addon'] && d.metadata.namespace !== 'kube-system');
  const pods = lab.reconcile.cluster.pods.filter((p) => p.metadata.ownerReferences && !p.metadata.labels?.['netlab.io/addon'] && p.metadata.namespace !== 'kube-system');
  for (let i = rng.int(4); i > 0; i--) {
    const d = deployments[rng.int(Math.max(1, deployments.length))];
    const p = pods[rng.int(Math.max(1, pods.length))];
    switch (rng.int(3)) {
      case 0:
        if (d) edits.push({ kind: 'set-replicas', namespace: d.metadata.namespace ?? 'default', name: d.metadata.name, replicas: 1 + rng.int(4) });
        break;
      case 1:
        if (p) edits.push({ kind: 'set-pod-ready', namespace: p.metadata.namespace ?? 'default', name: p.metadata.name, ready: false });
        break;
      default:
        if (scenario.settings.kubeProxy.mode !== 'userspace') edits.push({ kind: 'set-proxy-mode', mode: modes[rng.int(3)]! });
    }
  }
  return { ...scenario, edits };
}

test('100 random share links trace in Chromium exactly as in Node', async ({ page }) => {
  test.setTimeout(240_000);
  const lab = new LabPage(page);
  await lab.open();
  const rng = SeededRandom.fromSeed('share-links-20261122');
  let compared = 0;
  for (let i = 0; i < 100; i++) {
    const scenario = randomLab(rng);
    const saved = scenario.requests[rng.int(scenario.requests.length)];
    if (!saved) continue;
    const request = { from: saved.from, method: saved.method ?? 'GET', url: saved.url, headers: saved.headers ?? {}, connect: saved.connect ?? '' };
    const built = buildEditedLab(scenario);
    const inNode = JSON.stringify(trace({ ...built, clients: [...scenario.clients] }, toSimRequest(request), newTraceSession(built.settings.seed)));
    const link = `#${encodeShare({ scenario, request: saved.id })}`;
    const inPage = await page.evaluate(async (hash) => {
      const api = (window as unknown as Api).__netlab;
      if (!(await api.openLink(hash))) return 'refused';
      return JSON.stringify(api.store.getState().playback.trace);
    }, link);
    expect(inPage, `link ${i}: ${scenario.meta.title} with ${scenario.edits.length} edit(s)`).toBe(inNode);
    compared++;
  }
  expect(compared).toBeGreaterThanOrEqual(95);
});
