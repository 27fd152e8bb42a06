// The house rule both readable tests hold their folders to (src/sim/readable.test.ts for the core,
// src/ui/readable.test.ts for the page, the store and the loader): no line over 120 characters, no
// function of 80 lines or more. One scanner, so the two tests count the same way.

import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

export const MAX_LINE = 120;
export const MAX_FUNCTION = 80;

/** Every file under `dir` whose name matches `name`. */
export function filesUnder(dir: string, name: RegExp): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) return filesUnder(p, name);
    return name.test(f) ? [p] : [];
  });
}

/** 0-based indexes of the lines over `MAX_LINE` characters (code points, as a reader counts them). */
export function longLineIndexes(text: string): number[] {
  return text.split('\n').flatMap((line, i) => ([...line].length > MAX_LINE ? [i] : []));
}

function isFunction(n: ts.Node): n is ts.FunctionLikeDeclaration {
  return (
    ts.isFunctionDeclaration(n) ||
    ts.isFunctionExpression(n) ||
    ts.isArrowFunction(n) ||
    ts.isMethodDeclaration(n) ||
    ts.isConstructorDeclaration(n) ||
    ts.isGetAccessorDeclaration(n)
  );
}

/** A function's own name, the variable or property it is assigned to, or none. */
function ownName(n: ts.FunctionLikeDeclaration, sf: ts.SourceFile): string | undefined {
  if (n.name) return n.name.getText(sf);
  const p = n.parent;
  if (ts.isVariableDeclaration(p) || ts.isPropertyAssignment(p)) return p.name.getText(sf);
  return undefined;
}

/**
 * Each function of `MAX_FUNCTION` lines or more in the file: its name (an inner function without a
 * name of its own is "outer/(anonymous)"), its first line (1-based) and its length in lines.
 */
export function longFunctions(file: string, text: string): { name: string; line: number; lines: number }[] {
  const kind = file.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS;
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, kind);
  const found: { name: string; line: number; lines: number }[] = [];
  const visit = (n: ts.Node, outer: string): void => {
    let name = outer;
    if (isFunction(n)) {
      name = ownName(n, sf) ?? `${outer}/(anonymous)`;
      const first = sf.getLineAndCharacterOfPosition(n.getStart(sf)).line;
      const last = sf.getLineAndCharacterOfPosition(n.getEnd()).line;
      const lines = last - first + 1;
      if (lines >= MAX_FUNCTION) found.push({ name, line: first + 1, lines });
    }
    ts.forEachChild(n, (c) => visit(c, name));
  };
  visit(sf, '');
  return found;
}
