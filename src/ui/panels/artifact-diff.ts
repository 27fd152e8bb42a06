// A unified line diff of one artifact before and after the last edit, as rows the viewer can
// virtualise: what `diff -u` shows (added "+", removed "-", a few unchanged lines of context
// around each change, the rest folded into "… N unchanged lines"). This is how an nginx reload or
// a kube-proxy resync becomes visible: the lines that the edit made the controller rewrite.

import { diffArrays } from 'diff';
import type { RenderedArtifact } from '../../sim';

export type DiffRow =
  /** Unchanged; both 0-based line numbers. */
  | { kind: 'context'; text: string; oldLine: number; newLine: number }
  | { kind: 'added'; text: string; newLine: number }
  | { kind: 'removed'; text: string; oldLine: number }
  /** A folded run of unchanged lines, starting at these 0-based line numbers. */
  | { kind: 'skipped'; count: number; oldLine: number; newLine: number };

export interface LineDiff {
  rows: DiffRow[];
  added: number;
  removed: number;
}

/** Lines of context kept around each change, as `diff -u` does by default. */
export const DEFAULT_CONTEXT = 3;
/**
 * Past this many changed lines Myers' diff gets slow (its cost grows with lines x changes) and the
 * diff is no longer something to read: the caller says "too many changes" instead.
 */
export const MAX_CHANGED_LINES = 1500;

/**
 * The diff of `before` against `after`, or null when more than MAX_CHANGED_LINES lines changed.
 * Identical texts give no rows.
 */
export function diffLines({ before, after, context = DEFAULT_CONTEXT }: {
  before: readonly string[];
  after: readonly string[];
  context?: number;
}): LineDiff | null {
  // Rules files change in a few places: trimming the common ends first keeps a 50,000-line
  // iptables-save diff as cheap as the part that changed.
  let head = 0;
  while (head < before.length && head < after.length && before[head] === after[head]) head++;
  let tail = 0;
  const sameAtEnd = (k: number) => before[before.length - 1 - k] === after[after.length - 1 - k];
  while (tail < before.length - head && tail < after.length - head && sameAtEnd(tail)) tail++;
  const oldMid = before.slice(head, before.length - tail);
  const newMid = after.slice(head, after.length - tail);

  const changes =
    oldMid.length === 0 || newMid.length === 0 ? null : diffArrays(oldMid, newMid, { maxEditLength: MAX_CHANGED_LINES });
  if (changes === undefined) return null;

  // Flat runs over the whole files: unchanged ends, then the library's changes in the middle.
  const runs: Run[] = [];
  if (head > 0) runs.push({ kind: 'same', count: head });
  if (changes) {
    for (const c of changes) runs.push({ kind: c.added ? 'added' : c.removed ? 'removed' : 'same', count: c.count });
  }
  else {
    if (oldMid.length > 0) runs.push({ kind: 'removed', count: oldMid.length });
    if (newMid.length > 0) runs.push({ kind: 'added', count: newMid.length });
  }
  if (tail > 0) runs.push({ kind: 'same', count: tail });
  return rowsFromRuns({ runs, before, after, context });
}

interface Run {
  kind: 'same' | 'added' | 'removed';
  count: number;
}

function rowsFromRuns({ runs, before, after, context }: {
  runs: Run[];
  before: readonly string[];
  after: readonly string[];
  context: number;
}): LineDiff {
  const rows: DiffRow[] = [];
  let oldLine = 0;
  let newLine = 0;
  let added = 0;
  let removed = 0;
  const changed = runs.some((r) => r.kind !== 'same' && r.count > 0);
  runs.forEach((run, i) => {
    if (run.count === 0) return;
    if (run.kind === 'added') {
      for (let k = 0; k < run.count; k++) rows.push({ kind: 'added', text: after[newLine + k]!, newLine: newLine + k });
      newLine += run.count;
      added += run.count;
      return;
    }
    if (run.kind === 'removed') {
      for (let k = 0; k < run.count; k++) {
        rows.push({ kind: 'removed', text: before[oldLine + k]!, oldLine: oldLine + k });
      }
      oldLine += run.count;
      removed += run.count;
      return;
    }
    // Unchanged: keep `context` lines next to a change on either side, fold the rest (a fold of
    // a single line would take as much room as the line itself, so show it).
    const keepHead = changed && i > 0 ? context : 0;
    const keepTail = changed && i < runs.length - 1 ? context : 0;
    const fold = run.count - keepHead - keepTail;
    const push = (from: number, to: number) => {
      for (let k = from; k < to; k++) rows.push({ kind: 'context', text: after[newLine + k]!, oldLine: oldLine + k, newLine: newLine + k });
    };
    if (fold <= 1) push(0, run.count);
    else {
      push(0, keepHead);
      rows.push({ kind: 'skipped', count: fold, oldLine: oldLine + keepHead, newLine: newLine + keepHead });
      push(run.count - keepTail, run.count);
    }
    oldLine += run.count;
    newLine += run.count;
  });
  if (!changed) return { rows: [], added: 0, removed: 0 };
  return { rows, added, removed };
}

/** The text a row contributes to search (a folded run has none). */
export function rowText(row: DiffRow): string {
  return row.kind === 'skipped' ? '' : row.text;
}

/** What the viewer can show of one artifact's change: its diff, or why there is none. */
export type ArtifactDiff =
  /** The lab was just opened: no edit to compare with. */
  | { kind: 'none-yet' }
  /** The last edit created this artifact (a new node, a new ingress controller). */
  | { kind: 'new' }
  | { kind: 'unchanged' }
  | { kind: 'too-many' }
  | { kind: 'changed'; diff: LineDiff };

export function artifactDiff({ after, afterTexts, before }: {
  after: RenderedArtifact;
  afterTexts?: readonly string[];
  before: Record<string, RenderedArtifact> | null;
}): ArtifactDiff {
  if (!before) return { kind: 'none-yet' };
  const prev = before[after.id];
  if (!prev) return { kind: 'new' };
  if (prev === after) return { kind: 'unchanged' };
  const afterLines = afterTexts ?? after.lines.map((l) => l.text);
  const diff = diffLines({ before: prev.lines.map((l) => l.text), after: afterLines });
  if (!diff) return { kind: 'too-many' };
  return diff.rows.length === 0 ? { kind: 'unchanged' } : { kind: 'changed', diff };
}
