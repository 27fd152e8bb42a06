// Step 4 of the load pipeline: structural validation with zod, reported in the apiserver's words
// (`metadata.name: Required value`, `spec.type: Unsupported value: "Foo": supported values: ...`,
// k8s.io/apimachinery/pkg/util/validation/field/errors.go), so a learner sees what kubectl would say.

import type { z } from 'zod';
import { LIMITS } from './limits';
import { fieldPath, type PathSegment } from './problem';

export interface FieldIssue {
  /** Path relative to the value that was validated. */
  path: PathSegment[];
  /** Apiserver-style text, starting with the field path. */
  message: string;
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
        const message = describeIssue(issue as z.core.$ZodIssue, [...prefix, ...path]);
        hard.push({ path, message, unknownKey: false });
      }
    }
    for (const u of unknown) {
      for (const key of u.keys) {
        const message = `${fieldPath([...prefix, ...u.path, key])}: unknown field, ignored`;
        issues.push({ path: [...u.path, key], message, unknownKey: true });
      }
    }
    if (hard.length > 0) return { ok: false, issues: [...issues, ...hard] };
    input = withoutKeys(input, unknown);
  }
  const gaveUp: FieldIssue = { path: [], message: `${fieldPath(prefix) || 'value'}: Invalid value`, unknownKey: false };
  return { ok: false, issues: [...issues, gaveUp] };
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

const TYPE_WORDS: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'true or false',
  object: 'a map',
  record: 'a map',
  array: 'a list',
};

const FORMAT_WORDS: Record<string, string> = {
  ipv4: 'must be a valid IPv4 address',
  cidrv4: 'must be a valid IPv4 CIDR such as 10.96.0.0/12',
  regex: 'has the wrong form',
};

function describeIssue(issue: z.core.$ZodIssue, path: readonly PathSegment[]): string {
  const fp = fieldPath(path) || 'value';
  const last = path[path.length - 1];
  switch (issue.code) {
    case 'invalid_type': {
      if (issue.input === undefined) return `${fp}: Required value`;
      if (issue.expected === 'int' && typeof issue.input === 'number') {
        return `${fp}: Invalid value: ${showValue(issue.input)}: must be an integer no larger than 2^53`;
      }
      return `${fp}: Invalid value: ${showValue(issue.input)}: must be ${TYPE_WORDS[issue.expected] ?? issue.expected}`;
    }
    case 'invalid_value':
      return `${fp}: Unsupported value: ${showValue(issue.input)}: supported values: ${showValues(issue.values)}`;
    case 'too_small':
      if (issue.origin === 'string' && Number(issue.minimum) === 1) return `${fp}: Required value`;
      if (issue.origin === 'array') return `${fp}: Invalid value: must have at least ${issue.minimum} items`;
      return `${fp}: Invalid value: ${showValue(issue.input)}: must be greater than or equal to ${issue.minimum}`;
    case 'too_big':
      if (last === 'replicas') {
        const most = `the lab runs at most ${LIMITS.maxReplicas} replicas per workload`;
        return `${fp}: Invalid value: ${showValue(issue.input)}: ${most}`;
      }
      if (issue.origin === 'array') return `${fp}: Too many: must have at most ${issue.maximum} items`;
      return `${fp}: Invalid value: ${showValue(issue.input)}: must be less than or equal to ${issue.maximum}`;
    case 'invalid_format': {
      const words = FORMAT_WORDS[issue.format] ?? `must be a valid ${issue.format}`;
      return `${fp}: Invalid value: ${showValue(issue.input)}: ${words}`;
    }
    case 'invalid_union':
      return `${fp}: Invalid value: ${showValue(issue.input)}: must be an integer or a string`;
    case 'invalid_key':
      return `${fp}: Invalid value: keys must be strings`;
    case 'invalid_element':
    case 'not_multiple_of':
    case 'unrecognized_keys':
    case 'custom':
      return `${fp}: Invalid value: ${issue.message}`;
  }
}
