import { en } from './en';
import { zh } from './zh';

export type Lang = 'en' | 'zh';
export type MessageKey = keyof typeof en;
const catalogs: Record<Lang, Record<MessageKey, string>> = { en, zh };

export function detectLang(): Lang {
  return typeof navigator !== 'undefined' && navigator.language?.toLowerCase().startsWith('zh') ? 'zh' : 'en';
}

export function translate(lang: Lang, key: MessageKey, params: Record<string, string | number> = {}): string {
  const text = catalogs[lang][key] ?? en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, k: string) => (k in params ? String(params[k]) : `{${k}}`));
}

export function useT() {
  const lang = detectLang();
  return (key: MessageKey, params?: Record<string, string | number>) => translate(lang, key, params);
}
