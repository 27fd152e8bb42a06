// Texts that come from the engines: hop explanations live with the tracer (src/sim/trace/messages.ts,
// shared with the CLI) with their note parts (src/sim/notes.ts). Apart from ./index (the page's own
// catalogs, which the first frame needs) so that only the parts showing a trace load these tables:
// they arrive after the first frame (../later.ts).

import { renderExplanation, traceMessagesEn, traceMessagesZh, type TraceMessageKey } from '../../sim/trace/messages';
import type { Note } from '../../sim/notes';
import type { Lang } from '../../state';
import { en } from './en';
import { fill, translate, type MessageKey, type Params } from './catalogs';

const traceCatalogs: Record<Lang, Record<TraceMessageKey, string>> = { en: traceMessagesEn, zh: traceMessagesZh };

/**
 * A key the engines name: a tracer message, else a page message; a key no catalog knows shows as
 * itself with its parameters.
 */
export function translateDynamic(lang: Lang, key: string, params: Params = {}): string {
  if (key in traceMessagesEn) {
    const k = key as TraceMessageKey;
    return fill(traceCatalogs[lang][k] ?? traceMessagesEn[k], params);
  }
  if (key in en) return translate(lang, key as MessageKey, params);
  const p = Object.entries(params).map(([k, v]) => `${k}=${v}`).join(', ');
  return p ? `${key} (${p})` : key;
}

/** A hop's explanation in the reader's language, its note parts (nginx's steps, ...) included. */
export function explain(
  lang: Lang,
  e: { key: string; params: Params; parts?: Record<string, readonly Note[]> },
): string {
  if (!e.parts || !(e.key in traceMessagesEn)) return translateDynamic(lang, e.key, e.params);
  return renderExplanation(lang, e);
}
