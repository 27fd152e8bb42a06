import { describe, expect, it } from 'vitest';
import { buildLab } from '../assembly/lab';
import type { KubeObject } from '../api/types';
import { defaultLabSettings } from '../lab';
import { checkRequest } from './request-check';
import { trace, newTraceSession, parseConnect, parseSource } from './trace';

const metadata = { name: 'web', namespace: 'default' };
const template = {
  metadata: { labels: { app: 'web' } },
  spec: { containers: [{ name: 'web', image: 'nginx', ports: [{ containerPort: 80 }] }] },
};
const objects = [
  {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata,
    spec: { replicas: 1, selector: { matchLabels: { app: 'web' } }, template },
  },
  {
    apiVersion: 'v1',
    kind: 'Service',
    metadata,
    spec: { type: 'NodePort', selector: { app: 'web' }, ports: [{ port: 80, nodePort: 30080 }] },
  },
] as unknown as KubeObject[];
const clients = [{ name: 'laptop', address: '192.168.49.100' }];
const lab = buildLab({ settings: defaultLabSettings(), objects, clients });
const ok = { from: 'external:internet', url: 'http://192.168.49.2:30080/', connect: '' };

describe('checkRequest: the composer\'s choices against the current lab', () => {
  it('a request the lab can walk has no issues: default or scenario client, pod by workload, node, connect', () => {
    expect(checkRequest(lab, ok)).toEqual([]);
    expect(checkRequest(lab, { ...ok, from: 'external:laptop', connect: 'node:node-2' })).toEqual([]);
    expect(checkRequest(lab, { ...ok, from: 'pod:default/web' })).toEqual([]);
    expect(checkRequest(lab, { ...ok, from: 'node:node-1', connect: '192.168.49.3:30080' })).toEqual([]);
    expect(checkRequest(lab, { ...ok, from: 'external:198.51.100.4' })).toEqual([]);
  });

  it('a connect target on a node that does not exist names the nodes there are', () => {
    const issue = { field: 'connect', kind: 'no-node', name: 'node-9', existing: 'node-1, node-2' };
    expect(checkRequest(lab, { ...ok, connect: 'node:node-9' })).toEqual([issue]);
  });

  it('a client, pod or node that does not exist names what does', () => {
    const noClient = { field: 'from', kind: 'no-client', name: 'phone', existing: 'internet, laptop' };
    expect(checkRequest(lab, { ...ok, from: 'external:phone' })).toEqual([noClient]);
    const [pod] = checkRequest(lab, { ...ok, from: 'pod:default/api' });
    expect(pod).toMatchObject({ field: 'from', kind: 'no-pod', name: 'default/api' });
    expect(pod && 'existing' in pod ? pod.existing : '').toMatch(/^default\/web-/);
    const noNode = { field: 'from', kind: 'no-node', name: 'worker-3', existing: 'node-1, node-2' };
    expect(checkRequest(lab, { ...ok, from: 'node:worker-3' })).toEqual([noNode]);
  });

  it('ingress as a connect target without an ingress controller says there is none', () => {
    const none = { field: 'connect', kind: 'no-ingress', name: '', existing: '—' };
    expect(checkRequest(lab, { ...ok, connect: 'ingress' })).toEqual([none]);
  });

  it('text that is not a sender, URL or connect target at all is a syntax issue on its field', () => {
    const issues = checkRequest(lab, { from: 'laptop', url: 'http://x:99999/', connect: 'somewhere' });
    const syntax = [['from', 'syntax'], ['url', 'syntax'], ['connect', 'syntax']];
    expect(issues.map((i) => [i.field, i.kind])).toEqual(syntax);
  });

  it('agrees with the walk: what it refuses, the tracer cannot walk either', () => {
    const refused = [
      { ...ok, connect: 'node:node-9' },
      { ...ok, from: 'external:phone' },
      { ...ok, from: 'node:worker-3' },
    ];
    for (const req of refused) {
      const from = parseSource(req.from);
      const connect = req.connect ? parseConnect(req.connect) : undefined;
      if ('error' in from || (connect && 'error' in connect)) throw new Error('unparsable');
      const r = trace(lab, { from, url: req.url, connect }, newTraceSession('x'));
      expect(r.outcome).toBe('unreachable');
      expect(checkRequest(lab, req)).toHaveLength(1);
    }
  });
});
