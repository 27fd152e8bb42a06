import { describe, expect, it } from 'vitest';
import type { PathType } from '../api/types';
import { defaultIngressAddon } from '../lab';
import { fixtureCluster, fixtureIngress, fixtureIngressClass } from './fixtures';
import {
  buildIngressModel,
  hostMatches,
  resolveIngressClass,
  selectSpecPath,
  servesIngress,
  specPathMatches,
} from './model';
import { annotationChangeNeedsReload, annotationDoc, ANNOTATIONS } from './annotations';

describe('Prefix and Exact matching per the Ingress spec (SEMANTICS §9, ingress.md examples table)', () => {
  const cases: [PathType & ('Exact' | 'Prefix'), string, string, boolean][] = [
    ['Prefix', '/', '/', true],
    ['Prefix', '/', '/anything/at/all', true],
    ['Exact', '/foo', '/foo', true],
    ['Exact', '/foo', '/bar', false],
    ['Exact', '/foo', '/foo/', false],
    ['Exact', '/foo/', '/foo', false],
    ['Prefix', '/foo', '/foo', true],
    ['Prefix', '/foo', '/foo/', true],
    ['Prefix', '/foo/', '/foo', true],
    ['Prefix', '/foo/', '/foo/', true],
    ['Prefix', '/aaa/bb', '/aaa/bbb', false],
    ['Prefix', '/aaa/bbb', '/aaa/bbb', true],
    ['Prefix', '/aaa/bbb/', '/aaa/bbb', true],
    ['Prefix', '/aaa/bbb', '/aaa/bbb/', true],
    ['Prefix', '/aaa/bbb', '/aaa/bbb/ccc', true],
    ['Prefix', '/aaa/bbb', '/aaa/bbbxyz', false],
    ['Prefix', '/aaa', '/aaaccc', false],
    ['Prefix', '/Foo', '/foo', false],
  ];
  it.each(cases)('%s %s vs request %s -> %s', (pathType, rule, req, expected) => {
    expect(specPathMatches(pathType, rule, req)).toBe(expected);
  });

  const multi: { paths: [string, PathType][]; request: string; expected: string | null }[] = [
    {
      paths: [['/', 'Prefix'], ['/aaa', 'Prefix'], ['/aaa/bbb', 'Prefix']], request: '/aaa/bbb',
      expected: '/aaa/bbb Prefix',
    },
    { paths: [['/', 'Prefix'], ['/aaa', 'Prefix'], ['/aaa/bbb', 'Prefix']], request: '/ccc', expected: '/ Prefix' },
    { paths: [['/', 'Prefix'], ['/aaa', 'Prefix']], request: '/aaaccc', expected: '/ Prefix' },
    { paths: [['/foo/', 'Prefix'], ['/foo', 'Exact']], request: '/foo', expected: '/foo Exact' },
    { paths: [['/foo', 'Prefix'], ['/foo', 'Exact']], request: '/foo', expected: '/foo Exact' },
    { paths: [['/foo', 'Exact'], ['/foo', 'Prefix']], request: '/foo/', expected: '/foo Prefix' },
    { paths: [['/foo', 'Exact']], request: '/foo/bar', expected: null },
    { paths: [['/foo', 'ImplementationSpecific']], request: '/foobar', expected: '/foo ImplementationSpecific' },
  ];
  it.each(multi)('$paths with $request -> $expected (longest wins, Exact wins a tie)', (c) => {
    const { paths, request, expected } = c;
    const specs = paths.map(([path, pathType]) => ({ path, pathType }));
    const i = selectSpecPath(specs, request);
    const got = i < 0 ? null : `${specs[i]!.path} ${specs[i]!.pathType}`;
    expect(got).toBe(expected);
  });
});

describe('host matching (ingress.md hostname wildcards, conformance host_rules)', () => {
  const cases: [string | undefined, string, boolean][] = [
    ['foo.bar.com', 'foo.bar.com', true],
    ['foo.bar.com', 'FOO.bar.com', true],
    ['foo.bar.com', 'foo.bar.com:8080', true],
    ['foo.bar.com', 'bar.foo.com', false],
    ['*.foo.com', 'bar.foo.com', true],
    ['*.foo.com', 'baz.bar.foo.com', false],
    ['*.foo.com', 'foo.com', false],
    ['*.foo.com', '.foo.com', false],
    [undefined, 'anything.example', true],
  ];
  it.each(cases)('rule %s, Host %s -> %s', (rule, host, expected) => expect(hostMatches(rule, host)).toBe(expected));
});

describe('IngressClass resolution', () => {
  const nginx = fixtureIngressClass('nginx', 'nginx');
  const traefikDefault = fixtureIngressClass('traefik', 'traefik', true);
  type Case = {
    title: string;
    ing: Parameters<typeof fixtureIngress>[0];
    classes: ReturnType<typeof fixtureIngressClass>[];
    nginxServes: boolean;
    className: string | null;
  };
  const cases: Case[] = [
    {
      title: 'spec.ingressClassName', ing: { name: 'a', className: 'nginx' }, classes: [nginx], nginxServes: true,
      className: 'nginx',
    },
    {
      title: 'unknown class is not served', ing: { name: 'a', className: 'nope' }, classes: [nginx], nginxServes: false,
      className: 'nope',
    },
    {
      title: 'class name without an IngressClass object', ing: { name: 'a', className: 'nginx' }, classes: [],
      nginxServes: false, className: 'nginx',
    },
    {
      title: 'legacy annotation',
      ing: { name: 'a', className: null, annotations: { 'kubernetes.io/ingress.class': 'nginx' } }, classes: [],
      nginxServes: true, className: 'nginx',
    },
    {
      title: 'no class: the default class applies', ing: { name: 'a', className: null },
      classes: [nginx, traefikDefault], nginxServes: false, className: 'traefik',
    },
    {
      title: 'no class and no default', ing: { name: 'a', className: null }, classes: [nginx], nginxServes: false,
      className: null,
    },
    {
      title: 'two defaults: none applies',
      ing: { name: 'a', className: null },
      classes: [fixtureIngressClass('nginx', 'nginx', true), traefikDefault],
      nginxServes: false,
      className: null,
    },
  ];
  it.each(cases)('$title', ({ ing, classes, nginxServes, className }) => {
    const i = fixtureIngress(ing);
    expect(resolveIngressClass(i, classes).className).toBe(className);
    expect(servesIngress(defaultIngressAddon('nginx'), i, classes).served).toBe(nginxServes);
  });
});

describe('merging Ingresses per host', () => {
  const cluster = fixtureCluster({
    services: [
      { name: 'old', port: 80, endpoints: ['10.244.0.1'] },
      { name: 'new', port: 80, endpoints: ['10.244.0.2'] },
      { name: 'other', port: 80, endpoints: ['10.244.0.3'] },
    ],
    ingresses: [
      {
        name: 'z-new', created: '2024-02-01T00:00:00Z',
        rules: [
          {
            host: 'a.com',
            paths: [{ path: '/x', service: 'new', port: 80 }, { path: '/y', service: 'new', port: 80 }],
          },
        ],
      },
      {
        name: 'a-old', created: '2024-01-01T00:00:00Z',
        rules: [{ host: 'a.com', paths: [{ path: '/x', service: 'old', port: 80 }] }],
      },
      {
        name: 'b-same-time', created: '2024-01-01T00:00:00Z',
        rules: [{ host: 'a.com', paths: [{ path: '/z', service: 'other', port: 80 }] }],
      },
      {
        name: 'ignored', className: 'traefik',
        rules: [{ host: 'a.com', paths: [{ path: '/t', service: 'other', port: 80 }] }],
      },
    ],
  });
  const model = buildIngressModel(cluster, defaultIngressAddon('nginx'));
  const server = model.servers.find((s) => s.host === 'a.com')!;
  const byPath = (p: string) => server.locations.find((l) => l.path === p && !l.isDefaultBackend);

  it('the oldest Ingress wins a conflicting host+path, the others still add their paths', () => {
    expect(byPath('/x')!.backend.service).toBe('old');
    expect(byPath('/y')!.backend.service).toBe('new');
    expect(byPath('/z')!.backend.service).toBe('other');
    expect(model.warnings.some((w) => w.includes('a.com/x') && w.includes('z-new'))).toBe(true);
  });
  it('an Ingress of another class adds nothing', () => expect(byPath('/t')).toBeUndefined());
  it('servers are `_` then hosts, each with a root location to the default backend', () => {
    expect(model.servers.map((s) => s.host)).toEqual(['_', 'a.com']);
    expect(server.locations.find((l) => l.isDefaultBackend)!.backend.upstreamName).toBe('upstream-default-backend');
    expect(server.ingresses.map((r) => r.name)).toEqual(['a-old', 'b-same-time', 'z-new']);
  });
  it('not-ready endpoints are left out; upstream names are <ns>-<svc>-<port>', () => {
    const c = fixtureCluster({
      services: [{ name: 'web', port: 8080, endpoints: ['10.244.0.9', '!10.244.0.8', '10.244.0.7'] }],
      ingresses: [{ name: 'i', rules: [{ host: 'h', paths: [{ path: '/', service: 'web', port: 8080 }] }] }],
    });
    const loc = buildIngressModel(c, defaultIngressAddon('nginx')).servers[1]!.locations[0]!;
    expect(loc.backend.upstreamName).toBe('default-web-8080');
    expect(loc.backend.endpoints.map((e) => e.address)).toEqual(['10.244.0.7', '10.244.0.9']);
  });
});

describe('endpoints of a selectorless Service', () => {
  it('are read from a legacy Endpoints object when no EndpointSlice exists', () => {
    const c = fixtureCluster({
      ingresses: [{ name: 'i', rules: [{ host: 'h', paths: [{ path: '/', service: 'ext', port: 80 }] }] }],
    });
    c.services.push({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'ext', namespace: 'default' },
      spec: { clusterIP: '10.96.0.50', ports: [{ port: 80, targetPort: 9090 }] },
    });
    c.endpoints.push({
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: { name: 'ext', namespace: 'default' },
      subsets: [{ addresses: [{ ip: '192.168.1.20' }], ports: [{ port: 9090 }] }],
    });
    const loc = buildIngressModel(
      c,
      defaultIngressAddon('nginx'),
    ).servers[1]!.locations.find((l) => !l.isDefaultBackend)!;
    expect(loc.backend.endpoints).toEqual([{ address: '192.168.1.20', port: 9090 }]);
  });
});

describe('annotation registry', () => {
  it('documents every annotation in English and Chinese', () => {
    for (const a of ANNOTATIONS) {
      expect(a.doc.en.length).toBeGreaterThan(10);
      expect(a.doc.zh.length).toBeGreaterThan(4);
    }
    expect(annotationDoc('nginx.ingress.kubernetes.io/session-cookie-name')!.default).toBe('INGRESSCOOKIE');
  });
  it('knows which changes need a reload', () => {
    const k = (s: string) => `nginx.ingress.kubernetes.io/${s}`;
    expect(annotationChangeNeedsReload({}, { [k('canary-weight')]: '20' })).toBe(false);
    expect(annotationChangeNeedsReload({}, { [k('rewrite-target')]: '/' })).toBe(true);
    expect(annotationChangeNeedsReload({ [k('ssl-redirect')]: 'false' }, { [k('ssl-redirect')]: 'false' })).toBe(false);
    expect(annotationChangeNeedsReload({}, { [k('something-unknown')]: 'x' })).toBe(true);
  });
});
