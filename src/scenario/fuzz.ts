// Generated and mutated inputs for the loader, and the property every one must satisfy: nothing
// throws out of loadScenarioFiles, every problem says where and why, nothing pollutes a prototype,
// and whatever loads can be written back out and loaded again. Used by fuzz.test.ts (10,000 inputs
// per test run) and scripts/fuzz.ts (`npm run fuzz`, 100,000).
// fast-check is a dev dependency: nothing in the app imports this module.

import fc from 'fast-check';
import { stringify } from 'yaml';
import { loadScenarioFiles } from './load';
import { serializeScenario } from './export';
import type { ProblemKind } from './problem';
import { renderProblemNote } from './problem-text';
import type { ScenarioFileInput } from './types';

// Built from pieces rather than fc.stringMatching, which is slow to generate.
const name = fc
  .tuple(fc.constantFrom('web', 'api', 'db', 'node', 'laptop', 'a', 'x-1'), fc.nat({ max: 40 }))
  .map(([w, n]) => (n === 0 ? w : `${w}-${n}`));
const labels = fc.dictionary(fc.constantFrom('app', 'tier', 'version'), fc.constantFrom('web', 'api', 'v1'), {
  maxKeys: 2,
});
const port = fc.integer({ min: 1, max: 65535 });

const node = name.map((n) => ({ apiVersion: 'v1', kind: 'Node', metadata: { name: n } }));
const deployment = fc
  .record({ n: name, l: labels, r: fc.integer({ min: 0, max: 5 }), p: port })
  .map(({ n, l, r, p }) => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: n, labels: l },
    spec: {
      replicas: r,
      selector: { matchLabels: l },
      template: {
        metadata: { labels: l },
        spec: { containers: [{ name: 'c', image: 'nginx', ports: [{ containerPort: p }] }] },
      },
    },
  }));
const service = fc
  .record({
    n: name,
    l: labels,
    t: fc.constantFrom('ClusterIP', 'NodePort', 'LoadBalancer'),
    p: port,
    tp: fc.oneof(port, name),
  })
  .map(({ n, l, t, p, tp }) => ({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: n, namespace: 'default' },
    spec: { type: t, selector: l, ports: [{ port: p, targetPort: tp }] },
  }));
const other = name.map((n) => ({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: n } }));
const unknownKind = name.map((n) => ({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: n } }));
const k8sObject = fc.oneof(node, deployment, service, other, unknownKind);

const settings = fc.record(
  {
    podCIDR: fc.constantFrom('10.244.0.0/16', '10.0.0.0/8', 'bogus'),
    kubeProxy: fc.record(
      { mode: fc.constantFrom('iptables', 'ipvs', 'nftables', 'userspace', 'ebpf') },
      { requiredKeys: [] },
    ),
    seed: fc.string({ maxLength: 8 }),
    loadBalancerPool: fc.array(fc.constantFrom('192.168.49.200/29', '10.1.1.1'), { maxLength: 2 }),
  },
  { requiredKeys: [] },
);

const envelope = fc.record({
  format: fc.constant('netlab.scenario'),
  version: fc.constantFrom(0, 1, 1, 1, 2),
  settings,
  objects: fc.array(k8sObject, { maxLength: 6 }),
  clients: fc.array(fc.record({ name, address: fc.constantFrom('192.168.49.100', '10.0.0.1', 'nope') }), {
    maxLength: 2,
  }),
  requests: fc.array(
    fc.record({
      id: name,
      from: fc.constantFrom('external:laptop', 'node:node-1', 'bad'),
      url: fc.constant('http://web/'),
    }),
    { maxLength: 2 },
  ),
});

/** Values chosen to break things: hostile keys, huge and odd numbers, odd unicode. */
const nasty: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(1e308, -1e308, 2 ** 64, -0, 0.5, Number.MAX_SAFE_INTEGER + 2, 1000001, -1),
  fc.constantFrom('\u0000', '\ud800', '\u202e', '\ufeff', 'a\u0301', '𝔘𝔫𝔦', '名字', '', ' '.repeat(300)),
  fc.constantFrom(
    { __proto__: null, polluted: 1 },
    JSON.parse('{"__proto__": {"polluted": 1}}'),
    { constructor: { prototype: { polluted: 1 } } },
  ),
  fc.constantFrom(null, true, [], {}, [[[[[]]]]]),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.jsonValue({ maxDepth: 3 }),
);

type Json = unknown;

/** Replace or delete the value at a random place in the tree (index picks the place). */
function mutate(value: Json, at: number, replacement: unknown, remove: boolean): Json {
  let i = 0;
  const walk = (v: Json): Json => {
    const here = i++;
    if (here === at) return remove ? undefined : replacement;
    if (Array.isArray(v)) return v.map(walk).filter((x) => x !== undefined);
    if (v && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) {
        const w = walk(x);
        if (w !== undefined) out[k] = w;
      }
      if (here === at + 1 && !remove) {
        Object.defineProperty(out, '__proto__', { value: { polluted: 1 }, enumerable: true });
      }
      return out;
    }
    return v;
  };
  return walk(value);
}

function render(value: unknown, asYaml: boolean): string {
  if (asYaml) {
    try {
      return stringify(value);
    } catch {
      return String(value);
    }
  }
  return JSON.stringify(value) ?? 'null';
}

const file = (text: fc.Arbitrary<string>, ext: fc.Arbitrary<string> = fc.constantFrom('.json', '.yaml', '.yml', '')) =>
  fc.record({ name: ext.map((e) => `f${e}`), text });

const valid = fc.tuple(envelope, fc.boolean()).map(([e, y]) => render(e, y));
const mutated = fc
  .tuple(envelope, fc.nat({ max: 80 }), nasty, fc.boolean(), fc.boolean())
  .map(([e, at, r, rm, y]) => render(mutate(e, at, r, rm), y));
const manifests = fc
  .array(k8sObject, { minLength: 1, maxLength: 5 })
  .map((objs) => objs.map((o) => stringify(o)).join('---\n'));
const list = fc
  .array(k8sObject, { maxLength: 5 })
  .map((items) => JSON.stringify({ apiVersion: 'v1', kind: 'List', items }));
const truncated = fc
  .tuple(fc.oneof(valid, manifests), fc.double({ min: 0, max: 1, noNaN: true }))
  .map(([t, f]) => t.slice(0, Math.floor(t.length * f)));
const deep = fc
  .tuple(fc.integer({ min: 1, max: 1200 }), fc.constantFrom('[', '{"a":', '- ', '  ', 'a: ', '{a: ', '? '))
  .map(([n, unit]) =>
    unit === '  '
      ? Array.from({ length: Math.min(n, 600) }, (_, i) => `${' '.repeat(i)}k:`).join('\n')
      : `${unit.repeat(n)}1`,
  );
const aliasBomb = fc.tuple(fc.integer({ min: 1, max: 12 }), fc.boolean()).map(([n, merge]) => {
  let t = merge ? 'a0: &a0 {x: 1, y: 2}\n' : 'a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n';
  for (let i = 1; i <= n; i++) {
    const refs = Array(10).fill(`*a${i - 1}`).join(', ');
    // Merge keys nest maps through aliases too; a self-reference must be refused, not followed.
    t += merge ? `a${i}: &a${i} {<<: [${refs}], k${i}: {<<: *a${i - 1}}}\n` : `a${i}: &a${i} [${refs}]\n`;
  }
  return merge && n % 3 === 0 ? `${t}self: &s {<<: *s}\n` : t;
});
const randomText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.string({ unit: 'grapheme', maxLength: 200 }),
  fc.uint8Array({ maxLength: 200 }).map((b) => String.fromCharCode(...b)),
  fc.jsonValue().map((v) => JSON.stringify(v)),
);
const protoText = fc.tuple(envelope, fc.constantFrom('__proto__', 'constructor', 'prototype')).map(([e, key]) =>
  JSON.stringify(e)
    .replace('"metadata":{', `"metadata":{"${key}":{"polluted":1},`)
    .replace('"settings":{', `"settings":{"${key}":{"polluted":1},`),
);

/** The families by name, for measuring. */
export const FAMILIES = { valid, mutated, manifests, list, truncated, deep, aliasBomb, randomText, protoText };

/** One to three files, drawn from every family above. */
export function fuzzInputs(): fc.Arbitrary<ScenarioFileInput[]> {
  const one = fc.oneof(
    { weight: 3, arbitrary: file(valid) },
    { weight: 4, arbitrary: file(mutated) },
    { weight: 2, arbitrary: file(manifests, fc.constantFrom('.yaml', '')) },
    { weight: 1, arbitrary: file(list) },
    { weight: 2, arbitrary: file(truncated) },
    { weight: 1, arbitrary: file(deep) },
    { weight: 1, arbitrary: file(aliasBomb, fc.constant('.yaml')) },
    { weight: 2, arbitrary: file(randomText) },
    { weight: 2, arbitrary: file(protoText) },
  );
  return fc.array(one, { minLength: 1, maxLength: 3 });
}

const KINDS: readonly ProblemKind[] = [
  ...['too-large', 'syntax', 'empty', 'envelope', 'version', 'migration', 'unknown-kind'] as const,
  ...['invalid', 'setting', 'duplicate', 'reference', 'internal'] as const,
];
/** Problems about one field must point at it. */
const FIELD_KINDS: readonly ProblemKind[] = ['unknown-kind', 'invalid', 'setting'];

/** Why the loader misbehaved on `files`, or undefined when it did what it promises. */
export function checkLoad(files: ScenarioFileInput[]): string | undefined {
  let result;
  try {
    result = loadScenarioFiles(files);
  } catch (e) {
    return `threw: ${e instanceof Error ? e.stack : String(e)}`;
  }
  const polluted = Object.keys(Object.prototype).length > 0 || ({} as Record<string, unknown>).polluted !== undefined;
  if (polluted) return 'Object.prototype was polluted';
  for (const p of result.problems) {
    if (p.kind === 'internal') return `internal error: ${p.message}`;
    if (!KINDS.includes(p.kind)) return `problem of unknown kind ${String(p.kind)}`;
    if (p.severity !== 'error' && p.severity !== 'warning') return `bad severity ${String(p.severity)}`;
    if (typeof p.file !== 'string' || p.file === '') return 'problem without a file';
    if (typeof p.message !== 'string' || p.message.trim() === '') return 'problem without a reason';
    // The page renders the note in the reader's language: its English is what the CLI prints.
    if (!p.note || renderProblemNote('en', p.note) !== p.message) return `problem without its note: ${p.message}`;
    const pointer = typeof p.path === 'string' && (p.path === '' || p.path.startsWith('/'));
    if (!pointer) return `bad JSON pointer ${String(p.path)}`;
    if ((p.line === undefined) !== (p.column === undefined)) return 'line without column';
    const placed = (n: number | undefined) => Number.isInteger(n) && (n ?? 0) >= 1;
    if (p.line !== undefined && !(placed(p.line) && placed(p.column))) return 'bad line:column';
    if (FIELD_KINDS.includes(p.kind) && p.path === '') return `field problem without a path: ${p.message}`;
  }
  if (!result.ok) {
    return result.problems.some((p) => p.severity === 'error') ? undefined : 'ok: false without an error';
  }
  const s = result.scenario;
  if (result.sources.length !== s.objects.length) return 'sources not parallel to objects';
  // Loading the exported form again validates every object and every setting once more.
  const again = loadScenarioFiles([{ name: 'again.json', text: serializeScenario(s) }]);
  if (!again.ok) return `exported scenario does not load: ${again.problems.map((p) => p.message).join('; ')}`;
  const errors = again.problems.filter((p) => p.severity === 'error');
  if (errors.length > 0) return `exported scenario has errors: ${errors.map((p) => p.message).join('; ')}`;
  if (again.scenario.objects.length !== s.objects.length) return 'exported scenario lost objects';
  return undefined;
}
