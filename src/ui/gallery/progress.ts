// A learner's progress through one lesson, kept in localStorage per lesson so a reload (or coming
// back the next day) finds it: the step, what was predicted at each step, and whether the lesson was
// finished. "Start over" clears it. Storage that is full or unavailable only loses the memory.

import type { LessonStep } from '../../scenario';

export const PROGRESS_PREFIX = 'netlab.lesson-progress.v1:';

export interface LessonProgress {
  step: number;
  /** The choice predicted at each step (by step index). */
  predictions: Record<number, number>;
  finished: boolean;
}

const storage = (): Storage | null => (typeof localStorage === 'undefined' ? null : localStorage);

/** The key of a lesson: its built-in id when the page was opened as one, else its title. */
export function lessonKey(routeId: string | null, title: string | undefined, steps: number): string {
  return PROGRESS_PREFIX + (routeId ?? `${title ?? 'untitled'}#${steps}`);
}

export function readProgress(key: string, steps: number): LessonProgress | null {
  try {
    const raw = storage()?.getItem(key);
    if (!raw) return null;
    const v = JSON.parse(raw) as Partial<LessonProgress>;
    const step = Number.isInteger(v.step) ? Math.max(0, Math.min(steps - 1, v.step!)) : 0;
    const predictions: Record<number, number> = {};
    for (const [k, c] of Object.entries(v.predictions ?? {})) {
      const i = Number(k);
      if (Number.isInteger(i) && i >= 0 && i < steps && Number.isInteger(c)) predictions[i] = c;
    }
    return { step, predictions, finished: v.finished === true };
  } catch {
    return null;
  }
}

export function writeProgress(key: string, p: LessonProgress): void {
  try {
    storage()?.setItem(key, JSON.stringify(p));
  } catch {
    /* full or unavailable storage: the lesson works, only without memory */
  }
}

export function clearProgress(key: string): void {
  try {
    storage()?.removeItem(key);
  } catch {
    /* nothing to clear */
  }
}

/** The score so far: predictions made, and how many were right. */
export function score(lesson: readonly LessonStep[], predictions: Record<number, number>) {
  let questions = 0;
  let answered = 0;
  let right = 0;
  lesson.forEach((step, i) => {
    if (!step.predict) return;
    questions++;
    const picked = predictions[i];
    if (picked === undefined) return;
    answered++;
    if (picked === step.predict.answer) right++;
  });
  return { questions, answered, right };
}
