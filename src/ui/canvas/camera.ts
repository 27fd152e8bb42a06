// Presenter mode's camera: with a trace shown, the canvas frames the route, not the whole cluster,
// at a zoom where its text is read from the back of a room (never below PRESENTER_MIN_ZOOM, where
// presenter mode's 16 px canvas type is 14 px on the screen). When the whole route does not fit at that
// zoom, the camera follows the current hop instead. Leaving presenter mode fits the cluster again.

import { useReactFlow } from '@xyflow/react';
import { useEffect, useRef } from 'react';
import { selectHopIndex, selectPresenter, selectTrace } from '../../state';
import { useLab } from '../app-store';
import type { Box, Layout } from './layout';
import { placesFor, routeBounds, routeFor, segmentBox } from './route';
import type { Topology } from './topology';

/** Presenter mode's canvas type is 16 px (styles.css): at 0.875 that is 14 px on the screen. */
export const PRESENTER_MIN_ZOOM = 0.875;
const PRESENTER_MAX_ZOOM = 1.6;
const PAD = 16;

export interface Viewport {
  x: number;
  y: number;
  zoom: number;
}

/** The viewport showing `box` centred in the screen area `area` at `zoom`. */
function centred(box: Box, area: Box, zoom: number): Viewport {
  const x = area.x + (area.w - box.w * zoom) / 2 - box.x * zoom;
  return { zoom, x, y: area.y + (area.h - box.h * zoom) / 2 - box.y * zoom };
}

/**
 * Where the camera goes: the whole route if it fits at a readable zoom, else the current hop's
 * piece of it (its segment or its place) at the readable zoom. Pure, for tests.
 */
export function presenterView(route: Box, current: Box | null, area: Box): { view: Viewport; follows: boolean } {
  const inner = {
    x: area.x + PAD,
    y: area.y + PAD,
    w: Math.max(1, area.w - 2 * PAD),
    h: Math.max(1, area.h - 2 * PAD),
  };
  const fit = Math.min(inner.w / Math.max(route.w, 1), inner.h / Math.max(route.h, 1));
  if (fit >= PRESENTER_MIN_ZOOM || !current) {
    const zoom = Math.max(PRESENTER_MIN_ZOOM, Math.min(fit, PRESENTER_MAX_ZOOM));
    return { view: centred(route, inner, zoom), follows: false };
  }
  return { view: centred(current, inner, PRESENTER_MIN_ZOOM), follows: true };
}

/** Of a node frame the camera needs its header (where its hops' numbers are), not its pods. */
function headerOf(id: string, b: Box | undefined): Box | null {
  if (!b) return null;
  return id.startsWith('node:') ? { ...b, y: b.y - 24, h: Math.min(b.h, 120) } : { ...b, y: b.y - 24, h: b.h + 24 };
}

function prefersReducedMotion(): boolean {
  return typeof matchMedia !== 'undefined' && matchMedia('(prefers-reduced-motion: reduce)').matches;
}

/**
 * Presenter mode's camera, in its own component so that a hop re-renders it, not the canvas. It draws
 * nothing: it arrives with the rest of the page after the first frame (../later.ts), as the route it
 * frames does (presenter mode shows a trace, which waits for the engines anyway).
 */
export function PresenterCamera({ laid, view }: {
  laid: { topo: Topology; layout: Layout } | null;
  view: { width: number; height: number; lessonWidth: number; fitCluster: () => void };
}) {
  usePresenterCamera(laid, { width: view.width, height: view.height }, view.lessonWidth, view.fitCluster);
  return null;
}

/**
 * Moves the camera in presenter mode. `lessonWidth` is the lesson card's width over the canvas's
 * left (0 without one): the route is framed beside it. `size` is the canvas's size in pixels.
 */
function usePresenterCamera(
  laid: { topo: Topology; layout: Layout } | null,
  size: { width: number; height: number },
  lessonWidth: number,
  fitCluster: () => void,
) {
  const rf = useReactFlow();
  const presenter = useLab(selectPresenter);
  const trace = useLab(selectTrace);
  const hop = useLab(selectHopIndex);
  const was = useRef(presenter);
  // Which view was last applied: the camera moves when it changes, not on every render.
  const applied = useRef('');
  const shown = useRef<unknown>(null);

  useEffect(() => {
    const leaving = was.current && !presenter;
    was.current = presenter;
    if (leaving) {
      applied.current = '';
      fitCluster();
      return;
    }
    if (!presenter || !trace || !laid || size.width <= 0 || size.height <= 0) return;
    const route = routeFor(trace.hops, laid.topo, laid.layout);
    const places = placesFor(laid.topo, laid.layout);
    const bounds = routeBounds(route, places);
    if (!bounds) return;
    const seg = route.segments.find((s) => s.hop === hop);
    const stop = route.stops.find((s) => s.hops.includes(hop));
    const current = seg ? segmentBox(seg) : stop ? headerOf(stop.id, places.rect(stop.id)) : null;
    const left = lessonWidth > 0 ? lessonWidth + 24 : 0;
    const { view, follows } = presenterView(bounds, current, { x: left, y: 0, w: size.width - left, h: size.height });
    const what = follows ? `hop${hop}` : 'route';
    const key = `${size.width}x${size.height}:${left}:${what}:${bounds.x},${bounds.y},${bounds.w},${bounds.h}`;
    // A new trace (even of the same request) frames its route again, whatever the user panned to.
    if (applied.current === key && shown.current === trace) return;
    applied.current = key;
    shown.current = trace;
    void rf.setViewport(view, { duration: prefersReducedMotion() ? 0 : 300 });
  }, [presenter, trace, hop, laid, size.width, size.height, lessonWidth, rf, fitCluster]);
}
