// The client editor's commands and the composer's draft: clients are scenario data (undo, share),
// the draft belongs to the open scenario only, and Send can repeat a request.
import { describe, expect, it, vi } from 'vitest';
import { scenarioFixture, traceFixture } from './fixtures/scenario';
import { selectClients } from './selectors';
import { createLabStore } from './store';
import type { Engines, LoadResult } from './types';

const okLoader = (): LoadResult => ({ ok: true, scenario: scenarioFixture(), problems: [], defaulted: [], migrations: [], sources: [], inferred: [] });

function loaded(engines: Engines = {}) {
  const store = createLabStore({ engines: { loadScenarioFiles: okLoader, ...engines } });
  store.getState().openFiles([{ name: 'default.json', text: '{}' }]);
  return store;
}

const request = { from: 'external:laptop', method: 'GET', url: 'http://192.168.49.2:30080/', headers: {}, connect: '' };

describe('outside clients as scenario edits', () => {
  it('the lab offers the default outside client besides the scenario\'s own', () => {
    const store = loaded();
    expect(selectClients(store.getState())?.map((c) => c.name)).toEqual(['internet', 'laptop']);
  });

  it('adds, edits (renaming in place) and removes a client; each is one undo step', () => {
    const store = loaded();
    const s = () => store.getState();
    s().run({ kind: 'put-client', client: { name: 'phone', address: '198.51.100.5', hosts: { 'shop.example.com': '192.168.49.2' } } });
    expect(s().scenario.current?.clients.map((c) => c.name)).toEqual(['laptop', 'phone']);
    s().run({ kind: 'put-client', replaces: 'laptop', client: { name: 'desktop', address: '192.168.49.50' } });
    expect(s().scenario.current?.clients).toEqual([
      { name: 'desktop', address: '192.168.49.50' },
      { name: 'phone', address: '198.51.100.5', hosts: { 'shop.example.com': '192.168.49.2' } },
    ]);
    s().run({ kind: 'remove-client', name: 'phone' });
    expect(s().scenario.current?.clients.map((c) => c.name)).toEqual(['desktop']);
    s().undo();
    s().undo();
    expect(s().scenario.current?.clients.map((c) => c.name)).toEqual(['laptop', 'phone']);
    s().undo();
    expect(s().scenario.current?.clients).toEqual(scenarioFixture().clients);
    s().redo();
    expect(s().scenario.current?.clients.map((c) => c.name)).toEqual(['laptop', 'phone']);
  });
});

describe('the composer draft', () => {
  it('survives a Send and is dropped when another scenario opens', () => {
    const store = loaded({ trace: () => traceFixture() });
    const draft = { request: { ...request, connect: 'node:node-a' }, headerText: 'Host: shop', repeat: 1 };
    store.getState().setComposer(draft);
    store.getState().sendRequest(draft.request);
    expect(store.getState().composer).toEqual(draft);
    store.getState().openFiles([{ name: 'other.json', text: '{}' }]);
    expect(store.getState().composer).toBeNull();
  });

  it('Send with repeat walks the request that many times and shows the first result; each can be shown', () => {
    const results = [traceFixture(), { ...traceFixture(), status: 503 }, { ...traceFixture(), status: 404 }];
    let i = 0;
    const trace = vi.fn(() => results[i++]!);
    const store = loaded({ trace });
    store.getState().sendRequest({ ...request, cookieJar: true }, { repeat: 3 });
    expect(trace).toHaveBeenCalledTimes(3);
    expect(store.getState().playback.runs.map((r) => r.status)).toEqual([200, 503, 404]);
    expect(store.getState().playback.trace?.status).toBe(200);
    store.getState().showRun(2);
    expect(store.getState().playback).toMatchObject({ run: 2, hop: 0, trace: { status: 404 } });
  });

  it('asks the checker the engines wired in, and has no opinion without one', () => {
    const checkRequest = vi.fn(() => [{ field: 'connect' as const, kind: 'no-node' as const, name: 'node-9', existing: ['node-a', 'node-b'] }]);
    expect(loaded().getState().checkRequest(request)).toEqual([]);
    const store = loaded({ checkRequest });
    expect(store.getState().checkRequest({ ...request, connect: 'node:node-9' })).toEqual([{ field: 'connect', kind: 'no-node', name: 'node-9', existing: ['node-a', 'node-b'] }]);
    expect(checkRequest).toHaveBeenCalledWith({ scenario: store.getState().scenario.current, request: { ...request, connect: 'node:node-9' } });
  });
});
