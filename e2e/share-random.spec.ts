// Share links of 100 random scenarios: the built-in lessons with random settings and random edit
// logs, encoded in Node. Chromium opens each (the app's own decoder, loader, control plane,
// kube-proxy and tracer) and must trace the link's request exactly as Node does.

import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { loadScenarioText } from '../src/scenario';
import { randomLab } from '../src/scenario/random-lab';
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

test('100 random share links trace in Chromium exactly as in Node', async ({ page }) => {
  // A hundred labs built and traced in Node and in the page: minutes on a shared 2-core machine under load.
  test.setTimeout(600_000);
  const lab = new LabPage(page);
  await lab.open();
  const rng = SeededRandom.fromSeed('share-links-20261122');
  let compared = 0;
  for (let i = 0; i < 100; i++) {
    const scenario = randomLab(rng, builtins);
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
