import { describe, expect, it } from 'vitest';
import { unifiedDiff } from './diff';

describe('unified diff of configurations', () => {
  it('is empty for equal inputs', () => expect(unifiedDiff(['a', 'b'], ['a', 'b'])).toEqual([]));
  it('shows a changed line with three lines of context, like diff -u', () => {
    const a = ['1', '2', '3', '4', '5', '6', '7', '8'];
    const b = ['1', '2', '3', '4', 'five', '6', '7', '8'];
    expect(unifiedDiff(a, b, { a: 'old', b: 'new' })).toEqual(['--- old', '+++ new', '@@ -2,7 +2,7 @@', ' 2', ' 3', ' 4', '-5', '+five', ' 6', ' 7', ' 8']);
  });
  it('keeps distant changes in separate hunks and counts insertions', () => {
    const a = Array.from({ length: 20 }, (_, i) => `l${i}`);
    const b = ['l0', 'new', ...a.slice(1, 18), 'l19'];
    const d = unifiedDiff(a, b, { a: 'a', b: 'b' });
    expect(d.filter((l) => l.startsWith('@@'))).toEqual(['@@ -1,4 +1,5 @@', '@@ -16,5 +17,4 @@']);
    expect(d.filter((l) => /^[+-][^+-]/.test(l))).toEqual(['+new', '-l18']);
  });
});
