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

/** Characters per numeric key (7 bits each) and bits left for the item's index in a double's 53. */
const KEY_CHARS = 5;
const INDEX_BITS = 53 - 7 * KEY_CHARS;
const INDEX_SPAN = 2 ** INDEX_BITS;

/** `items` sorted by `name` (a new array; equal names keep their order). */
export function sortedByName<T>(items: readonly T[], name: (x: T) => string): T[] {
  const names = items.map(name);
  return sortIndices(names, names.map((_, i) => i)).map((i) => items[i]!);
}

/** `idx` (indices into `names`, ascending) in name order. Sorts natively by the KEY_CHARS
 *  characters after the names' common prefix, then each run that shares them the same way
 *  (small runs, and names with other than ASCII there, with the string comparator). */
function sortIndices(names: readonly string[], idx: number[]): number[] {
  const n = idx.length;
  const keys = n >= 64 && n < INDEX_SPAN ? prefixKeys(names, idx) : undefined;
  if (!keys) return idx.sort((a, b) => compareNames(names[a]!, names[b]!));
  keys.sort();
  const order = new Array<number>(n);
  for (let i = 0; i < n; i++) order[i] = idx[keys[i]! % INDEX_SPAN]!;
  for (let i = 0; i < n; ) {
    const k = Math.floor(keys[i]! / INDEX_SPAN);
    let j = i + 1;
    while (j < n && Math.floor(keys[j]! / INDEX_SPAN) === k) j++;
    // Equal keys come out in ascending index order, so the sort stays stable. A key whose last
    // character is missing belongs to names that ended inside it: equal names, already in order.
    if (j - i > 1 && k % 128 !== 0) {
      const run = sortIndices(names, order.slice(i, j));
      for (let r = 0; r < run.length; r++) order[i + r] = run[r]!;
    }
    i = j;
  }
  return order;
}

/** Per name (in `idx` order): its KEY_CHARS characters after the names' common prefix as a number
 *  (a missing character below every present one), times INDEX_SPAN, plus its position in `idx`;
 *  undefined when a character there is not ASCII (the caller compares strings then). */
function prefixKeys(names: readonly string[], idx: readonly number[]): Float64Array | undefined {
  const first = names[idx[0]!]!;
  let p = first.length;
  for (const i of idx) {
    const s = names[i]!;
    let q = 0;
    while (q < p && q < s.length && s.charCodeAt(q) === first.charCodeAt(q)) q++;
    p = q;
  }
  const keys = new Float64Array(idx.length);
  for (let i = 0; i < idx.length; i++) {
    const s = names[idx[i]!]!;
    let k = 0;
    for (let j = p; j < p + KEY_CHARS; j++) {
      const c = j < s.length ? s.charCodeAt(j) + 1 : 0;
      if (c > 127) return undefined;
      k = k * 128 + c;
    }
    keys[i] = k * INDEX_SPAN + i;
  }
  return keys;
}
