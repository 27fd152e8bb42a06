// kubectl's -o jsonpath=TEMPLATE and -o custom-columns=SPEC (k8s.io/client-go/util/jsonpath and
// kubectl's CustomColumnsPrinter), over the paths jsonpath.ts reads: text outside braces is printed as
// written, `{.path}` prints what the path finds (several values a space apart; a missing key prints
// nothing, as --allow-missing-template-keys=true has it), `{"\n"}` a string, `{range .path}...{end}`
// the body once per value with `.` and `@` standing for it.

import { allResults, jsonpathText } from './jsonpath';
import { relaxedPath } from './sortby';

type Part =
  | { kind: 'text'; text: string }
  | { kind: 'path'; path: string }
  | { kind: 'range'; path: string; body: Part[] };

/** The action's path relative to the current value: `@.a` and `$.a` as `.a`, `@` and `$` as nothing. */
function relative(action: string): string {
  return action.replace(/^[@$]/, '');
}

/** JSON string literals (`"\n"`) unescape; single-quoted ones are taken as written. */
function literal(action: string): string | undefined {
  if (action.length >= 2 && action.startsWith('"') && action.endsWith('"')) {
    try {
      return JSON.parse(action) as string;
    } catch {
      return undefined;
    }
  }
  return action.length >= 2 && action.startsWith("'") && action.endsWith("'") ? action.slice(1, -1) : undefined;
}

/** The template's parts, or the parser's complaint ("unclosed action", "not in range, nothing to end"). */
export function parseTemplate(t: string): Part[] | { error: string } {
  const stack: Part[][] = [[]];
  const ranges: Extract<Part, { kind: 'range' }>[] = [];
  let i = 0;
  while (i < t.length) {
    const open = t.indexOf('{', i);
    if (open < 0) {
      stack.at(-1)!.push({ kind: 'text', text: t.slice(i) });
      break;
    }
    if (open > i) stack.at(-1)!.push({ kind: 'text', text: t.slice(i, open) });
    const close = closing(t, open + 1);
    if (close < 0) return { error: 'unclosed action' };
    const action = t.slice(open + 1, close).trim();
    i = close + 1;
    const str = literal(action);
    if (str !== undefined) stack.at(-1)!.push({ kind: 'text', text: str });
    else if (action === 'end') {
      const r = ranges.pop();
      if (!r) return { error: 'not in range, nothing to end' };
      stack.pop();
    } else if (action.startsWith('range ')) {
      const r = { kind: 'range' as const, path: relative(action.slice(6).trim()), body: [] as Part[] };
      stack.at(-1)!.push(r);
      ranges.push(r);
      stack.push(r.body);
    } else if (/^[@$]?(?:[.[]|$)/.test(action)) stack.at(-1)!.push({ kind: 'path', path: relative(action) });
    else return { error: `unrecognized character in action: ${JSON.stringify(action[0] ?? '')}` };
  }
  if (ranges.length > 0) return { error: 'unclosed range' };
  return stack[0]!;
}

/** Where the action that starts at `from` closes, skipping quoted text; -1 when it does not. */
function closing(t: string, from: number): number {
  let quote: string | undefined;
  for (let i = from; i < t.length; i++) {
    const c = t[i]!;
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '}') return i;
  }
  return -1;
}

const found = (v: unknown, path: string): unknown[] => (path === '' ? [v] : allResults(v, path) ?? []);

/** The template run over `root`. */
export function runTemplate(parts: readonly Part[], root: unknown): string {
  let out = '';
  for (const p of parts) {
    if (p.kind === 'text') out += p.text;
    else if (p.kind === 'path') out += found(root, p.path).map(jsonpathText).join(' ');
    else for (const v of found(root, p.path)) out += runTemplate(p.body, v);
  }
  return out;
}

/** -o custom-columns=NAME:.metadata.name,...: each column's header and its (relaxed) path. */
export function parseColumns(spec: string): { header: string; path: string }[] | { error: string } {
  if (spec === '') return { error: 'custom-columns format specified but no custom columns given' };
  const columns: { header: string; path: string }[] = [];
  for (const part of spec.split(',')) {
    const colon = part.indexOf(':');
    if (colon < 0) return { error: `unexpected custom-columns spec: ${part}, expected <header>:<json-path-expr>` };
    const path = relaxedPath(part.slice(colon + 1));
    if (typeof path !== 'string') return path;
    columns.push({ header: part.slice(0, colon), path: path.slice(1, -1) });
  }
  return columns;
}

/** A custom column's cell: every value the path finds, comma-separated, or <none>. */
export function columnCell(o: unknown, path: string): string {
  const values = found(o, path);
  return values.length === 0 ? '<none>' : values.map(jsonpathText).join(',');
}
