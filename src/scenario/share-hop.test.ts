// Share links keep the hop being shown (codec 2), and links made before (codec 1) still open.
import { readFileSync } from 'node:fs';
import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { loadScenarioText } from './index';
import { decodeShare, encodeShare } from './share';

const repo = (p: string) => new URL(`../../${p}`, import.meta.url);
const scenario = (() => {
  const r = loadScenarioText('default.json', readFileSync(repo('scenarios/default.json'), 'utf8'));
  if (!r.ok) throw new Error('default scenario does not load');
  return r.scenario;
})();
const request = { from: 'external:laptop', method: 'GET', url: 'http://web.example.com:30080/', headers: { Host: 'web.example.com' }, connect: 'node:node-1' };
const packAs = (codec: number, payload: unknown) => `#s=${codec}.${deflateRawSync(JSON.stringify(payload)).toString('base64url')}`;

describe('the hop in a share link', () => {
  it('travels with the request, lesson or not, and comes back as written', () => {
    const link = encodeShare({ scenario, request, hop: 4 });
    expect(link.startsWith('s=2.')).toBe(true);
    const r = decodeShare(link);
    expect(r.ok && r.lab.hop).toBe(4);
    expect(r.ok && r.lab.request).toEqual(request);
    expect(r.ok && r.lab.step).toBeUndefined();
    const saved = decodeShare(encodeShare({ scenario, request: 'r1', step: 1, hop: 0 }));
    expect(saved.ok && [saved.lab.request, saved.lab.step, saved.lab.hop]).toEqual(['r1', 1, 0]);
  });

  it('is left out without a request: there is no trace for it to be a hop of', () => {
    const r = decodeShare(encodeShare({ scenario, hop: 3 }));
    expect(r.ok && r.lab.hop).toBeUndefined();
  });

  it('a hop that is not a small whole number is refused with a reason', () => {
    for (const hop of [-1, 1.5, '2', 1e9]) {
      const r = decodeShare(packAs(2, { scenario: { version: 1, objects: [] }, request, hop }));
      expect(r.ok).toBe(false);
      expect(!r.ok && r.message).toBe('hop: must be a non-negative integer');
    }
  });

  it('a frozen link made by codec 1 (before hops travelled) still opens: scenario, request, no hop', () => {
    const v1 = readFileSync(new URL('./testdata/share-v1.txt', import.meta.url), 'utf8').trim();
    expect(v1.startsWith('s=1.')).toBe(true);
    const r = decodeShare(`#${v1}`);
    if (!r.ok) throw new Error(r.message);
    // The link froze the default scenario of its day, kept beside it.
    const then = loadScenarioText('default.json', readFileSync(new URL('./testdata/share-v1.scenario.json', import.meta.url), 'utf8'));
    if (!then.ok) throw new Error('the frozen scenario does not load');
    expect(r.lab.scenario).toEqual(then.scenario);
    expect(r.lab.request).toEqual(request);
    expect(r.lab.hop).toBeUndefined();
  });

  it('codec 1 never had a hop field: one found there is not read', () => {
    const r = decodeShare(packAs(1, { scenario: { version: 1, objects: [] }, request, hop: 2 }));
    expect(r.ok && r.lab.hop).toBeUndefined();
  });
});

describe('how the request was sent, in a share link', () => {
  it('repeat, cookie jar and the request shown travel with the hop', () => {
    const r = decodeShare(encodeShare({ scenario, request, hop: 2, send: { repeat: 5, run: 3, cookieJar: true } }));
    expect(r.ok && r.lab.send).toEqual({ repeat: 5, run: 3, cookieJar: true });
  });

  it('sent once without a jar is the default and is left out', () => {
    const r = decodeShare(encodeShare({ scenario, request, send: { repeat: 1, run: 0, cookieJar: false } }));
    expect(r.ok && r.lab.send).toBeUndefined();
  });

  it('a run past the repeats, or too many repeats, is refused with a reason', () => {
    for (const send of [{ repeat: 2, run: 2, cookieJar: false }, { repeat: 1000, run: 0, cookieJar: true }, { repeat: 2, run: 0, cookieJar: 'yes' }]) {
      const r = decodeShare(packAs(2, { scenario: { version: 1, objects: [] }, request, send }));
      expect(!r.ok && r.kind).toBe('invalid');
      expect(!r.ok && r.message).toMatch(/^send: /);
    }
  });
});
