import { useCallback } from 'react';
import type { Lang } from '../../state';
import { selectLang } from '../../state';
import { useLab } from '../app-store';
import { translate, type MessageKey, type Params } from './catalogs';

export type { Lang };
export { catalogs, LANGS, translate, type MessageKey, type Params } from './catalogs';
// The engines' texts (hop explanations, ./explain) are imported from there by what shows a trace:
// re-exported here, they would count as the first frame's code (vite.config.ts, startChunks).

export type T = (key: MessageKey, params?: Params) => string;

export function useT(): T {
  const lang = useLab(selectLang);
  return useCallback((key: MessageKey, params?: Params) => translate(lang, key, params), [lang]);
}
