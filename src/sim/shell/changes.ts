// What one change added: the events it set off and the refusals it caused, as differences between
// the lab before and after (multisets: an event logged again counts again).

import type { ClusterEvent } from '../events';

/** The items of `after` that `before` does not account for, by `key`, counting repeats. */
export function added<T>(before: readonly T[], after: readonly T[], key: (x: T) => string): T[] {
  const seen = new Map<string, number>();
  for (const x of before) seen.set(key(x), (seen.get(key(x)) ?? 0) + 1);
  return after.filter((x) => {
    const k = key(x);
    const n = seen.get(k) ?? 0;
    if (n > 0) seen.set(k, n - 1);
    return n === 0;
  });
}

/** What the apiserver refused, as the lab's problems and the store's rejections both carry it. */
export interface Refusal {
  ref: { kind: string; namespace?: string; name: string };
  reason: string;
  message: string;
}

const eventKey = (
  e: ClusterEvent
) => `${e.type}|${e.reason}|${e.object.kind}/${e.object.namespace ?? ''}/${e.object.name}|${e.message}|${e.node ?? ''}`;
const problemKey = (
  p: Refusal
) => `${p.reason}|${p.ref.kind}|${p.ref.namespace ?? 'default'}|${p.ref.name}|${p.message}`;

/** Events in `after` that `before` did not have. */
export const newEvents = (
  before: readonly ClusterEvent[],
  after: readonly ClusterEvent[],
) => added(before, after, eventKey);

/** Refusals in `after` that `before` did not have. */
export const newProblems = <T extends Refusal>(
  before: readonly T[],
  after: readonly T[],
) => added(before, after, problemKey);

/** A refusal as kubectl prints it. */
export const rejectionText = (p: Refusal) => `Error from server (${p.reason}): ${p.message}`;
