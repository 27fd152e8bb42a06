// What the console prints for one command. A program's output stays as the program printed it
// (kubectl's English event rows, which a learner will meet on a real cluster); the lab's own words
// are in the reader's language: curl's summary and help's last line (`outputIn`), the note ping gets
// instead of a run (`errorIn`), and in Chinese a gloss of each event by its reason, as the timeline
// shows one (src/ui/i18n/event-glosses.ts).

import { errorIn, eventRowReason, outputIn, type ConsoleResult } from '../../state/console/engine';
import { eventGloss } from '../i18n/event-glosses';
import type { Lang, T } from '../i18n';

export type Line = { kind: 'in' | 'out' | 'err' | 'event' | 'info'; text: string };

/** The glosses of events' reasons in the reader's language, one line each (none in English). */
function glossLines(t: T, lang: Lang, reasons: readonly string[], indent: string): string[] {
  return reasons.flatMap((reason) => {
    const gloss = eventGloss(lang, reason);
    return gloss ? [`${indent}${t('console.gloss', { reason, gloss })}`] : [];
  });
}

/** What a command printed: its output, its errors, the events it set off, the trace it ran. */
export function resultLines(t: T, lang: Lang, r: ConsoleResult): Line[] {
  const add: Line[] = [];
  if (r.out) add.push({ kind: 'out', text: outputIn(lang, r).replace(/\n$/, '') });
  // kubectl get events: the table as kubectl prints it, then what its reasons mean.
  const listed = glossLines(t, lang, r.eventReasons ?? [], '  ');
  if (listed.length > 0) add.push({ kind: 'info', text: `${t('console.glosses')}\n${listed.join('\n')}` });
  if (r.err) add.push({ kind: 'err', text: errorIn(lang, r).replace(/\n$/, '') });
  if (r.events.length > 0) {
    // Each event row as kubectl prints it, its gloss under it.
    const events = r.events.flatMap((e) => [
      `  ${e.replace(/\t/g, '  ')}`,
      ...glossLines(t, lang, [eventRowReason(e)], '    ↳ '),
    ]);
    add.push({ kind: 'event', text: `${t('console.events')}\n${events.join('\n')}` });
  }
  if (r.trace) add.push({ kind: 'info', text: t('console.traced', { hops: r.trace.result.hops.length }) });
  return add;
}
