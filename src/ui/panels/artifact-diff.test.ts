import { describe, expect, it } from 'vitest';
import type { RenderedArtifact } from '../../sim';
import { artifactDiff, diffLines, MAX_CHANGED_LINES, type DiffRow } from './artifact-diff';

/** One row as `diff -u` would print it (folds as "… N"). */
function show(r: DiffRow): string {
  switch (r.kind) {
    case 'context':
      return ` ${r.text}`;
    case 'added':
      return `+${r.text}`;
    case 'removed':
      return `-${r.text}`;
    case 'skipped':
      return `… ${r.count}`;
  }
}

const lines = (n: number, prefix = 'l') => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

describe('diffLines', () => {
  it.each([
    { name: 'identical', before: ['a', 'b'], after: ['a', 'b'], rows: [], added: 0, removed: 0 },
    { name: 'both empty', before: [], after: [], rows: [], added: 0, removed: 0 },
    { name: 'added at the end', before: ['a', 'b'], after: ['a', 'b', 'c'], rows: [' a', ' b', '+c'], added: 1, removed: 0 },
    { name: 'removed at the start', before: ['x', 'a'], after: ['a'], rows: ['-x', ' a'], added: 0, removed: 1 },
    { name: 'replaced in the middle', before: ['a', 'b', 'c'], after: ['a', 'B', 'c'], rows: [' a', '-b', '+B', ' c'], added: 1, removed: 1 },
    { name: 'everything new', before: ['a'], after: ['b', 'c'], rows: ['-a', '+b', '+c'], added: 2, removed: 1 },
    { name: 'from empty', before: [], after: ['a'], rows: ['+a'], added: 1, removed: 0 },
  ])('$name', ({ before, after, rows, added, removed }) => {
    const d = diffLines({ before, after })!;
    expect(d.rows.map(show)).toEqual(rows);
    expect([d.added, d.removed]).toEqual([added, removed]);
  });

  it('folds unchanged lines away from changes, keeping three lines of context on each side', () => {
    const before = lines(20);
    const after = [...before.slice(0, 10), 'new', ...before.slice(10, 19)];
    const d = diffLines({ before, after })!;
    expect(d.rows.map(show)).toEqual(['… 7', ' l7', ' l8', ' l9', '+new', ' l10', ' l11', ' l12', '… 3', ' l16', ' l17', ' l18', '-l19']);
    // A fold records where it starts, in both files.
    expect(d.rows[0]).toEqual({ kind: 'skipped', count: 7, oldLine: 0, newLine: 0 });
    expect(d.rows[4]).toEqual({ kind: 'added', text: 'new', newLine: 10 });
    expect(d.rows[5]).toEqual({ kind: 'context', text: 'l10', oldLine: 10, newLine: 11 });
  });

  it('between two changes: folds only what is beyond both contexts, never a single line', () => {
    const base = lines(12);
    const at = (i: number, j: number) => base.map((l, k) => (k === i || k === j ? l.toUpperCase() : l));
    expect(diffLines({ before: base, after: at(0, 8), context: 3 })!.rows.map(show)).toEqual(['-l0', '+L0', ' l1', ' l2', ' l3', ' l4', ' l5', ' l6', ' l7', '-l8', '+L8', ' l9', ' l10', ' l11']);
    expect(diffLines({ before: base, after: at(0, 9), context: 3 })!.rows.map(show)).toEqual(['-l0', '+L0', ' l1', ' l2', ' l3', '… 2', ' l6', ' l7', ' l8', '-l9', '+L9', ' l10', ' l11']);
    expect(diffLines({ before: base, after: at(0, 11), context: 1 })!.rows.map(show)).toEqual(['-l0', '+L0', ' l1', '… 8', ' l10', '-l11', '+L11']);
  });

  it('with no context, shows only the changes', () => {
    const d = diffLines({ before: lines(10), after: [...lines(5), 'x', ...lines(10).slice(5)], context: 0 })!;
    expect(d.rows.map(show)).toEqual(['… 5', '+x', '… 5']);
  });

  it('diffs a scaled-up 50,000-line ruleset quickly', () => {
    const before = lines(50_000, '-A KUBE-SEP-');
    const after = [...before.slice(0, 20_000), '-A KUBE-SVC-X -j KUBE-SEP-NEW1', '-A KUBE-SVC-X -j KUBE-SEP-NEW2', ...before.slice(20_000, 30_000), ...before.slice(30_001)];
    const t0 = performance.now();
    const d = diffLines({ before, after })!;
    expect(performance.now() - t0).toBeLessThan(500);
    expect([d.added, d.removed]).toEqual([2, 1]);
    expect(d.rows.length).toBeLessThan(20);
  });

  it('gives up (null) when too many lines changed to read as a diff', () => {
    const n = MAX_CHANGED_LINES;
    expect(diffLines({ before: lines(n, 'a'), after: lines(n, 'b') })).toBeNull();
    // Unless one side is empty: then it is plainly all added or all removed.
    expect(diffLines({ before: [], after: lines(n * 2) })!.added).toBe(n * 2);
  });
});

describe('artifactDiff', () => {
  const art = (id: string, texts: string[]): RenderedArtifact => ({ id, kind: 'nginx.conf', title: id, lines: texts.map((text) => ({ text })) });
  const conf = art('ingress/nginx/nginx.conf', ['upstream web {', '    server 10.244.0.4:80;', '}']);
  const scaled = art('ingress/nginx/nginx.conf', ['upstream web {', '    server 10.244.0.4:80;', '    server 10.244.1.6:80;', '}']);
  it.each([
    { name: 'a lab just opened', before: null, after: conf, kind: 'none-yet' },
    { name: 'an artifact the edit created', before: { other: art('other', ['x']) }, after: conf, kind: 'new' },
    { name: 'the same object', before: { [conf.id]: conf }, after: conf, kind: 'unchanged' },
    { name: 'the same text, re-rendered', before: { [conf.id]: art(conf.id, conf.lines.map((l) => l.text)) }, after: conf, kind: 'unchanged' },
    { name: 'a new upstream server', before: { [conf.id]: conf }, after: scaled, kind: 'changed' },
    { name: 'everything rewritten', before: { [conf.id]: art(conf.id, lines(MAX_CHANGED_LINES, 'a')) }, after: art(conf.id, lines(MAX_CHANGED_LINES, 'b')), kind: 'too-many' },
  ])('$name: $kind', ({ before, after, kind }) => {
    const d = artifactDiff({ after, before });
    expect(d.kind).toBe(kind);
    if (d.kind === 'changed') expect(d.diff.rows.map(show)).toEqual([' upstream web {', '     server 10.244.0.4:80;', '+    server 10.244.1.6:80;', ' }']);
  });
});
