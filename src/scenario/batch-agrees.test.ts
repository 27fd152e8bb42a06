// Batch runs (distribution, --distribution N) trace with recordHops: false: every phase still asks
// every evaluator, and only the hop records are skipped. Over the 100 frozen random share links
// (every proxy mode, ingress controllers, Gateways, load balancers, edits), the same request sent
// three times must give the same results and leave the same session state either way.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildEditedLab } from '../sim/assembly/edits';
import { newTraceSession, parseConnect, parseSource, trace, type TraceRequest } from '../sim/trace/trace';
import { decodeShare } from './share';

const GOLDEN = new URL('./testdata/share-golden.json', import.meta.url);
const links = (JSON.parse(readFileSync(GOLDEN, 'utf8')) as { link: string }[]).map((g) => g.link);

function labAndRequest(link: string) {
  const decoded = decodeShare(link);
  if (!decoded.ok) throw new Error(`link does not decode: ${decoded.message}`);
  const { scenario, request } = decoded.lab;
  const saved = scenario.requests.find((r) => r.id === request);
  if (!saved) throw new Error(`link names no saved request (${String(request)})`);
  const from = parseSource(saved.from);
  if ('error' in from) throw new Error(from.error);
  const connect = saved.connect ? parseConnect(saved.connect) : undefined;
  if (connect && 'error' in connect) throw new Error(connect.error);
  const req: TraceRequest = { from, method: saved.method ?? 'GET', url: saved.url, headers: saved.headers ?? {}, connect };
  const lab = buildEditedLab(scenario);
  return { lab: { ...lab, clients: [...scenario.clients] }, req, seed: lab.settings.seed };
}

describe('batch runs decide as recorded traces, over the golden share links', () => {
  it('holds 100 links', () => expect(links).toHaveLength(100));
  it.each(links.map((l, i) => [i, l] as const))('link %i: same results and session, three requests', (_i, link) => {
    const { lab, req, seed } = labAndRequest(link);
    const recorded = newTraceSession(seed);
    const quiet = newTraceSession(seed);
    for (let i = 0; i < 3; i++) {
      const { hops, ...full } = trace(lab, req, recorded);
      const batch = trace(lab, req, quiet, { recordHops: false });
      expect(hops.length).toBeGreaterThan(0);
      expect(batch.hops).toEqual([]);
      expect({ ...batch, hops: [] }).toEqual({ ...full, hops: [] });
      expect(quiet).toEqual(recorded);
    }
  });
});
