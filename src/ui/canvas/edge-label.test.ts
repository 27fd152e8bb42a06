import { describe, expect, it } from 'vitest';
import { getBezierPath, Position } from '@xyflow/react';
import { cubicAt, labelSize, labelSpot } from './edge-label';

// An arrow from a load balancer (above) down to a node's NodePort chip (below), as React Flow draws it.
const [path, midX, midY] = getBezierPath({
  sourceX: 100, sourceY: 0, sourcePosition: Position.Bottom,
  targetX: 500, targetY: 400, targetPosition: Position.Top,
});

describe('a load balancer arrow\'s label', () => {
  it('reads React Flow\'s path: its ends, and its middle where React Flow puts a label', () => {
    const at = cubicAt(path)!;
    expect(at(0)).toEqual({ x: 100, y: 0 });
    expect(at(1)).toEqual({ x: 500, y: 400 });
    expect(at(0.5).x).toBeCloseTo(midX);
    expect(at(0.5).y).toBeCloseTo(midY);
    expect(cubicAt('M0,0 L10,10')).toBeNull();
  });

  it('sits at the middle when nothing is there, and moves along the arrow off a box in the way', () => {
    const text = 'healthCheckNodePort 32448: no local endpoints';
    expect(labelSpot(path, text, [])).toEqual({ x: midX, y: midY });
    // A Service's box over the middle of the arrow.
    const service = { x: midX - 60, y: midY - 40, w: 120, h: 80 };
    const spot = labelSpot(path, text, [service])!;
    const { w, h } = labelSize(text);
    const box = { x: spot.x - w / 2, y: spot.y - h / 2, w, h };
    const clear = box.x + box.w <= service.x || service.x + service.w <= box.x
      || box.y + box.h <= service.y || service.y + service.h <= box.y;
    expect(clear).toBe(true);
    // Still on the arrow: some t gives that point.
    const at = cubicAt(path)!;
    expect(Array.from({ length: 21 }, (_, i) => at(i / 20)).some((p) => Math.hypot(p.x - spot.x, p.y - spot.y) < 1e-6))
      .toBe(true);
    // Nowhere free: React Flow's middle.
    expect(labelSpot(path, text, [{ x: -1000, y: -1000, w: 3000, h: 3000 }])).toBeNull();
  });

  it('counts wide characters double', () => {
    expect(labelSize('没有本地端点').w).toBeGreaterThan(labelSize('abcdef').w);
  });
});
