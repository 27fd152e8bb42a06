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
 *  characters after the names' common prefix, then each run that shares its key the same way; small
 *  runs, and names with other than ASCII there, with the string comparator. */
function sortIndices(names: readonly string[], idx: number[]): number[] {
  const n = idx.length;
  const key = n >= 16 ? prefixKeys(names, idx) : undefined;
  if (!key) return n <= 32 ? insertionSort(names, idx) : idx.sort((a, b) => compareNames(names[a]!, names[b]!));
  const { keys, span, ended } = key;
  keys.sort();
  const order = new Array<number>(n);
  for (let i = 0; i < n; i++) order[i] = idx[keys[i]! % span]!;
  for (let i = 0; i < n; ) {
    const k = Math.floor(keys[i]! / span);
    let j = i + 1;
    while (j < n && Math.floor(keys[j]! / span) === k) j++;
    // Equal keys come out in ascending index order, so the sort stays stable. Names that ended
    // inside the key (its last character missing) are equal: already in order.
    if (j - i > 1 && !ended(k)) {
      const run = sortIndices(names, order.slice(i, j));
      for (let r = 0; r < run.length; r++) order[i + r] = run[r]!;
    }
    i = j;
  }
  return order;
}

/**
 * Per name (in `idx` order): the characters after the names' common prefix as the digits of a
 * number (a missing character below every present one), as many as fit beside the index, times
 * `span`, plus the name's position in `idx`. Undefined when a character there is not ASCII.
 */
function prefixKeys(
  names: readonly string[],
  idx: readonly number[],
): { keys: Float64Array; span: number; ended: (key: number) => boolean } | undefined {
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
  const window = Math.floor((EXACT_BITS - indexBits) / 5);
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
  const chars = Math.min(window, Math.floor((EXACT_BITS - indexBits) / Math.log2(base)));
  const span = 2 ** indexBits;
  const keys = new Float64Array(idx.length);
  for (let i = 0; i < idx.length; i++) {
    const s = names[idx[i]!]!;
    let k = 0;
    for (let j = p; j < p + chars; j++) k = k * base + (j < s.length ? s.charCodeAt(j) - lo + 1 : 0);
    keys[i] = k * span + i;
  }
  return { keys, span, ended: (key) => key % base === 0 };
}
