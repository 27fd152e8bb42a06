// Find-in-artifact: case-insensitive plain text over the rows the viewer shows. The lower-cased
// lines are built once per artifact and each query scans them once; rows then only look up their
// own matches, so a 50,000-line iptables-save stays responsive while typing.

import type { Token } from './highlight';

export interface SearchMatch {
  /** Row index in the view. */
  row: number;
  /** UTF-16 offsets into the row's text, end exclusive. */
  start: number;
  end: number;
}

export interface SearchResult {
  matches: SearchMatch[];
  /** True when the scan stopped at the limit: the count shows as "limit+". */
  truncated: boolean;
  /** For each row with matches: the index of its first match and how many it has. */
  byRow: Map<number, { first: number; count: number }>;
}

/** A one-letter query over a big ruleset would mark millions of spots; stop here (a chain name in a 50,000-line ruleset
 *  stays well below). */
export const MATCH_LIMIT = 100_000;

export type SearchIndex = readonly string[];

/**
 * Lower-cased rows, offset-aligned with the originals. A character whose lower case is longer
 * (U+0130 İ lowers to two code units) keeps its own case so offsets still line up.
 */
export function searchIndex(rows: readonly string[]): SearchIndex {
  return rows.map((text) => {
    const lower = text.toLowerCase();
    if (lower.length === text.length) return lower;
    let out = '';
    for (const ch of text) {
      const l = ch.toLowerCase();
      out += l.length === ch.length ? l : ch;
    }
    return out;
  });
}

export function findMatches(index: SearchIndex, query: string, limit = MATCH_LIMIT): SearchResult {
  const matches: SearchMatch[] = [];
  const byRow = new Map<number, { first: number; count: number }>();
  const q = query.toLowerCase();
  if (q === '') return { matches, truncated: false, byRow };
  for (let row = 0; row < index.length; row++) {
    const text = index[row]!;
    let at = text.indexOf(q);
    if (at < 0) continue;
    const first = matches.length;
    while (at >= 0) {
      if (matches.length >= limit) {
        if (matches.length > first) byRow.set(row, { first, count: matches.length - first });
        return { matches, truncated: true, byRow };
      }
      matches.push({ row, start: at, end: at + q.length });
      // Non-overlapping, as editors count them.
      at = text.indexOf(q, at + q.length);
    }
    byRow.set(row, { first, count: matches.length - first });
  }
  return { matches, truncated: false, byRow };
}

export type Mark = 'match' | 'current';
export interface MarkedToken extends Token {
  mark?: Mark;
  /** Which of the row's ranges this piece belongs to: one match may span several tokens. */
  range?: number;
}

/**
 * Splits a row's syntax tokens at its match boundaries so each match can be wrapped in <mark>
 * while keeping its colouring. `ranges` are sorted, non-overlapping offsets into the row.
 */
export function markTokens(tokens: readonly Token[], ranges: readonly { start: number; end: number; current: boolean }[]): MarkedToken[] {
  if (ranges.length === 0) return tokens.slice();
  const out: MarkedToken[] = [];
  let pos = 0;
  let r = 0;
  for (const tok of tokens) {
    const end = pos + tok.text.length;
    let at = pos;
    while (at < end) {
      while (r < ranges.length && ranges[r]!.end <= at) r++;
      const range = ranges[r];
      if (!range || range.start >= end) {
        out.push({ text: tok.text.slice(at - pos), cls: tok.cls });
        break;
      }
      if (range.start > at) {
        out.push({ text: tok.text.slice(at - pos, range.start - pos), cls: tok.cls });
        at = range.start;
      }
      const stop = Math.min(range.end, end);
      out.push({ text: tok.text.slice(at - pos, stop - pos), cls: tok.cls, mark: range.current ? 'current' : 'match', range: r });
      at = stop;
    }
    pos = end;
  }
  return out;
}

/** The match to show after stepping `by` (wrapping around), or -1 with no matches. */
export function stepMatch(current: number, by: number, count: number): number {
  if (count === 0) return -1;
  if (current < 0) return by >= 0 ? 0 : count - 1;
  return (((current + by) % count) + count) % count;
}

/** The first match at or after `row` (wrapping to the first match), or -1 with no matches: a new query starts where the
 *  reader is. */
export function firstMatchFrom(matches: readonly SearchMatch[], row: number): number {
  if (matches.length === 0) return -1;
  let lo = 0;
  let hi = matches.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (matches[mid]!.row < row) lo = mid + 1;
    else hi = mid;
  }
  return lo < matches.length ? lo : 0;
}
