import { useCallback } from 'react';
import type { LabState, Lang } from '../../state';
import { useLab } from '../app-store';
import { catalogLoaded, translate, type MessageKey, type Params } from './catalogs';
import { joinList } from '../../sim/util/list';

export type { Lang };
export { catalogLoaded, LANGS, loadCatalog, translate, type MessageKey, type Params } from './catalogs';
// The engines' texts (hop explanations, ./explain) are imported from there by what shows a trace:
// re-exported here, they would count as the first frame's code (vite.config.ts, startChunks).

export type T = (key: MessageKey, params?: Params) => string;

/** The store's language once its messages have arrived (../app-store.ts asks for them), English until then. */
const selectShownLang = (s: LabState): Lang => (catalogLoaded(s.ui.lang) ? s.ui.lang : 'en');

export function useT(): T {
  const lang = useLab(selectShownLang);
  return useCallback((key: MessageKey, params?: Params) => translate(lang, key, params), [lang]);
}

/** The language the page shows (English until the chosen one's messages have arrived). */
export function useShownLang(): Lang {
  return useLab(selectShownLang);
}

/** A list of names as the shown language writes one inside a sentence ("a, b" / "a、b"). */
export function useList(): (items: readonly string[]) => string {
  const lang = useLab(selectShownLang);
  return useCallback((items: readonly string[]) => joinList(lang, items), [lang]);
}
