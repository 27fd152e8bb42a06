import { describe, expect, it } from 'vitest';
import { labelBox, placeLabels, type LabelRequest } from './badges';
import type { Box } from './layout';

const overlap = (a: Box, b: Box) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;

function boxes(labels: readonly LabelRequest[], gap = 0): Box[] {
  return placeLabels(labels, gap).map((c, i) => labelBox(c!, labels[i]!.w, labels[i]!.h));
}

function expectApart(bs: readonly Box[]) {
  for (let i = 0; i < bs.length; i++) {
    for (let j = i + 1; j < bs.length; j++) expect(overlap(bs[i]!, bs[j]!), `labels ${i} and ${j}`).toBe(false);
  }
}

describe('placing the route\'s numbers', () => {
  it('takes the first candidate when nothing is there', () => {
    const spots = placeLabels([{ w: 40, h: 40, candidates: [{ x: 100, y: 100 }, { x: 0, y: 0 }], avoid: [] }], 3);
    expect(spots).toEqual([{ x: 100, y: 100 }]);
  });

  it('moves numbers that want the same place apart instead of piling them up', () => {
    // Five segment numbers and a pill all wanting one node's corner (a zoomed-out canvas).
    const same = { x: 500, y: 300 };
    const labels: LabelRequest[] = [
      { w: 270, h: 80, candidates: [same], avoid: [] },
      ...Array.from({ length: 5 }, () => ({ w: 110, h: 110, candidates: [same], avoid: [] })),
    ];
    const bs = boxes(labels, 7);
    expectApart(bs);
    // The first keeps its place; the others stay near it (a few label sizes), not across the canvas.
    expect(bs[0]).toEqual(labelBox(same, 270, 80));
    for (const b of bs) expect(Math.hypot(b.x + b.w / 2 - same.x, b.y + b.h / 2 - same.y)).toBeLessThan(600);
  });

  it('keeps the gap between two numbers', () => {
    const candidates = [{ x: 0, y: 0 }, { x: 42, y: 0 }, { x: 50, y: 0 }];
    const labels = [0, 1].map(() => ({ w: 40, h: 40, candidates, avoid: [] }));
    const [a, b] = boxes(labels, 8);
    expect(b!.x - (a!.x + a!.w)).toBeGreaterThanOrEqual(8);
  });

  it('prefers a later candidate clear of an object to an earlier one over it, and a free spot near it to both', () => {
    const service = { x: 92, y: 92, w: 16, h: 16 };
    const onService = { x: 100, y: 100 };
    const clearOfIt = { x: 100, y: 200 };
    const both = { w: 20, h: 20, candidates: [onService, clearOfIt], avoid: [service] };
    expect(placeLabels([both], 0)).toEqual([clearOfIt]);
    // No candidate clear of the object: a spot on the rings around the first one, clear of it.
    const [ring] = boxes([{ w: 20, h: 20, candidates: [onService], avoid: [service] }]);
    expect(overlap(ring!, service)).toBe(false);
  });

  it('covers an object rather than another number when it must', () => {
    // Everything near is an object to avoid: the number stays on its candidate, clear of the label before it.
    const wall = { x: -1000, y: -1000, w: 2000, h: 2000 };
    const bs = boxes([
      { w: 20, h: 20, candidates: [{ x: 0, y: 0 }], avoid: [wall] },
      { w: 20, h: 20, candidates: [{ x: 0, y: 0 }, { x: 30, y: 0 }], avoid: [wall] },
    ]);
    expect(bs[1]).toEqual(labelBox({ x: 30, y: 0 }, 20, 20));
    expectApart(bs);
  });

  it('keeps clear of labels drawn before it (a place outside the lab)', () => {
    const ghost = { x: -50, y: -10, w: 100, h: 20 };
    const [c] = placeLabels([{ w: 20, h: 20, candidates: [{ x: 0, y: 0 }], avoid: [] }], 2, [ghost]);
    expect(overlap(labelBox(c!, 20, 20), ghost)).toBe(false);
  });

  it('keeps whole in view: inside the area and off what is drawn over it (the minimap)', () => {
    const area = { x: 0, y: 0, w: 400, h: 300 };
    const minimap = { x: 240, y: 0, w: 160, h: 100 };
    const candidates = [{ x: 300, y: 50 }, { x: 390, y: 150 }];
    const [c] = placeLabels([{ w: 40, h: 40, candidates, avoid: [], area, holes: [minimap] }], 0);
    const b = labelBox(c!, 40, 40);
    expect(overlap(b, minimap)).toBe(false);
    expect(b.x >= 0 && b.y >= 0 && b.x + b.w <= 400 && b.y + b.h <= 300).toBe(true);
  });

  it('goes wholly out of view rather than be cut by the canvas\'s edge, when nothing in view is free', () => {
    // Text fills the part in view (a short canvas, the camera on a crowded node); the label's
    // segment runs out past the top edge. Just above the text is free but still on the canvas's
    // margin, half drawn: "18 · 19" cut in half reads as another number.
    const area = { x: 0, y: 0, w: 400, h: 300 };
    const canvas = { x: -4, y: -4, w: 408, h: 308 };
    const text = [area];
    const point = { x: 200, y: 0 };
    const [c] = placeLabels([{ w: 20, h: 20, candidates: [point], avoid: [], text, area, canvas, attach: () => point }], 0);
    const b = labelBox(c!, 20, 20);
    expect(overlap(b, canvas), `at ${c!.x},${c!.y}`).toBe(false);
    // Still near its point (just past the edge), not anywhere off the canvas.
    expect(Math.hypot(c!.x - point.x, c!.y - point.y)).toBeLessThan(40);
  });

  it('takes the free spot with the shortest leader, not the first free candidate further off', () => {
    // Text over the segment's point and to its right; the candidates run right along the segment.
    const point = { x: 0, y: 0 };
    const text = [{ x: -15, y: -15, w: 300, h: 30 }];
    const candidates = [point, { x: 200, y: 60 }];
    const [c] = placeLabels([{ w: 20, h: 20, candidates, avoid: [], text, attach: () => point }], 0);
    const b = labelBox(c!, 20, 20);
    expect(overlap(b, text[0]!)).toBe(false);
    // Just above or below the text, by the point: a leader of a few units, not the far candidate's 200.
    expect(Math.hypot(c!.x - point.x, c!.y - point.y)).toBeLessThan(40);
  });

  it('moves an earlier label off the spot a later one needed when that shortens the longer leader', () => {
    // A wall of text through the point, with one pocket above it; below, free for the first label
    // only (text for the second). In order, the first takes the pocket and the second goes round the
    // wall's end (a leader of about 290); the pocket is the second's, and the first goes below.
    const point = { x: 0, y: 0 };
    const wall = { x: -300, y: -15, w: 600, h: 30 };
    const above = [
      { x: -300, y: -60, w: 288, h: 45 },
      { x: 12, y: -60, w: 288, h: 45 },
    ];
    const below = { x: -300, y: 15, w: 600, h: 100 };
    const label = { w: 20, h: 20, candidates: [point], avoid: [], attach: () => point };
    const spots = placeLabels([
      { ...label, text: [wall, ...above] },
      { ...label, text: [wall, ...above, below] },
    ], 2);
    for (const c of spots) expect(Math.hypot(c!.x, c!.y)).toBeLessThan(40);
    expect(spots[1]!.y).toBeLessThan(0);
    expect(spots[0]!.y).toBeGreaterThan(0);
    expectApart(spots.map((c) => labelBox(c!, 20, 20)));
  });

  it('with a cap on its leader, gives no spot rather than a far one (the caller shares the label)', () => {
    // Text all around the segment's point: the nearest free spot's leader is 40 units or more.
    const text = [{ x: -50, y: -50, w: 100, h: 100 }];
    const label = { w: 20, h: 20, candidates: [{ x: 0, y: 0 }], avoid: [], text, attach: () => ({ x: 0, y: 0 }) };
    expect(placeLabels([{ ...label, cap: 20 }], 0)).toEqual([null]);
    const [far] = placeLabels([label], 0);
    expect(overlap(labelBox(far!, 20, 20), text[0]!)).toBe(false);
  });
});
