// "Convert to Gateway" compares the same running cluster before and after the Ingresses are replaced
// by Gateway API objects (src/sim/analysis/convert-ab.ts). Installing NGINX Gateway Fabric and its
// data plane adds pods; the ones already running keep their node and address, as on a real cluster,
// so the A/B hops differ only on the ingress/gateway path.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { convertAbTrace } from '../sim/analysis/convert-ab';
import { parseSource } from '../sim/trace/trace';
import type { Lab } from '../sim/assembly/lab';
import { loadScenarioText } from './index';

const DIR = join(__dirname, '../../scenarios');
const index = JSON.parse(readFileSync(join(DIR, 'index.json'), 'utf8')) as { file: string }[];

function withIngress(file: string) {
  const r = loadScenarioText(file, readFileSync(join(DIR, file), 'utf8'));
  if (!r.ok) throw new Error(`${file} does not load`);
  return r.scenario.objects.some((o) => o.kind === 'Ingress') ? r.scenario : null;
}

const placement = (lab: Lab) => Object.fromEntries(lab.cluster.pods.map((p) =>
  [`${p.metadata.namespace}/${p.metadata.name}`, `${p.spec.nodeName} ${p.status?.podIP}`]));

const cases = index.map((e) => e.file).filter((f) => withIngress(f) !== null);

describe('Convert to Gateway: side B keeps side A\'s pods', () => {
  it('covers the lessons with an Ingress', () => expect(cases.length).toBeGreaterThan(5));
  it.each(cases)('%s: every pod of A has the same node and address in B', (file) => {
    const scenario = withIngress(file)!;
    const saved = scenario.requests[0]!;
    const from = parseSource(saved.from);
    if ('error' in from) throw new Error(from.error);
    const r = convertAbTrace({ input: scenario, request: { from, url: saved.url }, seed: scenario.settings.seed });
    if ('error' in r) return;
    const a = placement(r.labs.a);
    const b = placement(r.labs.b);
    expect(Object.fromEntries(Object.keys(a).map((k) => [k, b[k]]))).toEqual(a);
    // The same running cluster: B's timeline is A's, then what the edits set off.
    expect(r.labs.b.events.slice(0, r.labs.a.events.length)).toEqual(r.labs.a.events);
  });
});
