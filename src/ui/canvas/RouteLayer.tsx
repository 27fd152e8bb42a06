// The whole route of the current trace over the topology: numbered, directed segments (one per hop
// that travels an edge) and numbered stops (hops that decide in place). Past hops stay drawn, the
// current one is emphasised, future ones are faint and dashed; hovering or focusing a segment names
// its hop. Hops of the reply (walked back from the server) are drawn dotted in their own colour with
// a "reply" caption on the current one (the legend, and whether the reply retraces the request, sit in the playback
// bar below the canvas, where they never cover the cluster). It re-renders when the trace, the hop or the zoom changes: O(hops) SVG elements, never
// the canvas's nodes. The moving packet stays in PacketLayer (per frame, outside React).

import { ViewportPortal, useStore, type ReactFlowState } from '@xyflow/react';
import { useMemo, useState } from 'react';
import { selectHopIndex, selectLang, selectTrace } from '../../state';
import { labStore, useLab } from '../app-store';
import { translateDynamic, useT } from '../i18n';
import { isReplyHop } from '../reply-hops';
import type { Layout } from './layout';
import { routeFor, stopPillSize, type Point, type RouteSegment } from './route';
import type { Topology } from './topology';

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

type State = 'past' | 'current' | 'future';
const stateOf = (hop: number, current: number): State => (hop < current ? 'past' : hop === current ? 'current' : 'future');

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
  const end = { x: s.b.x - ((s.b.x - s.a.x) / len) * head * 0.7, y: s.b.y - ((s.b.y - s.a.y) / len) * head * 0.7 };
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

export function RouteLayer({ topo, layout }: { topo: Topology; layout: Layout }) {
  const t = useT();
  const trace = useLab(selectTrace);
  const current = useLab(selectHopIndex);
  const lang = useLab(selectLang);
  const zoom = useStore(selectZoom);
  const [hovered, setHovered] = useState<number | null>(null);
  // Below zoom 1 everything is drawn 1/zoom larger in canvas units: the same size on screen. The
  // route's spacing follows in quarter steps, so zooming does not rebuild it at every wheel tick.
  const k = 1 / Math.min(zoom, 1);
  const scale = Math.round(k * 4) / 4;
  const route = useMemo(() => (trace ? routeFor(trace.hops, topo, layout, scale) : null), [trace, topo, layout, scale]);
  if (!trace || !route || (route.segments.length === 0 && route.stops.length === 0)) return null;
  const name = (hop: number) => {
    const h = trace.hops[hop];
    if (!h) return '';
    const text = `${hop + 1}. ${translateDynamic(lang, h.explanation.key, h.explanation.params)}`;
    return isReplyHop(h) ? t('canvas.route.replyHop', { text }) : text;
  };
  const tip = hovered !== null ? route.segments.find((s) => s.hop === hovered) : undefined;
  const stopState = (hops: number[]): State => (hops.includes(current) ? 'current' : hops[0]! < current ? 'past' : 'future');
  return (
    <>
      <ViewportPortal>
        <svg className="route-layer" width="1" height="1" data-testid="route-layer" data-unplaced={route.unplaced.join(',')} aria-label={t('canvas.route.aria', { count: route.segments.length })} role="group">
          {route.ghosts.map((g) => (
            <text key={`ghost-${g.id}`} className="route-ghost" data-testid="route-ghost" x={g.box.x} y={g.box.y + g.box.h / 2} dy="0.35em" fontSize={BADGE_FONT * k} strokeWidth={4 * k}>
              {g.id}
            </text>
          ))}
          {route.segments.map((s) => {
            const p = segmentPaths(s, k);
            const st = stateOf(s.hop, current);
            return (
              <g
                key={`seg-${s.hop}`}
                className={`route-seg is-${st}${s.reply ? ' is-reply' : ''}`}
                data-testid="route-seg"
                data-hop={s.hop + 1}
                data-state={st}
                data-direction={s.reply ? 'reply' : 'request'}
                tabIndex={0}
                role="button"
                aria-label={name(s.hop)}
                onPointerEnter={() => setHovered(s.hop)}
                onPointerLeave={() => setHovered((h) => (h === s.hop ? null : h))}
                onFocus={() => setHovered(s.hop)}
                onBlur={() => setHovered((h) => (h === s.hop ? null : h))}
                onClick={() => labStore.getState().seek(s.hop)}
              >
                <path className="route-halo" d={p.halo} strokeWidth={HALO * k * (st === 'current' ? 1.5 : 1)} />
                <path className="route-line" d={p.line} strokeWidth={LINE * k * (st === 'current' ? 1.5 : 1)} strokeDasharray={dashes(s, st, k)} />
                <path className="route-head" d={p.head} />
              </g>
            );
          })}
          {/* Stops over the segments' lines (a line into a pod must not strike through its numbers);
              route.ts keeps every number clear of every other. */}
          {route.stops.map((stop) => {
            const st = stopState(stop.hops);
            const size = stopPillSize(stop.hops);
            const w = size.w * k;
            const h = size.h * k;
            return (
              <g key={`stop-${stop.id}`} className={`route-stop is-${st}`} data-testid="route-stop" data-place={stop.id} data-hops={stop.hops.map((x) => x + 1).join(',')} transform={`translate(${stop.centre.x - w / 2},${stop.centre.y - h / 2})`}>
                <title>{stop.hops.map(name).join('\n')}</title>
                {stop.leader && <path className="route-leader" d={`M${w / 2},${h / 2} L${stop.leader.x - stop.centre.x + w / 2},${stop.leader.y - stop.centre.y + h / 2}`} strokeWidth={2 * k} />}
                <rect width={w} height={h} rx={h / 2} strokeWidth={3 * k} />
                <text x={w / 2} y={h / 2} fontSize={BADGE_FONT * k} dy="0.35em" textAnchor="middle">
                  {stop.hops.map((x, i) => (
                    <tspan key={x} className={[x === current && 'is-current', trace.hops[x] && isReplyHop(trace.hops[x]) && 'is-reply'].filter(Boolean).join(' ') || undefined}>
                      {i > 0 ? ' · ' : ''}
                      {x + 1}
                    </tspan>
                  ))}
                </text>
              </g>
            );
          })}
          {/* The segments' numbers over every line and pill (a later hop's line must not strike
              through an earlier number); route.ts keeps each number clear of every other. */}
          {route.segments.map((s) => {
            const st = stateOf(s.hop, current);
            return (
              <g
                key={`num-${s.hop}`}
                className={`route-num is-${st}${s.reply ? ' is-reply' : ''}`}
                data-testid="route-num"
                data-hop={s.hop + 1}
                aria-hidden="true"
                onPointerEnter={() => setHovered(s.hop)}
                onPointerLeave={() => setHovered((h) => (h === s.hop ? null : h))}
                onClick={() => labStore.getState().seek(s.hop)}
              >
                {/* A number moved off its crowded segment keeps a thin line back to it. */}
                {s.leader && <path className="route-leader" d={`M${s.leader.x},${s.leader.y} L${s.badge.x},${s.badge.y}`} strokeWidth={2 * k} />}
                <g className="route-badge" transform={`translate(${s.badge.x},${s.badge.y})`}>
                  <circle r={BADGE_R * k * (st === 'current' ? 1.25 : 1)} strokeWidth={3 * k} />
                  <text fontSize={BADGE_FONT * k * (st === 'current' ? 1.2 : 1)} dy="0.35em" textAnchor="middle">
                    {s.hop + 1}
                  </text>
                  {/* Above the badge: below it a pod's box would cover it. Only the current hop's, so
                      crowded numbers inside a node frame stay readable. */}
                  {s.reply && st === 'current' && (
                    <text className="route-reply-label" data-testid="route-reply-label" y={-(BADGE_R * 1.25 + 14) * k} fontSize={15 * k} dy="0.35em" textAnchor="middle" strokeWidth={5 * k}>
                      {t('canvas.route.reply')}
                    </text>
                  )}
                </g>
              </g>
            );
          })}
        </svg>
        {tip && (
          <div className="route-tip" data-testid="route-tip" role="tooltip" style={{ transform: `translate(${tip.badge.x}px, ${tip.badge.y}px) scale(${k}) translate(-50%, calc(-100% - ${BADGE_R * 1.6}px))` }}>
            {name(tip.hop)}
          </div>
        )}
      </ViewportPortal>
    </>
  );
}
