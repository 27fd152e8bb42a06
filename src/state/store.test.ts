import { describe, expect, it, vi } from 'vitest';
import type { Cluster } from '../sim';
import { clusterFixture, scenarioFixture, traceFixture } from './fixtures/scenario';
import {
  selectCanRedo,
  selectCanUndo,
  selectCompilerState,
  selectRedoOpenTitle,
  selectTracerState,
  selectUndoOpenTitle,
} from './selectors';
import { MAX_REPLACED_LABS, createLabStore } from './store';
import type { Engines, LoadResult, SourceFile } from './types';
import { loadScenarioFiles } from '../scenario';
import { renderProblemNote } from '../scenario/problem-text';
import { buildEditedLab } from '../sim/assembly/edits';

const okLoader = (): LoadResult => ({ ok: true, scenario: scenarioFixture(), problems: [], defaulted: [], migrations: [], sources: [], inferred: [] });
const badLoader = (files: readonly SourceFile[]): LoadResult => ({
  ok: false,
  problems: [{ kind: 'invalid', severity: 'error', file: files[0]!.name, line: 3, column: 5, path: '/spec/ports/0/port', message: 'must be an integer' }],
});

function loaded(engines: Engines = {}) {
  const store = createLabStore({ engines: { loadScenarioFiles: okLoader, ...engines } });
  expect(store.getState().openFiles([{ name: 'default.json', text: '{}' }])).toBe(true);
  return store;
}

describe('opening files', () => {
  it('replaces the scenario and derives the lab when the loader accepts the files', () => {
    const store = loaded();
    const s = store.getState();
    expect(s.scenario.current?.meta.title).toBe('fixture');
    expect(s.scenario.sources.map((f) => f.name)).toEqual(['default.json']);
    expect(s.lab?.status).toBe('as-written');
    expect(s.lab?.cluster.nodes.map((n) => n.metadata.name)).toEqual(['node-a', 'node-b']);
    expect(s.loadReport).toBeNull();
  });

  it('keeps what was open when a file has errors, and reports them located', () => {
    const store = createLabStore({ engines: { loadScenarioFiles: (f) => (f[0]!.name === 'broken.yaml' ? badLoader(f) : okLoader()) } });
    store.getState().openFiles([{ name: 'default.json', text: '{}' }]);
    const kept = store.getState().scenario.current;
    const keptLab = store.getState().lab;
    expect(store.getState().openFiles([{ name: 'broken.yaml', text: 'x' }])).toBe(false);
    expect(store.getState().scenario.current).toBe(kept);
    expect(store.getState().lab).toBe(keptLab);
    expect(store.getState().loadReport).toMatchObject({ applied: false, problems: [{ file: 'broken.yaml', line: 3, column: 5, path: '/spec/ports/0/port' }] });
    store.getState().dismissLoadReport();
    expect(store.getState().loadReport).toBeNull();
  });

  it('lists the apiserver\'s refusals of the objects that parsed beside the loader\'s errors, each located', () => {
    // One object the loader refuses (a protocol Kubernetes does not have) and one it reads but the
    // apiserver refuses (template labels that do not match the selector): both are errors at once.
    const text = [
      'apiVersion: v1',
      'kind: Service',
      'metadata: {name: web}',
      'spec:',
      '  selector: {app: web}',
      '  ports:',
      '    - port: 80',
      '      protocol: SCTPX',
      '---',
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata: {name: web}',
      'spec:',
      '  selector: {matchLabels: {app: web}}',
      '  template:',
      '    metadata:',
      '      labels: {app: other}',
      '    spec: {containers: [{name: app, image: nginx}]}',
    ].join('\n');
    const reconcile: Engines['reconcile'] = (input) => {
      const lab = buildEditedLab({ ...input, clients: [] });
      return { cluster: lab.cluster, problems: lab.problems };
    };
    const store = createLabStore({ engines: { loadScenarioFiles, reconcile } });
    expect(store.getState().openFiles([{ name: 'two.yaml', text }])).toBe(false);
    const report = store.getState().loadReport;
    expect(report?.applied).toBe(false);
    expect(report?.problems.filter((p) => p.severity === 'error')).toMatchObject([
      { kind: 'invalid', file: 'two.yaml', line: 8, path: '/spec/ports/0/protocol', message: expect.stringContaining('SCTPX') },
      {
        kind: 'refused',
        file: 'two.yaml',
        line: 17,
        document: 1,
        path: '/spec/template/metadata/labels',
        message: expect.stringContaining('The Deployment "web" is invalid'),
      },
    ]);
    expect(store.getState().scenario.current).toBeNull();

    // Without a control plane there is no apiserver to ask: the loader's errors alone.
    const bare = createLabStore({ engines: { loadScenarioFiles } });
    bare.getState().openFiles([{ name: 'two.yaml', text }]);
    expect(bare.getState().loadReport?.problems.filter((p) => p.severity === 'error').map((p) => p.kind)).toEqual(['invalid']);
  });

  it('says the loader is unavailable instead of inventing a scenario', () => {
    const store = createLabStore();
    expect(store.getState().openFiles([{ name: 'a.json', text: '{}' }])).toBe(false);
    expect(store.getState().loadReport).toMatchObject({ unavailable: true, applied: false });
    expect(store.getState().scenario.current).toBeNull();
  });

  it('turns a loader crash into an internal problem and keeps the scenario', () => {
    const store = createLabStore({ engines: { loadScenarioFiles: () => { throw new Error('boom'); } } });
    expect(store.getState().openFiles([{ name: 'a.json', text: '{}' }])).toBe(false);
    expect(store.getState().loadReport?.problems[0]).toMatchObject({ kind: 'internal', message: 'boom' });
  });

  it('frames a loader crash for the page in either language, the thrown text kept as it is', () => {
    const store = createLabStore({ engines: { loadScenarioFiles: () => { throw new Error('boom'); } } });
    store.getState().openFiles([{ name: 'a.json', text: '{}' }]);
    const p = store.getState().loadReport!.problems[0]!;
    expect(renderProblemNote('en', p.note!)).toBe(p.message);
    expect(renderProblemNote('zh', p.note!)).toBe('载入器出错：boom');
  });
});

describe('derived lab', () => {
  it('runs the injected control plane once per scenario identity', () => {
    const reconcile = vi.fn((): { cluster: Cluster; problems: [] } => ({ cluster: clusterFixture(), problems: [] }));
    const store = loaded({ reconcile });
    expect(store.getState().lab?.status).toBe('reconciled');
    expect(reconcile).toHaveBeenCalledTimes(1);
    store.getState().select({ kind: 'node', id: 'node:node-a' });
    store.getState().setLang('zh');
    expect(reconcile).toHaveBeenCalledTimes(1);
    store.getState().run({ kind: 'set-proxy-mode', mode: 'ipvs' });
    expect(reconcile).toHaveBeenCalledTimes(2);
    store.getState().undo();
    // Undo gives back an equal scenario but a new identity: the control plane runs again.
    expect(reconcile).toHaveBeenCalledTimes(3);
  });
});

describe('commands, undo and redo', () => {
  const cases = [
    { kind: 'set-proxy-mode', mode: 'ipvs' },
    { kind: 'set-replicas', namespace: 'default', name: 'web', replicas: 5 },
    { kind: 'set-pod-ready', namespace: 'default', name: 'web-1', ready: false },
    { kind: 'remove-object', objectKind: 'Service', namespace: 'default', name: 'web' },
    { kind: 'set-seed', seed: 'other' },
  ] as const;

  it.each(cases)('$kind: apply, undo and redo give identical states', (command) => {
    const store = loaded();
    const original = store.getState().scenario.current;
    const snapshot = structuredClone(original);
    store.getState().run(command);
    const applied = store.getState().scenario.current;
    expect(applied).not.toEqual(snapshot);
    const appliedSnapshot = structuredClone(applied);
    store.getState().undo();
    expect(store.getState().scenario.current).toEqual(snapshot);
    expect(store.getState().scenario.future).toHaveLength(1);
    store.getState().redo();
    expect(store.getState().scenario.current).toEqual(appliedSnapshot);
    expect(store.getState().scenario.past).toHaveLength(1);
  });

  it('records nothing for a command that changes nothing', () => {
    const store = loaded();
    store.getState().run({ kind: 'set-seed', seed: store.getState().scenario.current!.settings.seed });
    store.getState().run({ kind: 'batch', commands: [] });
    expect(store.getState().scenario.past).toHaveLength(0);
  });

  it('an edit the control plane refuses is not recorded, and says why in its words', () => {
    const problem = { ref: { kind: 'Deployment', namespace: 'default', name: 'missing' }, field: '', reason: 'NotFound', message: 'deployments.apps "missing" not found' };
    const reconcile = vi.fn((input: { edits?: readonly unknown[] }) => ({ cluster: clusterFixture(), problems: input.edits?.length ? [problem] : [] }));
    const store = loaded({ reconcile });
    const before = store.getState().scenario.current;
    store.getState().run({ kind: 'set-replicas', namespace: 'default', name: 'missing', replicas: 3 });
    expect(store.getState().scenario.past).toHaveLength(0);
    expect(store.getState().scenario.current).toBe(before);
    expect(store.getState().editRefusal).toEqual(['Error from server (NotFound): deployments.apps "missing" not found']);
  });

  it('a new command after undo drops the redo stack', () => {
    const store = loaded();
    store.getState().run({ kind: 'set-seed', seed: 'a' });
    store.getState().undo();
    store.getState().run({ kind: 'set-seed', seed: 'b' });
    expect(store.getState().scenario.future).toHaveLength(0);
    expect(store.getState().scenario.current?.settings.seed).toBe('b');
  });

  it('undo past the beginning is a no-op', () => {
    const store = loaded();
    const s = store.getState().scenario.current;
    store.getState().undo();
    expect(store.getState().scenario.current).toBe(s);
  });
});

describe('undo of an open', () => {
  // Two labs told apart by title: the loader gives each file its own scenario.
  const titled = (files: readonly SourceFile[]): LoadResult => {
    const r = okLoader();
    if (r.ok) r.scenario.meta.title = files[0]!.name;
    return r;
  };
  const twoLabs = () => {
    const store = createLabStore({ engines: { loadScenarioFiles: titled } });
    store.getState().openFiles([{ name: 'a.json', text: '{}' }]);
    store.getState().run({ kind: 'set-seed', seed: 'edited' });
    store.getState().setComposer({ request: { from: 'external', method: 'GET', url: 'http://a/', headers: {}, connect: '' }, headerText: '', repeat: 2 });
    const edited = store.getState().scenario.current;
    store.getState().openFiles([{ name: 'b.json', text: '{}' }]);
    return { store, edited };
  };
  const title = (store: ReturnType<typeof twoLabs>['store']) => store.getState().scenario.current?.meta.title;

  it('brings back the lab an open replaced, with its edits, history and request; Redo opens the new one again', () => {
    const { store, edited } = twoLabs();
    expect(title(store)).toBe('b.json');
    expect(store.getState().scenario.past).toHaveLength(0);
    expect(selectUndoOpenTitle(store.getState())).toBe('a.json');
    store.getState().undo();
    expect(store.getState().scenario.current).toBe(edited);
    expect(store.getState().scenario.sources.map((f) => f.name)).toEqual(['a.json']);
    expect(store.getState().composer?.repeat).toBe(2);
    expect(selectUndoOpenTitle(store.getState())).toBeNull();
    expect(selectRedoOpenTitle(store.getState())).toBe('b.json');
    // Undo goes on through the edits of the lab that came back.
    store.getState().undo();
    expect(store.getState().scenario.current?.settings.seed).not.toBe('edited');
    store.getState().redo();
    expect(store.getState().scenario.current).toEqual(edited);
    store.getState().redo();
    expect(title(store)).toBe('b.json');
    expect(store.getState().composer).toBeNull();
    expect(store.getState().scenario.swaps).toBe(2);
  });

  it('a new edit after going back drops the lab Redo would open', () => {
    const { store } = twoLabs();
    store.getState().undo();
    store.getState().run({ kind: 'set-seed', seed: 'again' });
    expect(selectCanRedo(store.getState())).toBe(false);
    store.getState().redo();
    expect(title(store)).toBe('a.json');
  });

  it('keeps the last ten labs opens replaced, and nothing before the first lab', () => {
    const store = createLabStore({ engines: { loadScenarioFiles: titled } });
    expect(selectCanUndo(store.getState())).toBe(false);
    for (let i = 0; i < 13; i++) store.getState().openFiles([{ name: `${i}.json`, text: '{}' }]);
    expect(store.getState().scenario.replaced).toHaveLength(MAX_REPLACED_LABS);
    for (let i = 0; i < 20; i++) store.getState().undo();
    expect(title(store)).toBe('2.json');
    expect(selectCanUndo(store.getState())).toBe(false);
  });
});

describe('playback', () => {
  const request = { from: 'external:laptop', method: 'GET', url: 'http://192.168.49.2:30080/', headers: {}, connect: '' };

  it('says the tracer is unavailable when none is wired in', () => {
    const store = loaded();
    store.getState().sendRequest(request);
    expect(store.getState().playback.status).toEqual({ kind: 'unavailable' });
    expect(store.getState().playback.trace).toBeNull();
  });

  it('calls the injected tracer with the scenario, the cluster and the request', () => {
    const trace = vi.fn(() => traceFixture());
    const store = loaded({ trace });
    store.getState().sendRequest(request);
    expect(trace).toHaveBeenCalledWith({ scenario: store.getState().scenario.current, cluster: store.getState().lab!.cluster, request });
    expect(store.getState().playback).toMatchObject({ status: { kind: 'done' }, hop: 0, playing: true });
  });

  it('reports a tracer failure without losing the scenario', () => {
    const store = loaded({ trace: () => { throw new Error('no route'); } });
    store.getState().sendRequest(request);
    expect(store.getState().playback.status).toEqual({ kind: 'error', message: 'no route' });
  });

  it('steps within the trace and stops at either end', () => {
    const store = loaded();
    store.getState().showTrace(traceFixture());
    const steps: [string, () => void, number][] = [
      ['back at start', () => store.getState().step(-1), 0],
      ['forward', () => store.getState().step(1), 1],
      ['forward', () => store.getState().step(1), 2],
      ['forward at end', () => store.getState().step(1), 2],
      ['seek', () => store.getState().seek(1), 1],
      ['seek beyond', () => store.getState().seek(99), 2],
      ['reset', () => store.getState().reset(), 0],
    ];
    for (const [, act, hop] of steps) {
      act();
      expect(store.getState().playback.hop).toBe(hop);
    }
  });

  it('play from the last hop starts again from the first; the last step stops playing', () => {
    const store = loaded();
    store.getState().showTrace(traceFixture());
    store.getState().seek(2);
    store.getState().play();
    expect(store.getState().playback).toMatchObject({ hop: 0, playing: true });
    store.getState().step(1);
    expect(store.getState().playback.playing).toBe(true);
    store.getState().step(1);
    expect(store.getState().playback.playing).toBe(false);
  });

  it('an edit clears the trace: it was walked through rules that changed', () => {
    const store = loaded();
    store.getState().showTrace(traceFixture());
    store.getState().run({ kind: 'set-seed', seed: 'x' });
    expect(store.getState().playback.trace).toBeNull();
  });
});

describe('engines that load later', () => {
  it('says the loader is unavailable until it is installed, then opens files and derives the lab with the new engines', () => {
    const store = createLabStore();
    expect(store.getState().engines.loadScenarioFiles).toBe(false);
    expect(store.getState().openFiles([{ name: 'a.json', text: '{}' }])).toBe(false);
    store.getState().installEngines({ loadScenarioFiles: okLoader });
    expect(store.getState().engines.loadScenarioFiles).toBe(true);
    expect(store.getState().openFiles([{ name: 'a.json', text: '{}' }])).toBe(true);
    expect(store.getState().lab?.status).toBe('as-written');
    store.getState().installEngines({ reconcile: () => ({ cluster: clusterFixture(), problems: [] }) });
    expect(store.getState().lab?.status).toBe('reconciled');
  });
});

describe('engines on their way', () => {
  it('says a missing engine is loading while the engines download, and not available only once that failed', () => {
    const store = createLabStore({ enginesPending: true });
    expect(store.getState().enginesLoad).toBe('loading');
    expect(selectTracerState(store.getState())).toBe('loading');
    expect(selectCompilerState(store.getState())).toBe('loading');
    // A file opened meanwhile is reported as waiting for the loader, not as a missing feature.
    expect(store.getState().openFiles([{ name: 'a.json', text: '{}' }])).toBe(false);
    expect(store.getState().loadReport).toMatchObject({ unavailable: true, loading: true, queued: true, applied: false });

    store.getState().setEnginesLoad('failed');
    expect(selectTracerState(store.getState())).toBe('missing');
    // The download failed: the report says so, and the file is still kept for the Retry.
    expect(store.getState().loadReport).toMatchObject({ unavailable: true, queued: true });
    expect(store.getState().loadReport?.loading).toBeUndefined();
    expect(store.getState().queuedLoad?.files.map((f) => f.name)).toEqual(['a.json']);

    // Retry: loading again, then the engines arrive.
    store.getState().setEnginesLoad('loading');
    store.getState().installEngines({ loadScenarioFiles: okLoader, trace: () => traceFixture() });
    expect(store.getState().enginesLoad).toBe('settled');
    expect(selectTracerState(store.getState())).toBe('ready');
    // An engine the build does not have stays "not available" once the rest has arrived.
    expect(selectCompilerState(store.getState())).toBe('missing');
  });

  it('opens a file opened while the engines load once they arrive: the last one opened wins', () => {
    const store = createLabStore({ enginesPending: true });
    const opened: string[] = [];
    const loader: Engines['loadScenarioFiles'] = (files) => {
      opened.push(files.map((f) => f.name).join('+'));
      return okLoader();
    };
    expect(store.getState().openFiles([{ name: 'first.yaml', text: 'x' }], { ask: true })).toBe(false);
    expect(store.getState().openFiles([{ name: 'second.yaml', text: 'y' }, { name: 'more.yaml', text: 'z' }], { ask: true })).toBe(false);
    expect(store.getState().loadReport).toMatchObject({ files: ['second.yaml', 'more.yaml'], loading: true, queued: true });
    // Nothing opens before the engines are there.
    expect(store.getState().openQueuedLoad()).toBe(false);
    expect(store.getState().queuedLoad).not.toBeNull();

    store.getState().installEngines({ loadScenarioFiles: loader });
    expect(store.getState().openQueuedLoad()).toBe(true);
    expect(opened).toEqual(['second.yaml+more.yaml']);
    expect(store.getState().scenario.sources.map((f) => f.name)).toEqual(['second.yaml', 'more.yaml']);
    expect(store.getState().queuedLoad).toBeNull();
    expect(store.getState().loadReport).toBeNull();
    // Once opened it is gone from the queue: nothing opens twice.
    expect(store.getState().openQueuedLoad()).toBe(false);
    expect(opened).toHaveLength(1);
  });

  it('keeps a file opened after the download failed, and opens it when a Retry brings the engines', () => {
    const store = createLabStore({ enginesPending: true });
    store.getState().setEnginesLoad('failed');
    store.getState().openFiles([{ name: 'kept.yaml', text: 'x' }]);
    expect(store.getState().loadReport).toMatchObject({ files: ['kept.yaml'], unavailable: true, queued: true, applied: false });
    expect(store.getState().loadReport?.loading).toBeUndefined();
    // Retry: waiting again, then the engines arrive.
    store.getState().setEnginesLoad('loading');
    expect(store.getState().loadReport).toMatchObject({ queued: true, loading: true });
    store.getState().installEngines({ loadScenarioFiles: okLoader });
    expect(store.getState().openQueuedLoad()).toBe(true);
    expect(store.getState().scenario.sources.map((f) => f.name)).toEqual(['kept.yaml']);
  });

  it('does not queue a file in a build that has no loader at all', () => {
    const store = createLabStore();
    expect(store.getState().openFiles([{ name: 'a.json', text: '{}' }])).toBe(false);
    expect(store.getState().queuedLoad).toBeNull();
    expect(store.getState().loadReport?.queued).toBeUndefined();
  });

  it('speaks of engines nobody is loading as not available', () => {
    const store = createLabStore();
    expect(store.getState().enginesLoad).toBe('settled');
    expect(selectTracerState(store.getState())).toBe('missing');
  });
});

describe('the artifact viewer follows the hops', () => {
  it('shows the deciding artifact of a hop with refs and keeps it through hops without', () => {
    const store = loaded();
    store.getState().showTrace(traceFixture());
    expect(store.getState().playback.artifact).toBeNull();
    store.getState().step(1);
    expect(store.getState().playback.artifact).toBe('node/node-a/iptables-save');
    store.getState().step(1);
    expect(store.getState().playback.artifact).toBe('node/node-a/iptables-save');
    store.getState().openArtifact('dns/coredns/zone');
    store.getState().seek(2);
    expect(store.getState().playback.artifact).toBe('dns/coredns/zone');
  });
});
