// Step 2 of the load pipeline: where a value sits in the text. A problem found at a JSON path
// inside a parsed document is given the line and column `parse.ts` can find for it (and the
// document's index in a multi-document stream); an object keeps its source the same way.

import { fieldSegments, jsonPointer, type PathSegment, type Problem, type ProblemKind, type Severity } from './problem';
import type { ParsedDocument } from './parse';
import type { ProblemNote } from './problem-text';
import type { ObjectSource } from './types';

/** A problem's text: as written, or rendered from the lab's framing (`noted`, problem-text.ts). */
export type ProblemMessage = string | { message: string; note: ProblemNote };

/** Reports a problem at a path inside one document (the path relative to what is being read). */
export type Report = (
  path: readonly PathSegment[],
  kind: ProblemKind,
  message: ProblemMessage,
  severity?: Severity,
) => void;

/** A problem at `path` inside a document, located in the text. */
export function problemAt(p: {
  file: string;
  doc: ParsedDocument;
  multiDocument: boolean;
  path: readonly PathSegment[];
  kind: ProblemKind;
  severity: Severity;
  message: ProblemMessage;
}): Problem {
  // Only the text: a field issue passed as the message keeps its own path and flags out of the problem.
  const { message, note } = typeof p.message === 'string' ? { message: p.message, note: undefined } : p.message;
  const at = p.doc.locate(p.path);
  return {
    kind: p.kind,
    severity: p.severity,
    file: p.file,
    ...(at ? { line: at.line, column: at.column } : {}),
    ...(p.multiDocument ? { document: p.doc.index } : {}),
    path: jsonPointer(p.path),
    message,
    ...(note ? { note } : {}),
  };
}

/** Where an object (or a client, request) sits, for reporting it later; its fields are located on demand. */
export function sourceOf(
  file: string,
  doc: ParsedDocument,
  multiDocument: boolean,
  path: readonly PathSegment[],
): ObjectSource {
  const at = doc.locate(path);
  return {
    file,
    ...(multiDocument ? { document: doc.index } : {}),
    path: jsonPointer(path),
    ...(at ? { line: at.line, column: at.column } : {}),
    // Located lazily: only a refused object's field is ever looked up.
    locateField: (field) => doc.locate([...path, ...fieldSegments(field)]),
  };
}
