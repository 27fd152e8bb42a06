// Loading the scenario a command works on: files from the command line (or the built-in default
// scenario), problems printed, global options applied. Shared by every command that needs a lab.

import { fileURLToPath } from 'node:url';
import { formatProblem, hasErrors, loadScenarioFiles, type LoadResult, type Problem, type Scenario, type ScenarioFileInput } from '../scenario';
import { DEFAULT_SCENARIO_URL, type CliIo } from './io';
import { applyGlobalOptions, type GlobalOptions } from './options';

export function readInputs(files: readonly string[], io: CliIo): { inputs: ScenarioFileInput[]; problems: Problem[] } {
  const inputs: ScenarioFileInput[] = [];
  const problems: Problem[] = [];
  for (const name of files) {
    try {
      inputs.push({ name, text: io.readFile(name) });
    } catch (e) {
      const reason = e instanceof Error ? e.message : String(e);
      problems.push({ kind: 'empty', severity: 'error', file: name, path: '', message: `cannot read the file: ${reason}` });
    }
  }
  return { inputs, problems };
}

/** A file named on the command line could not be read: going on would silently use less than asked. */
function unreadableFile(problems: readonly Problem[]): boolean {
  return hasErrors(problems);
}

export function defaultScenarioPath(): string {
  return fileURLToPath(DEFAULT_SCENARIO_URL);
}

/** Whether the files chose a Kubernetes version (written, or read from a cluster snapshot). */
export function versionGiven(result: Extract<LoadResult, { ok: true }>): boolean {
  return !result.defaulted.includes('kubernetesVersion') || result.inferred.some((i) => i.setting === 'kubernetesVersion');
}

export type CommandScenario =
  | { ok: true; scenario: Scenario; result: Extract<LoadResult, { ok: true }> }
  | { ok: false; exitCode: number };

/**
 * Load `files` (the default scenario when empty) and apply the global options. Problems go to
 * stderr; like kubectl apply, the command goes on with what loaded (a bad object is skipped) and
 * stops with exit code 1 only when nothing usable loaded, or 2 for bad --set/--mode values.
 */
export function loadScenarioForCommand(p: { files: readonly string[]; globals: GlobalOptions; io: CliIo }): CommandScenario {
  const files = p.files.length > 0 ? p.files : [defaultScenarioPath()];
  const { inputs, problems } = readInputs(files, p.io);
  const result = loadScenarioFiles(inputs);
  const all = [...problems, ...result.problems];
  for (const prob of all) p.io.stderr(`${formatProblem(prob)}\n`);
  if (!result.ok || (p.files.length > 0 && unreadableFile(problems))) return { ok: false, exitCode: 1 };
  const applied = applyGlobalOptions(result.scenario, p.globals, { versionGiven: versionGiven(result) });
  if (!applied.ok) {
    for (const e of applied.errors) p.io.stderr(`error: ${e}\n`);
    return { ok: false, exitCode: 2 };
  }
  for (const n of applied.notes) p.io.stderr(`note: ${n}\n`);
  return { ok: true, scenario: applied.scenario, result };
}
