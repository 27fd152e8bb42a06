// Loading the scenario a command works on: files from the command line (or the built-in default
// scenario), problems printed, global options applied. Shared by every command that needs a lab.

import { fileURLToPath } from 'node:url';
import {
  hasErrors,
  loadScenarioFiles,
  setLabSetting,
  settleUserspaceVersion,
  type LoadResult,
  type Problem,
  type Scenario,
  type ScenarioFileInput,
} from '../scenario';
import { EXIT } from './command';
import { DEFAULT_SCENARIO_URL, type CliIo } from './io';
import type { GlobalOptions } from './options';
import { newReport, type Report } from './report';

/** `-` reads the scenario from standard input, as `kubectl apply -f -` does; problems name it STDIN. */
export const STDIN_ARG = '-';

export function readInputs(
  files: readonly string[],
  io: CliIo,
): { inputs: ScenarioFileInput[]; problems: Problem[] } {
  const inputs: ScenarioFileInput[] = [];
  const problems: Problem[] = [];
  for (const arg of files) {
    const name = arg === STDIN_ARG ? 'STDIN' : arg;
    try {
      inputs.push({ name, text: io.readFile(arg) });
    } catch (e) {
      const reason = e instanceof Error ? e.message : String(e);
      const message = `cannot read the file: ${reason}`;
      problems.push({ kind: 'empty', severity: 'error', file: name, path: '', message });
    }
  }
  return { inputs, problems };
}

export function defaultScenarioPath(): string {
  return fileURLToPath(DEFAULT_SCENARIO_URL);
}

/** Whether the files chose a Kubernetes version (written, or read from a cluster snapshot). */
export function versionGiven(result: Extract<LoadResult, { ok: true }>): boolean {
  const read = result.inferred.some((i) => i.setting === 'kubernetesVersion');
  return !result.defaulted.includes('kubernetesVersion') || read;
}

export type CommandScenario =
  | { ok: true; scenario: Scenario; result: Extract<LoadResult, { ok: true }> }
  | { ok: false; exitCode: number };

/**
 * Load `files` (the default scenario when empty) and apply the global options. Problems go to
 * `report` (stderr, or the --json document); like kubectl apply, the command goes on with what loaded
 * (a bad object is skipped; its error still makes the command exit 1 after it printed its result) and
 * stops here with exit code 1 only when nothing usable loaded, or 2 for bad --set/--mode values.
 */
export function loadScenarioForCommand(p: {
  files: readonly string[];
  globals: GlobalOptions;
  io: CliIo;
  /** Without one: problems printed to `io`'s stderr as text. */
  report?: Report;
}): CommandScenario {
  const report = p.report ?? newReport(p.io, { json: false }).report;
  const files = p.files.length > 0 ? p.files : [defaultScenarioPath()];
  const { inputs, problems } = readInputs(files, p.io);
  if (hasErrors(problems)) {
    // A file that cannot be read: going on would silently use less than asked.
    for (const prob of problems) report.problem(prob);
    return { ok: false, exitCode: EXIT.problems };
  }
  const result = loadScenarioFiles(inputs);
  for (const prob of result.problems) report.problem(prob);
  if (!result.ok) return { ok: false, exitCode: EXIT.problems };
  const applied = applyGlobalOptions(result.scenario, p.globals, { versionGiven: versionGiven(result) });
  if (!applied.ok) {
    for (const e of applied.errors) report.fail(EXIT.usage, `error: ${e}`);
    return { ok: false, exitCode: EXIT.usage };
  }
  for (const n of applied.notes) p.io.stderr(`note: ${n}\n`);
  return { ok: true, scenario: applied.scenario, result };
}

export type AppliedOptions = { ok: true; scenario: Scenario; notes: string[] } | { ok: false; errors: string[] };

/**
 * The scenario with the global options' lab settings applied: --mode, then --seed, then each --set
 * in order. `versionGiven: false` (the files gave no kubernetesVersion): userspace mode then runs
 * the last release that had it, with a note saying so.
 */
export function applyGlobalOptions(
  scenario: Scenario,
  opts: GlobalOptions,
  from: { versionGiven?: boolean } = {},
): AppliedOptions {
  const changes: { key: string; value: string }[] = [
    ...(opts.mode !== undefined ? [{ key: 'kubeProxy.mode', value: opts.mode }] : []),
    ...(opts.seed !== undefined ? [{ key: 'seed', value: opts.seed }] : []),
    ...opts.set,
  ];
  let settings = scenario.settings;
  const errors: string[] = [];
  for (const c of changes) {
    const r = setLabSetting(settings, c.key, c.value);
    if (r.ok) settings = r.settings;
    else errors.push(r.message);
  }
  if (errors.length > 0) return { ok: false, errors };
  const versionGiven = (from.versionGiven ?? true) || opts.set.some((c) => c.key === 'kubernetesVersion');
  const settled = settleUserspaceVersion(settings, versionGiven);
  return { ok: true, scenario: { ...scenario, settings: settled.settings }, notes: settled.note ? [settled.note] : [] };
}
