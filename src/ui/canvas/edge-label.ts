// Where a load balancer arrow's label goes: on the arrow, at the point nearest its middle where the
// label covers no box (a client, a load balancer, a Service, a node frame). At the middle, an
// arrow from the load balancer down to a node's NodePort often crosses a Service's box, and its
// label then hid the Service's address.

import type { Box } from './layout';

type Point = { x: number; y: number };

/** The point at `t` of the cubic Bézier a path "M x0,y0 C x1,y1 x2,y2 x3,y3" draws; null for another path. */
export function cubicAt(path: string): ((t: number) => Point) | null {
  const n = path.match(/-?\d+(?:\.\d+)?(?:e-?\d+)?/gi)?.map(Number);
  if (!/^M[^C]*C/.test(path) || !n || n.length !== 8) return null;
  const [x0, y0, x1, y1, x2, y2, x3, y3] = n as [number, number, number, number, number, number, number, number];
  return (t) => {
    const u = 1 - t;
    const a = u * u * u;
    const b = 3 * u * u * t;
    const c = 3 * u * t * t;
    const d = t * t * t;
    return { x: a * x0 + b * x1 + c * x2 + d * x3, y: a * y0 + b * y1 + c * y2 + d * y3 };
  };
}

/** The label's size at 11 px (styles.css), its background padding included: wide characters count double. */
export function labelSize(text: string): { w: number; h: number } {
  let w = 0;
  for (const ch of text) w += (ch.codePointAt(0) ?? 0) >= 0x2e80 ? 11 : 6.2;
  return { w: w + 8, h: 18 };
}

const overlaps = (a: Box, b: Box) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;

/** Along the arrow from its middle outwards, the first centre where the label covers no obstacle. */
export function labelSpot(path: string, text: string, obstacles: readonly Box[]): Point | null {
  const at = cubicAt(path);
  if (!at) return null;
  const { w, h } = labelSize(text);
  for (let step = 0; step <= 8; step++) {
    for (const t of step === 0 ? [0.5] : [0.5 - step * 0.05, 0.5 + step * 0.05]) {
      const p = at(t);
      const box = { x: p.x - w / 2, y: p.y - h / 2, w, h };
      if (!obstacles.some((o) => overlaps(box, o))) return p;
    }
  }
  return null;
}
