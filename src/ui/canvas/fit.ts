// Where the canvas's camera goes when a scenario opens: the whole cluster fitted, or, when a lesson
// opens with its card over the canvas's top left, fitted beside or below the card.

import { useReactFlow, useStore, type ReactFlowState } from '@xyflow/react';
import { useCallback, useEffect, useMemo, useRef } from 'react';
import type { LabState } from '../../state';
import { useLab } from '../app-store';
import { useSession } from '../share/session';
import type { Layout } from './layout';
import type { Topology } from './topology';

export const FIT = { padding: 0.08, maxZoom: 1.25 };

const selectSources = (s: LabState) => s.scenario.sources;
const selectHasLesson = (s: LabState) => (s.scenario.current?.lesson.length ?? 0) > 0;
const selectWidth = (s: ReactFlowState) => s.width;
const selectHeight = (s: ReactFlowState) => s.height;

/** The size of everything the layout placed (top-level boxes are absolute; pods sit inside them). */
function boundsOf(layout: Layout): { width: number; height: number } {
  const boxes = Object.values(layout.boxes);
  if (boxes.length === 0) return { width: 0, height: 0 };
  const x0 = Math.min(...boxes.map((b) => b.x));
  const y0 = Math.min(...boxes.map((b) => b.y));
  const x1 = Math.max(...boxes.map((b) => b.x + b.w));
  const y1 = Math.max(...boxes.map((b) => b.y + b.h));
  return { width: x1 - x0, height: y1 - y0 };
}

/**
 * A lesson opens with its card over the canvas's top left (share/extras.css): fit the cluster
 * beside it or below it, whichever leaves it larger (a wide cluster goes below, a tall one beside).
 */
function besideLesson(bounds: { width: number; height: number }, view: { width: number; height: number }) {
  if (bounds.width <= 0 || bounds.height <= 0 || view.width <= 0 || view.height <= 0) return FIT;
  // The card may not be drawn yet (it loads lazily): its usual size then.
  const card = document.querySelector<HTMLElement>('[data-testid="lesson"]');
  const side = (card?.offsetWidth ?? Math.min(420, view.width * 0.46)) + 24;
  // Below the card, the cluster also keeps clear of the zoom buttons at the bottom left.
  const top = (card?.offsetHeight ?? 270) + 24;
  const zoomBeside = Math.min((view.width - side) / bounds.width, view.height / bounds.height);
  const zoomBelow = Math.min(view.width / bounds.width, (view.height - top) / bounds.height);
  const padding =
    zoomBeside >= zoomBelow
      ? { top: 0.06, right: 0.04, bottom: 0.06, left: `${side}px` as const }
      : { top: `${top}px` as const, right: 0.04, bottom: 0.06, left: '56px' as const };
  return { ...FIT, padding };
}

/**
 * The fit options for what is on the canvas, and the fit itself when a different scenario is opened
 * (never on edits: edits keep the picture still). Also the view's size and the lesson card's width,
 * which presenter mode's camera frames the route beside.
 */
export function useFitting(laid: { topo: Topology; layout: Layout } | null, topo: Topology | null) {
  const rf = useReactFlow();
  const sources = useLab(selectSources);
  const hasLesson = useLab(selectHasLesson);
  const lessonCard = useSession((st) => st.lessonOpen) && hasLesson;
  const fitted = useRef(sources);
  const width = useStore(selectWidth);
  const height = useStore(selectHeight);
  const fit = useMemo(
    () => (lessonCard && laid ? besideLesson(boundsOf(laid.layout), { width, height }) : FIT),
    [lessonCard, laid, width, height],
  );
  useEffect(() => {
    // Wait for the new scenario's own layout, not the previous one still on screen.
    if (!laid || laid.topo !== topo || fitted.current === sources) return;
    // Marked fitted only once the fit ran: StrictMode's unmount cancels the frame, and the remount
    // must then fit again rather than find the scenario already marked.
    const id = requestAnimationFrame(() => {
      fitted.current = sources;
      void rf.fitView(fit);
    });
    return () => cancelAnimationFrame(id);
  }, [laid, topo, sources, rf, fit]);
  const fitCluster = useCallback(() => void rf.fitView(fit), [rf, fit]);
  const card = lessonCard ? document.querySelector<HTMLElement>('[data-testid="lesson"]') : null;
  const lessonWidth = lessonCard ? (card?.offsetWidth ?? Math.min(420, width * 0.46)) : 0;
  return { fit, fitCluster, width, height, lessonWidth };
}
