// The page's URL fragment: a share link (#s=1.…), a built-in lesson (#lesson=<id>, with the
// lesson's step as &lesson-step=<n>, 1-based; also read as #/lesson/<id>), the gallery (#gallery).
// Playback keeps its own "step" (the hop) next to them.

export type Route = { kind: 'share'; fragment: string } | { kind: 'lesson'; id: string; step: number } | { kind: 'gallery' } | { kind: 'none' };

export const LESSON_STEP_PARAM = 'lesson-step';

/** The lesson step a fragment names, 0-based; 0 when it names none or nonsense. */
function lessonStepOf(params: URLSearchParams): number {
  const n = Number(params.get(LESSON_STEP_PARAM));
  return Number.isInteger(n) && n >= 1 && n <= 1000 ? n - 1 : 0;
}

export function parseRoute(hash: string): Route {
  const h = hash.replace(/^#/, '');
  if (h.startsWith('s=')) return { kind: 'share', fragment: h.split('&')[0]! };
  let decoded = h;
  try {
    decoded = decodeURIComponent(h);
  } catch {
    /* keep as typed */
  }
  const params = new URLSearchParams(h);
  const path = /^\/?lesson\/([\w-]+)/.exec(decoded);
  if (path) return { kind: 'lesson', id: path[1]!, step: lessonStepOf(new URLSearchParams(decoded.split('?')[1] ?? '')) };
  const id = params.get('lesson');
  if (id && /^[\w-]+$/.test(id)) return { kind: 'lesson', id, step: lessonStepOf(params) };
  if (params.has('gallery') || /^\/?gallery\b/.test(decoded)) return { kind: 'gallery' };
  return { kind: 'none' };
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
