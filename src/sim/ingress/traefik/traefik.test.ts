import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { artifactText } from '../../artifact';
import { defaultIngressAddon } from '../../lab';
import type { IngressRequest } from '../nginx/match';
import { newBalancerState } from '../nginx/match';
import type { FixtureCluster } from '../fixtures';
import { fixtureCluster } from '../fixtures';
import { buildTraefikConfig } from './config';
import { compileTraefik, syncTraefik } from './controller';
import { matchTraefik, parseTraefikRule } from './match';

const addon = defaultIngressAddon('traefik');
const req = (host: string, path: string, extra: Partial<IngressRequest> = {}): IngressRequest => ({
  scheme: 'http',
  host,
  path,
  clientIP: '203.0.113.9',
  ...extra,
});

const base: FixtureCluster = {
  services: [
    { name: 'v1', port: 80, endpoints: ['10.244.0.1', '10.244.0.2'] },
    { name: 'root', port: 80, endpoints: ['10.244.0.3'] },
    { name: 'exact', port: 80, endpoints: ['10.244.0.4'] },
    { name: 'down', port: 80, endpoints: ['!10.244.0.5'] },
    { name: 'wild', port: 80, endpoints: ['10.244.0.6'] },
  ],
  ingresses: [
    {
      name: 'api',
      className: 'traefik',
      annotations: { 'nginx.ingress.kubernetes.io/rewrite-target': '/' },
      rules: [
        {
          host: 'api.example.com',
          paths: [
            { path: '/', service: 'root', port: 80 },
            { path: '/v1', service: 'v1', port: 80 },
            { path: '/status', pathType: 'Exact', service: 'exact', port: 80 },
            { path: '/down', service: 'down', port: 80 },
          ],
        },
        { host: '*.apps.example.com', paths: [{ path: '/', service: 'wild', port: 80 }] },
      ],
    },
    {
      name: 'nginx-one', className: 'nginx',
      rules: [{ host: 'api.example.com', paths: [{ path: '/nginx', service: 'root', port: 80 }] }],
    },
  ],
};

describe('Traefik routers from Ingresses', () => {
  const { config, artifact } = compileTraefik(fixtureCluster(base), addon);
  const m = (r: IngressRequest) => matchTraefik({ config, artifact, request: r });

  it('writes Host && PathPrefix / Path rules, ordered by priority = rule length', () => {
    expect(config.routers.map((r) => [r.name, r.rule])).toEqual([
      ['default-api-apps-example-com', 'HostRegexp(`^[a-zA-Z0-9-]+\\.apps\\.example\\.com$`) && PathPrefix(`/`)'],
      ['default-api-api-example-com-v1', 'Host(`api.example.com`) && PathPrefix(`/v1`)'],
      ['default-api-api-example-com', 'Host(`api.example.com`) && PathPrefix(`/`)'],
      ['default-api-api-example-com-status', 'Host(`api.example.com`) && Path(`/status`)'],
    ]);
    for (const r of config.routers) expect(r.priority).toBe(r.rule.length);
  });

  it('renders a YAML dynamic configuration whose every router line refers to its router', () => {
    type DynamicConfig = {
      http: { routers: Record<string, { rule: string; service: string }>; services: Record<string, unknown> };
    };
    const doc = parse(artifactText(artifact)) as DynamicConfig;
    expect(doc.http.routers['default-api-api-example-com-v1']).toEqual({
      rule: 'Host(`api.example.com`) && PathPrefix(`/v1`)',
      service: 'default-v1-80',
    });
    expect(Object.keys(doc.http.services)).toEqual([
      'default-exact-80', 'default-root-80', 'default-v1-80', 'default-wild-80',
    ]);
    expect(
      artifact.lines.filter((l) => l.ref === 'router:default-api-api-example-com-v1').map((l) => l.text.trim())[0],
    ).toBe('default-api-api-example-com-v1:');
  });

  const cases: { title: string; r: IngressRequest; status: number; service: string | null; body?: string }[] = [
    {
      title: 'PathPrefix /v1 matches /v1/users', r: req('api.example.com', '/v1/users'), status: 200,
      service: 'default-v1-80',
    },
    {
      title: 'PathPrefix /v1 also matches /v11 (string prefix, unlike the spec)', r: req('api.example.com', '/v11'),
      status: 200, service: 'default-v1-80',
    },
    // Path(`/status`) is one character shorter than PathPrefix(`/`): by rule-length priority the
    // catch-all router is tried first and wins. A real Traefik gotcha; router.priority fixes it.
    {
      title: 'Exact /status loses to the longer rule PathPrefix(`/`)', r: req('api.example.com', '/status'),
      status: 200, service: 'default-root-80',
    },
    {
      title: 'PathPrefix(`/`) also takes /status/x', r: req('api.example.com', '/status/x'), status: 200,
      service: 'default-root-80',
    },
    // The provider skips a Service without endpoints, so the next router (here PathPrefix(`/`)) answers.
    {
      title: 'no endpoints: the router is skipped and / answers', r: req('api.example.com', '/down'), status: 200,
      service: 'default-root-80',
    },
    { title: 'one-label wildcard', r: req('a.apps.example.com', '/'), status: 200, service: 'default-wild-80' },
    {
      title: 'wildcard is one label only', r: req('a.b.apps.example.com', '/'), status: 404, service: null,
      body: '404 page not found',
    },
    {
      title: 'unknown host: Traefik\'s own 404', r: req('nope.example.com', '/'), status: 404, service: null,
      body: '404 page not found',
    },
    {
      title: 'an Ingress of the nginx class is not served by Traefik', r: req('api.example.com', '/nginx'), status: 200,
      service: 'default-root-80',
    },
  ];
  it.each(cases)('$title', ({ r, status, service, body }) => {
    const d = m(r);
    expect(d.status).toBe(status);
    expect(d.service).toBe(service);
    if (body) expect(d.body).toBe(body);
    if (service) expect(d.refs.router?.line.trim().endsWith(':')).toBe(true);
  });

  it('ignores nginx annotations: no rewrite, the path is passed as is', () => {
    expect(m(req('api.example.com', '/v1/x?y=1')).upstreamRequest!.path).toBe('/v1/x?y=1');
  });

  it('balances round robin over pod endpoints', () => {
    const state = newBalancerState();
    const picks = [0, 1, 2].map(
      () => matchTraefik({ config, request: req('api.example.com', '/v1'), balancer: state }).endpoint,
    );
    expect(picks).toEqual(['10.244.0.1:80', '10.244.0.2:80', '10.244.0.1:80']);
  });
});

describe('Traefik annotations, TLS, default backend', () => {
  const c = fixtureCluster({
    services: [
      { name: 'a', port: 80, endpoints: ['10.244.1.1'] },
      { name: 'fallback', port: 80, endpoints: ['10.244.1.2'] },
    ],
    ingresses: [
      {
        name: 'tls', className: 'traefik', tls: [{ hosts: ['s.com'], secretName: 'x' }],
        rules: [{ host: 's.com', paths: [{ path: '/', service: 'a', port: 80 }] }],
      },
      {
        name: 'strict',
        className: 'traefik',
        annotations: {
          'traefik.ingress.kubernetes.io/router.pathmatcher': 'Path',
          'traefik.ingress.kubernetes.io/router.priority': '5',
          'traefik.ingress.kubernetes.io/router.entrypoints': 'web',
        },
        rules: [{ host: 'p.com', paths: [{ path: '/only', service: 'a', port: 80 }] }],
      },
      { name: 'fallback', className: 'traefik', defaultBackend: { service: 'fallback', port: 80 } },
    ],
  });
  const { config } = compileTraefik(c, addon);
  const m = (r: IngressRequest) => matchTraefik({ config, request: r });
  it('a TLS router serves only https', () => {
    expect(m(req('s.com', '/', { scheme: 'https' })).service).toBe('default-a-80');
    expect(m(req('s.com', '/')).service).toBe('default-fallback-80');
  });
  it('router.pathmatcher, router.priority and router.entrypoints', () => {
    const r = config.routers.find((x) => x.name === 'default-strict-p-com-only')!;
    expect(r).toMatchObject({ rule: 'Host(`p.com`) && Path(`/only`)', priority: 5, entryPoints: ['web'] });
    expect(m(req('p.com', '/only/x')).service).toBe('default-fallback-80');
    expect(m(req('p.com', '/only')).service).toBe('default-a-80');
    // Over https neither the web-only router nor the non-TLS default router applies: 404.
    expect(m(req('p.com', '/only', { scheme: 'https' })).status).toBe(404);
  });
  it('spec.defaultBackend becomes the lowest-priority default-router', () => {
    expect(config.routers.at(-1)).toMatchObject({ name: 'default-router', rule: 'PathPrefix(`/`)' });
    expect(m(req('anything.example', '/x')).endpoint).toBe('10.244.1.2:80');
  });
  it('parses only the matchers it knows', () => {
    expect(parseTraefikRule('Host(`a`) && PathPrefix(`/b`)')).toEqual([
      { kind: 'Host', value: 'a' },
      { kind: 'PathPrefix', value: '/b' },
    ]);
    expect(parseTraefikRule('Method(`GET`)')).toBeNull();
  });
});

describe('Traefik with allowEmptyServices', () => {
  it('keeps the router of a Service without endpoints: 503', () => {
    const c = fixtureCluster({
      services: [{ name: 'down', port: 80, endpoints: ['!10.244.0.5'] }],
      ingresses: [
        {
          name: 'd',
          className: 'traefik',
          rules: [{ host: 'd.com', paths: [{ path: '/', service: 'down', port: 80 }] }],
        },
      ],
    });
    expect(matchTraefik({ config: compileTraefik(c, addon).config, request: req('d.com', '/') })).toMatchObject({
      status: 404,
      body: '404 page not found',
    });
    const cfg = buildTraefikConfig(c, addon, { allowEmptyServices: true });
    expect(matchTraefik({ config: cfg, request: req('d.com', '/') })).toMatchObject({
      status: 503,
      body: 'no available server',
    });
  });
});

describe('Traefik never reloads', () => {
  it('endpoint and rule changes are both hot updates', () => {
    const next: FixtureCluster = {
      ...base,
      services: base.services!.map((s) => (s.name === 'v1' ? { ...s, endpoints: ['10.244.0.1'] } : s)),
    };
    const d = syncTraefik({ previous: fixtureCluster(base), next: fixtureCluster(next), addon });
    expect(d.kind).toBe('dynamic');
    expect(d.diff.filter((l) => l.startsWith('-') && !l.startsWith('---'))).toEqual([
      '-          - url: http://10.244.0.2:80',
    ]);
    expect(syncTraefik({ previous: fixtureCluster(base), next: fixtureCluster(base), addon }).kind).toBe('none');
  });
});
