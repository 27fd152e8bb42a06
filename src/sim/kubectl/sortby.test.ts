import { describe, expect, it } from 'vitest';
import { naturalLess, relaxedPath, sortedBy } from './sortby';

describe('kubectl --sort-by', () => {
  it('relaxes the path as kubectl does', () => {
    expect(['.a.b', 'a.b', '{a.b}', '{.a.b}'].map(relaxedPath)).toEqual(['{.a.b}', '{.a.b}', '{.a.b}', '{.a.b}']);
    expect(relaxedPath('{a}.b')).toMatchObject({ error: expect.stringContaining('unexpected path string') });
  });

  it('orders strings naturally: digit runs as numbers, then by leading zeros', () => {
    const ips = ['10.96.0.10', '10.96.0.1', '10.104.2.3', '10.98.0.2'];
    expect([...ips].sort((a, b) => (naturalLess(a, b) ? -1 : naturalLess(b, a) ? 1 : 0)))
      .toEqual(['10.96.0.1', '10.96.0.10', '10.98.0.2', '10.104.2.3']);
    expect(naturalLess('pod-2', 'pod-10')).toBe(true);
    expect(naturalLess('a01', 'a1')).toBe(false);
    expect(naturalLess('a1', 'a01')).toBe(true);
    expect(naturalLess('ab', 'abc')).toBe(true);
  });

  it('compares quantities as quantities, numbers as numbers, and puts objects without the field first', () => {
    const items = [{ q: '1Gi' }, { q: '512Mi' }, {}, { q: '2G' }];
    expect(sortedBy(items, '.q')).toEqual([{}, { q: '512Mi' }, { q: '1Gi' }, { q: '2G' }]);
    expect(sortedBy([{ n: 10 }, { n: 9 }], 'n')).toEqual([{ n: 9 }, { n: 10 }]);
    // Equal values keep their order (Go's insertion sort for a table's rows).
    expect(sortedBy([{ k: 'b', i: 1 }, { k: 'a' }, { k: 'b', i: 2 }], '.k'))
      .toEqual([{ k: 'a' }, { k: 'b', i: 1 }, { k: 'b', i: 2 }]);
    expect(sortedBy([{ a: 1 }], '.nope')).toEqual({
      error: 'couldn\'t find any field with path "{.nope}" in the list of objects',
    });
  });
});
