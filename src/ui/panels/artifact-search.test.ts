import { describe, expect, it } from 'vitest';
import { findMatches, firstMatchFrom, markTokens, MATCH_LIMIT, searchIndex, stepMatch } from './artifact-search';
import type { Token } from './highlight';

const LINES = [
  ':KUBE-SVC-ABC - [0:0]',
  '-A KUBE-SERVICES -d 10.96.0.10/32 -j KUBE-SVC-ABC',
  '-A KUBE-SVC-ABC -j KUBE-SEP-1',
  'COMMIT',
];

describe('findMatches', () => {
  it.each([
    { query: 'kube-svc', expected: [[0, 1, 9], [1, 37, 45], [2, 3, 11]] },
    { query: 'KUBE-svc-abc', expected: [[0, 1, 13], [1, 37, 49], [2, 3, 15]] },
    { query: 'commit', expected: [[3, 0, 6]] },
    { query: 'nope', expected: [] },
    { query: '', expected: [] },
    // Non-overlapping, left to right.
    { query: 'aa', lines: ['aaaaa'], expected: [[0, 0, 2], [0, 2, 4]] },
    // Regex characters are plain text.
    { query: '[0:0]', expected: [[0, 16, 21]] },
  ])('$query', ({ query, lines, expected }) => {
    const r = findMatches(searchIndex(lines ?? LINES), query);
    expect(r.matches.map((m) => [m.row, m.start, m.end])).toEqual(expected);
    expect(r.truncated).toBe(false);
  });

  it('indexes matches by row', () => {
    const r = findMatches(searchIndex(LINES), 'kube');
    expect([...r.byRow]).toEqual([
      [0, { first: 0, count: 1 }],
      [1, { first: 1, count: 2 }],
      [2, { first: 3, count: 2 }],
    ]);
  });

  it('stops at the limit and says so', () => {
    const r = findMatches(searchIndex(['a'.repeat(10), 'aaa']), 'a', 12);
    expect(r.matches).toHaveLength(12);
    expect(r.truncated).toBe(true);
    expect(r.byRow.get(1)).toEqual({ first: 10, count: 2 });
    expect(MATCH_LIMIT).toBeGreaterThan(1000);
  });

  it('keeps offsets aligned when lower-casing changes a length', () => {
    const r = findMatches(searchIndex(['İstanbul KUBE']), 'kube');
    expect(r.matches).toEqual([{ row: 0, start: 9, end: 13 }]);
  });

  it('scans 50,000 lines quickly', () => {
    const lines = Array.from({ length: 50_000 }, (_, i) => `-A KUBE-SVC-${i.toString(36).toUpperCase()} -m comment --comment "ns/svc-${i}:http" -j KUBE-SEP-${i}`);
    const index = searchIndex(lines);
    const t0 = performance.now();
    const r = findMatches(index, 'kube-sep-4999');
    expect(performance.now() - t0).toBeLessThan(200);
    expect(r.matches.map((m) => m.row)).toEqual([4999, 49990, 49991, 49992, 49993, 49994, 49995, 49996, 49997, 49998, 49999]);
    // The worst case: a query that matches everywhere stops at the limit, still quickly.
    const t1 = performance.now();
    const all = findMatches(index, 'e');
    expect(performance.now() - t1).toBeLessThan(500);
    expect(all.matches).toHaveLength(MATCH_LIMIT);
    expect(all.truncated).toBe(true);
  });
});

describe('markTokens', () => {
  const toks: Token[] = [
    { text: '-A', cls: 'flag' },
    { text: ' ', cls: 'plain' },
    { text: 'KUBE-SVC-ABC', cls: 'chain' },
  ];
  it.each([
    { name: 'no ranges', ranges: [], pieces: [], expected: [['-A', 'flag', undefined], [' ', 'plain', undefined], ['KUBE-SVC-ABC', 'chain', undefined]] },
    {
      name: 'inside one token',
      pieces: [0],
      ranges: [{ start: 3, end: 11, current: true }],
      expected: [['-A', 'flag', undefined], [' ', 'plain', undefined], ['KUBE-SVC', 'chain', 'current'], ['-ABC', 'chain', undefined]],
    },
    {
      name: 'across tokens, and a second one',
      pieces: [0, 0, 0, 1],
      ranges: [{ start: 1, end: 4, current: false }, { start: 12, end: 15, current: true }],
      expected: [['-', 'flag', undefined], ['A', 'flag', 'match'], [' ', 'plain', 'match'], ['K', 'chain', 'match'], ['UBE-SVC-', 'chain', undefined], ['ABC', 'chain', 'current']],
    },
  ])('$name', ({ ranges, pieces, expected }) => {
    const out = markTokens(toks, ranges);
    expect(out.map((t) => [t.text, t.cls, t.mark])).toEqual(expected);
    expect(out.map((t) => t.text).join('')).toBe('-A KUBE-SVC-ABC');
    // Pieces of one match say which range they belong to, so the view wraps them in one <mark>.
    expect(out.filter((t) => t.mark).map((t) => t.range)).toEqual(pieces);
  });
});

describe('stepping', () => {
  it.each([
    { current: -1, by: 1, count: 3, expected: 0 },
    { current: -1, by: -1, count: 3, expected: 2 },
    { current: 2, by: 1, count: 3, expected: 0 },
    { current: 0, by: -1, count: 3, expected: 2 },
    { current: 1, by: 1, count: 3, expected: 2 },
    { current: 0, by: 1, count: 0, expected: -1 },
  ])('$current by $by of $count is $expected', ({ current, by, count, expected }) => {
    expect(stepMatch(current, by, count)).toBe(expected);
  });

  it.each([
    { row: 0, expected: 0 },
    { row: 2, expected: 1 },
    { row: 3, expected: 1 },
    { row: 8, expected: 3 },
    { row: 9, expected: 0 },
  ])('a new query starts at the first match from row $row', ({ row, expected }) => {
    const matches = [0, 3, 3, 8].map((r) => ({ row: r, start: 0, end: 1 }));
    expect(firstMatchFrom(matches, row)).toBe(expected);
    expect(firstMatchFrom([], row)).toBe(-1);
  });
});
