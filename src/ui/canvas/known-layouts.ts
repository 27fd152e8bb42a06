// Layouts the page need not ask ELK for. ELK is deterministic: the same graph (layoutInput's key)
// always gets the same placement, so an answer, once known, stands for it. Two sources:
//   - the build: the default scenario's first frame (first-frame.build.ts, computed by the same
//     loader, control plane, topology and ELK the page runs, at build time), so the page draws the
//     default scenario's real objects before its engines and ELK have loaded;
//   - the page itself: every layout ELK returned (undo, or a scenario opened again, redraws at once).

import type { ElkNode } from 'elkjs/lib/elk-api';
import { layoutFrom, layoutInput, type Layout } from './layout';
import type { Topology } from './topology';

/** ELK's placement of the top-level boxes (what layoutFrom reads of its answer). */
export interface Placement {
  children: { id: string; x: number; y: number; width: number; height: number }[];
}

/** The default scenario's first frame as the build computed it (virtual:netlab-first-frame). */
export interface FirstFrame {
  /** The scenario file it was computed from. */
  file: string;
  topology: Topology;
  key: string;
  placement: Placement;
}

export function placementOf(out: ElkNode): Placement {
  const children = (out.children ?? []).map((c) => ({
    id: c.id,
    x: c.x ?? 0,
    y: c.y ?? 0,
    width: c.width ?? 0,
    height: c.height ?? 0,
  }));
  return { children };
}

/** A handful is plenty: the current scenario, its undo steps, the last few opened. */
const MAX_KNOWN = 32;
const known = new Map<string, Placement>();

export function rememberLayout(key: string, placement: Placement) {
  known.delete(key);
  known.set(key, placement);
  if (known.size > MAX_KNOWN) known.delete(known.keys().next().value!);
}

/** The layout of `topo` if ELK's answer for its graph is known, else null (ask ELK). */
export function knownLayout(topo: Topology): Layout | null {
  const input = layoutInput(topo);
  const placement = known.get(input.key);
  return placement ? layoutFrom(input, placement, topo) : null;
}

let first: { topo: Topology; layout: Layout } | null = null;

/**
 * Called once at start-up when the page will open the default scenario (no share link or lesson in
 * the URL): the canvas draws this frame while the engines load, marked as loading.
 */
export function setFirstFrame(frame: FirstFrame) {
  rememberLayout(frame.key, frame.placement);
  first = { topo: frame.topology, layout: layoutFrom(layoutInput(frame.topology), frame.placement, frame.topology) };
}

export const firstFrame = () => first;
