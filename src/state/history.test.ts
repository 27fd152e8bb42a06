import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadScenarioFiles } from '../scenario';
import { defaultKubeProxySettings, PROXY_MODES } from '../sim/lab';
import type { ScenarioCommand } from './commands';
import { createLabStore } from './store';

// Undo and redo are immer's inverse patches and patches: 1,000 random edits undone must give back
// the scenario as it was opened, value for value, and redone the one the edits made.

const text = readFileSync(join(__dirname, '../../scenarios/ingress-nodeport-hosts.json'), 'utf8');

const name = fc.constantFrom('web', 'api', 'extra', 'ingress-nginx-controller', 'node-1', 'nope');
const command: fc.Arbitrary<ScenarioCommand> = fc.oneof(
  fc.record({ kind: fc.constant('set-proxy-mode' as const), mode: fc.constantFrom(...PROXY_MODES) }),
  fc.record({ kind: fc.constant('set-seed' as const), seed: fc.string({ maxLength: 6 }) }),
  fc.constantFrom(...PROXY_MODES).map((mode): ScenarioCommand => ({ kind: 'set-kube-proxy', config: { ...defaultKubeProxySettings(), mode } })),
  fc.record({ kind: fc.constant('set-replicas' as const), namespace: fc.constant('default'), name, replicas: fc.nat({ max: 9 }) }),
  fc.record({ kind: fc.constant('set-pod-ready' as const), namespace: fc.constant('default'), name, ready: fc.boolean() }),
  fc.record({ kind: fc.constant('remove-object' as const), objectKind: fc.constantFrom('Service', 'Deployment', 'Pod', 'Ingress'), namespace: fc.constant('default'), name }),
  fc.record({
    kind: fc.constant('apply-object' as const),
    object: fc.record({ name, app: fc.constantFrom('web', 'api', 'other') }).map(({ name, app }) => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace: 'default', labels: { app } },
      spec: { containers: [{ name: 'c', image: 'nginx' }] },
    })) as fc.Arbitrary<Extract<ScenarioCommand, { kind: 'apply-object' }>['object']>,
  }),
);
const batch = fc.array(command, { minLength: 1, maxLength: 3 }).map((commands): ScenarioCommand => ({ kind: 'batch', commands }));

describe('undo and redo', () => {
  it('1,000 random edits undone give the opened scenario back; redone, the edited one', () => {
    const edits = fc.sample(fc.oneof({ arbitrary: command, weight: 4 }, { arbitrary: batch, weight: 1 }), { numRuns: 1000, seed: 42 });
    const store = createLabStore({ engines: { loadScenarioFiles } });
    expect(store.getState().openFiles([{ name: 'lesson.json', text }])).toBe(true);
    const opened = store.getState().scenario.current;
    const openedJson = JSON.stringify(opened);
    for (const e of edits) store.getState().run(e);
    const edited = store.getState().scenario.current;
    const editedJson = JSON.stringify(edited);
    const steps = store.getState().scenario.past.length;
    expect(steps).toBeGreaterThan(500);
    expect(editedJson).not.toBe(openedJson);

    for (let i = 0; i < steps; i++) store.getState().undo();
    expect(store.getState().scenario.past).toHaveLength(0);
    expect(JSON.stringify(store.getState().scenario.current)).toBe(openedJson);
    expect(store.getState().scenario.current).toEqual(opened);

    for (let i = 0; i < steps; i++) store.getState().redo();
    expect(JSON.stringify(store.getState().scenario.current)).toBe(editedJson);
    expect(store.getState().scenario.current).toEqual(edited);
  }, 60_000);
});
