import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { buildLab } from '../sim/assembly/lab';
import { newTraceSession, parseConnect, parseSource, trace, type TraceRequest } from '../sim/trace/trace';
import { BUILTIN_SCENARIOS } from './builtin';
import { loadScenarioText, type LocalizedText, type Scenario } from './index';

// Every built-in lesson must run as it says: the file loads cleanly, the apiserver accepts every
// object, and each saved request does exactly what its `expect` claims, walked through the lab.

const DIR = join(__dirname, '../../scenarios');
/** Raw file size: lessons stay short enough to read and to share. */
const MAX_FILE_BYTES = 8 * 1024;
/** A share link carries the scenario deflated and base64url-encoded; it must stay under 2,000 characters. */
const MAX_SHARE_CHARS = 2000;

const files = readdirSync(DIR).filter((f) => f.endsWith('.json') && f !== 'index.json' && f !== 'default.json');

function load(file: string): { text: string; scenario: Scenario } {
  const text = readFileSync(join(DIR, file), 'utf8');
  const r = loadScenarioText(file, text);
  if (!r.ok) throw new Error(r.problems.map((p) => p.message).join('\n'));
  return { text, scenario: r.scenario };
}

function toRequest(r: Scenario['requests'][number]): TraceRequest {
  const from = parseSource(r.from);
  if ('error' in from) throw new Error(from.error);
  const connect = r.connect === undefined ? undefined : parseConnect(r.connect);
  if (connect && 'error' in connect) throw new Error(connect.error);
  return { from, url: r.url, method: r.method, headers: r.headers, connect };
}

/** "ns/name" exactly, or "ns/prefix-*" for any pod whose name starts with the prefix. */
function backendMatches(pattern: string, pod: string | null): boolean {
  if (pod === null) return false;
  return pattern.endsWith('*') ? pod.startsWith(pattern.slice(0, -1)) : pod === pattern;
}

/** What a lesson's text says about which pods answered, beyond each request's own expect. */
const SAME_BACKEND: Record<string, string[]> = {
  'session-affinity-clientip': ['curl-1', 'curl-2', 'curl-3'],
  'affinity-behind-nat': ['alice', 'bob', 'carol'],
  // "Request #3 hits the same pod as #1": the seeded random draw the text describes.
  'iptables-random': ['curl-1', 'curl-3'],
};
const DISTINCT_BACKENDS: Record<string, string[]> = {
  'ipvs-round-robin': ['curl-1', 'curl-2', 'curl-3'],
};

/**
 * Requests whose `expect` states what real Kubernetes does while the lab still gets it wrong.
 * They run as `it.fails`, so fixing the lab turns them red: then delete the entry.
 */
const KNOWN_LAB_BUGS: Record<string, { requests: string[]; why: string }> = {};

describe('the built-in scenario catalogue', () => {
  it('has at least 22 lessons', () => {
    expect(files.length).toBeGreaterThanOrEqual(22);
  });

  it('index.json lists every scenario file exactly once, with matching ids', () => {
    expect(BUILTIN_SCENARIOS.map((s) => s.file).sort()).toEqual([...files].sort());
    for (const s of BUILTIN_SCENARIOS) expect(s.file).toBe(`${s.id}.json`);
  });

  it('index.json titles and descriptions are the files\' own, in both languages', () => {
    for (const s of BUILTIN_SCENARIOS) {
      const { meta } = load(s.file).scenario;
      expect({ id: s.id, title: s.title, titleZh: s.titleZh, description: s.description, descriptionZh: s.descriptionZh, tags: s.tags }).toEqual({
        id: s.id,
        title: meta.title,
        titleZh: meta.zh?.title,
        description: meta.description,
        descriptionZh: meta.zh?.description,
        tags: meta.tags,
      });
    }
  });
});

describe.each(files)('%s', (file) => {
  const { text, scenario } = load(file);
  const lab = buildLab({ settings: scenario.settings, objects: scenario.objects, clients: scenario.clients });
  const session = newTraceSession(scenario.settings.seed);
  const results = new Map(scenario.requests.map((r) => [r.id, trace(lab, toRequest(r), session)]));

  it('loads without errors or warnings, and the apiserver accepts every object', () => {
    const r = loadScenarioText(file, text);
    expect(r.problems.map((p) => `${p.severity} ${p.path}: ${p.message}`)).toEqual([]);
    expect(lab.problems).toEqual([]);
  });

  it('stays small: file size and share-link length', () => {
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(MAX_FILE_BYTES);
    const link = deflateRawSync(JSON.stringify(JSON.parse(text)), { level: 9 }).toString('base64url');
    expect(link.length).toBeLessThanOrEqual(MAX_SHARE_CHARS);
  });

  it('has title, description and tags in both languages', () => {
    const m = scenario.meta;
    expect([m.title, m.description, m.zh?.title, m.zh?.description].every((x) => typeof x === 'string' && x.length > 0)).toBe(true);
    expect(m.tags?.length).toBeGreaterThan(0);
  });

  const bugs = KNOWN_LAB_BUGS[file.replace(/\.json$/, '')];
  const checked = scenario.requests.filter((r) => !bugs?.requests.includes(r.id));
  const known = scenario.requests.filter((r) => bugs?.requests.includes(r.id));
  if (known.length > 0) {
    it.fails.each(known.map((r) => [r.id, r] as const))(`request %s: known lab bug (${bugs!.why})`, (_id, r) => {
      checkExpect(r, results.get(r.id)!);
    });
  }

  it.each(checked.map((r) => [r.id, r] as const))('request %s does what its expect says', (_id, r) => {
    checkExpect(r, results.get(r.id)!);
  });

  function checkExpect(r: Scenario['requests'][number], got: ReturnType<typeof trace>) {
    expect(r.expect).toBeDefined();
    expect(r.title && r.zh?.title).toBeTruthy();
    const want = r.expect!;
    const fault = got.fault?.message ?? '';
    expect({ outcome: got.outcome, fault }).toMatchObject({ outcome: want.outcome });
    if (want.status !== undefined) expect(got.status).toBe(want.status);
    if (want.service !== undefined) expect(got.service).toBe(want.service);
    if (want.backend !== undefined) expect(got.backendPod, `backend ${want.backend}`).toSatisfy((p: string | null) => backendMatches(want.backend!, p));
    if (want.sourceIP !== undefined) expect(got.backend?.sourceIP).toBe(want.sourceIP);
  }

  it('lesson: 3-8 steps, bilingual, requests exist, answers are valid choices', () => {
    const ids = new Set(scenario.requests.map((r) => r.id));
    expect(scenario.lesson.length).toBeGreaterThanOrEqual(3);
    expect(scenario.lesson.length).toBeLessThanOrEqual(8);
    const texts: LocalizedText[] = [];
    for (const s of scenario.lesson) {
      texts.push(s.text);
      if (s.request !== undefined) expect(ids, `step request ${s.request}`).toContain(s.request);
      if (s.hop !== undefined) {
        expect(s.request, 'a step that shows a hop runs a request').toBeDefined();
        expect(s.hop, `hop ${s.hop} of ${s.request}`).toBeLessThan(results.get(s.request!)!.hops.length);
      }
      if (s.predict) {
        texts.push(s.predict.question, ...s.predict.choices, ...(s.predict.explanation ? [s.predict.explanation] : []));
        expect(s.predict.answer).toBeLessThan(s.predict.choices.length);
      }
    }
    for (const t of texts) expect(t.en.length > 0 && (t.zh ?? '').length > 0, `zh for "${t.en}"`).toBe(true);
    expect(scenario.lesson.some((s) => s.request !== undefined)).toBe(true);
    expect(scenario.lesson.some((s) => s.predict !== undefined)).toBe(true);
  });

  const id = file.replace(/\.json$/, '');
  const same = SAME_BACKEND[id];
  if (same) {
    it(`requests ${same.join(', ')} land on one pod`, () => {
      const pods = new Set(same.map((r) => results.get(r)?.backendPod));
      expect(pods.size).toBe(1);
      expect([...pods][0]).toBeTruthy();
    });
  }
  const distinct = DISTINCT_BACKENDS[id];
  if (distinct) {
    it(`requests ${distinct.join(', ')} land on different pods`, () => {
      const pods = new Set(distinct.map((r) => results.get(r)?.backendPod ?? null));
      expect(pods.has(null)).toBe(false);
      expect(pods.size).toBe(distinct.length);
    });
  }
});

describe('default.json (the scenario the lab opens on)', () => {
  const { scenario } = load('default.json');
  const lab = buildLab({ settings: scenario.settings, objects: scenario.objects, clients: scenario.clients });
  const session = newTraceSession(scenario.settings.seed);
  it.each(scenario.requests.map((r) => [r.id, r] as const))('request %s does what its expect says', (_id, r) => {
    const got = trace(lab, toRequest(r), session);
    const want = r.expect!;
    expect(want).toBeDefined();
    expect(got.outcome).toBe(want.outcome);
    if (want.status !== undefined) expect(got.status).toBe(want.status);
    if (want.service !== undefined) expect(got.service).toBe(want.service);
    if (want.backend !== undefined) expect(backendMatches(want.backend, got.backendPod)).toBe(true);
    if (want.sourceIP !== undefined) expect(got.backend?.sourceIP).toBe(want.sourceIP);
  });
});
