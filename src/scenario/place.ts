// Where an object, and a field of it, is in the files a scenario was read from: what a warning about
// an object names (file:line:col, document, JSON pointer), as the loader's own problems do.

import { fieldSegments, jsonPointer, type Problem } from './problem';
import type { ObjectSource, ScenarioObject } from './types';

export type Place = Pick<Problem, 'file' | 'line' | 'column' | 'document' | 'path'>;

/**
 * Where an object (and a field of it) is in the files, for a warning about it; the first file when
 * the object is not known. Files dropped together each keep their own warnings.
 */
export function placeOf(
  p: { objects: readonly ScenarioObject[]; sources: readonly ObjectSource[]; file: string },
  o: ScenarioObject | undefined,
  field: string,
): Place {
  const src = o ? p.sources[p.objects.indexOf(o)] : undefined;
  if (!src) return { file: p.file, path: '' };
  const line = src.line !== undefined ? { line: src.line, column: src.column ?? 1 } : undefined;
  const at = src.locateField?.(field) ?? line;
  return {
    file: src.file,
    ...at,
    ...(src.document !== undefined ? { document: src.document } : {}),
    path: src.path + jsonPointer(fieldSegments(field)),
  };
}
