// The last step of the load pipeline: every file's validated parts into one scenario. Objects are
// concatenated in file order (a later object with the same kind, namespace and name replaces the
// earlier one, as a second `kubectl apply` would, and both places are reported); settings, meta,
// view, lesson and edits come from one envelope; clients and requests from every envelope; a
// reference to a request or client that is not there is a warning.

import { defaultKubeProxySettings, defaultLabSettings } from '../sim/lab';
import type { ExternalClient, SavedRequest } from '../sim/cluster';
import { DEFAULT_CLIENT, isIPv4 } from '../sim/clients';
import type { EnvelopePart } from './envelope';
import { customKindsFrom, isRecord, resolveKind, type CustomKinds } from './kinds';
import { LIMITS } from './limits';
import type { ProblemMessage } from './locate';
import type { Problem, ProblemKind } from './problem';
import { noted } from './problem-text';
import { CURRENT_VERSION, SCENARIO_FORMAT } from './schema';
import type { LabEdit, LessonStep, ObjectSource, Scenario, ScenarioObject } from './types';

/** What one file contributed: at most one envelope per document, and validated objects. */
export interface ScenarioPart {
  file: string;
  envelopes: EnvelopePart[];
  objects: { object: ScenarioObject; source: ObjectSource }[];
}

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
  const envelopes = parts.flatMap((p) => p.envelopes);
  const first = envelopes[0];
  problems.push(...ignoredSettings(envelopes));
  const { objects, sources } = mergeObjects(parts, problems);
  const { clients, requests, requestSeen } = mergeClientsAndRequests(envelopes, problems);
  const lesson = mergeLesson(envelopes, requestSeen, problems);
  const edits = mergeEdits(envelopes, problems);
  const view = first?.view ?? {};
  if (first && view.selectedRequest !== undefined && !requestSeen.has(view.selectedRequest)) {
    const text = noted('problem.viewRequest', { id: JSON.stringify(view.selectedRequest) });
    problems.push({ kind: 'reference', severity: 'warning', file: first.file, path: '/view/selectedRequest', ...text });
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
    edits,
  };
  return {
    scenario,
    problems,
    defaulted: defaultedSettings(first?.settingsGiven ?? {}),
    migrations: envelopes.flatMap((e) => e.migrations),
    sources,
  };
}

/** A warning at an object's (or entry's) source. */
function warningAt(src: ObjectSource, kind: ProblemKind, message: ProblemMessage): Problem {
  const { file, line, column, document, path } = src;
  const text = typeof message === 'string' ? { message } : { message: message.message, note: message.note };
  return { kind, severity: 'warning', file, line, column, document, path, ...text };
}

/** Where a source is, as a learner would look for it: file:line:column, or the file and its path. */
const where = (s: ObjectSource) =>
  s.line !== undefined ? `${s.file}:${s.line}:${s.column ?? 1}` : `${s.file} ${s.path || '/'}`;

/** The lab's settings come from the first envelope: any later one that sets some is told so. */
function ignoredSettings(envelopes: readonly EnvelopePart[]): Problem[] {
  const first = envelopes[0];
  return envelopes.slice(1).flatMap((e): Problem[] => {
    if (Object.keys(e.settingsGiven).length === 0) return [];
    const text = noted('problem.settingsIgnored', { file: first.file });
    return [{ kind: 'duplicate', severity: 'warning', file: e.file, path: '/settings', ...text }];
  });
}

const isNamespaced = (o: ScenarioObject, custom: CustomKinds): boolean => {
  const r = resolveKind(o.apiVersion, o.kind, custom);
  if (r.kind === 'other') return r.namespaced;
  return !['Namespace', 'Node', 'IngressClass', 'GatewayClass'].includes(o.kind);
};

/** Every file's objects in order, a later one with the same identity replacing the earlier; capped. */
function mergeObjects(
  parts: readonly ScenarioPart[],
  problems: Problem[],
): { objects: ScenarioObject[]; sources: ObjectSource[] } {
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
      const text = noted('problem.duplicateObject', { label, where: where(sources[at]) });
      problems.push(warningAt(source, 'duplicate', text));
      objects[at] = object;
      sources[at] = source;
      continue;
    }
    if (objects.length >= LIMITS.maxObjects) {
      const text = noted('problem.tooManyMerged', { max: LIMITS.maxObjects, label });
      problems.push({ kind: 'too-large', severity: 'error', file: source.file, path: source.path, ...text });
      break;
    }
    index.set(key, objects.length);
    objects.push(object);
    sources.push(source);
  }
  return { objects, sources };
}

/**
 * Clients and requests from every envelope, the first of each name (or id) kept; a request from an
 * `external:` client that no envelope declares is a warning.
 */
function mergeClientsAndRequests(
  envelopes: readonly EnvelopePart[],
  problems: Problem[],
): { clients: ExternalClient[]; requests: SavedRequest[]; requestSeen: Map<string, ObjectSource> } {
  const clients: ExternalClient[] = [];
  const clientSeen = new Map<string, ObjectSource>();
  const requests: SavedRequest[] = [];
  const requestSeen = new Map<string, ObjectSource>();
  for (const e of envelopes) {
    for (const c of e.clients) {
      const prev = clientSeen.get(c.value.name);
      if (prev) {
        const text = noted('problem.duplicateClient', { client: JSON.stringify(c.value.name), where: where(prev) });
        problems.push(warningAt(c.source, 'duplicate', text));
      } else {
        clientSeen.set(c.value.name, c.source);
        clients.push(c.value);
      }
    }
    for (const r of e.requests) {
      const prev = requestSeen.get(r.value.id);
      if (prev) {
        const text = noted('problem.duplicateRequest', { request: JSON.stringify(r.value.id), where: where(prev) });
        problems.push(warningAt(r.source, 'duplicate', text));
      } else {
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
      const text = noted('problem.unknownClient', { request: JSON.stringify(r.id), client: JSON.stringify(client) });
      problems.push(warningAt(src, 'reference', text));
    }
  }
  return { clients, requests, requestSeen };
}

/** The lesson comes from the first envelope that has one; its steps may name saved requests. */
function mergeLesson(
  envelopes: readonly EnvelopePart[],
  requestSeen: ReadonlyMap<string, ObjectSource>,
  problems: Problem[],
): LessonStep[] {
  const lessonOwner = envelopes.find((e) => e.lesson.length > 0);
  const lesson = lessonOwner?.lesson ?? [];
  for (const e of envelopes) {
    if (e !== lessonOwner && e.lesson.length > 0) {
      const text = noted('problem.lessonIgnored', { file: String(lessonOwner?.file) });
      problems.push({ kind: 'duplicate', severity: 'warning', file: e.file, path: '/lesson', ...text });
    }
  }
  lesson.forEach((step, i) => {
    if (step.request !== undefined && !requestSeen.has(step.request)) {
      const file = lessonOwner?.file ?? '';
      const text = noted('problem.lessonRequest', { index: i, id: JSON.stringify(step.request) });
      problems.push({ kind: 'reference', severity: 'warning', file, path: `/lesson/${i}/request`, ...text });
    }
  });
  return lesson;
}

/** The edit log goes with the first file's objects and settings, like the lesson. */
function mergeEdits(envelopes: readonly EnvelopePart[], problems: Problem[]): LabEdit[] {
  const editsOwner = envelopes.find((e) => e.edits.length > 0);
  for (const e of envelopes) {
    if (e !== editsOwner && e.edits.length > 0) {
      const text = noted('problem.editsIgnored', { file: String(editsOwner?.file) });
      problems.push({ kind: 'duplicate', severity: 'warning', file: e.file, path: '/edits', ...text });
    }
  }
  return editsOwner?.edits ?? [];
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
      for (const k of [...Object.keys(defaultKubeProxySettings()), 'clusterCIDR']) {
        if (!(k in kp)) out.push(`kubeProxy.${k}`);
      }
    } else if (!(key in given)) out.push(key);
  }
  return out;
}
