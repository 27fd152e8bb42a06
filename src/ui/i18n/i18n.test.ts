import { describe, expect, it } from 'vitest';
import { en } from './en';
import { zh } from './zh';

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('catalogs', () => {
  it('zh has every en key and no extra', () => {
    expect(Object.keys(zh).sort()).toEqual(Object.keys(en).sort());
  });

  it.each(Object.keys(en))('%s: zh uses the same placeholders and is not empty', (key) => {
    const k = key as keyof typeof en;
    expect(zh[k].trim()).not.toBe('');
    expect(placeholders(zh[k])).toEqual(placeholders(en[k]));
  });
});
