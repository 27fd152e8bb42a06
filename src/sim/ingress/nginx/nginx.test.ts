import { describe, expect, it } from 'vitest';
import { artifactText } from '../../artifact';
import type { Cluster } from '../../cluster';
import { EventLog } from '../../events';
import { defaultIngressAddon } from '../../lab';
import { SeededRandom } from '../../net/rand';
import type { FixtureCluster } from '../fixtures';
import { fixtureCluster, seed001Cluster } from '../fixtures';
import { compileNginx, syncNginx } from './controller';
import type { IngressRequest } from './match';
import { affinityCookieValue, matchNginx, newBalancerState, normalizeNginxUri } from './match';
import { buildServerName } from './render';

const nginxAddon = defaultIngressAddon('nginx');

function compile(c: Cluster) {
  return compileNginx(c, nginxAddon);
}

function req(host: string, path: string, extra: Partial<IngressRequest> = {}): IngressRequest {
  return { scheme: 'http', host, path, clientIP: '203.0.113.7', ...extra };
}

describe('nginx.conf for seed 001 (foo.bar.com /foo /bar, caas.one/kibana, jingru.io/es, default backend)', () => {
  const { rendered } = compile(seed001Cluster());
  const text = artifactText(rendered.artifact);

  it('matches the reviewed golden file', async () => {
    await expect(text).toMatchFileSnapshot('./golden/seed001.nginx.conf');
  });
  it('has one server per host after the catch-all, with ingress-nginx markers', () => {
    expect(text.match(/^ {4}## start server .*$/gm)).toEqual([
      '    ## start server _',
      '    ## start server caas.one',
      '    ## start server foo.bar.com',
      '    ## start server jingru.io',
    ]);
    expect(text).toContain('server_name _;');
    expect(text).toContain('listen 80 default_server;');
  });
  it('maps Prefix /foo to `location /foo/` plus `location = /foo`, and names upstreams <ns>-<svc>-<port>', () => {
    expect(text).toContain('        location /foo/ {');
    expect(text).toContain('        location = /foo {');
    expect(text).toContain('            set $proxy_upstream_name "default-s1-80";');
    expect(text).toContain(
      '    upstream default-s2-80 {\n        # endpoints of Service default/s2 port 80\n' +
        '        server 10.244.1.12:8080;\n        server 10.244.2.12:8080;\n    }',
    );
  });
  it('every line of a location refers to that location', () => {
    const lines = rendered.artifact.lines.filter((l) => l.ref === 'location:foo.bar.com = /foo');
    expect(lines[0]!.text).toBe('        location = /foo {');
    expect(lines.some((l) => l.text.includes('proxy_pass http://default-s1-80;'))).toBe(true);
  });
});

describe('the matcher over the rendered configuration', () => {
  const c = seed001Cluster();
  const { rendered } = compile(c);
  const cases: { host: string; path: string; status: number; upstream: string | null; location: string | null }[] = [
    { host: 'foo.bar.com', path: '/foo', status: 200, upstream: 'default-s1-80', location: '= /foo' },
    { host: 'foo.bar.com', path: '/foo/', status: 200, upstream: 'default-s1-80', location: '/foo/' },
    { host: 'foo.bar.com', path: '/foo/x?y=1', status: 200, upstream: 'default-s1-80', location: '/foo/' },
    { host: 'foo.bar.com', path: '/foobar', status: 404, upstream: 'upstream-default-backend', location: '/' },
    { host: 'FOO.BAR.COM:80', path: '/bar', status: 200, upstream: 'default-s2-80', location: '= /bar' },
    { host: 'caas.one', path: '/kibana/app', status: 200, upstream: 'default-kibana-5601', location: '/kibana/' },
    { host: 'caas.one', path: '/es', status: 404, upstream: 'upstream-default-backend', location: '/' },
    { host: 'unknown.example', path: '/foo', status: 200, upstream: 'default-testsvc-80', location: '/' },
    { host: 'unknown.example', path: '/healthz', status: 200, upstream: null, location: '/healthz' },
  ];
  it.each(cases)('$host $path -> $status via $upstream', ({ host, path, status, upstream, location }) => {
    const d = matchNginx({ nodes: rendered.nodes, artifact: rendered.artifact, request: req(host, path) });
    expect(d.status).toBe(status);
    expect(d.upstream).toBe(upstream);
    expect(d.location?.args.join(' ')).toBe(location);
    expect(d.refs.location?.line.trim()).toBe(`location ${location} {`);
  });

  it('balances an upstream round robin with a state object, straight to pod addresses', () => {
    const state = newBalancerState();
    const picks = [1, 2, 3].map(
      () => matchNginx({ nodes: rendered.nodes, request: req('foo.bar.com', '/bar'), balancer: state }).endpoint,
    );
    expect(picks).toEqual(['10.244.1.12:8080', '10.244.2.12:8080', '10.244.1.12:8080']);
  });

  it('sends the Host and forwarding headers nginx sets', () => {
    const d = matchNginx({ nodes: rendered.nodes, request: req('foo.bar.com:8080', '/foo') });
    expect(d.upstreamRequest!.headers).toMatchObject({
      Host: 'foo.bar.com',
      'X-Real-IP': '203.0.113.7',
      'X-Forwarded-Proto': 'http',
    });
    expect(d.variables).toMatchObject({
      namespace: 'default',
      ingress_name: 'test',
      service_name: 's1',
      proxy_upstream_name: 'default-s1-80',
    });
  });
});

function scenario(f: FixtureCluster) {
  const c = fixtureCluster(f);
  return { cluster: c, ...compile(c) };
}

describe('pathTypes, wildcards, 503 and annotations', () => {
  const web = (name: string, endpoints: string[] = ['10.244.0.10']) => ({ name, port: 80, endpoints });
  it('Exact beats Prefix; Prefix /aaa does not match /aaaccc; ImplementationSpecific is Prefix (the store)', () => {
    const { rendered } = scenario({
      services: [web('exact'), web('prefix'), web('impl')],
      ingresses: [
        {
          name: 'i',
          rules: [
            {
              host: 'p.com',
              paths: [
                { path: '/foo', pathType: 'Exact', service: 'exact', port: 80 },
                { path: '/foo', pathType: 'Prefix', service: 'prefix', port: 80 },
                { path: '/aaa', pathType: 'Prefix', service: 'prefix', port: 80 },
                { path: '/impl', pathType: 'ImplementationSpecific', service: 'impl', port: 80 },
              ],
            },
          ],
        },
      ],
    });
    const up = (path: string) => matchNginx({ nodes: rendered.nodes, request: req('p.com', path) }).upstream;
    expect(up('/foo')).toBe('default-exact-80');
    expect(up('/foo/')).toBe('default-prefix-80');
    expect(up('/aaaccc')).toBe('upstream-default-backend');
    expect(up('/aaa/ccc')).toBe('default-prefix-80');
    // ingress-nginx's store turns ImplementationSpecific into Prefix (SetDefaultNGINXPathType).
    expect(up('/implementation')).toBe('upstream-default-backend');
    expect(up('/impl/x')).toBe('default-impl-80');
    expect(up('/impl')).toBe('default-impl-80');
  });

  it('ImplementationSpecific / (or a path left empty) replaces the server\'s default location /', () => {
    const IMPL = 'ImplementationSpecific' as const;
    const { rendered } = scenario({
      services: [web('root'), web('other')],
      ingresses: [
        { name: 'a', rules: [{ host: 'a.com', paths: [{ path: '/', pathType: IMPL, service: 'root', port: 80 }] }] },
        { name: 'b', rules: [{ host: 'b.com', paths: [{ path: '', pathType: IMPL, service: 'other', port: 80 }] }] },
      ],
    });
    const up = (host: string, path: string) =>
      matchNginx({ nodes: rendered.nodes, request: req(host, path) }).upstream;
    expect(up('a.com', '/')).toBe('default-root-80');
    expect(up('a.com', '/any/thing')).toBe('default-root-80');
    expect(up('b.com', '/x')).toBe('default-other-80');
  });

  it('a wildcard host becomes a one-label regex server_name', () => {
    expect(buildServerName('*.foo.com')).toBe('~^(?<subdomain>[\\w-]+)\\.foo\\.com$');
    const { rendered } = scenario({
      services: [web('w')],
      ingresses: [{ name: 'i', rules: [{ host: '*.foo.com', paths: [{ path: '/', service: 'w', port: 80 }] }] }],
    });
    const d = (host: string) => matchNginx({ nodes: rendered.nodes, request: req(host, '/') });
    expect(d('bar.foo.com').server!.match).toBe('regex');
    expect(d('bar.foo.com').upstream).toBe('default-w-80');
    expect(d('baz.bar.foo.com').server!.match).toBe('default_server');
    expect(d('foo.com').status).toBe(404);
  });

  it('a Service without ready endpoints gives `return 503;`, an unmatched path 404', () => {
    const { rendered } = scenario({
      services: [web('down', ['!10.244.0.3'])],
      ingresses: [{ name: 'i', rules: [{ host: 'h.com', paths: [{ path: '/app', service: 'down', port: 80 }] }] }],
    });
    expect(artifactText(rendered.artifact)).toContain('            return 503;');
    expect(matchNginx({ nodes: rendered.nodes, request: req('h.com', '/app') }).status).toBe(503);
    expect(matchNginx({ nodes: rendered.nodes, request: req('h.com', '/other') }).status).toBe(404);
  });

  it('TLS redirects plain HTTP with 308 unless ssl-redirect is "false"; ' +
    'force-ssl-redirect without a certificate', () => {
    const { rendered } = scenario({
      services: [web('a')],
      secrets: [
        {
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: { name: 'missing-pem', namespace: 'default' },
          type: 'kubernetes.io/tls',
          data: { 'tls.crt': 'eA==', 'tls.key': 'eA==' },
        },
      ],
      ingresses: [
        {
          name: 'tls', tls: [{ hosts: ['s.com'], secretName: 'missing-pem' }],
          rules: [{ host: 's.com', paths: [{ path: '/', service: 'a', port: 80 }] }],
        },
        {
          name: 'off', tls: [{ hosts: ['o.com'], secretName: 'missing-pem' }],
          annotations: { 'nginx.ingress.kubernetes.io/ssl-redirect': 'false' },
          rules: [{ host: 'o.com', paths: [{ path: '/', service: 'a', port: 80 }] }],
        },
        {
          name: 'force', annotations: { 'nginx.ingress.kubernetes.io/force-ssl-redirect': 'true' },
          rules: [{ host: 'f.com', paths: [{ path: '/', service: 'a', port: 80 }] }],
        },
      ],
    });
    const m = (host: string, scheme: 'http' | 'https') => matchNginx({
      nodes: rendered.nodes,
      artifact: rendered.artifact,
      request: req(host, '/x?q=1', { scheme }),
    });
    expect(m('s.com', 'http')).toMatchObject({ status: 308, redirect: 'https://s.com/x?q=1' });
    expect(m('s.com', 'https').status).toBe(200);
    expect(m('o.com', 'http').status).toBe(200);
    expect(m('f.com', 'http')).toMatchObject({ status: 308, redirect: 'https://f.com/x?q=1' });
    expect(m('f.com', 'http').refs.decided!.line.trim()).toBe('if ($scheme = http) {');
  });

  it('rewrite-target with use-regex keeps a capture group; every path of the host becomes a regex', () => {
    const { rendered } = scenario({
      services: [web('a'), web('b')],
      ingresses: [
        {
          name: 'rw',
          annotations: {
            'nginx.ingress.kubernetes.io/rewrite-target': '/$2',
            'nginx.ingress.kubernetes.io/use-regex': 'true',
          },
          rules: [
            {
              host: 'r.com',
              paths: [{ path: '/something(/|$)(.*)', pathType: 'ImplementationSpecific', service: 'a', port: 80 }],
            },
          ],
        },
        { name: 'plain', rules: [{ host: 'r.com', paths: [{ path: '/plain', service: 'b', port: 80 }] }] },
      ],
    });
    const text = artifactText(rendered.artifact);
    expect(text).toContain('location ~* "^/something(/|$)(.*)" {');
    expect(text).toContain('rewrite "(?i)/something(/|$)(.*)" /$2 break;');
    expect(text).toContain('location ~* "^/plain" {');
    const d = matchNginx({ nodes: rendered.nodes, request: req('r.com', '/something/new/path?x=1') });
    expect(d.upstreamRequest!.path).toBe('/new/path?x=1');
    expect(matchNginx({ nodes: rendered.nodes, request: req('r.com', '/something') }).upstreamRequest!.path).toBe('/');
    expect(matchNginx({ nodes: rendered.nodes, request: req('r.com', '/PLAIN/x') }).upstream).toBe('default-b-80');
    // nginx.tmpl sets $proxy_upstream_name before buildProxyPass's `rewrite ... break`, which ends the
    // rewrite-module directives: the balancer reads the variable, so it must be set when the rewrite matched.
    expect(d.variables['proxy_upstream_name']).toBe('default-a-80');
    expect(text.indexOf('set $proxy_upstream_name "default-a-80";')).toBeLessThan(
      text.indexOf('rewrite "(?i)/something'),
    );
  });

  it('Prefix paths become the locations ingress-nginx writes; a slash-ended one redirects the bare path (301)', () => {
    const { rendered } = scenario({
      services: [web('a'), web('b', [])],
      ingresses: [
        {
          name: 'p',
          rules: [
            {
              host: 'p.com',
              paths: [
                { path: '/foo', service: 'a', port: 80 },
                { path: '/aaa/bbb/', service: 'a', port: 80 },
                { path: '/empty/', service: 'b', port: 80 },
              ],
            },
          ],
        },
      ],
    });
    const text = artifactText(rendered.artifact);
    const locations = ['location /foo/ {', 'location = /foo {', 'location /aaa/bbb/ {', 'location = /aaa/bbb/ {'];
    for (const loc of locations) expect(text).toContain(loc);
    expect(text).not.toContain('location = /aaa/bbb {');
    const m = (path: string) => matchNginx({ nodes: rendered.nodes, request: req('p.com', path) });
    expect(m('/foo')).toMatchObject({ status: 200, upstream: 'default-a-80' });
    expect(m('/aaa/bbb?x=1')).toMatchObject({ status: 301, redirect: 'http://p.com/aaa/bbb/?x=1' });
    expect(m('/aaa/bbb/')).toMatchObject({ status: 200, upstream: 'default-a-80' });
    // No ready endpoint still proxies in ingress-nginx (its balancer answers 503), so the redirect holds too.
    expect(m('/empty')).toMatchObject({ status: 301, redirect: 'http://p.com/empty/' });
    expect(m('/empty/').status).toBe(503);
  });

  const stickyCluster = (mode: 'balanced' | 'persistent', endpoints: string[]): FixtureCluster => ({
    services: [web('s', endpoints)],
    ingresses: [
      {
        name: 'st',
        annotations: {
          'nginx.ingress.kubernetes.io/affinity': 'cookie',
          'nginx.ingress.kubernetes.io/affinity-mode': mode,
        },
        rules: [{ host: 'c.com', paths: [{ path: '/', service: 's', port: 80 }] }],
      },
    ],
  });
  const three = ['10.244.0.1', '10.244.0.2', '10.244.0.3'];

  const modes = ['balanced', 'persistent'] as const;
  it.each(modes)('cookie affinity (%s) sets INGRESSCOOKIE and pins later requests to the same pod', (mode) => {
    const { rendered } = scenario(stickyCluster(mode, three));
    const state = newBalancerState();
    const first = matchNginx({ nodes: rendered.nodes, request: req('c.com', '/'), balancer: state });
    const cookie = first.responseHeaders['Set-Cookie']!;
    expect(cookie).toMatch(/^INGRESSCOOKIE=[0-9a-f]{16}; Path=\/; HttpOnly$/);
    const value = /=([0-9a-f]+);/.exec(cookie)![1]!;
    if (mode === 'persistent') expect(value).toBe(affinityCookieValue(first.endpoint!));
    for (let i = 0; i < 4; i++) {
      const again = matchNginx({
        nodes: rendered.nodes,
        request: req('c.com', '/', { cookies: { INGRESSCOOKIE: value } }),
        balancer: state,
      });
      expect(again.endpoint).toBe(first.endpoint);
      expect(again.responseHeaders['Set-Cookie']).toBeUndefined();
    }
  });

  it('scaling up moves some balanced sessions and no persistent one', () => {
    const sessions = (mode: 'balanced' | 'persistent') => {
      const before = scenario(stickyCluster(mode, three)).rendered;
      const after = scenario(stickyCluster(mode, [...three, '10.244.0.4', '10.244.0.5'])).rendered;
      const state = newBalancerState();
      let moved = 0;
      for (let i = 0; i < 60; i++) {
        const first = matchNginx({ nodes: before.nodes, request: req('c.com', '/'), balancer: state });
        const value = /=([0-9a-f]+);/.exec(first.responseHeaders['Set-Cookie']!)![1]!;
        const later = matchNginx({
          nodes: after.nodes,
          request: req('c.com', '/', { cookies: { INGRESSCOOKIE: value } }),
          balancer: state,
        });
        if (later.endpoint !== first.endpoint) moved++;
      }
      return moved;
    };
    expect(sessions('persistent')).toBe(0);
    const moved = sessions('balanced');
    // Rendezvous hashing moves about 2/5 of the sessions to the two new pods, and only those.
    expect(moved).toBeGreaterThan(10);
    expect(moved).toBeLessThan(40);
  });

  it('canary: header beats cookie beats weight', () => {
    const { rendered } = scenario({
      services: [web('main', ['10.244.0.1']), web('canary', ['10.244.0.2'])],
      ingresses: [
        { name: 'main', rules: [{ host: 'k.com', paths: [{ path: '/', service: 'main', port: 80 }] }] },
        {
          name: 'canary',
          annotations: {
            'nginx.ingress.kubernetes.io/canary': 'true',
            'nginx.ingress.kubernetes.io/canary-by-header': 'X-Canary',
            'nginx.ingress.kubernetes.io/canary-by-cookie': 'canary',
            'nginx.ingress.kubernetes.io/canary-weight': '30',
          },
          rules: [{ host: 'k.com', paths: [{ path: '/', service: 'canary', port: 80 }] }],
        },
      ],
    });
    const m = (extra: Partial<IngressRequest>, random?: SeededRandom) => matchNginx({
      nodes: rendered.nodes,
      request: req('k.com', '/', extra),
      ...(random ? { random } : {}),
    });
    expect(m({ headers: { 'X-Canary': 'always' }, cookies: { canary: 'never' } }).upstream).toBe('default-canary-80');
    expect(m({ headers: { 'X-Canary': 'never' }, cookies: { canary: 'always' } }).upstream).toBe('default-main-80');
    expect(m({ cookies: { canary: 'always' } }).upstream).toBe('default-canary-80');
    const rnd = SeededRandom.fromSeed('canary-test');
    let hits = 0;
    for (let i = 0; i < 1000; i++) if (m({}, rnd).canary) hits++;
    expect(hits).toBeGreaterThan(240);
    expect(hits).toBeLessThan(360);
  });

  it('service-upstream proxies to the ClusterIP; whitelist-source-range answers 403 to others; ' +
    'app-root redirects /', () => {
    const { rendered } = scenario({
      services: [
        { name: 'svc', port: 80, targetPort: 8080, clusterIP: '10.96.5.5', endpoints: ['10.244.0.1', '10.244.0.2'] },
      ],
      ingresses: [
        {
          name: 'i',
          annotations: {
            'nginx.ingress.kubernetes.io/service-upstream': 'true',
            'nginx.ingress.kubernetes.io/whitelist-source-range': '10.0.0.0/8, 192.168.1.0/24',
            'nginx.ingress.kubernetes.io/app-root': '/app1',
          },
          rules: [{ host: 'u.com', paths: [{ path: '/', service: 'svc', port: 80 }] }],
        },
      ],
    });
    expect(artifactText(rendered.artifact)).toContain(
      '    upstream default-svc-80 {\n        # service-upstream: ClusterIP of default/svc\n' +
        '        server 10.96.5.5:80;\n    }',
    );
    const from = (clientIP: string, path: string) =>
      matchNginx({ nodes: rendered.nodes, request: req('u.com', path, { clientIP }) });
    expect(from('10.1.2.3', '/x').endpoint).toBe('10.96.5.5:80');
    expect(from('172.16.0.1', '/x').status).toBe(403);
    expect(from('172.16.0.1', '/')).toMatchObject({ status: 302, redirect: 'http://u.com/app1' });
  });

  it('the catch-all server follows the newest Ingress with a defaultBackend ' +
    '(createServers overwrites it in age order)', () => {
    const { rendered } = scenario({
      services: [web('first', ['10.244.0.1']), web('second', ['10.244.0.2']), web('app', ['10.244.0.3'])],
      ingresses: [
        { name: 'old', created: '2024-01-01T00:00:00Z', defaultBackend: { service: 'first', port: 80 } },
        {
          name: 'new', created: '2024-02-01T00:00:00Z', defaultBackend: { service: 'second', port: 80 },
          rules: [{ host: 'n.com', paths: [{ path: '/app', service: 'app', port: 80 }] }],
        },
      ],
    });
    expect(matchNginx({ nodes: rendered.nodes, request: req('other.com', '/') }).upstream).toBe('default-second-80');
    // The Ingress's own defaultBackend is also the root of the hosts it defines.
    expect(
      matchNginx({ nodes: rendered.nodes, request: req('n.com', '/elsewhere') }).upstream,
    ).toBe('default-second-80');
  });

  it('an unmatched path on a TLS host is redirected too (the root location carries the Ingress annotations)', () => {
    const { rendered } = scenario({
      services: [web('a')],
      secrets: [
        {
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: { name: 't', namespace: 'default' },
          type: 'kubernetes.io/tls',
          data: { 'tls.crt': 'eA==', 'tls.key': 'eA==' },
        },
      ],
      ingresses: [
        {
          name: 'tls',
          tls: [{ hosts: ['t.com'], secretName: 't' }],
          rules: [{ host: 't.com', paths: [{ path: '/only', service: 'a', port: 80 }] }],
        },
      ],
    });
    expect(matchNginx({ nodes: rendered.nodes, request: req('t.com', '/other') })).toMatchObject({
      status: 308,
      redirect: 'https://t.com/other',
    });
    expect(matchNginx({ nodes: rendered.nodes, request: req('t.com', '/other', { scheme: 'https' }) })).toMatchObject({
      status: 404,
      defaultBackend: true,
    });
  });

  it('normalises URIs as nginx does before matching', () => {
    expect(normalizeNginxUri('/a//b/./c/../d?x=1')).toBe('/a/b/d');
    expect(normalizeNginxUri('/%66oo')).toBe('/foo');
  });
});

describe('change handling: no work, dynamic update or reload', () => {
  const base: FixtureCluster = {
    services: [{ name: 'web', port: 80, endpoints: ['10.244.0.1'] }],
    ingresses: [{ name: 'i', rules: [{ host: 'h.com', paths: [{ path: '/', service: 'web', port: 80 }] }] }],
  };
  const withEndpoints = (eps: string[]): FixtureCluster => ({
    ...base,
    services: [{ name: 'web', port: 80, endpoints: eps }],
  });
  const cases: { title: string; next: FixtureCluster; legacy?: boolean; kind: 'none' | 'dynamic' | 'reload' }[] = [
    { title: 'nothing changed', next: base, kind: 'none' },
    { title: 'a pod was added (endpoints only)', next: withEndpoints(['10.244.0.1', '10.244.0.2']), kind: 'dynamic' },
    { title: 'the last endpoint went away (503, still dynamic)', next: withEndpoints([]), kind: 'dynamic' },
    {
      title: 'a pod was added, seeds-era controller', next: withEndpoints(['10.244.0.1', '10.244.0.2']), legacy: true,
      kind: 'reload',
    },
    {
      title: 'a path was added',
      next: {
        ...base,
        ingresses: [
          {
            name: 'i',
            rules: [
              {
                host: 'h.com',
                paths: [{ path: '/', service: 'web', port: 80 }, { path: '/new', service: 'web', port: 80 }],
              },
            ],
          },
        ],
      },
      kind: 'reload',
    },
    {
      title: 'a new Ingress',
      next: {
        ...base,
        ingresses: [
          ...base.ingresses!,
          { name: 'j', rules: [{ host: 'j.com', paths: [{ path: '/', service: 'web', port: 80 }] }] },
        ],
      },
      kind: 'reload',
    },
    {
      title: 'load-balance changed (balancer data, no reload)',
      next: {
        ...base,
        ingresses: [
          {
            name: 'i',
            annotations: { 'nginx.ingress.kubernetes.io/load-balance': 'ewma' },
            rules: base.ingresses![0]!.rules!,
          },
        ],
      },
      kind: 'dynamic',
    },
  ];
  it.each(cases)('$title -> $kind', ({ next, legacy, kind }) => {
    const addon = { ...nginxAddon, legacyReloadOnEndpointChange: legacy ?? false };
    const log = new EventLog();
    const d = syncNginx({ previous: fixtureCluster(base), next: fixtureCluster(next), addon, log });
    expect(d.kind).toBe(kind);
    expect(log.all().length).toBe(d.events.length);
    if (kind === 'none') expect(d.diff).toEqual([]);
    else expect(d.diff[0]).toBe('--- nginx.conf (running)');
    if (kind === 'reload') {
      expect(d.events.at(-1)).toMatchObject({
        reason: 'RELOAD',
        message: 'NGINX reload triggered due to a change in configuration',
        source: 'ingress-controller',
        detail: d.diff,
      });
    }
    if (kind === 'dynamic' && next.services !== base.services) expect(d.backendsChanged).toEqual(['default-web-80']);
  });
  it('a new Ingress is "Scheduled for sync"', () => {
    const d = syncNginx({ previous: null, next: fixtureCluster(base), addon: nginxAddon });
    expect(d.kind).toBe('reload');
    expect(d.events[0]).toMatchObject({
      type: 'Normal',
      reason: 'Sync',
      message: 'Scheduled for sync',
      object: { kind: 'Ingress', namespace: 'default', name: 'i' },
    });
  });
  it('the dynamic diff shows the upstream peers that changed', () => {
    const d = syncNginx({
      previous: fixtureCluster(base),
      next: fixtureCluster(withEndpoints(['10.244.0.1', '10.244.0.2'])),
      addon: nginxAddon,
    });
    expect(d.diff.filter((l) => l.startsWith('+') && !l.startsWith('+++'))).toEqual(['+        server 10.244.0.2:80;']);
  });
});
