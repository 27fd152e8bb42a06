// Step 1 of the load pipeline: text to plain values, with a way back from a JSON pointer to a
// line and column in the text. YAML is read by the `yaml` package (multi-document streams, line
// counting); JSON by JSON.parse, because a .json file should be held to JSON's rules.
// The parsed tree is copied into fresh plain objects by our own walk, so that depth, size and
// alias expansion are bounded and a `__proto__` key can never reach an object's prototype.

import { isAlias, isMap, isScalar, isSeq, LineCounter, parseAllDocuments, visit, type Document, type Node as YamlNode } from 'yaml';
import { LIMITS, utf8Length } from './limits';
import { jsonPointer, type PathSegment, type Problem } from './problem';

export interface Position {
  line: number;
  column: number;
}

export interface ParsedDocument {
  /** 0-based index in the stream. */
  index: number;
  value: unknown;
  /** Line and column of the deepest node on `path` that exists in the text. */
  locate(path: readonly PathSegment[]): Position | undefined;
}

export interface ParsedFile {
  file: string;
  syntax: 'json' | 'yaml';
  /** Documents that parsed; empty documents (only comments, or `---` alone) are left out, as kubectl does. */
  documents: ParsedDocument[];
  /** True when the stream had more than one document: problems then name the document. */
  multiDocument: boolean;
  problems: Problem[];
}

class TooLarge extends Error {}

const FORBIDDEN_KEY = '__proto__';

export function parseFile(file: string, rawText: string): ParsedFile {
  const out: ParsedFile = { file, syntax: 'yaml', documents: [], multiDocument: false, problems: [] };
  const bytes = rawText.length > LIMITS.maxBytes ? rawText.length : utf8Length(rawText);
  if (bytes > LIMITS.maxBytes) {
    out.problems.push({
      kind: 'too-large',
      severity: 'error',
      file,
      path: '',
      message: `file is ${formatBytes(bytes)}; the lab reads scenario files up to ${formatBytes(LIMITS.maxBytes)}`,
    });
    return out;
  }
  const text = rawText.charCodeAt(0) === 0xfeff ? rawText.slice(1) : rawText;
  const lines = new LineIndex(text);

  if (looksLikeJson(file, text)) {
    let value: unknown;
    let parsed = false;
    try {
      value = JSON.parse(text);
      parsed = true;
    } catch (e) {
      if (file.toLowerCase().endsWith('.json')) {
        const msg = e instanceof Error ? e.message : String(e);
        const pos = /position (\d+)/.exec(msg);
        const at = pos ? lines.position(Number(pos[1])) : undefined;
        out.syntax = 'json';
        out.problems.push({ kind: 'syntax', severity: 'error', file, ...at, path: '', message: `invalid JSON: ${msg}` });
        return out;
      }
      // Not JSON after all: YAML flow style such as `{kind: Pod, ...}` starts with a brace too.
    }
    if (parsed) {
      out.syntax = 'json';
      // Positions are only needed for problems: the JSON text is scanned for a pointer when asked.
      const offsetOf = jsonLocator(text);
      const locate = (path: readonly PathSegment[]): Position | undefined => {
        const offset = offsetOf(path);
        return offset === undefined ? undefined : lines.position(offset);
      };
      const problems: Problem[] = [];
      const plain = copyPlain(value, { file, problems, locate });
      out.problems.push(...problems);
      if (plain.ok && plain.value !== null) out.documents.push({ index: 0, value: plain.value, locate });
      return out;
    }
  }

  const indent = indentationProblem(text) ?? flowNestingProblem(text) ?? compactNestingProblem(text);
  if (indent !== undefined) {
    out.problems.push({
      kind: 'too-large',
      severity: 'error',
      file,
      line: indent.line,
      column: 1,
      path: '',
      message: indent.message,
    });
    return out;
  }

  const docs = withoutStackTraces(() => parseAllDocuments(text, { lineCounter: new LineCounter(), uniqueKeys: true, merge: true }));
  const list = Array.isArray(docs) ? docs : [];
  out.multiDocument = list.length > 1;
  list.forEach((doc, index) => {
    const document = out.multiDocument ? index : undefined;
    // One unclosed bracket or quote makes the parser fail where it gives up (often past the end);
    // report it once, where the construct opened.
    const unclosed = unclosedConstructs(doc, text);
    const reported = new Set<number>();
    for (const err of doc.errors) {
      const opened = unclosed.filter((u) => u.start <= err.pos[0]).at(-1);
      if (opened && reported.has(opened.start)) continue;
      if (opened) reported.add(opened.start);
      const at = lines.position(opened ? opened.start : err.pos[0]);
      const why = firstLine(err.message).replace(/ at line \d+, column \d+:?$/, '');
      const message = opened
        ? `invalid YAML: ${opened.what} opened here is never closed (${why})`
        : `invalid YAML: ${firstLine(err.message)}`;
      out.problems.push({ kind: 'syntax', severity: 'error', file, ...at, document, path: '', message });
    }
    for (const w of doc.warnings) {
      const at = lines.position(w.pos[0]);
      out.problems.push({ kind: 'syntax', severity: 'warning', file, ...at, document, path: '', message: firstLine(w.message) });
    }
    if (doc.errors.length > 0) return;
    const problems: Problem[] = [];
    const locate = (path: readonly PathSegment[]) => locateInYaml(doc, path, lines);
    const plain = yamlToPlain(doc, { file, problems, document, locate }, lines);
    out.problems.push(...problems);
    if (plain.ok && plain.value !== null) out.documents.push({ index, value: plain.value, locate });
  });
  return out;
}

// ------------------------------------------------------------------ copying into plain values

interface CopyContext {
  file: string;
  problems: Problem[];
  document?: number;
  locate?: (path: readonly PathSegment[]) => Position | undefined;
}

type Copied = { ok: true; value: unknown } | { ok: false };

function tooLargeProblem(ctx: CopyContext, e: TooLarge): Problem {
  return { kind: 'too-large', severity: 'error', file: ctx.file, document: ctx.document, path: '', message: e.message };
}

function depthError(): TooLarge {
  return new TooLarge(`nesting too deep: the lab reads maps and lists nested up to ${LIMITS.maxDepth} levels`);
}

function forbiddenKeyProblem(ctx: CopyContext, path: PathSegment[]): Problem {
  const at = ctx.locate?.(path);
  return {
    kind: 'invalid',
    severity: 'warning',
    file: ctx.file,
    ...at,
    document: ctx.document,
    path: jsonPointer(path),
    message: `key "${FORBIDDEN_KEY}" ignored: it is not a Kubernetes field and could change how the object behaves`,
  };
}

/** Copy a JSON.parse result: depth-capped, `__proto__` keys dropped. */
function copyPlain(value: unknown, ctx: CopyContext): Copied {
  let nodes = 0;
  const walk = (v: unknown, path: PathSegment[]): unknown => {
    if (++nodes > LIMITS.maxNodes) throw new TooLarge(`too many values: the lab reads up to ${LIMITS.maxNodes} in one document`);
    if (v === null || typeof v !== 'object') return v;
    if (path.length >= LIMITS.maxDepth) throw depthError();
    if (Array.isArray(v)) return v.map((item, i) => walk(item, [...path, i]));
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(v)) {
      if (key === FORBIDDEN_KEY) {
        ctx.problems.push(forbiddenKeyProblem(ctx, [...path, key]));
        continue;
      }
      out[key] = walk((v as Record<string, unknown>)[key], [...path, key]);
    }
    return out;
  };
  try {
    return { ok: true, value: walk(value, []) };
  } catch (e) {
    if (e instanceof TooLarge || e instanceof RangeError) {
      ctx.problems.push(tooLargeProblem(ctx, e instanceof TooLarge ? e : depthError()));
      return { ok: false };
    }
    throw e;
  }
}

/** Convert a YAML document's node tree to plain values (not Document.toJS: it throws on bad aliases). */
function yamlToPlain(doc: Document, ctx: CopyContext, lineIndex: LineIndex): Copied {
  let nodes = 0;
  let aliased = 0;
  let aliasDepth = 0;
  const inProgress = new Set<unknown>();
  const targets = new Map<unknown, unknown>();
  const walk = (node: unknown, path: PathSegment[]): unknown => {
    if (++nodes > LIMITS.maxNodes) throw new TooLarge(`too many values: the lab reads up to ${LIMITS.maxNodes} in one document`);
    // Values copied through aliases are capped separately, far lower: that is the "billion laughs" attack.
    if (aliasDepth > 0 && ++aliased > LIMITS.maxAliasedNodes) {
      throw new TooLarge(`aliases expand to more than ${LIMITS.maxAliasedNodes} values: the lab refuses this document`);
    }
    if (node === null || node === undefined) return null;
    if (isScalar(node)) {
      const v = node.value;
      return typeof v === 'bigint' ? Number(v) : v;
    }
    if (isAlias(node)) {
      if (!targets.has(node)) targets.set(node, node.resolve(doc));
      const target = targets.get(node);
      if (target === undefined || inProgress.has(target)) {
        const at = ctx.locate?.(path);
        ctx.problems.push({
          kind: 'syntax',
          severity: 'error',
          file: ctx.file,
          ...at,
          document: ctx.document,
          path: jsonPointer(path),
          message: `alias *${node.source} does not refer to an anchor defined before it; null used instead`,
        });
        return null;
      }
      aliasDepth++;
      try {
        return walk(target, path);
      } finally {
        aliasDepth--;
      }
    }
    if (path.length >= LIMITS.maxDepth) throw depthError();
    if (isSeq(node)) {
      inProgress.add(node);
      const out = node.items.map((item, i) => walk(item, [...path, i]));
      inProgress.delete(node);
      return out;
    }
    if (isMap(node)) {
      inProgress.add(node);
      const out: Record<string, unknown> = {};
      const merges: unknown[] = [];
      for (const pair of node.items) {
        const keyNode = isAlias(pair.key) ? pair.key.resolve(doc) : pair.key;
        if (keyNode !== null && keyNode !== undefined && !isScalar(keyNode)) {
          // YAML allows maps and lists as keys ("? "); Kubernetes objects never have them.
          const at = isNodeWithRange(keyNode) && keyNode.range ? lineIndex.position(keyNode.range[0]) : undefined;
          ctx.problems.push({
            kind: 'syntax',
            severity: 'error',
            file: ctx.file,
            ...at,
            document: ctx.document,
            path: jsonPointer(path),
            message: 'a map or list used as a key: keys must be plain text; this entry is ignored',
          });
          continue;
        }
        const rawKey = keyNode === null || keyNode === undefined ? null : keyNode.value;
        if (typeof rawKey === 'symbol') {
          // The merge key `<<: *base` (YAML 1.1, which kubectl's YAML reader supports): merged after
          // the explicit keys, which win wherever they are written.
          merges.push(pair.value);
          continue;
        }
        const key = typeof rawKey === 'bigint' ? String(Number(rawKey)) : String(rawKey);
        if (key === FORBIDDEN_KEY) {
          ctx.problems.push(forbiddenKeyProblem(ctx, [...path, key]));
          continue;
        }
        out[key] = walk(pair.value, [...path, key]);
      }
      for (const m of merges) {
        const merged = walk(m, path);
        // `<<: [*a, *b]`: earlier maps win over later ones.
        const sources = Array.isArray(merged) ? merged : [merged];
        for (const src of sources) {
          if (src === null || typeof src !== 'object' || Array.isArray(src)) continue;
          for (const [k, v] of Object.entries(src)) if (!Object.hasOwn(out, k)) out[k] = v;
        }
      }
      inProgress.delete(node);
      return out;
    }
    return null;
  };
  try {
    return { ok: true, value: walk(doc.contents, []) };
  } catch (e) {
    if (e instanceof TooLarge || e instanceof RangeError) {
      ctx.problems.push(tooLargeProblem(ctx, e instanceof TooLarge ? e : depthError()));
      return { ok: false };
    }
    throw e;
  }
}

// ------------------------------------------------------------------ locations

function locateInYaml(doc: Document, path: readonly PathSegment[], lines: LineIndex): Position | undefined {
  let node: unknown = doc.contents;
  let best: YamlNode | undefined = isNodeWithRange(node) ? node : undefined;
  for (const seg of path) {
    if (isAlias(node)) node = node.resolve(doc);
    let next: unknown;
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg));
      if (!pair) break;
      next = pair.value ?? pair.key;
      if (pair.value === null && isNodeWithRange(pair.key)) {
        best = pair.key;
        break;
      }
    } else if (isSeq(node) && typeof seg === 'number') {
      next = node.items[seg];
    } else break;
    if (!isNodeWithRange(next)) break;
    best = next;
    node = next;
  }
  if (!best?.range) return undefined;
  return lines.position(best.range[0]);
}

/**
 * Positions in a JSON text that JSON.parse accepted (so the scanner may trust its structure, and
 * its depth is already capped). Values up to two levels deep (`/objects/3`, `/items/0`) are indexed
 * in one pass on first use; deeper paths are scanned from their indexed ancestor, so locating every
 * object of a large file stays linear.
 */
function jsonLocator(text: string): (path: readonly PathSegment[]) => number | undefined {
  let i = 0;
  const ws = () => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\n' || text[i] === '\r' || text[i] === '\t')) i++;
  };
  const skipString = () => {
    i++;
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    i++;
  };
  const readString = (): string => {
    const start = i;
    skipString();
    try {
      return String(JSON.parse(text.slice(start, i)));
    } catch {
      return '';
    }
  };
  /** Visit the children of the container at i: calls `each(key, offsetOfValue)` then skips the value unless `each` consumed it. */
  const children = (each: (key: PathSegment) => 'stop' | 'skip' | 'consumed'): boolean => {
    ws();
    const c = text[i];
    if (c !== '{' && c !== '[') return false;
    const close = c === '{' ? '}' : ']';
    i++;
    ws();
    for (let k = 0; i < text.length && text[i] !== close; k++) {
      let key: PathSegment = k;
      if (c === '{') {
        key = readString();
        ws();
        i++; // ':'
      }
      ws();
      const r = each(key);
      if (r === 'stop') return true;
      if (r === 'skip') skipValue();
      ws();
      if (text[i] === ',') {
        i++;
        ws();
      }
    }
    i++;
    return false;
  };
  const skipValue = (): void => {
    ws();
    const c = text[i];
    if (c === '"') skipString();
    else if (c === '{' || c === '[') children(() => 'skip');
    else while (i < text.length && !',}] \n\r\t'.includes(text[i])) i++;
  };

  let index: Map<string, number> | undefined;
  const buildIndex = (): Map<string, number> => {
    const map = new Map<string, number>();
    i = 0;
    ws();
    map.set('', i);
    children((k1) => {
      map.set(jsonPointer([k1]), i);
      ws();
      if (text[i] === '{' || text[i] === '[') {
        children((k2) => {
          map.set(jsonPointer([k1, k2]), i);
          return 'skip';
        });
      } else skipValue();
      return 'consumed';
    });
    return map;
  };

  return (path) => {
    index ??= buildIndex();
    let depth = Math.min(path.length, 2);
    let start = index.get(jsonPointer(path.slice(0, depth)));
    while (start === undefined && depth > 0) start = index.get(jsonPointer(path.slice(0, --depth)));
    if (start === undefined) return undefined;
    let best = start;
    i = start;
    for (const seg of path.slice(depth)) {
      let found = false;
      children((key) => {
        if (String(key) !== String(seg)) return 'skip';
        found = true;
        return 'stop';
      });
      if (!found) return best;
      ws();
      best = i;
    }
    return best;
  };
}

function isNodeWithRange(n: unknown): n is YamlNode {
  return typeof n === 'object' && n !== null && 'range' in n && Array.isArray((n as { range?: unknown }).range);
}

/** Offsets to 1-based line and column. */
class LineIndex {
  private readonly starts: number[] = [0];
  constructor(text: string) {
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.starts.push(i + 1);
  }
  position(offset: number): Position {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - this.starts[lo] + 1 };
  }
}

// ------------------------------------------------------------------ cheap pre-checks

function looksLikeJson(file: string, text: string): boolean {
  if (file.toLowerCase().endsWith('.json')) return true;
  const m = /\S/.exec(text);
  return m !== null && (m[0] === '{' || m[0] === '[');
}

/** The first line whose structural indentation exceeds the cap, measured without parsing. */
function indentationProblem(text: string): { line: number; message: string } | undefined {
  let line = 1;
  let col = 0;
  let atStart = true;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      line++;
      col = 0;
      atStart = true;
      continue;
    }
    if (!atStart) continue;
    // Spaces, tabs and the block indicators "-", "?", ":" that open a nested collection on the same line.
    if (c === 32 || c === 9 || c === 45 || c === 63 || c === 58) {
      if (++col > LIMITS.maxIndent) {
        return { line, message: `nesting too deep: line ${line} is indented more than ${LIMITS.maxIndent} columns` };
      }
    } else atStart = false;
  }
  return undefined;
}

/**
 * Block mappings opened one after another on a single line (`a: b: c: ...`), counted on the raw
 * text outside quotes, comments and flow collections. YAML refuses even two, but the parser's
 * error recovery on thousands of them takes seconds; past the depth cap, refuse first.
 */
function compactNestingProblem(text: string): { line: number; message: string } | undefined {
  let line = 1;
  let count = 0;
  let flow = 0;
  let quote = 0;
  let comment = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      line++;
      count = 0;
      quote = 0;
      comment = false;
      continue;
    }
    if (comment) continue;
    if (quote !== 0) {
      if (c === 92 && quote === 34) i++;
      else if (c === quote) quote = 0;
      continue;
    }
    if (c === 34 || c === 39) quote = c;
    else if (c === 35 && (i === 0 || text.charCodeAt(i - 1) === 32 || text.charCodeAt(i - 1) === 9)) comment = true;
    else if (c === 123 || c === 91) flow++;
    else if ((c === 125 || c === 93) && flow > 0) flow--;
    else if (c === 58 && flow === 0) {
      const next = text.charCodeAt(i + 1);
      if ((next === 32 || next === 9 || next === 10 || Number.isNaN(next)) && ++count > LIMITS.maxDepth) {
        return { line, message: `nesting too deep: line ${line} opens more than ${LIMITS.maxDepth} mappings` };
      }
    }
  }
  return undefined;
}

/**
 * Flow collections (`[`, `{`) opened deeper than the depth cap allows, counted on the raw text
 * (quoted strings skipped): the YAML parser is slow on very deep flow nesting, so refuse first.
 */
function flowNestingProblem(text: string): { line: number; message: string } | undefined {
  let depth = 0;
  let line = 1;
  let quote = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) line++;
    if (quote !== 0) {
      if (c === 92 && quote === 34) i++;
      else if (c === quote) quote = 0;
      continue;
    }
    if (c === 34 || c === 39) quote = c;
    else if (c === 91 || c === 123) {
      if (++depth > LIMITS.maxDepth) {
        return { line, message: `nesting too deep: more than ${LIMITS.maxDepth} levels of [ and { by line ${line}` };
      }
    } else if ((c === 93 || c === 125) && depth > 0) depth--;
  }
  return undefined;
}

/**
 * The yaml parser makes an Error object per syntax error; capturing each one's stack trace
 * dominated the time spent on malformed input. Their stacks are of no use to a learner.
 */
function withoutStackTraces<T>(f: () => T): T {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return f();
  } finally {
    Error.stackTraceLimit = limit;
  }
}

interface Unclosed {
  start: number;
  what: string;
}

/** Flow collections and quoted scalars whose closing character never came, in source order. */
function unclosedConstructs(doc: Document.Parsed, text: string): Unclosed[] {
  if (doc.errors.length === 0) return [];
  const out: Unclosed[] = [];
  const check = (range: readonly number[] | null | undefined, close: string, what: string) => {
    if (!range) return;
    const body = text.slice(range[0], range[1]).trimEnd();
    if (body.length < 2 || !body.endsWith(close)) out.push({ start: range[0]!, what });
  };
  visit(doc, {
    Collection(_, n) {
      if (n.flow) check(n.range, isSeq(n) ? ']' : '}', isSeq(n) ? 'the flow sequence "["' : 'the flow mapping "{"');
    },
    Scalar(_, n) {
      if (n.type === 'QUOTE_DOUBLE') check(n.range, '"', 'the double-quoted string');
      if (n.type === 'QUOTE_SINGLE') check(n.range, "'", 'the single-quoted string');
    },
  });
  return out.sort((a, b) => a.start - b.start);
}

function firstLine(s: string): string {
  const i = s.indexOf('\n');
  return i < 0 ? s : s.slice(0, i);
}

export function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(1).replace(/\.0$/, '')} MB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1).replace(/\.0$/, '')} KB`;
  return `${n} bytes`;
}
