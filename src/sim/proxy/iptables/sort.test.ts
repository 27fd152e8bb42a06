import { describe, expect, it } from 'vitest';
import { compareNames, sortedByName } from './sort';
import { SeededRandom } from '../../net/rand';

/** The comparator sort the fast path must reproduce exactly (stable, UTF-16 code unit order). */
const reference = <T>(items: readonly T[], name: (x: T) => string) =>
  [...items].sort((a, b) => compareNames(name(a), name(b)));

describe('sortedByName', () => {
  const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  // The project's seeded generator, so the names replay.
  const rand = SeededRandom.fromSeed(7, 'sort.test');
  const hashName = (kind: string) => `KUBE-${kind}-${Array.from({ length: 16 }, () => B32[rand.int(32)]).join('')}`;

  it('orders hash-named chains as the string comparator does', () => {
    const kinds = ['SEP', 'SVC', 'SVL', 'EXT', 'FW'];
    const chains = Array.from({ length: 5000 }, (_, i) => ({ name: hashName(kinds[i % 5]!), i }));
    expect(sortedByName(chains, (c) => c.name)).toEqual(reference(chains, (c) => c.name));
  });

  it('orders names that share long prefixes, prefixes of each other and duplicates, ' +
    'keeping equal ones in order', () => {
    const names = Array.from(
      { length: 3000 },
      (_, i) => ({ name: `ns-${i % 37}/svc-${(i * 7) % 101}:${i % 3 ? 'http' : ''}`, i }),
    );
    names.push({ name: 'ns-1', i: -1 }, { name: 'ns-1/', i: -2 }, { name: 'ns-1', i: -3 });
    expect(sortedByName(names, (x) => x.name)).toEqual(reference(names, (x) => x.name));
  });

  it('orders long runs that share both keys by the rest of their names', () => {
    // 40 names a key apart only after 30 shared characters, among names that differ early.
    const names = Array.from({ length: 80 }, (_, i) => (i % 2 ? `A${'x'.repeat(30)}${(i * 17) % 40}` : `B${i % 7}`));
    names.push(...Array.from({ length: 40 }, () => `A${'x'.repeat(30)}`));
    expect(sortedByName(names.map((name, i) => ({ name, i })), (x) => x.name))
      .toEqual(reference(names.map((name, i) => ({ name, i })), (x) => x.name));
  });

  it('falls back to comparing strings for non-ASCII names and small lists', () => {
    const names = Array.from({ length: 200 }, (_, i) => `caf\u00e9-${(i * 13) % 200}`);
    names.push('cafe', 'caf\u{1F600}');
    expect(sortedByName(names, (x) => x)).toEqual(reference(names, (x) => x));
    expect(sortedByName(['b', 'a', 'c'], (x) => x)).toEqual(['a', 'b', 'c']);
    expect(sortedByName([], (x: string) => x)).toEqual([]);
  });
});
