import { describe, expect, it } from 'vitest';
import { CowMap } from './cowmap';

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
    expect([a.get('default/pod-1'), a.has('default/pod-2'), a.has('default/new'), a.size]).toEqual([1, true, false, 500]);
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
