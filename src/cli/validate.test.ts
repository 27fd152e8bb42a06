// `netlab validate` as `kubectl apply --dry-run=server`: objects that parse but the apiserver
// refuses are errors at the object's (or field's) file:line:col, and the exit code is 1.

import { describe, expect, it } from 'vitest';
import { readerOf, runCli } from './testing';

const NODE = `apiVersion: v1
kind: Node
metadata:
  name: node-1
`;

const BAD_NODEPORT = `${NODE}---
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
      nodePort: 8888
`;

const TWO_SAME_NODEPORT = `apiVersion: v1
kind: Service
metadata: {name: a}
spec: {type: NodePort, selector: {app: a}, ports: [{port: 80, nodePort: 30080}]}
---
apiVersion: v1
kind: Service
metadata: {name: b}
spec: {type: NodePort, selector: {app: b}, ports: [{port: 80, nodePort: 30080}]}
`;

function validate(files: Record<string, string>, extra: string[] = []) {
  return runCli([...extra, 'validate', ...Object.keys(files)], readerOf(files));
}

describe('netlab validate: the apiserver dry run', () => {
  it('refuses nodePort 8888 at the field, in the apiserver words, and exits 1', () => {
    const r = validate({ 'svc.yaml': BAD_NODEPORT });
    expect(r.code).toBe(1);
    expect(r.stdout).not.toMatch(/^ok:/m);
    expect(r.stdout).toContain(
      'svc.yaml:16:17: /spec/ports/0/nodePort: Error from server (Invalid): The Service "web" is invalid: ' +
        'spec.ports[0].nodePort: Invalid value: 8888: provided port is not in the valid range. ' +
        'The range of valid ports is 30000-32767',
    );
  });

  it('reports every refusal, each at its own object, in a second file too', () => {
    const r = validate({ 'nodes.yaml': NODE, 'svcs.yaml': TWO_SAME_NODEPORT });
    expect(r.code).toBe(1);
    const lines = r.stdout.trim().split('\n');
    const refusals = lines.filter((l) => l.includes('Error from server'));
    expect(refusals).toHaveLength(1);
    // The second Service asks for the port the first one holds: refused at its nodePort (line 9, in the flow map).
    const [where, message] = refusals[0]!.split(': Error from server (Invalid): ');
    expect(where).toMatch(/^svcs\.yaml:9:\d+: \/spec\/ports\/0\/nodePort$/);
    expect(message).toBe(
      'The Service "b" is invalid: spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated',
    );
  });

  it('says ok when the apiserver accepts every object', () => {
    const r = validate({ 'svc.yaml': BAD_NODEPORT.replace('8888', '30888') });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ok: 1 file, 2 objects/m);
  });

  it('says what the lab chose for plain manifests as a note (a snapshot\'s inferences say snapshot:)', () => {
    const ing = 'apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: web}\n' +
      'spec: {ingressClassName: nginx, defaultBackend: {service: {name: web, port: {number: 80}}}}\n';
    const r = validate({ 'ing.yaml': ing });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('note: inferred ingress = nginx (class nginx, ingress-nginx, installed by the lab)');
    expect(r.stdout).toContain('(Ingress default/web names class nginx, which no IngressClass in the files declares');
    expect(r.stdout).not.toContain('snapshot:');
  });

  it('puts the refusals in --json with their places', () => {
    const r = validate({ 'svc.yaml': BAD_NODEPORT }, ['--json']);
    expect(r.code).toBe(1);
    const j = JSON.parse(r.stdout) as { ok: boolean; problems: Record<string, unknown>[] };
    expect(j.ok).toBe(false);
    expect(j.problems).toContainEqual(
      expect.objectContaining({
        kind: 'refused',
        severity: 'error',
        file: 'svc.yaml',
        line: 16,
        column: 17,
        document: 1,
        path: '/spec/ports/0/nodePort',
      }),
    );
  });
});
