// Where the route's numbers go (pure geometry, canvas units). The numbers are drawn at a fixed size
// on the screen, so zoomed out (a whole cluster fitted on a 1280x720 screen) each one covers more of
// the canvas and numbers that want the same place would pile up: a stop's pill over the load
// balancer it belongs to, four segment numbers over one node's header. The rule, one label at a
// time in the order given, from most to least clear:
// - the first candidate that covers no label placed before it, no text and no object it should keep
//   clear of, whole in view (inside the area, under nothing drawn over it); else the best such spot
//   within a couple of label sizes (the shortest leader back to its segment or place, one across no
//   text first);
// - else the first candidate, or the best spot near, that covers no label and no text (over an
//   object's background: a node frame between its header and its pods), in view; with a `cap` on
//   its leader, that is all: null, and the caller lets it share a label with a neighbour's;
// - else the best such spot further out, in view if it can;
// - else the first candidate, or the nearest spot, that covers no label.
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
 * How far (in label sizes, the leader's length and what it crosses, see spotsNear) the search goes
 * for a spot clear of objects before it takes the best one over an object's background: near, as a
 * long leader makes the picture busier than a number over a frame's background does.
 */
const REACH = 2;

/** How far (in label sizes) the search goes for a spot clear of text before it takes one over text. */
const TEXT_REACH = 10;

/**
 * How clear a box is: 4 of labels, text and objects, inside the area; 3 of labels and text, inside
 * the area; 2 of labels and text; 1 of labels only; 0 not even.
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

/** A leader across text costs as much as one this many label sizes longer; across another label, this much. */
const ACROSS = { text: 2, label: 5 };

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
 * Spots around `from` within `reach` on a grid of half a label, best first: the shortest leader
 * back to what the label belongs to, one across no text and no other label (`blocks`) before one
 * across them, then the nearest to `from`. (Without `attach`: the nearest to `from`.)
 */
function spotsNear(
  label: LabelRequest,
  from: Spot,
  reach: number,
  blocks: { text: BoxGrid; label: readonly Box[] },
): Near[] {
  const { w, h } = label;
  const step = Math.max(1, Math.min(w, h) / 2);
  const n = Math.floor(reach / step);
  const attach = label.attach ?? (() => from);
  // The leader's last stretch may reach into its own place's text (it ends on the place).
  const slack = Math.min(w, h) / 4;
  const out: Near[] = [];
  for (let i = -n; i <= n; i++) {
    for (let j = -n; j <= n; j++) {
      const r = Math.hypot(i, j) * step;
      if (r > reach || r === 0) continue;
      const p = { x: from.x + i * step, y: from.y + j * step };
      const end = attach(p);
      const len = Math.hypot(end.x - p.x, end.y - p.y);
      const k = len > slack ? (len - slack) / len : 0;
      const short = { x: p.x + (end.x - p.x) * k, y: p.y + (end.y - p.y) * k };
      const overText = k > 0 && crossesAny(blocks.text, p, short);
      const overLabel = k > 0 && blocks.label.some((o) => crosses(p, short, o));
      const cost = (overText ? ACROSS.text : 0) + (overLabel ? ACROSS.label : 0);
      out.push({ p, len: fromEdge(p, end, w, h), key: len + cost * Math.max(w, h) + r / 4 });
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

/**
 * Where one label goes, most clear first (see the top of the file); `placed` are the labels before
 * it, `leaders` the lines from those moved away back to what they belong to (not to be covered).
 */
function placeOne(label: LabelRequest, placed: readonly Box[], leaders: readonly Leader[], gap: number): Spot | null {
  const { w, h, candidates } = label;
  const size = Math.max(w, h);
  const first = candidates[0]!;
  // Only what the search can reach: a cluster of a thousand pods asks about the few near the route.
  const near = (size * TEXT_REACH + size) * 2;
  const text = new BoxGrid(within(label.text ?? [], first, near), size);
  const avoid = within(label.avoid, first, near);
  const clearOf = (b: Box): Clearance => {
    if (!placed.every((p) => apart(b, p, gap))) return 0;
    if (touchesAny(text, b) || leaders.some(([p, q]) => crosses(p, q, b))) return 1;
    if (!inView(b, label)) return 2;
    return avoid.every((o) => apart(b, o, 0)) ? 4 : 3;
  };
  const levels = candidates.map((c) => clearOf(labelBox(c, w, h)));
  const leader = (c: Spot) => fromEdge(c, label.attach?.(c) ?? c, w, h);
  const firstAt = (want: Clearance, longest = Infinity) =>
    candidates.find((c, i) => levels[i]! >= want && leader(c) <= longest);
  let spots: Near[] | undefined;
  const search = (want: Clearance, most = Infinity, longest = Infinity) => {
    spots ??= spotsNear(label, first, TEXT_REACH * size, { text, label: within(placed, first, near) });
    return spots.find((s) => s.key <= most && s.len <= longest && clearOf(labelBox(s.p, w, h)) >= want)?.p;
  };
  const cap = label.cap;
  const nearBy = firstAt(4, cap) ?? search(4, REACH * size, cap) ?? firstAt(3, cap) ?? search(3, Infinity, cap);
  if (nearBy) return nearBy;
  if (label.cap !== undefined) return null;
  return (
    search(3) ??
    firstAt(2) ??
    search(2) ??
    firstAt(1) ??
    ringSearch(first, w, h, clearOf, 1, MAX_RINGS * size) ??
    first
  );
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
  return labels.map((label) => {
    const spot = placeOne(label, placed, leaders, gap);
    if (!spot) return null;
    placed.push(labelBox(spot, label.w, label.h));
    // Moved off what it belongs to (further than its own size): its leader is drawn.
    const end = label.attach?.(spot);
    if (end && Math.hypot(end.x - spot.x, end.y - spot.y) > 0.7 * Math.min(label.w, label.h)) leaders.push([spot, end]);
    return spot;
  });
}
