import { describe, expect, it } from 'vitest';
import { en } from './en';
import { zh } from './zh';
import { translate } from './catalogs';

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

describe('a count of one', () => {
  it('takes the .one form where the language has one, the plural otherwise', () => {
    expect(translate('en', 'artifacts.lines', { count: 1 })).toBe('1 line');
    expect(translate('en', 'artifacts.lines', { count: 2 })).toBe('2 lines');
    expect(translate('en', 'walk.inspector', { count: 1 })).toBe('The walk: 1 step');
    expect(translate('en', 'walk.summary', { here: 1, matched: 1, count: 1 })).toBe('1 line evaluated here, 1 matched');
  });
});
