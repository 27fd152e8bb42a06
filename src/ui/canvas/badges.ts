// Where the route's numbers go (pure geometry, canvas units). The numbers are drawn at a fixed size
// on the screen, so zoomed out (a whole cluster fitted on a 1280x720 screen) each one covers more of
// the canvas and numbers that want the same place would pile up: a stop's pill over the load
// balancer it belongs to, four segment numbers over one node's header. The rule, one label at a
// time in the order given:
// - the nearest free spot: clear of every label placed before it (and their leaders) and of text,
//   whole in view (inside the area, under nothing drawn over it), with the shortest leader back to
//   its segment or place; a little longer (COST) if that leader then crosses no text or other label,
//   or the label covers no other object (a node frame's background: which place is it for?). That
//   is what a leader must be: no free spot has a shorter one. With a `cap` on the leader and no
//   free spot that near: null, and the caller lets it share a label with a neighbour's;
// - else (nothing free within TEXT_REACH) a spot clear of labels and text wholly out of view (the
//   presenter's camera follows the hop: the rest of the route runs past the canvas's edges), then
//   one clear of labels only. Never a number cut by the canvas's edge while a spot wholly out of
//   view is free: half a "17 · 18" reads as a different number.
// Then each label with a leader is placed again against all the others (`shorten`): the order can
// leave an early label on the spot a later one needed.
// Labels never cover each other, and text (a name, an address, a port chip) only when nothing
// else is free, at every zoom: a number over a name makes both unreadable on a projector.

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
  /** Boxes it should keep clear of if it can (other objects: which place a number belongs to). */
  avoid: readonly Box[];
  /** Boxes of text it must keep clear of unless nothing else is free (names, addresses, chips). */
  text?: readonly Box[];
  /**
   * Where a leader from a label centred at a spot would end (the nearest point of its segment or its
   * place): away from its candidates, the shorter the leader, and one over no text, the better.
   */
  attach?: (at: Spot) => Spot;
  /** The part of the canvas it must stay inside (what the view shows), if any. */
  area?: Box;
  /**
   * The whole canvas drawn, of which `area` keeps a margin from the edges (default: `area`): a label
   * touching it but not inside `area` is cut by its edge; one clear of it is out of view.
   */
  canvas?: Box;
  /**
   * What is drawn over that part (the minimap, the zoom buttons, a lesson's card): a label under one
   * is as hidden as one outside the area.
   */
  holes?: readonly Box[];
  /**
   * The longest leader (canvas units, from the label's edge: a wide pill's centre is far from its
   * place even when its end is beside it) it may get before it would rather share a label with a
   * neighbour: with it, placeLabels gives null when no spot clear of labels and text in view is that
   * near (the caller merges it and asks again); without it, the label goes further out.
   */
  cap?: number;
}

/** The box of a label of size w x h centred at `c`. */
export const labelBox = (c: Spot, w: number, h: number): Box => ({ x: c.x - w / 2, y: c.y - h / 2, w, h });

const apart = (a: Box, b: Box, gap: number) =>
  a.x + a.w + gap <= b.x || b.x + b.w + gap <= a.x || a.y + a.h + gap <= b.y || b.y + b.h + gap <= a.y;

/** How far (in label sizes) a label may be moved at all (then it is put at its first choice regardless). */
const MAX_RINGS = 60;

/**
 * How far (in label sizes) the search goes for a spot clear of text before it takes one over text:
 * the longest leader a dense cluster fitted small on a projector needs (about 300 px) and a little more.
 */
const TEXT_REACH = 8;

/**
 * How far from its first candidate the search for a label goes: TEXT_REACH label sizes beyond the
 * furthest candidate (a long segment's candidates run along it: a free spot near its far end is as
 * near as one by its middle), at most twice TEXT_REACH.
 */
function reachOf(label: LabelRequest): number {
  const size = Math.max(label.w, label.h);
  const first = label.candidates[0]!;
  const spread = Math.max(...label.candidates.map((c) => Math.hypot(c.x - first.x, c.y - first.y)));
  return Math.min(TEXT_REACH * size + spread, 2 * TEXT_REACH * size);
}

/**
 * How clear a box is: 4 of labels, text and objects, inside the area; 3 of labels and text, inside
 * the area; 2 of labels and text, wholly out of view; 1 of labels only (over text, or cut by the
 * canvas's edge or by what is drawn over it); 0 not even.
 */
type Clearance = 0 | 1 | 2 | 3 | 4;

/**
 * The nearest spot around `from`, ring by ring, at least as clear as `want`, no further than
 * `reach`; null if there is none.
 */
function ringSearch(
  from: Spot,
  w: number,
  h: number,
  clearOf: (b: Box) => Clearance,
  want: Clearance,
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
 * Whether the line from `a` to `b` passes through box `o` (Liang-Barsky clipping). Called for every
 * spot a search tries against every text near it (a thousand pods' names at a small zoom): a line
 * whose extent misses the box is refused first, and the four sides are clipped without allocating.
 */
function crosses(a: Spot, b: Spot, o: Box): boolean {
  const right = o.x + o.w;
  const bottom = o.y + o.h;
  if (Math.max(a.x, b.x) < o.x || Math.min(a.x, b.x) > right) return false;
  if (Math.max(a.y, b.y) < o.y || Math.min(a.y, b.y) > bottom) return false;
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  let t0 = 0;
  let t1 = 1;
  for (let side = 0; side < 4; side++) {
    const p = side === 0 ? -dx : side === 1 ? dx : side === 2 ? -dy : dy;
    const q = side === 0 ? a.x - o.x : side === 1 ? right - a.x : side === 2 ? a.y - o.y : bottom - a.y;
    if (p === 0) {
      if (q < 0) return false;
      continue;
    }
    const t = q / p;
    if (p < 0) t0 = Math.max(t0, t);
    else t1 = Math.min(t1, t);
    if (t0 > t1) return false;
  }
  return true;
}

/**
 * What a spot costs beyond its leader's length, in label thicknesses (a badge's size, a pill's
 * height): a leader across another label (which number does it belong to?), a leader across text, a
 * label over another object's background (which place does it belong to?). Small beside a leader
 * across the picture: a leader is "as long as it must be" when no free spot's leader is shorter by
 * more than these (e2e/route-badges.spec.ts checks that on the page).
 */
const COST = { label: 3, text: 0.5, object: 1 };

/** A spot the search may take: its leader's length (from the label's edge), and its rank (the lower, the better). */
interface Near {
  p: Spot;
  len: number;
  key: number;
}

/** How far `end` is from the edge of a label of size w x h centred at `p` (0 inside it). */
function fromEdge(p: Spot, end: Spot, w: number, h: number): number {
  return Math.hypot(Math.max(0, Math.abs(end.x - p.x) - w / 2), Math.max(0, Math.abs(end.y - p.y) - h / 2));
}

/**
 * The search's grid, in steps per label thickness: a quarter of a badge (11 px on the screen) finds
 * the pockets a dense cluster leaves (a badge between two Services and a client, with 10 px to spare).
 */
const GRID = 4;

/**
 * Spots around `from` within `reach` on a grid of 1/GRID label, nearest first: by the leader's
 * length back to what the label belongs to (without `attach`: by the distance to `from`), then by
 * the distance to `from`. What the leader crosses is costed later, only for spots that can still win.
 */
function spotsNear(label: LabelRequest, from: Spot, reach: number): Near[] {
  const { w, h } = label;
  const step = Math.max(1, Math.min(w, h) / GRID);
  const n = Math.floor(reach / step);
  const attach = label.attach ?? (() => from);
  const out: Near[] = [];
  for (let i = -n; i <= n; i++) {
    for (let j = -n; j <= n; j++) {
      const r = Math.hypot(i, j) * step;
      if (r > reach || r === 0) continue;
      const p = { x: from.x + i * step, y: from.y + j * step };
      const len = fromEdge(p, attach(p), w, h);
      out.push({ p, len, key: len + r / 64 });
    }
  }
  return out.sort((a, b) => a.key - b.key);
}

/** The boxes of `all` that a label of size `size` searched for within `reach` of `from` can touch at all. */
function within(all: readonly Box[], from: Spot, reach: number): Box[] {
  const area = labelBox(from, 2 * reach, 2 * reach);
  return all.filter((b) => !apart(area, b, 0));
}

/**
 * Boxes bucketed on a square grid: a search tries hundreds of spots, each against the text near it,
 * and at a small zoom "near" holds a thousand pods' names. A box sits in every cell it covers.
 */
class BoxGrid {
  private readonly cells = new Map<number, Box[]>();
  constructor(
    boxes: readonly Box[],
    private readonly cell: number,
  ) {
    const add = (b: Box) => (k: number) => this.cells.get(k)?.push(b) ?? this.cells.set(k, [b]);
    for (const b of boxes) this.visit(b.x, b.y, b.x + b.w, b.y + b.h, add(b));
  }

  private visit(x0: number, y0: number, x1: number, y1: number, f: (key: number) => unknown): boolean {
    const c = this.cell;
    for (let i = Math.floor(x0 / c); i <= Math.floor(x1 / c); i++) {
      for (let j = Math.floor(y0 / c); j <= Math.floor(y1 / c); j++) if (f(i * 1_000_003 + j) === true) return true;
    }
    return false;
  }

  /** Whether a box in the cells the rectangle x0,y0 - x1,y1 touches satisfies `test`. */
  some(x0: number, y0: number, x1: number, y1: number, test: (b: Box) => boolean): boolean {
    return this.visit(x0, y0, x1, y1, (k) => this.cells.get(k)?.some(test) === true);
  }
}

/** Whether the line from `a` to `b` passes through a box of `grid`. */
const crossesAny = (grid: BoxGrid, a: Spot, b: Spot) =>
  grid.some(Math.min(a.x, b.x), Math.min(a.y, b.y), Math.max(a.x, b.x), Math.max(a.y, b.y), (o) => crosses(a, b, o));

/** Whether box `b` touches a box of `grid`. */
const touchesAny = (grid: BoxGrid, b: Box) => grid.some(b.x, b.y, b.x + b.w, b.y + b.h, (o) => !apart(b, o, 0));

const insideOf = (b: Box, area: Box) =>
  b.x >= area.x && b.y >= area.y && b.x + b.w <= area.x + area.w && b.y + b.h <= area.y + area.h;

type Leader = readonly [Spot, Spot];

/** Whether box `b` is whole in view: inside the area, under nothing drawn over it. */
const inView = (b: Box, label: LabelRequest) =>
  !label.area || (insideOf(b, label.area) && (label.holes ?? []).every((o) => apart(b, o, 0)));

/** Whether box `b` is wholly out of view: off the canvas, or all under one thing drawn over it. */
const outOfView = (b: Box, label: LabelRequest) => {
  const canvas = label.canvas ?? label.area;
  return !!canvas && (apart(b, canvas, 0) || (label.holes ?? []).some((o) => insideOf(b, o)));
};

/** What one label is placed against: the labels before it, their leaders, and what it can reach. */
interface Board {
  label: LabelRequest;
  text: BoxGrid;
  labels: readonly Box[];
  clearOf: (b: Box) => Clearance;
}

function boardFor(label: LabelRequest, placed: readonly Box[], leaders: readonly Leader[], gap: number): Board {
  const size = Math.max(label.w, label.h);
  const first = label.candidates[0]!;
  // Only what the search can reach: a cluster of a thousand pods asks about the few near the route.
  const near = (reachOf(label) + size) * 2;
  const text = new BoxGrid(within(label.text ?? [], first, near), size);
  const avoid = within(label.avoid, first, near);
  const clearOf = (b: Box): Clearance => {
    if (!placed.every((p) => apart(b, p, gap))) return 0;
    if (touchesAny(text, b) || leaders.some(([p, q]) => crosses(p, q, b))) return 1;
    if (!inView(b, label)) return outOfView(b, label) ? 2 : 1;
    return avoid.every((o) => apart(b, o, 0)) ? 4 : 3;
  };
  return { label, text, labels: within(placed, first, near), clearOf };
}

/**
 * What a free spot (clear of labels and text, in view) costs: its leader's length plus what the
 * leader crosses and whether it covers another object (COST); Infinity for a spot that is not free.
 */
function costOf(board: Board, p: Spot, len: number): number {
  const { w, h, attach } = board.label;
  const level = board.clearOf(labelBox(p, w, h));
  if (level < 3) return Infinity;
  // A label's thickness: a wide pill's leader is no more costly than a round badge's.
  const size = Math.min(w, h);
  let cost = len + (level === 4 ? 0 : COST.object * size);
  const end = attach?.(p);
  if (!end || len === 0) return cost;
  // The leader's last stretch may reach into its own place's text (it ends on the place).
  const full = Math.hypot(end.x - p.x, end.y - p.y);
  const slack = Math.min(w, h) / 4;
  const k = full > slack ? (full - slack) / full : 0;
  const short = { x: p.x + (end.x - p.x) * k, y: p.y + (end.y - p.y) * k };
  if (k > 0 && crossesAny(board.text, p, short)) cost += COST.text * size;
  if (k > 0 && board.labels.some((o) => crosses(p, short, o))) cost += COST.label * size;
  return cost;
}

/**
 * The nearest free spot: clear of every label and text, whole in view, with the shortest leader
 * back to what the label belongs to (its segment's nearest point, its place's border), give or take
 * what COST adds; a candidate before a grid spot of the same cost, and earlier candidates first.
 * This is what a leader "must" be: no free spot has a shorter one. Null if none is within `longest`
 * (a leader's length) or within its reach (reachOf).
 */
function nearestFree(board: Board, longest: number): { p: Spot; cost: number } | null {
  const { w, h, candidates, attach } = board.label;
  let best: { p: Spot; cost: number } | null = null;
  for (const c of candidates) {
    const len = attach ? fromEdge(c, attach(c), w, h) : 0;
    if (len > longest || (best && len >= best.cost)) continue;
    const cost = costOf(board, c, len);
    if (cost < (best?.cost ?? Infinity)) best = { p: c, cost };
    if (best?.cost === 0) return best;
  }
  for (const s of spotsNear(board.label, candidates[0]!, reachOf(board.label))) {
    // Sorted by leader: once a leader alone costs more than the best, nothing after can win.
    if (s.len > longest || (best && s.len >= best.cost)) break;
    const cost = costOf(board, s.p, s.len);
    if (cost < (best?.cost ?? Infinity)) best = { p: s.p, cost };
  }
  return best;
}

/**
 * Where one label goes, most clear first (see the top of the file); `placed` are the labels before
 * it, `leaders` the lines from those moved away back to what they belong to (not to be covered).
 */
function placeOne(label: LabelRequest, placed: readonly Box[], leaders: readonly Leader[], gap: number): Spot | null {
  const board = boardFor(label, placed, leaders, gap);
  const nearest = nearestFree(board, label.cap ?? Infinity);
  if (nearest) return nearest.p;
  if (label.cap !== undefined) return null;
  const { w, h, candidates } = label;
  const first = candidates[0]!;
  const size = Math.max(w, h);
  const levels = candidates.map((c) => board.clearOf(labelBox(c, w, h)));
  const firstAt = (want: Clearance) => candidates.find((_, i) => levels[i]! >= want);
  let spots: Near[] | undefined;
  const search = (want: Clearance) => {
    spots ??= spotsNear(label, first, reachOf(label));
    return spots.find((s) => board.clearOf(labelBox(s.p, w, h)) >= want)?.p;
  };
  return firstAt(2) ?? search(2) ?? firstAt(1) ?? ringSearch(first, w, h, board.clearOf, 1, MAX_RINGS * size) ?? first;
}

/**
 * Centres for the labels, in their order. `fixed` are labels already drawn (a place outside the lab);
 * `gap` is the least space kept between two labels. Null for a label with a `cap` that found no spot
 * that near (it takes no room: the ones after it are placed as if it were not there).
 */
export function placeLabels(
  labels: readonly LabelRequest[],
  gap: number,
  fixed: readonly Box[] = [],
): (Spot | null)[] {
  const placed: Box[] = [...fixed];
  const leaders: Leader[] = [];
  const spots = labels.map((label) => {
    const spot = placeOne(label, placed, leaders, gap);
    if (!spot) return null;
    placed.push(labelBox(spot, label.w, label.h));
    const line = leaderOf(label, spot);
    if (line) leaders.push(line);
    return spot;
  });
  if (spots.every((s) => s !== null)) shorten(labels, spots, gap, fixed);
  return spots;
}

/** The line back to what a label at `spot` belongs to, when it sits off it (further than its own size). */
function leaderOf(label: LabelRequest, spot: Spot): Leader | null {
  const end = label.attach?.(spot);
  return end && Math.hypot(end.x - spot.x, end.y - spot.y) > 0.7 * Math.min(label.w, label.h) ? [spot, end] : null;
}

/** Rounds of `shorten` at most: a later round catches a label a move in the one before freed room for. */
const SHORTEN_ROUNDS = 3;

/**
 * One at a time, the label order can leave an early label on the spot a later one needed, the later
 * one then going far: each label with a leader, longest first, looks for the spot it would take if
 * the one label in the way were not there, and takes it when that label, placed again, finds another
 * spot and the longer of the two leaders gets shorter (a real gain, a quarter of a grid step).
 */
function shorten(labels: readonly LabelRequest[], spots: Spot[], gap: number, fixed: readonly Box[]): void {
  const len = (i: number, at = spots[i]!) => {
    const end = labels[i]!.attach?.(at);
    return end ? fromEdge(at, end, labels[i]!.w, labels[i]!.h) : 0;
  };
  // The board label i is placed on against every other label but those in `skip`.
  const boardOf = (i: number, skip: readonly number[] = []) => {
    const others = labels.map((_, j) => j).filter((j) => j !== i && !skip.includes(j));
    const boxes = [...fixed, ...others.map((j) => labelBox(spots[j]!, labels[j]!.w, labels[j]!.h))];
    const lines = others.map((j) => leaderOf(labels[j]!, spots[j]!)).filter((l): l is Leader => l !== null);
    return boardFor(labels[i]!, boxes, lines, gap);
  };
  const costNow = (i: number) => costOf(boardOf(i), spots[i]!, len(i));
  for (let round = 0; round < SHORTEN_ROUNDS; round++) {
    let moved = false;
    const order = labels.map((_, i) => i).filter((i) => len(i) > 0);
    for (const i of order.sort((a, b) => len(b) - len(a))) {
      const gain = Math.min(labels[i]!.w, labels[i]!.h) / 8;
      const now = costNow(i);
      const alone = nearestFree(boardOf(i, labels.map((_, j) => j)), len(i));
      if (!alone || alone.cost >= now - gain) continue;
      const b = labelBox(alone.p, labels[i]!.w, labels[i]!.h);
      const inWay = labels.map((_, j) => j).filter((j) => {
        if (j === i) return false;
        const line = leaderOf(labels[j]!, spots[j]!);
        return !apart(b, labelBox(spots[j]!, labels[j]!.w, labels[j]!.h), gap) || (line && crosses(...line, b));
      });
      if (inWay.length !== 1) continue;
      const j = inWay[0]!;
      const mine = nearestFree(boardOf(i, [j]), len(i));
      if (!mine) continue;
      const [was, wasJ] = [spots[i]!, spots[j]!];
      const before = Math.max(now, costNow(j));
      spots[i] = mine.p;
      const theirs = nearestFree(boardOf(j), labels[j]!.cap ?? Infinity);
      if (theirs && Math.max(mine.cost, theirs.cost) < before - gain) {
        spots[j] = theirs.p;
        moved = true;
      } else {
        [spots[i], spots[j]] = [was, wasJ];
      }
    }
    if (!moved) return;
  }
}
