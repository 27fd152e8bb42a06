// Batch runs (distribution, --distribution N) trace with recordHops: false: every phase still asks
// every evaluator, and only the hop records are skipped. Over the 100 frozen random share links
// (every proxy mode, ingress controllers, Gateways, load balancers, edits), the same request sent
// three times must give the same results and leave the same session state either way.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { newTraceSession, trace } from '../sim/trace/trace';
import { openShareLink } from './share-link-lab';

const GOLDEN = new URL('./testdata/share-golden.json', import.meta.url);
const links = (JSON.parse(readFileSync(GOLDEN, 'utf8')) as { link: string }[]).map((g) => g.link);

describe('batch runs decide as recorded traces, over the golden share links', () => {
  it('holds 100 links', () => expect(links).toHaveLength(100));
  it.each(links.map((l, i) => [i, l] as const))('link %i: same results and session, three requests', (_i, link) => {
    const { lab, req, seed } = openShareLink(link);
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
