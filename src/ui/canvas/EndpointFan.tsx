// A Service's lines to its endpoint pods, drawn as one SVG path per Service instead of one React
// Flow edge per endpoint. At 1000 pods that is 1000 edges, each its own <svg> and paint chunk: every
// packet frame Chromium re-layerized them all, and every repaint under them (a hop lighting a node)
// re-rastered 1000 dashed curves. The lines are the same: React Flow's default bezier from the
// Service's bottom handle to each pod's top handle. They are decoration (aria-hidden): a Service's
// endpoints are listed when it is inspected, and a thousand focusable lines were only noise.

import { getBezierPath, Position, ViewportPortal } from '@xyflow/react';
import { memo } from 'react';

export interface Fan {
  /** The Service's canvas id. */
  id: string;
  /** SVG path data: one bezier subpath per endpoint. */
  d: string;
}

interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** The path of a Service's lines: bottom centre of the Service to the top centre of each pod. */
export function fanPath(service: Rect, pods: readonly Rect[]): string {
  const sourceX = service.x + service.w / 2;
  const sourceY = service.y + service.h;
  return pods
    .map((p) => {
      const target = { targetX: p.x + p.w / 2, targetY: p.y, targetPosition: Position.Top };
      return getBezierPath({ sourceX, sourceY, sourcePosition: Position.Bottom, ...target })[0];
    })
    .join(' ');
}

export const EndpointFan = memo(function EndpointFan({ fans }: { fans: readonly Fan[] }) {
  if (fans.length === 0) return null;
  return (
    <ViewportPortal>
      <svg className="endpoint-fan" width="1" height="1" aria-hidden="true" data-testid="endpoint-fan">
        {fans.map((f) => (
          <path key={f.id} d={f.d} className="endpoint-fan-path" data-service={f.id} />
        ))}
      </svg>
    </ViewportPortal>
  );
});
