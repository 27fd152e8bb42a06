import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { defaultLabSettings } from '../sim/lab';
import {
  formatProblem,
  LIMITS,
  loadScenarioFiles,
  loadScenarioText,
  mergeScenarios,
  MIGRATIONS,
  partFromScenario,
  serializeScenario,
  toManifests,
  type LoadResult,
  type Problem,
} from './index';

const repo = (p: string) => fileURLToPath(new URL(`../../${p}`, import.meta.url));

function loaded(r: LoadResult) {
  if (!r.ok) throw new Error(`expected a scenario, got: ${r.problems.map(formatProblem).join('\n')}`);
  return r;
}
const errors = (ps: Problem[]) => ps.filter((p) => p.severity === 'error');
const names = (r: LoadResult) => loaded(r).scenario.objects.map((o) => `${o.kind}/${o.metadata.name}`);

const deployment = (name: string, replicas = 1) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name },
  spec: {
    replicas,
    selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } },
  },
});

describe('tolerant loading of Kubernetes manifests', () => {
  it('drops a Service with no metadata.name and says where, loading the rest', () => {
    const text = [
      'apiVersion: v1',
      'kind: Service',
      'metadata:',
      '  namespace: default',
      'spec:',
      '  ports:',
      '  - port: 80',
      '---',
      'apiVersion: v1',
      'kind: Namespace',
      'metadata:',
      '  name: shop',
      '',
    ].join('\n');
    const r = loaded(loadScenarioText('svc.yaml', text));
    expect(names(r)).toEqual(['Namespace/shop']);
    expect(errors(r.problems)).toEqual([
      expect.objectContaining({ file: 'svc.yaml', line: 4, column: 3, document: 0, path: '/metadata/name', kind: 'invalid' }),
    ]);
    expect(r.problems[0].message).toContain('metadata.name: Required value');
  });

  it('drops an object with no metadata at all, in the apiserver words "metadata.name: Required value"', () => {
    const r = loadScenarioText('a.json', JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap' }));
    expect(r.ok).toBe(false);
    expect(r.problems[0].message).toContain('metadata.name: Required value');
  });

  it('points at the wrong field with its line and column, in apiserver wording', () => {
    const text = `apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  type: Nodeport
  ports:
  - port: http
`;
    const r = loadScenarioText('web.yaml', text);
    expect(r.ok).toBe(false);
    const byPath = Object.fromEntries(r.problems.map((p) => [p.path, p]));
    expect(byPath['/spec/type']).toMatchObject({ line: 6, column: 9 });
    expect(byPath['/spec/type'].message).toBe(
      'Service "web" is invalid, not loaded: spec.type: Unsupported value: "Nodeport": supported values: "ClusterIP", "NodePort", "LoadBalancer", "ExternalName"',
    );
    expect(byPath['/spec/ports/0/port']).toMatchObject({ line: 8, column: 11 });
    expect(byPath['/spec/ports/0/port'].message).toContain('spec.ports[0].port: Invalid value: "http"');
  });

  it('reports a label with a number value the way the apiserver refuses it', () => {
    const r = loadScenarioText('p.yaml', 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n  labels:\n    version: 2\n');
    expect(r.problems[0]).toMatchObject({ path: '/metadata/labels/version', line: 6, column: 14 });
    expect(r.problems[0].message).toContain('metadata.labels.version: Invalid value: 2: must be a string');
  });

  it('reports an unknown kind as kubectl does and keeps loading the others', () => {
    const text = 'apiVersion: example.com/v1\nkind: Foo\nmetadata:\n  name: x\n---\napiVersion: v1\nkind: Node\nmetadata:\n  name: node-1\n';
    const r = loaded(loadScenarioText('file.yaml', text));
    expect(names(r)).toEqual(['Node/node-1']);
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]).toMatchObject({ kind: 'unknown-kind', line: 2, column: 7, path: '/kind' });
    expect(r.problems[0].message).toBe(
      'resource mapping not found for name: "x" namespace: "" from "file.yaml": no matches for kind "Foo" in version "example.com/v1"; ensure CRDs are installed first',
    );
  });

  it('refuses a simulated kind at a version the apiserver no longer serves (extensions/v1beta1 Ingress)', () => {
    const r = loadScenarioText('old.yaml', 'apiVersion: extensions/v1beta1\nkind: Ingress\nmetadata: {name: web, namespace: shop}\n');
    expect(r.problems[0].message).toContain('namespace: "shop"');
    expect(r.problems[0].message).toContain('no matches for kind "Ingress" in version "extensions/v1beta1"');
  });

  it('keeps a custom resource when a CustomResourceDefinition in the scenario defines it', () => {
    const crd = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'widgets.example.com' },
      spec: { group: 'example.com', scope: 'Namespaced', names: { kind: 'Widget', plural: 'widgets' }, versions: [{ name: 'v1' }] },
    };
    const widget = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } };
    const r = loaded(loadScenarioFiles([{ name: 'w.json', text: JSON.stringify(widget) }, { name: 'crd.json', text: JSON.stringify(crd) }]));
    expect(names(r)).toEqual(['Widget/w', 'CustomResourceDefinition/widgets.example.com']);
    expect(r.problems).toEqual([]);
  });

  it('keeps built-in kinds it does not simulate (ServiceAccount, ClusterRole) as they are', () => {
    const text = 'apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: sa}\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: r}\nrules: []\n';
    const r = loaded(loadScenarioText('rbac.yaml', text));
    expect(r.scenario.objects[1]).toEqual({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'r' }, rules: [] });
  });

  it('reads YAML anchors, aliases and merge keys as kubectl does', () => {
    const text = [
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata:',
      '  name: c',
      '  labels: &common {app: web, tier: front}',
      '  annotations:',
      '    <<: *common',
      '    tier: back',
      'data:',
      '  a: &x hello',
      '  b: *x',
      '',
    ].join('\n');
    const r = loaded(loadScenarioText('c.yaml', text));
    expect(r.problems).toEqual([]);
    expect(r.scenario.objects[0]).toMatchObject({
      metadata: { labels: { app: 'web', tier: 'front' }, annotations: { app: 'web', tier: 'back' } },
      data: { a: 'hello', b: 'hello' },
    });
  });

  it('says "kind not set" for a document without kind', () => {
    const r = loadScenarioText('x.yaml', 'apiVersion: v1\nmetadata: {name: a}\n');
    expect(r.problems[0].message).toBe('error validating data: [kind not set]; skipped');
  });

  it('reads a kind: List item by item, with each item located', () => {
    const list = { apiVersion: 'v1', kind: 'List', items: [deployment('a'), { apiVersion: 'v1', kind: 'Service', metadata: {} }, deployment('b')] };
    const r = loaded(loadScenarioText('list.json', JSON.stringify(list, null, 2)));
    expect(names(r)).toEqual(['Deployment/a', 'Deployment/b']);
    expect(r.problems[0]).toMatchObject({ path: '/items/1/metadata/name', line: 38 });
    expect(r.sources.map((s) => s.path)).toEqual(['/items/0', '/items/2']);
  });

  it('gives line and column in the right document of a multi-document stream', () => {
    const text = '# comment\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n---\n\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n    ports:\n    - containerPort: "80"\n';
    const r = loaded(loadScenarioText('multi.yaml', text));
    expect(r.problems).toEqual([
      expect.objectContaining({ line: 16, column: 22, document: 2, path: '/spec/containers/0/ports/0/containerPort' }),
    ]);
    // The comment and the first `---` belong to the first document; the empty one in the middle still counts.
    expect(r.sources[0]).toMatchObject({ line: 3, column: 1, document: 0 });
  });

  it('reports a YAML syntax error with its line and column and loads nothing from that document', () => {
    const r = loadScenarioText('bad.yaml', 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: [a\n');
    expect(r.ok).toBe(false);
    expect(r.problems[0]).toMatchObject({ kind: 'syntax', line: expect.any(Number) });
    expect(r.problems[0].message).toMatch(/^invalid YAML/);
  });

  it.each([
    ['a flow sequence', 'kind: Service\nspec:\n  ports:\n  - targetPort: [oops\n', 4, 17, /flow sequence "\[" opened here is never closed/],
    ['a flow mapping inside a sequence', 'x: [1, {a: 2]\n', 1, 8, /flow mapping "\{" opened here/],
    ['a double-quoted string', 'a: "abc\nb: 1\n', 1, 4, /double-quoted string opened here/],
  ])('points at where %s that never closes opened, once, with no follow-on error', (_what, text, line, column, message) => {
    const r = loadScenarioText('bad.yaml', text);
    expect(r.ok).toBe(false);
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]).toMatchObject({ kind: 'syntax', line, column, message: expect.stringMatching(message) });
  });

  // The place is said once, as file:line:col: the parser's own "at line 4, column 1:" and JSON.parse's
  // "at position 107" are left out of the message, which no longer ends on a dangling colon.
  it.each([
    ['tabs.yaml', 'apiVersion: v1\nkind: Service\nmetadata:\n\tname: web\n', 4, 1],
    ['bad.json', '{\n  "apiVersion": "v1",\n  "kind": "Namespace",\n}\n', 4, 1],
  ])('says where %s is wrong once, in the problem\'s line and column', (file, text, line, column) => {
    const r = loadScenarioText(file, text);
    expect(r.problems[0]).toMatchObject({ kind: 'syntax', line, column });
    const { message } = r.problems[0]!;
    expect(message).not.toMatch(/at line \d|column \d|position \d|:$/);
  });

  it('reports a JSON syntax error with its line and column', () => {
    const r = loadScenarioText('bad.json', '{\n  "apiVersion": "v1",\n  "kind": "Namespace",\n}\n');
    expect(r.ok).toBe(false);
    expect(r.problems[0]).toMatchObject({ kind: 'syntax', line: 4, column: 1 });
  });

  it('says "no objects passed to apply" for an empty file, as kubectl does', () => {
    const r = loadScenarioText('empty.yaml', '# nothing here\n');
    expect(r).toEqual({ ok: false, problems: [expect.objectContaining({ kind: 'empty', message: 'no objects passed to apply' })] });
  });

  it('ignores a __proto__ key with a warning and never touches a prototype', () => {
    const text = '{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"a","__proto__":{"polluted":1},"labels":{"constructor":"x"}}}';
    const r = loaded(loadScenarioText('p.json', text));
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const meta = r.scenario.objects[0].metadata;
    expect(Object.getPrototypeOf(meta)).toBe(Object.prototype);
    expect(meta.labels).toEqual({ constructor: 'x' });
    expect(r.problems).toEqual([expect.objectContaining({ severity: 'warning', path: '/metadata/__proto__', line: 1, column: 74 })]);
    const y = loaded(loadScenarioText('p.yaml', 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n  __proto__: {polluted: 1}\n'));
    expect(y.problems[0]).toMatchObject({ line: 5, column: 14 });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('rejects numbers too large to be exact where they matter (ports) and refuses Infinity', () => {
    const r = loadScenarioText('big.yaml', 'apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec:\n  ports: [{port: 1e400}, {port: 18446744073709551616}]\n');
    expect(r.ok).toBe(false);
    expect(r.problems.map((p) => p.path)).toEqual(['/spec/ports/0/port', '/spec/ports/1/port']);
  });
});

describe('size caps, applied before heavy work', () => {
  it('refuses a file over the byte cap', () => {
    const r = loadScenarioText('huge.yaml', `# ${'x'.repeat(LIMITS.maxBytes)}`);
    expect(r.ok).toBe(false);
    expect(r.problems[0]).toMatchObject({ kind: 'too-large' });
    expect(r.problems[0].message).toMatch(/the lab reads scenario files up to 5 MB/);
  });

  it('refuses a file with more objects than the cap, without validating them', () => {
    const items = Array.from({ length: LIMITS.maxObjects + 1 }, (_, i) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: `n${i}` } }));
    const r = loadScenarioText('many.json', JSON.stringify({ apiVersion: 'v1', kind: 'List', items }));
    expect(r.ok).toBe(false);
    expect(r.problems).toEqual([expect.objectContaining({ kind: 'too-large', message: `file has ${LIMITS.maxObjects + 1} objects; the lab reads up to ${LIMITS.maxObjects} (file not loaded)` })]);
  });

  it('refuses a workload asking for more replicas than the lab runs', () => {
    const r = loaded(loadScenarioFiles([{ name: 'd.json', text: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [deployment('big', 100000), deployment('ok', 3)] }) }]));
    expect(names(r)).toEqual(['Deployment/ok']);
    expect(r.problems[0].message).toContain('spec.replicas: Invalid value: 100000: the lab runs at most 1000 replicas per workload');
  });

  it.each([
    ['JSON', 'deep.json', `${'['.repeat(5000)}${']'.repeat(5000)}`],
    ['YAML flow', 'deep.yaml', `${'{a: '.repeat(5000)}1${'}'.repeat(5000)}`],
    ['YAML block', 'deep.yaml', Array.from({ length: 300 }, (_, i) => `${'  '.repeat(i)}a:`).join('\n')],
    ['YAML compact lists', 'deep.yaml', `${'- '.repeat(3000)}x`],
    ['YAML nested 70 deep', 'deep.yaml', Array.from({ length: 70 }, (_, i) => `${' '.repeat(i)}a:`).join('\n')],
  ])('refuses nesting deeper than the cap (%s)', (_what, name, text) => {
    const r = loadScenarioText(name, text);
    expect(r.ok).toBe(false);
    expect(r.problems.some((p) => p.kind === 'too-large' && p.message.startsWith('nesting too deep'))).toBe(true);
  });

  it('refuses a YAML alias bomb ("billion laughs")', () => {
    let text = 'a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n';
    for (let i = 1; i <= 9; i++) text += `a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(', ')}]\n`;
    const r = loadScenarioText('lol.yaml', text);
    expect(r.ok).toBe(false);
    expect(r.problems[0].message).toMatch(/aliases expand to more than/);
  });

  it('refuses thousands of mappings opened on one line before the parser tries (a: a: a: ...)', () => {
    const r = loadScenarioText('deep.yaml', `kind: Pod\nx: ${'a: '.repeat(100_000)}b\n`);
    expect(r.ok).toBe(false);
    expect(r.problems[0]).toMatchObject({ line: 2, message: 'nesting too deep: line 2 opens more than 64 mappings' });
    // Colons inside quotes, comments and flow maps are not mappings.
    const fine = loadScenarioText('ok.yaml', `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, labels: {${Array.from({ length: 80 }, (_, i) => `k${i}: v`).join(', ')}}}\ndata: {a: "${'x: '.repeat(100)}"} # ${'y: '.repeat(100)}\n`);
    expect(errors(fine.problems)).toEqual([]);
  });
});

describe('the scenario envelope', () => {
  const envelope = (extra: Record<string, unknown>) => JSON.stringify({ format: 'netlab.scenario', version: 1, ...extra }, null, 2);

  it('loads the default scenario without a single problem', () => {
    const r = loaded(loadScenarioText('default.json', readFileSync(repo('scenarios/default.json'), 'utf8')));
    expect(r.problems).toEqual([]);
    expect(names(r)).toEqual(['Node/node-1', 'Node/node-2', 'Node/node-3', 'Deployment/web', 'Service/web', 'Namespace/ingress-nginx', 'Service/ingress-nginx-controller', 'Ingress/web']);
    expect(r.scenario.clients).toHaveLength(1);
    expect(r.scenario.requests.map((q) => q.id)).toEqual(['laptop-ingress', 'laptop-nodeport', 'pod-service-dns', 'node-localhost-nodeport']);
  });

  it('fills every setting not given from defaultLabSettings() and says which ones were defaulted', () => {
    const r = loaded(loadScenarioText('s.json', envelope({ settings: { clusterDomain: 'corp.local', kubeProxy: { mode: 'ipvs' } } })));
    const d = defaultLabSettings();
    expect(r.scenario.settings).toEqual({ ...d, clusterDomain: 'corp.local', kubeProxy: { ...d.kubeProxy, mode: 'ipvs' } });
    expect(r.defaulted).toContain('podCIDR');
    expect(r.defaulted).toContain('kubeProxy.masqueradeBit');
    expect(r.defaulted).not.toContain('clusterDomain');
    expect(r.defaulted).not.toContain('kubeProxy.mode');
  });

  it('says plain manifests got every lab setting from the defaults', () => {
    const r = loaded(loadScenarioText('ns.yaml', 'apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n'));
    expect(r.scenario.settings).toEqual(defaultLabSettings());
    expect(r.defaulted).toEqual(Object.keys(defaultLabSettings()));
  });

  it('uses the default for a wrong setting, keeps the rest, and warns about an unknown one', () => {
    const r = loaded(loadScenarioText('s.json', envelope({ settings: { podCIDR: '10.0.0.0/33', seed: 'abc', kubeProxy: { mode: 'ebpf', modee: 'x' } } })));
    expect(r.scenario.settings.podCIDR).toBe('10.244.0.0/16');
    expect(r.scenario.settings.seed).toBe('abc');
    expect(r.scenario.settings.kubeProxy.mode).toBe('iptables');
    expect(r.problems.map((p) => [p.severity, p.path])).toEqual([
      ['warning', '/settings/kubeProxy/modee'],
      ['error', '/settings/podCIDR'],
      ['error', '/settings/kubeProxy/mode'],
    ]);
    expect(r.problems[2].message).toBe(
      'settings.kubeProxy.mode: Unsupported value: "ebpf": supported values: "iptables", "ipvs", "nftables", "userspace"; the default is used',
    );
  });

  it('fills an ingress addon from its controller', () => {
    const r = loaded(loadScenarioText('s.json', envelope({ settings: { ingress: [{ controller: 'traefik', topology: 'loadbalancer' }] } })));
    expect(r.scenario.settings.ingress).toEqual([
      { controller: 'traefik', className: 'traefik', namespace: 'traefik', topology: 'loadbalancer', replicas: 1, legacyReloadOnEndpointChange: false, isDefaultClass: false },
    ]);
  });

  it('skips a bad client or request and checks references between sections', () => {
    const r = loaded(
      loadScenarioText(
        's.json',
        envelope({
          clients: [{ name: 'laptop', address: '10.0.0.300' }, { name: 'phone', address: '10.0.0.3' }],
          requests: [{ id: 'r1', from: 'external:laptop', url: 'http://x/' }, { id: 'r2', from: 'somewhere', url: 'http://x/' }],
          lesson: [{ text: { en: 'Hello', zh: '你好' }, request: 'r9', predict: { question: { en: '?' }, choices: [{ en: 'a' }, { en: 'b' }], answer: 2 } }],
          view: { selectedRequest: 'r1' },
        }),
      ),
    );
    expect(r.scenario.clients.map((c) => c.name)).toEqual(['phone']);
    expect(r.scenario.requests.map((q) => q.id)).toEqual(['r1']);
    expect(r.problems.map((p) => [p.kind, p.path])).toEqual([
      ['invalid', '/clients/0/address'],
      ['invalid', '/requests/1/from'],
      ['invalid', '/lesson/0/predict/answer'],
      ['reference', '/requests/0'],
      ['reference', '/lesson/0/request'],
    ]);
  });

  it.each([
    [{ version: 3 }, 'this scenario was written by a newer netlab (format version 3); this lab reads up to version 1'],
    [{ version: '1' }, 'version: Invalid value: "1": must be a whole number such as 1'],
    [{ version: 1.5 }, 'version: Invalid value: 1.5: must be a whole number such as 1'],
    [{ version: undefined }, 'version: Required value'],
    [{ format: 'tldraw' }, 'format: Unsupported value: "tldraw": supported values: "netlab.scenario"'],
  ])('refuses an envelope it cannot read: %j', (extra, message) => {
    const r = loadScenarioText('v.json', envelope(extra));
    expect(r.ok).toBe(false);
    expect(r.problems[0].message).toBe(message);
    expect(r.problems[0].line).toBeDefined();
  });

  it('writes a scenario out and reads back the same scenario', () => {
    const r = loaded(loadScenarioText('default.json', readFileSync(repo('scenarios/default.json'), 'utf8')));
    const again = loaded(loadScenarioText('again.json', serializeScenario(r.scenario)));
    expect(again.scenario).toEqual(r.scenario);
    // clusterCIDR has no value of its own: it follows the pod CIDR unless set.
    expect(again.defaulted).toEqual(['kubeProxy.clusterCIDR']);
  });

  it('exports the objects alone as manifests kubectl can apply, and they load back', () => {
    const r = loaded(loadScenarioText('default.json', readFileSync(repo('scenarios/default.json'), 'utf8')));
    const yaml = toManifests(r.scenario.objects);
    expect(yaml).not.toContain('kubeProxy');
    expect(yaml.split('\n---\n')).toHaveLength(8);
    const back = loaded(loadScenarioText('out.yaml', yaml));
    expect(back.scenario.objects).toEqual(r.scenario.objects);
  });
});

describe('the edit log', () => {
  const envelope = (edits: unknown) => JSON.stringify({ format: 'netlab.scenario', version: 1, objects: [], edits }, null, 2);

  it('reads edits in order, an applied object read like one in objects', () => {
    const r = loaded(
      loadScenarioText(
        'lab.json',
        envelope([
          { kind: 'set-replicas', namespace: 'default', name: 'web', replicas: 4 },
          { kind: 'apply-object', object: { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { ports: [{ port: 80 }] } } },
          { kind: 'set-kube-proxy', config: { mode: 'ipvs' } },
        ]),
      ),
    );
    expect(errors(r.problems)).toEqual([]);
    expect(r.scenario.edits.map((e) => e.kind)).toEqual(['set-replicas', 'apply-object', 'set-kube-proxy']);
    // The kube-proxy configuration is filled in from the defaults, like settings.kubeProxy.
    expect(r.scenario.edits[2]).toMatchObject({ config: { mode: 'ipvs', ipvs: { scheduler: 'rr' } } });
    const again = loaded(loadScenarioText('again.json', serializeScenario(r.scenario)));
    expect(again.scenario.edits).toEqual(r.scenario.edits);
  });

  it('reads a StatefulSet\'s scale (objectKind), and refuses a kind the console does not scale', () => {
    const sts = { kind: 'set-replicas', namespace: 'default', name: 'db', replicas: 3, objectKind: 'StatefulSet' };
    const r = loaded(loadScenarioText('lab.json', envelope([sts])));
    expect(errors(r.problems)).toEqual([]);
    expect(r.scenario.edits).toEqual([sts]);
    expect(loaded(loadScenarioText('again.json', serializeScenario(r.scenario))).scenario.edits).toEqual([sts]);
    const ds = loadScenarioText('lab.json', envelope([{ ...sts, objectKind: 'DaemonSet' }]));
    expect(errors(ds.problems).map((p) => p.message)).toEqual([
      'edits[0].objectKind: Unsupported value: "DaemonSet": supported values: "Deployment", "StatefulSet"',
    ]);
  });

  it('a bad edit is an error that says where and what, so nothing half-replayed is opened', () => {
    const r = loadScenarioText(
      'lab.json',
      envelope([
        { kind: 'set-replicas', namespace: 'default', name: 'web', replicas: -1 },
        { kind: 'apply-object', object: { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { ports: [{ port: 'eighty' }] } } },
        { kind: 'reboot' },
      ]),
    );
    const es = errors(r.problems);
    expect(es.map((p) => p.path)).toEqual(['/edits/0/replicas', '/edits/1/object/spec/ports/0/port', '/edits/2/kind']);
    expect(es[1]!.message).toMatch(/^Service "web" is invalid: /);
    expect(es[2]!.message).toBe('edits[2].kind: Unsupported value: "reboot": supported values: "set-replicas", "set-pod-ready", "remove-object", "apply-object", "set-proxy-mode", "set-kube-proxy"');
    expect(es.every((p) => p.line !== undefined)).toBe(true);
  });

  it('refuses an edit log that is not a list', () => {
    expect(errors(loadScenarioText('lab.json', envelope({ kind: 'set-proxy-mode' })).problems).map((p) => p.message)).toEqual([expect.stringMatching(/^edits: Invalid value: .*must be a list$/)]);
  });
});

describe('several files as one scenario', () => {
  it('concatenates objects, takes settings from the first envelope and reports a duplicate with both locations', () => {
    const a = JSON.stringify({ format: 'netlab.scenario', version: 1, settings: { seed: 'first' }, objects: [deployment('web')] }, null, 2);
    const b = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 5\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: c}]}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: web}\n';
    const c = JSON.stringify({ format: 'netlab.scenario', version: 1, settings: { seed: 'third' } });
    const r = loaded(loadScenarioFiles([{ name: 'a.json', text: a }, { name: 'b.yaml', text: b }, { name: 'c.json', text: c }]));
    expect(names(r)).toEqual(['Deployment/web', 'Service/web']);
    expect((r.scenario.objects[0].spec as { replicas: number }).replicas).toBe(5);
    expect(r.scenario.settings.seed).toBe('first');
    const dup = r.problems.find((p) => p.kind === 'duplicate' && p.file === 'b.yaml');
    expect(dup).toMatchObject({ line: 1, column: 1, document: 0 });
    expect(dup?.message).toBe('Deployment default/web is defined twice: here and at a.json:8:5; this later definition is used, as a second kubectl apply would');
    expect(r.problems.find((p) => p.file === 'c.json')?.message).toBe('settings ignored: lab settings come from the first scenario file (a.json)');
    expect(r.sources.map((s) => s.file)).toEqual(['b.yaml', 'b.yaml']);
  });

  it('merges an open scenario with another loaded one, the open one first', () => {
    const open = loaded(loadScenarioText('default.json', readFileSync(repo('scenarios/default.json'), 'utf8'))).scenario;
    const extra = loaded(loadScenarioText('svc.yaml', 'apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {type: ClusterIP}\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n')).scenario;
    const m = mergeScenarios([partFromScenario('open', open), partFromScenario('svc.yaml', extra)]);
    expect(m.scenario.objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['Node/node-1', 'Node/node-2', 'Node/node-3', 'Deployment/web', 'Service/web', 'Namespace/ingress-nginx', 'Service/ingress-nginx-controller', 'Ingress/web', 'Namespace/shop']);
    expect((m.scenario.objects[4] as { spec: { type: string } }).spec.type).toBe('ClusterIP');
    expect(m.problems.map((p) => p.kind)).toEqual(['duplicate', 'duplicate']);
  });

  it('loads what it can when one file is broken', () => {
    const r = loaded(loadScenarioFiles([{ name: 'bad.json', text: '{' }, { name: 'ok.yaml', text: 'apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n' }]));
    expect(names(r)).toEqual(['Namespace/a']);
    expect(r.problems).toEqual([expect.objectContaining({ file: 'bad.json', kind: 'syntax' })]);
  });
});

describe('migrations', () => {
  const fixtures = readdirSync(repo('scenarios/fixtures')).map((f) => ({ name: f, text: readFileSync(repo(`scenarios/fixtures/${f}`), 'utf8') }));

  it('loads every frozen fixture of an old format without a problem', () => {
    expect(fixtures.length).toBeGreaterThan(0);
    for (const f of fixtures) expect(loaded(loadScenarioFiles([f])).problems).toEqual([]);
  });

  it('runs every migration on at least one frozen fixture (add a fixture with each migration)', () => {
    const ran = new Set(fixtures.flatMap((f) => loaded(loadScenarioFiles([f])).migrations));
    expect([...ran].sort()).toEqual(MIGRATIONS.map((m) => m.id).sort());
  });

  it('turns a version-0 scenario into version 1: kube-proxy mode into settings, the node count into Node objects', () => {
    const f = fixtures.find((x) => x.name === 'v0-ipvs-three-nodes.json');
    const r = loaded(loadScenarioFiles([f!]));
    expect(r.migrations).toEqual(['netlab.scenario/1.kubeProxyObjectAndNodeObjects']);
    expect(r.scenario.settings.kubeProxy.mode).toBe('ipvs');
    expect(r.scenario.settings.seed).toBe('v0-fixture');
    expect(r.scenario.meta.title).toBe('Pre-release scenario: IPVS on three nodes');
    expect(names(r)).toEqual(['Deployment/echo', 'Service/echo', 'Node/node-1', 'Node/node-2', 'Node/node-3']);
  });

  it('keeps the Node objects a version-0 scenario already had instead of adding node-1..node-N', () => {
    const f = fixtures.find((x) => x.name === 'v0-minimal.yaml');
    const r = loaded(loadScenarioFiles([f!]));
    expect(names(r)).toEqual(['Node/worker-a']);
    expect(r.scenario.settings.kubeProxy.mode).toBe('nftables');
  });

  it('reports a migration that cannot run, naming it', () => {
    const r = loadScenarioText('v0.json', JSON.stringify({ format: 'netlab.scenario', version: 0, nodes: 'three' }));
    expect(r.ok).toBe(false);
    expect(r.problems[0]).toMatchObject({ kind: 'migration' });
    expect(r.problems[0].message).toContain('netlab.scenario/1.kubeProxyObjectAndNodeObjects');
  });
});

describe('formatProblem', () => {
  it.each([
    [{ kind: 'invalid', severity: 'error', file: 'a.yaml', line: 3, column: 5, path: '/spec', message: 'm' }, 'a.yaml:3:5: /spec: m'],
    [{ kind: 'duplicate', severity: 'warning', file: 'a.yaml', line: 3, column: 5, document: 1, path: '/spec', message: 'm' }, 'a.yaml:3:5: /spec: warning: m'],
    [{ kind: 'too-large', severity: 'error', file: 'a.yaml', path: '', message: 'm' }, 'a.yaml: /: m'],
    // Documents count from 1, like lines: the first document is [document 1].
    [{ kind: 'empty', severity: 'error', file: 'a.yaml', document: 0, path: '', message: 'm' }, 'a.yaml: [document 1]/: m'],
  ] as [Problem, string][])('%j -> %s', (p, text) => {
    expect(formatProblem(p)).toBe(text);
  });
});
