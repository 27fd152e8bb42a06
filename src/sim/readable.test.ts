// Functions a reader can hold (issue 15 item 5): in the core's sources no line runs past 120
// characters and no function reaches 80 lines. A function that grows past that is split along the
// phases of the component it models (nginx's phases, kube-proxy's sync steps, the apiserver's
// validation steps), not at an arbitrary line. The core's tests are held to the line rule too (a
// describe block is a long function by nature, so not to the function rule).

import { readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_FUNCTION, MAX_LINE, filesUnder, longFunctions as longIn, longLineIndexes } from '../../scripts/readable';

const ROOT = resolve('src/sim');

const isTest = (file: string) => /\.test\.ts$/.test(file);
const sources = (dir: string) => filesUnder(dir, /\.ts$/).filter((f) => !isTest(f));
const tests = (dir: string) => filesUnder(dir, /\.ts$/).filter(isTest);

/** "file:line" for each line of more than `MAX_LINE` characters. */
function longLines(file: string, text: string): string[] {
  return longLineIndexes(text).map((i) => `${relative(ROOT, file)}:${i + 1}`);
}

/** "file:line name (N lines)" for each function of `MAX_FUNCTION` lines or more in the file. */
function longFunctions(file: string, text: string): string[] {
  return longIn(file, text).map((x) => `${relative(ROOT, file)}:${x.line} ${x.name} (${x.lines} lines)`);
}

describe('the core reads on one screen', () => {
  const files = sources(ROOT).map((f) => ({ f, text: readFileSync(f, 'utf8') }));
  const testFiles = tests(ROOT).map((f) => ({ f, text: readFileSync(f, 'utf8') }));

  it('finds the sources and the tests it checks', () => {
    expect(files.length).toBeGreaterThan(100);
    expect(testFiles.length).toBeGreaterThan(40);
    expect(testFiles.some(({ f }) => f.endsWith(join('proxy', 'iptables', 'compile.test.ts')))).toBe(true);
  });

  it(`has no line over ${MAX_LINE} characters`, () => {
    expect(files.flatMap(({ f, text }) => longLines(f, text))).toEqual([]);
  });

  it(`has no line over ${MAX_LINE} characters in its tests`, () => {
    expect(testFiles.flatMap(({ f, text }) => longLines(f, text))).toEqual([]);
  });

  it(`has no function of ${MAX_FUNCTION} lines or more`, () => {
    expect(files.flatMap(({ f, text }) => longFunctions(f, text))).toEqual([]);
  });

  it('would notice a long line and a long function', () => {
    const body = Array.from({ length: MAX_FUNCTION }, (_, i) => `  const v${i} = ${i};`).join('\n');
    expect(longFunctions(join(ROOT, 'x.ts'), `function big() {\n${body}\n}\n`)).toEqual(['x.ts:1 big (82 lines)']);
    const text = `const ok = 1;\nconst s = '${'x'.repeat(MAX_LINE)}';\n// ${'中'.repeat(MAX_LINE - 3)}\n`;
    expect(longLines(join(ROOT, 'dns', 'x.test.ts'), text)).toEqual([join('dns', 'x.test.ts:2')]);
  });
});
