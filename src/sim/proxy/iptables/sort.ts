// Name order at kube-proxy's scale. The payload lists per-service chains by name (the order
// kube-proxy's own tests compare restore text in), and at 10k Services x 5 endpoints that is 60,000
// hash-named chains: a sort with a string comparator called from JavaScript a million times was a
// sixth of a full compile. Here each name's first characters after the common prefix become a
// number, the numbers are sorted natively, and names sharing those characters are sorted the same
// way by their next characters (most significant digit first, as a radix sort). The result is
// exactly the comparator sort's (UTF-16 code unit order, stable).

/** UTF-16 code unit order, as `<` compares strings (and Go's sort.Strings for ASCII names). */
export function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `items` sorted by `name` (a new array; equal names keep their order). */
export function sortedByName<T>(items: readonly T[], name: (x: T) => string): T[] {
  const names = items.map(name);
  return sortIndices(names, names.map((_, i) => i)).map((i) => items[i]!);
}

/** `idx` in name order by insertion (stable): the runs left after the keys are a few names each, and
 *  the built-in sort allocates its merge state on every call. */
function insertionSort(names: readonly string[], idx: number[]): number[] {
  for (let i = 1; i < idx.length; i++) {
    const x = idx[i]!;
    const name = names[x]!;
    let j = i;
    for (; j > 0 && names[idx[j - 1]!]! > name; j--) idx[j] = idx[j - 1]!;
    idx[j] = x;
  }
  return idx;
}

/** A double holds integers exactly up to 2^53: the key's characters and the item's index share them. */
const EXACT_BITS = 53;

/** `idx` (indices into `names`, ascending) in name order. Sorts natively by a key made of the
 *  characters after the names' common prefix; each run that shares that key by a second key of the
 *  characters after those, made in the same pass over the names (a run is sorted without reading
 *  its names again); small lists, and names with other than ASCII there, with the string comparator. */
function sortIndices(names: readonly string[], idx: number[]): number[] {
  const n = idx.length;
  const key = n >= 16 ? prefixKeys(names, idx) : undefined;
  if (!key) return n <= 32 ? insertionSort(names, idx) : idx.sort((a, b) => compareNames(names[a]!, names[b]!));
  const { keys, span, base } = key;
  keys.sort();
  // Positions in `idx` first: the second keys are by position.
  const order = new Array<number>(n);
  for (let i = 0; i < n; i++) order[i] = keys[i]! % span;
  for (let i = 0; i < n; ) {
    const k = Math.floor(keys[i]! / span);
    let j = i + 1;
    while (j < n && Math.floor(keys[j]! / span) === k) j++;
    // Equal keys come out in ascending position order, so the sort stays stable. Names that ended
    // inside the key (its last character missing) are equal: already in order.
    if (j - i > 1 && k % base !== 0) sortRun(names, idx, order, i, j, key);
    i = j;
  }
  for (let i = 0; i < n; i++) order[i] = idx[order[i]!]!;
  return order;
}

/** `order[from..to)` (positions whose names share the first key) by the second key, which carries
 *  the position, so sorting its values is stable; names equal in both keys, which a key does not
 *  tell apart (rare), by the string comparator. */
function sortRun(names: readonly string[], idx: readonly number[], order: number[], from: number, to: number,
  key: PrefixKeys): void {
  const { next, span, base } = key;
  if (to - from <= 32) {
    for (let i = from + 1; i < to; i++) {
      const x = order[i]!;
      const v = next[x]!;
      let j = i;
      for (; j > from && next[order[j - 1]!]! > v; j--) order[j] = order[j - 1]!;
      order[j] = x;
    }
  } else {
    const vals = new Float64Array(to - from);
    for (let i = from; i < to; i++) vals[i - from] = next[order[i]!]!;
    vals.sort();
    for (let i = from; i < to; i++) order[i] = vals[i - from]! % span;
  }
  for (let i = from; i < to; ) {
    const k = Math.floor(next[order[i]!]! / span);
    let j = i + 1;
    while (j < to && Math.floor(next[order[j]!]! / span) === k) j++;
    if (j - i > 1 && k % base !== 0) {
      const run = order.slice(i, j).sort((a, b) => compareNames(names[idx[a]!]!, names[idx[b]!]!));
      for (let r = 0; r < run.length; r++) order[i + r] = run[r]!;
    }
    i = j;
  }
}

interface PrefixKeys {
  /** Per position: the first key times `span`, plus the position. */
  keys: Float64Array;
  /** Per position: the second key (the characters after the first key's) times `span`, plus the position. */
  next: Float64Array;
  span: number;
  /** The digits' base: a key that is a multiple of it is of a name that ended inside it. */
  base: number;
}

/**
 * Per name (in `idx` order): the characters after the names' common prefix as the digits of a
 * number (a missing character below every present one), as many as fit beside the index, times
 * `span`, plus the name's position in `idx`; and the same of the characters after those. Undefined
 * when a character there is not ASCII.
 */
function prefixKeys(names: readonly string[], idx: readonly number[]): PrefixKeys | undefined {
  const first = names[idx[0]!]!;
  let p = first.length;
  for (const i of idx) {
    const s = names[i]!;
    let q = 0;
    while (q < p && q < s.length && s.charCodeAt(q) === first.charCodeAt(q)) q++;
    p = q;
  }
  // The digits' base: the range of characters found there (hash names use 33 of them: 6 bits).
  const indexBits = Math.ceil(Math.log2(idx.length + 1));
  const window = 2 * Math.floor((EXACT_BITS - indexBits) / 5);
  let lo = 127;
  let hi = 0;
  for (const i of idx) {
    const s = names[i]!;
    for (let j = p; j < p + window && j < s.length; j++) {
      const c = s.charCodeAt(j);
      if (c > 127) return undefined;
      if (c < lo) lo = c;
      if (c > hi) hi = c;
    }
  }
  const base = 2 ** Math.ceil(Math.log2(Math.max(hi - lo + 2, 2)));
  const chars = Math.min(window >> 1, Math.floor((EXACT_BITS - indexBits) / Math.log2(base)));
  const span = 2 ** indexBits;
  const keys = new Float64Array(idx.length);
  const next = new Float64Array(idx.length);
  for (let i = 0; i < idx.length; i++) {
    const s = names[idx[i]!]!;
    let k = 0;
    for (let j = p; j < p + chars; j++) k = k * base + (j < s.length ? s.charCodeAt(j) - lo + 1 : 0);
    keys[i] = k * span + i;
    k = 0;
    for (let j = p + chars; j < p + 2 * chars; j++) k = k * base + (j < s.length ? s.charCodeAt(j) - lo + 1 : 0);
    next[i] = k * span + i;
  }
  return { keys, next, span, base };
}
