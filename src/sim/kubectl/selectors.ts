// How kubectl prints label selectors and label maps: metav1.FormatLabelSelector (requirements sorted
// by key, `k=v`, `k in (a,b)`, `k notin (a,b)`, `k`, `!k`; `<none>` when empty, `<error>` when
// invalid) and labels.FormatLabels (`k=v` sorted, `<none>` when empty).

const byKey = <T>(entries: [string, T][]) => entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

/** labels.FormatLabels. */
export function formatLabels(m: unknown): string {
  const entries = m && typeof m === 'object' && !Array.isArray(m) ? Object.entries(m as Record<string, unknown>) : [];
  const text = byKey(entries).map(([k, v]) => `${k}=${String(v)}`).join(',');
  return text === '' ? '<none>' : text;
}

function requirement(r: unknown): [string, string] | undefined {
  if (!r || typeof r !== 'object') return undefined;
  const { key, operator, values } = r as { key?: unknown; operator?: unknown; values?: unknown };
  if (typeof key !== 'string') return undefined;
  const vals = Array.isArray(values) ? values.map(String).sort() : [];
  switch (operator) {
    case 'In':
      return vals.length ? [key, `${key} in (${vals.join(',')})`] : undefined;
    case 'NotIn':
      return vals.length ? [key, `${key} notin (${vals.join(',')})`] : undefined;
    case 'Exists':
      return vals.length ? undefined : [key, key];
    case 'DoesNotExist':
      return vals.length ? undefined : [key, `!${key}`];
    default:
      return undefined;
  }
}

/** metav1.FormatLabelSelector of a LabelSelector ({matchLabels, matchExpressions}); nil and {} are `<none>`. */
export function formatLabelSelector(sel: unknown): string {
  if (!sel || typeof sel !== 'object') return '<none>';
  const { matchLabels, matchExpressions } = sel as { matchLabels?: unknown; matchExpressions?: unknown };
  const reqs: [string, string][] = [];
  if (matchLabels && typeof matchLabels === 'object') {
    for (const [k, v] of Object.entries(matchLabels as Record<string, unknown>)) reqs.push([k, `${k}=${String(v)}`]);
  }
  for (const e of Array.isArray(matchExpressions) ? matchExpressions : []) {
    const r = requirement(e);
    if (!r) return '<error>';
    reqs.push(r);
  }
  const text = byKey(reqs).map(([, s]) => s).join(',');
  return text === '' ? '<none>' : text;
}
