// The load pipeline: parse -> envelope and version gate -> migrations -> validation -> merge.
// Hostile input, forgiving loader (excalidraw's restore.ts): every step returns problems as values,
// one bad object or entry is reported and skipped, and nothing throws out of loadScenarioFiles.

import type { z } from 'zod';
import { defaultIngressAddon, defaultKubeProxySettings, defaultLabSettings, type LabSettings } from '../sim/lab';
import type { ExternalClient, SavedRequest } from '../sim/cluster';
import { DEFAULT_CLIENT, isIPv4 } from '../sim/clients';
import { customKindsFrom, isRecord, resolveKind, unknownKindMessage, type CustomKinds } from './kinds';
import { LIMITS } from './limits';
import { migrate, type ScenarioDocument } from './migrations';
import { parseFile, type ParsedDocument } from './parse';
import { fieldSegments, hasErrors, jsonPointer, type PathSegment, type Problem, type ProblemKind, type Severity } from './problem';
import {
  CURRENT_VERSION,
  ENVELOPE_KEYS,
  externalClientSchema,
  KIND_SCHEMAS,
  labEditSchema,
  labSettingsSchema,
  lessonStepSchema,
  metaSchema,
  otherObjectSchema,
  savedRequestSchema,
  SCENARIO_FORMAT,
  viewSchema,
} from './schema';
import type { LabEdit, LessonStep, LoadResult, ObjectSource, Scenario, ScenarioFileInput, ScenarioMeta, ScenarioObject, ScenarioView } from './types';
import { checkValue, showValue, type FieldIssue } from './validate';
import { crdQualifiedKind, GATEWAY_API_KINDS, validateGatewayApiObject } from '../sim/api/gateway-validation';
import { formatFieldError } from '../sim/api/errors';
import { settleUserspaceVersion } from './settings';
import { inferFromSnapshot, looksLikeSnapshot, servedByACluster, upgradeServedObject, type Inference } from './snapshot';

/** The settings, meta, clients, ... of one envelope document, validated. */
export interface EnvelopePart {
  file: string;
  meta: ScenarioMeta;
  /** The settings as given (after dropping bad fields): tells which were defaulted. */
  settingsGiven: Record<string, unknown>;
  settings: LabSettings;
  clients: { value: ExternalClient; source: ObjectSource }[];
  requests: { value: SavedRequest; source: ObjectSource }[];
  lesson: LessonStep[];
  view: ScenarioView;
  edits: LabEdit[];
  migrations: string[];
}

/** What one file contributed: at most one envelope per document, and validated objects. */
export interface ScenarioPart {
  file: string;
  envelopes: EnvelopePart[];
  objects: { object: ScenarioObject; source: ObjectSource }[];
}

/** Load one file. */
export function loadScenarioText(name: string, text: string): LoadResult {
  return loadScenarioFiles([{ name, text }]);
}

/** Load several files into one scenario (objects concatenated, settings from the first envelope). Never throws. */
export function loadScenarioFiles(files: readonly ScenarioFileInput[]): LoadResult {
  try {
    return loadUnsafe(files);
  } catch (e) {
    const detail = e instanceof Error ? e.message : String(e);
    return {
      ok: false,
      problems: [
        {
          kind: 'internal',
          severity: 'error',
          file: files.map((f) => f.name).join(', ') || '(no file)',
          path: '',
          message: `netlab could not read this (a bug in netlab, not in the file): ${detail}`,
        },
      ],
    };
  }
}

function loadUnsafe(files: readonly ScenarioFileInput[]): LoadResult {
  const problems: Problem[] = [];
  const read = files.map((f) => readFile(f.name, String(f.text ?? '')));
  for (const r of read) problems.push(...r.problems);

  const custom = customKindsFrom(read.flatMap((r) => r.candidates.map((c) => c.value)));
  const parts: ScenarioPart[] = read.map((r) => ({
    file: r.file,
    envelopes: r.envelopes,
    objects: r.candidates.flatMap((c) => {
      const accepted = acceptObject(c, custom, problems);
      return accepted ? [{ object: accepted, source: c.source }] : [];
    }),
  }));

  const usable = parts.some((p) => p.envelopes.length > 0 || p.objects.length > 0);
  if (!usable) {
    // A file that failed to parse has said why; "no objects passed to apply" would only repeat it.
    const emptyOnly = read.every((r) => r.documents === 0 && !hasErrors(r.problems));
    if (emptyOnly || !hasErrors(problems)) {
      for (const r of read.length > 0 ? read : [{ file: '(no file)' }]) {
        problems.push({ kind: 'empty', severity: 'error', file: r.file, path: '', message: 'no objects passed to apply' });
      }
    }
    return { ok: false, problems };
  }
  for (const r of read) {
    if (r.documents === 0 && r.problems.length === 0) {
      problems.push({ kind: 'empty', severity: 'warning', file: r.file, path: '', message: 'no objects in this file' });
    }
  }
  const merged = mergeScenarios(parts);
  problems.push(...merged.problems);
  // A snapshot of a running cluster: the settings it implies, each inference reported.
  let inferred: Inference[] = [];
  if (looksLikeSnapshot(merged.scenario.objects, merged.sources)) {
    const snap = inferFromSnapshot({ ...merged, objects: merged.scenario.objects, settings: merged.scenario.settings, file: read[0]?.file ?? '' });
    merged.scenario.settings = snap.settings;
    inferred = snap.inferred;
    problems.push(...snap.problems);
  }
  const versionGiven = !merged.defaulted.includes('kubernetesVersion') || inferred.some((i) => i.setting === 'kubernetesVersion');
  const settled = settleUserspaceVersion(merged.scenario.settings, versionGiven);
  if (settled.note) {
    merged.scenario.settings = settled.settings;
    inferred.push({ setting: 'kubernetesVersion', value: settled.settings.kubernetesVersion, basis: { kind: 'userspace-version' } });
  }
  return { ok: true, ...merged, problems, inferred };
}

// ------------------------------------------------------------------ reading one file

interface Candidate {
  value: unknown;
  source: ObjectSource;
  doc: ParsedDocument;
  docPath: PathSegment[];
  multiDocument: boolean;
}

interface ReadFile {
  file: string;
  documents: number;
  envelopes: EnvelopePart[];
  candidates: Candidate[];
  problems: Problem[];
}

/** A problem at `path` inside a document, located in the text. */
function problemAt(p: {
  file: string;
  doc: ParsedDocument;
  multiDocument: boolean;
  path: readonly PathSegment[];
  kind: ProblemKind;
  severity: Severity;
  message: string;
}): Problem {
  const at = p.doc.locate(p.path);
  return {
    kind: p.kind,
    severity: p.severity,
    file: p.file,
    ...(at ? { line: at.line, column: at.column } : {}),
    ...(p.multiDocument ? { document: p.doc.index } : {}),
    path: jsonPointer(p.path),
    message: p.message,
  };
}

function sourceOf(file: string, doc: ParsedDocument, multiDocument: boolean, path: readonly PathSegment[]): ObjectSource {
  const at = doc.locate(path);
  return {
    file,
    ...(multiDocument ? { document: doc.index } : {}),
    path: jsonPointer(path),
    ...(at ? { line: at.line, column: at.column } : {}),
    // Located lazily: only a refused object's field is ever looked up.
    locateField: (field) => doc.locate([...path, ...fieldSegments(field)]),
  };
}

function readFile(file: string, text: string): ReadFile {
  const parsed = parseFile(file, text);
  const out: ReadFile = { file, documents: parsed.documents.length, envelopes: [], candidates: [], problems: [...parsed.problems] };
  const multiDocument = parsed.multiDocument;
  const candidatesOf: { doc: ParsedDocument; value: unknown; path: PathSegment[] }[] = [];
  const envelopesOf: { doc: ParsedDocument; value: Record<string, unknown> }[] = [];

  for (const doc of parsed.documents) {
    const v = doc.value;
    const here = (path: PathSegment[], kind: ProblemKind, message: string, severity: Severity = 'error') =>
      out.problems.push(problemAt({ file, doc, multiDocument, path, kind, severity, message }));
    if (!isRecord(v)) {
      here([], 'envelope', `expected a Kubernetes object (apiVersion, kind, metadata) or a netlab scenario (format: "${SCENARIO_FORMAT}"), found ${describeValue(v)}`);
      continue;
    }
    if ('format' in v || (!('kind' in v) && ('objects' in v || 'version' in v))) {
      envelopesOf.push({ doc, value: v });
    } else if (typeof v.kind === 'string' && v.kind.endsWith('List') && Array.isArray(v.items)) {
      // kubectl reads `kind: List` (and typed lists such as ServiceList) item by item.
      v.items.forEach((item, i) => candidatesOf.push({ doc, value: item, path: ['items', i] }));
    } else {
      candidatesOf.push({ doc, value: v, path: [] });
    }
  }

  // Count objects before validating any of them: a file over the cap is refused whole.
  let count = candidatesOf.length;
  for (const e of envelopesOf) if (Array.isArray(e.value.objects)) count += e.value.objects.length;
  if (count > LIMITS.maxObjects) {
    out.problems.push({
      kind: 'too-large',
      severity: 'error',
      file,
      path: '',
      message: `file has ${count} objects; the lab reads up to ${LIMITS.maxObjects} (file not loaded)`,
    });
    return out;
  }

  for (const e of envelopesOf) {
    const env = readEnvelope({ file, doc: e.doc, multiDocument, value: e.value, problems: out.problems });
    if (!env) continue;
    out.envelopes.push(env.envelope);
    env.objects.forEach((o, i) => candidatesOf.push({ doc: e.doc, value: o, path: ['objects', i] }));
  }
  for (const c of candidatesOf) {
    out.candidates.push({ value: c.value, doc: c.doc, docPath: c.path, multiDocument, source: sourceOf(file, c.doc, multiDocument, c.path) });
  }
  return out;
}

function describeValue(v: unknown): string {
  if (v === null) return 'an empty document';
  if (Array.isArray(v)) return 'a list';
  return `${typeof v === 'string' ? 'text' : typeof v} ${showValue(v)}`;
}

// ------------------------------------------------------------------ the envelope

function readEnvelope(p: {
  file: string;
  doc: ParsedDocument;
  multiDocument: boolean;
  value: Record<string, unknown>;
  problems: Problem[];
}): { envelope: EnvelopePart; objects: unknown[] } | undefined {
  const { file, doc, multiDocument, problems } = p;
  const report = (path: readonly PathSegment[], kind: ProblemKind, message: string, severity: Severity = 'error') =>
    problems.push(problemAt({ file, doc, multiDocument, path, kind, severity, message }));
  const reportIssues = (issues: FieldIssue[], base: readonly PathSegment[], kind: ProblemKind, suffix: string) => {
    for (const i of issues) {
      report([...base, ...i.path], kind, i.unknownKey ? i.message : `${i.message}${suffix}`, i.unknownKey ? 'warning' : 'error');
    }
  };

  const v = p.value;
  if (v.format !== SCENARIO_FORMAT) {
    report(
      ['format'],
      'envelope',
      v.format === undefined
        ? `format: Required value: a netlab scenario starts with format: "${SCENARIO_FORMAT}"`
        : `format: Unsupported value: ${showValue(v.format)}: supported values: "${SCENARIO_FORMAT}"`,
    );
    return undefined;
  }
  const version = v.version;
  if (version === undefined) {
    report(['version'], 'version', 'version: Required value');
    return undefined;
  }
  if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 0) {
    report(['version'], 'version', `version: Invalid value: ${showValue(version)}: must be a whole number such as ${CURRENT_VERSION}`);
    return undefined;
  }
  if (version > CURRENT_VERSION) {
    report(
      ['version'],
      'version',
      `this scenario was written by a newer netlab (format version ${version}); this lab reads up to version ${CURRENT_VERSION}`,
    );
    return undefined;
  }

  let value: ScenarioDocument = v;
  let applied: string[] = [];
  if (version < CURRENT_VERSION) {
    const m = migrate(v, version);
    if (!m.ok) {
      report([], 'migration', `could not upgrade this scenario from format version ${version} (${m.id}): ${m.message}`);
      return undefined;
    }
    value = m.value;
    applied = m.applied;
  }

  for (const key of Object.keys(value)) {
    if (!ENVELOPE_KEYS.includes(key)) report([key], 'envelope', `${key}: unknown field, ignored`, 'warning');
  }

  let objects: unknown[] = [];
  if (value.objects !== undefined) {
    if (Array.isArray(value.objects)) objects = value.objects;
    else report(['objects'], 'invalid', `objects: Invalid value: ${showValue(value.objects)}: must be a list of Kubernetes objects`);
  }

  const settings = readSettings(value.settings, (path, message, severity) => report(path, 'setting', message, severity));

  let meta: ScenarioMeta = {};
  if (value.meta !== undefined) {
    const r = checkValue(metaSchema, value.meta, ['meta']);
    reportIssues(r.issues, ['meta'], 'invalid', '; meta ignored');
    if (r.ok) meta = r.value;
  }

  const entries = <T>(key: 'clients' | 'requests' | 'lesson', schema: Parameters<typeof checkValue<T>>[0], what: string) => {
    const raw = value[key];
    const out: { value: T; source: ObjectSource }[] = [];
    if (raw === undefined) return out;
    if (!Array.isArray(raw)) {
      report([key], 'invalid', `${key}: Invalid value: ${showValue(raw)}: must be a list`);
      return out;
    }
    if (raw.length > LIMITS.maxEntries) {
      report([key], 'too-large', `${key}: Too many: ${raw.length}: the lab reads up to ${LIMITS.maxEntries} (none loaded)`);
      return out;
    }
    raw.forEach((item, i) => {
      const r = checkValue(schema, item, [key, i]);
      reportIssues(r.issues, [key, i], 'invalid', `; the ${what} is skipped`);
      if (r.ok) out.push({ value: r.value, source: sourceOf(file, doc, multiDocument, [key, i]) });
    });
    return out;
  };
  const clients = entries<ExternalClient>('clients', externalClientSchema, 'client');
  const requests = entries<SavedRequest>('requests', savedRequestSchema, 'request');
  const lesson = entries<LessonStep>('lesson', lessonStepSchema, 'step').map((s) => s.value);
  lesson.forEach((step, i) => {
    if (step.predict && step.predict.answer >= step.predict.choices.length) {
      report(['lesson', i, 'predict', 'answer'], 'invalid', `lesson[${i}].predict.answer: Invalid value: ${step.predict.answer}: must be the index of one of the ${step.predict.choices.length} choices`);
    }
  });

  const edits = readEdits(value.edits, report);

  let view: ScenarioView = {};
  if (value.view !== undefined) {
    const r = checkValue(viewSchema, value.view, ['view']);
    reportIssues(r.issues, ['view'], 'invalid', '; view hints ignored');
    if (r.ok) view = r.value;
  }

  return {
    envelope: { file, meta, settingsGiven: settings.given, settings: settings.value, clients, requests, lesson, view, edits, migrations: applied },
    objects,
  };
}

/**
 * The lab's edit log. Unlike a bad client or request, a bad edit is an error: later edits name
 * what earlier ones made, so a log with a hole would not reproduce the lab it was saved from.
 */
function readEdits(raw: unknown, report: (path: readonly PathSegment[], kind: ProblemKind, message: string, severity?: Severity) => void): LabEdit[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) {
    report(['edits'], 'invalid', `edits: Invalid value: ${showValue(raw)}: must be a list`);
    return [];
  }
  if (raw.length > LIMITS.maxEdits) {
    report(['edits'], 'too-large', `edits: Too many: ${raw.length}: the lab replays up to ${LIMITS.maxEdits} (none loaded)`);
    return [];
  }
  const out: LabEdit[] = [];
  const kinds = labEditSchema.options.map((o) => o.shape.kind.value as string);
  raw.forEach((item, i) => {
    const kind = isRecord(item) ? item.kind : undefined;
    if (typeof kind !== 'string' || !kinds.includes(kind)) {
      const what = kind === undefined ? 'Required value' : `Unsupported value: ${showValue(kind)}: supported values: ${kinds.map((k) => JSON.stringify(k)).join(', ')}`;
      report(['edits', i, 'kind'], 'invalid', `edits[${i}].kind: ${what}`);
      return;
    }
    const r = checkValue(labEditSchema, item, ['edits', i]);
    for (const issue of r.issues) report(['edits', i, ...issue.path], 'invalid', issue.message);
    if (!r.ok) return;
    const edit = r.value as LabEdit;
    if (edit.kind !== 'apply-object') {
      out.push(edit);
      return;
    }
    // The object as an object in `objects` is read: the same schema, defaults and messages.
    const schema: z.ZodType = KIND_SCHEMAS[edit.object.kind as keyof typeof KIND_SCHEMAS] ?? otherObjectSchema;
    const o = checkValue(schema, edit.object, ['edits', i, 'object']);
    const who = `${edit.object.kind} ${JSON.stringify(edit.object.metadata.name ?? '')}`;
    for (const issue of o.issues) report(['edits', i, 'object', ...issue.path], 'invalid', `${who} is invalid: ${issue.message}`);
    if (o.ok) out.push({ kind: 'apply-object', object: o.value as ScenarioObject });
  });
  return out;
}

const REMOVED = Symbol('removed');

/**
 * Lab settings, forgivingly: a wrong field is reported and its default used, the rest kept.
 * Unknown fields are warnings (a typo in a setting should be visible, not fatal).
 */
function readSettings(
  raw: unknown,
  report: (path: PathSegment[], message: string, severity: Severity) => void,
): { value: LabSettings; given: Record<string, unknown> } {
  if (raw === undefined) return { value: defaultLabSettings(), given: {} };
  if (!isRecord(raw)) {
    report(['settings'], `settings: Invalid value: ${showValue(raw)}: must be a map; the defaults are used`, 'error');
    return { value: defaultLabSettings(), given: {} };
  }
  let input: unknown = structuredClone(raw);
  const seen = new Set<string>();
  const removed = new Set<string>();
  for (let attempt = 0; attempt < 12; attempt++) {
    const r = checkValue(labSettingsSchema, input, ['settings']);
    for (const issue of r.issues) {
      const key = `${jsonPointer(issue.path)} ${issue.message}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const inList = issue.path.some((s) => typeof s === 'number');
      const note = issue.unknownKey ? '' : inList ? '; the entry is ignored' : '; the default is used';
      report(['settings', ...issue.path], `${issue.message}${note}`, issue.unknownKey ? 'warning' : 'error');
    }
    if (r.ok) {
      const given = isRecord(input) ? input : {};
      return { value: finishSettings(r.value), given };
    }
    for (const issue of r.issues) {
      if (issue.unknownKey) {
        removeAt(input, issue.path);
        continue;
      }
      // A field inside a list entry: drop the entry. Otherwise drop the field (its default applies);
      // if that field was already dropped (a required field), drop its parent.
      const listIndex = issue.path.findIndex((s) => typeof s === 'number');
      let path = listIndex >= 0 ? issue.path.slice(0, listIndex + 1) : issue.path;
      while (removed.has(jsonPointer(path)) && path.length > 1) path = path.slice(0, -1);
      removed.add(jsonPointer(path));
      removeAt(input, path);
    }
    input = compact(input);
  }
  report(['settings'], 'settings: could not be read; the defaults are used', 'error');
  return { value: defaultLabSettings(), given: {} };
}

function removeAt(root: unknown, path: readonly PathSegment[]): void {
  if (path.length === 0) return;
  let node: unknown = root;
  for (const seg of path.slice(0, -1)) {
    if (!node || typeof node !== 'object') return;
    node = (node as Record<PathSegment, unknown>)[seg];
  }
  if (!node || typeof node !== 'object') return;
  const last = path[path.length - 1];
  if (Array.isArray(node) && typeof last === 'number') node[last] = REMOVED;
  else delete (node as Record<PathSegment, unknown>)[last];
}

function compact(v: unknown): unknown {
  if (Array.isArray(v)) return v.filter((x) => x !== REMOVED).map(compact);
  if (isRecord(v)) {
    for (const k of Object.keys(v)) v[k] = compact(v[k]);
    return v;
  }
  return v;
}

function finishSettings(s: z.output<typeof labSettingsSchema>): LabSettings {
  return {
    ...s,
    // An addon's class name and namespace default from its controller (ingress-nginx's and traefik's charts).
    ingress: s.ingress.map((a) => {
      const d = defaultIngressAddon(a.controller);
      return { ...a, className: a.className ?? d.className, namespace: a.namespace ?? d.namespace };
    }),
  };
}

// ------------------------------------------------------------------ objects

function acceptObject(c: Candidate, custom: CustomKinds, problems: Problem[]): ScenarioObject | undefined {
  const report = (path: readonly PathSegment[], kind: ProblemKind, message: string, severity: Severity = 'error') =>
    problems.push(problemAt({ file: c.source.file, doc: c.doc, multiDocument: c.multiDocument, path: [...c.docPath, ...path], kind, severity, message }));
  const value = c.value;
  if (!isRecord(value)) {
    report([], 'invalid', `expected a Kubernetes object (a map with apiVersion, kind and metadata), found ${describeValue(value)}; skipped`);
    return undefined;
  }
  let v: Record<string, unknown> = value;
  const notSet = [
    ...(typeof v.apiVersion === 'string' && v.apiVersion !== '' ? [] : ['apiVersion not set']),
    ...(typeof v.kind === 'string' && v.kind !== '' ? [] : ['kind not set']),
  ];
  if (notSet.length > 0) {
    // kubectl's client-side check: `error validating data: [apiVersion not set, kind not set]`.
    report(notSet[0] === 'kind not set' ? ['kind'] : ['apiVersion'], 'invalid', `error validating data: [${notSet.join(', ')}]; skipped`);
    return undefined;
  }
  let apiVersion = v.apiVersion as string;
  const kind = v.kind as string;
  const metadata = isRecord(v.metadata) ? v.metadata : undefined;
  const name = typeof metadata?.name === 'string' ? metadata.name : '';
  let resolution = resolveKind(apiVersion, kind, custom);
  // An object a cluster of an older release served (a snapshot's list item at a version removed
  // since) is read at today's version, as the apiserver's conversion would; a manifest is not.
  const upgraded = resolution.kind === 'unknown' && servedByACluster(v) ? upgradeServedObject(v) : undefined;
  if (upgraded) {
    report(['apiVersion'], 'invalid', `${kind} ${JSON.stringify(name)}: served as ${apiVersion} by the cluster it was taken from; read as ${upgraded.to}`, 'warning');
    v = upgraded.value;
    apiVersion = upgraded.to;
    resolution = resolveKind(apiVersion, kind, custom);
  }
  if (resolution.kind === 'unknown') {
    const namespace = typeof metadata?.namespace === 'string' ? metadata.namespace : '';
    report(['kind'], 'unknown-kind', unknownKindMessage({ name, namespace, file: c.source.file, kind, apiVersion }));
    return undefined;
  }
  const input = v.metadata === undefined ? { ...v, metadata: {} } : v;
  const schema = resolution.kind === 'simulated' ? KIND_SCHEMAS[resolution.name] : otherObjectSchema;
  const r = checkValue(schema, input);
  const who = name ? `${kind} ${JSON.stringify(name)}` : kind;
  for (const issue of r.issues) report(issue.path, 'invalid', `${who} is invalid, not loaded: ${issue.message}`);
  if (r.ok && GATEWAY_API_KINDS.has(kind)) {
    // The Gateway API CRDs' own validation (OpenAPI schema and CEL rules), in the apiserver's words.
    const crd = validateGatewayApiObject(r.value as { kind: string; spec?: unknown });
    const whoCrd = `${crdQualifiedKind(kind)} ${JSON.stringify(name)}`;
    for (const e of crd) report(e.path, 'invalid', `${whoCrd} is invalid: ${formatFieldError(e.error)}; not loaded`);
    if (crd.length > 0) return undefined;
  }
  return r.ok ? (r.value as ScenarioObject) : undefined;
}

// ------------------------------------------------------------------ merging

const isNamespaced = (o: ScenarioObject, custom: CustomKinds): boolean => {
  const r = resolveKind(o.apiVersion, o.kind, custom);
  if (r.kind === 'other') return r.namespaced;
  return !['Namespace', 'Node', 'IngressClass', 'GatewayClass'].includes(o.kind);
};

/**
 * Merge loaded files into one scenario: objects concatenated in file order (a later object with the
 * same kind, namespace and name replaces the earlier one, as a second `kubectl apply` would, and
 * both places are reported); settings, meta, view and lesson from the first envelope; clients and
 * requests from every envelope.
 */
export function mergeScenarios(parts: readonly ScenarioPart[]): {
  scenario: Scenario;
  problems: Problem[];
  defaulted: string[];
  migrations: string[];
  sources: ObjectSource[];
} {
  const problems: Problem[] = [];
  const warnAt = (src: ObjectSource, kind: ProblemKind, message: string) =>
    problems.push({ kind, severity: 'warning', file: src.file, line: src.line, column: src.column, document: src.document, path: src.path, message });
  const where = (s: ObjectSource) => (s.line !== undefined ? `${s.file}:${s.line}:${s.column ?? 1}` : `${s.file} ${s.path || '/'}`);

  const envelopes = parts.flatMap((p) => p.envelopes);
  const first = envelopes[0];
  for (const e of envelopes.slice(1)) {
    if (Object.keys(e.settingsGiven).length > 0) {
      problems.push({
        kind: 'duplicate',
        severity: 'warning',
        file: e.file,
        path: '/settings',
        message: `settings ignored: lab settings come from the first scenario file (${first.file})`,
      });
    }
  }

  const objects: ScenarioObject[] = [];
  const sources: ObjectSource[] = [];
  const index = new Map<string, number>();
  const allObjects = parts.flatMap((p) => p.objects);
  const custom = customKindsFrom(allObjects.map((o) => o.object));
  for (const { object, source } of allObjects) {
    const ns = isNamespaced(object, custom) ? (object.metadata.namespace ?? 'default') : '';
    const key = `${object.apiVersion.split('/')[0]}|${object.kind}|${ns}|${object.metadata.name}`;
    const at = index.get(key);
    const label = `${object.kind} ${ns ? `${ns}/` : ''}${object.metadata.name}`;
    if (at !== undefined) {
      warnAt(source, 'duplicate', `${label} is defined twice: here and at ${where(sources[at])}; this later definition is used, as a second kubectl apply would`);
      objects[at] = object;
      sources[at] = source;
      continue;
    }
    if (objects.length >= LIMITS.maxObjects) {
      problems.push({ kind: 'too-large', severity: 'error', file: source.file, path: source.path, message: `the lab holds up to ${LIMITS.maxObjects} objects; ${label} and the rest were not loaded` });
      break;
    }
    index.set(key, objects.length);
    objects.push(object);
    sources.push(source);
  }

  const clients: ExternalClient[] = [];
  const clientSeen = new Map<string, ObjectSource>();
  const requests: SavedRequest[] = [];
  const requestSeen = new Map<string, ObjectSource>();
  for (const e of envelopes) {
    for (const c of e.clients) {
      const prev = clientSeen.get(c.value.name);
      if (prev) warnAt(c.source, 'duplicate', `client ${JSON.stringify(c.value.name)} is defined twice (first at ${where(prev)}); this one is ignored`);
      else {
        clientSeen.set(c.value.name, c.source);
        clients.push(c.value);
      }
    }
    for (const r of e.requests) {
      const prev = requestSeen.get(r.value.id);
      if (prev) warnAt(r.source, 'duplicate', `request ${JSON.stringify(r.value.id)} is defined twice (first at ${where(prev)}); this one is ignored`);
      else {
        requestSeen.set(r.value.id, r.source);
        requests.push(r.value);
      }
    }
  }
  for (const r of requests) {
    const src = requestSeen.get(r.id);
    const client = /^external:(.+)$/.exec(r.from)?.[1];
    // The lab's default outside client and a bare address need no declaration (src/sim/clients.ts).
    if (src && client !== undefined && !clientSeen.has(client) && client !== DEFAULT_CLIENT.name && !isIPv4(client)) {
      warnAt(src, 'reference', `request ${JSON.stringify(r.id)}: from: no client named ${JSON.stringify(client)}`);
    }
  }

  const lessonOwner = envelopes.find((e) => e.lesson.length > 0);
  const lesson = lessonOwner?.lesson ?? [];
  for (const e of envelopes) {
    if (e !== lessonOwner && e.lesson.length > 0) {
      problems.push({ kind: 'duplicate', severity: 'warning', file: e.file, path: '/lesson', message: `lesson ignored: the lesson comes from ${lessonOwner?.file}` });
    }
  }
  lesson.forEach((step, i) => {
    if (step.request !== undefined && !requestSeen.has(step.request)) {
      problems.push({ kind: 'reference', severity: 'warning', file: lessonOwner?.file ?? '', path: `/lesson/${i}/request`, message: `lesson[${i}].request: no saved request with id ${JSON.stringify(step.request)}` });
    }
  });
  // The edit log goes with the first file's objects and settings, like the lesson.
  const editsOwner = envelopes.find((e) => e.edits.length > 0);
  for (const e of envelopes) {
    if (e !== editsOwner && e.edits.length > 0) problems.push({ kind: 'duplicate', severity: 'warning', file: e.file, path: '/edits', message: `edits ignored: the lab's edits come from ${editsOwner?.file}` });
  }
  const view = first?.view ?? {};
  if (first && view.selectedRequest !== undefined && !requestSeen.has(view.selectedRequest)) {
    problems.push({ kind: 'reference', severity: 'warning', file: first.file, path: '/view/selectedRequest', message: `view.selectedRequest: no saved request with id ${JSON.stringify(view.selectedRequest)}` });
  }

  const scenario: Scenario = {
    format: SCENARIO_FORMAT,
    version: CURRENT_VERSION,
    meta: first?.meta ?? {},
    settings: first?.settings ?? defaultLabSettings(),
    objects,
    clients,
    requests,
    lesson,
    view,
    edits: editsOwner?.edits ?? [],
  };
  return {
    scenario,
    problems,
    defaulted: defaultedSettings(first?.settingsGiven ?? {}),
    migrations: envelopes.flatMap((e) => e.migrations),
    sources,
  };
}

/** A scenario already loaded, as a part for mergeScenarios (e.g. to import a file into an open scenario). */
export function partFromScenario(file: string, s: Scenario): ScenarioPart {
  return {
    file,
    envelopes: [
      {
        file,
        meta: s.meta,
        settingsGiven: { ...s.settings },
        settings: s.settings,
        clients: s.clients.map((value, i) => ({ value, source: { file, path: `/clients/${i}` } })),
        requests: s.requests.map((value, i) => ({ value, source: { file, path: `/requests/${i}` } })),
        lesson: s.lesson,
        view: s.view,
        edits: s.edits,
        migrations: [],
      },
    ],
    objects: s.objects.map((object, i) => ({ object, source: { file, path: `/objects/${i}` } })),
  };
}

/** Dotted paths of the lab settings that were not given (kubeProxy one level deeper). */
function defaultedSettings(given: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const key of Object.keys(defaultLabSettings())) {
    if (key === 'kubeProxy' && isRecord(given.kubeProxy)) {
      const kp = given.kubeProxy;
      for (const k of [...Object.keys(defaultKubeProxySettings()), 'clusterCIDR']) if (!(k in kp)) out.push(`kubeProxy.${k}`);
    } else if (!(key in given)) out.push(key);
  }
  return out;
}
