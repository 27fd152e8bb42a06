// The page's own messages and how a message is filled in (what the first frame needs); the
// engines' texts are in ./explain. English is in the entry script. Chinese (~29 kB) is downloaded
// only by a page that speaks it: main.tsx loads it before the first render when the saved or
// browser language is Chinese, and the language select loads it before switching. Until it has
// arrived (a language set some other way), messages are English (../app-store.ts asks for it).

import { createStore } from 'zustand/vanilla';
import type { Lang } from '../../state';
import { en } from './en';

export type MessageKey = keyof typeof en;
export type Params = Record<string, string | number>;
type Catalog = Record<MessageKey, string>;
export const LANGS: readonly Lang[] = ['en', 'zh'];

// The page's catalogs as they arrive: like the module cache that holds them, one per page.
const loaded: Partial<Record<Lang, Catalog>> = { en };
const loading: Partial<Record<Lang, Promise<void>>> = {};
const download: Record<Exclude<Lang, 'en'>, () => Promise<Catalog>> = { zh: () => import('./zh').then((m) => m.zh) };

/** The language whose messages last failed to download, until a download succeeds: the page says so (with Retry). */
export const catalogFailure = createStore<{ lang: Lang | null }>()(() => ({ lang: null }));

export function catalogLoaded(lang: Lang): boolean {
  return loaded[lang] !== undefined;
}

/** Downloads `lang`'s catalog once (a failed download is tried again by the next call). */
export function loadCatalog(lang: Lang): Promise<void> {
  if (lang === 'en' || loaded[lang]) return Promise.resolve();
  return (loading[lang] ??= download[lang]().then(
    (catalog) => {
      loaded[lang] = catalog;
      if (catalogFailure.getState().lang === lang) catalogFailure.setState({ lang: null });
    },
    (e: unknown) => {
      delete loading[lang];
      console.warn(`the ${lang} messages could not be downloaded`, e);
      catalogFailure.setState({ lang });
      throw e;
    },
  ));
}

export function fill(text: string, params: Params): string {
  return text.replace(/\{(\w+)\}/g, (_, k: string) => (k in params ? String(params[k]) : `{${k}}`));
}

/**
 * A message in `lang`. A key with a `.one` form in the catalog takes it when `count` is 1 ("1 line",
 * not "1 lines"); Chinese writes both the same.
 */
export function translate(lang: Lang, key: MessageKey, params: Params = {}): string {
  const catalog = loaded[lang] ?? en;
  const one = params['count'] === 1 ? (catalog as Record<string, string | undefined>)[`${key}.one`] : undefined;
  return fill(one ?? loaded[lang]?.[key] ?? en[key] ?? key, params);
}
