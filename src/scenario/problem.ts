// Problems are values: every load step returns them instead of throwing, so one bad object is
// reported and skipped while the rest of the scenario loads (the way `kubectl apply -f` reports a
// bad document and carries on with the others).

import type { ProblemNote } from './problem-text';

export type Severity = 'error' | 'warning';

/** What went wrong, so callers (and tests) can tell problems apart without parsing messages. */
export type ProblemKind =
  /** The file is bigger than the lab reads, nested too deep, or has too many objects. */
  | 'too-large'
  /** Not valid JSON or YAML. */
  | 'syntax'
  /** No documents in the file. */
  | 'empty'
  /** A document that is neither a Kubernetes object nor a netlab scenario envelope. */
  | 'envelope'
  /** The scenario was written by a newer netlab, or the version field is malformed. */
  | 'version'
  /** A migration from an older format failed. */
  | 'migration'
  /** `no matches for kind ...`: a kind or apiVersion the lab's cluster does not serve. */
  | 'unknown-kind'
  /** A field has the wrong type, a required field is missing (the object or entry is skipped). */
  | 'invalid'
  /** A lab setting was wrong and its default was used instead. */
  | 'setting'
  /** The same object (kind, namespace, name) or entry defined twice. */
  | 'duplicate'
  /** A reference to something that does not exist (a request id, a client). */
  | 'reference'
  /** A workload the lab keeps (kubectl shows it) but runs no controller for, so it makes no pods. */
  | 'not-run'
  /** The apiserver refused an object that parsed (admission, as `kubectl apply --dry-run=server` reports). */
  | 'refused'
  /** The loader itself failed: a bug in netlab, never the file's fault. */
  | 'internal';

export interface Problem {
  kind: ProblemKind;
  severity: Severity;
  /** The file name as given to the loader. */
  file: string;
  /** 1-based line and column in the file, when the problem has a place in the text. */
  line?: number;
  column?: number;
  /** 0-based index of the document in a multi-document YAML file (absent for single-document files). */
  document?: number;
  /** JSON pointer (RFC 6901) into the document; "" is the whole document. */
  path: string;
  /** In English, as the CLI prints it. */
  message: string;
  /** The lab's framing of `message`, for the page to render in the reader's language (problem-text.ts). */
  note?: ProblemNote;
}

export type PathSegment = string | number;

/** RFC 6901 JSON pointer for a path: "~" and "/" inside keys are escaped. */
export function jsonPointer(path: readonly PathSegment[]): string {
  return path.map((p) => '/' + String(p).replace(/~/g, '~0').replace(/\//g, '~1')).join('');
}

/** Kubernetes field path as the apiserver prints it: `spec.ports[0].port`. */
export function fieldPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out === '' ? p : `.${p}`;
  }
  return out;
}

/** The inverse of fieldPath: `spec.ports[0].nodePort` -> ['spec', 'ports', 0, 'nodePort']; `[key]` stays a string. */
export function fieldSegments(field: string): PathSegment[] {
  const out: PathSegment[] = [];
  for (const m of field.matchAll(/([^.[\]]+)|\[([^\]]*)\]/g)) {
    if (m[1] !== undefined) out.push(m[1]);
    else if (/^\d+$/.test(m[2]!)) out.push(Number(m[2]));
    else out.push(m[2]!);
  }
  return out;
}

export function hasErrors(problems: readonly Problem[]): boolean {
  return problems.some((p) => p.severity === 'error');
}

/** `file:line:col: path: message` (line and column left out when unknown): the CLI's and editors' form. */
export function formatProblem(p: Problem): string {
  const where = p.line !== undefined ? `${p.file}:${p.line}:${p.column ?? 1}` : p.file;
  // With a line number the document is already clear; without one, name it.
  // Counted from 1, like lines: the first document is document 1.
  const doc = p.document !== undefined && p.line === undefined ? `[document ${p.document + 1}]` : '';
  const path = p.path === '' ? '/' : p.path;
  const sev = p.severity === 'warning' ? 'warning: ' : '';
  return `${where}: ${doc}${path}: ${sev}${p.message}`;
}
