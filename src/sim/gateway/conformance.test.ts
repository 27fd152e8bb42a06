// The upstream Gateway API conformance suite's HTTP cases (kubernetes-sigs/gateway-api conformance/tests,
// one describe per upstream test, named by its ShortName) as tables against the lab's NGINX Gateway Fabric.
// The manifests are the upstream ones adapted to the lab: conformance/base/manifests.yaml's namespaces,
// Gateways and backends (echo-basic Deployments behind Services on port 8080), the test's own routes in
// flow style. Expectations are the test's ExpectedResponse entries and status checks; where NGF itself
// departs from the spec the case says so and follows NGF.

import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { defaultLabSettings } from '../lab';
import type { Gateway, HTTPRoute, KubeObject } from '../api/types';
import { buildLab } from '../assembly/lab';
import { echoBackend } from './fixtures';
import { updateLab } from '../assembly/update';
import { newTraceSession, trace } from '../trace/trace';

const INFRA = 'gateway-conformance-infra';
const APP = 'gateway-conformance-app-backend';
const WEB = 'gateway-conformance-web-backend';

const backend = echoBackend;

function gateway(name: string, from: string, extra = ''): string {
  return `
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: ${name}, namespace: ${INFRA}}
spec:
  gatewayClassName: nginx
  listeners:
  - name: http
    port: 80
    protocol: HTTP
    allowedRoutes: {namespaces: {from: ${from}${extra}}}
---
`;
}

/** conformance/base/manifests.yaml, the HTTP part. */
const BASE = `
apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata: {name: nginx}
spec: {controllerName: gateway.nginx.org/nginx-gateway-controller}
---
apiVersion: v1
kind: Namespace
metadata: {name: ${INFRA}, labels: {gateway-conformance: infra}}
---
apiVersion: v1
kind: Namespace
metadata: {name: ${APP}, labels: {gateway-conformance: backend}}
---
apiVersion: v1
kind: Namespace
metadata: {name: ${WEB}, labels: {gateway-conformance: backend}}
---
${gateway('same-namespace', 'Same')}${gateway('all-namespaces', 'All')}
${gateway('backend-namespaces', 'Selector', ', selector: {matchLabels: {gateway-conformance: backend}}')}
${backend('infra-backend-v1', INFRA)}${backend('infra-backend-v2', INFRA)}${backend('infra-backend-v3', INFRA)}
${backend('app-backend-v1', APP)}${backend('app-backend-v2', APP)}${backend('web-backend', WEB)}`;

function objectsOf(text: string): KubeObject[] {
  return parseAllDocuments(text)
    .map((d) => d.toJS() as KubeObject | null)
    .filter((o): o is KubeObject => !!o);
}

type Lab = ReturnType<typeof buildLab>;

function labOf(manifests: string): Lab {
  const lab = buildLab({ settings: defaultLabSettings(), objects: objectsOf(`${BASE}\n---\n${manifests}`),
      clients: [] });
  if (lab.problems.length) throw new Error(lab.problems.map((p) => p.message).join('\n'));
  return lab;
}

/** One upstream http.ExpectedResponse: the request and what must come back (unset = not checked). */
interface Case {
  path: string;
  scheme?: 'http' | 'https';
  /** The Gateway port to connect to, when not the scheme's. */
  port?: number;
  host?: string;
  method?: string;
  headers?: Record<string, string>;
  /** The backend Service (in `ns`, default the infra namespace) that must answer. */
  backend?: string;
  ns?: string;
  status?: number;
  location?: string;
  upstreamPath?: string;
  upstreamHost?: string;
  /** Request headers the backend must see (name -> value) and must not see. */
  upstreamHeaders?: Record<string, string>;
  upstreamAbsent?: string[];
  responseHeaders?: Record<string, string>;
  responseAbsent?: string[];
  /** Response headers the echo backend is asked to set (BackendSetResponseHeaders, sent as X-Echo-Set-Header). */
  backendSet?: Record<string, string>;
  /** The redirect the Location header must describe (roundtripper.RedirectRequest; unset parts as below). */
  redirect?: { scheme?: string; host?: string; port?: string; path?: string };
}

function send(lab: Lab, gw: string, c: Case, seed = 't') {
  return trace(
    lab,
    {
      from: { kind: 'external', address: '203.0.113.7' },
      url: `${c.scheme ?? 'http'}://${c.host ?? '192.0.2.80'}${c.path}`,
      headers: c.backendSet ? { ...c.headers, 'X-Echo-Set-Header': echoSet(c.backendSet) } : c.headers,
      method: c.method,
      connect: { kind: 'gateway', namespace: INFRA, name: gw, ...(c.port ? { port: c.port } : {}) },
    },
    newTraceSession(seed),
  );
}

const echoSet = (h: Record<string, string>) => Object.entries(h).map(([k, v]) => `${k}:${v}`).join(',');
const lower = (h: Record<string, string>) => Object.fromEntries(Object.entries(h).map(([k, v]) =>
  [k.toLowerCase(), v]));

/** What the lab answered, in the terms of the case (so a failing table shows the whole difference). */
function observe(lab: Lab, gw: string, c: Case): Case {
  const r = send(lab, gw, c);
  const up = lower(r.backend?.headers ?? {});
  const resp = lower(r.responseHeaders);
  const svc = r.backendPod ? r.services.at(-1)! : null;
  const got: Case = { path: c.path, status: r.status ?? 0 };
  if (c.backend !== undefined) got.backend = svc ? svc.split('/')[1]! : '(none)';
  if (c.backend !== undefined) got.ns = svc ? svc.split('/')[0]! : '(none)';
  if (c.location !== undefined) got.location = resp.location;
  if (c.upstreamPath !== undefined) got.upstreamPath = r.backend?.path;
  if (c.upstreamHost !== undefined) got.upstreamHost = r.backend?.host;
  if (c.upstreamHeaders) got.upstreamHeaders = pick(up, Object.keys(c.upstreamHeaders));
  if (c.upstreamAbsent) got.upstreamAbsent = c.upstreamAbsent.filter((h) => h.toLowerCase() in up);
  if (c.responseHeaders) got.responseHeaders = pick(resp, Object.keys(c.responseHeaders));
  if (c.responseAbsent) got.responseAbsent = c.responseAbsent.filter((h) => h.toLowerCase() in resp);
  if (c.redirect) got.redirect = redirectOf(c, resp.location);
  return got;
}

/**
 * The Location header in the terms of conformance/utils/http CompareRoundTrip: host only compared when the case
 * names one; scheme and path default to the request's; with no port expected, http may carry 80 or none and
 * https 443 or none ('(default)').
 */
function redirectOf(c: Case, location: string | undefined): Case['redirect'] {
  const m = location ? /^([a-z]+):\/\/([^/:]+)(?::(\d+))?([^?]*)/.exec(location) : null;
  if (!m) return { scheme: `(no redirect: ${location})` };
  const [, scheme, host, port = '', path] = m;
  const wellKnown = port === '' || (scheme === 'http' && port === '80') || (scheme === 'https' && port === '443');
  return {
    scheme, host: c.redirect!.host === undefined ? '(any)' : host,
    port: c.redirect!.port === undefined && wellKnown ? '(default)' : port, path,
  };
}

function pick(h: Record<string, string>, names: string[]): Record<string, string> {
  return Object.fromEntries(names.map((n) => [n, h[n.toLowerCase()] ?? '(absent)']));
}

/** The case as the lab must answer it: a backend means 200 from that Service, else the status given. */
function want(c: Case): Case {
  const w: Case = { path: c.path, status: c.status ?? (c.backend !== undefined ? 200 : undefined) };
  if (c.backend !== undefined) Object.assign(w, { backend: c.backend, ns: c.ns ?? INFRA });
  for (const k of ['location', 'upstreamPath', 'upstreamHost'] as const) if (c[k] !== undefined) w[k] = c[k];
  if (c.upstreamHeaders) w.upstreamHeaders = c.upstreamHeaders;
  if (c.upstreamAbsent) w.upstreamAbsent = [];
  if (c.responseHeaders) w.responseHeaders = c.responseHeaders;
  if (c.responseAbsent) w.responseAbsent = [];
  if (c.redirect) {
    const r = c.redirect;
    w.redirect = { scheme: r.scheme ?? c.scheme ?? 'http', host: r.host ?? '(any)', port: r.port ?? '(default)',
      path: r.path ?? c.path.split('?')[0] };
  }
  return w;
}

function expectCases(lab: Lab, gw: string, cases: readonly Case[]): void {
  expect(cases.map((c) => observe(lab, gw, c))).toEqual(cases.map(want));
}

const v1 = (path: string, more: Partial<Case> = {}): Case => ({ path, backend: 'infra-backend-v1', ...more });
const v2 = (path: string, more: Partial<Case> = {}): Case => ({ path, backend: 'infra-backend-v2', ...more });
const v3 = (path: string, more: Partial<Case> = {}): Case => ({ path, backend: 'infra-backend-v3', ...more });
const notFound = (path: string, more: Partial<Case> = {}): Case => ({ path, status: 404, ...more });

// ---------------------------------------------------------------- status

function routeOf(lab: Lab, name: string, ns = INFRA): HTTPRoute {
  const r = lab.cluster.httpRoutes.find((x) => x.metadata.name === name && (x.metadata.namespace ?? 'default') === ns);
  if (!r) throw new Error(`no HTTPRoute ${ns}/${name}`);
  return r;
}

function gatewayOf(lab: Lab, name: string): Gateway {
  return lab.cluster.gateways.find((g) => g.metadata.name === name && g.metadata.namespace === INFRA)!;
}

/** `type=status/reason` per condition of each status.parents entry (for the parentRef to `gw`, if given). */
function parentConditions(lab: Lab, route: string, ns = INFRA, gw?: string): string[][] {
  return (routeOf(lab, route, ns).status?.parents ?? [])
    .filter((p) => gw === undefined || p.parentRef.name === gw)
    .map((p) => p.conditions.map((c) => `${c.type}=${c.status}/${c.reason}`).sort());
}

const ACCEPTED_RESOLVED = ['Accepted=True/Accepted', 'ResolvedRefs=True/ResolvedRefs'];

/** GatewayAndHTTPRoutesMustBeAccepted + HTTPRouteMustHaveResolvedRefsConditionsTrue. */
function expectAccepted(lab: Lab, gw: string, routes: readonly string[], ns = INFRA): void {
  const g = gatewayOf(lab, gw);
  expect(g.status?.conditions?.map((c) => `${c.type}=${c.status}`)).toEqual(['Accepted=True', 'Programmed=True']);
  for (const r of routes) expect(parentConditions(lab, r, ns, gw)).toEqual([ACCEPTED_RESOLVED]);
}

// ---------------------------------------------------------------- the upstream tests

function route(name: string, ns: string, spec: string): string {
  return `
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: ${name}, namespace: ${ns}}
spec:
${spec}
---
`;
}

const rule = (match: string, to: string) => `  - matches: [${match}]\n    backendRefs: [{name: ${to}, port: 8080}]`;

describe('HTTPRouteSimpleSameNamespace', () => {
  it('a route in the Gateway namespace reaches infra-backend-v1', () => {
    const lab = labOf(route('gateway-conformance-infra-test', INFRA,
      '  parentRefs: [{name: same-namespace}]\n  rules: [{backendRefs: [{name: infra-backend-v1, port: 8080}]}]'));
    expectAccepted(lab, 'same-namespace', ['gateway-conformance-infra-test']);
    expectCases(lab, 'same-namespace', [v1('/')]);
  });
});

describe('HTTPRouteCrossNamespace', () => {
  it('a route in a selected namespace reaches web-backend', () => {
    const lab = labOf(route('cross-namespace', WEB,
      `  parentRefs: [{name: backend-namespaces, namespace: ${INFRA}}]\n` +
      '  rules: [{backendRefs: [{name: web-backend, port: 8080}]}]'));
    expectAccepted(lab, 'backend-namespaces', ['cross-namespace'], WEB);
    expectCases(lab, 'backend-namespaces', [{ path: '/', backend: 'web-backend', ns: WEB }]);
  });
});

describe('HTTPRouteExactPathMatching', () => {
  it('Exact paths take only themselves, case-sensitively', () => {
    const lab = labOf(route('exact-matching', INFRA, ['  parentRefs: [{name: same-namespace}]', '  rules:',
      rule('{path: {type: Exact, value: /one}}', 'infra-backend-v1'),
      rule('{path: {type: Exact, value: /two}}', 'infra-backend-v2')].join('\n')));
    expectAccepted(lab, 'same-namespace', ['exact-matching']);
    expectCases(lab, 'same-namespace', [
      v1('/one'), v2('/two'), notFound('/'), notFound('/one/example'), notFound('/two/'), notFound('/Two'),
    ]);
  });
});

describe('HTTPRouteHeaderMatching', () => {
  it('headers are ANDed in a match, matches ORed, more headers win, rule order breaks ties', () => {
    const h = (name: string, value: string) => `{name: ${name}, value: ${value}}`;
    const lab = labOf(route('header-matching', INFRA, ['  parentRefs: [{name: same-namespace}]', '  rules:',
      rule(`{headers: [${h('version', 'one')}]}`, 'infra-backend-v1'),
      rule(`{headers: [${h('version', 'two')}]}`, 'infra-backend-v2'),
      rule(`{headers: [${h('version', 'two')}, ${h('color', 'orange')}]}`, 'infra-backend-v1'),
      rule(`{headers: [${h('color', 'blue')}]}, {headers: [${h('color', 'green')}]}`, 'infra-backend-v1'),
      rule(`{headers: [${h('color', 'red')}]}, {headers: [${h('color', 'yellow')}]}`, 'infra-backend-v2'),
    ].join('\n')));
    expectAccepted(lab, 'same-namespace', ['header-matching']);
    const hd = (headers: Record<string, string>) => ({ headers });
    expectCases(lab, 'same-namespace', [
      v1('/', hd({ Version: 'one' })), v2('/', hd({ Version: 'two' })),
      v1('/', hd({ Version: 'two', Color: 'orange' })), v2('/', hd({ Version: 'two', Color: 'blue' })),
      notFound('/', hd({ Color: 'orange' })), notFound('/', hd({ 'Some-Other-Header': 'one' })),
      v1('/', hd({ Color: 'blue' })), v1('/', hd({ Color: 'green' })),
      v2('/', hd({ Color: 'red' })), v2('/', hd({ Color: 'yellow' })), notFound('/', hd({ Color: 'purple' })),
    ]);
  });
});

const MATCHING_RULES = [
  rule('{path: {type: PathPrefix, value: /}}, {headers: [{name: version, value: one}]}', 'infra-backend-v1'),
  rule('{path: {type: PathPrefix, value: /v2}}, {headers: [{name: version, value: two}]}', 'infra-backend-v2'),
];

describe('HTTPRouteMatching', () => {
  it('path prefixes are element-wise; a header match beats the / prefix', () => {
    const lab = labOf(route('matching', INFRA,
      ['  parentRefs: [{name: same-namespace}]', '  rules:', ...MATCHING_RULES].join('\n')));
    expectAccepted(lab, 'same-namespace', ['matching']);
    expectCases(lab, 'same-namespace', [
      v1('/'), v1('/example'), v1('/', { headers: { Version: 'one' } }), v2('/v2'), v2('/v2/example'),
      v2('/', { headers: { Version: 'two' } }), v2('/v2/'), v1('/v2example'), v1('/foo/v2/example'),
    ]);
  });
});

describe('HTTPRouteMatchingAcrossRoutes', () => {
  it('rules of two routes on one hostname are merged by precedence', () => {
    const lab = labOf(
      route('matching-part1', INFRA,
        ['  parentRefs: [{name: same-namespace}]', '  hostnames: [example.com, example.net]',
        '  rules:', MATCHING_RULES[0]!].join('\n')) +
      route('matching-part2', INFRA, ['  parentRefs: [{name: same-namespace}]', '  hostnames: [example.com]',
        '  rules:', MATCHING_RULES[1]!].join('\n')),
    );
    expectAccepted(lab, 'same-namespace', ['matching-part1', 'matching-part2']);
    const com = { host: 'example.com' };
    const net = { host: 'example.net' };
    expectCases(lab, 'same-namespace', [
      v1('/', com), v1('/example', com), v1('/example', net), v1('/example', { ...com, headers: { Version: 'one' } }),
      v2('/v2', com), v1('/v2', net), v2('/v2/example', com), v2('/', { ...com, headers: { Version: 'two' } }),
    ]);
  });
});

describe('HTTPRouteMethodMatching', () => {
  it('method alone, with path and headers, ORed matches, and precedence after the path', () => {
    const m = (s: string) => s;
    const lab = labOf(route('method-matching', INFRA, ['  parentRefs: [{name: same-namespace}]', '  rules:',
      rule('{method: POST}', 'infra-backend-v1'),
      rule('{method: GET}', 'infra-backend-v2'),
      rule('{path: {type: PathPrefix, value: /path1}, method: GET}', 'infra-backend-v1'),
      rule('{headers: [{name: version, value: one}], method: PUT}', 'infra-backend-v2'),
      rule('{path: {type: PathPrefix, value: /path2}, headers: [{name: version, value: two}], method: POST}',
        'infra-backend-v3'),
      rule(m('{path: {type: PathPrefix, value: /path3}, method: PATCH}, ') +
        '{path: {type: PathPrefix, value: /path4}, headers: [{name: version, value: three}], method: DELETE}',
      'infra-backend-v1'),
      rule('{path: {type: PathPrefix, value: /path5}}', 'infra-backend-v1'),
      rule('{method: PATCH}', 'infra-backend-v2'),
      rule('{headers: [{name: version, value: four}]}', 'infra-backend-v3'),
    ].join('\n')));
    expectAccepted(lab, 'same-namespace', ['method-matching']);
    expectCases(lab, 'same-namespace', [
      v1('/', { method: 'POST' }), v2('/', { method: 'GET' }), notFound('/', { method: 'HEAD' }),
      v1('/path1', { method: 'GET' }), v2('/', { method: 'PUT', headers: { version: 'one' } }),
      v3('/path2', { method: 'POST', headers: { version: 'two' } }),
      v1('/path3', { method: 'PATCH' }), v1('/path4', { method: 'DELETE', headers: { version: 'three' } }),
      notFound('/', { method: 'PUT' }), notFound('/path4', { method: 'DELETE' }),
      v1('/path5', { method: 'PATCH' }), v2('/', { method: 'PATCH', headers: { version: 'four' } }),
    ]);
  });
});

describe('HTTPRoutePathMatchOrder', () => {
  it('Exact before prefix, longer prefix before shorter', () => {
    const p = (type: string, value: string) => `{path: {type: ${type}, value: ${value}}}`;
    const lab = labOf(route('path-matching-order', INFRA, ['  parentRefs: [{name: same-namespace}]', '  rules:',
      rule(p('Exact', '/match'), 'infra-backend-v1'), rule(p('Exact', '/match/exact'), 'infra-backend-v2'),
      rule(p('Exact', '/match/exact/one'), 'infra-backend-v3'), rule(p('PathPrefix', '/match/'), 'infra-backend-v3'),
      rule(p('PathPrefix', '/match/prefix/'), 'infra-backend-v1'),
      rule(p('PathPrefix', '/match/prefix/one'), 'infra-backend-v2'),
    ].join('\n')));
    expectAccepted(lab, 'same-namespace', ['path-matching-order']);
    expectCases(lab, 'same-namespace', [
      v3('/match/exact/one'), v2('/match/exact'), v1('/match'), v2('/match/prefix/one/any'),
      v1('/match/prefix/any'), v3('/match/any'),
    ]);
  });
});

describe('HTTPRouteQueryParamMatching', () => {
  it('param names and values are exact, ANDed with path, headers and ORed across matches', () => {
    const q = (...kv: string[]) => `queryParams: [${kv.map((s) =>
      `{name: ${s.split('=')[0]}, value: ${s.split('=')[1]}}`)
      .join(', ')}]`;
    const pre = (p: string) => `path: {type: PathPrefix, value: ${p}}`;
    const lab = labOf(route('query-param-matching', INFRA, ['  parentRefs: [{name: same-namespace}]', '  rules:',
      rule(`{${q('animal=whale')}}`, 'infra-backend-v1'), rule(`{${q('animal=dolphin')}}`, 'infra-backend-v2'),
      rule(`{${q('animal=dolphin', 'color=blue')}}, {${q('ANIMAL=Whale')}}`, 'infra-backend-v3'),
      rule(`{${pre('/path1')}, ${q('animal=whale')}}`, 'infra-backend-v1'),
      rule(`{headers: [{name: version, value: one}], ${q('animal=whale')}}`, 'infra-backend-v2'),
      rule(`{${pre('/path2')}, headers: [{name: version, value: two}], ${q('animal=whale')}}`, 'infra-backend-v3'),
      rule(`{${pre('/path3')}, ${q('animal=shark')}}, ` +
        `{${pre('/path4')}, headers: [{name: version, value: three}], ${q('animal=kraken')}}`, 'infra-backend-v1'),
      rule(`{${pre('/path5')}}`, 'infra-backend-v1'), rule(`{${q('animal=hydra')}}`, 'infra-backend-v2'),
      rule('{headers: [{name: version, value: four}]}', 'infra-backend-v3'),
    ].join('\n')));
    expectAccepted(lab, 'same-namespace', ['query-param-matching']);
    const version = (v: string) => ({ headers: { version: v } });
    expectCases(lab, 'same-namespace', [
      v1('/?animal=whale'), v2('/?animal=dolphin'), v3('/?animal=dolphin&color=blue'), v3('/?ANIMAL=Whale'),
      v1('/?animal=whale&otherparam=irrelevant'), v2('/?animal=dolphin&color=yellow'), notFound('/?color=blue'),
      notFound('/?animal=dog'), notFound('/?animal=whaledolphin'), notFound('/'),
      v1('/path1?animal=whale'), v2('/?animal=whale', version('one')), v3('/path2?animal=whale', version('two')),
      v1('/path3?animal=shark'), v1('/path4?animal=kraken', version('three')),
      notFound('/?animal=shark'), notFound('/path4?animal=kraken'),
      v1('/path5?animal=hydra'), v3('/?animal=hydra', version('four')),
    ]);
  });
});

const gatewayHead = (name: string) =>
  `apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata: {name: ${name}, namespace: ${INFRA}}`;

function listenersGateway(name: string, listeners: [string, string | null][]): string {
  const ls = listeners.map(([l, host]) =>
    `  - {name: ${l}, port: 80, protocol: HTTP, allowedRoutes: {namespaces: {from: Same}}` +
    `${host ? `, hostname: "${host}"` : ''}}`);
  return [`apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata: {name: ${name}, namespace: ${INFRA}}`,
    'spec:\n  gatewayClassName: nginx\n  listeners:', ...ls, '---\n'].join('\n');
}

/** A route with parentRefs `[{name: gw, ...}]` entries, hostnames and one rule (optional path prefix). */
function simpleRoute(name: string, parents: string, hostnames: string | null, to: string, prefix?: string): string {
  return route(name, INFRA, [`  parentRefs: [${parents}]`, ...(hostnames ? [`  hostnames: [${hostnames}]`] : []),
    prefix ? `  rules:\n${rule(`{path: {type: PathPrefix, value: ${prefix}}}`, to)}`
      : `  rules: [{backendRefs: [{name: ${to}, port: 8080}]}]`].join('\n'));
}

/** name, attachedRoutes, supportedKinds and the Accepted / ResolvedRefs statuses of each listener. */
function listenerSummary(lab: Lab, gw: string): string[] {
  return (gatewayOf(lab, gw).status?.listeners ?? []).map((l) => {
    const c = (t: string) => l.conditions.find((x) => x.type === t)?.status ?? '-';
    const kinds = l.supportedKinds.map((k) => `${k.group}/${k.kind}`).join(',');
    return `${l.name} attached=${l.attachedRoutes} kinds=${kinds} ` +
      `Accepted=${c('Accepted')} ResolvedRefs=${c('ResolvedRefs')}`;
  });
}

describe('HTTPRouteHostnameIntersection', () => {
  const GW = 'httproute-hostname-intersection';
  const p = `{name: ${GW}, namespace: ${INFRA}}`;
  const lab = labOf(listenersGateway(GW, [['listener-1', 'very.specific.com'], ['listener-2', '*.wildcard.io'],
    ['listener-3', '*.anotherwildcard.io']]) + listenersGateway(`${GW}-all`, [['listener-1', null]]) +
    simpleRoute('specific-host-matches-listener-specific-host', p,
      'non.matching.com, "*.nonmatchingwildcard.io", very.specific.com', 'infra-backend-v1', '/s1') +
    simpleRoute('specific-host-matches-listener-wildcard-host', p,
      'non.matching.com, wildcard.io, foo.wildcard.io, bar.wildcard.io, foo.bar.wildcard.io', 'infra-backend-v2',
      '/s2') +
    simpleRoute('wildcard-host-matches-listener-specific-host', p, 'non.matching.com, "*.specific.com"',
      'infra-backend-v3', '/s3') +
    simpleRoute('wildcard-host-matches-listener-wildcard-host', p, '"*.anotherwildcard.io"', 'infra-backend-v1',
      '/s4') +
    simpleRoute('no-intersecting-hosts', p, 'specific.but.wrong.com, wildcard.io', 'infra-backend-v2', '/s5') +
    simpleRoute(`${GW}-all`, `{name: ${GW}-all, namespace: ${INFRA}}`,
      'first.com, sub.first.com, second.com, sub.second.com', 'infra-backend-v2'));
  it('routes whose hostnames intersect a listener are accepted and serve only the intersection', () => {
    expectAccepted(lab, GW,
      ['specific-host-matches-listener-specific-host', 'specific-host-matches-listener-wildcard-host',
      'wildcard-host-matches-listener-specific-host', 'wildcard-host-matches-listener-wildcard-host']);
    const at = (host: string) => ({ host });
    expectCases(lab, GW, [
      v1('/s1', at('very.specific.com')), v1('/s1', at('very.specific.com:1234')),
      notFound('/s1', at('non.matching.com')),
      notFound('/s1', at('foo.nonmatchingwildcard.io')), notFound('/s1', at('foo.wildcard.io')),
      notFound('/non-matching-prefix', at('very.specific.com')),
      v2('/s2', at('foo.wildcard.io')), v2('/s2', at('bar.wildcard.io')), v2('/s2', at('foo.bar.wildcard.io')),
      notFound('/s2', at('non.matching.com')), notFound('/s2', at('wildcard.io')),
      notFound('/s2', at('very.specific.com')),
      notFound('/non-matching-prefix', at('foo.wildcard.io')),
      v3('/s3', at('very.specific.com')), notFound('/s3', at('non.matching.com')),
      notFound('/s3', at('foo.specific.com')),
      notFound('/s3', at('foo.wildcard.io')),
      v1('/s4', at('foo.anotherwildcard.io')), v1('/s4', at('bar.anotherwildcard.io')),
      v1('/s4', at('foo.bar.anotherwildcard.io')), notFound('/s4', at('anotherwildcard.io')),
      notFound('/s4', at('foo.wildcard.io')), notFound('/s4', at('very.specific.com')),
      notFound('/non-matching-prefix', at('foo.anotherwildcard.io')),
    ]);
  });
  it('a route with no intersecting hostname: Accepted=False/NoMatchingListenerHostname, not counted', () => {
    expect(parentConditions(lab, 'no-intersecting-hosts')[0]).toContain('Accepted=False/NoMatchingListenerHostname');
    expectCases(lab, GW,
      [notFound('/s5', { host: 'specific.but.wrong.com' }), notFound('/s5', { host: 'wildcard.io' })]);
    const k = 'kinds=gateway.networking.k8s.io/HTTPRoute Accepted=True ResolvedRefs=True';
    expect(listenerSummary(lab, GW)).toEqual([
      `listener-1 attached=2 ${k}`, `listener-2 attached=1 ${k}`, `listener-3 attached=1 ${k}`,
    ]);
  });
  it('a listener without hostname serves exactly the route hostnames', () => {
    expectAccepted(lab, `${GW}-all`, [`${GW}-all`]);
    expectCases(lab, `${GW}-all`, ['first.com', 'sub.first.com', 'second.com', 'sub.second.com']
      .map((host) =>
        v2('/', { host })).concat([notFound('/', { host: 'third.com' }), notFound('/', { host: 'sub.third.com' })]));
  });
});

describe('HTTPRouteListenerHostnameMatching', () => {
  const GW = 'httproute-listener-hostname-matching';
  const p = (s: string) => `{name: ${GW}, namespace: ${INFRA}, sectionName: ${s}}`;
  it('a host reaches the route of its most specific listener', () => {
    const lab = labOf(listenersGateway(GW, [['listener-1', 'bar.com'], ['listener-2', 'foo.bar.com'],
      ['listener-3', '*.bar.com'], ['listener-4', '*.foo.com']]) +
      simpleRoute('backend-v1', p('listener-1'), null, 'infra-backend-v1') +
      simpleRoute('backend-v2', p('listener-2'), null, 'infra-backend-v2') +
      simpleRoute('backend-v3', `${p('listener-3')}, ${p('listener-4')}`, null, 'infra-backend-v3'));
    expectAccepted(lab, GW, ['backend-v1', 'backend-v2']);
    expect(parentConditions(lab, 'backend-v3')).toEqual([ACCEPTED_RESOLVED, ACCEPTED_RESOLVED]);
    const at = (host: string) => ({ host });
    expectCases(lab, GW, [
      v1('/', at('bar.com')), v2('/', at('foo.bar.com')), v3('/', at('baz.bar.com')), v3('/', at('boo.bar.com')),
      v3('/', at('multiple.prefixes.bar.com')), v3('/', at('multiple.prefixes.foo.com')),
      notFound('/', at('foo.com')), notFound('/', at('no.matching.host')),
    ]);
  });
});

describe('GatewayNameMaximumLength', () => {
  it('a 253-character Gateway gets a data plane (name cut and hashed as NGF does) and current conditions', () => {
    const name = `gateway-name-maximum-length-${'a'.repeat(253 - 28)}`;
    const lab = labOf(listenersGateway(name, [['http', null]]));
    const gw = gatewayOf(lab, name);
    expect(gw.status?.conditions?.map((c) => `${c.type}=${c.status}@${c.observedGeneration}`))
      .toEqual(['Accepted=True@1', 'Programmed=True@1']);
    const svc = lab.cluster.services.find((s) => s.metadata.name.startsWith('gateway-name-maximum-length-'))!;
    expect(svc.metadata.name).toMatch(/^gateway-name-maximum-length-a+-[0-9a-f]{8}-nginx$/);
    expect(svc.metadata.name).toHaveLength(63);
  });
  it.each([
    // NGF internal/framework/controller/resource_test.go TestCreateNginxResourceName
    ['a'.repeat(64), `${'a'.repeat(47)}-b9a00a3c-suffix`],
    ['b'.repeat(60), `${'b'.repeat(47)}-1930ffb3-suffix`],
    [`${'c'.repeat(46)}-${'d'.repeat(10)}`, `${'c'.repeat(46)}-016f7bbf-suffix`],
    ['short', 'short-suffix'],
  ])('data plane name of %s', async (gwName, want) => {
    const { dataPlaneName } = await import('./addon');
    const gw = { metadata: { name: gwName }, spec: { gatewayClassName: 'suffix' } } as Gateway;
    expect(dataPlaneName(gw)).toBe(want);
  });
});

/** A route on `parent` with one PathPrefix rule per entry: [prefix, filters (flow YAML), backend or none]. */
function prefixRoute(name: string, parent: string, rules: [string, string, string?][]): string {
  return route(name, INFRA, [`  parentRefs: [{name: ${parent}}]`, '  rules:', ...rules.map(([prefix, filters, to]) =>
    `  - matches: [{path: {type: PathPrefix, value: ${prefix}}}]\n    filters: [${filters}]` +
    (to ? `\n    backendRefs: [{name: ${to}, port: 8080}]` : ''))].join('\n'));
}

const redirect = (spec: string) => `{type: RequestRedirect, requestRedirect: {${spec}}}`;
const moved = (path: string, status: number, r: NonNullable<Case['redirect']>, more: Partial<Case> = {}): Case =>
  ({ path, status, redirect: r, ...more });

describe('HTTPRouteRedirectHostAndStatus', () => {
  it('hostname, with the default 302 and with 301', () => {
    const lab = labOf(prefixRoute('redirect-host-and-status', 'same-namespace', [
      ['/hostname-redirect', redirect('hostname: example.org')],
      ['/host-and-status', redirect('statusCode: 301, hostname: example.org')]]));
    expectAccepted(lab, 'same-namespace', ['redirect-host-and-status']);
    expectCases(lab, 'same-namespace', [
      moved('/hostname-redirect', 302, { host: 'example.org' }),
      moved('/host-and-status', 301, { host: 'example.org' }),
    ]);
  });
});

describe('HTTPRouteRedirectPath', () => {
  it('ReplacePrefixMatch and ReplaceFullPath, with hostname and status', () => {
    const prefix = 'path: {type: ReplacePrefixMatch, replacePrefixMatch: /replacement-prefix}';
    const full = (p: string) => `path: {type: ReplaceFullPath, replaceFullPath: ${p}}`;
    const lab = labOf(prefixRoute('redirect-path', 'same-namespace', [
      ['/original-prefix', redirect(prefix)], ['/full', redirect(full('/full-path-replacement'))],
      ['/path-and-host', redirect(`hostname: example.org, ${prefix}`)],
      ['/path-and-status', redirect(`${prefix}, statusCode: 301`)],
      ['/full-path-and-host', redirect(`hostname: example.org, ${full('/replacement-full')}`)],
      ['/full-path-and-status', redirect(`${full('/replacement-full')}, statusCode: 301`)]]));
    expectAccepted(lab, 'same-namespace', ['redirect-path']);
    expectCases(lab, 'same-namespace', [
      moved('/original-prefix/lemon', 302, { path: '/replacement-prefix/lemon' }),
      moved('/full/path/original', 302, { path: '/full-path-replacement' }),
      moved('/path-and-host', 302, { host: 'example.org', path: '/replacement-prefix' }),
      moved('/path-and-status', 301, { path: '/replacement-prefix' }),
      moved('/full-path-and-host', 302, { host: 'example.org', path: '/replacement-full' }),
      moved('/full-path-and-status', 301, { path: '/replacement-full' }),
    ]);
  });
});

describe('HTTPRouteRedirectPort', () => {
  it('port alone, with hostname, with status', () => {
    const lab = labOf(prefixRoute('redirect-port', 'same-namespace', [
      ['/port', redirect('port: 8083')], ['/port-and-host', redirect('hostname: example.org, port: 8083')],
      ['/port-and-status', redirect('port: 8083, statusCode: 301')],
      ['/port-and-host-and-status', redirect('port: 8083, hostname: example.org, statusCode: 302')]]));
    expectAccepted(lab, 'same-namespace', ['redirect-port']);
    expectCases(lab, 'same-namespace', [
      moved('/port', 302, { port: '8083' }), moved('/port-and-host', 302, { host: 'example.org', port: '8083' }),
      moved('/port-and-status', 301, { port: '8083' }),
      moved('/port-and-host-and-status', 302, { host: 'example.org', port: '8083' }),
    ]);
  });
});

describe('HTTPRouteRedirectScheme', () => {
  it('scheme https alone, with hostname, with status', () => {
    const lab = labOf(prefixRoute('redirect-scheme', 'same-namespace', [
      ['/scheme', redirect('scheme: https')], ['/scheme-and-host', redirect('hostname: example.org, scheme: https')],
      ['/scheme-and-status', redirect('scheme: https, statusCode: 301')],
      ['/scheme-and-host-and-status', redirect('scheme: https, statusCode: 302, hostname: example.org')]]));
    expectAccepted(lab, 'same-namespace', ['redirect-scheme']);
    expectCases(lab, 'same-namespace', [
      moved('/scheme', 302, { scheme: 'https' }),
      moved('/scheme-and-host', 302, { scheme: 'https', host: 'example.org' }),
      moved('/scheme-and-status', 301, { scheme: 'https' }),
      moved('/scheme-and-host-and-status', 302, { scheme: 'https', host: 'example.org' }),
    ]);
  });
});

describe('HTTPRoute303Redirect, HTTPRoute307Redirect, HTTPRoute308Redirect', () => {
  it.each([[303, '/see-other', 'POST'], [307, '/temporary', 'GET'], [308, '/permanent', 'GET']] as const)(
    'statusCode %d', (code, path, method) => {
      const lab = labOf(prefixRoute(`${code}-redirect`, 'same-namespace', [[path, redirect(`statusCode: ${code}`)]]));
      expectAccepted(lab, 'same-namespace', [`${code}-redirect`]);
      expectCases(lab, 'same-namespace', [moved(path, code, { path }, { method })]);
    });
});

/** A kubernetes.io/tls Secret with PEM blocks (the lab checks the PEM framing, not the X.509 inside). */
const PEM_CERT = btoa('-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
const PEM_KEY = btoa('-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n');
const tlsSecret = (name: string, ns: string) =>
  `apiVersion: v1\nkind: Secret\nmetadata: {name: ${name}, namespace: ${ns}}\n` +
  `type: kubernetes.io/tls\ndata: {tls.crt: ${PEM_CERT}, tls.key: ${PEM_KEY}}\n---\n`;

/** base's same-namespace-with-https-listener, its first listener (the others only add hostnames). */
const HTTPS_GATEWAY = `
${tlsSecret('tls-validity-checks-certificate', INFRA)}
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: same-namespace-with-https-listener, namespace: ${INFRA}}
spec:
  gatewayClassName: nginx
  listeners:
  - name: https
    port: 443
    protocol: HTTPS
    allowedRoutes: {namespaces: {from: Same}}
    tls: {certificateRefs: [{group: "", kind: Secret, name: tls-validity-checks-certificate, namespace: ${INFRA}}]}
---
`;

describe('HTTPRouteRedirectPortAndScheme', () => {
  const on8080 = 'same-namespace-with-http-listener-on-8080';
  const to = (port: string | null, scheme: string | null) =>
    redirect(['hostname: example.org', ...(port ? [`port: ${port}`] : []), ...(scheme ? [`scheme: ${scheme}`] : [])]
      .join(', '));
  const lab = labOf(HTTPS_GATEWAY + `
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: ${on8080}, namespace: ${INFRA}}
spec:
  gatewayClassName: nginx
  listeners: [{name: http, port: 8080, protocol: HTTP, allowedRoutes: {namespaces: {from: Same}}}]
---
` + prefixRoute('http-route-for-listener-on-port-80', 'same-namespace', [
    ['/scheme-nil-and-port-nil', to(null, null)], ['/scheme-nil-and-port-80', to('80', null)],
    ['/scheme-nil-and-port-8080', to('8080', null)], ['/scheme-https-and-port-nil', to(null, 'https')],
    ['/scheme-https-and-port-443', to('443', 'https')], ['/scheme-https-and-port-8443', to('8443', 'https')],
  ]) + prefixRoute('http-route-for-listener-on-port-8080', on8080, [
    ['/scheme-nil-and-port-nil', to(null, null)], ['/scheme-nil-and-port-80', to('80', null)],
    ['/scheme-https-and-port-nil', to(null, 'https')],
  ]) + prefixRoute('http-route-for-listener-on-port-443', 'same-namespace-with-https-listener', [
    ['/scheme-nil-and-port-nil', to(null, null)], ['/scheme-nil-and-port-443', to('443', null)],
    ['/scheme-nil-and-port-8443', to('8443', null)], ['/scheme-http-and-port-nil', to(null, 'http')],
    ['/scheme-http-and-port-80', to('80', 'http')], ['/scheme-http-and-port-8080', to('8080', 'http')],
  ]));
  const org = (scheme: string, port?: string) => ({ scheme, host: 'example.org', ...(port ? { port } : {}) });
  it('listener on 80', () => {
    expectAccepted(lab, 'same-namespace', ['http-route-for-listener-on-port-80']);
    expectCases(lab, 'same-namespace', [
      moved('/scheme-nil-and-port-nil', 302, org('http')), moved('/scheme-nil-and-port-80', 302, org('http')),
      moved('/scheme-nil-and-port-8080', 302, org('http', '8080')),
      moved('/scheme-https-and-port-nil', 302, org('https')), moved('/scheme-https-and-port-443', 302, org('https')),
      moved('/scheme-https-and-port-8443', 302, org('https', '8443')),
    ]);
  });
  it('listener on 8080: no scheme and no port keeps the listener port', () => {
    expectAccepted(lab, on8080, ['http-route-for-listener-on-port-8080']);
    const at8080 = { port: 8080 };
    expectCases(lab, on8080, [
      moved('/scheme-nil-and-port-nil', 302, org('http', '8080'), at8080),
      moved('/scheme-nil-and-port-80', 302, org('http'), at8080),
      moved('/scheme-https-and-port-nil', 302, org('https'), at8080),
    ]);
  });
  it('HTTPS listener on 443', () => {
    expectAccepted(lab, 'same-namespace-with-https-listener', ['http-route-for-listener-on-port-443']);
    const tls = { scheme: 'https' as const, host: 'example.org' };
    expectCases(lab, 'same-namespace-with-https-listener', [
      moved('/scheme-nil-and-port-nil', 302, org('https'), tls),
      moved('/scheme-nil-and-port-443', 302, org('https'), tls),
      moved('/scheme-nil-and-port-8443', 302, org('https', '8443'), tls),
      moved('/scheme-http-and-port-nil', 302, org('http'), tls),
      moved('/scheme-http-and-port-80', 302, org('http'), tls),
      moved('/scheme-http-and-port-8080', 302, org('http', '8080'), tls),
    ]);
  });
});

const HEADER_MODS = '{type: RequestHeaderModifier, requestHeaderModifier: {set: [{name: X-Header-Set, value: ' +
  'set-overwrites-values}], add: [{name: X-Header-Add, value: header-val-1}, {name: X-Header-Add-Append, value: ' +
  'header-val-2}], remove: [X-Header-Remove]}}';
const MODS_SENT = { 'X-Header-Remove': 'remove-val', 'X-Header-Add-Append': 'append-val-1', 'X-Header-Set': 'set-val' };
const MODS_SEEN: Partial<Case> = {
  upstreamHeaders: {
    'X-Header-Add': 'header-val-1', 'X-Header-Add-Append': 'append-val-1,header-val-2',
    'X-Header-Set': 'set-overwrites-values',
  },
  upstreamAbsent: ['X-Header-Remove'],
};

describe('HTTPRouteRewriteHost', () => {
  it('URLRewrite hostname replaces Host upstream, also beside header modifiers', () => {
    const host = (h: string) => `{type: URLRewrite, urlRewrite: {hostname: ${h}}}`;
    const lab = labOf(route('rewrite-host', INFRA, [
      '  hostnames: [rewrite.example]', '  parentRefs: [{name: same-namespace}]', '  rules:',
      `  - matches: [{path: {type: PathPrefix, value: /one}}]\n    filters: [${host('one.example.org')}]`,
      '    backendRefs: [{name: infra-backend-v1, port: 8080}]',
      `  - filters: [${host('example.org')}]\n    backendRefs: [{name: infra-backend-v2, port: 8080}]`,
      '  - matches: [{path: {type: PathPrefix, value: /rewrite-host-and-modify-headers}}]',
      `    filters: [${host('test.example.org')}, ${HEADER_MODS}]`,
      '    backendRefs: [{name: infra-backend-v2, port: 8080}]'].join('\n')));
    expectAccepted(lab, 'same-namespace', ['rewrite-host']);
    const at = { host: 'rewrite.example' };
    expectCases(lab, 'same-namespace', [
      v1('/one', { ...at, upstreamPath: '/one', upstreamHost: 'one.example.org' }),
      v2('/two', { ...at, upstreamPath: '/two', upstreamHost: 'example.org' }),
      v2('/rewrite-host-and-modify-headers', {
        ...at, headers: { 'X-Header-Remove': 'remove-val', 'X-Header-Add-Append': 'append-val-1' },
        upstreamPath: '/rewrite-host-and-modify-headers', upstreamHost: 'test.example.org', ...MODS_SEEN,
      }),
    ]);
  });
});

describe('HTTPRouteRewritePath', () => {
  it('ReplacePrefixMatch (also to /) and ReplaceFullPath, also beside header modifiers', () => {
    const prefix = (p: string) =>
      `{type: URLRewrite, urlRewrite: {path: {type: ReplacePrefixMatch, replacePrefixMatch: ${p}}}}`;
    const full = (p: string) =>
      `{type: URLRewrite, urlRewrite: {path: {type: ReplaceFullPath, replaceFullPath: ${p}}}}`;
    const lab = labOf(prefixRoute('rewrite-path', 'same-namespace', [
      ['/prefix/one', prefix('/one'), 'infra-backend-v1'], ['/strip-prefix', prefix('/'), 'infra-backend-v1'],
      ['/full/one', full('/one'), 'infra-backend-v1'],
      ['/full/rewrite-path-and-modify-headers', `${full('/test')}, ${HEADER_MODS}`, 'infra-backend-v1'],
      ['/prefix/rewrite-path-and-modify-headers', `${prefix('/prefix')}, ${HEADER_MODS}`, 'infra-backend-v1'],
    ]));
    expectAccepted(lab, 'same-namespace', ['rewrite-path']);
    expectCases(lab, 'same-namespace', [
      v1('/prefix/one/two', { upstreamPath: '/one/two' }), v1('/strip-prefix/three', { upstreamPath: '/three' }),
      v1('/strip-prefix', { upstreamPath: '/' }), v1('/full/one/two', { upstreamPath: '/one' }),
      v1('/full/rewrite-path-and-modify-headers/test', { headers: MODS_SENT, upstreamPath: '/test', ...MODS_SEEN }),
      v1('/prefix/rewrite-path-and-modify-headers/one',
        { headers: MODS_SENT, upstreamPath: '/prefix/one', ...MODS_SEEN }),
    ]);
  });
});

/** `{type: <kind>, <field>: {set: [...], add: [...], remove: [...]}}` from name=value lists. */
function headerFilter(kind: 'RequestHeaderModifier' | 'ResponseHeaderModifier', set: string[], add: string[],
  remove: string[] = []): string {
  const pairs = (l: string[]) => `[${l.map((kv) =>
    `{name: ${kv.split('=')[0]}, value: ${kv.split('=')[1]}}`).join(', ')}]`;
  const field = kind === 'RequestHeaderModifier' ? 'requestHeaderModifier' : 'responseHeaderModifier';
  const parts = [...(set.length ? [`set: ${pairs(set)}`] : []), ...(add.length ? [`add: ${pairs(add)}`] : []),
    ...(remove.length ? [`remove: [${remove.join(', ')}]`] : [])];
  return `{type: ${kind}, ${field}: {${parts.join(', ')}}}`;
}

/** The rules both header-modifier tests share: /set, /add, /remove, /multiple, /case-insensitivity. */
function headerModifierRules(kind: 'RequestHeaderModifier' | 'ResponseHeaderModifier', caseAdds: string[]) {
  const f = (set: string[], add: string[], remove: string[] = []) => headerFilter(kind, set, add, remove);
  return [
    ['/set', f(['X-Header-Set=set-overwrites-values'], []), 'infra-backend-v1'],
    ['/add', f([], ['X-Header-Add=add-appends-values']), 'infra-backend-v1'],
    ['/remove', f([], [], ['X-Header-Remove']), 'infra-backend-v1'],
    ['/multiple', f(['X-Header-Set-1=header-set-1', 'X-Header-Set-2=header-set-2'],
      ['X-Header-Add-1=header-add-1', 'X-Header-Add-2=header-add-2', 'X-Header-Add-3=header-add-3'],
      ['X-Header-Remove-1', 'X-Header-Remove-2']), 'infra-backend-v1'],
    ['/case-insensitivity',
      f(['X-Header-Set=header-set'], ['X-Header-Add=header-add', ...caseAdds], ['X-Header-Remove']),
      'infra-backend-v1'],
  ] as [string, string, string][];
}

const MULTIPLE_IN = {
  'X-Header-Set-2': 'set-val-2', 'X-Header-Add-2': 'add-val-2', 'X-Header-Remove-2': 'remove-val-2',
  'Another-Header': 'another-header-val',
};
const MULTIPLE_OUT = {
  'X-Header-Set-1': 'header-set-1', 'X-Header-Set-2': 'header-set-2', 'X-Header-Add-1': 'header-add-1',
  'X-Header-Add-2': 'add-val-2,header-add-2', 'X-Header-Add-3': 'header-add-3', 'Another-Header': 'another-header-val',
};
const CASE_IN = {
  'x-header-set': 'original-val-set', 'x-header-add': 'original-val-add', 'x-header-remove': 'original-val-remove',
  'Another-Header': 'another-header-val',
};
const CASE_OUT = { 'X-Header-Set': 'header-set', 'X-Header-Add': 'original-val-add,header-add',
  'Another-Header': 'another-header-val' };

describe('HTTPRouteRequestHeaderModifier', () => {
  it('set, add, remove, several at once, names case-insensitive', () => {
    const lab = labOf(prefixRoute('request-header-modifier', 'same-namespace',
        headerModifierRules('RequestHeaderModifier', [])));
    expectAccepted(lab, 'same-namespace', ['request-header-modifier']);
    const up = (headers: Record<string, string>, upstreamHeaders: Record<string, string>, upstreamAbsent?: string[]) =>
      ({ headers, upstreamHeaders, ...(upstreamAbsent ? { upstreamAbsent } : {}) });
    const other = { 'Some-Other-Header': 'val' };
    expectCases(lab, 'same-namespace', [
      v1('/set', up(other, { ...other, 'X-Header-Set': 'set-overwrites-values' })),
      v1('/set',
        up({ ...other, 'X-Header-Set': 'some-other-value' }, { ...other, 'X-Header-Set': 'set-overwrites-values' })),
      v1('/add', up(other, { ...other, 'X-Header-Add': 'add-appends-values' })),
      v1('/add', up({ ...other, 'X-Header-Add': 'some-other-value' },
        { ...other, 'X-Header-Add': 'some-other-value,add-appends-values' })),
      v1('/remove', up({ 'X-Header-Remove': 'val' }, {}, ['X-Header-Remove'])),
      v1('/multiple', up(MULTIPLE_IN, MULTIPLE_OUT, ['X-Header-Remove-1', 'X-Header-Remove-2'])),
      v1('/case-insensitivity', up(CASE_IN, CASE_OUT, ['x-header-remove', 'X-Header-Remove'])),
    ]);
  });
});

describe('HTTPRouteResponseHeaderModifier', () => {
  it('set, add, remove on what the backend answers, names case-insensitive, beside a request modifier', () => {
    const caseAdds = ['x-lowercase-add=lowercase-add', 'x-Mixedcase-ADD-1=mixedcase-add-1',
      'X-mixeDcase-add-2=mixedcase-add-2', 'X-UPPERCASE-ADD=uppercase-add'];
    const both: [string, string, string] = ['/response-and-request-header-modifiers',
      `${headerFilter('ResponseHeaderModifier', ['X-Header-Set-1=header-set-1', 'X-Header-Set-2=header-set-2'],
        ['X-Header-Add-1=header-add-1', 'X-Header-Add-2=header-add-2'],
        ['X-Header-Remove-1', 'X-Header-Remove-2'])}, ` +
      HEADER_MODS.replace(/\bX-Header-(Set|Add|Add-Append|Remove)\b/g, 'X-Header-$1'), 'infra-backend-v1'];
    const lab = labOf(prefixRoute('response-header-modifier', 'same-namespace',
      [...headerModifierRules('ResponseHeaderModifier', caseAdds), both]));
    expectAccepted(lab, 'same-namespace', ['response-header-modifier']);
    const resp = (backendSet: Record<string, string>, responseHeaders: Record<string, string>,
      responseAbsent?: string[]) =>
      ({ backendSet, responseHeaders, ...(responseAbsent ? { responseAbsent } : {}) });
    const other = { 'Some-Other-Header': 'val' };
    expectCases(lab, 'same-namespace', [
      v1('/set', resp(other, { ...other, 'X-Header-Set': 'set-overwrites-values' })),
      v1('/set',
        resp({ ...other, 'X-Header-Set': 'some-other-value' }, { ...other, 'X-Header-Set': 'set-overwrites-values' })),
      v1('/add', resp(other, { ...other, 'X-Header-Add': 'add-appends-values' })),
      v1('/add', resp({ ...other, 'X-Header-Add': 'some-other-value' },
        { ...other, 'X-Header-Add': 'some-other-value,add-appends-values' })),
      v1('/remove', resp({ 'X-Header-Remove': 'val' }, {}, ['X-Header-Remove'])),
      v1('/multiple',
        resp({ ...MULTIPLE_IN, 'X-Header-Remove-1': 'val' }, MULTIPLE_OUT, ['X-Header-Remove-1', 'X-Header-Remove-2'])),
      v1('/case-insensitivity', resp(CASE_IN, { ...CASE_OUT, 'X-Lowercase-Add': 'lowercase-add',
        'X-Mixedcase-Add-1': 'mixedcase-add-1', 'X-Mixedcase-Add-2': 'mixedcase-add-2',
        'X-Uppercase-Add': 'uppercase-add' },
      ['x-header-remove', 'X-Header-Remove'])),
      v1('/response-and-request-header-modifiers', {
        headers: { 'X-Header-Remove': 'remove-val', 'X-Header-Add-Append': 'append-val-1', 'X-Header-Echo': 'echo' },
        upstreamHeaders: { ...MODS_SEEN.upstreamHeaders, 'X-Header-Echo': 'echo' }, upstreamAbsent: ['X-Header-Remove'],
        ...resp({ ...MULTIPLE_IN, 'X-Header-Remove-1': 'remove-val-1', 'X-Header-Echo': 'echo' }, {
          'X-Header-Set-1': 'header-set-1', 'X-Header-Set-2': 'header-set-2', 'X-Header-Add-1': 'header-add-1',
          'X-Header-Add-2': 'add-val-2,header-add-2', 'Another-Header': 'another-header-val', 'X-Header-Echo': 'echo',
        }, ['X-Header-Remove-1', 'X-Header-Remove-2']),
      }),
    ]);
  });
});

describe('HTTPRouteWeight', () => {
  it('500 requests split 70/30/0 within the suite tolerance (0.05), weight 0 gets none', () => {
    const lab = labOf(route('weighted-backends', INFRA, ['  parentRefs: [{name: same-namespace}]',
      '  rules:\n  - backendRefs:', '    - {name: infra-backend-v1, port: 8080, weight: 70}',
      '    - {name: infra-backend-v2, port: 8080, weight: 30}', '    - {name: infra-backend-v3, port: 8080, weight: 0}',
    ].join('\n')));
    expectAccepted(lab, 'same-namespace', ['weighted-backends']);
    const seen: Record<string, number> = {};
    const session = newTraceSession('weights');
    for (let i = 0; i < 500; i++) {
      const r = trace(lab, {
        from: { kind: 'external', address: '203.0.113.7' }, url: 'http://192.0.2.80/',
        connect: { kind: 'gateway', namespace: INFRA, name: 'same-namespace' },
      }, session, { recordHops: false });
      expect(r.status).toBe(200);
      const svc = r.services.at(-1)!.split('/')[1]!;
      seen[svc] = (seen[svc] ?? 0) + 1;
    }
    expect(Object.keys(seen).sort()).toEqual(['infra-backend-v1', 'infra-backend-v2']);
    expect(Math.abs(seen['infra-backend-v1']! / 500 - 0.7)).toBeLessThanOrEqual(0.05);
    expect(Math.abs(seen['infra-backend-v2']! / 500 - 0.3)).toBeLessThanOrEqual(0.05);
  });
});

// ---------------------------------------------------------------- RequestMirror

const mirrorFilter = (to: string, share = '') =>
  `{type: RequestMirror, requestMirror: {backendRef: {name: ${to}, namespace: ${INFRA}, port: 8080}${share}}}`;

/** A rule of the mirror tests: PathPrefix `path`, the filters given, infra-backend-v1 as its backend. */
const mirrorRule = (path: string, ...filters: string[]) =>
  `  - matches: [{path: {type: PathPrefix, value: ${path}}}]\n    filters: [${filters.join(', ')}]\n` +
  `    backendRefs: [{name: infra-backend-v1, port: 8080, namespace: ${INFRA}}]`;

const MIRROR_HEADERS = '{type: RequestHeaderModifier, requestHeaderModifier: {set: [{name: X-Header-Set, ' +
  'value: set-overwrites-values}], add: [{name: X-Header-Add, value: header-val-1}, {name: X-Header-Add-Append, ' +
  'value: header-val-2}], remove: [X-Header-Remove]}}';

/** http.ExpectMirroredRequest: which Services got a copy of one request (the mirror hop's sent copies). */
function mirroredTo(lab: Lab, c: Case, seed = 't'): string[] {
  const hop = send(lab, 'same-namespace', c, seed).hops.find((h) => h.explanation.key === 'hop.gateway.mirror');
  return [...String(hop?.explanation.params.copies ?? '').matchAll(/Service ([\w-]+)\/([\w-]+)/g)].map((m) => m[2]!);
}

/** The headers case of the mirror tests: the rule's RequestHeaderModifier applies to the request itself. */
const mirrorHeadersCase = (path: string) => v1(path, {
  headers: { 'X-Header-Remove': 'remove-val', 'X-Header-Add-Append': 'append-val-1' },
  upstreamHeaders: { 'X-Header-Add': 'header-val-1', 'X-Header-Add-Append': 'append-val-1,header-val-2',
    'X-Header-Set': 'set-overwrites-values' },
  upstreamAbsent: ['X-Header-Remove'],
});

describe('HTTPRouteRequestMirror', () => {
  it('infra-backend-v1 answers, infra-backend-v2 gets a copy, with and without header changes', () => {
    const lab = labOf(route('request-mirror', INFRA, ['  parentRefs: [{name: same-namespace}]', '  rules:',
      mirrorRule('/mirror', mirrorFilter('infra-backend-v2')),
      mirrorRule('/mirror-and-modify-headers', MIRROR_HEADERS, mirrorFilter('infra-backend-v2'))].join('\n')));
    expectAccepted(lab, 'same-namespace', ['request-mirror']);
    const cases = [v1('/mirror', { upstreamPath: '/mirror' }), mirrorHeadersCase('/mirror-and-modify-headers')];
    expectCases(lab, 'same-namespace', cases);
    expect(cases.map((c) => mirroredTo(lab, c))).toEqual([['infra-backend-v2'], ['infra-backend-v2']]);
  });
});

describe('HTTPRouteRequestMultipleMirrors', () => {
  it('infra-backend-v1 answers, infra-backend-v2 and -v3 each get a copy', () => {
    const lab = labOf(route('request-multiple-mirrors', INFRA, ['  parentRefs: [{name: same-namespace}]', '  rules:',
      mirrorRule('/multi-mirror', mirrorFilter('infra-backend-v2'), mirrorFilter('infra-backend-v3')),
      mirrorRule('/multi-mirror-and-modify-request-headers', MIRROR_HEADERS, mirrorFilter('infra-backend-v2'),
        mirrorFilter('infra-backend-v3'))].join('\n')));
    expectAccepted(lab, 'same-namespace', ['request-multiple-mirrors']);
    const cases = [v1('/multi-mirror', { upstreamPath: '/multi-mirror' }),
      mirrorHeadersCase('/multi-mirror-and-modify-request-headers')];
    expectCases(lab, 'same-namespace', cases);
    const both = ['infra-backend-v2', 'infra-backend-v3'];
    expect(cases.map((c) => mirroredTo(lab, c))).toEqual([both, both]);
  });
});

describe('HTTPRouteRequestPercentageMirror (provisional upstream)', () => {
  it('500 requests: copies within 3 standard deviations of 20 %, 25/50 and 35 %; v1 always answers', () => {
    const lab = labOf(route('request-percentage-mirror', INFRA, ['  parentRefs: [{name: same-namespace}]', '  rules:',
      mirrorRule('/percent-mirror', mirrorFilter('infra-backend-v2', ', percent: 20')),
      mirrorRule('/percent-mirror-fraction',
        mirrorFilter('infra-backend-v2', ', fraction: {numerator: 25, denominator: 50}')),
      mirrorRule('/percent-mirror-and-modify-headers', MIRROR_HEADERS,
        mirrorFilter('infra-backend-v2', ', percent: 35'))].join('\n')));
    expectAccepted(lab, 'same-namespace', ['request-percentage-mirror']);
    const cases: [Case, number][] = [[v1('/percent-mirror'), 20], [v1('/percent-mirror-fraction'), 50],
      [mirrorHeadersCase('/percent-mirror-and-modify-headers'), 35]];
    expectCases(lab, 'same-namespace', cases.map(([c]) => c));
    for (const [c, percent] of cases) {
      let copies = 0;
      for (let i = 0; i < 500; i++) copies += mirroredTo(lab, c, `pm${i}`).length;
      // testMirroredRequestsDistribution: the count is Binomial(500, p); the band is 3 standard deviations.
      const p = percent / 100;
      expect(Math.abs(copies - 500 * p), c.path).toBeLessThanOrEqual(3 * Math.sqrt(500 * p * (1 - p)));
    }
  });
});

// ---------------------------------------------------------------- CORS

/** One CORS ExpectedResponse: statuses allowed, header values allowed (whitespace ignored), headers absent. */
interface CorsCase {
  path: string;
  method: string;
  headers: Record<string, string>;
  status: number[];
  valid?: Record<string, string[]>;
  absent?: string[];
}

/** What departs from the case, in words (empty when the lab answers as the test requires). */
function corsMisses(lab: Lab, c: CorsCase): string[] {
  const r = send(lab, 'same-namespace', { path: c.path, method: c.method, headers: c.headers });
  const got = lower(r.responseHeaders);
  const bare = (v: string) => v.replace(/\s+/g, '');
  const misses = c.status.includes(r.status ?? 0) ? [] : [`${c.method} ${c.path}: status ${r.status}`];
  for (const [h, values] of Object.entries(c.valid ?? {})) {
    if (!values.some((v) => got[h] !== undefined && bare(v) === bare(got[h]!))) {
      misses.push(`${c.method} ${c.path} ${c.headers.Origin}: ${h} = ${got[h] ?? '(absent)'}`);
    }
  }
  for (const h of c.absent ?? []) {
    if (h.toLowerCase() in got) misses.push(`${c.method} ${c.path}: ${h} present`);
  }
  return misses;
}

const CORS_ROUTES = [
  ['cors-multiple-origins-methods-headers', '/cors-1', '{allowOrigins: ["https://www.foo.com", "https://*.bar.com"], ' +
    'allowMethods: [GET, OPTIONS], allowHeaders: [x-header-1, x-header-2], exposeHeaders: [x-header-3, x-header-4], ' +
    'allowCredentials: true, maxAge: 3600}'],
  ['cors-wildcard-methods', '/cors-2', '{allowOrigins: ["https://www.foo.com"], allowMethods: ["*"]}'],
  ['cors-wildcard-origin', '/cors-wildcard-origin',
    '{allowOrigins: ["*"], allowMethods: [PUT], allowCredentials: false}'],
].map(([name, path, cors]) => route(name!, INFRA, ['  parentRefs: [{name: same-namespace}]', '  rules:',
  `  - filters: [{type: CORS, cors: ${cors}}]`, `    matches: [{path: {type: PathPrefix, value: ${path}}}]`,
  '    backendRefs: [{name: infra-backend-v1, port: 8080}]'].join('\n'))).join('') +
  route('cors-wildcard-methods-headers', INFRA, ['  parentRefs: [{name: same-namespace}]', '  rules:',
    ...[['', 'true'], ['-unauth', 'false']].map(([tail, creds]) => [
      `  - filters: [{type: CORS, cors: {allowOrigins: ["*"], allowMethods: ["*"], allowHeaders: ["*"], ` +
      `allowCredentials: ${creds}}}]`,
      `    matches: [{path: {type: PathPrefix, value: /cors-wildcard-methods-headers${tail}}}]`,
      '    backendRefs: [{name: infra-backend-v1, port: 8080}]'].join('\n'))].join('\n'));

describe('HTTPRouteCORS', () => {
  const preflight = (origin: string, method: string, headers?: string) => ({ Origin: origin,
    'access-control-request-method': method, ...(headers ? { 'access-control-request-headers': headers } : {}) });
  const both = (a: string, b: string) => [`${a}, ${b}`, `${b}, ${a}`];
  const ACAO = 'access-control-allow-origin';
  const ACAM = 'access-control-allow-methods';
  const ACAH = 'access-control-allow-headers';
  const credentials = ['access-control-allow-credentials'];
  const cors1 = (origin: string) => ({ [ACAO]: [origin], [ACAM]: both('GET', 'OPTIONS'),
    [ACAH]: both('x-header-1', 'x-header-2'), 'access-control-expose-headers': both('x-header-3', 'x-header-4'),
    'access-control-max-age': ['3600'], [credentials[0]!]: ['true'] });
  const ok = [200, 204];
  const other = 'https://other.foo.com';
  const asked = preflight(other, 'PUT', 'x-header-1, x-header-2');
  const cases: CorsCase[] = [
    ...['https://www.foo.com', 'https://www.bar.com', 'https://xpto.www.bar.com'].map((o) => ({ path: '/cors-1',
      method: 'OPTIONS', headers: preflight(o, 'GET', 'x-header-1, x-header-2'), status: ok, valid: cors1(o) })),
    { path: '/cors-1', method: 'OPTIONS', headers: preflight('https://foobar.com', 'GET'), status: [200, 204, 403],
      absent: [ACAO] },
    ...['https://www.foo.com', 'https://www.bar.com'].map((o) => ({ path: '/cors-1', method: 'GET',
      headers: preflight(o, 'GET', 'x-header-1, x-header-2'), status: [200], valid: { [ACAO]: [o] } })),
    { path: '/cors-1', method: 'GET', headers: preflight('https://foobar.com', 'GET'), status: [200], absent: [ACAO] },
    { path: '/cors-2', method: 'OPTIONS', headers: preflight('https://www.foo.com', 'POST'), status: ok,
      valid: { [ACAM]: ['POST', '*'], [ACAO]: ['https://www.foo.com'] }, absent: credentials },
    ...['https://foobar.com', 'https://foobar.com:12345'].map((o) => ({ path: '/cors-wildcard-origin',
      method: 'OPTIONS', headers: preflight(o, 'PUT'), status: ok, absent: credentials,
      valid: { [ACAO]: [o, '*'], [ACAM]: ['PUT'] } })),
    ...['https://foobar.com:12345', 'https://foobar.com'].map((o) => ({ path: '/cors-wildcard-origin', method: 'PUT',
      headers: { Origin: o }, status: [200], valid: { [ACAO]: [o, '*'] }, absent: credentials })),
    { path: '/cors-wildcard-methods-headers', method: 'OPTIONS', status: ok, headers: asked,
      valid: { [ACAO]: [other], [ACAM]: ['PUT'], [ACAH]: both('x-header-1', 'x-header-2'),
        [credentials[0]!]: ['true'] } },
    { path: '/cors-wildcard-methods-headers-unauth', method: 'OPTIONS', status: ok, absent: credentials, headers: asked,
      valid: { [ACAO]: [other, '*'], [ACAM]: ['PUT', '*'], [ACAH]: [...both('x-header-1', 'x-header-2'), '*'] } },
    { path: '/cors-wildcard-methods-headers', method: 'GET', headers: { Origin: other }, status: [200],
      valid: { [ACAO]: [other], [credentials[0]!]: ['true'] } },
    { path: '/cors-wildcard-methods-headers-unauth', method: 'GET', headers: { Origin: other }, status: [200],
      valid: { [ACAO]: [other, '*'] }, absent: credentials },
  ];
  it('preflights answered by the Gateway, origins echoed when allowed, credentials only when set', () => {
    const lab = labOf(CORS_ROUTES);
    expectAccepted(lab, 'same-namespace', ['cors-multiple-origins-methods-headers', 'cors-wildcard-methods',
      'cors-wildcard-origin', 'cors-wildcard-methods-headers']);
    expect(cases.flatMap((c) => corsMisses(lab, c))).toEqual([]);
  });
});

describe('HTTPRouteNoBackendRefs (httproute-omitted-backendrefs)', () => {
  it('a rule with backendRefs omitted or empty answers 500 and stays ResolvedRefs=True', () => {
    const lab = labOf(route('omitted-backendrefs', INFRA, ['  parentRefs: [{name: same-namespace}]', '  rules:',
      '  - matches: [{path: {type: Exact, value: /omitted-no-forward}}]',
      '  - matches: [{path: {type: Exact, value: /empty-no-forward}}]\n    backendRefs: []',
      rule('{path: {type: PathPrefix, value: /}}', 'infra-backend-v1')].join('\n')));
    expectAccepted(lab, 'same-namespace', ['omitted-backendrefs']);
    expectCases(lab, 'same-namespace', [
      v1('/forward'), { path: '/omitted-no-forward', status: 500 }, { path: '/empty-no-forward', status: 500 },
    ]);
  });
});

/** GatewayAndHTTPRoutesMustBeAccepted, then HTTPRouteMustHaveCondition(ResolvedRefs) and a 500. */
function expectBadBackend(name: string, backendRef: string, reason: string, path = '/') {
  const lab = labOf(route(name, INFRA,
      `  parentRefs: [{name: same-namespace}]\n  rules: [{backendRefs: [${backendRef}]}]`));
  expect(parentConditions(lab, name)).toEqual([['Accepted=True/Accepted', `ResolvedRefs=False/${reason}`]]);
  expectCases(lab, 'same-namespace', [{ path, status: 500 }]);
}

describe('HTTPRouteInvalidNonExistentBackendRef', () => {
  it('ResolvedRefs=False/BackendNotFound, requests get 500', () => {
    expectBadBackend('invalid-nonexistent-backend-ref', `{name: nonexistent, namespace: ${INFRA}, port: 8080}`,
      'BackendNotFound');
  });
});

describe('HTTPRouteInvalidBackendRefUnknownKind', () => {
  it('ResolvedRefs=False/InvalidKind, requests get 500', () => {
    expectBadBackend('invalid-backend-ref-unknown-kind',
      '{group: unknownkind.example.com, kind: NonExistent, name: infra-backend-v1, port: 8080}', 'InvalidKind', '/v2');
  });
});

describe('HTTPRouteInvalidCrossNamespaceBackendRef', () => {
  it('ResolvedRefs=False/RefNotPermitted without a ReferenceGrant, requests get 500', () => {
    expectBadBackend('invalid-cross-namespace-backend-ref', `{name: web-backend, namespace: ${WEB}, port: 8080}`,
      'RefNotPermitted');
  });
});

function grant(name: string, ns: string, from: string, to: string): string {
  return 'apiVersion: gateway.networking.k8s.io/v1beta1\nkind: ReferenceGrant\n' +
    `metadata: {name: ${name}, namespace: ${ns}}\n` +
    `spec:\n  from: [${from}]\n  to: [${to}]\n---\n`;
}
const FROM_ROUTES = `{group: gateway.networking.k8s.io, kind: HTTPRoute, namespace: ${INFRA}}`;
const TO_WEB = '{group: "", kind: Service, name: web-backend}';
const WEB_ROUTE = route('reference-grant', INFRA, '  parentRefs: [{name: same-namespace}]\n' +
  `  rules: [{backendRefs: [{name: web-backend, namespace: ${WEB}, port: 8080}]}]`);

describe('HTTPRouteReferenceGrant', () => {
  it('a grant for the Service lets the route reach it; deleting the grant brings back 500', () => {
    const lab = labOf(grant('reference-grant', WEB, FROM_ROUTES, TO_WEB) + WEB_ROUTE);
    expectAccepted(lab, 'same-namespace', ['reference-grant']);
    expectCases(lab, 'same-namespace', [{ path: '/', backend: 'web-backend', ns: WEB }]);
    const after = updateLab(lab,
      { kind: 'delete', ref: { kind: 'ReferenceGrant', namespace: WEB, name: 'reference-grant' } });
    expect(after.problems).toEqual([]);
    expectCases(after, 'same-namespace', [{ path: '/', status: 500 }]);
    expect(parentConditions(after,
        'reference-grant')).toEqual([['Accepted=True/Accepted', 'ResolvedRefs=False/RefNotPermitted']]);
  });
});

describe('HTTPRouteInvalidReferenceGrant', () => {
  it('grants in the wrong namespace or for the wrong from/to group, kind, namespace or name allow nothing', () => {
    const from = (group: string, kind: string, ns: string) => `{group: ${group}, kind: ${kind}, namespace: ${ns}}`;
    const GW = 'gateway.networking.k8s.io';
    const lab = labOf(grant('reference-grant-wrong-namespace', INFRA, FROM_ROUTES, TO_WEB) +
      grant('reference-grant-wrong-from-group', WEB, from('not-the-group-youre-looking-for', 'HTTPRoute', INFRA),
        TO_WEB) +
      grant('reference-grant-wrong-from-kind', WEB, from(GW, 'Gateway', INFRA), TO_WEB) +
      grant('reference-grant-wrong-from-namespace', WEB, from(GW, 'HTTPRoute', 'not-the-namespace-youre-looking-for'),
        TO_WEB) +
      grant('reference-grant-wrong-to-group', WEB, FROM_ROUTES,
        '{group: not-the-group-youre-looking-for, kind: Service, name: web-backend}') +
      grant('reference-grant-wrong-to-kind', WEB, FROM_ROUTES, '{group: "", kind: Secret, name: web-backend}') +
      grant('reference-grant-wrong-to-name', WEB, FROM_ROUTES,
        '{group: "", kind: Secret, name: not-the-service-youre-looking-for}') + WEB_ROUTE);
    expect(parentConditions(lab,
        'reference-grant')).toEqual([['Accepted=True/Accepted', 'ResolvedRefs=False/RefNotPermitted']]);
    expectCases(lab, 'same-namespace', [{ path: '/', status: 500 }]);
  });
});

describe('HTTPRoutePartiallyInvalidViaInvalidReferenceGrant', () => {
  it('the rule whose backend has no grant answers 500, its sibling with a grant answers 200', () => {
    const lab = labOf(grant('invalid-reference-grant', APP, FROM_ROUTES,
        '{group: "", kind: Service, name: app-backend-v1}') +
      route('invalid-reference-grant', INFRA, ['  parentRefs: [{name: same-namespace}]', '  rules:',
        '  - matches: [{path: {type: PathPrefix, value: /v2}}]',
        `    backendRefs: [{name: app-backend-v2, namespace: ${APP}, port: 8080}]`,
        `  - backendRefs: [{name: app-backend-v1, namespace: ${APP}, port: 8080}]`].join('\n')));
    expect(parentConditions(lab, 'invalid-reference-grant'))
      .toEqual([['Accepted=True/Accepted', 'ResolvedRefs=False/RefNotPermitted']]);
    expectCases(lab, 'same-namespace',
      [{ path: '/v2', status: 500 }, { path: '/', backend: 'app-backend-v1', ns: APP }]);
  });
});

/** HTTPRouteMustHaveCondition(Accepted=False/<reason>), ResolvedRefs True, no accepted parent,
0 routes on the Gateway. */
function expectNotAttached(lab: Lab, name: string, ns: string, gw: string, reason: string): void {
  expect(parentConditions(lab, name, ns)).toEqual([[`Accepted=False/${reason}`, 'ResolvedRefs=True/ResolvedRefs']]);
  expect((gatewayOf(lab, gw).status?.listeners ?? []).map((l) => l.attachedRoutes)).toEqual(
    (gatewayOf(lab, gw).status?.listeners ?? []).map(() => 0));
}

describe('HTTPRouteInvalidCrossNamespaceParentRef', () => {
  it('a route from a namespace the listener does not allow: NotAllowedByListeners', () => {
    const lab = labOf(route('invalid-cross-namespace-parent-ref', WEB,
        `  parentRefs: [{name: same-namespace, namespace: ${INFRA}}]` +
      '\n  rules: [{backendRefs: [{name: web-backend, port: 8080}]}]'));
    expectNotAttached(lab, 'invalid-cross-namespace-parent-ref', WEB, 'same-namespace', 'NotAllowedByListeners');
  });
});

describe('HTTPRouteInvalidParentRefNotMatchingListenerPort, -NotMatchingSectionName, -SectionNameNotMatchingPort',
  () => {
  const gw = 'gateway-with-one-not-matching-port-and-section-name-route';
  const lab = labOf(`${gatewayHead(gw)}
spec:
  gatewayClassName: nginx
  listeners: [{name: http, port: 80, protocol: HTTP,
      allowedRoutes: {kinds: [{kind: HTTPRoute}], namespaces: {from: All}}}]
---
` + simpleRoute('httproute-listener-not-matching-route-port', `{name: same-namespace, namespace: ${INFRA}, port: 81}`,
    null, 'infra-backend-v1') +
    simpleRoute('httproute-listener-not-matching-section-name',
      `{name: same-namespace, namespace: ${INFRA}, port: 80, sectionName: http1}`, null, 'infra-backend-v1') +
    simpleRoute('httproute-listener-section-name-not-matching-port',
      `{name: ${gw}, namespace: ${INFRA}, sectionName: http, port: 81}`, null, 'infra-backend-v1'));
  it.each([
    ['httproute-listener-not-matching-route-port', 'same-namespace'],
    ['httproute-listener-not-matching-section-name', 'same-namespace'],
    ['httproute-listener-section-name-not-matching-port', gw],
  ])('%s: Accepted=False/NoMatchingParent, nothing attached', (name, parent) => {
    expectNotAttached(lab, name, INFRA, parent, 'NoMatchingParent');
  });
});

describe('HTTPRouteDisallowedKind', () => {
  it('a listener allowing only TLSRoute does not take an HTTPRoute: NotAllowedByListeners', () => {
    const lab = labOf(`${gatewayHead('tlsroutes-only')}
spec:
  gatewayClassName: nginx
  listeners:
  - {name: tls, port: 443, protocol: TLS, tls: {mode: Passthrough},
    allowedRoutes: {namespaces: {from: Same}, kinds: [{kind: TLSRoute}]}}
---
` + simpleRoute('disallowed-kind', `{name: tlsroutes-only, namespace: ${INFRA}}`, null, 'infra-backend-v1'));
    expectNotAttached(lab, 'disallowed-kind', INFRA, 'tlsroutes-only', 'NotAllowedByListeners');
  });
});

describe('HTTPRouteMultipleGateways', () => {
  it('a route shared by two Gateways serves on both beside each one\'s dedicated route', () => {
    const lab = labOf(simpleRoute('multiple-gateways-shared-route', '{name: same-namespace}, {name: all-namespaces}',
        null,
      'infra-backend-v1', '/shared') +
      simpleRoute('same-namespace-dedicated-route', '{name: same-namespace}', null, 'infra-backend-v2', '/') +
      simpleRoute('all-namespaces-dedicated-route', '{name: all-namespaces}', null, 'infra-backend-v3', '/'));
    expectAccepted(lab, 'same-namespace', ['multiple-gateways-shared-route', 'same-namespace-dedicated-route']);
    expectAccepted(lab, 'all-namespaces', ['multiple-gateways-shared-route', 'all-namespaces-dedicated-route']);
    expectCases(lab, 'same-namespace', [v1('/shared'), v2('/')]);
    expectCases(lab, 'all-namespaces', [v1('/shared'), v3('/')]);
  });
});

describe('HTTPRouteListenerPortMatching', () => {
  it('parentRef port picks the listeners on that port; with sectionName only that listener', () => {
    const GW = 'httproute-listener-port-matching';
    const ls = [['listener-1', 80, 'foo.com'], ['listener-2', 8080, 'foo.com'], ['listener-3', 8080, 'bar.com'],
      ['listener-4', 8090, 'foo.com'], ['listener-5', 8090, 'bar.com']].map(([n, port, host]) =>
      `  - {name: ${n}, port: ${port}, protocol: HTTP, allowedRoutes: {namespaces: {from: Same}}, hostname: ${host}}`);
    const p = (port: number, section = '') => `{name: ${GW}, namespace: ${INFRA}, port: ${port}${section}}`;
    const lab = labOf([gatewayHead(GW),
      'spec:\n  gatewayClassName: nginx\n  listeners:', ...ls, '---\n'].join('\n') +
      simpleRoute('backend-v1', p(80), null, 'infra-backend-v1') +
        simpleRoute('backend-v2', p(8080), null, 'infra-backend-v2') +
      simpleRoute('backend-v3', p(8090, ', sectionName: listener-4'), null, 'infra-backend-v3'));
    expectAccepted(lab, GW, ['backend-v1', 'backend-v2', 'backend-v3']);
    expectCases(lab, GW, [
      v1('/', { host: 'foo.com' }), v2('/', { host: 'foo.com:8080', port: 8080 }),
      v2('/', { host: 'bar.com:8080', port: 8080 }),
      v3('/', { host: 'foo.com:8090', port: 8090 }), notFound('/', { host: 'bar.com:8090', port: 8090 }),
    ]);
  });
});

describe('HTTPRouteServiceTypes', () => {
  it('headless, selector-less with hand-made EndpointSlices, and both: 200 from the pods named in the slices', () => {
    const svc = (name: string, headless: boolean, selector: boolean) => `apiVersion: v1\nkind: Service\n` +
      `metadata: {name: ${name}, namespace: ${INFRA}}\nspec:\n${headless ? '  clusterIP: None\n' : ''}` +
      `${selector ? '  selector: {app: infra-backend-v1}\n' : ''}` +
      '  ports: [{name: first-port, protocol: TCP, port: 8080, targetPort: 3000}]\n---\n';
    const lab = labOf(route('service-types', INFRA, ['  parentRefs: [{name: same-namespace}]', '  rules:',
      ...['manual-endpointslices', 'headless', 'headless-manual-endpointslices'].map((n) =>
        rule(`{path: {type: Exact, value: /${n}}}`, n))].join('\n')) +
      svc('manual-endpointslices', false, false) + svc('headless', true, true) +
      svc('headless-manual-endpointslices', true, false));
    const pod = lab.cluster.pods.find((p) => p.metadata.labels?.app === 'infra-backend-v1')!;
    let patched: Lab = lab;
    for (const name of ['manual-endpointslices', 'headless-manual-endpointslices']) {
      // setupEndpointSlices: the IPv4 slice gets the infra-backend-v1 pods (the IPv6 one stays empty: no IPv6 pods).
      const slice = {
        apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice',
        metadata: { name: `${name}-ip4`, namespace: INFRA, labels: { 'kubernetes.io/service-name': name } },
        addressType: 'IPv4', ports: [{ name: 'first-port', port: 3000, protocol: 'TCP' }],
        endpoints: [{
          addresses: [pod.status!.podIP!], conditions: { ready: true, serving: true, terminating: false },
          nodeName: pod.spec.nodeName, targetRef: { kind: 'Pod', name: pod.metadata.name, namespace: INFRA },
        }],
      } as unknown as KubeObject;
      patched = updateLab(patched, { kind: 'apply', object: slice });
    }
    expect(patched.problems).toEqual([]);
    expectAccepted(patched, 'same-namespace', ['service-types']);
    expectCases(patched, 'same-namespace', ['/manual-endpointslices', '/headless-manual-endpointslices', '/headless']
      .map((p) => ({ path: p, status: 200 })));
    for (const p of ['/manual-endpointslices', '/headless-manual-endpointslices', '/headless']) {
      expect(send(patched, 'same-namespace', { path: p }).backendPod).toBe(`${INFRA}/${pod.metadata.name}`);
    }
  });
});

/** Every condition of the object (its own, its listeners', its parents') observed its current generation. */
function generations(o: Gateway | HTTPRoute): { generation: unknown; observed: number[] } {
  const conds = 'listeners' in o.spec
    ? [...((o as Gateway).status?.conditions ?? []), ...((o as Gateway).status?.listeners ?? []).flatMap((l) =>
      l.conditions)]
    : ((o as HTTPRoute).status?.parents ?? []).flatMap((p) => p.conditions);
  return { generation: o.metadata.generation, observed: [...new Set(conds.map((c) => c.observedGeneration ?? -1))] };
}

describe('HTTPRouteObservedGenerationBump', () => {
  it('a spec change bumps the generation and every parent condition observes it', () => {
    const lab = labOf(simpleRoute('observed-generation-bump', '{name: same-namespace}', null, 'infra-backend-v1'));
    expect(generations(routeOf(lab, 'observed-generation-bump'))).toEqual({ generation: 1, observed: [1] });
    const r = routeOf(lab, 'observed-generation-bump');
    const rule0 = { ...r.spec.rules![0]!, backendRefs: [{ name: 'infra-backend-v2', port: 8080 }] };
    const mutated = { ...r, status: undefined, spec: { ...r.spec, rules: [rule0] } } as HTTPRoute;
    const after = updateLab(lab, { kind: 'apply', object: mutated });
    expect(parentConditions(after, 'observed-generation-bump')).toEqual([ACCEPTED_RESOLVED]);
    expect(generations(routeOf(after, 'observed-generation-bump'))).toEqual({ generation: 2, observed: [2] });
    expectCases(after, 'same-namespace', [v2('/')]);
  });
});

const listener = (name: string, port: number, host: string, protocol = 'HTTP', tls = '') =>
  `{name: ${name}, port: ${port}, protocol: ${protocol}, hostname: "${host}", ` +
  `allowedRoutes: {namespaces: {from: All}}${tls}}`;

/** The Gateway `name` with `listeners` replaced, applied as a spec change. */
function withListeners(lab: Lab, name: string, listeners: unknown[]) {
  const gw = gatewayOf(lab, name);
  return updateLab(lab,
    { kind: 'apply', object: { ...gw, status: undefined, spec: { ...gw.spec, listeners } } as Gateway });
}

describe('GatewayObservedGenerationBump', () => {
  it('adding a listener bumps the generation; the Gateway and listener conditions observe it', () => {
    const GW = 'gateway-observed-generation-bump';
    const lab = labOf(`${gatewayHead(GW)}\n` +
      `spec:\n  gatewayClassName: nginx\n  listeners: [${listener('http', 80, 'bar.com')}]\n---\n`);
    expect(generations(gatewayOf(lab, GW))).toEqual({ generation: 1, observed: [1] });
    const ls = gatewayOf(lab, GW).spec.listeners!;
    const after = withListeners(lab, GW, [...ls, { name: 'alternate', hostname: 'foo.com', port: 80, protocol: 'HTTP',
      allowedRoutes: { namespaces: { from: 'All' } } }]);
    expect(generations(gatewayOf(after, GW))).toEqual({ generation: 2, observed: [2] });
  });
});

const TLS_REF = ', tls: {certificateRefs: [{group: "", kind: Secret, name: tls-validity-checks-certificate, ' +
  `namespace: ${INFRA}}]}`;

describe('GatewayModifyListeners', () => {
  const secret = tlsSecret('tls-validity-checks-certificate', INFRA);
  const gw = (name: string, ls: string[]) => `${secret}apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\n` +
    `metadata: {name: ${name}, namespace: ${INFRA}}\nspec:\n  gatewayClassName: nginx\n` +
    `  listeners: [${ls.join(', ')}]\n---\n`;
  const https = listener('https', 443, 'secure.test.com', 'HTTPS', TLS_REF);
  const k = 'kinds=gateway.networking.k8s.io/HTTPRoute Accepted=True ResolvedRefs=True';
  it('an added listener gets the route attached and serves it', () => {
    const lab = labOf(gw('gateway-add-listener', [https]) +
      simpleRoute('http-route-1', `{kind: Gateway, name: gateway-add-listener, namespace: ${INFRA}}`, null,
        'infra-backend-v1'));
    const ls = gatewayOf(lab, 'gateway-add-listener').spec.listeners!;
    const after = withListeners(lab, 'gateway-add-listener', [...ls, { name: 'http', port: 80, protocol: 'HTTP',
      hostname: 'data.test.com', allowedRoutes: { namespaces: { from: 'All' } } }]);
    expect(listenerSummary(after, 'gateway-add-listener')).toEqual([`https attached=1 ${k}`, `http attached=1 ${k}`]);
    expect(generations(gatewayOf(after, 'gateway-add-listener'))).toEqual({ generation: 2, observed: [2] });
    expectCases(after, 'gateway-add-listener', [v1('/', { host: 'data.test.com' })]);
  });
  it('a removed listener stops serving', () => {
    const lab = labOf(gw('gateway-remove-listener', [https, '{name: http, port: 80, protocol: HTTP, allowedRoutes: ' +
      '{namespaces: {from: All}}}']) + simpleRoute('http-route-2', `{kind: Gateway, name: gateway-remove-listener, ` +
      `namespace: ${INFRA}}`, null, 'infra-backend-v1'));
    expectCases(lab, 'gateway-remove-listener', [v1('/', { host: 'secure.test.com', scheme: 'https' })]);
    const ls = gatewayOf(lab, 'gateway-remove-listener').spec.listeners!;
    const after = withListeners(lab, 'gateway-remove-listener', ls.filter((l) => l.name === 'http'));
    expect(listenerSummary(after, 'gateway-remove-listener')).toEqual([`http attached=1 ${k}`]);
    expect(generations(gatewayOf(after, 'gateway-remove-listener'))).toEqual({ generation: 2, observed: [2] });
    const gone = send(after, 'gateway-remove-listener',
      { path: '/', host: 'secure.test.com', scheme: 'https', port: 443 });
    expect([gone.status, gone.backendPod]).not.toEqual([200, expect.anything()]);
  });
});

/** A Gateway with one listener given as flow YAML. */
const oneListener = (name: string, l: string) =>
  `${gatewayHead(name)}\nspec:\n  gatewayClassName: nginx\n  listeners: [${l}]\n---\n`;

/** GatewayStatusMustHaveListeners: name, supportedKinds, attachedRoutes and the conditions asked for. */
function listenerStatus(lab: Lab, gw: string, types: string[]): string[] {
  return (gatewayOf(lab, gw).status?.listeners ?? []).map((l) => [
    l.name, `attached=${l.attachedRoutes}`, `kinds=${l.supportedKinds.map((k) => k.kind).join(',')}`,
    ...types.map((t) => {
      const c = l.conditions.find((x) => x.type === t);
      return `${t}=${c?.status}/${c?.reason}`;
    }),
  ].join(' '));
}

describe('GatewayWithAttachedRoutes, GatewayWithAttachedRoutesWithPort8080', () => {
  const sel = `allowedRoutes: {kinds: [{kind: HTTPRoute}], namespaces: {from: Selector, selector: {matchLabels: ` +
    `{kubernetes.io/metadata.name: ${INFRA}}}}}`;
  const ref = (gw: string, section = '') => `{kind: Gateway, name: ${gw}, namespace: ${INFRA}${section}}`;
  const lab = labOf(oneListener('gateway-with-one-attached-route', `{name: http, port: 80, protocol: HTTP, ${sel}}`) +
    oneListener('gateway-with-two-attached-routes',
      `{name: http, port: 80, protocol: HTTP, hostname: foo.example.com, ${sel}}`) +
    oneListener('unresolved-gateway-with-one-attached-unresolved-route', '{name: tls, port: 443, protocol: HTTPS, ' +
      `${sel}, tls: {certificateRefs: [{group: "", kind: Secret, name: does-not-exist}], mode: Terminate}}`) +
    simpleRoute('http-route-1', ref('gateway-with-one-attached-route'), null, 'infra-backend-v1') +
    simpleRoute('http-route-2', ref('gateway-with-two-attached-routes'), null, 'infra-backend-v1') +
    simpleRoute('http-route-3', ref('gateway-with-two-attached-routes'), null, 'infra-backend-v1') +
    simpleRoute('http-route-not-accepted', ref('gateway-with-two-attached-routes'), '"not-accepted.test.com"',
      'infra-backend-v1') +
    route('http-route-4', INFRA, `  parentRefs: [${ref('unresolved-gateway-with-one-attached-unresolved-route',
      ', sectionName: tls')}]\n  rules: [{backendRefs: [{name: does-not-exist, port: 8080}]}]`) +
    `${gatewayHead('gateway-with-two-listeners-and-one-attached-route')}\n` +
    'spec:\n  gatewayClassName: nginx\n  listeners:\n' +
    '  - {name: http-unattached, port: 8080, protocol: HTTP, allowedRoutes: {kinds: [{kind: HTTPRoute}], ' +
    'namespaces: {from: All}}}\n' +
    '  - {name: http, port: 80, protocol: HTTP, allowedRoutes: {kinds: [{kind: HTTPRoute}], ' +
    'namespaces: {from: All}}}\n---\n' +
    simpleRoute('http-route-4-port-8080',
      ref('gateway-with-two-listeners-and-one-attached-route', ', sectionName: http'),
      null, 'infra-backend-v1'));
  const ok = ['Accepted=True/Accepted', 'ResolvedRefs=True/ResolvedRefs'].join(' ');
  it('attachedRoutes counts the accepted routes of each listener', () => {
    expect(listenerStatus(lab, 'gateway-with-one-attached-route', ['Accepted', 'ResolvedRefs']))
      .toEqual([`http attached=1 kinds=HTTPRoute ${ok}`]);
    expect(listenerStatus(lab, 'gateway-with-two-attached-routes', ['Accepted', 'ResolvedRefs']))
      .toEqual([`http attached=2 kinds=HTTPRoute ${ok}`]);
    expect(parentConditions(lab, 'http-route-not-accepted')[0]).toContain('Accepted=False/NoMatchingListenerHostname');
    expect(listenerStatus(lab, 'gateway-with-two-listeners-and-one-attached-route', ['Accepted', 'ResolvedRefs']))
      .toEqual([`http-unattached attached=0 kinds=HTTPRoute ${ok}`, `http attached=1 kinds=HTTPRoute ${ok}`]);
  });
  it('a listener with an unresolved certificate still counts its route; the route has ResolvedRefs=False', () => {
    const [l] = listenerStatus(lab, 'unresolved-gateway-with-one-attached-unresolved-route',
      ['Programmed', 'ResolvedRefs']);
    expect(l).toMatch(/^tls attached=1 kinds=HTTPRoute Programmed=False\/\S+ /);
    expect(l).toMatch(/ ResolvedRefs=False\/InvalidCertificateRef$/);
    expect(parentConditions(lab, 'http-route-4')[0]).toContain('ResolvedRefs=False/BackendNotFound');
  });
});

describe('GatewayInvalidRouteKind', () => {
  it('ResolvedRefs=False/InvalidRouteKinds; supportedKinds keeps only HTTPRoute', () => {
    const l = (kinds: string) => `{name: http, port: 80, protocol: HTTP, allowedRoutes: {namespaces: {from: All}, ` +
      `kinds: [${kinds}]}}`;
    const lab = labOf(oneListener('gateway-only-invalid-route-kind', l('{kind: InvalidRoute}')) +
      oneListener('gateway-supported-and-invalid-route-kind', l('{kind: InvalidRoute}, {kind: HTTPRoute}')));
    expect(listenerStatus(lab, 'gateway-only-invalid-route-kind', ['ResolvedRefs']))
      .toEqual(['http attached=0 kinds= ResolvedRefs=False/InvalidRouteKinds']);
    expect(listenerStatus(lab, 'gateway-supported-and-invalid-route-kind', ['ResolvedRefs']))
      .toEqual(['http attached=0 kinds=HTTPRoute ResolvedRefs=False/InvalidRouteKinds']);
  });
});

const httpsTo = (ref: string) =>
  `{name: https, port: 443, protocol: HTTPS, allowedRoutes: {namespaces: {from: All}}, ` +
  `tls: {certificateRefs: [${ref}]}}`;

describe('GatewayInvalidTLSConfiguration', () => {
  it.each([
    ['gateway-certificate-nonexistent-secret', '{group: "", kind: Secret, name: nonexistent-certificate}'],
    ['gateway-certificate-unsupported-group',
      '{group: wrong.group.company.io, kind: Secret, name: tls-validity-checks-certificate}'],
    ['gateway-certificate-unsupported-kind', '{group: "", kind: WrongKind, name: tls-validity-checks-certificate}'],
    ['gateway-certificate-malformed-secret', '{group: "", kind: Secret, name: malformed-certificate}'],
  ])('%s: ResolvedRefs=False/InvalidCertificateRef', (gw, ref) => {
    const lab = labOf(tlsSecret('tls-validity-checks-certificate', INFRA) + oneListener(gw, httpsTo(ref)) +
      `apiVersion: v1\nkind: Secret\nmetadata: {name: malformed-certificate, namespace: ${INFRA}}\n` +
      'data: {tls.crt: SGVsbG8gd29ybGQK, tls.key: SGVsbG8gd29ybGQK}\ntype: kubernetes.io/tls\n---\n');
    expect(listenerStatus(lab, gw, ['ResolvedRefs', 'Accepted'])).toEqual([
      'https attached=0 kinds=HTTPRoute ResolvedRefs=False/InvalidCertificateRef Accepted=False/InvalidCertificateRef',
    ]);
  });
});

describe('GatewaySecretMissingReferenceGrant, -InvalidReferenceGrant, -ReferenceGrantAllInNamespace, -Specific', () => {
  const cert = `{group: "", kind: Secret, name: certificate, namespace: ${WEB}}`;
  const fromGw = (group = 'gateway.networking.k8s.io', kind = 'Gateway', ns = INFRA) =>
    `{group: ${group}, kind: ${kind}, namespace: ${ns}}`;
  const lab = (grants: string) => labOf(tlsSecret('certificate', WEB) + oneListener('gw', httpsTo(cert)) + grants);
  const denied = ['https attached=0 kinds=HTTPRoute ResolvedRefs=False/RefNotPermitted'];
  const allowed = ['https attached=0 kinds=HTTPRoute ResolvedRefs=True/ResolvedRefs Programmed=True/Programmed'];
  it('no grant, or only grants that do not match: RefNotPermitted', () => {
    expect(listenerStatus(lab(''), 'gw', ['ResolvedRefs'])).toEqual(denied);
    const wrong = grant('reference-grant-wrong-namespace', APP, fromGw(),
      '{group: "", kind: Secret, name: certificate}') +
      grant('wrong-from-group', WEB, fromGw('not-the-group-youre-looking-for'),
        '{group: "", kind: Secret, name: certificate}') +
      grant('wrong-from-kind', WEB, fromGw(undefined, 'HTTPRoute'), '{group: "", kind: Secret, name: certificate}') +
      grant('wrong-from-namespace', WEB, fromGw(undefined, undefined, 'not-the-namespace-youre-looking-for'),
        '{group: "", kind: Secret, name: certificate}') +
      grant('wrong-to-group', WEB, fromGw(), '{group: not-the-group-youre-looking-for, kind: Secret, ' +
        'name: not-the-certificate-youre-looking-for}') +
      grant('wrong-to-kind', WEB, fromGw(), '{group: "", kind: Service, name: certificate}') +
      grant('wrong-to-name', WEB, fromGw(), '{group: "", kind: Secret, name: not-the-certificate-youre-looking-for}');
    expect(listenerStatus(lab(wrong), 'gw', ['ResolvedRefs'])).toEqual(denied);
  });
  it('a grant for every Secret of the namespace, or for this one: resolved and programmed', () => {
    const all = grant('reference-grant-all-in-namespace', WEB, fromGw(), '{group: "", kind: Secret}');
    const one = grant('reference-grant-specific', WEB, fromGw(), '{group: "", kind: Secret, name: certificate}');
    expect(listenerStatus(lab(all), 'gw', ['ResolvedRefs', 'Programmed'])).toEqual(allowed);
    expect(listenerStatus(lab(one), 'gw', ['ResolvedRefs', 'Programmed'])).toEqual(allowed);
  });
});

/** `type=status/reason` of each Gateway condition. */
const gatewayConditions = (lab: Lab, gw: string) =>
  (gatewayOf(lab, gw).status?.conditions ?? []).map((c) => `${c.type}=${c.status}/${c.reason}`);

describe('GatewayInvalidListenersUnsupportedProtocol', () => {
  it('no listener supported: Accepted=False/ListenersNotValid; some: Accepted=True/ListenersNotValid', () => {
    const lab = labOf(oneListener('gateway-only-unsupported-protocols',
        '{name: invalid, port: 1111, protocol: INVALID}') +
      `${gatewayHead('gateway-supported-and-unsupported-protocols')}\n` +
      'spec:\n  gatewayClassName: nginx\n  listeners:\n' +
      '  - {name: http, port: 80, protocol: HTTP}\n  - {name: invalid, port: 1111, protocol: INVALID}\n---\n');
    expect(gatewayConditions(lab, 'gateway-only-unsupported-protocols')).toContain('Accepted=False/ListenersNotValid');
    expect(listenerStatus(lab, 'gateway-only-unsupported-protocols', ['Accepted']))
      .toEqual(['invalid attached=0 kinds= Accepted=False/UnsupportedProtocol']);
    expect(gatewayConditions(lab,
        'gateway-supported-and-unsupported-protocols')).toContain('Accepted=True/ListenersNotValid');
    expect(listenerStatus(lab, 'gateway-supported-and-unsupported-protocols', ['Accepted'])).toEqual([
      'http attached=0 kinds=HTTPRoute Accepted=True/Accepted',
      'invalid attached=0 kinds= Accepted=False/UnsupportedProtocol',
    ]);
    expect(generations(gatewayOf(lab, 'gateway-only-unsupported-protocols'))).toEqual({ generation: 1, observed: [1] });
  });
});

describe('GatewayInvalidParametersRef', () => {
  it('a parametersRef to a kind NGF does not take: Accepted=False/InvalidParameters, ResolvedRefs=False', () => {
    const lab = labOf(`${gatewayHead('gateway-invalid-parameters-ref')}\nspec:\n  gatewayClassName: nginx\n` +
      '  listeners: [{name: http, port: 80, protocol: HTTP}]\n' +
      '  infrastructure: {parametersRef: {group: invalid.io, kind: InvalidParameters, name: invalid}}\n---\n');
    expect(gatewayConditions(lab, 'gateway-invalid-parameters-ref')).toEqual([
      'Accepted=False/InvalidParameters', 'Programmed=True/Programmed', 'ResolvedRefs=False/ParametersRefInvalid',
    ]);
    expect(generations(gatewayOf(lab, 'gateway-invalid-parameters-ref'))).toEqual({ generation: 1, observed: [1] });
  });
});

describe('GatewayClassObservedGenerationBump', () => {
  it('a description change bumps the class generation; Accepted observes it', () => {
    const lab = labOf('apiVersion: gateway.networking.k8s.io/v1\nkind: GatewayClass\n' +
      'metadata: {name: gatewayclass-observed-generation-bump}\n' +
      'spec: {controllerName: gateway.nginx.org/nginx-gateway-controller, description: old}\n---\n');
    const classOf = (l: Lab) => l.cluster.gatewayClasses.find((c) =>
      c.metadata.name === 'gatewayclass-observed-generation-bump')!;
    const observed = (l: Lab) => classOf(l).status?.conditions?.map((c) =>
      `${c.type}=${c.status}@${c.observedGeneration}`);
    expect([classOf(lab).metadata.generation, observed(lab)]).toEqual([1,
        ['Accepted=True@1', 'SupportedVersion=True@1']]);
    const c = classOf(lab);
    const after = updateLab(lab,
      { kind: 'apply', object: { ...c, status: undefined, spec: { ...c.spec, description: 'new' } } });
    expect([classOf(after).metadata.generation, observed(after)]).toEqual([2,
        ['Accepted=True@2', 'SupportedVersion=True@2']]);
  });
});

describe('GatewayOptionalAddressValue', () => {
  it('an address entry with a type and no value: the Gateway still gets an address and is programmed', () => {
    const lab = labOf(`${gatewayHead('gateway-without-address-value')}\nspec:\n  gatewayClassName: nginx\n` +
      '  addresses: [{type: IPAddress}]\n  listeners: [{name: http, port: 8080, protocol: HTTP}]\n---\n');
    const gw = gatewayOf(lab, 'gateway-without-address-value');
    expect(gatewayConditions(lab, 'gateway-without-address-value')).toEqual(['Accepted=True/Accepted',
        'Programmed=True/Programmed']);
    expect(gw.status?.addresses?.[0]?.value).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(generations(gw)).toEqual({ generation: 1, observed: [1] });
  });
});

describe('HTTPRouteHTTPSListener', () => {
  it('routes by host over TLS: the route hostname, the listener hostname, 404 for neither', () => {
    const https = (name: string, host?: string) => `  - {name: ${name}, port: 443, protocol: HTTPS, ` +
      `${host ? `hostname: "${host}", ` : ''}allowedRoutes: {namespaces: {from: Same}}${TLS_REF}}`;
    const GW = 'same-namespace-with-https-listener';
    const lab = labOf(tlsSecret('tls-validity-checks-certificate', INFRA) +
      `${gatewayHead(GW)}\nspec:\n  gatewayClassName: nginx\n  listeners:\n` + [https('https'),
        https('https-with-hostname', 'second-example.org'), https('https-with-wildcard-hostname', '*.wildcard.org'),
        https('https-with-hostname-matching-wildcard', 'fourth-example.wildcard.org')].join('\n') + '\n---\n' +
      simpleRoute('httproute-https-test', `{name: ${GW}}`, 'example.org', 'infra-backend-v1') +
      simpleRoute('httproute-https-test-no-hostname', `{name: ${GW}, sectionName: https-with-hostname}`, null,
        'infra-backend-v2'));
    expectAccepted(lab, GW, ['httproute-https-test', 'httproute-https-test-no-hostname']);
    const tls = (host: string) => ({ host, scheme: 'https' as const });
    expectCases(lab, GW, [v1('/', tls('example.org')), notFound('/', tls('unknown-example.org')),
      v2('/', tls('second-example.org'))]);
  });
});

describe('GatewayInfrastructurePropagation', () => {
  it('spec.infrastructure labels and annotations reach the pods and Service with the gateway-name label', () => {
    const GW = 'gateway-with-infrastructure-metadata';
    const lab = labOf(`${gatewayHead(GW)}\nspec:\n  gatewayClassName: nginx\n` +
      '  infrastructure: {annotations: {key1: value1}, labels: {key2: value2}}\n' +
      '  listeners: [{name: http, port: 8080, protocol: HTTP}]\n---\n');
    expect(gatewayConditions(lab, GW)[0]).toBe('Accepted=True/Accepted');
    const named = (o: { metadata: { labels?: Record<string, string> } }) =>
      o.metadata.labels?.['gateway.networking.k8s.io/gateway-name'] === GW;
    const found = [...lab.cluster.pods.filter(named), ...lab.cluster.services.filter(named)];
    expect(found.map((o) => o.kind).sort()).toEqual(['Pod', 'Service']);
    for (const o of found) {
      expect(o.metadata.labels).toMatchObject({ key2: 'value2' });
      expect(o.metadata.annotations).toMatchObject({ key1: 'value1' });
    }
  });
});
