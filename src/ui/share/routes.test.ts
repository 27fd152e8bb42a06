import { describe, expect, it } from 'vitest';
import { parseRoute } from './routes';

describe('the URL fragment', () => {
  it.each([
    ['#lesson=ipvs-rr', { kind: 'lesson', id: 'ipvs-rr', step: 0 }],
    ['#lesson=ipvs-rr&lesson-step=3', { kind: 'lesson', id: 'ipvs-rr', step: 2 }],
    ['#lesson=ipvs-rr&lesson-step=3&step=5', { kind: 'lesson', id: 'ipvs-rr', step: 2 }],
    ['#/lesson/ipvs-rr?lesson-step=2', { kind: 'lesson', id: 'ipvs-rr', step: 1 }],
    ['#lesson=ipvs-rr&lesson-step=0', { kind: 'lesson', id: 'ipvs-rr', step: 0 }],
    ['#lesson=ipvs-rr&lesson-step=x', { kind: 'lesson', id: 'ipvs-rr', step: 0 }],
    ['#lesson=ipvs-rr&lesson-step=99999', { kind: 'lesson', id: 'ipvs-rr', step: 0 }],
    ['#lesson=<script>', { kind: 'none' }],
    ['#s=1.abc&step=2', { kind: 'share', fragment: 's=1.abc' }],
    ['#gallery', { kind: 'gallery' }],
    ['', { kind: 'none' }],
  ])('%s', (hash, route) => expect(parseRoute(hash)).toEqual(route));
});
