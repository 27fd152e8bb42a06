// The moving packet. Its position is a view of playback state (current hop + progress), but the
// per-frame progress lives in a ref and is written straight to the SVG transform: going through
// React or the store every frame would make React Flow reconcile every node (TOOLCHAIN.md).
// Reduced motion: the dot jumps to the hop's destination and playback advances on a timer.

import { useReactFlow, ViewportPortal, type Node, type ReactFlowInstance } from '@xyflow/react';
import { useEffect, useRef } from 'react';
import { selectCurrentHop, selectPlaying, selectSpeed } from '../../state';
import { labStore, useLab } from '../app-store';
import './route.css';

/** Milliseconds one hop takes at speed 1, and the pause on arrival before the next hop. */
export const HOP_MS = 1100;
export const DWELL_MS = 450;
const FRAME_ENTRY_Y = 30;

function prefersReducedMotion(): boolean {
  return typeof matchMedia !== 'undefined' && matchMedia('(prefers-reduced-motion: reduce)').matches;
}

/** The canvas node a hop id points at: itself, or for `dns:<ip>` the Service with that cluster IP. */
function canvasNodeFor(hopId: string, nodes: readonly Node[]): string | null {
  if (!hopId.startsWith('dns:')) return hopId;
  const ip = hopId.slice(4);
  const clusterIP = (n: Node) => (n.data as { service?: { clusterIP: string | null } }).service?.clusterIP;
  const svc = nodes.find((n) => n.type === 'service' && clusterIP(n) === ip);
  return svc?.id ?? null;
}

type Point = { x: number; y: number };

/** Where the packet enters a canvas node: its centre; a node frame at its header (its interface). */
function centreOf(rf: ReactFlowInstance, hopId: string): Point | null {
  const id = canvasNodeFor(hopId, rf.getNodes());
  const n = id ? rf.getInternalNode(id) : undefined;
  if (!n) return null;
  const { x, y } = n.internals.positionAbsolute;
  const w = n.measured.width ?? n.width ?? 0;
  const h = n.measured.height ?? n.height ?? 0;
  return { x: x + w / 2, y: id!.startsWith('node:') ? y + Math.min(h / 2, FRAME_ENTRY_Y) : y + h / 2 };
}

/** The hop's trail from where it starts to where it goes (hidden for a hop in place). */
function drawTrail(line: SVGLineElement, from: Point | null, to: Point) {
  const start = from ?? to;
  line.setAttribute('x1', String(start.x));
  line.setAttribute('y1', String(start.y));
  line.setAttribute('x2', String(to.x));
  line.setAttribute('y2', String(to.y));
  line.style.visibility = from ? 'visible' : 'hidden';
}

/** The next hop once this one has played (if playback still plays). */
const advance = () => {
  const s = labStore.getState();
  if (s.playback.playing) s.step(1);
};

/** Advances after `ms`; returns the cleanup. */
function advanceAfter(ms: number): () => void {
  const timer = setTimeout(advance, ms);
  return () => clearTimeout(timer);
}

/**
 * Moves the dot from `start` to `to` over the hop's duration, then dwells and advances; paused or
 * with reduced motion it sits at the destination. Returns the cleanup.
 */
function animate(g: SVGSVGElement, start: Point, to: Point, playing: boolean, speed: number): (() => void) | undefined {
  // A CSS transform on its own composited layer (will-change): Chromium moves the layer without
  // repainting or re-layerizing the canvas under it, which with 1000 pods is most of a frame.
  const place = (k: number) =>
    void (g.style.transform = `translate(${start.x + (to.x - start.x) * k}px, ${start.y + (to.y - start.y) * k}px)`);
  const duration = HOP_MS / speed;
  if (!playing || prefersReducedMotion()) {
    place(1);
    return playing ? advanceAfter(duration + DWELL_MS / speed) : undefined;
  }
  let raf = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const t0 = performance.now();
  const frame = (now: number) => {
    const k = Math.min(1, (now - t0) / duration);
    // Ease in and out, so the eye can follow the dot into and out of each object.
    place(k < 0.5 ? 2 * k * k : 1 - (-2 * k + 2) ** 2 / 2);
    if (k < 1) raf = requestAnimationFrame(frame);
    else timer = setTimeout(advance, DWELL_MS / speed);
  };
  place(0);
  raf = requestAnimationFrame(frame);
  return () => {
    cancelAnimationFrame(raf);
    if (timer) clearTimeout(timer);
  };
}

export function PacketLayer() {
  const hop = useLab(selectCurrentHop);
  const playing = useLab(selectPlaying);
  const speed = useLab(selectSpeed);
  const rf = useReactFlow();
  const dot = useRef<SVGSVGElement>(null);
  const path = useRef<SVGLineElement>(null);

  useEffect(() => {
    const g = dot.current;
    const line = path.current;
    if (!g || !line) return;
    const from = hop?.edge ? centreOf(rf, hop.edge.from) : null;
    const to = hop?.edge ? centreOf(rf, hop.edge.to) : hop ? centreOf(rf, hop.place.id) : null;
    if (!hop || !to) {
      g.style.visibility = 'hidden';
      line.style.visibility = 'hidden';
      // A hop with no box to move to (a DNS server outside the lab) plays for as long as any other.
      return hop && playing ? advanceAfter((HOP_MS + DWELL_MS) / speed) : undefined;
    }
    g.style.visibility = 'visible';
    drawTrail(line, from, to);
    return animate(g, from ?? to, to, playing, speed);
  }, [hop, playing, speed, rf]);

  return (
    <ViewportPortal>
      <svg className="packet-layer" width="1" height="1" aria-hidden="true">
        <line ref={path} className="packet-path" />
      </svg>
      <svg
        ref={dot}
        className="packet-dot"
        width="26"
        height="26"
        viewBox="-13 -13 26 26"
        aria-hidden="true"
        data-testid="packet-dot"
      >
        <circle r="13" className="packet-halo" />
        <circle r="7" />
      </svg>
    </ViewportPortal>
  );
}
