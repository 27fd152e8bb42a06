// The whole route of the current trace over the topology: numbered, directed segments (one per hop
// that travels an edge) and numbered stops (hops that decide in place). Past hops stay drawn, the
// current one is emphasised, future ones are faint and dashed; hovering or focusing a segment names
// its hop. Hops of the reply (walked back from the server) are drawn dotted in their own colour with
// a "reply" caption on the current one (the legend, and whether the reply retraces the request, sit
// in the playback bar below the canvas, where they never cover the cluster). It re-renders when the
// trace, the hop or the zoom changes: O(hops) SVG elements, never the canvas's nodes. The moving
// packet stays in PacketLayer (per frame, outside React).

import { ViewportPortal, useStore, type ReactFlowState } from '@xyflow/react';
import { useEffect, useMemo, useState } from 'react';
import type { TraceResult } from '../../sim';
import { selectHopIndex, selectLang, selectTrace, type LabState } from '../../state';
import { labStore, useLab } from '../app-store';
import { useT, type T } from '../i18n';
import { explain } from '../i18n/explain';
import { isReplyHop } from '../reply-hops';
import { useSession } from '../share/session';
import type { Box, Layout } from './layout';
import {
  routeFor,
  stopPillSize,
  type Point,
  type Route,
  type RouteSegment,
  type RouteStop,
  type Visible,
} from './route';
import type { Topology } from './topology';
import './route.css';

/**
 * Sizes in screen pixels at zoom 1 and below: zoomed out the route keeps them (a teacher points at it
 * from the back of the room), zoomed in it grows with the picture.
 */
const LINE = 6;
const HALO = 12;
const ARROW = 20;
const BADGE_R = 16;
const BADGE_FONT = 18;

const selectZoom = (s: ReactFlowState) => s.transform[2];
/** The view as a key: its pan, zoom and size (the part of the canvas it shows). */
const selectViewKey = (s: ReactFlowState) => `${s.transform.join(',')}|${s.width}x${s.height}`;
const selectDom = (s: ReactFlowState) => s.domNode;

/** What is drawn over the canvas: its own minimap, zoom buttons and credit. */
const OVER_CANVAS = '.react-flow__minimap, .react-flow__controls, .react-flow__attribution';
/** Text drawn on the canvas that is not the layout's: a load balancer arrow's reason (LbTargetEdge). */
const EDGE_LABELS = '.react-flow__edge-textwrapper';
/** What floats over it beside the canvas (App.tsx's canvas area): a lesson's card, or its way back when hidden. */
const OVER_AREA = '[data-testid="lesson"], .lesson-reopen';
/** Screen pixels a number keeps from the canvas's edges and from what is drawn over it. */
const EDGE = 4;

/** The part of the canvas in view, in canvas units (see route.ts `Visible`), measured from the page. */
function measureVisible(dom: HTMLElement, view: ReactFlowState['transform']): Visible | null {
  const [tx, ty, zoom] = view;
  const box = dom.getBoundingClientRect();
  if (box.width <= 0 || box.height <= 0 || zoom <= 0) return null;
  // The window cuts the canvas too (a narrow window scrolls the page, not the canvas).
  const right = Math.min(box.right, document.documentElement.clientWidth);
  const bottom = Math.min(box.bottom, document.documentElement.clientHeight);
  const toCanvas = (x: number, y: number, w: number, h: number) => ({
    x: (x - box.left - tx) / zoom,
    y: (y - box.top - ty) / zoom,
    w: w / zoom,
    h: h / zoom,
  });
  const canvas = toCanvas(box.left, box.top, right - box.left, bottom - box.top);
  const area = toCanvas(box.left + EDGE, box.top + EDGE, right - box.left - 2 * EDGE, bottom - box.top - 2 * EDGE);
  const over = [
    ...dom.querySelectorAll(OVER_CANVAS),
    ...dom.querySelectorAll(EDGE_LABELS),
    ...document.querySelectorAll(OVER_AREA),
  ];
  const holes = over
    .map((e) => e.getBoundingClientRect())
    .filter((r) => r.width > 0 && r.height > 0)
    .map((r) => toCanvas(r.left - EDGE, r.top - EDGE, r.width + 2 * EDGE, r.height + 2 * EDGE));
  return { area, holes, canvas };
}

/** Whether two measured views differ by at most `tolerance` canvas units on every edge. */
function sameView(a: Visible | null, b: Visible | null, tolerance: number): boolean {
  if (!a || !b) return a === b;
  const near = (p: Box, q: Box) =>
    Math.abs(p.x - q.x) <= tolerance &&
    Math.abs(p.y - q.y) <= tolerance &&
    Math.abs(p.x + p.w - q.x - q.w) <= tolerance &&
    Math.abs(p.y + p.h - q.y - q.h) <= tolerance;
  return near(a.area, b.area) && a.holes.length === b.holes.length && a.holes.every((h, i) => near(h, b.holes[i]!));
}

/** How long the view must stay still before the numbers are placed for it again (a pan is many frames). */
const SETTLE_MS = 120;

/**
 * A count that goes up when something over the canvas changes size without the view moving: a
 * lesson's card growing with its step's text, collapsing to its way back or opening again, the
 * canvas itself when a panel beside it is resized (React Flow's own size covers most of that).
 * The elements are observed, not polled: nothing runs per frame while a thousand pods animate.
 */
function useCoverChanges(dom: HTMLElement | null): number {
  const [changes, setChanges] = useState(0);
  useEffect(() => {
    if (!dom || typeof ResizeObserver === 'undefined') return;
    const bump = () => setChanges((n) => n + 1);
    const sizes = new ResizeObserver(bump);
    // The card is a sibling of the canvas (lazily loaded, swapped for its way back when hidden):
    // watched for coming and going, and each one that is there observed for its size.
    const area = dom.closest('.canvas-area');
    const observe = () => {
      sizes.disconnect();
      sizes.observe(dom);
      for (const e of dom.querySelectorAll(OVER_CANVAS)) sizes.observe(e);
      for (const e of area?.querySelectorAll(OVER_AREA) ?? []) sizes.observe(e);
    };
    observe();
    const children = new MutationObserver(() => {
      observe();
      bump();
    });
    if (area) children.observe(area, { childList: true });
    return () => {
      sizes.disconnect();
      children.disconnect();
    };
  }, [dom]);
  return changes;
}

/**
 * The part of the canvas in view once the view has settled, and whether it is the current view's:
 * placing the numbers at every frame of a pan would cost more than the pan, and jitter.
 */
function useVisible(trace: unknown, lesson: boolean): { visible: Visible | null; settled: boolean } {
  const key = useStore(selectViewKey);
  const dom = useStore(selectDom);
  const covers = useCoverChanges(dom);
  type Measured = { key: string; covers: number; visible: Visible | null };
  const [measured, setMeasured] = useState<Measured>({ key: '', covers: 0, visible: null });
  useEffect(() => {
    if (!dom) return;
    const id = setTimeout(() => {
      const s = key.split('|')[0]!.split(',').map(Number) as ReactFlowState['transform'];
      const now = measureVisible(dom, s);
      // A view within the edge margin of the last one (a panel below grew by a line, the card by a
      // pixel) keeps its numbers: placing them again costs a frame or more on a large cluster and
      // moves nothing. Nothing changed at all: no render either.
      setMeasured((was) => {
        if (!sameView(was.visible, now, EDGE / s[2])) return { key, covers, visible: now };
        return was.key === key && was.covers === covers ? was : { key, covers, visible: was.visible };
      });
    }, SETTLE_MS);
    return () => clearTimeout(id);
    // A new trace, the lesson's card opening or closing, something over the canvas resized: measured again.
  }, [dom, key, trace, lesson, covers]);
  return { visible: measured.visible, settled: measured.key === key && measured.covers === covers };
}
const selectHasLesson = (s: LabState) => (s.scenario.current?.lesson.length ?? 0) > 0;

type State = 'past' | 'current' | 'future';
const stateOf = (hop: number, current: number): State =>
  hop < current ? 'past' : hop === current ? 'current' : 'future';
const stopState = (hops: number[], current: number): State =>
  hops.includes(current) ? 'current' : hops[0]! < current ? 'past' : 'future';

function arrowHead(a: Point, b: Point, size: number): string {
  const len = Math.hypot(b.x - a.x, b.y - a.y) || 1;
  const ux = (b.x - a.x) / len;
  const uy = (b.y - a.y) / len;
  const back = { x: b.x - ux * size, y: b.y - uy * size };
  const w = size * 0.6;
  return `M${b.x},${b.y} L${back.x - uy * w},${back.y + ux * w} L${back.x + uy * w},${back.y - ux * w} Z`;
}

/** The line stops short of the arrowhead's base (a round cap would poke through its tip). */
function segmentPaths(s: RouteSegment, k: number) {
  const len = Math.hypot(s.b.x - s.a.x, s.b.y - s.a.y) || 1;
  const head = Math.min(ARROW * k, len * 0.6);
  const back = head * 0.7;
  const end = { x: s.b.x - ((s.b.x - s.a.x) / len) * back, y: s.b.y - ((s.b.y - s.a.y) / len) * back };
  return {
    line: `M${s.a.x},${s.a.y} L${end.x},${end.y}`,
    halo: `M${s.a.x},${s.a.y} L${s.b.x},${s.b.y}`,
    head: arrowHead(s.a, s.b, head),
  };
}

/** The reply's dotted line (round caps turn near-zero dashes into dots); the request's future is dashed. */
function dashes(s: RouteSegment, st: State, k: number): string | undefined {
  if (s.reply) return `${0.01} ${2.2 * LINE * k}`;
  return st === 'future' ? `${3 * LINE * k} ${2 * LINE * k}` : undefined;
}

/** What every part of the route draws with: the screen-size factor, the current hop, hop names, hover. */
interface Drawing {
  trace: TraceResult;
  k: number;
  current: number;
  /** The hop's number and explanation, as its segment's accessible name and tooltip. */
  name: (hop: number) => string;
  setHovered: (update: (h: number | null) => number | null) => void;
}

/** Hover and focus name a hop (the tooltip); leaving it clears the name only if it is still this hop's. */
function hoverHandlers(d: Drawing, hop: number) {
  const leave = () => d.setHovered((h) => (h === hop ? null : h));
  const seek = () => labStore.getState().seek(hop);
  return { onPointerEnter: () => d.setHovered(() => hop), onPointerLeave: leave, onClick: seek };
}

export function RouteLayer({ topo, layout }: { topo: Topology; layout: Layout }) {
  const t = useT();
  const trace = useLab(selectTrace);
  const current = useLab(selectHopIndex);
  const lang = useLab(selectLang);
  const zoom = useStore(selectZoom);
  const [hovered, setHovered] = useState<number | null>(null);
  // Below zoom 1 everything is drawn 1/zoom larger in canvas units: the same size on screen. The
  // route's spacing follows in quarter steps, so zooming does not rebuild it at every wheel tick;
  // rounded up, so that each number is placed at least as large as it is drawn (rounded to the
  // nearer step, a pill drawn at k = 2.12 was placed for 2: 8 units wider on each side than its
  // room, over the next number or a name's edge).
  const k = 1 / Math.min(zoom, 1);
  const scale = Math.ceil(k * 4 - 1e-6) / 4;
  // A lesson's card covers the canvas's top left and the view is fitted beside it (fit.ts).
  const lessonOpen = useSession((st) => st.lessonOpen);
  const lesson = useLab(selectHasLesson) && lessonOpen;
  const { visible, settled } = useVisible(trace, lesson);
  const route = useMemo(
    () => (trace ? routeFor(trace.hops, topo, layout, scale, lesson, visible ?? undefined, current) : null),
    [trace, topo, layout, scale, lesson, visible, current],
  );
  if (!trace || !route || (route.segments.length === 0 && route.stops.length === 0)) return null;
  const name = (hop: number) => {
    const h = trace.hops[hop];
    if (!h) return '';
    const text = `${hop + 1}. ${explain(lang, h.explanation)}`;
    return isReplyHop(h) ? t('canvas.route.replyHop', { text }) : text;
  };
  const d: Drawing = { trace, k, current, name, setHovered };
  const tip = hovered !== null ? route.segments.find((s) => s.hop === hovered) : undefined;
  return (
    <ViewportPortal>
      <svg
        className="route-layer"
        width="1"
        height="1"
        data-testid="route-layer"
        data-unplaced={route.unplaced.join(',')}
        data-placed-for-view={settled}
        aria-label={t('canvas.route.aria', { count: route.segments.length })}
        role="group"
      >
        <Ghosts route={route} k={k} />
        {route.segments.map((s) => (
          <Segment key={`seg-${s.hop}`} s={s} d={d} />
        ))}
        {/* The leaders of numbers shown in another's pill, under every pill (not through its digits). */}
        {route.segments
          .filter((s) => s.numbers.length === 0)
          .map((s) => (
            <SegmentNumber key={`num-${s.hop}`} s={s} d={d} />
          ))}
        {/* Stops over the segments' lines (a line into a pod must not strike through its numbers);
            route.ts keeps every number clear of every other. */}
        {route.stops.map((stop) => (
          <Stop key={`stop-${stop.id}-${stop.hops[0]}`} stop={stop} d={d} />
        ))}
        {/* The segments' numbers over every line and pill (a later hop's line must not strike
            through an earlier number); route.ts keeps each number clear of every other. */}
        {route.segments
          .filter((s) => s.numbers.length > 0)
          .map((s) => (
            <SegmentNumber key={`num-${s.hop}`} s={s} d={d} />
          ))}
      </svg>
      {tip && (
        <div className="route-tip" data-testid="route-tip" role="tooltip" style={{ transform: tipTransform(tip, k) }}>
          {name(tip.hop)}
        </div>
      )}
    </ViewportPortal>
  );
}

/** The tooltip above a segment's number, at screen size. */
const tipTransform = (s: RouteSegment, k: number) =>
  `translate(${s.badge.x}px, ${s.badge.y}px) scale(${k}) translate(-50%, calc(-100% - ${BADGE_R * 1.6}px))`;

/** Places outside the lab the route reaches (a public DNS resolver): what they are, beside what reaches them. */
function Ghosts({ route, k }: { route: Route; k: number }) {
  const t = useT();
  return route.ghosts.map((g) => (
    <text
      key={`ghost-${g.id}`}
      className="route-ghost"
      data-testid="route-ghost"
      x={g.box.x}
      y={g.box.y + g.box.h / 2}
      dy="0.35em"
      fontSize={BADGE_FONT * 0.7 * k}
      strokeWidth={4 * k}
    >
      {ghostLabel(t, g.id)}
    </text>
  ));
}

/** `dns:upstream` (an outside client's own resolver) or `dns:<address>` (a nameserver no Service has). */
function ghostLabel(t: T, id: string): string {
  if (id === 'dns:upstream') return t('canvas.route.ghost.upstream');
  if (id.startsWith('dns:')) return t('canvas.route.ghost.dns', { server: id.slice('dns:'.length) });
  return id;
}

/** A hop that travels an edge: its line, a wider halo to point at, and the arrowhead. */
function Segment({ s, d }: { s: RouteSegment; d: Drawing }) {
  const p = segmentPaths(s, d.k);
  const st = stateOf(s.hop, d.current);
  const wide = st === 'current' ? 1.5 : 1;
  return (
    <g
      className={`route-seg is-${st}${s.reply ? ' is-reply' : ''}`}
      data-testid="route-seg"
      data-hop={s.hop + 1}
      data-state={st}
      data-direction={s.reply ? 'reply' : 'request'}
      tabIndex={0}
      role="button"
      aria-label={d.name(s.hop)}
      {...hoverHandlers(d, s.hop)}
      onFocus={() => d.setHovered(() => s.hop)}
      onBlur={() => d.setHovered((h) => (h === s.hop ? null : h))}
    >
      <path className="route-halo" d={p.halo} strokeWidth={HALO * d.k * wide} />
      <path
        className="route-line"
        d={p.line}
        strokeWidth={LINE * d.k * wide}
        strokeDasharray={dashes(s, st, d.k)}
      />
      <path className="route-head" d={p.head} />
    </g>
  );
}

/** A hop's number in a pill of several: underlined when current, in the reply's style when a reply hop. */
function hopClass(d: Drawing, x: number): string | undefined {
  const hop = d.trace.hops[x];
  const classes = [x === d.current && 'is-current', hop && isReplyHop(hop) && 'is-reply'].filter(Boolean);
  return classes.join(' ') || undefined;
}

/** Hops that decide in place: one pill with their numbers, with a leader back to the place when moved away. */
function Stop({ stop, d }: { stop: RouteStop; d: Drawing }) {
  // Its own hops' numbers and those of neighbouring segments that found no room near their own.
  const st = stopState(stop.numbers, d.current);
  const size = stopPillSize(stop.numbers);
  const w = size.w * d.k;
  const h = size.h * d.k;
  // The leader runs from the pill's centre back to its place, in the pill's own coordinates.
  const to = stop.leader && { x: stop.leader.x - stop.centre.x + w / 2, y: stop.leader.y - stop.centre.y + h / 2 };
  const leader = to && `M${w / 2},${h / 2} L${to.x},${to.y}`;
  return (
    <g
      className={`route-stop is-${st}`}
      data-testid="route-stop"
      data-place={stop.id}
      data-hops={stop.numbers.map((x) => x + 1).join(',')}
      transform={`translate(${stop.centre.x - w / 2},${stop.centre.y - h / 2})`}
    >
      <title>{stop.numbers.map(d.name).join('\n')}</title>
      {leader && <path className="route-leader" d={leader} strokeWidth={2 * d.k} />}
      <rect width={w} height={h} rx={h / 2} strokeWidth={3 * d.k} />
      <text x={w / 2} y={h / 2} fontSize={BADGE_FONT * d.k} dy="0.35em" textAnchor="middle">
        {stop.numbers.map((x, i) => (
          <tspan key={x} className={hopClass(d, x)}>
            {i > 0 ? ' · ' : ''}
            {x + 1}
          </tspan>
        ))}
      </text>
    </g>
  );
}

/**
 * A segment's number in its badge (moved off a crowded segment with a thin line back to it); or,
 * shared with a neighbouring hop's, one pill "2 · 3" on the first and only the line on the others.
 */
function SegmentNumber({ s, d }: { s: RouteSegment; d: Drawing }) {
  const st = s.numbers.length > 1 ? stopState(s.numbers, d.current) : stateOf(s.hop, d.current);
  return (
    <g
      className={`route-num is-${st}${s.reply ? ' is-reply' : ''}`}
      data-testid="route-num"
      data-hop={s.hop + 1}
      data-hops={s.numbers.length === 1 ? undefined : s.numbers.map((x) => x + 1).join(',')}
      aria-hidden="true"
      {...hoverHandlers(d, s.hop)}
    >
      {s.leader && (
        <path
          className="route-leader"
          d={`M${s.leader.x},${s.leader.y} L${s.badge.x},${s.badge.y}`}
          strokeWidth={2 * d.k}
        />
      )}
      <g className="route-badge" transform={`translate(${s.badge.x},${s.badge.y})`}>
        {s.numbers.length === 1 && <Badge hop={s.hop} current={st === 'current'} k={d.k} />}
        {s.numbers.length > 1 && <SharedPill hops={s.numbers} d={d} />}
        {s.reply && stateOf(s.hop, d.current) === 'current' && <ReplyCaption s={s} k={d.k} />}
      </g>
    </g>
  );
}

function Badge({ hop, current, k }: { hop: number; current: boolean; k: number }) {
  return (
    <>
      <circle r={BADGE_R * k * (current ? 1.25 : 1)} strokeWidth={3 * k} />
      <text fontSize={BADGE_FONT * k * (current ? 1.2 : 1)} dy="0.35em" textAnchor="middle">
        {hop + 1}
      </text>
    </>
  );
}

/** Neighbouring hops' numbers in one pill, drawn as a stop's (route.ts found no free spot near each). */
function SharedPill({ hops, d }: { hops: number[]; d: Drawing }) {
  const size = stopPillSize(hops);
  const [w, h] = [size.w * d.k, size.h * d.k];
  return (
    <>
      <rect x={-w / 2} y={-h / 2} width={w} height={h} rx={h / 2} strokeWidth={3 * d.k} />
      <text fontSize={BADGE_FONT * d.k} dy="0.35em" textAnchor="middle">
        {hops.map((x, i) => (
          <tspan key={x} className={hopClass(d, x)}>
            {i > 0 ? ' · ' : ''}
            {x + 1}
          </tspan>
        ))}
      </text>
    </>
  );
}

/**
 * "reply" where route.ts found room for it, clear of text and numbers (above the badge when it
 * can). Only the current hop's, so crowded numbers inside a node frame stay readable.
 */
function ReplyCaption({ s, k }: { s: RouteSegment; k: number }) {
  const t = useT();
  return (
    <text
      className="route-reply-label"
      data-testid="route-reply-label"
      x={s.caption ? s.caption.x - s.badge.x : 0}
      y={s.caption ? s.caption.y - s.badge.y : -(BADGE_R * 1.25 + 14) * k}
      fontSize={15 * k}
      dy="0.35em"
      textAnchor="middle"
      strokeWidth={5 * k}
    >
      {t('canvas.route.reply')}
    </text>
  );
}
