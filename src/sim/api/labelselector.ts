// Label selectors as text, the way the apiserver reads `?labelSelector=` (kubectl's -l / --selector):
// k8s.io/apimachinery/pkg/labels Parse. The grammar, the requirement checks (NewRequirement) and the
// error texts are the package's, so a bad selector is refused in the apiserver's words:
//
//   selector    := requirement ("," requirement)*  (empty: everything)
//   requirement := ["!"] KEY [("in" | "notin") "(" VALUE ("," VALUE)* ")" | ("=" | "==" | "!=" | ">" | "<") VALUE]

import { formatFieldError, invalid, str, type FieldError } from './errors';
import { isQualifiedName, isValidLabelValue } from './names';

export type SelectorOperator = 'in' | 'notin' | '=' | '==' | '!=' | 'gt' | 'lt' | 'exists' | '!';

export interface Requirement {
  key: string;
  op: SelectorOperator;
  /** Sorted and without repeats (the parser collects them in a set). */
  values: string[];
}

export type ParsedSelector = { ok: true; requirements: Requirement[] } | { ok: false; error: string };

type Tok = 'end' | ')' | ',' | '!' | '==' | '=' | '>' | 'id' | 'in' | '<' | '!=' | 'notin' | '(';

interface Item {
  tok: Tok;
  lit: string;
}

const SYMBOLS: ReadonlySet<string> = new Set(['=', '!', '(', ')', ',', '>', '<']);
const SYMBOL_TOKENS: ReadonlySet<string> = new Set([')', ',', '!', '==', '=', '>', '<', '!=', '(']);
const isSpace = (c: string) => c === ' ' || c === '\t' || c === '\r' || c === '\n';

/** The lexer: keywords and identifiers run to a symbol or a blank; a symbol run is the longest token it starts. */
function scan(s: string): Item[] {
  const items: Item[] = [];
  let i = 0;
  for (;;) {
    while (i < s.length && isSpace(s[i]!)) i++;
    if (i >= s.length) {
      items.push({ tok: 'end', lit: '' });
      return items;
    }
    if (SYMBOLS.has(s[i]!)) {
      let lit = s[i++]!;
      if (i < s.length && SYMBOL_TOKENS.has(lit + s[i])) lit += s[i++];
      items.push({ tok: lit as Tok, lit });
      continue;
    }
    const start = i;
    while (i < s.length && !SYMBOLS.has(s[i]!) && !isSpace(s[i]!)) i++;
    const lit = s.slice(start, i);
    items.push({ tok: lit === 'in' || lit === 'notin' ? lit : 'id', lit });
  }
}

class SelectorError extends Error {}

/** Reads tokens; where a value may stand, `in` and `notin` are values. */
class Parser {
  private at = 0;
  constructor(private readonly items: Item[]) {}

  peek(values: boolean): Item {
    return this.asValue(this.items[this.at]!, values);
  }

  next(values: boolean): Item {
    return this.asValue(this.items[this.at++]!, values);
  }

  private asValue(item: Item, values: boolean): Item {
    return values && (item.tok === 'in' || item.tok === 'notin') ? { tok: 'id', lit: item.lit } : item;
  }
}

const fail = (message: string): never => {
  throw new SelectorError(message);
};

/** labels.Parse: the requirements sorted by key, or the error the apiserver answers with. */
export function parseLabelSelector(text: string): ParsedSelector {
  const p = new Parser(scan(text));
  const requirements: Requirement[] = [];
  try {
    for (;;) {
      const { tok, lit } = p.peek(true);
      if (tok === 'end') break;
      if (tok !== 'id' && tok !== '!') fail(`found '${lit}', expected: !, identifier, or 'end of string'`);
      requirements.push(requirement(p));
      const after = p.next(true);
      if (after.tok === 'end') break;
      if (after.tok !== ',') fail(`found '${after.lit}', expected: ',' or 'end of string'`);
      const following = p.peek(true);
      if (following.tok !== 'id' && following.tok !== '!') {
        fail(`found '${following.lit}', expected: identifier after ','`);
      }
    }
  } catch (e) {
    if (e instanceof SelectorError) return { ok: false, error: e.message };
    throw e;
  }
  requirements.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return { ok: true, requirements };
}

/** One requirement; its errors come prefixed as the parser's are ("unable to parse requirement: ..."). */
function requirement(p: Parser): Requirement {
  const wrap = (message: string) => fail(`unable to parse requirement: ${message}`);
  let op: SelectorOperator | undefined;
  let key = p.next(true);
  if (key.tok === '!') {
    op = '!';
    key = p.next(true);
  }
  if (key.tok !== 'id') wrap(`found '${key.lit}', expected: identifier`);
  const keyErrors = isQualifiedName(key.lit);
  if (keyErrors.length > 0) wrap(formatFieldError(invalid('<nil>', str(key.lit), keyErrors.join('; '))));
  const ahead = p.peek(true).tok;
  if (op === '!' || ahead === 'end' || ahead === ',') return { key: key.lit, op: op ?? 'exists', values: [] };
  const o = p.next(false);
  const binary = BINARY[o.tok];
  if (!binary) return wrap(`found '${o.lit}', expected: ${BINARY_NAMES}`);
  let values: string[] = [];
  try {
    values = binary === 'in' || binary === 'notin' ? valueSet(p) : [exactValue(p)];
  } catch (e) {
    if (e instanceof SelectorError) wrap(e.message);
    throw e;
  }
  const errors = requirementErrors(key.lit, binary, values);
  if (errors.length > 0) wrap(errors.length === 1 ? errors[0]! : `[${errors.join(', ')}]`);
  return { key: key.lit, op: binary, values };
}

const BINARY: Partial<Record<Tok, SelectorOperator>> = {
  in: 'in', '=': '=', '==': '==', '>': 'gt', '<': 'lt', notin: 'notin', '!=': '!=',
};
const BINARY_NAMES = 'in, notin, =, ==, !=, gt, lt';

/** `(a,b,,c)`: a set, sorted; empty entries are the empty value. */
function valueSet(p: Parser): string[] {
  const open = p.next(true);
  if (open.tok !== '(') fail(`found '${open.lit}' expected: '('`);
  const first = p.peek(true);
  if (first.tok === ')') {
    p.next(true);
    return [''];
  }
  if (first.tok !== 'id' && first.tok !== ',') fail(`found '${first.lit}', expected: ',', ')' or identifier`);
  const set = new Set<string>();
  for (;;) {
    const t = p.next(true);
    if (t.tok === 'id') {
      set.add(t.lit);
      const ahead = p.peek(true);
      if (ahead.tok === ')') break;
      if (ahead.tok !== ',') fail(`found '${ahead.lit}', expected: ',' or ')'`);
    } else if (t.tok === ',') {
      if (set.size === 0) set.add('');
      const ahead = p.peek(true).tok;
      if (ahead === ')') {
        set.add('');
        break;
      }
      if (ahead === ',') {
        p.next(true);
        set.add('');
      }
    } else fail(`found '${t.lit}', expected: ',', or identifier`);
  }
  p.next(true);
  return [...set].sort();
}

function exactValue(p: Parser): string {
  const ahead = p.peek(true).tok;
  if (ahead === 'end' || ahead === ',') return '';
  const t = p.next(true);
  if (t.tok !== 'id') fail(`found '${t.lit}', expected: identifier`);
  return t.lit;
}

/** Go's strconv.ParseInt(v, 10, 64). */
function parseInt64(v: string): bigint | undefined {
  if (!/^[+-]?\d+$/.test(v)) return undefined;
  const n = BigInt(v);
  return n >= -(2n ** 63n) && n < 2n ** 63n ? n : undefined;
}

/** NewRequirement's checks of the values (the key was checked as it was read). */
function requirementErrors(key: string, op: SelectorOperator, values: string[]): string[] {
  const errs: FieldError[] = [];
  if (op === 'gt' || op === 'lt') {
    values.forEach((v, i) => {
      if (parseInt64(v) === undefined) {
        errs.push(invalid(`values[${i}]`, str(v), "for 'Gt', 'Lt' operators, the value must be an integer"));
      }
    });
  }
  values.forEach((v, i) => {
    const m = isValidLabelValue(v);
    if (m.length > 0) errs.push(invalid(`values[${i}][${key}]`, str(v), m.join('; ')));
  });
  return [...new Set(errs.map(formatFieldError))];
}

/** Requirement.Matches, all of them (an empty selector matches every label set). */
export function labelsMatch(requirements: readonly Requirement[], labels: Record<string, string> | undefined): boolean {
  const l = labels ?? {};
  return requirements.every((r) => {
    const has = Object.hasOwn(l, r.key);
    switch (r.op) {
      case 'in':
      case '=':
      case '==':
        return has && r.values.includes(l[r.key]!);
      case 'notin':
      case '!=':
        return !has || !r.values.includes(l[r.key]!);
      case 'exists':
        return has;
      case '!':
        return !has;
      case 'gt':
      case 'lt': {
        const have = has ? parseInt64(l[r.key]!) : undefined;
        const want = parseInt64(r.values[0] ?? '');
        if (have === undefined || want === undefined) return false;
        return r.op === 'gt' ? have > want : have < want;
      }
    }
  });
}
