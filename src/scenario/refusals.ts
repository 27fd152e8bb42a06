// Objects that parsed but the apiserver refused (admission: defaulting, validation, allocation),
// located back in the files they came from. `kubectl apply --dry-run=server -f` reports each such
// refusal per object; here each one also carries the file, line and column of the object or, where
// the text has it, of the refused field.

import { fieldSegments, jsonPointer, type Problem } from './problem';
import type { ObjectSource, ScenarioObject } from './types';

/** One refusal as the control plane reports it (src/sim/api/errors.ts ApiProblem, src/state ApiRejection). */
export interface ApiRefusal {
  ref: { kind: string; namespace?: string; name: string };
  /** apiserver field path, `spec.ports[0].nodePort`; empty for whole-object refusals. */
  field: string;
  /** The text kubectl prints after "Error from server (<reason>): ". */
  message: string;
  reason: string;
}

/** A refusal with where it is in the files: the object's index in the scenario, if it is one of the user's. */
export interface LocatedRefusal extends ApiRefusal {
  objectIndex?: number;
  problem: Problem;
  /** An object the loader skipped (a kind the cluster does not serve): not among the scenario's objects. */
  skipped?: boolean;
}

/**
 * An object the loader skipped because the cluster does not serve its kind, as a refusal: kubectl
 * reports it per object (`no matches for kind`) and applies the rest, so the page asks as it does for
 * the apiserver's refusals. Undefined for any other problem.
 */
export function skippedObjectRefusal(p: Problem): LocatedRefusal | undefined {
  if (p.kind !== 'unknown-kind' || p.severity !== 'error') return undefined;
  const param = (k: string) => {
    const v = p.note?.params[k];
    return typeof v === 'string' ? v : '';
  };
  const namespace = param('namespace');
  const ref = { kind: param('kind'), name: param('name'), ...(namespace ? { namespace } : {}) };
  return { ref, field: 'kind', message: p.message, reason: 'NotFound', problem: p, skipped: true };
}

/** kubectl's line for a refusal: `Error from server (Invalid): The Service "web" is invalid: ...`. */
export const refusalText = (r: ApiRefusal) => `Error from server (${r.reason}): ${r.message}`;

/** The scenario object a refusal names (kind, namespace, name), if any. */
export function refusedObjectIndex(r: ApiRefusal, objects: readonly ScenarioObject[]): number | undefined {
  const ns = (x: string | undefined) => x ?? 'default';
  const { kind, name, namespace } = r.ref;
  const sameNamespace = (o: ScenarioObject) => namespace === undefined || ns(o.metadata.namespace) === namespace;
  const i = objects.findIndex((o) => o.kind === kind && o.metadata.name === name && sameNamespace(o));
  return i < 0 ? undefined : i;
}

/**
 * Each refusal as a located error problem. Refusals of objects the files did not declare (the
 * lab's own addons, replayed edits) keep the file name `(lab)` and no line.
 */
export function locateRefusals(input: {
  refusals: readonly ApiRefusal[];
  objects: readonly ScenarioObject[];
  sources: readonly ObjectSource[];
}): LocatedRefusal[] {
  return input.refusals.map((r) => {
    const objectIndex = refusedObjectIndex(r, input.objects);
    const source = objectIndex === undefined ? undefined : input.sources[objectIndex];
    const at = source ? (r.field ? source.locateField?.(r.field) : undefined) ?? lineOf(source) : undefined;
    const problem: Problem = {
      kind: 'refused',
      severity: 'error',
      file: source?.file ?? '(lab)',
      ...(at ? { line: at.line, column: at.column } : {}),
      ...(source?.document !== undefined ? { document: source.document } : {}),
      path: (source?.path ?? '') + (r.field ? jsonPointer(fieldSegments(r.field)) : ''),
      message: refusalText(r),
      // Written out, not `noted`: the page's store locates refusals, and the text table stays out of
      // its first screen's code (it comes with the loader). The English of 'problem.refused' is its detail.
      note: { key: 'problem.refused', params: { detail: refusalText(r) } },
    };
    return { ...r, ...(objectIndex !== undefined ? { objectIndex } : {}), problem };
  });
}

function lineOf(s: ObjectSource): { line: number; column: number } | undefined {
  return s.line !== undefined ? { line: s.line, column: s.column ?? 1 } : undefined;
}
