import { describe, expect, it } from 'vitest';
import { buildLab } from '../assembly/lab';
import type { KubeObject } from '../api/types';
import { defaultLabSettings } from '../lab';
import { checkRequest } from './request-check';
import { trace, newTraceSession, parseConnect, parseSource, parseUrl } from './trace';
import { renderNote } from '../notes';

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
    const issue = { field: 'connect', kind: 'no-node', name: 'node-9', existing: ['node-1', 'node-2'] };
    expect(checkRequest(lab, { ...ok, connect: 'node:node-9' })).toEqual([issue]);
  });

  it('a client, pod or node that does not exist names what does', () => {
    const noClient = { field: 'from', kind: 'no-client', name: 'phone', existing: ['internet', 'laptop'] };
    expect(checkRequest(lab, { ...ok, from: 'external:phone' })).toEqual([noClient]);
    const [pod] = checkRequest(lab, { ...ok, from: 'pod:default/api' });
    expect(pod).toMatchObject({ field: 'from', kind: 'no-pod', name: 'default/api' });
    expect(pod && 'existing' in pod ? pod.existing[0] : '').toMatch(/^default\/web-/);
    const noNode = { field: 'from', kind: 'no-node', name: 'worker-3', existing: ['node-1', 'node-2'] };
    expect(checkRequest(lab, { ...ok, from: 'node:worker-3' })).toEqual([noNode]);
  });

  it('ingress as a connect target without an ingress controller says there is none', () => {
    const none = { field: 'connect', kind: 'no-ingress', name: '', existing: [] };
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

describe("the parsers' syntax errors as notes: the CLI's English unchanged, the page's in either language", () => {
  it('each error keeps its English text word for word and carries the same as a note', () => {
    const from = parseSource('bogus');
    const connect = parseConnect('somewhere');
    const url = parseUrl('http://a b/');
    const port = parseUrl('http://web:99999/');
    const letters = parseUrl('http://web.example.com:abc/');
    const errors = [from, connect, url, port, letters].map((r) => ('error' in r ? r : null));
    expect(errors.map((e) => e?.error)).toEqual([
      '--from must be external[:<client or ip>], pod:<ns>/<name> or node:<name>, not "bogus"',
      '--connect must be ingress[:<class>], gateway:<ns>/<name>[:<port>], node:<name> or <ip>:<port>, not "somewhere"',
      'cannot parse URL "http://a b/": expected http://host[:port]/path',
      'port 99999 in "http://web:99999/" is out of range 0-65535',
      'port "abc" in "http://web.example.com:abc/" is not a number',
    ]);
    expect(errors.map((e) => e?.note.key)).toEqual([
      'note.request.from',
      'note.request.connect',
      'note.request.url',
      'note.request.port',
      'note.request.portNumber',
    ]);
    for (const e of errors) {
      expect(renderNote('en', e!.note)).toBe(e!.error);
      const zh = renderNote('zh', e!.note);
      expect(zh).toMatch(/[\u4e00-\u9fff]/);
      // What the user typed is quoted verbatim in either language.
      expect(zh).toContain(String(Object.values(e!.note.params)[0]));
    }
  });

  it('checkRequest hands the note to the composer beside the English message', () => {
    const issues = checkRequest(lab, { from: 'bogus', url: 'http://web:70000/', connect: 'x' });
    expect(issues.map((i) => (i.kind === 'syntax' ? [i.field, i.note.key, i.message] : null))).toEqual([
      ['from', 'note.request.from', (parseSource('bogus') as { error: string }).error],
      ['url', 'note.request.port', 'port 70000 in "http://web:70000/" is out of range 0-65535'],
      ['connect', 'note.request.connect', (parseConnect('x') as { error: string }).error],
    ]);
  });

  it('a URL whose scheme is not http(s) or whose host is no host name or address is refused, saying which part', () => {
    const unsupported = (scheme: string, url: string) =>
      `scheme "${scheme}" in "${url}" is not supported: only http and https`;
    const notHost = (host: string, url: string) => `host "${host}" in "${url}" is not a host name or IPv4 address`;
    const cases: [string, string, string][] = [
      ['ht!tp://::bad', 'note.request.scheme', unsupported('ht!tp', 'ht!tp://::bad')],
      ['ftp://web/', 'note.request.scheme', unsupported('ftp', 'ftp://web/')],
      ['http://we!b/', 'note.request.host', notHost('we!b', 'http://we!b/')],
      ['http://-web/', 'note.request.host', notHost('-web', 'http://-web/')],
      ['http://a..b/', 'note.request.host', notHost('a..b', 'http://a..b/')],
      ['http://999.1.1.1/', 'note.request.host', notHost('999.1.1.1', 'http://999.1.1.1/')],
      ['ht!tp/x', 'note.request.host', notHost('ht!tp', 'ht!tp/x')],
    ];
    for (const [url, key, message] of cases) {
      const issues = checkRequest(lab, { ...ok, url });
      expect(issues.map((i) => (i.kind === 'syntax' ? [i.field, i.note.key, i.message] : null)), url).toEqual([
        ['url', key, message],
      ]);
      const zh = renderNote('zh', (issues[0] as { note: Parameters<typeof renderNote>[1] }).note);
      expect(zh).toMatch(/[\u4e00-\u9fff]/);
      expect(zh).toContain(JSON.stringify(url));
    }
    // Names as the lab writes them still parse: short names, FQDNs with the root dot, addresses, ports.
    for (const url of ['web', 'HTTPS://Shop.Example.com/cart', 'http://web.default.svc.cluster.local.:8080/x',
      'db-0.db/', '192.168.49.2:30080', 'http://xn--fiqs8s.example/']) {
      expect(checkRequest(lab, { ...ok, url }), url).toEqual([]);
    }
  });

  it('the walk refuses such a URL too (the CLI\'s trace --url): no DNS question for a scheme', () => {
    const r = trace(lab, { from: { kind: 'external' }, url: 'ht!tp://::bad' }, newTraceSession('x'));
    expect(r.outcome).toBe('unreachable');
    expect(r.fault?.note?.key).toBe('note.request.scheme');
    expect(r.hops.some((h) => h.action === 'resolve')).toBe(false);
  });

  it('a URL the walk cannot parse: the fault gains the note, its message stays the parser\'s English', () => {
    const r = trace(lab, { from: { kind: 'external' }, url: 'http://web:70000/' }, newTraceSession('x'));
    expect(r.outcome).toBe('unreachable');
    expect(r.fault?.message).toBe('port 70000 in "http://web:70000/" is out of range 0-65535');
    expect(r.fault?.note).toEqual({ key: 'note.request.port', params: { port: '70000', url: '"http://web:70000/"' } });
  });
});
