// Step 3 of the load pipeline for a netlab scenario document, the envelope around the objects:
// the format and version gate, the migrations, then each field read on its own, forgivingly. A bad
// client, request or lesson step is reported and skipped; a bad setting falls back to its default;
// a bad edit is an error (the edit log must replay whole). The objects are returned unread: they
// are validated with every other object (load.ts, acceptObject).

import type { z } from 'zod';
import { defaultIngressAddon, defaultLabSettings, type LabSettings } from '../sim/lab';
import type { ExternalClient, SavedRequest } from '../sim/cluster';
import { isRecord } from './kinds';
import { LIMITS } from './limits';
import { problemAt, sourceOf, type ProblemMessage, type Report } from './locate';
import { migrate, type ScenarioDocument } from './migrations';
import type { ParsedDocument } from './parse';
import { jsonPointer, type PathSegment, type Problem, type Severity } from './problem';
import { noted, type ProblemNoteKey } from './problem-text';
import {
  CURRENT_VERSION,
  ENVELOPE_KEYS,
  externalClientSchema,
  labEditSchema,
  labSettingsSchema,
  lessonStepSchema,
  metaSchema,
  otherObjectSchema,
  KIND_SCHEMAS,
  savedRequestSchema,
  SCENARIO_FORMAT,
  viewSchema,
} from './schema';
import type { LabEdit, LessonStep, ObjectSource, ScenarioMeta, ScenarioObject, ScenarioView } from './types';
import { checkValue, objectIssueDetail, showValue, type FieldIssue } from './validate';

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

/** One envelope document being read: where it is, and how its problems are reported. */
interface EnvelopeReader {
  file: string;
  doc: ParsedDocument;
  multiDocument: boolean;
  value: ScenarioDocument;
  report: Report;
}

/**
 * Reads one envelope document: undefined (and a problem) when its format or version cannot be
 * read; otherwise its fields, each validated, and its objects as given.
 */
export function readEnvelope(p: {
  file: string;
  doc: ParsedDocument;
  multiDocument: boolean;
  value: Record<string, unknown>;
  problems: Problem[];
}): { envelope: EnvelopePart; objects: unknown[] } | undefined {
  const { file, doc, multiDocument, problems } = p;
  const report: Report = (path, kind, message, severity = 'error') =>
    problems.push(problemAt({ file, doc, multiDocument, path, kind, severity, message }));

  const version = formatVersion(p.value, report);
  if (version === undefined) return undefined;
  const upgraded = upgrade(p.value, version, report);
  if (!upgraded) return undefined;
  const { value, applied } = upgraded;
  const r: EnvelopeReader = { file, doc, multiDocument, value, report };

  for (const key of Object.keys(value)) {
    if (ENVELOPE_KEYS.includes(key)) continue;
    report([key], 'envelope', noted('problem.unknownField', { field: key }), 'warning');
  }
  const objects = envelopeObjects(value.objects, report);
  const settings = readSettings(value.settings, (path, msg, severity) => report(path, 'setting', msg, severity));
  const meta = readSection<ScenarioMeta>(r, 'meta', metaSchema, 'problem.metaIgnored');
  const clients = readEntries<ExternalClient>(r, 'clients', externalClientSchema, 'problem.clientSkipped');
  const requests = readEntries<SavedRequest>(r, 'requests', savedRequestSchema, 'problem.requestSkipped');
  const lesson = readEntries<LessonStep>(r, 'lesson', lessonStepSchema, 'problem.stepSkipped').map((s) => s.value);
  checkPredictAnswers(lesson, report);
  const edits = readEdits(value.edits, report);
  const view = readSection<ScenarioView>(r, 'view', viewSchema, 'problem.viewIgnored');

  const { given: settingsGiven, value: labSettings } = settings;
  const envelope: EnvelopePart = {
    file,
    meta,
    settingsGiven,
    settings: labSettings,
    clients,
    requests,
    lesson,
    view,
    edits,
    migrations: applied,
  };
  return { envelope, objects };
}

/** The gate: `format` must name a netlab scenario and `version` one this lab reads. */
function formatVersion(v: Record<string, unknown>, report: Report): number | undefined {
  if (v.format !== SCENARIO_FORMAT) {
    const field = 'format';
    report(
      [field],
      'envelope',
      v.format === undefined
        ? noted('field.requiredFormat', { field, format: SCENARIO_FORMAT })
        : noted('field.unsupported', { field, value: showValue(v.format), supported: `"${SCENARIO_FORMAT}"` }),
    );
    return undefined;
  }
  const version = v.version;
  if (version === undefined) {
    report(['version'], 'version', noted('field.required', { field: 'version' }));
    return undefined;
  }
  if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 0) {
    const params = { field: 'version', value: showValue(version), example: CURRENT_VERSION };
    report(['version'], 'version', noted('field.wholeNumber', params));
    return undefined;
  }
  if (version > CURRENT_VERSION) {
    report(['version'], 'version', noted('problem.newerScenario', { version, max: CURRENT_VERSION }));
    return undefined;
  }
  return version;
}

/** The document at the current version, with the migrations that took it there. */
function upgrade(
  v: Record<string, unknown>,
  version: number,
  report: Report,
): { value: ScenarioDocument; applied: string[] } | undefined {
  if (version >= CURRENT_VERSION) return { value: v, applied: [] };
  const m = migrate(v, version);
  if (!m.ok) {
    report([], 'migration', noted('problem.migrationFailed', { version, id: m.id, detail: m.message }));
    return undefined;
  }
  return { value: m.value, applied: m.applied };
}

function envelopeObjects(raw: unknown, report: Report): unknown[] {
  if (raw === undefined) return [];
  if (Array.isArray(raw)) return raw;
  report(['objects'], 'invalid', noted('field.type.objects', { field: 'objects', value: showValue(raw) }));
  return [];
}

/** What becomes of the value when one of its fields fails its check: `{issue}; the client is skipped`. */
type Outcome = Extract<
  ProblemNoteKey,
  'problem.metaIgnored' | 'problem.viewIgnored' | `problem.${'client' | 'request' | 'step'}Skipped`
>;

/** A field's issues under `base`: unknown keys are warnings, the rest errors framed by `outcome`. */
function reportIssues(report: Report, issues: FieldIssue[], base: readonly PathSegment[], outcome: Outcome): void {
  for (const i of issues) {
    if (i.unknownKey) report([...base, ...i.path], 'invalid', i, 'warning');
    else report([...base, ...i.path], 'invalid', noted(outcome, { issue: i.note }), 'error');
  }
}

/** `meta` or `view`: read whole, or ignored (reported) when invalid. */
function readSection<T extends object>(
  r: EnvelopeReader,
  key: 'meta' | 'view',
  schema: Parameters<typeof checkValue<T>>[0],
  outcome: Outcome,
): T | Record<string, never> {
  const raw = r.value[key];
  if (raw === undefined) return {};
  const checked = checkValue(schema, raw, [key]);
  reportIssues(r.report, checked.issues, [key], outcome);
  return checked.ok ? checked.value : {};
}

/** A list of clients, requests or lesson steps: each entry read on its own, a bad one skipped. */
function readEntries<T>(
  r: EnvelopeReader,
  key: 'clients' | 'requests' | 'lesson',
  schema: Parameters<typeof checkValue<T>>[0],
  outcome: Outcome,
): { value: T; source: ObjectSource }[] {
  const { report } = r;
  const raw = r.value[key];
  const out: { value: T; source: ObjectSource }[] = [];
  if (raw === undefined) return out;
  if (!Array.isArray(raw)) {
    report([key], 'invalid', noted('field.type.list', { field: key, value: showValue(raw) }));
    return out;
  }
  if (raw.length > LIMITS.maxEntries) {
    report([key], 'too-large', noted('field.tooManyRead', { field: key, count: raw.length, max: LIMITS.maxEntries }));
    return out;
  }
  raw.forEach((item, i) => {
    const checked = checkValue(schema, item, [key, i]);
    reportIssues(report, checked.issues, [key, i], outcome);
    if (checked.ok) out.push({ value: checked.value, source: sourceOf(r.file, r.doc, r.multiDocument, [key, i]) });
  });
  return out;
}

/** A prediction's answer must be the index of one of its choices. */
function checkPredictAnswers(lesson: readonly LessonStep[], report: Report): void {
  lesson.forEach((step, i) => {
    if (step.predict && step.predict.answer >= step.predict.choices.length) {
      const { answer, choices } = step.predict;
      const params = { field: `lesson[${i}].predict.answer`, value: answer, count: choices.length };
      report(['lesson', i, 'predict', 'answer'], 'invalid', noted('field.choiceIndex', params));
    }
  });
}

/**
 * The lab's edit log. Unlike a bad client or request, a bad edit is an error: later edits name
 * what earlier ones made, so a log with a hole would not reproduce the lab it was saved from.
 */
function readEdits(raw: unknown, report: Report): LabEdit[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) {
    report(['edits'], 'invalid', noted('field.type.list', { field: 'edits', value: showValue(raw) }));
    return [];
  }
  if (raw.length > LIMITS.maxEdits) {
    const params = { field: 'edits', count: raw.length, max: LIMITS.maxEdits };
    report(['edits'], 'too-large', noted('field.tooManyReplayed', params));
    return [];
  }
  const out: LabEdit[] = [];
  const kinds = labEditSchema.options.map((o) => o.shape.kind.value as string);
  raw.forEach((item, i) => {
    const kind = isRecord(item) ? item.kind : undefined;
    if (typeof kind !== 'string' || !kinds.includes(kind)) {
      const supported = kinds.map((k) => JSON.stringify(k)).join(', ');
      const field = `edits[${i}].kind`;
      const text =
        kind === undefined
          ? noted('field.required', { field })
          : noted('field.unsupported', { field, value: showValue(kind), supported });
      report(['edits', i, 'kind'], 'invalid', text);
      return;
    }
    const r = checkValue(labEditSchema, item, ['edits', i]);
    for (const issue of r.issues) report(['edits', i, ...issue.path], 'invalid', issue);
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
    for (const issue of o.issues) {
      // The object's own field check, framed as for any object (a note; field and value verbatim).
      const text = noted('problem.editObjectInvalid', { who, detail: objectIssueDetail(issue) });
      report(['edits', i, 'object', ...issue.path], 'invalid', text);
    }
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
  report: (path: PathSegment[], message: ProblemMessage, severity: Severity) => void,
): { value: LabSettings; given: Record<string, unknown> } {
  if (raw === undefined) return { value: defaultLabSettings(), given: {} };
  if (!isRecord(raw)) {
    const issue = noted('field.type.map', { field: 'settings', value: showValue(raw) }).note;
    report(['settings'], noted('problem.settingsDefaults', { issue }), 'error');
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
      const outcome = inList ? 'problem.settingEntryIgnored' : 'problem.settingDefault';
      const text = issue.unknownKey ? issue : noted(outcome, { issue: issue.note });
      report(['settings', ...issue.path], text, issue.unknownKey ? 'warning' : 'error');
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
  report(['settings'], noted('problem.settingsUnreadable', { field: 'settings' }), 'error');
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
