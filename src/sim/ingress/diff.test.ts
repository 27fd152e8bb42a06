import { describe, expect, it } from 'vitest';
import { unifiedDiff } from './diff';

describe('unified diff of configurations', () => {
  it('is empty for equal inputs', () => expect(unifiedDiff(['a', 'b'], ['a', 'b'])).toEqual([]));
  it('shows a changed line with three lines of context, like diff -u', () => {
    const a = ['1', '2', '3', '4', '5', '6', '7', '8'];
    const b = ['1', '2', '3', '4', 'five', '6', '7', '8'];
    expect(unifiedDiff(a, b, { a: 'old', b: 'new' })).toEqual([
      '--- old', '+++ new', '@@ -2,7 +2,7 @@', ' 2', ' 3', ' 4', '-5', '+five', ' 6', ' 7', ' 8',
    ]);
  });
  it('keeps distant changes in separate hunks and counts insertions', () => {
    const a = Array.from({ length: 20 }, (_, i) => `l${i}`);
    const b = ['l0', 'new', ...a.slice(1, 18), 'l19'];
    const d = unifiedDiff(a, b, { a: 'a', b: 'b' });
    expect(d.filter((l) => l.startsWith('@@'))).toEqual(['@@ -1,4 +1,5 @@', '@@ -16,5 +17,4 @@']);
    expect(d.filter((l) => /^[+-][^+-]/.test(l))).toEqual(['+new', '-l18']);
  });
  it('prints an empty side as diff -u does (-0,0 for a first configuration)', () => {
    expect(unifiedDiff([], ['a', 'b'], { a: 'a', b: 'b' })).toEqual(['--- a', '+++ b', '@@ -0,0 +1,2 @@', '+a', '+b']);
    expect(unifiedDiff(['a'], [], { a: 'a', b: 'b' })).toEqual(['--- a', '+++ b', '@@ -1,1 +0,0 @@', '-a']);
  });
  it('prints a very large change as one whole replacement', () => {
    const a = Array.from({ length: 1500 }, (_, i) => `old ${i}`);
    const b = Array.from({ length: 1500 }, (_, i) => `new ${i}`);
    const d = unifiedDiff(a, b, { a: 'a', b: 'b' });
    expect(d.slice(0, 3)).toEqual(['--- a', '+++ b', '@@ -1,1500 +1,1500 @@']);
    expect(d).toHaveLength(3 + 3_000);
  });
});
