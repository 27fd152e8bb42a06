// Functions a reader can hold (issue 15 item 5): in the core's sources no line runs past 120
// characters and no function reaches 80 lines. A function that grows past that is split along the
// phases of the component it models (nginx's phases, kube-proxy's sync steps, the apiserver's
// validation steps), not at an arbitrary line. Tests are not held to this.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = resolve('src/sim');
const MAX_LINE = 120;
const MAX_FUNCTION = 80;

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) return sources(p);
    return /\.ts$/.test(f) && !/\.test\.ts$/.test(f) ? [p] : [];
  });
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

/** "file:line name (N lines)" for each function of `MAX_FUNCTION` lines or more in the file. */
function longFunctions(file: string, text: string): string[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (n: ts.Node): void => {
    if (isFunction(n)) {
      const first = sf.getLineAndCharacterOfPosition(n.getStart(sf)).line;
      const last = sf.getLineAndCharacterOfPosition(n.getEnd()).line;
      const lines = last - first + 1;
      if (lines >= MAX_FUNCTION) {
        const name = n.name?.getText(sf) ?? (ts.isVariableDeclaration(n.parent) ? n.parent.name.getText(sf) : '(anonymous)');
        found.push(`${relative(ROOT, file)}:${first + 1} ${name} (${lines} lines)`);
      }
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return found;
}

describe('the core reads on one screen', () => {
  const files = sources(ROOT).map((f) => ({ f, text: readFileSync(f, 'utf8') }));

  it('finds the sources it checks', () => {
    expect(files.length).toBeGreaterThan(100);
  });

  it(`has no line over ${MAX_LINE} characters`, () => {
    const long = files.flatMap(({ f, text }) =>
      text.split('\n').flatMap((line, i) => ([...line].length > MAX_LINE ? [`${relative(ROOT, f)}:${i + 1}`] : [])),
    );
    expect(long).toEqual([]);
  });

  it(`has no function of ${MAX_FUNCTION} lines or more`, () => {
    expect(files.flatMap(({ f, text }) => longFunctions(f, text))).toEqual([]);
  });

  it('would notice a long line and a long function', () => {
    const body = Array.from({ length: MAX_FUNCTION }, (_, i) => `  const v${i} = ${i};`).join('\n');
    expect(longFunctions(join(ROOT, 'x.ts'), `function big() {\n${body}\n}\n`)).toEqual(['x.ts:1 big (82 lines)']);
    expect([...'x'.repeat(MAX_LINE + 1)].length > MAX_LINE).toBe(true);
  });
});
