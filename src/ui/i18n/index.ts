import { useCallback } from 'react';
import type { Lang } from '../../state';
import { selectLang } from '../../state';
import { useLab } from '../app-store';
import { renderExplanation, traceMessagesEn, traceMessagesZh, type TraceMessageKey } from '../../sim/trace/messages';
import type { Note } from '../../sim/notes';
import { en } from './en';
import { zh } from './zh';

export type { Lang };
export type MessageKey = keyof typeof en;
export type Params = Record<string, string | number>;
export const catalogs: Record<Lang, Record<MessageKey, string>> = { en, zh };
export const LANGS: readonly Lang[] = ['en', 'zh'];

function fill(text: string, params: Params): string {
  return text.replace(/\{(\w+)\}/g, (_, k: string) => (k in params ? String(params[k]) : `{${k}}`));
}

export function translate(lang: Lang, key: MessageKey, params: Params = {}): string {
  return fill(catalogs[lang][key] ?? en[key] ?? key, params);
}

const traceCatalogs: Record<Lang, Record<TraceMessageKey, string>> = { en: traceMessagesEn, zh: traceMessagesZh };

/**
 * Keys that come from the engines: hop explanations live with the tracer (src/sim/trace/messages.ts,
 * shared with the CLI). A key no catalog knows shows as itself with its parameters.
 */
export function translateDynamic(lang: Lang, key: string, params: Params = {}): string {
  if (key in traceMessagesEn) return fill(traceCatalogs[lang][key as TraceMessageKey] ?? traceMessagesEn[key as TraceMessageKey], params);
  if (key in en) return translate(lang, key as MessageKey, params);
  const p = Object.entries(params).map(([k, v]) => `${k}=${v}`).join(', ');
  return p ? `${key} (${p})` : key;
}

/** A hop's explanation in the reader's language, its note parts (nginx's steps, ...) included. */
export function explain(lang: Lang, e: { key: string; params: Params; parts?: Record<string, readonly Note[]> }): string {
  if (!e.parts || !(e.key in traceMessagesEn)) return translateDynamic(lang, e.key, e.params);
  return renderExplanation(lang, e);
}

export type T = (key: MessageKey, params?: Params) => string;

export function useT(): T {
  const lang = useLab(selectLang);
  return useCallback((key: MessageKey, params?: Params) => translate(lang, key, params), [lang]);
}
