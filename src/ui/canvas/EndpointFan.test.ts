import { describe, expect, it } from 'vitest';
import { fanPath } from './EndpointFan';

/** The start and end point of each subpath ("M x,y C a,b c,d x2,y2"). */
function ends(d: string): { from: [number, number]; to: [number, number] }[] {
  return d
    .split('M')
    .filter((s) => s.trim() !== '')
    .map((s) => {
      const nums = s.match(/-?\d+(\.\d+)?/g)!.map(Number);
      return { from: [nums[0]!, nums[1]!], to: [nums[nums.length - 2]!, nums[nums.length - 1]!] };
    });
}

describe('fanPath', () => {
  const service = { x: 100, y: 20, w: 240, h: 100 };

  it.each([
    { name: 'one pod below', pods: [{ x: 40, y: 300, w: 236, h: 58 }] },
    {
      name: 'pods left and right',
      pods: [
        { x: 0, y: 400, w: 236, h: 58 },
        { x: 600, y: 400, w: 236, h: 58 },
        { x: 600, y: 470, w: 236, h: 58 },
      ],
    },
  ])('draws one line per endpoint, Service bottom centre to pod top centre: $name', ({ pods }) => {
    const lines = ends(fanPath(service, pods));
    expect(lines).toHaveLength(pods.length);
    lines.forEach((l, i) => {
      expect(l.from).toEqual([220, 120]);
      expect(l.to).toEqual([pods[i]!.x + pods[i]!.w / 2, pods[i]!.y]);
    });
  });

  it('is empty without endpoints', () => {
    expect(fanPath(service, [])).toBe('');
  });
});
