// The route of a trace as the canvas draws it: one directed segment per hop that travels a canvas
// edge (the tracer's `hop.edge`), and one stop per place where hops decide without moving (a
// node's kube-proxy rewriting the destination, a pod answering). Plain geometry in canvas
// coordinates, computed from the layout (never from React Flow's per-frame state): O(hops).

import type { Hop } from '../../sim';
import { isReplyHop, replyPath, travelsAgain } from '../reply-hops';
import { labelBox, placeLabels, type LabelRequest } from './badges';
import { SIZES, type Box, type Layout } from './layout';
import type { Topology } from './topology';

export interface Point {
  x: number;
  y: number;
}

export interface RouteSegment {
  /** The hop's index in the trace (its number on the canvas is index + 1). */
  hop: number;
  from: string;
  to: string;
  a: Point;
  b: Point;
  /** Where its number sits: on the segment, at the free spot nearest its middle, or beside it. */
  badge: Point;
  /** The point of the segment its number belongs to, when the number had to move away from it. */
  leader: Point | null;
  /** A hop of the reply, walked back from the server (drawn in the reply's style). */
  reply: boolean;
  /**
   * The hops whose numbers its label shows: its own; or, when no spot near it was free, its own and
   * a neighbouring hop's ("2 · 3", on the first of them, at `badge`), and none on the others.
   */
  numbers: number[];
  /**
   * Where a reply hop's caption ("reply") is centred while it is the current hop: above its number
   * unless that covers text or another number, then beside or below it. Null for the request's hops.
   */
  caption: Point | null;
}

export interface RouteStop {
  /** The canvas id of the place. */
  id: string;
  /** Indexes of the hops that happen there without travelling. */
  hops: number[];
  /**
   * The hops whose numbers its pill shows, in order: its own, and those of segments into or out of
   * it right before or after them that found no free spot near their own segment.
   */
  numbers: number[];
  /**
   * Centre of its pill of numbers: on the place's top edge (above it), by the right corner, unless
   * that covers other numbers or (zoomed out) the place's name; then beside the place.
   */
  centre: Point;
  /** Where a line from the pill back to its place ends, when the pill had to move away from it. */
  leader: Point | null;
}

export interface Route {
  segments: RouteSegment[];
  stops: RouteStop[];
  /** Canvas ids of every object the route touches (for keeping them readable). */
  ids: Set<string>;
  /**
   * Places outside the lab the route reaches (a public DNS resolver, `dns:upstream`): drawn as a
   * label beside the object they are reached from, so their segment is drawn too.
   */
  ghosts: { id: string; box: Box }[];
  /** Hops the canvas cannot place at all (neither end drawn): reported, never silently dropped. */
  unplaced: number[];
  /** When the trace walks the reply: whether it retraces the request, and the nodes it skips. */
  reply: { retraces: boolean; skipped: string[] } | null;
}

/** Absolute boxes of every object the canvas draws, and the `dns:<ip>` aliases of Services. */
export interface Places {
  rect(id: string): Box | undefined;
  /** The canvas id an id is drawn at: itself, or for `dns:<ip>` the Service with that cluster IP. */
  resolve(id: string): string;
  /** For a pod inside a node frame: the frame's id. */
  frameOf(id: string): string | undefined;
  /** Every top-level box (clients, load balancers, Services, node frames) with its id. */
  tops: readonly (Box & { id: string })[];
  /**
   * Where the canvas's text is (names, addresses, port chips), by the id of its object: every
   * client, load balancer, Service and pod, and each node frame's header without the lane under it.
   */
  texts: readonly (Box & { id: string })[];
}

const placesMemo = new WeakMap<Layout, Places>();

/** Places of one layout (O(objects) once per layout; the route and the camera ask it O(hops) times). */
export function placesFor(topo: Topology, layout: Layout): Places {
  let p = placesMemo.get(layout);
  if (!p) placesMemo.set(layout, (p = placesOf(topo, layout)));
  return p;
}

export function placesOf(topo: Topology, layout: Layout): Places {
  const frameOf = new Map<string, string>();
  for (const p of topo.pods) if (p.frameId) frameOf.set(p.id, p.frameId);
  const byIp = new Map<string, string>();
  for (const s of topo.services) if (s.clusterIP && s.clusterIP !== 'None') byIp.set(`dns:${s.clusterIP}`, s.id);
  const resolve = (id: string) => byIp.get(id) ?? id;
  const rect = (raw: string): Box | undefined => {
    const id = resolve(raw);
    const top = layout.boxes[id];
    if (top) return top;
    const p = layout.pods[id];
    if (!p) return undefined;
    const f = frameOf.get(id);
    const fb = f ? layout.boxes[f] : undefined;
    return fb ? { ...p, x: fb.x + p.x, y: fb.y + p.y } : p;
  };
  const tops = Object.entries(layout.boxes).map(([id, b]) => ({ ...b, id }));
  return { rect, resolve, frameOf: (id) => frameOf.get(resolve(id)), tops, texts: textBoxes(topo, tops, rect) };
}

/** A node frame's header text: its name, address and port-chip rows (layout.ts's header, without the lane). */
function frameText(b: Box & { id: string }, chips: number): Box & { id: string } {
  const h = SIZES.headerBase + Math.ceil(chips / SIZES.badgesPerRow) * SIZES.badgeRow;
  return { ...b, h: Math.min(b.h, h) };
}

/** A client, a load balancer, a Service or a pod is mostly text: its whole box counts. */
function textBoxes(topo: Topology, tops: readonly (Box & { id: string })[], rect: Places['rect']) {
  const chips = new Map(topo.frames.map((f) => [f.id, f.nodePorts.length + f.hostPorts.length]));
  const out = tops.map((b) => {
    const n = chips.get(b.id);
    return n === undefined ? b : frameText(b, n);
  });
  for (const p of topo.pods) {
    const b = p.frameId ? rect(p.id) : undefined;
    if (b) out.push({ ...b, id: p.id });
  }
  return out;
}

const centre = (b: Box): Point => ({ x: b.x + b.w / 2, y: b.y + b.h / 2 });
const inside = (p: Point, b: Box) => p.x >= b.x && p.x <= b.x + b.w && p.y >= b.y && p.y <= b.y + b.h;

/** A node frame is entered at its header (its interface), not in the middle of its pods. */
export const FRAME_ENTRY_Y = 30;

function anchor(id: string, b: Box): Point {
  return id.startsWith('node:') ? { x: b.x + b.w / 2, y: b.y + Math.min(b.h / 2, FRAME_ENTRY_Y) } : centre(b);
}

/** Where the line from `from` (inside or outside `b`) towards `to` (inside `b`) crosses b's border. */
function clip(from: Point, to: Point, b: Box): Point {
  const dx = to.x - from.x;
  const dy = to.y - from.y;
  // The largest t in [0,1] at which from + t*(to-from) is on the border, entering towards `to`.
  let t = 0;
  const edges: [number, number, number][] = [
    [dx, b.x - from.x, 0],
    [dx, b.x + b.w - from.x, 0],
    [dy, b.y - from.y, 1],
    [dy, b.y + b.h - from.y, 1],
  ];
  for (const [d, num, axis] of edges) {
    if (d === 0) continue;
    const k = num / d;
    if (k < 0 || k > 1) continue;
    const p = { x: from.x + dx * k, y: from.y + dy * k };
    const onOther =
      axis === 0 ? p.y >= b.y - 0.5 && p.y <= b.y + b.h + 0.5 : p.x >= b.x - 0.5 && p.x <= b.x + b.w + 0.5;
    if (onOther && k > t && !inside(from, b)) t = k;
  }
  return { x: from.x + dx * t, y: from.y + dy * t };
}

/** Gap left between a segment's ends and the boxes it joins, so the arrowhead stays clear. */
const END_GAP = 4;

function shorten(a: Point, b: Point, atA: number, atB: number): [Point, Point] {
  const len = Math.hypot(b.x - a.x, b.y - a.y) || 1;
  const ux = (b.x - a.x) / len;
  const uy = (b.y - a.y) / len;
  return [
    { x: a.x + ux * atA, y: a.y + uy * atA },
    { x: b.x - ux * atB, y: b.y - uy * atB },
  ];
}

/**
 * A place outside the lab, as a label box (canvas units at zoom 1). Wide enough for its longest label
 * (RouteLayer's, bold at 0.7 of a badge's 18 px): "DNS resolver outside the lab" is 204 px wide, and
 * with a 150-unit box the numbers placed beside it covered its end (presenter mode at 1280x720).
 */
const GHOST = { w: 212, h: 28, gap: 36 };

/** A frame -> pod drop's length: it starts in the lane the layout leaves under a frame's header. */
const STUB = 40;

/** The segment between two placed boxes: border to border, or from a frame's header down into one of its pods. */
function between(fromId: string, fb: Box, toId: string, tb: Box): [Point, Point] {
  const fa = anchor(fromId, fb);
  const ta = anchor(toId, tb);
  // A node delivering to its own pod (or a pod sending out through its node): a short drop from
  // the frame's header row to the pod, over nothing but the frame's own background.
  if (inside(ta, fb) && !inside(fa, tb)) {
    const top = { x: ta.x, y: Math.max(fb.y + FRAME_ENTRY_Y + 16, tb.y - STUB) };
    return shorten(top, { x: ta.x, y: tb.y }, 0, END_GAP);
  }
  if (inside(fa, tb) && !inside(ta, fb)) {
    const top = { x: fa.x, y: Math.max(tb.y + FRAME_ENTRY_Y + 16, fb.y - STUB) };
    return shorten({ x: fa.x, y: fb.y }, top, END_GAP, 0);
  }
  const a = clip(ta, fa, fb);
  const b = clip(fa, ta, tb);
  return shorten(a, b, END_GAP, END_GAP);
}

/** Parallel segments between the same two places (there and back) are drawn side by side. */
const PARALLEL = 16;

function spread(segments: RouteSegment[], scale: number): void {
  const groups = new Map<string, RouteSegment[]>();
  for (const s of segments) {
    const key = [s.from, s.to].sort().join('|');
    groups.set(key, [...(groups.get(key) ?? []), s]);
  }
  for (const group of groups.values()) {
    if (group.length < 2) continue;
    // One canonical direction per pair, so there-and-back segments land on opposite sides.
    const [p, q] = [group[0]!.from, group[0]!.to].sort();
    group.forEach((s, i) => {
      const flip = s.from === p && s.to === q ? 1 : -1;
      const dx = (s.b.x - s.a.x) * flip;
      const dy = (s.b.y - s.a.y) * flip;
      const len = Math.hypot(dx, dy) || 1;
      const off = (i - (group.length - 1) / 2) * PARALLEL * scale;
      const nx = (-dy / len) * off;
      const ny = (dx / len) * off;
      s.a = { x: s.a.x + nx, y: s.a.y + ny };
      s.b = { x: s.b.x + nx, y: s.b.y + ny };
    });
  }
}

/** A badge's radius in canvas units at zoom 1 (RouteLayer draws it 16 px, plus its ring). */
const BADGE_CLEAR = 20;
/** The box a badge keeps free at zoom 1: the current hop's, drawn 1.25 times larger, with its ring. */
const BADGE_BOX = 44;
/** Least space between two numbers at zoom 1. */
const LABEL_GAP = 3;
/** Least space between a number and text at zoom 1. */
const TEXT_GAP = 3;

/** Box `b` with `by` more on every side. */
const grow = <B extends Box>(b: B, by: number): B => ({
  ...b,
  x: b.x - by,
  y: b.y - by,
  w: b.w + 2 * by,
  h: b.h + 2 * by,
});

/** How far in from its place's corner a stop's pill sits first, in canvas units at every zoom. */
const PILL_INSET = 2;
/** A stop's pill at zoom 1: 18 px digits (about 11 px wide each, with separators) and round ends. */
export function stopPillSize(hops: readonly number[]): { w: number; h: number } {
  const label = hops.map((h) => h + 1).join(' · ');
  return { w: label.length * 11 + 32, h: 32 };
}

/**
 * Where a segment's number may go, best first: on the segment, nearest its middle, then beside it
 * (two short segments between neighbouring frames, there and back). `placeLabels` takes the first
 * that covers no other object and no other number (a client -> node line crosses the Services'
 * row; its number must not hide a Service's address).
 */
function badgeCandidates(s: Pick<RouteSegment, 'a' | 'b'>, scale: number): Point[] {
  const clear = BADGE_CLEAR * scale;
  const len = Math.hypot(s.b.x - s.a.x, s.b.y - s.a.y) || 1;
  const nx = -(s.b.y - s.a.y) / len;
  const ny = (s.b.x - s.a.x) / len;
  const at = (t: number, n: number): Point => ({
    x: s.a.x + (s.b.x - s.a.x) * t + nx * n,
    y: s.a.y + (s.b.y - s.a.y) * t + ny * n,
  });
  const out: Point[] = [];
  for (const n of [0, 2 * clear, -2 * clear, 3.5 * clear, -3.5 * clear]) {
    for (let d = 0; d <= 0.4 + 1e-9; d += 0.05) {
      for (const t of d === 0 ? [0.5] : [0.5 - d, 0.5 + d]) out.push(at(t, n));
    }
  }
  return out;
}

/**
 * Where a stop's pill may go, best first: on its place's top edge at the right corner (zoom 1 leaves
 * room there), at the left corner, then just outside the place (right, left, below): zoomed out a
 * pill is wider than a load balancer's box and must not hide its name. On the top edge is above it,
 * the text gap clear: a pill reaching over the border sat on the box and, zoomed out (1280x720 with
 * Rules open), on the kind tag or name under it.
 */
function pillCandidates(r: Box, w: number, h: number, scale: number): Point[] {
  const i = PILL_INSET;
  const g = LABEL_GAP * 2 * scale;
  const top = r.y - TEXT_GAP * scale - h / 2;
  return [
    { x: r.x + r.w - i - w / 2, y: top },
    { x: r.x + i + w / 2, y: top },
    { x: r.x + r.w + g + w / 2, y: r.y + h / 2 },
    { x: r.x - g - w / 2, y: r.y + h / 2 },
    { x: r.x + r.w - i - w / 2, y: r.y + r.h + g + h / 2 },
    { x: r.x + r.w - i - w / 2, y: top - h - g },
  ];
}

/** The point of box `b` nearest to `p` (where a leader from a label displaced far away ends). */
function nearestOnBox(p: Point, b: Box): Point {
  return { x: Math.min(Math.max(p.x, b.x), b.x + b.w), y: Math.min(Math.max(p.y, b.y), b.y + b.h) };
}

/** The point of a segment nearest to `p`. */
function nearestOnSegment(p: Point, a: Point, b: Point): Point {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const t = Math.max(0, Math.min(1, ((p.x - a.x) * dx + (p.y - a.y) * dy) / (dx * dx + dy * dy || 1)));
  return { x: a.x + dx * t, y: a.y + dy * t };
}

/**
 * The part of the canvas in view when the numbers are placed, in canvas units: the React Flow
 * viewport's box at the current pan and zoom, and what is drawn over it (the minimap, the zoom
 * buttons, a lesson's card). RouteLayer measures it once the view settles.
 */
export interface Visible {
  area: Box;
  holes: readonly Box[];
  /** The whole canvas drawn (`area` keeps a margin from its edges), when measured. */
  canvas?: Box;
}

/** What the numbers are placed for: the zoom (`scale`), a lesson's card open, the part in view if known. */
interface View {
  scale: number;
  lesson: boolean;
  visible?: Visible;
}

/**
 * What the fitted view shows at least (when the part in view is not measured: tests, the camera):
 * every object and place outside the lab, with the margin the fit leaves around them (fit.ts: 8% of
 * the canvas; beside or below a lesson's card, which covers the canvas's top left, 6% and 4% on the
 * right and bottom, but only 12 px on the card's side).
 */
function viewArea(places: Places, fixed: readonly Box[], view: View): Visible | undefined {
  if (view.visible) return view.visible;
  const all = [...places.tops, ...fixed];
  if (all.length === 0) return undefined;
  const x = Math.min(...all.map((b) => b.x));
  const y = Math.min(...all.map((b) => b.y));
  const w = Math.max(...all.map((b) => b.x + b.w)) - x;
  const h = Math.max(...all.map((b) => b.y + b.h)) - y;
  const [far, near] = [VIEW_MARGIN * view.scale, (view.lesson ? LESSON_MARGIN : VIEW_MARGIN) * view.scale];
  return { area: { x: x - near, y: y - near, w: w + near + far, h: h + near + far }, holes: [] };
}

/** Pixels the fitted view leaves around the cluster, at least; on a lesson card's side, at least. */
const VIEW_MARGIN = 30;
const LESSON_MARGIN = 10;

/**
 * The longest leader a segment's number gets (in badge boxes, from the label's edge) before it shares
 * a label with a neighbouring hop's ("2 · 3"): a long line across the picture is harder to follow
 * than a shared pill.
 */
const LEADER_CAP = 2;
/** The most hops one shared label shows. */
const MAX_SHARED = 3;

/** What every label of one route is placed against. */
interface Board {
  places: Places;
  text: (Box & { id: string })[];
  visible: Visible | undefined;
  scale: number;
  /** Objects a number for a hop between these places keeps off if it can. */
  avoidFor: (ends: readonly string[]) => (Box & { id: string })[];
}

function boardOf(places: Places, fixed: readonly Box[], view: View): Board {
  // Text it must not hide (a name, an address, a port chip), kept a few pixels clear of.
  const text = places.texts.map((b) => grow(b, TEXT_GAP * view.scale));
  // Which place a number belongs to must be plain: it keeps off the other objects if it can. It
  // may sit on the background of a node frame its segment enters (or a pod of its is in), between
  // the frame's header and its pods, but never over their text.
  const avoidFor = (ends: readonly string[]) => {
    const skip = new Set(ends.flatMap((id) => [places.frameOf(id) ?? id]).filter((id) => id.startsWith('node:')));
    return places.tops.filter((b) => !skip.has(b.id));
  };
  return { places, text, visible: viewArea(places, fixed, view), scale: view.scale, avoidFor };
}

/**
 * A stop's pill: on its place's top edge if it can (just above the border). With
 * segments' numbers in it (`extra`), near those segments too: no leader longer than the cap.
 */
function pillLabel(st: RouteStop, board: Board, extra: readonly RouteSegment[] = []): LabelRequest & { r: Box } {
  const { places, scale } = board;
  const r = places.rect(st.id)!;
  const size = stopPillSize(pillNumbers(st, extra));
  const [w, h] = [size.w * scale, size.h * scale];
  const others = board.avoidFor([st.id, ...extra.flatMap((s) => [s.from, s.to])]).filter((b) => b.id !== st.id);
  const attach = (c: Point) => farthestOfGroup(c, extra, nearestOnBox(c, r));
  const cap = extra.length === 0 ? undefined : LEADER_CAP * BADGE_BOX * scale;
  const { area, holes, canvas } = board.visible ?? {};
  const candidates = pillCandidates(r, w, h, scale);
  // Its own place is text like any other: the pill keeps off all of it, by the text gap.
  return { w, h, r, candidates, avoid: others, text: board.text, attach, area, holes, canvas, cap };
}

/** The numbers a stop's pill shows: its own hops' and those of the segments it took in, in order. */
const pillNumbers = (st: RouteStop, extra: readonly RouteSegment[]) =>
  [...st.hops, ...extra.map((s) => s.hop)].sort((a, b) => a - b);

/** The size of a segment's label: a round badge for one hop, a pill for hops sharing one. */
function numberSize(hops: readonly number[], scale: number): { w: number; h: number } {
  if (hops.length === 1) return { w: BADGE_BOX * scale, h: BADGE_BOX * scale };
  const size = stopPillSize(hops);
  return { w: size.w * scale, h: size.h * scale };
}

/**
 * Where the longest of a group's leaders from `p` would end: the nearest point of the segment that is
 * furthest away (for one segment, its nearest point). A shared label must be near every hop it shows.
 */
function farthestOfGroup(p: Point, group: readonly RouteSegment[], ...more: Point[]): Point {
  const ends = [...group.map((s) => nearestOnSegment(p, s.a, s.b)), ...more];
  if (ends.length === 0) return p;
  return ends.reduce((m, e) => (Math.hypot(e.x - p.x, e.y - p.y) > Math.hypot(m.x - p.x, m.y - p.y) ? e : m));
}

/** One label for a group of neighbouring hops' segments (most often one): its candidates interleaved. */
function groupLabel(group: readonly RouteSegment[], board: Board, capped: boolean): LabelRequest {
  const { w, h } = numberSize(group.map((s) => s.hop), board.scale);
  const lists = group.map((s) => badgeCandidates(s, board.scale));
  const candidates = lists[0]!.flatMap((_, i) => lists.map((l) => l[i]!));
  const avoid = board.avoidFor(group.flatMap((s) => [s.from, s.to]));
  const attach = (c: Point) => farthestOfGroup(c, group);
  const cap = capped ? LEADER_CAP * BADGE_BOX * board.scale : undefined;
  const { area, holes, canvas } = board.visible ?? {};
  return { w, h, candidates, avoid, text: board.text, attach, area, holes, canvas, cap };
}

/** Whether two groups may share a label: their hops follow each other and they meet at a place. */
function neighbours(a: readonly RouteSegment[], b: readonly RouteSegment[]): boolean {
  if (a.length + b.length > MAX_SHARED || b[0]!.hop !== a[a.length - 1]!.hop + 1) return false;
  const ends = new Set(a.flatMap((s) => [s.from, s.to]));
  return b.some((s) => ends.has(s.from) || ends.has(s.to));
}

/**
 * The most numbers one pill shows (a stop's own and the segments' it took in, or neighbouring
 * segments' shared): a longer pill is hard to read and to place near everything it belongs to.
 * A place deciding more hops than that gets several pills side by side (splitStops).
 */
const MAX_PILL = MAX_SHARED;

/** Labels being placed: segments' groups (most of one) and, per stop, the segments it took in. */
interface Sharing {
  groups: RouteSegment[][];
  atStop: RouteSegment[][];
  /** Numbers that found no free spot near even shared: they go further out on their own. */
  alone: Set<RouteSegment>;
}

/** Whether stop `st` may take in segment `s`: the segment goes into or out of it right before or after its hops. */
function joinsStop(st: RouteStop, taken: number, s: RouteSegment): boolean {
  const next = st.hops.includes(s.hop - 1) || st.hops.includes(s.hop + 1);
  return next && (s.from === st.id || s.to === st.id) && st.hops.length + taken < MAX_PILL;
}

/**
 * Who the failed group (index `i`, one segment) shares a label with: the group of the hop before
 * or after it, or the stop it goes into or out of, whichever is nearer to where its number wanted
 * to be. `{ group }` or `{ stop }` indexes; null if none may.
 */
function partnerOf(
  sh: Sharing,
  i: number,
  stops: readonly RouteStop[],
  board: Board,
): { group: number } | { stop: number } | null {
  const g = sh.groups[i]!;
  const c = badgeCandidates(g[0]!, board.scale)[0]!;
  const dist = (p: Point) => Math.hypot(p.x - c.x, p.y - c.y);
  const options: { to: { group: number } | { stop: number }; d: number }[] = [];
  for (const j of [i - 1, i + 1]) {
    const o = sh.groups[j];
    if (!o || o.some((s) => sh.alone.has(s)) || !(j < i ? neighbours(o, g) : neighbours(g, o))) continue;
    options.push({ to: { group: j }, d: dist(farthestOfGroup(c, o)) });
  }
  stops.forEach((st, j) => {
    if (!joinsStop(st, sh.atStop[j]!.length, g[0]!)) return;
    options.push({ to: { stop: j }, d: dist(nearestOnBox(c, board.places.rect(st.id)!)) });
  });
  return options.sort((x, y) => x.d - y.d)[0]?.to ?? null;
}

/** One round's answer to a label that found no free spot near: share it, split it, or let it go alone. */
function reshare(sh: Sharing, failed: { group: number } | { stop: number }, stops: readonly RouteStop[], board: Board) {
  const backAlone = (segs: readonly RouteSegment[]) => {
    for (const s of segs) sh.alone.add(s);
    sh.groups = [...sh.groups, ...segs.map((s) => [s])].sort((x, y) => x[0]!.hop - y[0]!.hop);
  };
  if ('stop' in failed) {
    // A stop's pill with segments' numbers in it found no spot near them all: they go alone.
    const segs = sh.atStop[failed.stop]!;
    sh.atStop[failed.stop] = [];
    return backAlone(segs);
  }
  const i = failed.group;
  const g = sh.groups[i]!;
  const rest = () => [...sh.groups.slice(0, i), ...sh.groups.slice(i + 1)];
  if (g.length > 1) {
    sh.groups = rest();
    return backAlone(g);
  }
  const partner = partnerOf(sh, i, stops, board);
  if (!partner) sh.alone.add(g[0]!);
  else if ('stop' in partner) {
    sh.atStop[partner.stop]!.push(g[0]!);
    sh.groups = rest();
  } else {
    const [lo, hi] = [Math.min(i, partner.group), Math.max(i, partner.group)];
    sh.groups = [...sh.groups.slice(0, lo), [...sh.groups[lo]!, ...sh.groups[hi]!], ...sh.groups.slice(hi + 1)];
  }
}

/**
 * The route's numbers, stops' pills first, then each segment's badge in hop order, placed by
 * `placeLabels` so that no two cover each other at this scale. A segment's number that finds no
 * free spot near its segment shares a label with a neighbouring hop's (the segment's before or
 * after it, or the stop it goes into or out of) and all are placed again; a shared label that finds
 * none either is split again, and a number with no neighbour to share with goes further out, with a
 * longer leader. A label away from its place gets a leader back to it.
 */
function placeNumbers(segments: RouteSegment[], stops: RouteStop[], board: Board, fixed: Box[], first?: number): void {
  const sh: Sharing = { groups: segments.map((s) => [s]), atStop: stops.map(() => []), alone: new Set() };
  // Each round shares two labels or leaves numbers alone; past this, every one goes alone.
  for (let round = 0; ; round++) {
    const last = round > 3 * segments.length;
    if (last) for (const s of segments) sh.alone.add(s);
    const pills = stops.map((st, i) => pillLabel(st, board, sh.atStop[i]));
    const labels = [...pills, ...sh.groups.map((g) => groupLabel(g, board, !sh.alone.has(g[0]!)))];
    // The label showing hop `first` is placed before all others (its spots are then in this order).
    const order = labels.map((_, i) => i);
    const lead = first === undefined ? -1 : labelOf(first, stops, sh);
    if (lead > 0) order.unshift(...order.splice(lead, 1));
    const inOrder = placeLabels(
      order.map((i) => labels[i]!),
      LABEL_GAP * board.scale,
      fixed,
    );
    const spots: (Point | null)[] = [];
    order.forEach((i, k) => (spots[i] = inOrder[k]!));
    const at = spots.findIndex((p) => !p);
    if (at < 0) return settle(stops, pills, sh, spots as Point[], board.scale);
    reshare(sh, at < stops.length ? { stop: at } : { group: at - stops.length }, stops, board);
  }
}

/** The index of the label showing hop `hop` (a stop's, or a group's), in placeNumbers' order; -1 if none. */
function labelOf(hop: number, stops: readonly RouteStop[], sh: Sharing): number {
  const st = stops.findIndex((s, i) => s.hops.includes(hop) || sh.atStop[i]!.some((x) => x.hop === hop));
  if (st >= 0) return st;
  const g = sh.groups.findIndex((group) => group.some((x) => x.hop === hop));
  return g < 0 ? -1 : stops.length + g;
}

/** Each stop and segment at its placed spot, with a leader back when it sits away from its place. */
function settle(
  stops: RouteStop[],
  pills: readonly (LabelRequest & { r: Box })[],
  sh: Sharing,
  spots: readonly Point[],
  scale: number,
) {
  const far = BADGE_CLEAR * scale * 1.5;
  // A leader from a label of size w x h at c back to segment s, when the label sits away from it.
  const back = (s: RouteSegment, c: Point, w: number, h: number, round: boolean) => {
    const on = nearestOnSegment(c, s.a, s.b);
    const fromEdge = () => apartBy(labelBox(c, w, h), { ...on, w: 0, h: 0 });
    const away = round ? Math.hypot(c.x - on.x, c.y - on.y) > far : fromEdge() > far / 2;
    s.badge = c;
    s.leader = away ? on : null;
  };
  stops.forEach((st, i) => {
    const c = spots[i]!;
    const { w, h, r } = pills[i]!;
    st.centre = c;
    st.leader = apartBy(labelBox(c, w, h), r) > far / 2 ? nearestOnBox(c, r) : null;
    st.numbers = pillNumbers(st, sh.atStop[i]!);
    for (const s of sh.atStop[i]!) {
      back(s, c, w, h, false);
      s.numbers = [];
    }
  });
  sh.groups.forEach((g, i) => {
    const c = spots[stops.length + i]!;
    const hops = g.map((s) => s.hop);
    const { w, h } = numberSize(hops, scale);
    for (const [k, s] of g.entries()) {
      back(s, c, w, h, hops.length === 1);
      s.numbers = k === 0 ? hops : [];
    }
  });
}

/** The box a segment's label covers (none for a hop whose number another's label shows). */
export function numberBox(s: RouteSegment, scale: number): Box | null {
  if (s.numbers.length === 0) return null;
  const { w, h } = numberSize(s.numbers, scale);
  return labelBox(s.badge, w, h);
}

/**
 * The reply's caption at zoom 1 (RouteLayer: 15 px bold with a 5 px halo): room for the longest of
 * its languages ("reply"; Chinese "回包" is narrower). Its centre sits this far above its number's.
 */
const CAPTION = { w: 54, h: 22, off: BADGE_BOX / 2 + 11 + LABEL_GAP };

/**
 * Where each reply hop's caption goes, around its placed number: only one is drawn at a time (the
 * current hop's), so captions keep clear of every number, pill and text, not of each other.
 */
function placeCaptions(segments: RouteSegment[], stops: RouteStop[], board: Board, fixed: Box[]) {
  const { scale } = board;
  const numbers = [
    ...fixed,
    ...stops.map((st) => {
      const size = stopPillSize(st.numbers);
      return labelBox(st.centre, size.w * scale, size.h * scale);
    }),
    ...segments.flatMap((s) => numberBox(s, scale) ?? []),
  ];
  const [w, h] = [CAPTION.w * scale, CAPTION.h * scale];
  const off = CAPTION.off * scale;
  const { area, holes, canvas } = board.visible ?? {};
  for (const s of segments) {
    if (!s.reply) continue;
    const { x, y } = s.badge;
    // Beside its label: a shared pill (a segment's or a stop's) is wider than a badge.
    const shown = segments.find((o) => o.numbers.includes(s.hop)) ?? stops.find((o) => o.numbers.includes(s.hop));
    const across = (numberSize(shown?.numbers ?? [s.hop], scale).w + w) / 2 + LABEL_GAP * scale;
    // Above first (as before: below it a pod's box would cover it), then beside, then below.
    const candidates = [
      { x, y: y - off },
      { x: x + across, y },
      { x: x - across, y },
      { x: x + across, y: y - off },
      { x: x - across, y: y - off },
      { x, y: y + off },
    ];
    const caption = { w, h, candidates, avoid: [], text: board.text, attach: () => s.badge, area, holes, canvas };
    s.caption = placeLabels([caption], LABEL_GAP * scale, numbers)[0]!;
  }
}

/**
 * A stop's pill per run of consecutive hops at its place (the request's hops in one pill, the reply's
 * in another): a segment's number that finds no room near its own segment then shares the pill of the
 * hops right before or after it, not one of hops far from it. A run longer than a pill shows
 * (MAX_PILL) is cut into pills of even length, side by side.
 */
function splitStops(stops: readonly RouteStop[]): RouteStop[] {
  return stops.flatMap((st) => {
    const runs: number[][] = [];
    for (const h of st.hops) {
      const run = runs.at(-1);
      if (run && h === run.at(-1)! + 1) run.push(h);
      else runs.push([h]);
    }
    if (runs.length === 1 && st.hops.length <= MAX_PILL) return [st];
    return runs.flatMap((run) => {
      const size = Math.ceil(run.length / Math.ceil(run.length / MAX_PILL));
      return Array.from({ length: Math.ceil(run.length / size) }, (_, i) => run.slice(i * size, (i + 1) * size));
    }).map((hops) => ({ ...st, hops, numbers: [...hops] }));
  });
}

/** The gap between two boxes (0 when they touch or overlap). */
function apartBy(a: Box, b: Box): number {
  const dx = Math.max(0, b.x - (a.x + a.w), a.x - (b.x + b.w));
  const dy = Math.max(0, b.y - (a.y + a.h), a.y - (b.y + b.h));
  return Math.hypot(dx, dy);
}

/**
 * `scale` is how many canvas units the layer draws per screen pixel's worth of badge (1/zoom when
 * zoomed out): numbers and parallel lines keep apart at the size they are drawn. `lesson`: the
 * view is fitted beside a lesson's card (fit.ts), so the numbers keep closer to the cluster there.
 * `visible`: the part of the canvas in view, when measured (the numbers stay in it, off the minimap).
 * `first`: a hop whose number is placed before all others (routeFor: the current hop's, when placed
 * in its turn it found no room in view).
 */
export function buildRoute(
  hops: readonly Hop[],
  places: Places,
  scale = 1,
  lesson = false,
  visible?: Visible,
  first?: number,
): Route {
  const segments: RouteSegment[] = [];
  const stops = new Map<string, RouteStop>();
  const ids = new Set<string>();
  const unplaced: number[] = [];
  const ghosts = new Map<string, Box>();
  // An end outside the lab (the internet's DNS) sits above the end that is drawn: clients are the
  // top row, so above them is open space the fitted view still shows.
  const ghost = (id: string, near: Box): Box => {
    let g = ghosts.get(id);
    // Its label is drawn at the badges' screen size, so its box and its gap grow with `scale` too:
    // zoomed out, a fixed box let the label cover the client it is reached from.
    const [w, h, gap] = [GHOST.w * scale, GHOST.h * scale, GHOST.gap * scale];
    if (!g) ghosts.set(id, (g = { x: near.x + ghosts.size * (w + 8 * scale), y: near.y - h - gap, w, h }));
    return g;
  };
  for (const [i, h] of hops.entries()) {
    if (h.edge && h.edge.from !== h.edge.to && travelsAgain(hops, i)) {
      const from = places.resolve(h.edge.from);
      const to = places.resolve(h.edge.to);
      const placedFrom = places.rect(from);
      const placedTo = places.rect(to);
      if (!placedFrom && !placedTo) {
        unplaced.push(h.index);
        continue;
      }
      const fb = placedFrom ?? ghost(from, placedTo!);
      const tb = placedTo ?? ghost(to, placedFrom!);
      const [a, b] = between(from, fb, to, tb);
      const badge = { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 };
      const reply = isReplyHop(h);
      segments.push({ hop: h.index, from, to, a, b, badge, leader: null, reply, numbers: [h.index], caption: null });
      ids.add(from).add(to);
      continue;
    }
    // A reply hop on the edge the hop before it travelled decides at that edge's end.
    const id = places.resolve(h.edge && h.edge.from !== h.edge.to ? h.edge.to : h.place.id);
    const r = places.rect(id);
    if (!r) {
      unplaced.push(h.index);
      continue;
    }
    ids.add(id);
    const stop = stops.get(id) ?? { id, hops: [], numbers: [], centre: { x: r.x + r.w, y: r.y }, leader: null };
    stop.hops.push(h.index);
    stop.numbers.push(h.index);
    stops.set(id, stop);
  }
  const pills = splitStops([...stops.values()]);
  // A pod's frame is on the route too: the packet passes its interface.
  for (const id of [...ids]) {
    const f = places.frameOf(id);
    if (f) ids.add(f);
  }
  spread(segments, scale);
  // Numbers last, around what is already drawn (a place outside the lab's label).
  const ghostLabels = [...ghosts.values()];
  const board = boardOf(places, ghostLabels, { scale, lesson, visible });
  placeNumbers(segments, pills, board, ghostLabels, first);
  placeCaptions(segments, pills, board, ghostLabels);
  const ghostList = [...ghosts].map(([id, box]) => ({ id, box }));
  return { segments, stops: pills, ids, ghosts: ghostList, unplaced, reply: replyPath(hops) };
}

/** The box a segment spans (from one end to the other). */
export function segmentBox(s: Pick<RouteSegment, 'a' | 'b'>): Box {
  const [x, y] = [Math.min(s.a.x, s.b.x), Math.min(s.a.y, s.b.y)];
  return { x, y, w: Math.abs(s.a.x - s.b.x), h: Math.abs(s.a.y - s.b.y) };
}

/** How much of a node frame's top a presenter needs: its name, addresses and port badges. */
const FRAME_HEADER_VIEW = 96;

/**
 * The part of the canvas a presenter needs in view to show the route: every object it touches,
 * but of a node frame only its header and the route's pods in it (not a thousand other pods).
 */
export function routeBounds(route: Route, places: Places): Box | null {
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  const add = (b: Box) => {
    x0 = Math.min(x0, b.x);
    y0 = Math.min(y0, b.y);
    x1 = Math.max(x1, b.x + b.w);
    y1 = Math.max(y1, b.y + b.h);
  };
  for (const id of route.ids) {
    const b = places.rect(id);
    if (!b) continue;
    add(id.startsWith('node:') ? { ...b, h: Math.min(b.h, FRAME_HEADER_VIEW) } : b);
  }
  for (const g of route.ghosts) add(g.box);
  for (const s of route.segments) add(segmentBox(s));
  return Number.isFinite(x0) ? { x: x0, y: y0, w: x1 - x0, h: y1 - y0 } : null;
}

const routeMemo = new WeakMap<readonly Hop[], WeakMap<Layout, Map<string, Route>>>();
/** Views remembered per trace and layout: enough for a few pans back and forth, not every one. */
const VIEWS_KEPT = 12;

const visibleKey = (v: Visible | undefined) =>
  v ? [v.area, ...v.holes].map((b) => [b.x, b.y, b.w, b.h].map((n) => n.toFixed(1)).join(',')).join(';') : '';

/**
 * The route of a trace's hops on one layout at one scale, memoised (the layer and the camera share
 * it). `lesson`: a lesson's card covers the canvas's top left (its numbers keep clear of it);
 * `visible`: the part of the canvas in view (RouteLayer measures it; the camera needs no numbers).
 * `current`: the current hop, whose number must be in view: if placed in hop order it found no room
 * there (presenter mode's camera on a short canvas, the route's other numbers around it), the
 * numbers are placed again with its number first. Otherwise the numbers stay put from hop to hop.
 */
export function routeFor(
  hops: readonly Hop[],
  topo: Topology,
  layout: Layout,
  scale = 1,
  lesson = false,
  visible?: Visible,
  current?: number,
): Route {
  let byLayout = routeMemo.get(hops);
  if (!byLayout) routeMemo.set(hops, (byLayout = new WeakMap()));
  let byView = byLayout.get(layout);
  if (!byView) byLayout.set(layout, (byView = new Map()));
  const key = `${scale}${lesson ? ':lesson' : ''}:${visibleKey(visible)}`;
  const memo = (k: string, first?: number) => {
    let r = byView.get(k);
    if (!r) {
      if (byView.size >= VIEWS_KEPT) byView.delete(byView.keys().next().value!);
      byView.set(k, (r = buildRoute(hops, placesFor(topo, layout), scale, lesson, visible, first)));
    }
    return r;
  };
  const r = memo(key);
  if (current === undefined || !visible || numberInView(r, current, scale, visible)) return r;
  return memo(`${key}:first${current}`, current);
}

/** Whether the label showing hop `hop` is whole in view (true when the route shows no number for it). */
function numberInView(route: Route, hop: number, scale: number, visible: Visible): boolean {
  const seg = route.segments.find((s) => s.numbers.includes(hop));
  const stop = route.stops.find((st) => st.numbers.includes(hop));
  const size = stop && stopPillSize(stop.numbers);
  const box = seg ? numberBox(seg, scale) : stop && size ? labelBox(stop.centre, size.w * scale, size.h * scale) : null;
  if (!box) return true;
  const { area, holes } = visible;
  const inside = box.x >= area.x && box.y >= area.y && box.x + box.w <= area.x + area.w;
  return inside && box.y + box.h <= area.y + area.h && holes.every((o) => apartBy(box, o) > 0);
}
