import { describe, expect, it } from 'vitest';
import { CowMap } from './cowmap';
import { SeededRandom } from '../net/rand';
import { fnv1a32, fnv1a32Mix } from '../util/hash';

function filled(n: number): CowMap<number> {
  const m = new CowMap<number>();
  for (let i = 0; i < n; i++) m.set(`default/pod-${i}`, i);
  return m;
}

describe('CowMap', () => {
  it('a fork sees the entries of its origin and keeps its own writes to itself', () => {
    const a = filled(500);
    const b = a.fork();
    b.set('default/pod-1', -1);
    b.delete('default/pod-2');
    b.set('default/new', 7);
    expect([a.get('default/pod-1'), a.has('default/pod-2'), a.has('default/new'), a.size])
      .toEqual([1, true, false, 500]);
    expect([b.get('default/pod-1'), b.has('default/pod-2'), b.get('default/new'), b.size]).toEqual([-1, false, 7, 500]);
  });

  it('the origin written after a fork does not change the fork (a snapshot stays as it was)', () => {
    const a = filled(500);
    const snapshot = a.fork();
    for (let i = 0; i < 500; i += 3) a.set(`default/pod-${i}`, -i);
    a.set('default/later', 1);
    expect(snapshot.has('default/later')).toBe(false);
    expect([...snapshot.values()].filter((v) => v < 0)).toEqual([]);
    expect(a.get('default/pod-3')).toBe(-3);
  });

  it('forks of forks each copy only what they write', () => {
    const a = filled(100);
    const b = a.fork();
    const c = b.fork();
    c.set('default/pod-5', 50);
    b.set('default/pod-6', 60);
    expect([a.get('default/pod-5'), a.get('default/pod-6')]).toEqual([5, 6]);
    expect([b.get('default/pod-5'), b.get('default/pod-6')]).toEqual([5, 60]);
    expect([c.get('default/pod-5'), c.get('default/pod-6')]).toEqual([50, 6]);
    expect(c.toArray().sort((x, y) => x - y)).toHaveLength(100);
  });
});

/** The order the store has always listed in: by shard (FNV-1a of the key's tail), insertion order within one. */
function shardOrder(m: Map<string, number>): number[] {
  const shard = (k: string) => fnv1a32(k, Math.max(0, k.length - 12), fnv1a32Mix(k.length)) & 255;
  return [...m].map(([k, v], i) => ({ s: shard(k), i, v })).sort((a, b) => a.s - b.s || a.i - b.i).map((e) => e.v);
}

describe('CowMap against a Map per fork', () => {
  it('gets, sizes and iteration order agree through random writes, deletes, re-adds, forks and lists', () => {
    const rand = SeededRandom.fromSeed('cowmap-order');
    let pairs: [CowMap<number>, Map<string, number>][] = [[new CowMap(), new Map()]];
    for (let step = 0; step < 12000; step++) {
      const [cow, ref] = pairs[rand.int(pairs.length)]!;
      // Keys share their last 12 characters in groups, so shards hold ~25 keys each and order inside one shows.
      const n = rand.int(400);
      const k = `${n}/pod-abcdef-${String(n % 16).padStart(2, '0')}`;
      const op = rand.int(1000);
      if (op < 550) {
        cow.set(k, step);
        ref.set(k, step);
      } else if (op < 850) {
        expect(cow.delete(k)).toBe(ref.delete(k));
      } else if (op < 995) {
        pairs.push([cow.fork(), new Map(ref)]);
        if (pairs.length > 12) pairs = pairs.slice(-12);
      } else {
        expect(cow.toArray()).toEqual(shardOrder(ref));
      }
      expect([cow.get(k), cow.has(k), cow.size]).toEqual([ref.get(k), ref.has(k), ref.size]);
    }
    for (const [cow, ref] of pairs) {
      expect(cow.toArray()).toEqual(shardOrder(ref));
      expect([...cow.keys()]).toEqual([...cow.entries()].map(([k]) => k));
      expect([...cow.values()]).toEqual(shardOrder(ref));
    }
  });
});
