// The page's URL fragment: a share link (#s=1.…), a built-in lesson (#lesson=<id>, with the
// lesson's step as &lesson-step=<n>, 1-based; also read as #/lesson/<id>), the gallery (#gallery).
// Playback keeps its own "step" (the hop) next to them.

export type Route =
  | { kind: 'share'; fragment: string }
  /** `badStep`: a lesson-step the page cannot use (0, a word, past 1000), as typed; it opens at step 1. */
  | { kind: 'lesson'; id: string; step: number; badStep?: string }
  | { kind: 'gallery' }
  | { kind: 'none' }
  /** A fragment the page cannot use (an empty or malformed lesson id, an unknown key, broken escapes), as typed. */
  | { kind: 'unusable'; fragment: string };

export const LESSON_STEP_PARAM = 'lesson-step';

/** The lesson step a fragment names, 0-based (0 when it names none), and the value typed when it is nonsense. */
function lessonStepOf(params: URLSearchParams): { step: number; badStep?: string } {
  const raw = params.get(LESSON_STEP_PARAM);
  if (raw === null) return { step: 0 };
  const n = Number(raw);
  return raw !== '' && Number.isInteger(n) && n >= 1 && n <= 1000 ? { step: n - 1 } : { step: 0, badStep: raw };
}

export function parseRoute(hash: string): Route {
  const h = hash.replace(/^#/, '');
  if (h === '') return { kind: 'none' };
  if (h.startsWith('s=')) return { kind: 'share', fragment: h.split('&')[0]! };
  let decoded: string;
  try {
    decoded = decodeURIComponent(h);
  } catch {
    return { kind: 'unusable', fragment: h };
  }
  const params = new URLSearchParams(h);
  const path = /^\/?lesson\/([\w-]+)/.exec(decoded);
  if (path) return { kind: 'lesson', id: path[1]!, ...lessonStepOf(new URLSearchParams(decoded.split('?')[1] ?? '')) };
  if (params.has('lesson')) {
    const id = params.get('lesson')!;
    return /^[\w-]+$/.test(id) ? { kind: 'lesson', id, ...lessonStepOf(params) } : { kind: 'unusable', fragment: h };
  }
  if (params.has('gallery') || /^\/?gallery\b/.test(decoded)) return { kind: 'gallery' };
  // Playback's own hop (#step=3) is the page's; anything else is not something it opens.
  return [...params.keys()].every((k) => k === 'step') ? { kind: 'none' } : { kind: 'unusable', fragment: h };
}

export const lessonHref = (id: string) => `#lesson=${encodeURIComponent(id)}`;

/** The built-in lesson the page's address names, if any. */
export function routeLessonId(): string | null {
  if (typeof location === 'undefined') return null;
  const r = parseRoute(location.hash);
  return r.kind === 'lesson' ? r.id : null;
}

/** Keeps the open lesson's step in the URL, so a copied address opens the lesson where it was. */
export function writeLessonStep(step: number) {
  const params = new URLSearchParams(location.hash.slice(1));
  if (!params.has('lesson')) return;
  params.set(LESSON_STEP_PARAM, String(step + 1));
  history.replaceState(null, '', `#${params.toString()}`);
}
