// Bad inputs, one or more for every place the loader makes a problem (parse.ts, envelope.ts with
// validate.ts's field checks, load.ts, merge.ts, snapshot.ts), for problem-notes.test.ts: each
// problem must carry a note whose English is its message and whose Chinese says nothing in English
// but identifiers and quoted outside text. Small on purpose, except the caps that need size.
// A test fixture: nothing in the app imports this module.

import { LIMITS } from './limits';
import type { ScenarioFileInput } from './types';

export interface BadInput {
  what: string;
  files: ScenarioFileInput[];
}

const scenario = (fields: Record<string, unknown>) =>
  JSON.stringify({ format: 'netlab.scenario', version: 1, ...fields }, null, 2);
const one = (what: string, name: string, text: string): BadInput => ({ what, files: [{ name, text }] });
const node = (name: string) => ({ apiVersion: 'v1', kind: 'Node', metadata: { name } });
const nodesYaml = (n: number, prefix: string) =>
  Array.from({ length: n }, (_, i) => `apiVersion: v1\nkind: Node\nmetadata: {name: ${prefix}-${i}}\n`).join('---\n');

/** The envelope's own fields: gate, settings, sections, entries, edits. */
const ENVELOPE: BadInput[] = [
  one('no format', 's.json', JSON.stringify({ version: 1, objects: [] })),
  one('a format of another tool', 's.json', JSON.stringify({ format: 'kustomize', version: 1 })),
  one('no version', 's.json', JSON.stringify({ format: 'netlab.scenario', objects: [] })),
  one('a version that is no number', 's.json', JSON.stringify({ format: 'netlab.scenario', version: 'one' })),
  one('a version from the future', 's.json', JSON.stringify({ format: 'netlab.scenario', version: 999 })),
  one('objects that are no list', 's.json', scenario({ objects: 5, extra: true })),
  one(
    'settings with every kind of wrong value',
    's.json',
    scenario({
      settings: {
        podCIDR: 'bogus',
        serviceCIDR: 12,
        nodeCIDRMaskSize: 40,
        clusterName: '',
        clusterDomain: 1.5,
        kubernetesVersion: 'v1',
        loadBalancerPool: [1],
        nodeIPs: ['nope'],
        nodePortRange: { min: 'low', max: 70000 },
        gatewayAPI: { install: 'yes' },
        kubeProxy: { mode: 'ebpf', modee: 'ipvs' },
        ingress: [{ controller: 'haproxy' }],
        snapshot: 'no',
        seed: { a: 1 },
        typo: 1,
      },
      objects: [node('n1')],
    }),
  ),
  one('settings that are no map', 's.json', scenario({ settings: [1, 2], objects: [node('n1')] })),
  one(
    'clients, requests and lesson steps with wrong fields',
    's.json',
    scenario({
      objects: [node('n1')],
      clients: [{ name: 'a', address: 'nope' }, { address: '10.0.0.1' }, { name: 'c', address: '10.0.0.2', colour: 1 }],
      requests: [
        { id: 'r', from: 'bad', url: 'http://web/' },
        { id: 5, url: '' },
        { id: 'h', from: 'node:n1', url: 'http://web/', headers: { a: 1 } },
      ],
      lesson: [
        { text: 5 },
        { text: { en: 'x' }, predict: { question: { en: 'q' }, choices: [{ en: 'a' }], answer: -1 } },
        { text: { en: 'x' }, predict: { question: { en: 'q' }, choices: [{ en: 'a' }, { en: 'b' }], answer: 7 } },
        { text: { en: 'x' }, hop: 0.5 },
      ],
    }),
  ),
  one('sections that are no lists', 's.json', scenario({ clients: {}, requests: 'r', lesson: 1, edits: {} })),
  one(
    'too many clients and edits',
    's.json',
    scenario({
      objects: [node('n1')],
      clients: Array.from({ length: LIMITS.maxEntries + 1 }, (_, i) => ({ name: `c${i}`, address: '10.0.0.1' })),
      edits: Array.from({ length: LIMITS.maxEdits + 1 }, () => ({ kind: 'set-proxy-mode', mode: 'ipvs' })),
    }),
  ),
  one(
    'meta and view with wrong fields',
    's.json',
    scenario({
      objects: [node('n1')],
      meta: { title: 5, colour: 'red' },
      view: { lessonStep: -1, layout: { positions: { web: { x: 'left', y: 0 } } } },
    }),
  ),
  one(
    'edits that cannot be replayed',
    's.json',
    scenario({
      objects: [node('n1')],
      edits: [
        { namespace: 'default' },
        { kind: 'scale' },
        { kind: 'set-replicas', namespace: 'default', name: 'web', replicas: LIMITS.maxReplicas + 1 },
        { kind: 'set-pod-ready', namespace: 'default', name: 'web', ready: 'yes', extra: 1 },
        { kind: 'set-proxy-mode', mode: 'ebpf' },
        { kind: 'apply-object', object: { apiVersion: 'v1', kind: 'Service', metadata: { name: 'x' }, spec: 5 } },
      ],
    }),
  ),
];

/** Kubernetes objects the loader refuses or reads otherwise than written. */
const OBJECTS: BadInput[] = [
  one(
    'an invalid Service',
    'svc.yaml',
    'apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {ports: [{port: x}]}',
  ),
  one(
    'a Service and a Pod with every kind of wrong field',
    'objects.yaml',
    [
      'apiVersion: v1',
      'kind: Service',
      'metadata: {name: web}',
      'spec:',
      '  type: Bogus',
      '  selector: 5',
      '  ports: [{port: "x", targetPort: [1], protocol: SCTPX}, {port: -1}]',
      '---',
      'apiVersion: v1',
      'kind: Pod',
      'metadata: {name: p, labels: [a]}',
      'spec: {hostNetwork: "yes", containers: [{image: nginx, ports: [{containerPort: 1.5}]}]}',
    ].join('\n'),
  ),
  one(
    'a Deployment over the lab\'s replicas cap',
    'deploy.yaml',
    [
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata: {name: web}',
      `spec: {replicas: ${LIMITS.maxReplicas + 1}, selector: {matchLabels: {app: web}}, template: {}}`,
    ].join('\n'),
  ),
  one('no apiVersion, no kind', 'x.yaml', 'metadata: {name: x}\nspec: {}\n'),
  one('a kind the cluster does not serve', 'w.yaml', 'apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n'),
  one(
    'an HTTPRoute its CRD refuses',
    'route.yaml',
    [
      'apiVersion: gateway.networking.k8s.io/v1',
      'kind: HTTPRoute',
      'metadata: {name: r}',
      'spec:',
      '  parentRefs: [{name: gw}]',
      '  rules:',
      '    - matches: [{path: {type: PathPrefix, value: "no-slash"}}]',
      '      backendRefs: [{name: web, port: 80}]',
    ].join('\n'),
  ),
  one(
    'a Deployment a cluster served at a version removed since',
    'snap.yaml',
    [
      'apiVersion: extensions/v1beta1',
      'kind: Deployment',
      'metadata: {name: web, uid: "1", resourceVersion: "5"}',
      'spec:',
      '  template:',
      '    metadata: {labels: {app: web}}',
      '    spec: {containers: [{name: c, image: nginx}]}',
    ].join('\n'),
  ),
  one('documents that are no objects', 'x.yaml', ['hello', '42', 'true', '[1]', 'kind: Node'].join('\n---\n')),
  one('list items that are no objects', 'list.yaml', 'apiVersion: v1\nkind: List\nitems: [hello, 3, false, [1], null]'),
  {
    what: 'the same object twice, nothing in a second file',
    files: [
      { name: 'a.yaml', text: 'apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n' },
      { name: 'b.yaml', text: 'apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n' },
      { name: 'c.yaml', text: '# nothing here\n' },
    ],
  },
  { what: 'nothing at all', files: [{ name: 'empty.yaml', text: '' }] },
  one(
    'an Ingress with no class, and no default class',
    'ing.yaml',
    'apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: web}\n' +
      'spec: {defaultBackend: {service: {name: web, port: {number: 80}}}}\n',
  ),
  one(
    'a Job the lab keeps but runs no controller for',
    'job.yaml',
    'apiVersion: batch/v1\nkind: Job\nmetadata: {name: migrate}\n' +
      'spec: {template: {spec: {restartPolicy: Never, containers: [{name: c, image: busybox}]}}}\n',
  ),
  {
    what: 'a loader that cannot read the text',
    files: [{ name: 'odd.yaml', text: { toString: () => { throw new Error('unreadable'); } } as unknown as string }],
  },
];

const DEEP = LIMITS.maxDepth + 1;

/** The parser's refusals and warnings. */
const PARSE: BadInput[] = [
  one('invalid JSON', 'bad.json', '{"kind": }'),
  one('invalid YAML', 'bad.yaml', 'a: b: c\n'),
  one('an unclosed flow sequence', 'bad.yaml', 'a: [1, 2\nb: 3\n'),
  one('an unclosed flow mapping', 'bad.yaml', 'a: {x: 1\nb: 3\n'),
  one('an unclosed double quote', 'bad.yaml', 'a: "abc\nb: 3\n'),
  one('an unclosed single quote', 'bad.yaml', "a: 'abc\nb: 3\n"),
  one('a YAML warning', 'w.yaml', '%YAML 1.3\n---\napiVersion: v1\nkind: Node\nmetadata: {name: n}\n'),
  one('an alias without its anchor', 'a.yaml', 'apiVersion: v1\nkind: Node\nmetadata: {name: n, labels: *nowhere}\n'),
  one('a list used as a key', 'k.yaml', 'apiVersion: v1\nkind: Node\nmetadata:\n  name: n\n  ? [a, b]\n  : 1\n'),
  one('a __proto__ key', 'p.json', '{"apiVersion":"v1","kind":"Node","metadata":{"name":"n","__proto__":{"x":1}}}'),
  one('a file over the size cap', 'big.yaml', `x: "${'a'.repeat(LIMITS.maxBytes)}"\n`),
  one('nesting deeper than the cap (JSON)', 'deep.json', `${'['.repeat(DEEP)}${']'.repeat(DEEP)}`),
  one('indented past the cap', 'deep.yaml', `a:\n${' '.repeat(LIMITS.maxIndent + 1)}b: 1\n`),
  one('mappings opened on one line', 'deep.yaml', `kind: Pod\nx: ${'a: '.repeat(LIMITS.maxDepth + 1)}b\n`),
  one('flow nesting past the cap', 'deep.yaml', `x: ${'['.repeat(DEEP)}${']'.repeat(DEEP)}\n`),
  one('too many values', 'many.json', `[${'0,'.repeat(LIMITS.maxNodes)}0]`),
  one(
    'an alias bomb',
    'lol.yaml',
    'a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n' +
      Array.from({ length: 9 }, (_, i) => `a${i + 1}: &a${i + 1} [${Array(10).fill(`*a${i}`).join(', ')}]\n`).join(''),
  ),
  one('too many objects in one file', 'many.yaml', nodesYaml(LIMITS.maxObjects + 1, 'n')),
  {
    what: 'too many objects in two files together',
    files: [
      { name: 'a.yaml', text: nodesYaml(Math.ceil(LIMITS.maxObjects / 2) + 1, 'a') },
      { name: 'b.yaml', text: nodesYaml(Math.ceil(LIMITS.maxObjects / 2) + 1, 'b') },
    ],
  },
];

/** Several scenario files: what only one of them may give, and references across them. */
const MERGE: BadInput[] = [
  {
    what: 'two scenario files that both give settings, lessons and edits',
    files: [
      {
        name: 'first.json',
        text: scenario({
          settings: { seed: 'a' },
          objects: [node('n1')],
          clients: [{ name: 'laptop', address: '10.0.0.1' }],
          requests: [
            { id: 'r', from: 'external:laptop', url: 'http://web/' },
            { id: 'q', from: 'external:phone', url: 'http://web/' },
          ],
          lesson: [{ text: { en: 'x' }, request: 'missing' }],
          view: { selectedRequest: 'gone' },
          edits: [{ kind: 'set-proxy-mode', mode: 'ipvs' }],
        }),
      },
      {
        name: 'second.json',
        text: scenario({
          settings: { seed: 'b' },
          clients: [{ name: 'laptop', address: '10.0.0.2' }],
          requests: [{ id: 'r', from: 'node:n1', url: 'http://web/' }],
          lesson: [{ text: { en: 'y' } }],
          edits: [{ kind: 'set-proxy-mode', mode: 'iptables' }],
        }),
      },
    ],
  },
];

/** A cluster snapshot (kubectl get -o yaml) whose kube-proxy settings the lab cannot take. */
const SNAPSHOT: BadInput[] = [
  ...[
    ['mode: ebpf', 'a mode the lab does not model'],
    ['mode: [', 'a config that is not YAML'],
  ].map(([conf, what]) =>
    one(
      `a snapshot with ${what!}`,
      'cluster.yaml',
      [
        'apiVersion: v1',
        'kind: List',
        'items:',
        '  - apiVersion: v1',
        '    kind: ConfigMap',
        '    metadata: {name: kube-proxy, namespace: kube-system, uid: "1", resourceVersion: "9"}',
        `    data: {config.conf: ${JSON.stringify(conf)}}`,
        '  - apiVersion: v1',
        '    kind: Pod',
        '    metadata: {name: p, namespace: prod, uid: "2"}',
        '    spec: {containers: [{name: c, image: nginx}]}',
      ].join('\n'),
    ),
  ),
];

export const BAD_INPUTS: readonly BadInput[] = [...ENVELOPE, ...OBJECTS, ...PARSE, ...MERGE, ...SNAPSHOT];
