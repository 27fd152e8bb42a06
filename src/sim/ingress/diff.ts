// A small line diff in unified format (what ingress-nginx logs with --v=2 before a reload:
// `diff -u` of the running and the new nginx.conf). Longest-common-subsequence over lines, which is
// plenty for teaching-sized configurations; very large inputs fall back to a whole replacement.

const MAX_CELLS = 4_000_000;

type Op = { kind: ' ' | '-' | '+'; text: string; a: number; b: number };

function lcsOps(a: readonly string[], b: readonly string[]): Op[] {
  // Trim the common head and tail first: configurations usually change in one place.
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const ops: Op[] = [];
  for (let i = 0; i < start; i++) ops.push({ kind: ' ', text: a[i]!, a: i, b: i });
  const n = endA - start;
  const m = endB - start;
  if (n * m > MAX_CELLS) {
    for (let i = start; i < endA; i++) ops.push({ kind: '-', text: a[i]!, a: i, b: start });
    for (let j = start; j < endB; j++) ops.push({ kind: '+', text: b[j]!, a: endA, b: j });
  } else {
    const t: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
    for (let i = n - 1; i >= 0; i--) {
      for (let j = m - 1; j >= 0; j--) {
        t[i]![j] = a[start + i] === b[start + j] ? t[i + 1]![j + 1]! + 1 : Math.max(t[i + 1]![j]!, t[i]![j + 1]!);
      }
    }
    let i = 0;
    let j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && a[start + i] === b[start + j]) {
        ops.push({ kind: ' ', text: a[start + i]!, a: start + i, b: start + j });
        i++;
        j++;
      } else if (i < n && (j === m || t[i + 1]![j]! >= t[i]![j + 1]!)) {
        // Deletions before insertions, as diff -u prints them.
        ops.push({ kind: '-', text: a[start + i]!, a: start + i, b: start + j });
        i++;
      } else {
        ops.push({ kind: '+', text: b[start + j]!, a: start + i, b: start + j });
        j++;
      }
    }
  }
  for (let k = 0; k < a.length - endA; k++) ops.push({ kind: ' ', text: a[endA + k]!, a: endA + k, b: endB + k });
  return ops;
}

/** Unified diff lines (`--- a`, `+++ b`, `@@ ... @@` hunks); empty when the inputs are equal. */
export function unifiedDiff(a: readonly string[], b: readonly string[], labels = { a: 'nginx.conf (running)', b: 'nginx.conf (new)' }, context = 3): string[] {
  const ops = lcsOps(a, b);
  if (ops.every((o) => o.kind === ' ')) return [];
  const out = [`--- ${labels.a}`, `+++ ${labels.b}`];
  let k = 0;
  while (k < ops.length) {
    if (ops[k]!.kind === ' ') {
      k++;
      continue;
    }
    // A hunk: from `context` lines before this change to `context` lines after the last change
    // that is no more than 2*context lines away.
    const from = Math.max(0, k - context);
    let end = k;
    let last = k;
    while (end < ops.length) {
      if (ops[end]!.kind !== ' ') last = end;
      else if (end - last > 2 * context) break;
      end++;
    }
    const to = Math.min(ops.length, last + context + 1);
    const hunk = ops.slice(from, to);
    const aStart = hunk.find((o) => o.kind !== '+')?.a ?? hunk[0]!.a;
    const bStart = hunk.find((o) => o.kind !== '-')?.b ?? hunk[0]!.b;
    const aLen = hunk.filter((o) => o.kind !== '+').length;
    const bLen = hunk.filter((o) => o.kind !== '-').length;
    out.push(`@@ -${aLen === 0 ? aStart : aStart + 1},${aLen} +${bLen === 0 ? bStart : bStart + 1},${bLen} @@`);
    for (const o of hunk) out.push(`${o.kind}${o.text}`);
    k = to;
  }
  return out;
}
