// 100 random share links, frozen with the traces they gave: a refactor of the core (the node data
// plane, kube-proxy's state, the tracer's builders) must leave every trace the same hop for hop.
// The one change allowed is gaining an artifact reference that was missing: a hop whose `refs` was
// empty, or the fault (which had no `refs` field) pointing at the EndpointSlice lines it was read from.
// A "no ready endpoints" fault may also gain `pods` (the pods the selector matches and what their
// status says); its message, note and every other field stay as frozen. A hop's explanation and a
// fault may gain `parts` (names and lists as notes, so the Chinese page renders them in Chinese);
// their English text in `params` stays as frozen.
// The links, not the generator, are frozen: a change to `randomLab` does not change what is checked.
// To rewrite the file (only when a behaviour change is intended, and say so in the commit):
//   NETLAB_WRITE_GOLDEN=1 npx vitest run src/scenario/share-golden.test.ts

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../sim/net/rand';
import { newTraceSession, trace } from '../sim/trace/trace';
import type { Hop, TraceResult } from '../sim/trace/types';
import { loadScenarioText } from './load';
import { randomLab } from './random-lab';
import { encodeShare } from './share';
import { openShareLink } from './share-link-lab';
import type { Scenario } from './types';

const GOLDEN = new URL('./testdata/share-golden.json', import.meta.url);
const WRITE = process.env.NETLAB_WRITE_GOLDEN === '1';

interface GoldenLink {
  link: string;
  result: Omit<TraceResult, 'hops'> & { hops: Omit<Hop, 'steps'>[] };
}

function builtins(): Scenario[] {
  const index = JSON.parse(readFileSync('scenarios/index.json', 'utf8')) as { file: string }[];
  return index.map((e) => {
    const r = loadScenarioText(e.file, readFileSync(`scenarios/${e.file}`, 'utf8'));
    if (!r.ok) throw new Error(`${e.file} does not load`);
    return r.scenario;
  });
}

function newLinks(): string[] {
  const all = builtins();
  const rng = SeededRandom.fromSeed('share-golden-20261206');
  const links: string[] = [];
  while (links.length < 100) {
    const scenario = randomLab(rng, all);
    const saved = scenario.requests[rng.int(Math.max(1, scenario.requests.length))];
    if (saved) links.push(`#${encodeShare({ scenario, request: saved.id })}`);
  }
  return links;
}

/** The trace a link opens on, as the page and the CLI compute it. */
function traceLink(link: string): GoldenLink['result'] {
  const { lab, req, seed } = openShareLink(link);
  const result = trace(lab, req, newTraceSession(seed));
  // Steps are the evaluators' detail, checked by their own suites; the hop is what must not move.
  const hops = result.hops.map(({ steps: _steps, ...hop }) => hop);
  return JSON.parse(JSON.stringify({ ...result, hops })) as GoldenLink['result'];
}

/** The golden hop with the references the new hop gained where the golden one had none. */
function allowingNewRefs(golden: GoldenLink['result'], now: GoldenLink['result']): GoldenLink['result'] {
  const hops = golden.hops.map((h, i) => withParts(h.refs.length === 0 && now.hops[i] ? { ...h, refs: now.hops[i].refs } : h, now.hops[i]));
  // Only `refs`, `pods` and a `note` (the English message's words as a key and parameters, so the page
  // can render them in the reader's language) may appear on a fault that had none; every other field of
  // the fault, its English message included, is compared as frozen.
  const gained = golden.fault && !golden.fault.refs ? now.fault?.refs : undefined;
  const pods = golden.fault && !golden.fault.pods ? now.fault?.pods : undefined;
  const noted = golden.fault && !golden.fault.note ? now.fault?.note : undefined;
  const parts = golden.fault && !golden.fault.parts ? now.fault?.parts : undefined;
  const fault = gained || pods || noted || parts
    ? {
        ...golden.fault!,
        ...(gained ? { refs: gained } : {}),
        ...(pods ? { pods } : {}),
        ...(noted ? { note: noted } : {}),
        ...(parts ? { parts } : {}),
      }
    : golden.fault;
  return { ...golden, hops, ...(fault ? { fault } : {}) };
}

type GoldenHop = GoldenLink['result']['hops'][number];

/** The golden hop with the explanation's `parts` the new hop gained (its params stay the golden ones). */
function withParts(h: GoldenHop, now: GoldenHop | undefined): GoldenHop {
  const parts = !h.explanation.parts ? now?.explanation.parts : undefined;
  return parts ? { ...h, explanation: { ...h.explanation, parts } } : h;
}

/**
 * A trace's request part (every field, the forward hops) and its reply: the hops walked back
 * (`direction: 'reply'`), or in a golden trace the one assumed reply hop, `hop.backend.respond`.
 */
function split(r: GoldenLink['result']): [GoldenLink['result'], GoldenHop[], GoldenHop | undefined] {
  const isReply = (h: GoldenHop) => h.direction === 'reply' || h.explanation.key === 'hop.backend.respond';
  const reply = r.hops.filter(isReply);
  const respond = reply.find((h) => h.explanation.key === 'hop.backend.respond');
  return [{ ...r, hops: r.hops.filter((h) => !isReply(h)) }, reply, respond];
}

describe('share links traced before and after a refactor', () => {
  if (WRITE || !existsSync(GOLDEN)) {
    it('writes the golden traces', () => {
      const golden: GoldenLink[] = newLinks().map((link) => ({ link, result: traceLink(link) }));
      writeFileSync(GOLDEN, `${JSON.stringify(golden)}\n`);
      expect(golden).toHaveLength(100);
    }, 600_000);
    return;
  }
  const golden = JSON.parse(readFileSync(GOLDEN, 'utf8')) as GoldenLink[];
  it('holds 100 links', () => expect(golden).toHaveLength(100));
  it.each(golden.map((g, i) => [i, g] as const))('link %i traces hop for hop as before', (_i, g) => {
    const now = traceLink(g.link);
    const [goldenForward, , goldenRespond] = split(g.result);
    const [nowForward, nowReply] = split(now);
    // The request's hops, the outcome, status, Services and what the backend saw: exactly as before.
    expect(nowForward).toEqual(allowingNewRefs(goldenForward, nowForward));
    // The reply was one assumed hop at the backend; it is walked now (issue 17): it starts where
    // that hop was and, as the outcome is the same, reaches the client.
    if (goldenRespond) {
      expect(nowReply[0]).toMatchObject({ place: goldenRespond.place, action: 'respond', direction: 'reply' });
      expect(nowReply.at(-1)?.action).toBe('deliver');
    }
    for (const h of nowReply) expect(h.direction).toBe('reply');
  });
});
