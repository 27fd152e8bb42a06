// A trace's fault in the reader's language. The tracer gives a fault a note (a key with parameters,
// src/sim/notes.ts) where it has one; `message` is the English text the CLI prints.

import type { Fault } from '../../sim';
import { renderNoteWith } from '../../sim/notes';
import type { Lang } from '../../state';

export function faultText(lang: Lang, fault: Pick<Fault, 'note' | 'parts' | 'message'>): string {
  return fault.note ? renderNoteWith(lang, fault.note, fault.parts) : fault.message;
}
