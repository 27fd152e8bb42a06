// The simulation's only source of randomness (ARCHITECTURE.md principle 5). A small, well-known
// generator (sfc32) whose whole state is four 32-bit words, so it can be saved in a trace, copied
// for an A/B comparison and replayed in any JavaScript engine with identical results.

export interface RandState {
  readonly a: number;
  readonly b: number;
  readonly c: number;
  readonly d: number;
}

export class SeededRandom {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(state: RandState) {
    this.a = state.a >>> 0;
    this.b = state.b >>> 0;
    this.c = state.c >>> 0;
    this.d = state.d >>> 0;
  }

  /** A generator for a seed (any string or number), mixed with a purpose label so that
   * independent consumers (pod names, iptables statistic, ...) do not share one stream. */
  static fromSeed(seed: string | number, purpose = ''): SeededRandom {
    // hash128(`${seed}\u0000${purpose}`) fed in parts: no joined string to build and flatten.
    const h = new Hash128().add(String(seed)).add('\u0000').add(purpose).end();
    const r = new SeededRandom({ a: h.h1, b: h.h2, c: h.h3, d: h.h4 });
    for (let i = 0; i < 12; i++) r.nextUint32();
    return r;
  }

  state(): RandState {
    return { a: this.a, b: this.b, c: this.c, d: this.d };
  }

  clone(): SeededRandom {
    return new SeededRandom(this.state());
  }

  nextUint32(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = ((this.c << 21) | (this.c >>> 11)) >>> 0;
    this.c = (this.c + t) >>> 0;
    return t;
  }

  /** A float in [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Fisher-Yates shuffle into a new array. */
  shuffle<T>(items: readonly T[]): T[] {
    const out = items.slice();
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [out[i], out[j]] = [out[j]!, out[i]!];
    }
    return out;
  }
}

/**
 * hash128 fed one part at a time, its result read from `h1`..`h4` after `end()`: no array per call
 * for a caller that hashes many keys (the store's uids, one per object).
 */
export class Hash128 {
  h1 = 0;
  h2 = 0;
  h3 = 0;
  h4 = 0;

  constructor() {
    this.begin();
  }

  begin(): this {
    this.h1 = 1779033703;
    this.h2 = 3144134277;
    this.h3 = 1013904242;
    this.h4 = 2773480762;
    return this;
  }

  /** Hashes `str` from index `from` on (a caller that hashed its head already starts there). */
  add(str: string, from = 0): this {
    let { h1, h2, h3, h4 } = this;
    for (let i = from; i < str.length; i++) {
      const k = str.charCodeAt(i);
      h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
      h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
      h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
      h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
    }
    this.h1 = h1;
    this.h2 = h2;
    this.h3 = h3;
    this.h4 = h4;
    return this;
  }

  /** Takes over `other`'s state (a prefix hashed once, continued many times). */
  copy(other: Hash128): this {
    this.h1 = other.h1;
    this.h2 = other.h2;
    this.h3 = other.h3;
    this.h4 = other.h4;
    return this;
  }

  /** The final mix: h1..h4 hold the words hash128 returns. */
  end(): this {
    let { h1, h2, h3, h4 } = this;
    h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
    h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
    h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
    h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
    h1 ^= h2 ^ h3 ^ h4;
    h2 ^= h1;
    h3 ^= h1;
    h4 ^= h1;
    this.h1 = h1 >>> 0;
    this.h2 = h2 >>> 0;
    this.h3 = h3 >>> 0;
    this.h4 = h4 >>> 0;
    return this;
  }
}

/**
 * cyrb128: a fast non-cryptographic 128-bit string hash, used only to seed the generator. Several
 * parts hash as their concatenation would (without building it: the store hashes one per object).
 */
export function hash128(...parts: string[]): [number, number, number, number] {
  const h = new Hash128();
  for (const str of parts) h.add(str);
  h.end();
  return [h.h1, h.h2, h.h3, h.h4];
}
