import { describe, expect, it } from 'vitest';
import { detectLang, loadPreferences, savePreferences } from './preferences';

function memoryStorage() {
  const m: Record<string, string> = {};
  return { getItem: (k: string) => m[k] ?? null, setItem: (k: string, v: string) => void (m[k] = v) };
}

describe('preferences', () => {
  it.each([
    [['zh-CN', 'en'], 'zh'],
    [['zh-TW'], 'zh'],
    [['en-GB', 'zh'], 'en'],
    [['fr-FR', 'zh-CN'], 'zh'],
    [['fr-FR'], 'en'],
    [[], 'en'],
  ] as const)('detects %j as %s', (langs, want) => {
    expect(detectLang(langs)).toBe(want);
  });

  it('round-trips through storage and prefers it over the browser', () => {
    const st = memoryStorage();
    savePreferences(st, { lang: 'zh', theme: 'dark' });
    expect(loadPreferences(st, ['en-US'])).toEqual({ lang: 'zh', theme: 'dark' });
  });

  it('ignores garbage in storage', () => {
    const st = memoryStorage();
    st.setItem('netlab.preferences.v1', '{"lang":"klingon","theme":7}');
    expect(loadPreferences(st, ['zh-CN'])).toEqual({ lang: 'zh', theme: 'system' });
    st.setItem('netlab.preferences.v1', 'not json');
    expect(loadPreferences(st, ['en'])).toEqual({ lang: 'en', theme: 'system' });
  });
});
