// The JSONPath a CustomResourceDefinition's printer column names (k8s.io/client-go/util/jsonpath,
// "simple JSON paths" only, as the API server's table convertor accepts): fields (`.spec.replicas`,
// `.metadata.labels.app\.kubernetes\.io/name`), indexes (`[0]`, `[-1]`), `[*]`, quoted keys
// (`['x']`), and filters comparing a field with a literal (`[?(@.type=="Ready")]`). The column's
// value is the first result; a path the lab cannot read has none.

type Step =
  | { kind: 'field'; name: string }
  | { kind: 'index'; index: number }
  | { kind: 'all' }
  | { kind: 'filter'; path: string[]; op: '==' | '!='; value: string | number | boolean };

const FILTER = /^\?\(@((?:\.[A-Za-z0-9_-]+)+)\s*(==|!=)\s*(?:"([^"]*)"|'([^']*)'|(-?\d+(?:\.\d+)?)|(true|false))\s*\)$/;

function bracket(inner: string): Step | undefined {
  if (inner === '*') return { kind: 'all' };
  if (/^-?\d+$/.test(inner)) return { kind: 'index', index: Number(inner) };
  const quoted = /^'([^']*)'$|^"([^"]*)"$/.exec(inner);
  if (quoted) return { kind: 'field', name: quoted[1] ?? quoted[2]! };
  const f = FILTER.exec(inner);
  if (!f) return undefined;
  const value = f[3] ?? f[4] ?? (f[5] !== undefined ? Number(f[5]) : f[6] === 'true');
  return { kind: 'filter', path: f[1]!.slice(1).split('.'), op: f[2] as '==' | '!=', value };
}

/** The steps of a path (with or without the `{}` around it), or undefined when it is not simple. */
export function parsePath(text: string): Step[] | undefined {
  let s = text.trim();
  if (s.startsWith('{') && s.endsWith('}')) s = s.slice(1, -1).trim();
  const steps: Step[] = [];
  let i = 0;
  while (i < s.length) {
    if (s[i] === '.') {
      let name = '';
      i++;
      while (i < s.length && s[i] !== '.' && s[i] !== '[') {
        if (s[i] === '\\' && i + 1 < s.length) i++;
        name += s[i++];
      }
      if (name === '') return undefined;
      steps.push({ kind: 'field', name });
    } else if (s[i] === '[') {
      const end = s.indexOf(']', i);
      if (end < 0) return undefined;
      const step = bracket(s.slice(i + 1, end).trim());
      if (!step) return undefined;
      steps.push(step);
      i = end + 1;
    } else return undefined;
  }
  return steps;
}

function apply(step: Step, v: unknown): unknown[] {
  if (step.kind === 'field') {
    const o = v as Record<string, unknown> | null;
    return o && typeof o === 'object' && !Array.isArray(o) && Object.hasOwn(o, step.name) ? [o[step.name]] : [];
  }
  if (!Array.isArray(v)) return [];
  if (step.kind === 'all') return v;
  if (step.kind === 'index') {
    const i = step.index < 0 ? v.length + step.index : step.index;
    return i >= 0 && i < v.length ? [v[i]] : [];
  }
  return v.filter((item) => {
    let cur: unknown = item;
    for (const f of step.path) cur = cur && typeof cur === 'object' ? (cur as Record<string, unknown>)[f] : undefined;
    if (cur === undefined) return false;
    return step.op === '==' ? cur === step.value : cur !== step.value;
  });
}

/** The first value the path finds in `o`, or undefined when it finds none (or cannot be read). */
export function firstResult(o: unknown, path: string): unknown {
  return allResults(o, path)?.[0];
}

/** Every value the path finds in `o` (`[*]` and filters find several), or undefined when it cannot be read. */
export function allResults(o: unknown, path: string): unknown[] | undefined {
  const steps = parsePath(path);
  if (!steps) return undefined;
  let values: unknown[] = [o];
  for (const step of steps) values = values.flatMap((v) => apply(step, v));
  return values;
}

/** How the jsonpath printer writes a value: text as is, objects and lists as JSON. */
export function jsonpathText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v !== null && typeof v === 'object') return JSON.stringify(v);
  return String(v);
}
