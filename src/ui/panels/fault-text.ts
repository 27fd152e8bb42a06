// A trace's fault in the reader's language. The tracer gives a fault a note (a key with parameters,
// src/sim/notes.ts) where it has one; `message` is the English text the CLI prints.

import type { ArtifactRef, Fault } from '../../sim';
import { note, renderNote, renderNoteWith, renderNotes, type Note } from '../../sim/notes';
import { joinList, LIST_GOES_ON } from '../../sim/util/list';
import type { Lang } from '../../state';
import type { T } from '../i18n';

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
  /** Pods whose status says the same thing, told once: the first few by name, and "and N more" (in the
   *  reader's language) when there are more. */
  group?: { pods: string[]; more?: string };
}

/**
 * The pods behind a fault, each in the reader's language, then "and N more" or "no pod". Pods whose status
 * says the same thing (the scheduler's one message on five Pending pods) are one line naming them.
 */
export function faultPodLines(lang: Lang, fault: Pick<Fault, 'pods'>): FaultPodLine[] {
  const pods = fault.pods;
  if (!pods) return [];
  const grouped = pods.grouped;
  const refs = new Map(pods.shown.flatMap((p) => (p.ref ? [[p.pod, p.ref] as const] : [])));
  const lines: FaultPodLine[] = grouped
    ? grouped.groups.map((g): FaultPodLine => {
      const text = renderNotes(lang, g.notes);
      const one = g.pods[0]!;
      const ref = refs.get(one);
      if (g.count === 1) return { text, pod: one, ...(ref ? { ref } : {}) };
      const rest = g.count - g.pods.length;
      const more = rest > 0 ? { more: renderNote(lang, note('note.fault.pods.more', { count: rest })) } : {};
      return { text, group: { pods: g.pods, ...more } };
    })
    : pods.shown.map((p) => ({ text: renderNotes(lang, p.notes), pod: p.pod, ...(p.ref ? { ref: p.ref } : {}) }));
  const summary = grouped ? grouped.summary : pods.summary;
  if (summary) lines.push({ text: renderNote(lang, summary) });
  return lines;
}

/** One node under a load balancer's health-check fault: what its check answered and what runs there. */
export interface FaultNodeLine {
  node: string;
  text: string;
  /** Its health-check line in the load balancer's artifact (or the endpoint line of a node left out). */
  ref?: ArtifactRef;
}

/** The nodes under a load balancer's "no node passes the health check" fault, in the reader's language. */
export function faultNodeLines(lang: Lang, fault: Pick<Fault, 'pods'>): FaultNodeLine[] {
  return (fault.pods?.nodes ?? []).map((n) => ({
    node: n.node,
    text: renderNotes(lang, n.notes),
    ...(n.ref ? { ref: n.ref } : {}),
  }));
}

/** A request the parsers cannot read (request.ts's note), as a sentence beside its field in the reader's language. */
export function syntaxText(lang: Lang, n: Note): string {
  const text = renderNote(lang, n);
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}${lang === 'zh' ? '。' : '.'}`;
}

/** Names shown in a request check's message before the list says how many there are in all. */
const NAMES_SHOWN = 8;

/**
 * What the lab has instead of a missing client, pod or node, as the reader's language lists names:
 * the first few, and the count when there are more.
 */
export function existingText(t: T, lang: Lang, names: readonly string[]): string {
  if (names.length === 0) return '—';
  if (names.length <= NAMES_SHOWN) return joinList(lang, names);
  const list = joinList(lang, [...names.slice(0, NAMES_SHOWN), LIST_GOES_ON]);
  return t('composer.check.more', { list, count: names.length });
}
