import { describe, expect, it } from 'vitest';
import { copyOf } from './copy';

describe('copyOf', () => {
  it('copies own fields in order, as a spread does, and later fields go last', () => {
    const o = { b: 1, a: { x: 1 }, c: undefined };
    const c = copyOf(o) as Record<string, unknown>;
    c['d'] = 4;
    expect(Object.keys(c)).toEqual(['b', 'a', 'c', 'd']);
    expect(c['a']).toBe(o.a);
    expect(o).toEqual({ b: 1, a: { x: 1 }, c: undefined });
  });

  it('keeps an own "__proto__" key from JSON as a field, as a spread does (assign would make it the prototype)', () => {
    const o = JSON.parse('{"name":"web","__proto__":{"polluted":true}}') as object;
    const c = copyOf(o);
    expect(Object.keys(c)).toEqual(['name', '__proto__']);
    expect(Object.getPrototypeOf(c)).toBe(Object.prototype);
    expect(JSON.stringify(c)).toBe(JSON.stringify({ ...o }));
  });

  it('an absent object copies to an empty one', () => {
    expect(copyOf<{ a?: number }>(undefined)).toEqual({});
  });
});
