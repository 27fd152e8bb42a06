// A string-keyed map that forks in O(1): what lets an incremental change to a cluster of 100,000
// objects cost in proportion to the change, not to the cluster.
//
// Two forms. A map starts *layered*: a plain Map of its own writes (`over`) above an optional
// frozen `base` shared with forks. A from-scratch build (no fork yet) is then one plain Map, the
// cheapest thing a reconcile of 100,000 objects can write to; a fork freezes what was written as
// the base of both sides, which then each write into a small overlay of their own. The first
// ordered read (toArray, values, keys, entries) turns the map *sharded*: entries in a fixed number
// of hash shards, a fork copying a shard only when it first writes to it, and each shard's values
// array kept for the next list. Iteration order is the sharded one in both forms (shard by shard,
// insertion order within a shard): a layered map only becomes sharded when it is iterated.

import { fnv1a32, fnv1a32Mix } from '../util/hash';

const SHARDS = 256;

/** A deleted base key in an overlay. */
const GONE: unique symbol = Symbol('deleted');

/** FNV-1a over the key's last 12 characters and its length: object names differ mostly at the end. */
function shardOf(k: string): number {
  return fnv1a32(k, Math.max(0, k.length - 12), fnv1a32Mix(k.length)) & (SHARDS - 1);
}

/** Overlay entries a fork may share before it compacts them into a new base (see `fork`). */
function overlayLimit(baseSize: number): number {
  return Math.max(128, 2 * Math.sqrt(baseSize));
}

interface Sharded<V> {
  shards: (Map<string, V> | undefined)[];
  /**
   * Each shard's values as an array, built on the first `toArray` after a write to the shard and
   * shared with forks: listing 50,000 pods after one pod changed rebuilds one shard's array.
   */
  arrays: (V[] | undefined)[];
  /** The shards this map may write in place; null while it shares its shard lists with a fork. */
  owned: Uint8Array | null;
}

/** Values are never `undefined` (an overlay reads `undefined` as "not written here"). */
export class CowMap<V> {
  /** Frozen entries shared with forks (layered form); null before the first fork. */
  private base: Map<string, V> | null = null;
  /** This map's writes above `base`: a value, or GONE for a deleted base key. */
  private over = new Map<string, V | typeof GONE>();
  /** `over` is shared with a fork: copied before the next write. */
  private overShared = false;
  /** Base keys deleted then set again: like a Map, they move to the end of the order. */
  private readded: Set<string> | null = null;
  private sharded: Sharded<V> | null = null;
  private count = 0;

  constructor(from?: CowMap<V>) {
    if (from) this.forkFrom(from);
  }

  private forkFrom(from: CowMap<V>): void {
    this.count = from.count;
    const s = from.sharded;
    if (s) {
      // A fork shares everything until a write: then the writer (either side) copies the shard list
      // and the shard it changes. Most forks of a store see no write to most of its kinds.
      this.sharded = { shards: s.shards, arrays: s.arrays, owned: null };
      s.owned = null;
      return;
    }
    if (!from.base || from.over.size > overlayLimit(from.base.size)) from.compact();
    this.base = from.base;
    if (from.over.size > 0) {
      this.over = from.over;
      this.readded = from.readded;
      this.overShared = from.overShared = true;
    }
  }

  /** Everything written so far becomes the frozen base (free when there is no base yet). */
  private compact(): void {
    this.base = this.base ? new Map(this.logical()) : (this.over as Map<string, V>);
    this.over = new Map();
    this.readded = null;
    this.overShared = false;
  }

  fork(): CowMap<V> {
    return new CowMap(this);
  }

  get size(): number {
    return this.count;
  }

  get(k: string): V | undefined {
    if (this.sharded) return this.sharded.shards[shardOf(k)]?.get(k);
    const v = this.over.get(k);
    if (v !== undefined) return v === GONE ? undefined : v;
    return this.base?.get(k);
  }

  has(k: string): boolean {
    return this.get(k) !== undefined;
  }

  private writableOver(): Map<string, V | typeof GONE> {
    if (this.overShared) {
      this.over = new Map(this.over);
      if (this.readded) this.readded = new Set(this.readded);
      this.overShared = false;
    }
    return this.over;
  }

  set(k: string, v: V): void {
    if (this.sharded) return this.setSharded(k, v);
    const over = this.writableOver();
    const prev = over.get(k);
    if (prev === GONE) {
      // A base key deleted and written again moves to the end, as it would in a Map.
      over.delete(k);
      (this.readded ??= new Set()).add(k);
      this.count++;
    } else if (prev === undefined && !this.base?.has(k)) {
      this.count++;
    }
    over.set(k, v);
  }

  delete(k: string): boolean {
    if (this.sharded) return this.deleteSharded(k);
    const v = this.over.get(k);
    if (v === GONE) return false;
    const inBase = this.base?.has(k) ?? false;
    if (v === undefined && !inBase) return false;
    const over = this.writableOver();
    if (inBase) over.set(k, GONE);
    else over.delete(k);
    this.count--;
    return true;
  }

  /** The layered entries in the order a Map written the same way would hold them. */
  private *logical(): IterableIterator<[string, V]> {
    const { base, over, readded } = this;
    if (base) {
      for (const [k, b] of base) {
        const v = over.get(k);
        if (v === GONE || readded?.has(k)) continue;
        yield [k, v === undefined ? b : v];
      }
    }
    for (const [k, v] of over) {
      if (v === GONE || (base?.has(k) && !readded?.has(k))) continue;
      yield [k, v];
    }
  }

  /** The sharded form, built from the layered one on the first ordered read. */
  private shardedForm(): Sharded<V> {
    if (this.sharded) return this.sharded;
    const shards = new Array<Map<string, V> | undefined>(SHARDS).fill(undefined);
    for (const [k, v] of this.logical()) {
      const i = shardOf(k);
      (shards[i] ??= new Map()).set(k, v);
    }
    const arrays = new Array<V[] | undefined>(SHARDS).fill(undefined);
    this.sharded = { shards, arrays, owned: new Uint8Array(SHARDS).fill(1) };
    this.base = null;
    this.over = new Map();
    this.readded = null;
    return this.sharded;
  }

  private writableShard(i: number): Map<string, V> {
    const s = this.sharded!;
    if (!s.owned) {
      // Maps sharing these lists hold the same shards; the writer takes its own copies first.
      s.shards = s.shards.slice();
      s.arrays = s.arrays.slice();
      s.owned = new Uint8Array(SHARDS);
    }
    s.arrays[i] = undefined;
    let m = s.shards[i];
    if (!m || !s.owned[i]) {
      m = new Map(m);
      s.shards[i] = m;
      s.owned[i] = 1;
    }
    return m;
  }

  private setSharded(k: string, v: V): void {
    const m = this.writableShard(shardOf(k));
    if (!m.has(k)) this.count++;
    m.set(k, v);
  }

  private deleteSharded(k: string): boolean {
    const i = shardOf(k);
    if (!this.sharded!.shards[i]?.has(k)) return false;
    this.writableShard(i).delete(k);
    this.count--;
    return true;
  }

  *entries(): IterableIterator<[string, V]> {
    for (const m of this.shardedForm().shards) if (m) yield* m.entries();
  }

  *values(): IterableIterator<V> {
    for (const m of this.shardedForm().shards) if (m) yield* m.values();
  }

  *keys(): IterableIterator<string> {
    for (const m of this.shardedForm().shards) if (m) yield* m.keys();
  }

  toArray(): V[] {
    const s = this.shardedForm();
    const parts: V[][] = [];
    for (let i = 0; i < SHARDS; i++) {
      const m = s.shards[i];
      if (!m || m.size === 0) continue;
      let a = s.arrays[i];
      if (!a) {
        a = [...m.values()];
        s.arrays[i] = a;
      }
      parts.push(a);
    }
    return ([] as V[]).concat(...parts);
  }
}
