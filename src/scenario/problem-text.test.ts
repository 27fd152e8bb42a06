import { describe, expect, it } from 'vitest';
import { loadScenarioFiles, loadScenarioText } from './load';
import { problemText, problemTextsEn, problemTextsZh, renderProblemNote, type ProblemNoteKey } from './problem-text';
import type { Problem } from './problem';

const keys = Object.keys(problemTextsEn) as ProblemNoteKey[];
const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
// Words a Chinese text may keep: names of tools and formats, and the scenario fields it names.
const KEPT = new Set(['YAML', 'JSON', 'netlab', 'kubectl', 'apply', 'Kubernetes', 'apiserver', 'kube', 'proxy', 'IPv', 'CIDR']);
// Values a Chinese text may name as they are written in a file.
const VALUES = new Set(['true', 'false', 'null']);
const FIELDS = new Set([
  'settings', 'lesson', 'edits', 'from', 'id', 'view', 'selectedRequest', 'request', 'apiVersion', 'kind', 'metadata', 'format',
  'meta',
]);

describe('the load problems\' framing in both languages', () => {
  it('has every key in English and Chinese, with the same placeholders', () => {
    expect(Object.keys(problemTextsZh).sort()).toEqual([...keys].sort());
    for (const key of keys) {
      expect(problemTextsZh[key].trim(), key).not.toBe('');
      expect(placeholders(problemTextsZh[key]), key).toEqual(placeholders(problemTextsEn[key]));
    }
  });

  it('says nothing in English in the Chinese texts but tool and format names', () => {
    for (const key of keys) {
      const words = problemTextsZh[key].replace(/\{\w+\}/g, '').match(/[A-Za-z]+/g) ?? [];
      expect(words.filter((w) => !KEPT.has(w) && !FIELDS.has(w) && !VALUES.has(w)), key).toEqual([]);
    }
  });
});

const errorsOf = (problems: readonly Problem[]) => problems.filter((p) => p.severity === 'error');

describe('real load problems rendered for the page', () => {
  const invalidService = [
    'apiVersion: v1',
    'kind: Service',
    'metadata: {name: web}',
    'spec:',
    '  ports:',
    '    - port: 80',
    '      protocol: SCTPX',
  ].join('\n');
  const cases: { what: string; problems: () => readonly Problem[]; english: string; kept: string }[] = [
    {
      what: 'an object the schema refuses',
      problems: () => errorsOf(loadScenarioText('svc.yaml', invalidService).problems),
      english: 'is invalid, not loaded',
      // The field and the value as written; the check's apiserver-style framing is the lab's (next test).
      kept: 'spec.ports[0].protocol',
    },
    {
      what: 'a YAML syntax error',
      problems: () => errorsOf(loadScenarioText('bad.yaml', 'a: [1, 2\nb: 3\n').problems),
      english: 'invalid YAML',
      // The parser's own words stay as it wrote them.
      kept: 'Flow sequence',
    },
    {
      what: 'a JSON syntax error',
      problems: () => errorsOf(loadScenarioText('bad.json', '{"kind": }').problems),
      english: 'invalid JSON',
      kept: 'JSON',
    },
    {
      what: 'a scenario from a newer netlab',
      problems: () => errorsOf(loadScenarioText('new.json', '{"format": "netlab.scenario", "version": 999}').problems),
      english: 'written by a newer netlab',
      kept: '999',
    },
    {
      what: 'an object defined twice',
      problems: () =>
        loadScenarioFiles([
          { name: 'a.yaml', text: 'apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n' },
          { name: 'b.yaml', text: 'apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n' },
        ]).problems.filter((p) => p.kind === 'duplicate'),
      english: 'is defined twice',
      kept: 'a.yaml:1:1',
    },
    {
      what: 'a document that is text, not an object',
      problems: () => errorsOf(loadScenarioText('x.yaml', 'hello\n').problems),
      english: 'expected a Kubernetes object',
      kept: '"hello"',
    },
    {
      what: 'an unknown field of a scenario file',
      problems: () =>
        loadScenarioText('s.json', '{"format": "netlab.scenario", "version": 1, "objects": [], "extra": 1}')
          .problems.filter((p) => p.kind === 'envelope'),
      english: 'unknown field, ignored',
      kept: 'extra',
    },
  ];

  for (const c of cases) {
    it(`${c.what}: English as the CLI prints it, Chinese framing around Kubernetes' own words`, () => {
      const problems = c.problems();
      expect(problems.length).toBeGreaterThan(0);
      for (const p of problems) {
        expect(p.note, p.message).toBeDefined();
        expect(p.message).toContain(c.english);
        expect(problemText('en', p)).toBe(p.message);
        const zh = problemText('zh', p);
        expect(zh).not.toContain(c.english);
        expect(zh).toContain(c.kept);
        expect(zh).toMatch(/[\u4e00-\u9fff]/);
      }
    });
  }

  it('an object\'s field error: the lab\'s apiserver-style check framed in Chinese, the values verbatim', () => {
    const [p] = errorsOf(loadScenarioText('svc.yaml', invalidService).problems);
    const supported = '"TCP", "UDP", "SCTP"';
    expect(p!.message).toBe(
      `Service "web" is invalid, not loaded: spec.ports[0].protocol: Unsupported value: "SCTPX": supported values: ${supported}`,
    );
    expect(problemText('zh', p!)).toBe(
      `Service "web" 无效，未载入：spec.ports[0].protocol：不支持的值 "SCTPX"：支持的值为 ${supported}`,
    );
  });

  it('keeps a problem without a note as written, in both languages', () => {
    const p: Problem = { kind: 'refused', severity: 'error', file: 'x', path: '', message: 'Error from server (Invalid): x' };
    expect(problemText('zh', p)).toBe(p.message);
  });

  it('fills each placeholder once, leaving braces in a parameter alone', () => {
    const text = renderProblemNote('en', { key: 'problem.invalidYaml', params: { detail: 'at {detail} $& x' } });
    expect(text).toBe('invalid YAML: at {detail} $& x');
  });
});
