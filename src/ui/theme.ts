import { useSyncExternalStore } from 'react';
import { selectTheme, type LabState, type ThemePref } from '../state';
import { useLab } from './app-store';

const query = '(prefers-color-scheme: dark)';
function subscribe(cb: () => void) {
  const m = matchMedia(query);
  m.addEventListener('change', cb);
  return () => m.removeEventListener('change', cb);
}
const systemDark = () => matchMedia(query).matches;

const effective = (pref: ThemePref, dark: boolean): 'light' | 'dark' =>
  pref === 'system' ? (dark ? 'dark' : 'light') : pref;

/** The theme in effect: the user's choice, or the system's when they chose "system". */
export function useEffectiveTheme(): 'light' | 'dark' {
  const pref = useLab(selectTheme);
  const dark = useSyncExternalStore(subscribe, systemDark, () => false);
  return effective(pref, dark);
}

type DocumentSettings = { theme: 'light' | 'dark'; lang: 'zh-CN' | 'en'; presenter: 'on' | 'off' };

/** What <html> says: the theme in effect, the language, presenter mode (styles.css reads them). */
export function documentSettings(s: LabState): DocumentSettings {
  return {
    theme: effective(s.ui.theme, systemDark()),
    lang: s.ui.lang === 'zh' ? 'zh-CN' : 'en',
    presenter: s.ui.presenter ? 'on' : 'off',
  };
}

/**
 * Writes the settings to <html>, each only when it changes. main.tsx calls it before the first render:
 * written later, in an effect, a new theme or language would restyle every element of the first frame
 * again (the language through :lang() and inherited fonts), after React Flow has measured it.
 */
export function applyDocumentSettings(next: Partial<DocumentSettings>) {
  const html = document.documentElement;
  if (next.theme !== undefined && html.dataset.theme !== next.theme) html.dataset.theme = next.theme;
  if (next.lang !== undefined && html.lang !== next.lang) html.lang = next.lang;
  const presenter = next.presenter;
  if (presenter !== undefined && html.dataset.presenter !== presenter) html.dataset.presenter = presenter;
}
