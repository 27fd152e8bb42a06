// Language and theme survive a reload (localStorage) and start from the browser's own
// preference the first time. Storage is injected so this runs in Node tests.

import type { Lang, ThemePref } from './store';

export interface Preferences {
  lang: Lang;
  theme: ThemePref;
}

const KEY = 'netlab.preferences.v1';

export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

export function detectLang(languages: readonly string[]): Lang {
  for (const l of languages) {
    const tag = l.toLowerCase();
    if (tag.startsWith('zh')) return 'zh';
    if (tag.startsWith('en')) return 'en';
  }
  return 'en';
}

export function loadPreferences(storage: KeyValueStorage | null, languages: readonly string[]): Preferences {
  const fallback: Preferences = { lang: detectLang(languages), theme: 'system' };
  let raw: string | null = null;
  try {
    raw = storage?.getItem(KEY) ?? null;
  } catch {
    return fallback;
  }
  if (!raw) return fallback;
  try {
    const v = JSON.parse(raw) as Partial<Record<keyof Preferences, unknown>>;
    return {
      lang: v.lang === 'en' || v.lang === 'zh' ? v.lang : fallback.lang,
      theme: v.theme === 'light' || v.theme === 'dark' || v.theme === 'system' ? v.theme : 'system',
    };
  } catch {
    return fallback;
  }
}

export function savePreferences(storage: KeyValueStorage | null, p: Preferences): void {
  try {
    storage?.setItem(KEY, JSON.stringify(p));
  } catch {
    // Private mode or a full quota: preferences simply do not persist.
  }
}
