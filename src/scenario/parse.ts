// Step 1 of the load pipeline: text to plain values, with a way back from a JSON pointer to a
// line and column in the text. YAML is read by the `yaml` package (multi-document streams, line
// counting); JSON by JSON.parse, because a .json file should be held to JSON's rules.
// The parsed tree is copied into fresh plain objects by our own walk, so that depth, size and
// alias expansion are bounded and a `__proto__` key can never reach an object's prototype.
//
// Read top-down: `parseFile` checks the size, then reads the text as JSON (`readJson`) or as a YAML
// stream (`readYaml`, after the cheap nesting pre-checks); each document is copied into plain values
// (`copyPlain`, `yamlToPlain`) and keeps a `locate` that turns a path back into a line and column.

import {
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  parseAllDocuments,
  visit,
  type Alias,
  type Document,
  type Node as YamlNode,
  type YAMLMap,
  type YAMLSeq,
} from 'yaml';
import { LIMITS, utf8Length } from './limits';
import { jsonPointer, type PathSegment, type Problem } from './problem';
import { noted, type ProblemNoteKey } from './problem-text';

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

/** A cap reached while copying: its text, rendered from the problem table, travels with it. */
class TooLarge extends Error {
  readonly text: ReturnType<typeof noted>;
  constructor(text: ReturnType<typeof noted>) {
    super(text.message);
    this.text = text;
  }
}

const FORBIDDEN_KEY = '__proto__';

export function parseFile(file: string, rawText: string): ParsedFile {
  const out: ParsedFile = { file, syntax: 'yaml', documents: [], multiDocument: false, problems: [] };
  const tooLarge = sizeProblem(file, rawText);
  if (tooLarge) {
    out.problems.push(tooLarge);
    return out;
  }
  const text = rawText.charCodeAt(0) === 0xfeff ? rawText.slice(1) : rawText;
  const lines = new LineIndex(text);
  if (looksLikeJson(file, text) && readJson(out, text, lines) === 'read') return out;
  const nesting = nestingProblem(file, text);
  if (nesting) {
    out.problems.push(nesting);
    return out;
  }
  readYaml(out, text, lines);
  return out;
}

function sizeProblem(file: string, rawText: string): Problem | undefined {
  const bytes = rawText.length > LIMITS.maxBytes ? rawText.length : utf8Length(rawText);
  if (bytes <= LIMITS.maxBytes) return undefined;
  return {
    kind: 'too-large',
    severity: 'error',
    file,
    path: '',
    ...noted('problem.tooLargeFile', { size: formatBytes(bytes), max: formatBytes(LIMITS.maxBytes) }),
  };
}

/**
 * Reads the text as one JSON document into `out`. A text that is not JSON is `yaml` (YAML flow style
 * such as `{kind: Pod, ...}` starts with a brace too) unless the file is named .json: then it is a
 * JSON syntax error, located where JSON.parse gave up.
 */
function readJson(out: ParsedFile, text: string, lines: LineIndex): 'read' | 'yaml' {
  const { file } = out;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    if (!file.toLowerCase().endsWith('.json')) return 'yaml';
    const msg = e instanceof Error ? e.message : String(e);
    const pos = /position (\d+)/.exec(msg);
    const at = pos ? lines.position(Number(pos[1])) : undefined;
    out.syntax = 'json';
    // The place is the problem's line and column; JSON.parse's own "at position 107 (line 5 column 3)" goes.
    const text = noted('problem.invalidJson', { detail: withoutPlace(msg) });
    out.problems.push({ kind: 'syntax', severity: 'error', file, ...at, path: '', ...text });
    return 'read';
  }
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
  return 'read';
}

/** The cheap pre-checks on the raw text that refuse nesting the YAML parser would be slow on. */
function nestingProblem(file: string, text: string): Problem | undefined {
  const indent = indentationProblem(text) ?? flowNestingProblem(text) ?? compactNestingProblem(text);
  if (indent === undefined) return undefined;
  return {
    kind: 'too-large',
    severity: 'error',
    file,
    line: indent.line,
    column: 1,
    path: '',
    ...indent.text,
  };
}

/** Reads the text as a YAML stream into `out`, one document after another. */
function readYaml(out: ParsedFile, text: string, lines: LineIndex): void {
  const options = { lineCounter: new LineCounter(), uniqueKeys: true, merge: true };
  const docs = withoutStackTraces(() => parseAllDocuments(text, options));
  const list = Array.isArray(docs) ? docs : [];
  out.multiDocument = list.length > 1;
  list.forEach((doc, index) => {
    const document = out.multiDocument ? index : undefined;
    out.problems.push(...yamlSyntaxProblems(out.file, doc, document, text, lines));
    if (doc.errors.length > 0) return;
    const problems: Problem[] = [];
    const locate = (path: readonly PathSegment[]) => locateInYaml(doc, path, lines);
    const plain = yamlToPlain(doc, { file: out.file, problems, document, locate }, lines);
    out.problems.push(...problems);
    if (plain.ok && plain.value !== null) out.documents.push({ index, value: plain.value, locate });
  });
}

/** The parser's errors and warnings for one document, located in the text. */
function yamlSyntaxProblems(
  file: string,
  doc: Document.Parsed,
  document: number | undefined,
  text: string,
  lines: LineIndex,
): Problem[] {
  const problems: Problem[] = [];
  // One unclosed bracket or quote makes the parser fail where it gives up (often past the end);
  // report it once, where the construct opened.
  const unclosed = unclosedConstructs(doc, text);
  const reported = new Set<number>();
  for (const err of doc.errors) {
    const opened = unclosed.filter((u) => u.start <= err.pos[0]).at(-1);
    if (opened && reported.has(opened.start)) continue;
    if (opened) reported.add(opened.start);
    const at = lines.position(opened ? opened.start : err.pos[0]);
    // The place is the problem's line and column: the parser's "at line 4, column 1:" goes.
    const why = withoutPlace(firstLine(err.message));
    const text = opened ? noted(opened.what, { detail: why }) : noted('problem.invalidYaml', { detail: why });
    problems.push({ kind: 'syntax', severity: 'error', file, ...at, document, path: '', ...text });
  }
  for (const w of doc.warnings) {
    const at = lines.position(w.pos[0]);
    const text = noted('problem.yamlWarning', { detail: firstLine(w.message) });
    problems.push({ kind: 'syntax', severity: 'warning', file, ...at, document, path: '', ...text });
  }
  return problems;
}

/**
 * A parser's message without its own place (`yaml`'s "at line 4, column 1:", JSON.parse's "at
 * position 107 (line 5 column 3)"): the problem carries the line and column, said once.
 */
export function withoutPlace(message: string): string {
  return message
    .replace(/ at line \d+, column \d+:?\s*$/, '')
    .replace(/ at position \d+(?: \(line \d+ column \d+\))?/, '')
    .replace(/ \(line \d+ column \d+\)/, '')
    .replace(/:\s*$/, '');
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
  return { kind: 'too-large', severity: 'error', file: ctx.file, document: ctx.document, path: '', ...e.text };
}

function depthError(): TooLarge {
  return new TooLarge(noted('problem.depth', { max: LIMITS.maxDepth }));
}

function tooManyError(): TooLarge {
  return new TooLarge(noted('problem.tooManyValues', { max: LIMITS.maxNodes }));
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
    ...noted('problem.forbiddenKey', { key: FORBIDDEN_KEY }),
  };
}

/** Runs a copy; a copy over a cap (or past the engine's own stack) is one too-large problem. */
function capped(ctx: CopyContext, copy: () => unknown): Copied {
  try {
    return { ok: true, value: copy() };
  } catch (e) {
    if (e instanceof TooLarge || e instanceof RangeError) {
      ctx.problems.push(tooLargeProblem(ctx, e instanceof TooLarge ? e : depthError()));
      return { ok: false };
    }
    throw e;
  }
}

/** Copy a JSON.parse result: depth-capped, `__proto__` keys dropped. */
function copyPlain(value: unknown, ctx: CopyContext): Copied {
  let nodes = 0;
  const walk = (v: unknown, path: PathSegment[]): unknown => {
    if (++nodes > LIMITS.maxNodes) throw tooManyError();
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
  return capped(ctx, () => walk(value, []));
}

/** Convert a YAML document's node tree to plain values (not Document.toJS: it throws on bad aliases). */
function yamlToPlain(doc: Document, ctx: CopyContext, lineIndex: LineIndex): Copied {
  const copy = new YamlCopy(doc, ctx, lineIndex);
  return capped(ctx, () => copy.value(doc.contents, []));
}

/** The merge key `<<`, which the parser reads as a symbol. */
const MERGE = Symbol('merge');

/**
 * One YAML document's copy: every value counted, values reached through aliases counted again
 * (far lower cap), aliases resolved once each, and an alias back into a collection still being
 * copied (a cycle) read as null.
 */
class YamlCopy {
  private nodes = 0;
  private aliased = 0;
  private aliasDepth = 0;
  private readonly inProgress = new Set<unknown>();
  private readonly targets = new Map<unknown, unknown>();
  private readonly doc: Document;
  private readonly ctx: CopyContext;
  private readonly lineIndex: LineIndex;

  constructor(doc: Document, ctx: CopyContext, lineIndex: LineIndex) {
    this.doc = doc;
    this.ctx = ctx;
    this.lineIndex = lineIndex;
  }

  value(node: unknown, path: PathSegment[]): unknown {
    if (++this.nodes > LIMITS.maxNodes) throw tooManyError();
    // Values copied through aliases are capped separately, far lower: that is the "billion laughs" attack.
    if (this.aliasDepth > 0 && ++this.aliased > LIMITS.maxAliasedNodes) {
      throw new TooLarge(noted('problem.aliasBomb', { max: LIMITS.maxAliasedNodes }));
    }
    if (node === null || node === undefined) return null;
    if (isScalar(node)) {
      const v = node.value;
      return typeof v === 'bigint' ? Number(v) : v;
    }
    if (isAlias(node)) return this.alias(node, path);
    if (path.length >= LIMITS.maxDepth) throw depthError();
    if (isSeq(node)) return this.seq(node, path);
    if (isMap(node)) return this.map(node, path);
    return null;
  }

  private alias(node: Alias, path: PathSegment[]): unknown {
    if (!this.targets.has(node)) this.targets.set(node, node.resolve(this.doc));
    const target = this.targets.get(node);
    if (target === undefined || this.inProgress.has(target)) {
      const text = noted('problem.aliasUndefined', { alias: node.source });
      this.ctx.problems.push(this.syntaxError(this.ctx.locate?.(path), path, text));
      return null;
    }
    this.aliasDepth++;
    try {
      return this.value(target, path);
    } finally {
      this.aliasDepth--;
    }
  }

  private seq(node: YAMLSeq, path: PathSegment[]): unknown[] {
    this.inProgress.add(node);
    const out = node.items.map((item, i) => this.value(item, [...path, i]));
    this.inProgress.delete(node);
    return out;
  }

  private map(node: YAMLMap, path: PathSegment[]): Record<string, unknown> {
    this.inProgress.add(node);
    const out: Record<string, unknown> = {};
    const merges: unknown[] = [];
    for (const pair of node.items) {
      const key = this.key(pair.key, path);
      if (key === undefined) continue;
      if (key === MERGE) {
        // The merge key `<<: *base` (YAML 1.1, which kubectl's YAML reader supports): merged after
        // the explicit keys, which win wherever they are written.
        merges.push(pair.value);
        continue;
      }
      if (key === FORBIDDEN_KEY) {
        this.ctx.problems.push(forbiddenKeyProblem(this.ctx, [...path, key]));
        continue;
      }
      out[key] = this.value(pair.value, [...path, key]);
    }
    for (const m of merges) this.merge(out, this.value(m, path));
    this.inProgress.delete(node);
    return out;
  }

  /** A map entry's key as text, MERGE for `<<`, or undefined (reported) for a map or list used as a key. */
  private key(rawKeyNode: unknown, path: PathSegment[]): string | typeof MERGE | undefined {
    const keyNode = isAlias(rawKeyNode) ? rawKeyNode.resolve(this.doc) : rawKeyNode;
    if (keyNode !== null && keyNode !== undefined && !isScalar(keyNode)) {
      // YAML allows maps and lists as keys ("? "); Kubernetes objects never have them.
      const at = isNodeWithRange(keyNode) && keyNode.range ? this.lineIndex.position(keyNode.range[0]) : undefined;
      this.ctx.problems.push(this.syntaxError(at, path, noted('problem.complexKey')));
      return undefined;
    }
    const rawKey = keyNode === null || keyNode === undefined ? null : keyNode.value;
    if (typeof rawKey === 'symbol') return MERGE;
    return typeof rawKey === 'bigint' ? String(Number(rawKey)) : String(rawKey);
  }

  /** `<<: *a` or `<<: [*a, *b]`: keys not already in `out` are added; earlier maps win over later ones. */
  private merge(out: Record<string, unknown>, merged: unknown): void {
    const sources = Array.isArray(merged) ? merged : [merged];
    for (const src of sources) {
      if (src === null || typeof src !== 'object' || Array.isArray(src)) continue;
      for (const [k, v] of Object.entries(src)) if (!Object.hasOwn(out, k)) out[k] = v;
    }
  }

  private syntaxError(at: Position | undefined, path: PathSegment[], text: ReturnType<typeof noted>): Problem {
    const { file, document } = this.ctx;
    return { kind: 'syntax', severity: 'error', file, ...at, document, path: jsonPointer(path), ...text };
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
  const scan = new JsonScanner(text);
  let index: Map<string, number> | undefined;
  return (path) => {
    index ??= indexTwoLevels(scan);
    let depth = Math.min(path.length, 2);
    let start = index.get(jsonPointer(path.slice(0, depth)));
    while (start === undefined && depth > 0) start = index.get(jsonPointer(path.slice(0, --depth)));
    if (start === undefined) return undefined;
    let best = start;
    scan.i = start;
    for (const seg of path.slice(depth)) {
      let found = false;
      scan.children((key) => {
        if (String(key) !== String(seg)) return 'skip';
        found = true;
        return 'stop';
      });
      if (!found) return best;
      scan.ws();
      best = scan.i;
    }
    return best;
  };
}

/** The offsets of the root, its children and theirs, by JSON pointer, in one pass. */
function indexTwoLevels(scan: JsonScanner): Map<string, number> {
  const map = new Map<string, number>();
  scan.i = 0;
  scan.ws();
  map.set('', scan.i);
  scan.children((k1) => {
    map.set(jsonPointer([k1]), scan.i);
    scan.ws();
    if (scan.text[scan.i] === '{' || scan.text[scan.i] === '[') {
      scan.children((k2) => {
        map.set(jsonPointer([k1, k2]), scan.i);
        return 'skip';
      });
    } else scan.skipValue();
    return 'consumed';
  });
  return map;
}

/** A cursor over a JSON text JSON.parse accepted: skips whitespace, strings and whole values. */
class JsonScanner {
  i = 0;
  readonly text: string;

  constructor(text: string) {
    this.text = text;
  }

  ws(): void {
    const { text } = this;
    for (let c = text[this.i]; c === ' ' || c === '\n' || c === '\r' || c === '\t'; c = text[this.i]) this.i++;
  }

  skipString(): void {
    const { text } = this;
    this.i++;
    while (this.i < text.length && text[this.i] !== '"') this.i += text[this.i] === '\\' ? 2 : 1;
    this.i++;
  }

  readString(): string {
    const start = this.i;
    this.skipString();
    try {
      return String(JSON.parse(this.text.slice(start, this.i)));
    } catch {
      return '';
    }
  }

  /**
   * Visit the children of the container at i: calls `each(key)` with i at the child's value, then
   * skips the value unless `each` consumed it. True when `each` stopped the visit.
   */
  children(each: (key: PathSegment) => 'stop' | 'skip' | 'consumed'): boolean {
    const { text } = this;
    this.ws();
    const c = text[this.i];
    if (c !== '{' && c !== '[') return false;
    const close = c === '{' ? '}' : ']';
    this.i++;
    this.ws();
    for (let k = 0; this.i < text.length && text[this.i] !== close; k++) {
      let key: PathSegment = k;
      if (c === '{') {
        key = this.readString();
        this.ws();
        this.i++; // ':'
      }
      this.ws();
      const r = each(key);
      if (r === 'stop') return true;
      if (r === 'skip') this.skipValue();
      this.ws();
      if (text[this.i] === ',') {
        this.i++;
        this.ws();
      }
    }
    this.i++;
    return false;
  }

  skipValue(): void {
    const { text } = this;
    this.ws();
    const c = text[this.i];
    if (c === '"') this.skipString();
    else if (c === '{' || c === '[') this.children(() => 'skip');
    else while (this.i < text.length && !',}] \n\r\t'.includes(text[this.i])) this.i++;
  }
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

/** Where a pre-check found nesting too deep, and what it says. */
interface NestingFound {
  line: number;
  text: ReturnType<typeof noted>;
}

function looksLikeJson(file: string, text: string): boolean {
  if (file.toLowerCase().endsWith('.json')) return true;
  const m = /\S/.exec(text);
  return m !== null && (m[0] === '{' || m[0] === '[');
}

/** The first line whose structural indentation exceeds the cap, measured without parsing. */
function indentationProblem(text: string): NestingFound | undefined {
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
        return { line, text: noted('problem.indent', { line, max: LIMITS.maxIndent }) };
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
function compactNestingProblem(text: string): NestingFound | undefined {
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
        return { line, text: noted('problem.compactNesting', { line, max: LIMITS.maxDepth }) };
      }
    }
  }
  return undefined;
}

/**
 * Flow collections (`[`, `{`) opened deeper than the depth cap allows, counted on the raw text
 * (quoted strings skipped): the YAML parser is slow on very deep flow nesting, so refuse first.
 */
function flowNestingProblem(text: string): NestingFound | undefined {
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
        return { line, text: noted('problem.flowNesting', { line, max: LIMITS.maxDepth }) };
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
  /** Which construct, as the problem that names it. */
  what: ProblemNoteKey;
}

/** Flow collections and quoted scalars whose closing character never came, in source order. */
function unclosedConstructs(doc: Document.Parsed, text: string): Unclosed[] {
  if (doc.errors.length === 0) return [];
  const out: Unclosed[] = [];
  const check = (range: readonly number[] | null | undefined, close: string, what: ProblemNoteKey) => {
    if (!range) return;
    const body = text.slice(range[0], range[1]).trimEnd();
    if (body.length < 2 || !body.endsWith(close)) out.push({ start: range[0]!, what });
  };
  visit(doc, {
    Collection(_, n) {
      if (n.flow && isSeq(n)) check(n.range, ']', 'problem.unclosed.flowSeq');
      else if (n.flow) check(n.range, '}', 'problem.unclosed.flowMap');
    },
    Scalar(_, n) {
      if (n.type === 'QUOTE_DOUBLE') check(n.range, '"', 'problem.unclosed.double');
      if (n.type === 'QUOTE_SINGLE') check(n.range, "'", 'problem.unclosed.single');
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
