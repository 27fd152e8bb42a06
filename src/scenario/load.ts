// The load pipeline: parse -> envelope and version gate -> migrations -> validation -> merge.
// Hostile input, forgiving loader (excalidraw's restore.ts): every step returns problems as values,
// one bad object or entry is reported and skipped, and nothing throws out of loadScenarioFiles.

import { customKindsFrom, isRecord, resolveKind, unknownKindMessage, type CustomKinds } from './kinds';
import { LIMITS } from './limits';
import { readEnvelope } from './envelope';
import { problemAt, sourceOf, type Report } from './locate';
import { mergeScenarios, type ScenarioPart } from './merge';
import { parseFile, type ParsedDocument } from './parse';
import { hasErrors, type PathSegment, type Problem } from './problem';
import { noted } from './problem-text';
import { KIND_SCHEMAS, otherObjectSchema, SCENARIO_FORMAT } from './schema';
import type { EnvelopePart } from './envelope';
import type { LoadResult, ObjectSource, ScenarioFileInput, ScenarioObject } from './types';
import { checkValue, objectIssueDetail, showValue } from './validate';
import { crdQualifiedKind, GATEWAY_API_KINDS, validateGatewayApiObject } from '../sim/api/gateway-validation';
import { formatFieldError } from '../sim/api/errors';
import { settleUserspaceVersion } from './settings';
import { classlessIngressProblems, inferIngress } from './ingress-inference';
import { notRunProblems } from './not-run';
import {
  inferFromSnapshot,
  looksLikeSnapshot,
  servedByACluster,
  upgradeServedObject,
  type Inference,
} from './snapshot';

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
          ...noted('problem.internal', { detail }),
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
        // kubectl's own line for a run with nothing to apply.
        const text = noted('problem.noObjectsPassed', { detail: 'no objects passed to apply' });
        problems.push({ kind: 'empty', severity: 'error', file: r.file, path: '', ...text });
      }
    }
    return { ok: false, problems };
  }
  for (const r of read) {
    if (r.documents === 0 && r.problems.length === 0) {
      const text = noted('problem.noObjectsInFile');
      problems.push({ kind: 'empty', severity: 'warning', file: r.file, path: '', ...text });
    }
  }
  const merged = mergeScenarios(parts);
  problems.push(...merged.problems);
  const inferred = inferSettings(merged, read[0]?.file ?? '', problems);
  return { ok: true, ...merged, problems, inferred };
}

/**
 * The settings the objects imply, each inference reported: a snapshot of a running cluster says
 * how it was set up, plain manifests which ingress controller their Ingresses were written for, and
 * a userspace-mode lab needs a release that still had that mode.
 */
function inferSettings(merged: ReturnType<typeof mergeScenarios>, file: string, problems: Problem[]): Inference[] {
  const { scenario } = merged;
  let inferred: Inference[] = [];
  if (looksLikeSnapshot(scenario.objects, merged.sources)) {
    const snap = inferFromSnapshot({ ...merged, objects: scenario.objects, settings: scenario.settings, file });
    scenario.settings = snap.settings;
    inferred = snap.inferred;
    problems.push(...snap.problems);
  } else {
    // A snapshot holds the pods its Jobs made; manifests' Jobs make none here, which is said.
    problems.push(...notRunProblems({ ...merged, objects: scenario.objects, file }));
    if (merged.defaulted.includes('ingress')) {
      // Plain manifests: an Ingress written for a cluster that runs ingress-nginx or Traefik gets it.
      const settings = structuredClone(scenario.settings);
      inferIngress(scenario.objects, (setting, value, basis, apply) => {
        apply();
        inferred.push({ setting, value, basis });
      }, settings, false);
      scenario.settings = settings;
    }
  }
  const versionGiven =
    !merged.defaulted.includes('kubernetesVersion') || inferred.some((i) => i.setting === 'kubernetesVersion');
  problems.push(...classlessIngressProblems({ ...merged, objects: scenario.objects, file }, scenario.settings));
  const settled = settleUserspaceVersion(scenario.settings, versionGiven);
  if (settled.note) {
    scenario.settings = settled.settings;
    const value = settled.settings.kubernetesVersion;
    inferred.push({ setting: 'kubernetesVersion', value, basis: { kind: 'userspace-version' } });
  }
  return inferred;
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

function readFile(file: string, text: string): ReadFile {
  const parsed = parseFile(file, text);
  const documents = parsed.documents.length;
  const out: ReadFile = { file, documents, envelopes: [], candidates: [], problems: [...parsed.problems] };
  const multiDocument = parsed.multiDocument;
  const candidatesOf: { doc: ParsedDocument; value: unknown; path: PathSegment[] }[] = [];
  const envelopesOf: { doc: ParsedDocument; value: Record<string, unknown> }[] = [];

  for (const doc of parsed.documents) {
    const v = doc.value;
    if (!isRecord(v)) {
      const message = notAnObject('problem.notAnObject', v, { format: SCENARIO_FORMAT });
      const kind = 'envelope';
      out.problems.push(problemAt({ file, doc, multiDocument, path: [], kind, severity: 'error', message }));
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
      ...noted('problem.tooManyObjects', { count, max: LIMITS.maxObjects }),
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
    const source = sourceOf(file, c.doc, multiDocument, c.path);
    out.candidates.push({ value: c.value, doc: c.doc, docPath: c.path, multiDocument, source });
  }
  return out;
}

/** What a document that is no object holds, as the lab's framing of the problem. */
function notAnObject(
  key: 'problem.notAnObject' | 'problem.notAnObjectSkipped',
  v: unknown,
  params: Record<string, string> = {},
): ReturnType<typeof noted> {
  if (v === null) return noted(`${key}.empty`, params);
  if (Array.isArray(v)) return noted(`${key}.list`, params);
  const value = showValue(v);
  if (typeof v === 'string') return noted(`${key}.text`, { ...params, value });
  if (typeof v === 'number') return noted(`${key}.number`, { ...params, value });
  if (typeof v === 'boolean') return noted(`${key}.boolean`, { ...params, value });
  return noted(`${key}.value`, { ...params, type: typeof v, value });
}

// ------------------------------------------------------------------ objects

function acceptObject(c: Candidate, custom: CustomKinds, problems: Problem[]): ScenarioObject | undefined {
  const { doc, multiDocument } = c;
  const report: Report = (path, kind, message, severity = 'error') => {
    const at = [...c.docPath, ...path];
    problems.push(problemAt({ file: c.source.file, doc, multiDocument, path: at, kind, severity, message }));
  };
  const value = c.value;
  if (!isRecord(value)) {
    report([], 'invalid', notAnObject('problem.notAnObjectSkipped', value));
    return undefined;
  }
  let v: Record<string, unknown> = value;
  const notSet = [
    ...(typeof v.apiVersion === 'string' && v.apiVersion !== '' ? [] : ['apiVersion not set']),
    ...(typeof v.kind === 'string' && v.kind !== '' ? [] : ['kind not set']),
  ];
  if (notSet.length > 0) {
    // kubectl's client-side check: `error validating data: [apiVersion not set, kind not set]`.
    const field = notSet[0] === 'kind not set' ? 'kind' : 'apiVersion';
    const detail = `error validating data: [${notSet.join(', ')}]`;
    report([field], 'invalid', noted('problem.validatingData', { detail }));
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
    const served = { object: `${kind} ${JSON.stringify(name)}`, apiVersion, to: upgraded.to };
    report(['apiVersion'], 'invalid', noted('problem.servedAs', served), 'warning');
    v = upgraded.value;
    apiVersion = upgraded.to;
    resolution = resolveKind(apiVersion, kind, custom);
  }
  if (resolution.kind === 'unknown') {
    const namespace = typeof metadata?.namespace === 'string' ? metadata.namespace : '';
    const detail = unknownKindMessage({ name, namespace, file: c.source.file, kind, apiVersion });
    // The object's kind and name ride along (unrendered) so the page can name the skipped object.
    report(['kind'], 'unknown-kind', noted('problem.unknownKind', { detail, kind, name, namespace }));
    return undefined;
  }
  const input = v.metadata === undefined ? { ...v, metadata: {} } : v;
  const schema = resolution.kind === 'simulated' ? KIND_SCHEMAS[resolution.name] : otherObjectSchema;
  const r = checkValue(schema, input);
  const who = name ? `${kind} ${JSON.stringify(name)}` : kind;
  for (const issue of r.issues) {
    report(issue.path, 'invalid', noted('problem.objectInvalid', { who, detail: objectIssueDetail(issue) }));
  }
  if (r.ok && GATEWAY_API_KINDS.has(kind)) {
    // The Gateway API CRDs' own validation (OpenAPI schema and CEL rules), in the apiserver's words.
    const crd = validateGatewayApiObject(r.value as { kind: string; spec?: unknown });
    const whoCrd = `${crdQualifiedKind(kind)} ${JSON.stringify(name)}`;
    for (const e of crd) {
      report(e.path, 'invalid', noted('problem.crdInvalid', { who: whoCrd, detail: formatFieldError(e.error) }));
    }
    if (crd.length > 0) return undefined;
  }
  return r.ok ? (r.value as ScenarioObject) : undefined;
}
