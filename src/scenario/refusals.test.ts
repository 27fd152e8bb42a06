// The loader keeps where each object (and each of its fields) is in the text, so a refusal found
// after loading (admission) points at file:line:col.

import { describe, expect, it } from 'vitest';
import { loadScenarioFiles } from './load';
import { fieldSegments } from './problem';
import { locateRefusals } from './refusals';

const YAML = `apiVersion: v1
kind: Node
metadata:
  name: node-1
---
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: shop
spec:
  type: NodePort
  ports:
    - name: http
      port: 80
      nodePort: 8888
`;

const JSON_ENVELOPE = `{
  "format": "netlab.scenario",
  "version": 1,
  "objects": [
    { "apiVersion": "v1", "kind": "Node", "metadata": { "name": "node-1" } },
    {
      "apiVersion": "v1",
      "kind": "Service",
      "metadata": { "name": "web" },
      "spec": { "type": "NodePort", "ports": [ { "port": 80, "nodePort": 8888 } ] }
    }
  ]
}`;

function loaded(name: string, text: string) {
  const r = loadScenarioFiles([{ name, text }]);
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r;
}

describe('object sources', () => {
  it('locate a field of a YAML object by its apiserver path, and fall back to the deepest part present', () => {
    const r = loaded('svc.yaml', YAML);
    const svc = r.sources[1]!;
    expect(svc).toMatchObject({ file: 'svc.yaml', line: 6, column: 1, document: 1 });
    expect(svc.locateField?.('spec.ports[0].nodePort')).toEqual({ line: 16, column: 17 });
    expect(svc.locateField?.('spec.ports[0].port')).toEqual({ line: 15, column: 13 });
    expect(svc.locateField?.('metadata.namespace')).toEqual({ line: 10, column: 14 });
    // Not in the text: the nearest ancestor that is.
    expect(svc.locateField?.('spec.ports[0].targetPort')).toEqual({ line: 14, column: 7 });
  });

  it('locate a field of an object inside a JSON scenario envelope', () => {
    const r = loaded('lab.json', JSON_ENVELOPE);
    const svc = r.sources[1]!;
    expect(svc).toMatchObject({ path: '/objects/1', line: 6 });
    expect(svc.locateField?.('spec.ports[0].nodePort')?.line).toBe(10);
  });

  it('read field paths the way the apiserver writes them', () => {
    expect(fieldSegments('spec.ports[0].nodePort')).toEqual(['spec', 'ports', 0, 'nodePort']);
    expect(fieldSegments('metadata.labels[app.kubernetes.io/name]')).toEqual(['metadata', 'labels', 'app.kubernetes.io/name']);
    expect(fieldSegments('')).toEqual([]);
  });
});

describe('locateRefusals', () => {
  const refusal = {
    ref: { kind: 'Service', namespace: 'shop', name: 'web' },
    field: 'spec.ports[0].nodePort',
    reason: 'Invalid',
    message: 'The Service "web" is invalid: spec.ports[0].nodePort: Invalid value: 8888: provided port is not in the valid range. The range of valid ports is 30000-32767',
  };

  it('places a refusal at its field and names the object it refused', () => {
    const r = loaded('svc.yaml', YAML);
    const [located] = locateRefusals({ refusals: [refusal], objects: r.scenario.objects, sources: r.sources });
    expect(located!.objectIndex).toBe(1);
    expect(located!.problem).toEqual({
      kind: 'refused',
      severity: 'error',
      file: 'svc.yaml',
      line: 16,
      column: 17,
      document: 1,
      path: '/spec/ports/0/nodePort',
      message: `Error from server (Invalid): ${refusal.message}`,
      // kubectl's line, kept whole as the note's parameter (the page frames it in the reader's language).
      note: { key: 'problem.refused', params: { detail: `Error from server (Invalid): ${refusal.message}` } },
    });
  });

  it('places a whole-object refusal at the object, and one of an object no file declared at "(lab)"', () => {
    const r = loaded('svc.yaml', YAML);
    const whole = { ...refusal, field: '', reason: 'Forbidden', message: 'services "web" is forbidden' };
    const stranger = { ...refusal, ref: { kind: 'Service', namespace: 'ingress-nginx', name: 'ingress-nginx-controller' } };
    const [a, b] = locateRefusals({ refusals: [whole, stranger], objects: r.scenario.objects, sources: r.sources });
    expect(a!.problem).toMatchObject({ file: 'svc.yaml', line: 6, column: 1, path: '' });
    expect(b!.objectIndex).toBeUndefined();
    expect(b!.problem).toMatchObject({ file: '(lab)', path: '/spec/ports/0/nodePort' });
    expect(b!.problem.line).toBeUndefined();
  });
});
