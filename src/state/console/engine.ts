// The page's console over the lab's shell (src/sim/shell): the store's scenario in, a store
// command out (so undo/redo covers every change). The interpreter itself is the one the CLI's
// `exec` runs too.

import type { LabEdit } from '../../sim/assembly/edits';
import type { Lab } from '../../sim/assembly/lab';
import type { TraceResult } from '../../sim/trace/types';
import { checkEdits, proseText, runShell, type ShellEnv, type ShellResult } from '../../sim/shell/shell';
import { shellLoaders } from '../../scenario/shell-io';
import { runCommand, type ScenarioCommand } from '../commands';
import type { Scenario, TraceRequest } from '../types';

export {
  complete,
  defaultShell,
  eventRowReason,
  mergePatch,
  needsMoreInput,
  prompt,
  splitInput,
  splitWords,
  type Shell,
} from '../../sim/shell/shell';

export interface ConsoleEnv extends Pick<ShellEnv, 'lab' | 'shell'> {
  scenario: Scenario;
  /** Builds the lab of an edited scenario, to check a change and list its events before committing it. */
  labFor(s: Scenario): Lab;
  /** Runs one request through the tracer (the page also animates it). */
  trace(request: TraceRequest): TraceResult | null;
}

export interface ConsoleResult extends Omit<ShellResult, 'edits'> {
  /** The change to commit, one undo step. */
  command?: ScenarioCommand;
}

/** A shell's edits as one store command. */
function commandOf(edits: readonly LabEdit[]): ScenarioCommand {
  return edits.length === 1 ? edits[0]! : { kind: 'batch', commands: [...edits] };
}

/** The store's commands as the lab edits they stand for (a batch flattened). */
function editsOf(command: ScenarioCommand): LabEdit[] | null {
  if (command.kind === 'batch') {
    const parts = command.commands.map(editsOf);
    return parts.every((p) => p !== null) ? parts.flat() : null;
  }
  switch (command.kind) {
    case 'set-seed':
    case 'put-client':
    case 'remove-client':
    case 'set-kubernetes-version':
      // Scenario changes that are not edits of the running cluster: nothing to check against it.
      return null;
    default:
      return [command];
  }
}

function shellEnv(env: Pick<ConsoleEnv, 'scenario' | 'lab' | 'labFor'> & Partial<ConsoleEnv>): ShellEnv {
  return {
    lab: env.lab,
    shell: env.shell ?? { kind: 'external', client: '' },
    labWith: (edits) => env.labFor(runCommand(env.scenario, commandOf(edits)).next),
    trace: (request) => (env.trace ? env.trace(request) : null),
    ...shellLoaders(env.lab.settings),
  };
}

function toConsole(r: ShellResult): ConsoleResult {
  const { edits, ...rest } = r;
  return edits && edits.length > 0 ? { ...rest, command: commandOf(edits) } : rest;
}

export function run(env: ConsoleEnv, input: string): ConsoleResult {
  return toConsole(runShell(shellEnv(env), input));
}

/**
 * A command's output as the page shows it: the console's own last lines (curl's summary, help's last
 * line) in the reader's language, a program's output as the program printed it.
 */
export function outputIn(lang: 'en' | 'zh', r: Pick<ShellResult, 'out' | 'prose'>): string {
  if (!r.prose || r.prose.length === 0) return r.out;
  const en = `${proseText(r.prose)}\n`;
  if (!r.out.endsWith(en)) return r.out;
  return `${r.out.slice(0, r.out.length - en.length)}${proseText(r.prose, lang)}\n`;
}

/**
 * A command's errors as the page shows them: the console's own words (what the lab says instead of
 * running ping) in the reader's language, a program's errors as the program printed them. The
 * console's words come first; a pipeline's filters may add theirs after.
 */
export function errorIn(lang: 'en' | 'zh', r: Pick<ShellResult, 'err' | 'errProse'>): string {
  if (!r.errProse || r.errProse.length === 0) return r.err;
  const en = `${proseText(r.errProse)}\n`;
  if (!r.err.startsWith(en)) return r.err;
  return `${proseText(r.errProse, lang)}\n${r.err.slice(en.length)}`;
}

/** Checks a store command against the apiserver (the edited lab's refusals) and lists what it set off. */
export function checkChange(
  env: Pick<ConsoleEnv, 'scenario' | 'lab' | 'labFor'>,
  command: ScenarioCommand,
  touched: { kind: string; namespace?: string; name: string }[],
  out: string,
): ConsoleResult {
  const edits = editsOf(command);
  if (edits === null) {
    // A new seed is a new cluster: nothing to check against the running one.
    return { out, err: '', events: [], command };
  }
  return { ...toConsole(checkEdits(shellEnv(env), edits, touched, out)), ...(edits.length > 0 ? { command } : {}) };
}
