import { describe, expect, it } from 'vitest';
import { parseRoute } from './routes';

describe('the URL fragment', () => {
  it.each([
    ['#lesson=ipvs-rr', { kind: 'lesson', id: 'ipvs-rr', step: 0 }],
    ['#lesson=ipvs-rr&lesson-step=3', { kind: 'lesson', id: 'ipvs-rr', step: 2 }],
    ['#lesson=ipvs-rr&lesson-step=3&step=5', { kind: 'lesson', id: 'ipvs-rr', step: 2 }],
    ['#/lesson/ipvs-rr?lesson-step=2', { kind: 'lesson', id: 'ipvs-rr', step: 1 }],
    ['#lesson=ipvs-rr&lesson-step=0', { kind: 'lesson', id: 'ipvs-rr', step: 0, badStep: '0' }],
    ['#lesson=ipvs-rr&lesson-step=x', { kind: 'lesson', id: 'ipvs-rr', step: 0, badStep: 'x' }],
    ['#lesson=ipvs-rr&lesson-step=99999', { kind: 'lesson', id: 'ipvs-rr', step: 0, badStep: '99999' }],
    ['#lesson=<script>', { kind: 'unusable', fragment: 'lesson=<script>' }],
    ['#lesson=', { kind: 'unusable', fragment: 'lesson=' }],
    ['#lesson=bad%20id', { kind: 'unusable', fragment: 'lesson=bad%20id' }],
    ['#foo=bar', { kind: 'unusable', fragment: 'foo=bar' }],
    ['#%E0%A4%A', { kind: 'unusable', fragment: '%E0%A4%A' }],
    ['#step=3', { kind: 'none' }],
    ['#', { kind: 'none' }],
    ['#s=1.abc&step=2', { kind: 'share', fragment: 's=1.abc' }],
    ['#gallery', { kind: 'gallery' }],
    ['', { kind: 'none' }],
  ])('%s', (hash, route) => expect(parseRoute(hash)).toEqual(route));
});
