// What every lab command does first: split its positional arguments into scenario files and the
// rest, load the files (or the default scenario), apply --mode/--seed/--set, and build the lab.

import type { Scenario } from '../scenario';
import { locateRefusals } from '../scenario/refusals';
import { buildEditedLab } from '../sim/assembly/edits';
import type { Lab } from '../sim/assembly/lab';
import type { CommandContext } from './command';
import { loadScenarioForCommand, STDIN_ARG } from './scenario-input';

const FILE = /\.(json|ya?ml)$/i;

/** Leading arguments that name scenario files (by extension, or `-` for standard input), then the command's own
 *  arguments. */
export function splitFiles(args: readonly string[]): { files: string[]; rest: string[] } {
  let i = 0;
  while (i < args.length && (FILE.test(args[i]!) || args[i] === STDIN_ARG)) i++;
  return { files: args.slice(0, i), rest: args.slice(i) };
}

export type LabLoad = { ok: true; scenario: Scenario; lab: Lab; rest: string[] } | { ok: false; exitCode: number };

export function loadLab(ctx: CommandContext): LabLoad {
  const { files, rest } = splitFiles(ctx.args);
  const loaded = loadScenarioForCommand({ files, globals: ctx.globals, io: ctx.io, report: ctx.report });
  if (!loaded.ok) return loaded;
  const s = loaded.scenario;
  // The scenario's cluster as it starts, then the edits saved with it (a lab changed by hand).
  const lab = buildEditedLab({ settings: s.settings, objects: s.objects, clients: s.clients, edits: s.edits });
  // The apiserver's refusals, at the object (or field) in the files, as `validate` prints them.
  const refusals = locateRefusals({ refusals: lab.problems, objects: s.objects, sources: loaded.result.sources });
  for (const r of refusals) ctx.report.problem(r.problem);
  return { ok: true, scenario: s, lab, rest };
}

export function opt(ctx: CommandContext, name: string): string | undefined {
  const v = ctx.options[name];
  return typeof v === 'string' ? v : undefined;
}

export function optList(ctx: CommandContext, name: string): string[] {
  const v = ctx.options[name];
  if (v === undefined) return [];
  return (Array.isArray(v) ? v : [v]).filter((x): x is string => typeof x === 'string');
}
