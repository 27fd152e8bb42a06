// Every problem the loader can make reaches the page in the reader's language: walked over bad
// inputs that reach every producer (bad-inputs.ts), each problem carries a note whose English is
// its message (what the CLI prints) and whose Chinese, once the parameters (identifiers, paths,
// values, and quoted kubectl/apiserver/parser text) are taken out, has no English words left.

import { describe, expect, it } from 'vitest';
import { BAD_INPUTS } from './bad-inputs';
import { loadScenarioFiles } from './load';
import type { Problem } from './problem';
import { problemTextsEn, renderProblemNote, type ProblemNote, type ProblemNoteKey } from './problem-text';
import { locateRefusals } from './refusals';

/** Keys whose `detail` is text from outside the lab (kubectl, the apiserver, a parser, zod), kept as written. */
const VERBATIM: ReadonlySet<ProblemNoteKey> = new Set<ProblemNoteKey>([
  'problem.objectInvalid',
  'problem.editObjectInvalid',
  'problem.crdInvalid',
  'problem.invalidJson',
  'problem.invalidYaml',
  'problem.unclosed.flowSeq',
  'problem.unclosed.flowMap',
  'problem.unclosed.double',
  'problem.unclosed.single',
  'problem.yamlWarning',
  'problem.noObjectsPassed',
  'problem.validatingData',
  'problem.unknownKind',
  'problem.refused',
  'problem.proxyConfigNotYaml',
  'problem.migrationFailed',
  'problem.internal',
  'problem.loaderFailed',
  'field.invalidDetail',
]);

/** Keys framing a Kubernetes object's own field error (load.ts, envelope.ts's replayed apply-object). */
const OBJECT_FIELD: ReadonlySet<ProblemNoteKey> = new Set<ProblemNoteKey>([
  'problem.objectInvalid',
  'problem.editObjectInvalid',
]);

/** Words a Chinese rendering keeps once its parameters are out: tool and format names, the file's field names. */
const KEPT = new Set([
  ...['YAML', 'JSON', 'netlab', 'kubectl', 'apply', 'Kubernetes', 'apiserver', 'kube', 'proxy', 'IPv', 'CIDR'],
  ...['settings', 'lesson', 'edits', 'from', 'view', 'meta', 'selectedRequest', 'request'],
  ...['apiVersion', 'kind', 'metadata', 'format', 'true', 'false', 'null'],
]);

/** Keys no input file can reach, and why. */
const UNREACHED: Readonly<Partial<Record<ProblemNoteKey, string>>> = {
  'problem.loaderFailed': 'the store reports a loader that threw (src/state/store.ts runLoader)',
  'problem.migrationFailed': 'a migration that throws is a bug in netlab; none does today',
  'problem.settingsUnreadable': 'settings still wrong after twelve rounds of dropping the bad fields',
  'problem.notAnObject.empty': 'the parser leaves an empty document out (a file of them has no objects)',
  'problem.notAnObject.value': 'a parsed document is text, a number, true/false, a list, a map or null',
  'problem.notAnObjectSkipped.value': 'the same for a list item',
  'field.invalid': 'a value still wrong after eight rounds of dropping unknown fields',
  'field.invalidDetail': "zod's custom checks: none of the envelope's schemas has one",
  'field.type.other': "a zod type the envelope's schemas do not use",
  'field.format': "a string format the envelope's schemas do not use",
  'field.keysStrings': 'a parsed map always has text keys',
  'field.type.int': "zod says a non-number for an integer field is no number (field.type.number)",
  'field.maxItems': "an array cap: the envelope's lists are capped before their check (field.tooManyRead)",
  'setting.unknown': 'a setting set by name, on the command line or in the console (settings.test.ts), not a file',
  'setting.group': 'the same',
  'setting.invalid': 'the same',
};

/** The note with every value parameter emptied (a nested note kept, itself emptied). */
function withoutValues(note: ProblemNote): ProblemNote {
  const params = Object.fromEntries(
    Object.entries(note.params).map(([k, v]) => [k, typeof v === 'object' ? withoutValues(v) : '']),
  );
  return { key: note.key, params };
}

/** Every note inside `note`, itself first. */
function notesIn(note: ProblemNote): ProblemNote[] {
  return [note, ...Object.values(note.params).flatMap((v) => (typeof v === 'object' ? notesIn(v) : []))];
}

/** English words left in the Chinese rendering once the values are out, but the kept ones. */
function englishLeft(note: ProblemNote): string[] {
  const zh = renderProblemNote('zh', withoutValues(note));
  return (zh.match(/[A-Za-z]{3,}/g) ?? []).filter((w) => !KEPT.has(w));
}

/** The lab's own fields of a scenario file: their checks are ours, in both languages, nothing quoted. */
const OWN_FIELD =
  /^\/(format|version|objects$|settings|clients|requests|lesson|meta|view|edits(?!\/\d+\/object))(\/|$)/;

function problemsOf(files: Parameters<typeof loadScenarioFiles>[0]): Problem[] {
  const r = loadScenarioFiles(files);
  if (!r.ok) return r.problems;
  // What the apiserver refuses of what loaded is reported the same way (refusals.ts).
  const refusal = { ref: { kind: 'Node', name: 'n1' }, field: 'metadata.name', reason: 'Invalid', message: 'x' };
  const located = locateRefusals({ refusals: [refusal], objects: r.scenario.objects, sources: r.sources });
  return [...r.problems, ...located.map((l) => l.problem)];
}

const seen = new Set<ProblemNoteKey>();
const TIMEOUT_MS = 300_000; // the caps' inputs are megabytes; a ceiling for a loaded machine, not a measure

describe('every load problem in the reader\'s language', () => {
  for (const input of BAD_INPUTS) {
    it(`${input.what}: a note for each problem, English as the CLI prints it, Chinese but for values`, () => {
      const problems = problemsOf(input.files);
      expect(problems.length, input.what).toBeGreaterThan(0);
      for (const p of problems) {
        expect(p.note, p.message).toBeDefined();
        const note = p.note!;
        expect(renderProblemNote('en', note)).toBe(p.message);
        expect(englishLeft(note), renderProblemNote('zh', note)).toEqual([]);
        const quoting = notesIn(note).filter((n) => Object.hasOwn(n.params, 'detail')).map((n) => n.key);
        expect(quoting.filter((k) => !VERBATIM.has(k)), p.message).toEqual([]);
        if (OWN_FIELD.test(p.path)) expect(quoting, `${p.path}: ${p.message}`).toEqual([]);
        // An object's own field error is the lab's check in the apiserver's style: a note the page frames
        // in the reader's language (its values verbatim), never English text quoted whole.
        if (OBJECT_FIELD.has(note.key)) expect(typeof note.params.detail, p.message).toBe('object');
        for (const n of notesIn(note)) seen.add(n.key);
      }
    }, TIMEOUT_MS);
  }

  it('reaches every entry of the table but the ones no file can reach', () => {
    const all = Object.keys(problemTextsEn) as ProblemNoteKey[];
    expect(all.filter((k) => !seen.has(k) && !Object.hasOwn(UNREACHED, k))).toEqual([]);
    // An entry said to be unreachable that a file does reach must leave the list.
    expect(Object.keys(UNREACHED).filter((k) => seen.has(k as ProblemNoteKey))).toEqual([]);
  });
});
