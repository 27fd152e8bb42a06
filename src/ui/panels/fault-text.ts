// A trace's fault in the reader's language. The tracer gives a fault a note (a key with parameters,
// src/sim/notes.ts) where it has one; `message` is the English text the CLI prints.

import type { ArtifactRef, Fault } from '../../sim';
import { renderNote, renderNoteWith, renderNotes } from '../../sim/notes';
import type { Lang } from '../../state';

export function faultText(lang: Lang, fault: Pick<Fault, 'note' | 'parts' | 'message'>): string {
  return fault.note ? renderNoteWith(lang, fault.note, fault.parts) : fault.message;
}

/** One line under a no-endpoints fault: a pod the selector matches and what its status says, or the summary. */
export interface FaultPodLine {
  text: string;
  /** "namespace/name" of the pod the line is about (none for "and N more" or "matches no pod"). */
  pod?: string;
  /** The pod's endpoint line in the Service's EndpointSlice artifact, when a slice lists it. */
  ref?: ArtifactRef;
}

/** The pods behind a no-endpoints fault, each in the reader's language, then "and N more" or "no pod". */
export function faultPodLines(lang: Lang, fault: Pick<Fault, 'pods'>): FaultPodLine[] {
  const pods = fault.pods;
  if (!pods) return [];
  const lines: FaultPodLine[] = pods.shown.map((p) => ({
    text: renderNotes(lang, p.notes),
    pod: p.pod,
    ...(p.ref ? { ref: p.ref } : {}),
  }));
  if (pods.summary) lines.push({ text: renderNote(lang, pods.summary) });
  return lines;
}
