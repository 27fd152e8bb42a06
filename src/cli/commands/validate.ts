// `netlab validate <files...>`: load the files as the lab would and report every problem as
// `file:line:col: path: message`. Exit 1 when any is an error, else print a one-line summary.
// Then a dry run of the apiserver, as `kubectl apply --dry-run=server`: every object that parsed
// goes through the lab's admission (defaulting, validation, allocation) and each refusal is an
// error at the object's (or the field's) file:line:col.

import {
  describeInference,
  formatProblem,
  hasErrors,
  loadScenarioFiles,
  type Problem,
  type Scenario,
} from '../../scenario';
import { locateRefusals } from '../../scenario/refusals';
import type { ObjectSource } from '../../scenario/types';
import { buildEditedLab } from '../../sim/assembly/edits';
import { SUMMARIES } from '../summaries';
import { EXIT, type Command } from '../command';
import { applyGlobalOptions, readInputs, versionGiven } from '../scenario-input';

export const validateCommand: Command = {
  name: 'validate',
  summary: SUMMARIES.validate,
  usage: `netlab validate <files...>

Loads the files as one scenario (netlab scenario files, or plain Kubernetes manifests: multi-document
YAML, JSON, kind: List) and prints each problem. Exits 1 if any problem is an error, else prints a
one-line summary and exits 0. Global options (--mode, --seed, --set) are checked too.
Objects that parse are then sent through the lab's apiserver as a dry run (kubectl apply
--dry-run=server): each refusal (e.g. a nodePort outside 30000-32767) is an error at its file:line:col.`,
  run({ args, globals, io, report: cliReport }) {
    if (args.length === 0) {
      const usage = 'usage: netlab validate <files...>\n';
      return cliReport.fail(EXIT.usage, 'error: validate needs at least one file', usage);
    }
    const read = readInputs(args, io);
    const result = read.inputs.length > 0 ? loadScenarioFiles(read.inputs) : undefined;
    const problems = [...read.problems, ...(result?.problems ?? [])];
    let optionErrors: string[] = [];
    let scenario: Scenario | undefined;
    if (result?.ok) {
      const applied = applyGlobalOptions(result.scenario, globals, { versionGiven: versionGiven(result) });
      if (applied.ok) {
        scenario = applied.scenario;
        for (const n of applied.notes) io.stderr(`note: ${n}\n`);
      }
      else optionErrors = applied.errors;
    }
    if (scenario && result?.ok) problems.push(...dryRun(scenario, result.sources));
    const failed = !result?.ok || hasErrors(problems) || optionErrors.length > 0;
    const warnings = problems.filter((p) => p.severity === 'warning').length;
    const summary = scenario ? summarize(args.length, scenario, warnings) : undefined;

    if (globals.json) {
      const inferred = result?.ok ? result.inferred.map((i) => ({ ...i, text: describeInference(i) })) : [];
      // The JSON contract is the problems as they were: the page's translated framing (note) stays out.
      const plain = problems.map(({ note: _note, ...p }) => p);
      // `errors`: the shape every command's --json error document has (the option errors, as the text prints them).
      const errors = optionErrors.map((e) => ({ message: `error: ${e}` }));
      const summaryIfOk = failed ? undefined : summary;
      const report = { ok: !failed, problems: plain, errors, optionErrors, inferred, summary: summaryIfOk };
      io.stdout(`${JSON.stringify(report, null, 2)}\n`);
    } else {
      for (const p of problems) io.stdout(`${formatProblem(p)}\n`);
      // The lab settings the objects implied, each with what it was read from: `snapshot:` for what a
      // running cluster's snapshot says of its set-up, `note:` for what the lab chose for plain manifests.
      const inferred = result?.ok ? result.inferred : [];
      const fromSnapshot = scenario?.settings.snapshot === true;
      for (const i of inferred) {
        const prefix = fromSnapshot && i.basis.kind !== 'userspace-version' ? 'snapshot' : 'note';
        io.stdout(`${prefix}: ${describeInference(i)}\n`);
      }
      for (const e of optionErrors) io.stdout(`error: ${e}\n`);
      if (!failed && summary) io.stdout(`${summary}\n`);
    }
    if (optionErrors.length > 0) return EXIT.usage;
    return failed ? EXIT.problems : EXIT.ok;
  },
};

/** The apiserver's refusals of the scenario's objects (and saved edits), located in the files. */
function dryRun(scenario: Scenario, sources: readonly ObjectSource[]): Problem[] {
  const s = scenario;
  const lab = buildEditedLab({ settings: s.settings, objects: s.objects, clients: s.clients, edits: s.edits });
  return locateRefusals({ refusals: lab.problems, objects: s.objects, sources }).map((r) => r.problem);
}

/** "ok: 1 file, 4 objects (2 Node, 1 Deployment, 1 Service), 1 client, 3 requests; kube-proxy iptables; 0 warnings" */
export function summarize(files: number, s: Scenario, warnings: number): string {
  const counts = new Map<string, number>();
  for (const o of s.objects) counts.set(o.kind, (counts.get(o.kind) ?? 0) + 1);
  const kinds = [...counts].map(([k, n]) => `${n} ${k}`).join(', ');
  const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;
  return (
    `ok: ${plural(files, 'file')}, ${plural(s.objects.length, 'object')}${kinds ? ` (${kinds})` : ''}, ` +
    `${plural(s.clients.length, 'client')}, ${plural(s.requests.length, 'request')}; ` +
    `kube-proxy ${s.settings.kubeProxy.mode}; ${plural(warnings, 'warning')}`
  );
}
