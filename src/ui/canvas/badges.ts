// Where the route's numbers go (pure geometry, canvas units). The numbers are drawn at a fixed size
// on the screen, so zoomed out (a whole cluster fitted on a 1280x720 screen) each one covers more of
// the canvas and numbers that want the same place would pile up: a stop's pill over the load
// balancer it belongs to, four segment numbers over one node's header. The rule, one label at a
// time in the order given: the first candidate that covers no label placed before it and no object
// it should keep clear of; else the nearest spot on rings around its first choice that covers
// neither (within a few label sizes); else the first candidate, or the nearest spot, that covers no
// label. Labels never cover each other (an object's name may be covered only when
// nothing else is free), at every zoom.

import type { Box } from './layout';

export interface Spot {
  x: number;
  y: number;
}

export interface LabelRequest {
  /** The label's size in canvas units at the zoom it is drawn for. */
  w: number;
  h: number;
  /** Centres to try, best first (at least one). */
  candidates: readonly Spot[];
  /** Boxes it should keep clear of if it can (other objects and their names). */
  avoid: readonly Box[];
}

/** The box of a label of size w x h centred at `c`. */
export const labelBox = (c: Spot, w: number, h: number): Box => ({ x: c.x - w / 2, y: c.y - h / 2, w, h });

const apart = (a: Box, b: Box, gap: number) =>
  a.x + a.w + gap <= b.x || b.x + b.w + gap <= a.x || a.y + a.h + gap <= b.y || b.y + b.h + gap <= a.y;

/** How far (in label sizes) a label may be moved at all (then it is put at its first choice regardless). */
const MAX_RINGS = 60;

/** How far (in label sizes) the search goes for a spot clear of objects before it takes one over an object. */
const REACH = 3;

/**
 * The nearest spot around `from`, ring by ring, at least as clear as `want` (2: of labels and
 * objects, 1: of labels), no further than `reach`; null if there is none.
 */
function ringSearch(
  from: Spot,
  w: number,
  h: number,
  clearOf: (b: Box) => 0 | 1 | 2,
  want: 1 | 2,
  reach: number,
): Spot | null {
  const step = Math.max(1, Math.min(w, h) / 2);
  for (let r = step; r <= reach; r += step) {
    const n = Math.max(8, Math.ceil((2 * Math.PI * r) / step));
    for (let i = 0; i < n; i++) {
      // Start straight up and go round: above is where a number hides least of the picture.
      const a = -Math.PI / 2 + (2 * Math.PI * i) / n;
      const p = { x: from.x + r * Math.cos(a), y: from.y + r * Math.sin(a) };
      if (clearOf(labelBox(p, w, h)) >= want) return p;
    }
  }
  return null;
}

/**
 * Centres for the labels, in their order. `fixed` are labels already drawn (a place outside the lab);
 * `gap` is the least space kept between two labels.
 */
export function placeLabels(labels: readonly LabelRequest[], gap: number, fixed: readonly Box[] = []): Spot[] {
  const placed: Box[] = [...fixed];
  return labels.map(({ w, h, candidates, avoid }) => {
    // 2: clear of labels and of the objects to avoid; 1: clear of labels only; 0: covers a label.
    const clearOf = (b: Box): 0 | 1 | 2 => {
      if (!placed.every((p) => apart(b, p, gap))) return 0;
      return avoid.every((o) => apart(b, o, 0)) ? 2 : 1;
    };
    const levels = candidates.map((c) => clearOf(labelBox(c, w, h)));
    const size = Math.max(w, h);
    const first = candidates[0]!;
    const spot =
      candidates[levels.indexOf(2)] ??
      ringSearch(first, w, h, clearOf, 2, REACH * size) ??
      candidates[levels.indexOf(1)] ??
      ringSearch(first, w, h, clearOf, 1, MAX_RINGS * size) ??
      first;
    placed.push(labelBox(spot, w, h));
    return spot;
  });
}
