// A string-keyed map that forks in O(1): what lets an incremental change to a cluster of 100,000
// objects cost in proportion to the change, not to the cluster.
//
// Lookups go through layers: a plain Map of the map's own writes (`over`) above an optional frozen
// `base` shared with forks. A from-scratch build (no fork yet) is one plain Map, the cheapest thing
// a reconcile of 100,000 objects can write to; a fork freezes what was written as the base of both
// sides, which then each write into a small overlay of their own (compacted into a new base when it
// outgrows ~2·sqrt(size)). Iteration order is the one the store has always listed in: shard by shard
// (a hash of the key), insertion order within a shard. It is built on the first ordered read as one
// key and one value array per shard, shared with forks and copied per shard on a fork's first
// write to it, so listing 50,000 pods after one pod changed copies one shard's arrays.

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

/** The iteration order: each shard's keys and values, in insertion order. */
interface Order<V> {
  keys: (string[] | undefined)[];
  vals: (V[] | undefined)[];
  /** The shards this map may change in place; null while it shares these lists with a fork. */
  owned: Uint8Array | null;
}

/** Values are never `undefined` (an overlay reads `undefined` as "not written here"). */
export class CowMap<V> {
  /** Frozen entries shared with forks; null before the first fork. */
  private base: Map<string, V> | null = null;
  /** This map's writes above `base`: a value, or GONE for a deleted base key. */
  private over = new Map<string, V | typeof GONE>();
  /** `over` is shared with a fork: copied before the next write. */
  private overShared = false;
  /** Base keys deleted then set again: like a Map, they move to the end of the order. */
  private readded: Set<string> | null = null;
  /** The iteration order, once something iterated this map (or the map it was forked from). */
  private order: Order<V> | null = null;
  private count = 0;
  /**
   * The last key read or written and its value (undefined: absent), kept in step by every write: a
   * controller reads an object and then writes it (the store looks up the old version again), the
   * pods of one owner come one after another. A hit saves a hash lookup in a map of ~50,000 keys.
   */
  private lastKey: string | undefined;
  private lastVal: V | undefined;

  constructor(from?: CowMap<V>) {
    if (from) this.forkFrom(from);
  }

  private forkFrom(from: CowMap<V>): void {
    this.count = from.count;
    if (!from.base || from.over.size > overlayLimit(from.base.size)) from.compact();
    this.base = from.base;
    if (from.over.size > 0) {
      this.over = from.over;
      this.readded = from.readded;
      this.overShared = from.overShared = true;
    }
    const o = from.order;
    if (o) {
      // Both sides share the order until a write: then the writer copies the shard lists and the
      // shard it changes. Most forks of a store see no write to most of its kinds.
      this.order = { keys: o.keys, vals: o.vals, owned: null };
      o.owned = null;
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
    if (k === this.lastKey) return this.lastVal;
    const o = this.over.get(k);
    const v = o === undefined ? this.base?.get(k) : o === GONE ? undefined : o;
    this.lastKey = k;
    this.lastVal = v;
    return v;
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
    this.lastKey = k;
    this.lastVal = v;
    const over = this.writableOver();
    if (!this.base) {
      // Built from scratch (no fork yet): one plain Map with no deleted markers, so its size says
      // whether the key is new; one hash lookup per write instead of two.
      const before = over.size;
      over.set(k, v);
      const added = over.size !== before;
      if (added) this.count++;
      if (this.order) this.reorder(k, added ? 'append' : 'replace', v);
      return;
    }
    const prev = over.get(k);
    let added = false;
    if (prev === GONE) {
      // A base key deleted and written again moves to the end, as it would in a Map.
      over.delete(k);
      (this.readded ??= new Set()).add(k);
      added = true;
    } else if (prev === undefined && !this.base?.has(k)) {
      added = true;
    }
    over.set(k, v);
    if (added) this.count++;
    if (this.order) this.reorder(k, added ? 'append' : 'replace', v);
  }

  delete(k: string): boolean {
    this.lastKey = k;
    this.lastVal = undefined;
    const v = this.over.get(k);
    if (v === GONE) return false;
    const inBase = this.base?.has(k) ?? false;
    if (v === undefined && !inBase) return false;
    const over = this.writableOver();
    if (inBase) over.set(k, GONE);
    else over.delete(k);
    this.count--;
    if (this.order) this.reorder(k, 'remove', undefined);
    return true;
  }

  /** The entries in the order a Map written the same way would hold them. */
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

  /** The iteration order, built on the first ordered read: the entries bucketed by shard. */
  private ordered(): Order<V> {
    if (this.order) return this.order;
    const keys = new Array<string[] | undefined>(SHARDS).fill(undefined);
    const vals = new Array<V[] | undefined>(SHARDS).fill(undefined);
    const put = (v: V, k: string): void => {
      const i = shardOf(k);
      (keys[i] ??= []).push(k);
      (vals[i] ??= []).push(v);
    };
    // forEach, not entries(): no [key, value] pair per entry (50,000 of them for the pods).
    if (this.base) for (const [k, v] of this.logical()) put(v, k);
    else (this.over as Map<string, V>).forEach(put);
    this.order = { keys, vals, owned: new Uint8Array(SHARDS).fill(1) };
    return this.order;
  }

  /** Keeps the order after a write: a new key goes last in its shard, a replaced one stays put. */
  private reorder(k: string, op: 'append' | 'replace' | 'remove', v: V | undefined): void {
    const o = this.order!;
    if (!o.owned) {
      o.keys = o.keys.slice();
      o.vals = o.vals.slice();
      o.owned = new Uint8Array(SHARDS);
    }
    const i = shardOf(k);
    let keys = o.keys[i];
    let vals = o.vals[i];
    if (!keys || !vals || !o.owned[i]) {
      keys = o.keys[i] = keys ? keys.slice() : [];
      vals = o.vals[i] = vals ? vals.slice() : [];
      o.owned[i] = 1;
    }
    if (op === 'append') {
      keys.push(k);
      vals.push(v as V);
      return;
    }
    const j = keys.indexOf(k);
    if (op === 'replace') vals[j] = v as V;
    else {
      keys.splice(j, 1);
      vals.splice(j, 1);
    }
  }

  *entries(): IterableIterator<[string, V]> {
    const o = this.ordered();
    for (let i = 0; i < SHARDS; i++) {
      const keys = o.keys[i];
      const vals = o.vals[i];
      if (keys && vals) for (let j = 0; j < keys.length; j++) yield [keys[j]!, vals[j]!];
    }
  }

  *values(): IterableIterator<V> {
    for (const vals of this.ordered().vals) if (vals) yield* vals;
  }

  *keys(): IterableIterator<string> {
    for (const keys of this.ordered().keys) if (keys) yield* keys;
  }

  toArray(): V[] {
    const parts: V[][] = [];
    for (const vals of this.ordered().vals) if (vals && vals.length > 0) parts.push(vals);
    return ([] as V[]).concat(...parts);
  }
}
