// ELK runs in a Web Worker, loaded on first use so the layout engine stays out of the initial bundle.
//
// When the worker script or the elkjs chunk cannot be downloaded (offline before they were cached),
// the layout fails with an error instead of waiting for a worker that never answers; the next
// getElk() after a failure starts again from scratch (the canvas's Retry).

import type { ELK, ElkNode } from 'elkjs/lib/elk-api';
import workerUrl from 'elkjs/lib/elk-worker.min.js?url';

export class ElkLoadError extends Error {}

let elk: Promise<Pick<ELK, 'layout'>> | null = null;

async function load(): Promise<Pick<ELK, 'layout'>> {
  const { default: ELKApi } = await import('elkjs/lib/elk-api.js');
  let failed: (e: Error) => void = () => undefined;
  const broken = new Promise<never>((_, reject) => (failed = reject));
  broken.catch(() => undefined);
  const api = new ELKApi({
    workerUrl,
    workerFactory: (url?: string) => {
      const w = new Worker(url ?? workerUrl);
      w.addEventListener('error', (e) => failed(new ElkLoadError(e.message || `could not load ${workerUrl}`)));
      return w;
    },
  });
  return { layout: (graph: ElkNode) => Promise.race([api.layout(graph), broken]) } as Pick<ELK, 'layout'>;
}

export function getElk(): Promise<Pick<ELK, 'layout'>> {
  elk ??= load();
  return elk;
}

/** Forgets a failed engine so the next layout downloads it again. */
export function resetElk() {
  elk = null;
}
