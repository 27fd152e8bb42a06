// ELK runs in a Web Worker, loaded on first use so the layout engine stays out of the initial bundle.

import type { ELK } from 'elkjs/lib/elk-api';
import workerUrl from 'elkjs/lib/elk-worker.min.js?url';

let elk: Promise<ELK> | null = null;

export function getElk(): Promise<ELK> {
  elk ??= import('elkjs/lib/elk-api.js').then(({ default: ELKApi }) => new ELKApi({ workerUrl }));
  return elk;
}
