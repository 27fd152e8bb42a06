// Every command reports the input's problems as `validate` does (file:line:col: path: message, the
// apiserver's refusals included), prints its result for what did load, and then exits 1; with --json
// every outcome, a failure included, is one JSON document on stdout.
import { describe, expect, it } from 'vitest';
import { readerOf, runCli } from './testing';

/** A Deployment and a NodePort Service whose nodePort the apiserver refuses (outside 30000-32767). */
const NODEPORT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: c
        image: nginx
        ports:
        - containerPort: 80
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  type: NodePort
  selector:
    app: web
  ports:
  - port: 80
    nodePort: 40000
`;

/** Two kinds no cluster serves, then a valid Deployment. */
const UNKNOWN_KINDS = `apiVersion: example.com/v1
kind: Foo
metadata:
  name: x
---
apiVersion: v1
kind: Servce
metadata:
  name: y
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: c
        image: nginx
`;

const WARNING_ONLY = 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n  __proto__: {x: 1}\n';

const FILES = { 'nodeport.yaml': NODEPORT, 'unknown.yaml': UNKNOWN_KINDS, 'ns.yaml': WARNING_ONLY };

function cli(argv: string[]) {
  return runCli(argv, readerOf(FILES, { defaultScenario: true }));
}

const REFUSAL =
  'nodeport.yaml:29:15: /spec/ports/0/nodePort: Error from server (Invalid): The Service "web" is invalid: ' +
  'spec.ports[0].nodePort: Invalid value: 40000';

describe('input problems: printed as validate prints them, the result still printed, then exit 1', () => {
  it('get prints the table and the refusal at its file:line:col, and exits 1', () => {
    const r = cli(['get', 'nodeport.yaml', 'svc']);
    expect(r.stdout).toMatch(/^NAME +TYPE/);
    expect(r.stdout).toContain('kubernetes');
    expect(r.stderr).toContain(REFUSAL);
    expect(r.code).toBe(1);
  });

  it('get lists what loaded beside the kinds no cluster serves, and exits 1', () => {
    const r = cli(['get', 'unknown.yaml', 'deploy']);
    expect(r.stdout).toMatch(/\nweb +2\/2/);
    expect(r.stderr).toMatch(/^unknown\.yaml:2:7: \/kind: .*no matches for kind "Foo"/m);
    expect(r.code).toBe(1);
  });

  it('trace prints the trace over what loaded, the refusal located, and exits 1 (not curl\'s code)', () => {
    const r = cli(['trace', 'nodeport.yaml', '--from', 'node:node-1', '--url', 'http://web.default/']);
    expect(r.stdout).toContain('result: ');
    expect(r.stderr).toContain(REFUSAL);
    expect(r.code).toBe(1);
  });

  it('trace --json gives the problems beside the results', () => {
    const r = cli(['trace', 'nodeport.yaml', '--from', 'node:node-1', '--url', 'http://web.default/', '--json']);
    const doc = JSON.parse(r.stdout) as { results: unknown[]; problems: unknown[] };
    expect(doc.results).toHaveLength(1);
    const at = { file: 'nodeport.yaml', line: 29, column: 15, path: '/spec/ports/0/nodePort', severity: 'error' };
    expect(doc.problems).toEqual([expect.objectContaining({ kind: 'refused', ...at })]);
    expect(r.code).toBe(1);
  });

  it('warnings alone are printed and do not change the exit status', () => {
    const r = cli(['get', 'ns.yaml', 'ns']);
    expect(r.stderr).toMatch(/^ns\.yaml:5:14: \/metadata\/__proto__: warning: /m);
    expect(r.code).toBe(0);
  });
});

interface ErrorDocument {
  ok: boolean;
  problems: { file: string; line?: number; column?: number; path: string; message: string }[];
  errors: { message: string }[];
}

const errorDoc = (stdout: string) => JSON.parse(stdout) as ErrorDocument;

describe('--json: every failure is one JSON document {ok: false, problems, errors}, exit codes kept', () => {
  it.each([
    ['get', ['get', 'missing.yaml', 'svc', '--json']],
    ['trace', ['trace', 'missing.yaml', '--from', 'node:node-1', '--url', 'http://x/', '--json']],
    ['describe', ['describe', 'missing.yaml', 'svc', 'web', '--json']],
    ['rules', ['rules', 'missing.yaml', '--json']],
    ['dig', ['dig', 'missing.yaml', 'kubernetes', '--json']],
    ['export', ['export', 'missing.yaml', '--json']],
  ])('%s on a file that cannot be read', (_name, argv) => {
    const r = cli(argv);
    expect(r.code).toBe(1);
    const doc = errorDoc(r.stdout);
    expect(doc.ok).toBe(false);
    expect(doc.problems).toEqual([expect.objectContaining({ file: 'missing.yaml', path: '', severity: 'error' })]);
    expect(doc.problems[0]!.message).toMatch(/^cannot read the file: ENOENT/);
    expect(doc.errors).toEqual([]);
  });

  it('a file that does not parse: the problem at its line and column', () => {
    const r = runCli(['get', 'bad.yaml', 'svc', '--json'], readerOf({ 'bad.yaml': 'kind: Service\nspec: [oops\n' }));
    expect(r.code).toBe(1);
    expect(errorDoc(r.stdout).problems[0]).toMatchObject({ file: 'bad.yaml', line: 2, column: 7 });
  });

  it.each([
    [['describe', 'svc', 'nope', '--json'], 1, 'Error from server (NotFound): services "nope" not found'],
    [['rules', '--node', 'nope', '--json'], 1, 'Error from server (NotFound): nodes "nope" not found'],
    [['get', 'widgets', '--json'], 1, 'error: the server doesn\'t have a resource type "widgets"'],
    [['validate', '--bogus', '--json'], 2, "error: Unknown option '--bogus'"],
    [['--json', 'frobnicate'], 2, 'error: unknown command "frobnicate"'],
    [['trace', '--from', 'node:node-1', '--json'], 2, 'error: trace needs --from and --url'],
  ])('%j exits %i with the error in errors[]', (argv, code, message) => {
    const r = cli(argv);
    expect(r.code).toBe(code);
    const doc = errorDoc(r.stdout);
    expect(doc).toMatchObject({ ok: false, problems: [] });
    expect(doc.errors).toHaveLength(1);
    expect(doc.errors[0]!.message.startsWith(message)).toBe(true);
    // stderr stays for people, as without --json.
    expect(r.stderr).toContain(message);
  });

  it('validate --json keeps its report and has the same errors field', () => {
    const r = cli(['validate', 'nodeport.yaml', '--json', '--set', 'kubeProxy.masqueradeBit=40']);
    expect(r.code).toBe(2);
    const doc = JSON.parse(r.stdout) as ErrorDocument & { optionErrors: string[] };
    expect(doc.optionErrors).toHaveLength(1);
    expect(doc.errors).toEqual([{ message: `error: ${doc.optionErrors[0]}` }]);
  });
});

describe('--json on a command whose own JSON is an output format', () => {
  it('get --json is get -o json: kubectl\'s List', () => {
    const r = cli(['get', 'svc', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ kind: 'List', items: expect.any(Array) });
  });

  it('export --json is export --format json: the scenario JSON', () => {
    const r = cli(['export', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ format: 'netlab.scenario' });
  });
});
