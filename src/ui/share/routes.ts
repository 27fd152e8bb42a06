// The page's URL fragment: a share link (#s=1.…), a built-in lesson (#lesson=<id>, also read as
// #/lesson/<id>), the gallery (#gallery). Playback keeps its own "step" next to them.

export type Route = { kind: 'share'; fragment: string } | { kind: 'lesson'; id: string } | { kind: 'gallery' } | { kind: 'none' };

export function parseRoute(hash: string): Route {
  const h = hash.replace(/^#/, '');
  if (h.startsWith('s=')) return { kind: 'share', fragment: h.split('&')[0]! };
  let decoded = h;
  try {
    decoded = decodeURIComponent(h);
  } catch {
    /* keep as typed */
  }
  const path = /^\/?lesson\/([\w-]+)/.exec(decoded);
  if (path) return { kind: 'lesson', id: path[1]! };
  const params = new URLSearchParams(h);
  const id = params.get('lesson');
  if (id && /^[\w-]+$/.test(id)) return { kind: 'lesson', id };
  if (params.has('gallery') || /^\/?gallery\b/.test(decoded)) return { kind: 'gallery' };
  return { kind: 'none' };
}

export const lessonHref = (id: string) => `#lesson=${encodeURIComponent(id)}`;
