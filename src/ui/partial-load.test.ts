// A file whose objects parse but the apiserver partly refuses waits for the user's choice instead
// of replacing the lab (openFiles with `ask`): "open without these objects" or "keep the current lab".

import { describe, expect, it } from 'vitest';
import { createLabStore, pendingLoadCounts } from '../state';
import { engines } from './engines';

const NODE = 'apiVersion: v1\nkind: Node\nmetadata:\n  name: alpha\n';
const PARTIAL = `apiVersion: v1
kind: Node
metadata:
  name: beta
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  type: NodePort
  selector: {app: web}
  ports:
    - port: 80
      nodePort: 8888
`;

function withLab() {
  const store = createLabStore({ engines });
  expect(store.getState().openFiles([{ name: 'a.yaml', text: NODE }])).toBe(true);
  return store;
}

const nodeNames = (store: ReturnType<typeof withLab>) => store.getState().lab!.cluster.nodes.map((n) => n.metadata.name);

describe('a partly refused file', () => {
  it('waits with each refusal located, and the lab that was open stays open', () => {
    const store = withLab();
    const before = store.getState().scenario.current;
    expect(store.getState().openFiles([{ name: 'p.yaml', text: PARTIAL }], { ask: true })).toBe(false);
    const pending = store.getState().pendingLoad!;
    expect(pending.refusals.map((r) => [r.problem.file, r.problem.line, r.problem.column, r.ref.name, r.objectIndex])).toEqual([['p.yaml', 15, 17, 'web', 1]]);
    expect(pending.refusals[0]!.problem.message).toContain('spec.ports[0].nodePort: Invalid value: 8888');
    expect(store.getState().scenario.current).toBe(before);
    expect(nodeNames(store)).toEqual(['alpha']);
  });

  it('"keep the current lab" drops the pending file', () => {
    const store = withLab();
    store.getState().openFiles([{ name: 'p.yaml', text: PARTIAL }], { ask: true });
    store.getState().resolvePendingLoad('keep');
    expect(store.getState().pendingLoad).toBeNull();
    expect(nodeNames(store)).toEqual(['alpha']);
  });

  it('"open without these objects" opens the file minus the refused objects, with nothing left refused', () => {
    const store = withLab();
    store.getState().openFiles([{ name: 'p.yaml', text: PARTIAL }], { ask: true });
    store.getState().resolvePendingLoad('open');
    expect(store.getState().pendingLoad).toBeNull();
    expect(nodeNames(store)).toEqual(['beta']);
    expect(store.getState().scenario.current!.objects.map((o) => o.kind)).toEqual(['Node']);
    expect(store.getState().lab!.problems).toEqual([]);
  });

  it('without `ask` (a lesson, a link) the file opens as before, its refusals on the lab', () => {
    const store = withLab();
    expect(store.getState().openFiles([{ name: 'p.yaml', text: PARTIAL }])).toBe(true);
    expect(store.getState().pendingLoad).toBeNull();
    expect(store.getState().lab!.problems).toHaveLength(1);
  });
});

// One Service with five field errors (QA's badsvc2.yaml): one object refused, five problems.
const BADSVC = `apiVersion: v1
kind: Service
metadata:
  name: Web_Bad
spec:
  type: NodePort
  ports:
  - port: 80
    targetPort: 99999
  - port: 80
`;

describe('a file whose every object is refused', () => {
  it('counts objects and problems apart', () => {
    const store = withLab();
    store.getState().openFiles([{ name: 'b.yaml', text: BADSVC }], { ask: true });
    const counts = pendingLoadCounts(store.getState().pendingLoad!);
    expect(counts).toEqual({ refused: 1, total: 1, problems: counts.problems, left: 0 });
    expect(counts.problems).toBeGreaterThan(1);
  });

  it('never replaces the lab with an empty one: "open" keeps the current lab', () => {
    const store = withLab();
    const before = store.getState().scenario.current;
    store.getState().openFiles([{ name: 'b.yaml', text: BADSVC }], { ask: true });
    store.getState().resolvePendingLoad('open');
    expect(store.getState().pendingLoad).toBeNull();
    expect(store.getState().scenario.current).toBe(before);
    expect(nodeNames(store)).toEqual(['alpha']);
  });
});

// QA's unknownkind.yaml: kinds the cluster does not serve are skipped, the Deployment loads (as the CLI does).
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

describe('a file with objects of kinds the cluster does not serve', () => {
  it('waits like a refused file, naming each skipped object where it is, and opens the rest when asked', () => {
    const store = withLab();
    expect(store.getState().openFiles([{ name: 'u.yaml', text: UNKNOWN_KINDS }], { ask: true })).toBe(false);
    const pending = store.getState().pendingLoad!;
    const rows = pending.refusals.map((r) => [r.problem.file, r.problem.line, r.ref.kind, r.ref.name]);
    expect(rows).toEqual([
      ['u.yaml', 2, 'Foo', 'x'],
      ['u.yaml', 7, 'Servce', 'y'],
    ]);
    expect(pendingLoadCounts(pending)).toEqual({ refused: 2, total: 3, problems: 2, left: 1 });
    expect(nodeNames(store)).toEqual(['alpha']);
    store.getState().resolvePendingLoad('open');
    expect(store.getState().scenario.current!.objects.map((o) => o.kind)).toEqual(['Deployment']);
  });
});
