// What a command found wrong, kept apart from what it prints: input problems (a file that does not
// load, an object the apiserver refused), in validate's shape, and the command's own errors (a wrong
// command line, an object it was asked for that does not exist). Both go to stderr as they come,
// problems as `file:line:col: path: message` (also with --json: stderr stays for people); with --json
// they are also kept for the one JSON document on stdout: the command's result with `problems` added,
// or, when it printed nothing, the error document {ok: false, problems, errors}. This module stays
// light: run() (and so --help) loads it.

import { formatProblem, type Problem } from '../scenario/problem';
import { EXIT } from './command';
import type { CliIo } from './io';

/** One of the command's own errors: `message` is the line the text output prints on stderr. */
export interface CliError {
  message: string;
}

/** A problem as `validate --json` (and every --json error document) gives it: without the page's note. */
export type JsonProblem = Omit<Problem, 'note'>;

export interface Report {
  /** An input problem; an error among them makes the command exit 1 (after it printed its result). */
  problem(p: Problem): void;
  /**
   * The command cannot do what was asked: `line` as the text output prints it (`error: ...`, or
   * kubectl's `Error from server (NotFound): ...`), `more` (a usage block) only in the text output.
   * Returns `code`, so a command can `return report.fail(EXIT.usage, ...)`.
   */
  fail(code: number, line: string, more?: string): number;
  /** `--json`: the command's result document, with the input problems added as `problems` when there are any. */
  printJson(doc: object): void;
  readonly problems: readonly Problem[];
  readonly errors: readonly CliError[];
}

export const jsonProblem = ({ note: _note, ...p }: Problem): JsonProblem => p;

/** The document --json prints when a command has no result to print: what went wrong, in validate's shape. */
export function errorDocument(problems: readonly Problem[], errors: readonly CliError[]) {
  return { ok: false, problems: problems.map(jsonProblem), errors };
}

export const hasErrorProblems = (problems: readonly Problem[]) => problems.some((p) => p.severity === 'error');

/** A report over `io`: text to stderr as it comes, and (json) kept for the JSON document. `io` is the
 *  process's I/O as the command sees it (what it prints on stdout tells finish() it printed a result). */
export function newReport(
  outer: CliIo,
  opts: { json: boolean },
): { report: Report; io: CliIo; finish(code: number): number } {
  const problems: Problem[] = [];
  const errors: CliError[] = [];
  let printed = false;
  const io: CliIo = {
    stdout(text) {
      if (text) printed = true;
      outer.stdout(text);
    },
    stderr: (text) => outer.stderr(text),
    readFile: (path) => outer.readFile(path),
  };
  const report: Report = {
    problems,
    errors,
    problem(p) {
      problems.push(p);
      io.stderr(`${formatProblem(p)}\n`);
    },
    fail(code, line, more) {
      errors.push({ message: line });
      io.stderr(`${line}\n${more ?? ''}`);
      return code;
    },
    printJson(doc) {
      const withProblems = problems.length > 0 ? { ...doc, problems: problems.map(jsonProblem) } : doc;
      io.stdout(`${JSON.stringify(withProblems, null, 2)}\n`);
    },
  };
  /**
   * After the command ran: with --json, the error document when the command printed nothing; the
   * exit code, 1 when the input had errors (a wrong command line keeps its 2).
   */
  function finish(code: number): number {
    if (opts.json && !printed && (code !== EXIT.ok || errors.length > 0 || problems.length > 0)) {
      outer.stdout(`${JSON.stringify(errorDocument(problems, errors), null, 2)}\n`);
    }
    return code !== EXIT.usage && hasErrorProblems(problems) ? EXIT.problems : code;
  }
  return { report, io, finish };
}
