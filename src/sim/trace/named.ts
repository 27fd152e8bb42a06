// Who sends, answers or is reached, named inside a hop's explanation or a fault: a note, so the
// Chinese page reads "节点 node-1" where the English one reads "node node-1". A hop's parameters
// may be such notes; they are recorded as parts (rendered per language) with their English text
// in params, which is what the CLI's JSON and the English page read.

import { note, renderNote, renderNoteWith, type Note, type NoteKey, type NoteParam } from '../notes';
import type { Fault } from './types';

export const clientNamed = (name: string): Note => note('note.party.client', { name });
export const podNamed = (key: string): Note => note('note.party.pod', { pod: key });
export const nodeNamed = (node: string): Note => note('note.party.node', { node });
export const kubeProxyNamed = (node: string): Note => note('note.party.kubeProxy', { node });
export const loadBalancerNamed = (address: string): Note => note('note.party.loadBalancer', { address });

/** A hop's parameter: a value, or a note (a party's name) rendered in the reader's language. */
export type HopParam = string | number | Note;

/** A fault note's parameter: a note's own, or a party's name. */
export type FaultParam = NoteParam | Note;

const isNote = (v: unknown): v is Note => typeof v === 'object' && v !== null && 'key' in v;

/** Note-valued parameters moved to parts, their English text left in params. */
export function splitParams<V>(
  params: Record<string, V | Note>,
  parts?: Record<string, Note[]>,
): { params: Record<string, V | string>; parts?: Record<string, Note[]> } {
  const flat: Record<string, V | string> = {};
  let named: Record<string, Note[]> | undefined;
  for (const [k, v] of Object.entries(params)) {
    if (!isNote(v)) {
      flat[k] = v;
      continue;
    }
    flat[k] = renderNote('en', v);
    (named ??= { ...parts })[k] = [v];
  }
  const all = named ?? parts;
  return all ? { params: flat, parts: all } : { params: flat };
}

type FaultPlace = Omit<Fault, 'message' | 'note' | 'parts'>;

/** A fault whose message is a note (rendered in English here, in the reader's language by the lab). */
export function faultOf(f: FaultPlace, n: Note, parts?: Record<string, Note[]>): Fault {
  return { ...f, message: renderNoteWith('en', n, parts), note: n, ...(parts ? { parts } : {}) };
}

/** A fault whose note names parties: their names become its parts. */
export function namedFault(f: FaultPlace, key: NoteKey, params: Record<string, FaultParam>): Fault {
  const { params: flat, parts } = splitParams(params);
  return faultOf(f, note(key, flat), parts);
}
