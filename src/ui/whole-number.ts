// A count typed into a form (replicas, a port, how many times to send), read the way the form
// means it. Number('') is 0 and Number('1.5') is 1.5, so a plain Number() read an emptied field as
// "scale to 0"; here an empty field, a fraction or a count out of range is a problem to show beside
// the field, and nothing is sent or changed.

import type { MessageKey } from './i18n';

export interface WholeNumberProblem {
  key: Extract<MessageKey, `form.number.${string}`>;
  /** `value`: what was typed; `min`, `max`: the range the field takes. */
  params: { value: string; min: number; max: number };
}

export type WholeNumber = { value: number } | { problem: WholeNumberProblem };

/** The whole number from min to max that `text` is, or what is wrong with it. */
export function readWholeNumber(text: string, min: number, max: number): WholeNumber {
  const typed = text.trim();
  const params = { value: typed, min, max };
  if (typed === '') return { problem: { key: 'form.number.empty', params } };
  // Digits only (a sign for a negative): "1e3", "0x10" and "1.0" are not how anyone writes a count.
  if (!/^[+-]?\d+$/.test(typed)) return { problem: { key: 'form.number.notWhole', params } };
  const value = Number(typed);
  if (value < min || value > max) return { problem: { key: 'form.number.range', params } };
  return { value };
}
