// The page's own messages in both languages and how a message is filled in (what the first frame
// needs); the engines' texts are in ./explain.

import type { Lang } from '../../state';
import { en } from './en';
import { zh } from './zh';

export type MessageKey = keyof typeof en;
export type Params = Record<string, string | number>;
export const catalogs: Record<Lang, Record<MessageKey, string>> = { en, zh };
export const LANGS: readonly Lang[] = ['en', 'zh'];

export function fill(text: string, params: Params): string {
  return text.replace(/\{(\w+)\}/g, (_, k: string) => (k in params ? String(params[k]) : `{${k}}`));
}

export function translate(lang: Lang, key: MessageKey, params: Params = {}): string {
  return fill(catalogs[lang][key] ?? en[key] ?? key, params);
}
