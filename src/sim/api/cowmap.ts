// A string-keyed map that forks in O(1): entries live in a fixed number of hash shards, and a fork
// copies a shard only when it first writes to it. This is what lets an incremental change to a
// cluster of 100,000 objects cost in proportion to the change, not to the cluster. Iteration order
// is deterministic (shard by shard, insertion order within a shard) but not insertion order overall.

import { fnv1a32, fnv1a32Mix } from '../util/hash';

const SHARDS = 256;

/** FNV-1a over the key's last 12 characters and its length: object names differ mostly at the end. */
function shardOf(k: string): number {
  return fnv1a32(k, Math.max(0, k.length - 12), fnv1a32Mix(k.length)) & (SHARDS - 1);
}

export class CowMap<V> {
  private shards: (Map<string, V> | undefined)[];
  /**
   * Each shard's values as an array, built on the first `toArray` after a write to the shard and
   * shared with forks: listing 50,000 pods after one pod changed rebuilds one shard's array.
   */
  private arrays: (V[] | undefined)[];
  /** The shards this map may write in place; null while it shares its shard lists with a fork. */
  private owned: Uint8Array | null;
  private count: number;

  constructor(from?: CowMap<V>) {
    this.shards = from ? from.shards : new Array<Map<string, V> | undefined>(SHARDS).fill(undefined);
    this.arrays = from ? from.arrays : new Array<V[] | undefined>(SHARDS).fill(undefined);
    this.owned = from ? null : new Uint8Array(SHARDS);
    this.count = from ? from.count : 0;
    // A fork shares everything until a write: then the writer (either side) copies the shard list
    // and the shard it changes. Most forks of a store see no write to most of its kinds.
    if (from) from.owned = null;
  }

  fork(): CowMap<V> {
    return new CowMap(this);
  }

  get size(): number {
    return this.count;
  }

  get(k: string): V | undefined {
    return this.shards[shardOf(k)]?.get(k);
  }

  has(k: string): boolean {
    return this.shards[shardOf(k)]?.has(k) ?? false;
  }

  private writable(i: number): Map<string, V> {
    if (!this.owned) {
      // Maps sharing these lists hold the same shards; the writer takes its own copies first.
      this.shards = this.shards.slice();
      this.arrays = this.arrays.slice();
      this.owned = new Uint8Array(SHARDS);
    }
    this.arrays[i] = undefined;
    let m = this.shards[i];
    if (!m || !this.owned[i]) {
      m = new Map(m);
      this.shards[i] = m;
      this.owned[i] = 1;
    }
    return m;
  }

  set(k: string, v: V): void {
    const m = this.writable(shardOf(k));
    if (!m.has(k)) this.count++;
    m.set(k, v);
  }

  delete(k: string): boolean {
    const i = shardOf(k);
    if (!this.shards[i]?.has(k)) return false;
    this.writable(i).delete(k);
    this.count--;
    return true;
  }

  *entries(): IterableIterator<[string, V]> {
    for (const m of this.shards) if (m) yield* m.entries();
  }

  *values(): IterableIterator<V> {
    for (const m of this.shards) if (m) yield* m.values();
  }

  *keys(): IterableIterator<string> {
    for (const m of this.shards) if (m) yield* m.keys();
  }

  toArray(): V[] {
    const parts: V[][] = [];
    for (let i = 0; i < SHARDS; i++) {
      const m = this.shards[i];
      if (!m || m.size === 0) continue;
      let a = this.arrays[i];
      if (!a) {
        a = [...m.values()];
        this.arrays[i] = a;
      }
      parts.push(a);
    }
    return ([] as V[]).concat(...parts);
  }
}
