// A/B: the same request traced in two labs that differ in one setting, and the hops that differ.
// Hops are aligned by where they happened and what was done there (place id and action), as a
// longest common subsequence, so an extra hop on one side (an SNAT, a second node) shows up as
// unmatched instead of shifting every later comparison.

import { diffArrays } from 'diff';
import type { Deployment, KubeObject, OtherObject, Service } from '../api/types';
import { applyEdit, buildEditedLab, currentObject, withoutStatus } from '../assembly/edits';
import type { EditedLabInput, LabEdit } from '../assembly/edits';
import type { Lab } from '../assembly/lab';
import type { ProxyMode } from '../lab';
import { LB_ANNOTATIONS } from '../lb/behaviour';
import { assertNever } from '../util/assert';
import { newTraceSession, trace, type TraceRequest } from '../trace/trace';
import type { Hop, TraceResult } from '../trace/types';

export interface HopDifference {
  /** The hop's index in trace A, or null when only B has it. */
  indexA: number | null;
  indexB: number | null;
  /** What differs: "only in A", "only in B", or field paths like "after.dst", "refs", "explanation". */
  what: string[];
}

export interface TraceComparison {
  differing: HopDifference[];
  /** One line: outcome, status, Service and backend changes, and how many hops differ. */
  summary: string;
}

const placeAction = (h: Hop) => `${h.place.id}|${h.action}`;

/**
 * A longest common subsequence of the hops' (place, action) keys, as pairs of aligned indices:
 * the `diff` package's array diff (Myers' algorithm), whose unchanged runs are the aligned hops.
 */
function align(a: readonly Hop[], b: readonly Hop[]): [number, number][] {
  const out: [number, number][] = [];
  let i = 0;
  let j = 0;
  const same = (x: Hop, y: Hop) => placeAction(x) === placeAction(y);
  for (const change of diffArrays([...a], [...b], { comparator: same })) {
    const n = change.count ?? change.value.length;
    if (change.removed) i += n;
    else if (change.added) j += n;
    else for (let k = 0; k < n; k++) out.push([i++, j++]);
  }
  return out;
}

const PACKET_FIELDS = ['protocol', 'src', 'srcPort', 'dst', 'dstPort', 'host', 'path', 'method'] as const;

function hopDifferences(x: Hop, y: Hop): string[] {
  const what: string[] = [];
  for (const side of ['before', 'after'] as const) {
    for (const f of PACKET_FIELDS) if (x[side][f] !== y[side][f]) what.push(`${side}.${f}`);
  }
  const lines = (h: Hop) => h.refs.map((r) => `${r.artifact}\n${r.line}`).join('\n\n');
  if (lines(x) !== lines(y)) what.push('refs');
  const sameParams = JSON.stringify(x.explanation.params) === JSON.stringify(y.explanation.params);
  if (x.explanation.key !== y.explanation.key || !sameParams) what.push('explanation');
  if (x.observedSource !== y.observedSource) what.push('observedSource');
  if (x.edge?.from !== y.edge?.from || x.edge?.to !== y.edge?.to) what.push('edge');
  return what;
}

export function compareTraces(a: TraceResult, b: TraceResult): TraceComparison {
  const pairs = align(a.hops, b.hops);
  const differing: HopDifference[] = [];
  let i = 0;
  let j = 0;
  const flushUntil = (ti: number, tj: number) => {
    for (; i < ti; i++) differing.push({ indexA: i, indexB: null, what: ['only in A'] });
    for (; j < tj; j++) differing.push({ indexA: null, indexB: j, what: ['only in B'] });
  };
  for (const [pi, pj] of pairs) {
    flushUntil(pi, pj);
    const what = hopDifferences(a.hops[pi]!, b.hops[pj]!);
    if (what.length) differing.push({ indexA: pi, indexB: pj, what });
    i = pi + 1;
    j = pj + 1;
  }
  flushUntil(a.hops.length, b.hops.length);

  const parts: string[] = [];
  const change = (label: string, x: unknown, y: unknown) => {
    if (x !== y) parts.push(`${label} ${x ?? 'none'} -> ${y ?? 'none'}`);
  };
  change('outcome', a.outcome, b.outcome);
  change('status', a.status, b.status);
  change('service', a.service, b.service);
  change('backend', a.backendPod, b.backendPod);
  change('source IP seen by the backend', a.backend?.sourceIP, b.backend?.sourceIP);
  const hops = `${differing.length} hop${differing.length === 1 ? '' : 's'}`;
  const counts = `${a.hops.length} in A, ${b.hops.length} in B`;
  parts.push(differing.length === 0 ? 'every hop the same' : `${hops} differ (${counts})`);
  return { differing, summary: parts.join('; ') };
}

// ---------------------------------------------------------------------------------- abTrace

export type Flip =
  | { kind: 'proxyMode'; mode: ProxyMode }
  | { kind: 'externalTrafficPolicy'; service: string; value: 'Cluster' | 'Local' }
  | { kind: 'sessionAffinity'; service: string; value: 'None' | 'ClientIP' }
  | { kind: 'serviceUpstream'; ingress: string; value: boolean }
  | { kind: 'replicas'; deployment: string; value: number }
  /** The Service's external load balancer model (src/sim/lb), as its netlab.io/load-balancer-model annotation. */
  | { kind: 'loadBalancerModel'; service: string; value: 'direct' | 'nodeport' };

export const SERVICE_UPSTREAM_ANNOTATION = 'nginx.ingress.kubernetes.io/service-upstream';

export interface AbTraceInput {
  input: EditedLabInput;
  request: TraceRequest;
  flip: Flip;
  seed: string;
}

export interface AbTraceResult {
  a: TraceResult;
  b: TraceResult;
  comparison: TraceComparison;
  labs: { a: Lab; b: Lab };
}

type Obj = KubeObject | OtherObject;

const named = (key: string) => (key.includes('/') ? key : `default/${key}`);

/** The object with some spec fields set. */
function withSpec<T extends Service | Deployment>(o: T, spec: Partial<T['spec']>): T {
  return { ...o, spec: { ...o.spec, ...spec } };
}

/** The object with one annotation set. */
function annotated(o: Obj, key: string, value: string): Obj {
  return { ...o, metadata: { ...o.metadata, annotations: { ...o.metadata.annotations, [key]: value } } } as Obj;
}

/** The flip as an edit of the running lab A, or an error naming the object that is not there. */
export function flipEdit(lab: Lab, flip: Flip): LabEdit | { error: string } {
  const editOne = (kind: string, key: string, edit: (o: Obj) => Obj): LabEdit | { error: string } => {
    const [namespace, name] = named(key).split('/', 2) as [string, string];
    const o = currentObject(lab, kind, namespace, name);
    if (!o) return { error: `${kind} ${namespace}/${name} not found in the scenario` };
    return { kind: 'apply-object', object: edit(withoutStatus(o)) };
  };
  switch (flip.kind) {
    case 'proxyMode':
      return { kind: 'set-proxy-mode', mode: flip.mode };
    case 'externalTrafficPolicy':
      return editOne('Service', flip.service, (o) => withSpec(o as Service, { externalTrafficPolicy: flip.value }));
    case 'sessionAffinity':
      return editOne('Service', flip.service, (o) => withSpec(o as Service, { sessionAffinity: flip.value }));
    case 'serviceUpstream':
      return editOne('Ingress', flip.ingress, (o) => annotated(o, SERVICE_UPSTREAM_ANNOTATION, String(flip.value)));
    case 'replicas':
      return editOne('Deployment', flip.deployment, (o) => withSpec(o as Deployment, { replicas: flip.value }));
    case 'loadBalancerModel':
      return editOne('Service', flip.service, (o) => annotated(o, LB_ANNOTATIONS.model, flip.value));
    default:
      return assertNever(flip, 'flip');
  }
}

/**
 * The lab as given (A, with its edits), and the same running lab with `flip` applied as one more
 * edit (B): pods keep their names and addresses across the two, so only what the flip changed
 * differs. The request is traced in each with a fresh session for `seed`.
 */
export function abTrace(args: AbTraceInput): AbTraceResult | { error: string } {
  const labA = buildEditedLab(args.input);
  const edit = flipEdit(labA, args.flip);
  if ('error' in edit) return edit;
  const labB = applyEdit(labA, edit);
  const refused = labB.problems.slice(labA.problems.length);
  if (refused.length > 0) return { error: refused.map((p) => p.message).join('\n') };
  const a = trace(labA, args.request, newTraceSession(args.seed));
  const b = trace(labB, args.request, newTraceSession(args.seed));
  return { a, b, comparison: compareTraces(a, b), labs: { a: labA, b: labB } };
}
