import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildLab } from '../sim/assembly/lab';
import { labClients } from '../sim/clients';
import { POD_ANNOTATIONS } from '../sim/cluster';
import { PROXY_MODES } from '../sim/lab';
import { newTraceSession, parseConnect, parseSource, trace } from '../sim/trace/trace';
import { BUILTIN_SCENARIOS } from './builtin';
import { loadScenarioText, type Scenario } from './index';
import { decodeShare, encodeShare, SHARE_LIMITS } from './share';

const DIR = join(__dirname, '../../scenarios');

function load(file: string): Scenario {
  const r = loadScenarioText(file, readFileSync(join(DIR, file), 'utf8'));
  if (!r.ok) throw new Error(r.problems.map((p) => p.message).join('\n'));
  return r.scenario;
}

const builtins = [...BUILTIN_SCENARIOS.map((b) => ({ id: b.id, scenario: load(b.file) })), { id: 'default', scenario: load('default.json') }];

/** Every saved request traced in order from one fresh session, as the page does after opening a link. */
function traces(s: Scenario): string {
  const lab = buildLab({ settings: s.settings, objects: s.objects, clients: s.clients });
  const session = newTraceSession(s.settings.seed);
  return JSON.stringify(
    s.requests.map((r) => {
      const from = parseSource(r.from);
      const connect = r.connect === undefined ? undefined : parseConnect(r.connect);
      if ('error' in from || (connect && 'error' in connect)) return { error: r.id };
      return trace({ ...lab, clients: labClients(s.clients) }, { from, url: r.url, method: r.method, headers: r.headers, connect }, session);
    }),
  );
}

function roundTrip(s: Scenario, extra: { request?: string; step?: number } = {}) {
  const link = `#${encodeShare({ scenario: s, ...extra })}`;
  const back = decodeShare(link);
  if (!back.ok) throw new Error(`${back.kind}: ${back.message}`);
  return { link, lab: back.lab };
}

describe('share links of the built-in scenarios', () => {
  it.each(builtins)('$id: same scenario and same traces, link at most 2,000 characters', ({ scenario }) => {
    const last = scenario.requests.at(-1)?.id;
    const { link, lab } = roundTrip(scenario, { request: last, step: Math.max(0, scenario.lesson.length - 1) });
    expect(link.length).toBeLessThanOrEqual(2000);
    expect(lab.scenario).toEqual(scenario);
    expect(lab.request).toBe(last);
    expect(lab.step).toBe(Math.max(0, scenario.lesson.length - 1));
    expect(lab.seed).toBe(scenario.settings.seed);
    expect(traces(lab.scenario)).toBe(traces(scenario));
  });
});

/** Edits a user makes before sharing: seed, proxy mode, replicas, readiness, removing objects, a written request. */
const mutation = fc.oneof(
  fc.record({ kind: fc.constant('seed' as const), seed: fc.string({ maxLength: 12 }) }),
  fc.record({ kind: fc.constant('mode' as const), mode: fc.constantFrom(...PROXY_MODES) }),
  fc.record({ kind: fc.constant('replicas' as const), at: fc.nat(), replicas: fc.integer({ min: 0, max: 6 }) }),
  fc.record({ kind: fc.constant('unready' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('remove' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('label' as const), at: fc.nat(), value: fc.string({ maxLength: 8 }).map((v) => v.replace(/[^a-z0-9]/g, '') || 'x') }),
);
type Mutation = typeof mutation extends fc.Arbitrary<infer M> ? M : never;

function mutate(base: Scenario, ms: Mutation[]): Scenario {
  const s = structuredClone(base) as Scenario;
  for (const m of ms) {
    const pick = <T>(xs: T[], at: number) => (xs.length ? xs[at % xs.length] : undefined);
    switch (m.kind) {
      case 'seed':
        s.settings.seed = m.seed;
        break;
      case 'mode':
        s.settings.kubeProxy.mode = m.mode;
        break;
      case 'replicas': {
        const d = pick(s.objects.filter((o) => o.kind === 'Deployment'), m.at) as { spec: { replicas?: number } } | undefined;
        if (d) d.spec.replicas = m.replicas;
        break;
      }
      case 'unready': {
        const p = pick(s.objects.filter((o) => o.kind === 'Pod'), m.at);
        if (p) p.metadata.annotations = { ...p.metadata.annotations, [POD_ANNOTATIONS.ready]: 'false' };
        break;
      }
      case 'remove':
        if (s.objects.length > 1) s.objects.splice(m.at % s.objects.length, 1);
        break;
      case 'label': {
        const o = pick(s.objects, m.at);
        if (o) o.metadata.labels = { ...o.metadata.labels, shared: m.value };
        break;
      }
    }
  }
  return s;
}

describe('share links of edited scenarios', () => {
  it('100 random edits of the built-ins trace identically after encode and decode', () => {
    fc.assert(
      fc.property(fc.nat({ max: builtins.length - 1 }), fc.array(mutation, { maxLength: 5 }), (i, ms) => {
        const s = mutate(builtins[i]!.scenario, ms);
        // What the link carries is what the loader makes of the edited file.
        const loaded = loadScenarioText('edited', JSON.stringify(s));
        fc.pre(loaded.ok);
        if (!loaded.ok) return;
        const { lab } = roundTrip(loaded.scenario);
        expect(lab.scenario).toEqual(loaded.scenario);
        expect(traces(lab.scenario)).toBe(traces(loaded.scenario));
      }),
      { numRuns: 100, seed: 20261122 },
    );
  }, 60_000);
});

const pack = (payload: unknown, codec = 1) => `#s=${codec}.${deflateRawSync(JSON.stringify(payload)).toString('base64url')}`;

describe('old, newer and hostile links', () => {
  it('an old link (scenario format 0) opens through the migrations', () => {
    const r = decodeShare(pack({ scenario: { version: 0, title: 'old', kubeProxyMode: 'ipvs', nodes: 2, objects: [] }, seed: 's1' }));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.lab.scenario.meta.title).toBe('old');
    expect(r.lab.scenario.settings.kubeProxy.mode).toBe('ipvs');
    expect(r.lab.scenario.objects.map((o) => o.metadata.name)).toEqual(['node-1', 'node-2']);
    expect(r.lab.seed).toBe('s1');
  });

  it.each([
    ['not a link', '#step=3', 'not-a-link'],
    ['a newer codec', '#s=3.AAAA', 'too-new'],
    ['no codec', '#s=abc', 'corrupt'],
    ['bad base64', '#s=1.@@@', 'corrupt'],
    ['truncated data', `${pack({ scenario: { version: 1, objects: [] } }).slice(0, 20)}`, 'corrupt'],
    ['not deflate', '#s=1.aGVsbG8gd29ybGQ', 'corrupt'],
    ['not JSON', `#s=1.${deflateRawSync('{nope').toString('base64url')}`, 'corrupt'],
    ['no scenario', pack({ seed: 'x' }), 'corrupt'],
    ['a newer scenario format', pack({ scenario: { version: 99, objects: [] } }), 'too-new'],
    ['a bad step', pack({ scenario: { version: 1, objects: [] }, step: -1 }), 'invalid'],
    ['a bad request', pack({ scenario: { version: 1, objects: [] }, request: 5 }), 'invalid'],
    ['a refused object', pack({ scenario: { version: 1, objects: [{ kind: 'Service' }] } }), 'invalid'],
    ['an overlong link', `#s=1.${'A'.repeat(SHARE_LIMITS.maxEncodedChars + 1)}`, 'too-large'],
    ['a zip bomb', `#s=1.${deflateRawSync(Buffer.alloc(50 * 1024 * 1024, 0x20), { level: 9 }).toString('base64url')}`, 'too-large'],
  ])('%s is refused with a reason', (_name, link, kind) => {
    const r = decodeShare(link);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.kind).toBe(kind);
    expect(r.message.length).toBeGreaterThan(0);
  });

  // The page says these in the reader's language: a key and its numbers, not the English message.
  it.each([
    ['#s=2.aGVsbG8gd29ybGQ', { key: 'not-decompress' }],
    ['#s=3.abc', { key: 'link-format', params: { codec: 3, reads: 2 } }],
    ['#s=2.', { key: 'not-base64' }],
    ['#s=x', { key: 'no-codec' }],
  ])('%s carries a reason the page can translate', (link, reason) => {
    const r = decodeShare(link);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toEqual(reason);
  });

  it('fuzzed links never throw', () => {
    const good = encodeShare({ scenario: builtins[0]!.scenario });
    fc.assert(
      fc.property(fc.nat({ max: good.length }), fc.string({ maxLength: 40 }), fc.nat({ max: 40 }), (at, insert, cut) => {
        const link = good.slice(0, at) + insert + good.slice(at + cut);
        expect(() => decodeShare(link)).not.toThrow();
      }),
      { numRuns: 300, seed: 7 },
    );
  });
});
