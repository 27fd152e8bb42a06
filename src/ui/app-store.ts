// The app's one store (engines are installed once loaded, see ./engines and main.tsx), with the user's
// saved language and theme. Language and theme are written back to localStorage on change.

import { useStore } from 'zustand';
import { createLabStore, loadPreferences, savePreferences, type LabState } from '../state';
import { catalogFailure, catalogLoaded, loadCatalog } from './i18n/catalogs';

const storage = typeof localStorage !== 'undefined' ? localStorage : null;
const languages = typeof navigator !== 'undefined' ? (navigator.languages ?? [navigator.language]) : [];
const prefs = loadPreferences(storage, languages);

export const labStore = createLabStore({ ui: prefs, enginesPending: true });

labStore.subscribe((s, prev) => {
  if (s.ui.lang !== prev.ui.lang || s.ui.theme !== prev.ui.theme) savePreferences(storage, { lang: s.ui.lang, theme: s.ui.theme });
  // A language set before its messages were downloaded (the language select loads them first):
  // the page speaks English until they arrive, then a store update lets useT see them.
  // A download that has just failed (the select keeps the choice) is tried again by the page's
  // Retry (pwa-status.tsx), not a second time here.
  const lang = s.ui.lang;
  if (lang !== prev.ui.lang && !catalogLoaded(lang) && catalogFailure.getState().lang !== lang) void showLanguage(lang);
});

/**
 * Downloads `lang`'s messages, then updates the store so that useT sees them. A failure is not
 * thrown: the page reports it, with Retry (pwa-status.tsx).
 */
export function showLanguage(lang: LabState['ui']['lang']): Promise<void> {
  return loadCatalog(lang).then(() => labStore.setState({}), () => {});
}

export function useLab<T>(selector: (s: LabState) => T): T {
  return useStore(labStore, selector);
}
