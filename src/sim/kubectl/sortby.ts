// `kubectl get --sort-by=<jsonpath>` as kubectl's sorter does it (kubectl/pkg/cmd/get/sorter.go): the
// path made relaxed (`.a.b`, `a.b`, `{.a.b}`), refused when no listed object has the field, each object's
// first value compared by type (numbers as numbers; strings as quantities when both are, else in natural
// order, digits runs as numbers; an object without the field sorts first), with Go's sort.Sort, which
// is an insertion sort for the dozen rows a table here has.

import { firstResult } from './jsonpath';

/** printers.RelaxedJSONPathExpression: `{.a.b}` from `.a.b`, `a.b`, `{a.b}` or `{.a.b}`. */
export function relaxedPath(field: string): string | { error: string } {
  const m = /^\{\.?([^{}]+)\}$|^\.?([^{}]+)$/.exec(field);
  if (!m) {
    return {
      error: "unexpected path string, expected a 'name1.name2' or '.name1.name2' or '{name1.name2}' or "
        + "'{.name1.name2}'",
    };
  }
  return `{.${m[1] ?? m[2]}}`;
}

const isDigit = (c: string) => c >= '0' && c <= '9';

/** sortorder.NaturalLess: runs of digits compare as numbers (then by leading zeros), the rest bytewise. */
export function naturalLess(a: string, b: string): boolean {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const ca = a[i]!;
    const cb = b[j]!;
    const da = isDigit(ca);
    const db = isDigit(cb);
    if (da !== db) return da;
    if (!da) {
      if (ca !== cb) return ca < cb;
      i++;
      j++;
      continue;
    }
    while (i < a.length && a[i] === '0') i++;
    while (j < b.length && b[j] === '0') j++;
    const na = i;
    const nb = j;
    while (i < a.length && isDigit(a[i]!)) i++;
    while (j < b.length && isDigit(b[j]!)) j++;
    if (i - na !== j - nb) return i - na < j - nb;
    const ra = a.slice(na, i);
    const rb = b.slice(nb, j);
    if (ra !== rb) return ra < rb;
    if (na !== nb) return na < nb;
  }
  return a.length - i < b.length - j;
}

const SUFFIX: Record<string, number> = {
  n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
  Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
};

/** resource.ParseQuantity's value of `s`, or undefined when `s` is not a quantity. */
function quantity(s: string): number | undefined {
  const m = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(?:([eE][+-]?\d+)|([a-zA-Z]*))$/.exec(s);
  if (!m) return undefined;
  if (m[2]) return Number(m[1] + m[2]);
  const scale = SUFFIX[m[3] ?? ''];
  return scale === undefined ? undefined : Number(m[1]) * scale;
}

/** isLess over the values the JSON path found (undefined: not found). */
function less(a: unknown, b: unknown): boolean {
  if (a === undefined) return true;
  if (b === undefined) return false;
  if (typeof a === 'number' && typeof b === 'number') return a < b;
  if (typeof a === 'string' && typeof b === 'string') {
    const qa = quantity(a);
    const qb = quantity(b);
    return qa !== undefined && qb !== undefined ? qa < qb : naturalLess(a, b);
  }
  return false;
}

/**
 * `items` sorted by the first value of `field` in each (`valueOf` may answer for a path the lab keeps
 * elsewhere, such as creation times), or kubectl's error.
 */
export function sortedBy<T>(
  items: readonly T[],
  field: string,
  valueOf: (item: T, path: string) => unknown = (item, path) => firstResult(item, path),
): T[] | { error: string } {
  const path = relaxedPath(field);
  if (typeof path !== 'string') return path;
  const values = items.map((item) => valueOf(item, path));
  if (items.length > 0 && values.every((v) => v === undefined)) {
    return { error: `couldn't find any field with path ${JSON.stringify(path)} in the list of objects` };
  }
  const order = items.map((_, i) => i);
  // Go's insertionSort: each row moves left while it is less than the one before it.
  for (let i = 1; i < order.length; i++) {
    for (let j = i; j > 0 && less(values[order[j]!], values[order[j - 1]!]); j--) {
      [order[j], order[j - 1]] = [order[j - 1]!, order[j]!];
    }
  }
  return order.map((i) => items[i]!);
}
