// A line diff in unified format (what ingress-nginx logs with --v=2 before a reload: `diff -u` of
// the running and the new nginx.conf). The `diff` package (jsdiff, Myers' O(ND) algorithm) finds
// the hunks; this module only prints them the way GNU diff does.

import { structuredPatch, type StructuredPatchHunk } from 'diff';

/**
 * Beyond this many inserted plus deleted lines the change is printed as one whole replacement:
 * Myers' algorithm costs time in proportion to (lines x edits), and a diff that large teaches nothing.
 * A bound on edits (not a clock) keeps the output deterministic.
 */
const MAX_EDIT_LENGTH = 2_000;

/** Lines as a text in which every line ends with a newline, so no "\ No newline" markers appear. */
function asText(lines: readonly string[]): string {
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}

function wholeReplacement(a: readonly string[], b: readonly string[]): StructuredPatchHunk {
  return {
    oldStart: 1,
    oldLines: a.length,
    newStart: 1,
    newLines: b.length,
    lines: [...a.map((l) => `-${l}`), ...b.map((l) => `+${l}`)],
  };
}

/** GNU diff's hunk header: an empty range names the line before it (`-0,0` for an empty file). */
function hunkHeader(h: StructuredPatchHunk): string {
  const oldStart = h.oldLines === 0 ? h.oldStart - 1 : h.oldStart;
  const newStart = h.newLines === 0 ? h.newStart - 1 : h.newStart;
  return `@@ -${oldStart},${h.oldLines} +${newStart},${h.newLines} @@`;
}

/** Unified diff lines (`--- a`, `+++ b`, `@@ ... @@` hunks); empty when the inputs are equal. */
export function unifiedDiff(
  a: readonly string[],
  b: readonly string[],
  labels = { a: 'nginx.conf (running)', b: 'nginx.conf (new)' },
  context = 3,
): string[] {
  const patch = structuredPatch(labels.a, labels.b, asText(a), asText(b), undefined, undefined, {
    context,
    maxEditLength: MAX_EDIT_LENGTH,
  });
  const hunks = patch ? patch.hunks : [wholeReplacement(a, b)];
  if (hunks.length === 0) return [];
  return [`--- ${labels.a}`, `+++ ${labels.b}`, ...hunks.flatMap((h) => [hunkHeader(h), ...h.lines])];
}
