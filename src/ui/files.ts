// Reading user files: picker and drag-and-drop both end here. Files are read as text in the order
// given and handed to the loader together, which merges them.

import type { SourceFile } from '../state';
import { labStore } from './app-store';

export async function openFileList(list: FileList | readonly File[] | null): Promise<boolean> {
  const files = list ? Array.from(list) : [];
  if (files.length === 0) return false;
  const sources: SourceFile[] = await Promise.all(files.map(async (f) => ({ name: f.name, text: await f.text() })));
  return labStore.getState().openFiles(sources, { ask: true });
}
