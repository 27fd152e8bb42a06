// Saved requests may send from the lab's default client or from an address without declaring a client.
import { describe, expect, it } from 'vitest';
import { loadScenarioText } from './index';

const doc = (from: string) => JSON.stringify({ format: 'netlab.scenario', version: 1, objects: [], requests: [{ id: 'r', from, url: 'http://192.168.49.2:30080/' }] });

describe('saved requests from outside clients', () => {
  it.each(['external:internet', 'external:198.51.100.7'])('%s needs no declared client', (from) => {
    const r = loadScenarioText('s.json', doc(from));
    expect(r.ok && r.problems).toEqual([]);
  });

  it('an undeclared client name is still a warning at the request', () => {
    const r = loadScenarioText('s.json', doc('external:laptop'));
    expect(r.ok && r.problems.map((p) => p.message)).toEqual(['request "r": from: no client named "laptop"']);
  });
});
