// Step 4 of the load pipeline: structural validation with zod, reported in the apiserver's words
// (`metadata.name: Required value`, `spec.type: Unsupported value: "Foo": supported values: ...`,
// k8s.io/apimachinery/pkg/util/validation/field/errors.go), so a learner sees what kubectl would say.

import type { z } from 'zod';
import { LIMITS } from './limits';
import { fieldPath, type PathSegment } from './problem';
import { noted, type ProblemNote, type ProblemNoteKey } from './problem-text';

export interface FieldIssue {
  /** Path relative to the value that was validated. */
  path: PathSegment[];
  /** Apiserver-style text, starting with the field path (English, as the CLI prints it). */
  message: string;
  /** The same text as a note, for the page to render in the reader's language (problem-text.ts). */
  note: ProblemNote;
  /** An unknown key: reported as a warning and dropped, never fatal. */
  unknownKey: boolean;
}

export type Checked<T> = { ok: true; value: T; issues: FieldIssue[] } | { ok: false; issues: FieldIssue[] };

/**
 * Parse `value` with `schema`. Unknown keys (strict objects) are dropped with a warning and parsing is
 * retried; any other issue fails the value. `prefix` is the field path the caller shows before each
 * issue's own path (e.g. `settings`).
 */
export function checkValue<T>(schema: z.ZodType<T>, value: unknown, prefix: readonly PathSegment[] = []): Checked<T> {
  const issues: FieldIssue[] = [];
  let input = value;
  for (let attempt = 0; attempt < 8; attempt++) {
    const r = schema.safeParse(input, { reportInput: true });
    if (r.success) return { ok: true, value: r.data, issues };
    const hard: FieldIssue[] = [];
    const unknown: { path: PathSegment[]; keys: string[] }[] = [];
    for (const issue of r.error.issues) {
      const path = issue.path.map(toSegment);
      if (issue.code === 'unrecognized_keys') unknown.push({ path, keys: issue.keys });
      else {
        hard.push({ path, ...describeIssue(issue as z.core.$ZodIssue, [...prefix, ...path]), unknownKey: false });
      }
    }
    for (const u of unknown) {
      for (const key of u.keys) {
        const text = noted('problem.unknownField', { field: fieldPath([...prefix, ...u.path, key]) });
        issues.push({ path: [...u.path, key], ...text, unknownKey: true });
      }
    }
    if (hard.length > 0) return { ok: false, issues: [...issues, ...hard] };
    input = withoutKeys(input, unknown);
  }
  const gaveUp = { path: [], ...noted('field.invalid', { field: fieldPath(prefix) || 'value' }), unknownKey: false };
  return { ok: false, issues: [...issues, gaveUp] };
}

/**
 * A Kubernetes object's field issue as the problem quotes it: the lab's own check, framed in the
 * apiserver's style ("<field>: Invalid value: <value>: must be ..."), as a note, so the page frames
 * it in the reader's language; its English is the message, byte for byte (the CLI's text and JSON).
 * What is not the lab's words stays a verbatim parameter: the field path, the value, the supported
 * values, zod's own text for a check the lab does not word (`field.invalidDetail`).
 */
export function objectIssueDetail(issue: FieldIssue): ProblemNote {
  return issue.note;
}

function toSegment(k: PropertyKey): PathSegment {
  return typeof k === 'number' ? k : String(k);
}

/** A copy of `value` with the given keys removed (only along the paths that change). */
function withoutKeys(value: unknown, drops: readonly { path: PathSegment[]; keys: string[] }[]): unknown {
  const root = cloneShallow(value);
  for (const d of drops) {
    let parent: unknown = { root };
    let key: PathSegment = 'root';
    for (const seg of d.path) {
      const holder = parent as Record<PathSegment, unknown>;
      holder[key] = cloneShallow(holder[key]);
      parent = holder[key];
      key = seg;
    }
    const holder = parent as Record<PathSegment, unknown>;
    const target = (holder[key] = cloneShallow(holder[key]));
    if (target && typeof target === 'object') for (const k of d.keys) delete (target as Record<string, unknown>)[k];
    if (d.path.length === 0) return target;
  }
  return root;
}

function cloneShallow(v: unknown): unknown {
  if (Array.isArray(v)) return [...v];
  if (v && typeof v === 'object') return { ...(v as Record<string, unknown>) };
  return v;
}

/** A value as the apiserver quotes it in messages, shortened. */
const showValues = (values: readonly unknown[]) => values.map((v) => showValue(v)).join(', ');

export function showValue(v: unknown): string {
  let s: string;
  if (v === undefined) s = 'null';
  else if (typeof v === 'number') s = Number.isFinite(v) ? String(v) : v > 0 ? 'Infinity' : v < 0 ? '-Infinity' : 'NaN';
  else {
    try {
      s = JSON.stringify(v) ?? String(v);
    } catch {
      s = String(v);
    }
  }
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

/** The note for a value of the wrong type, by zod's expected type. */
const TYPE_KEYS: Record<string, ProblemNoteKey> = {
  string: 'field.type.string',
  number: 'field.type.number',
  int: 'field.type.int',
  boolean: 'field.type.boolean',
  object: 'field.type.map',
  record: 'field.type.map',
  array: 'field.type.list',
};

const FORMAT_KEYS: Record<string, ProblemNoteKey> = {
  ipv4: 'field.ipv4',
  cidrv4: 'field.cidrv4',
  regex: 'field.wrongForm',
};

/** An example CIDR in the message (the lab's default service range, kube-apiserver's own default). */
const CIDR_EXAMPLE = '10.96.0.0/12';

/** A zod issue in the apiserver's words, as a note (and its English rendering). */
function describeIssue(issue: z.core.$ZodIssue, path: readonly PathSegment[]): ReturnType<typeof noted> {
  const field = fieldPath(path) || 'value';
  const value = 'input' in issue ? showValue(issue.input) : '';
  switch (issue.code) {
    case 'invalid_type': {
      if (issue.input === undefined) return noted('field.required', { field });
      if (issue.expected === 'int' && typeof issue.input === 'number') return noted('field.int53', { field, value });
      const key = TYPE_KEYS[issue.expected];
      return key ? noted(key, { field, value }) : noted('field.type.other', { field, value, expected: issue.expected });
    }
    case 'invalid_value':
      return noted('field.unsupported', { field, value, supported: showValues(issue.values) });
    case 'too_small':
      if (issue.origin === 'string' && Number(issue.minimum) === 1) return noted('field.required', { field });
      if (issue.origin === 'array') return noted('field.minItems', { field, min: String(issue.minimum) });
      return noted('field.min', { field, value, min: String(issue.minimum) });
    case 'too_big':
      if (path.at(-1) === 'replicas') return noted('field.maxReplicas', { field, value, max: LIMITS.maxReplicas });
      if (issue.origin === 'array') return noted('field.maxItems', { field, max: String(issue.maximum) });
      return noted('field.max', { field, value, max: String(issue.maximum) });
    case 'invalid_format': {
      const key = FORMAT_KEYS[issue.format];
      if (key === 'field.cidrv4') return noted(key, { field, value, example: CIDR_EXAMPLE });
      return key ? noted(key, { field, value }) : noted('field.format', { field, value, format: issue.format });
    }
    case 'invalid_union':
      return noted('field.intOrString', { field, value });
    case 'invalid_key':
      return noted('field.keysStrings', { field });
    case 'invalid_element':
    case 'not_multiple_of':
    case 'unrecognized_keys':
    case 'custom':
      // zod's own words for what the lab's schemas do not word themselves.
      return noted('field.invalidDetail', { field, detail: issue.message });
  }
}
