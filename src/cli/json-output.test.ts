// --json on the commands whose result is text (describe, ingress-config, gateway-config, convert, exec):
// one JSON document on stdout, {ok: true, ...}, the text as a string field beside the structured
// fields there are; the input's problems added as `problems`, as every command's --json does.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './testing';

const WEB = `apiVersion: v1
kind: Node
metadata: {name: n1}
---
apiVersion: v1
kind: Pod
metadata: {name: web-1, namespace: default, labels: {app: web}}
spec:
  nodeName: n1
  containers: [{name: nginx, image: nginx:1.27, ports: [{containerPort: 80}]}]
---
apiVersion: v1
kind: Pod
metadata: {name: client, namespace: default}
spec:
  nodeName: n1
  containers: [{name: curl}]
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: default}
spec:
  selector: {app: web}
  ports: [{port: 80}]
`;

function cli(argv: string[], stdin = '') {
  const given: Record<string, string> = { 'web.yaml': WEB, '-': stdin };
  return runCli(argv, (p) => given[p] ?? readFileSync(p, 'utf8'));
}

/** The one document on stdout (JSON.parse refuses anything after it). */
function json(r: { stdout: string }): Record<string, unknown> {
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

describe('--json on the text commands: one document on stdout', () => {
  it('describe: the text kubectl describe prints, and the object as get -o json has it', () => {
    const text = cli(['describe', 'web.yaml', 'svc', 'web']);
    const r = cli(['describe', 'web.yaml', 'svc', 'web', '--json']);
    expect(r.code).toBe(0);
    const j = json(r);
    expect(j).toMatchObject({ ok: true, kind: 'Service', namespace: 'default', name: 'web', text: text.stdout });
    expect(j.object).toMatchObject({ kind: 'Service', metadata: { name: 'web' }, spec: { ports: [{ port: 80 }] } });
    // A cluster-scoped object has no namespace.
    const node = json(cli(['describe', 'web.yaml', 'node', 'n1', '--json']));
    expect(node).toMatchObject({ kind: 'Node', namespace: null });
    // Not found: the error document, as before.
    const missing = cli(['describe', 'web.yaml', 'svc', 'nope', '--json']);
    expect(missing.code).toBe(1);
    expect(json(missing)).toMatchObject({ ok: false, errors: [{ message: expect.stringMatching(/NotFound/) }] });
  });

  it('ingress-config: the controller and its nginx.conf as an artifact, as rules --json gives them', () => {
    const file = 'scenarios/ingress-404-vs-503.json';
    const text = cli(['ingress-config', file]).stdout;
    const j = json(cli(['ingress-config', file, '--json']));
    expect(j).toMatchObject({ ok: true, class: 'nginx', controller: 'nginx' });
    expect(j.artifacts).toEqual([{ id: 'ingress/nginx/nginx.conf', kind: 'nginx.conf', text }]);
    const dir = mkdtempSync(join(tmpdir(), 'netlab-ic-'));
    try {
      const out = json(cli(['ingress-config', file, '--out', dir, '--json']));
      expect(out).toMatchObject({ ok: true, class: 'nginx', dir, files: expect.arrayContaining(['nginx.conf']) });
      expect(out.check).toContain(`nginx -t -c ${join(dir, 'nginx.conf')}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('gateway-config: nginx.conf as text, matches.json as an object, the upstreams and their Services', () => {
    const file = 'scenarios/gateway-header-method-matches.json';
    const text = cli(['gateway-config', file]).stdout;
    const j = json(cli(['gateway-config', file, '--json']));
    expect(j).toMatchObject({ ok: true, gateway: 'default/gw' });
    expect(j.artifacts).toEqual([{ id: 'gateway/default/gw/nginx.conf', kind: expect.any(String), text }]);
    expect(Object.values(j.matches as object).flat()).toContainEqual(expect.objectContaining({ method: 'POST' }));
    expect(j.upstreams).toMatchObject({ default_v1_8080: 'default/v1' });
  });

  it("convert: the List, yaml's text when -o yaml is asked for, and each note with where it points", () => {
    const file = 'scenarios/ingress-fanout-default-backend.json';
    const text = cli(['convert', file, '--to', 'gateway-api']);
    const r = cli(['convert', file, '--to', 'gateway-api', '--json']);
    expect(r.code).toBe(0);
    const j = json(r);
    expect(j).toMatchObject({ ok: true, to: 'gateway-api', list: { apiVersion: 'v1', kind: 'List' } });
    expect(j.yaml).toBeUndefined();
    const kinds = (j.list as { items: { kind: string }[] }).items.map((o) => o.kind);
    expect(kinds).toEqual(expect.arrayContaining(['GatewayClass', 'Gateway', 'HTTPRoute']));
    expect(kinds).not.toContain('Ingress');
    // Each note as stderr prints it (`text`), and its parts: where, which object, which field, what.
    const notes = j.notes as Record<string, unknown>[];
    expect(notes.map((n) => `${String(n.text)}\n`).join('')).toBe(text.stderr);
    const first = { file, line: expect.any(Number), kind: 'Ingress', name: 'test', field: expect.any(String) };
    expect(notes[0]).toMatchObject(first);
    const yaml = json(cli(['convert', file, '--to', 'gateway-api', '-o', 'yaml', '--json']));
    expect(yaml.yaml).toBe(text.stdout);
  });

  it('exec: the command, its stdout, stderr and exit code, and a curl request its trace', () => {
    const from = 'pod:default/client';
    const ok = cli(['exec', 'web.yaml', from, '--json', '--', 'curl', '-s', 'http://web/']);
    expect(ok.code).toBe(0);
    const j = json(ok);
    expect(j).toMatchObject({ ok: true, place: from, command: 'curl -s http://web/', stderr: '', exitCode: 0 });
    expect(j.stdout).toBe(cli(['exec', 'web.yaml', from, '--', 'curl', '-s', 'http://web/']).stdout);
    expect(j.trace).toMatchObject({ outcome: 'response', status: 200, backendPod: 'default/web-1' });
    // curl's own failure: its code is the exit status and the document's, its message the stderr field.
    const nx = cli(['exec', 'web.yaml', from, '--json', '--', 'curl', 'http://nosuch/']);
    expect(nx.code).toBe(6);
    expect(json(nx)).toMatchObject({ ok: true, exitCode: 6, stderr: expect.stringMatching(/^curl: \(6\)/) });
    expect(json(nx).trace).toMatchObject({ outcome: 'nxdomain' });
    // Not curl: no trace.
    const cat = json(cli(['exec', 'web.yaml', from, '--json', '--', 'cat', '/etc/resolv.conf']));
    expect(cat).toMatchObject({ exitCode: 0, trace: null, stdout: expect.stringMatching(/^search default\.svc/m) });
  });

  it('exec: a change prints its events in the document, not as text after it', () => {
    const r = cli(['exec', 'web.yaml', 'pod:default/client', '--json', '--', 'kubectl', 'delete', 'pod', 'web-1']);
    expect(r.code).toBe(0);
    const j = json(r);
    expect(j.events).toEqual(expect.arrayContaining([expect.stringMatching(/Killing/)]));
  });
});

describe('--json: every command prints exactly one JSON document', () => {
  const lines: Record<string, string[]> = {
    validate: ['validate', 'web.yaml'],
    get: ['get', 'web.yaml', 'pods'],
    describe: ['describe', 'web.yaml', 'pod', 'web-1'],
    rules: ['rules', 'web.yaml', '--node', 'n1'],
    dig: ['dig', 'web.yaml', '--from', 'pod:default/client', 'web.default.svc.cluster.local'],
    'ingress-config': ['ingress-config', 'scenarios/ingress-404-vs-503.json'],
    'gateway-config': ['gateway-config', 'scenarios/gateway-header-method-matches.json'],
    trace: ['trace', 'web.yaml', '--from', 'pod:default/client', '--url', 'http://web/'],
    exec: ['exec', 'web.yaml', 'node:n1', '--', 'iptables-save'],
    export: ['export', 'web.yaml'],
    convert: ['convert', 'scenarios/ingress-404-vs-503.json', '--to', 'gateway-api'],
  };
  it.each(Object.entries(lines))('%s', (_name, argv) => {
    const r = cli(['--json', ...argv]);
    expect(r.code, r.stderr).toBe(0);
    expect(() => JSON.parse(r.stdout) as unknown, r.stdout.slice(0, 200)).not.toThrow();
  });

  it('covers every command', async () => {
    const { COMMANDS } = await import('./commands');
    expect(Object.keys(lines).sort()).toEqual(COMMANDS.map((c) => c.name).sort());
  });
});
