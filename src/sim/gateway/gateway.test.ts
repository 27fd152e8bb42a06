// Conformance-style tables: a request through a Gateway -> the backend, status and headers the
// simulator's NGINX Gateway Fabric gives; status reasons per parentRef; the CRDs' validation.

import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { defaultLabSettings } from '../lab';
import type { KubeObject } from '../api/types';
import { buildLab } from '../assembly/lab';
import { echoBackend } from './fixtures';
import { newTraceSession, trace } from '../trace/trace';
import { renderExplanation } from '../trace/messages';
import type { HTTPRoute } from '../api/types';


const backend = (name: string, ns = 'default') => echoBackend(name, ns);

const BASE = `
apiVersion: v1
kind: Namespace
metadata: {name: other}
---
apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata: {name: nginx}
spec: {controllerName: gateway.nginx.org/nginx-gateway-controller}
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: gw, namespace: default}
spec:
  gatewayClassName: nginx
  listeners:
  - {name: http, port: 80, protocol: HTTP}
  - {name: scoped, port: 8080, protocol: HTTP, hostname: "*.example.org"}
---
${backend('v1')}${backend('v2')}${backend('v3')}${backend('far', 'other')}`;

function objectsOf(text: string): KubeObject[] {
  return parseAllDocuments(text)
    .map((d) => d.toJS() as KubeObject | null)
    .filter((o): o is KubeObject => !!o);
}

function labOf(routes: string, extra = '') {
  const lab = buildLab({
    settings: defaultLabSettings(),
    objects: objectsOf(`${BASE}${routes}\n---\n${extra}`),
    clients: [],
  });
  if (lab.problems.length) throw new Error(lab.problems.map((p) => p.message).join('\n'));
  return lab;
}

type SendOptions = {
  headers?: Record<string, string>; method?: string; port?: number; seed?: string; gateway?: string;
};

function send(lab: ReturnType<typeof labOf>, url: string, o: SendOptions = {}) {
  return trace(
    lab,
    {
      from: { kind: 'external', address: '203.0.113.7' },
      url,
      headers: o.headers,
      method: o.method,
      connect: { kind: 'gateway', namespace: 'default', name: o.gateway ?? 'gw', ...(o.port ? { port: o.port } : {}) },
    },
    newTraceSession(o.seed ?? 't'),
  );
}

const pod = (r: ReturnType<typeof send>) => r.backendPod?.split('/')[1]?.split('-')[0] ?? null;

const ROUTES = `
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: matching, namespace: default, creationTimestamp: "2026-01-01T00:00:00Z"}
spec:
  parentRefs: [{name: gw, sectionName: http}]
  hostnames: [example.com]
  rules:
  - matches: [{path: {type: PathPrefix, value: /}}]
    backendRefs: [{name: v1, port: 8080}]
  - matches: [{path: {type: PathPrefix, value: /v2}}]
    backendRefs: [{name: v2, port: 8080}]
  - matches: [{path: {type: Exact, value: /exact}}]
    backendRefs: [{name: v3, port: 8080}]
  - matches: [{path: {type: PathPrefix, value: /exact}}]
    backendRefs: [{name: v2, port: 8080}]
  - matches: [{headers: [{name: version, value: two}]}]
    backendRefs: [{name: v2, port: 8080}]
  - matches: [{headers: [{name: version, value: two}, {name: color, value: blue}]}]
    backendRefs: [{name: v3, port: 8080}]
  - matches: [{method: POST, path: {value: /m}}]
    backendRefs: [{name: v3, port: 8080}]
  - matches: [{queryParams: [{name: animal, value: whale}]}]
    backendRefs: [{name: v3, port: 8080}]
`;

describe('HTTPRoute matching through the rendered nginx.conf (conformance: httproute-matching, -path-match-order, ' +
  '-header-matching, -method-matching, -query-param-matching)', () => {
  const lab = labOf(ROUTES);
  const cases: [string, Record<string, string>, string, string | null][] = [
    ['PathPrefix /v2 takes /v2', {}, 'http://example.com/v2', 'v2'],
    ['... and /v2/', {}, 'http://example.com/v2/', 'v2'],
    ['... and /v2/example', {}, 'http://example.com/v2/example', 'v2'],
    ['... but not /v2example (element-wise)', {}, 'http://example.com/v2example', 'v1'],
    ['Exact beats a prefix of the same path', {}, 'http://example.com/exact', 'v3'],
    ['the prefix takes what Exact does not', {}, 'http://example.com/exact/more', 'v2'],
    ['a header match wins over no match', { version: 'two' }, 'http://example.com/', 'v2'],
    ['more header matches win', { version: 'two', color: 'blue' }, 'http://example.com/', 'v3'],
    ['header values are case-sensitive', { version: 'TWO' }, 'http://example.com/', 'v1'],
    ['header names are not', { VERSION: 'two' }, 'http://example.com/', 'v2'],
    ['query param match', {}, 'http://example.com/?animal=whale', 'v3'],
    ['first value of a repeated param counts', {}, 'http://example.com/?animal=dolphin&animal=whale', 'v1'],
    ['port in Host is ignored for matching', {}, 'http://example.com:8080/v2', 'v2'],
  ];
  it.each(cases)('%s', (_name, headers, url, want) => {
    const r = send(lab, url, { headers });
    expect(r.status).toBe(200);
    expect(pod(r)).toBe(want);
  });

  it('method match: POST /m goes to v3, GET /m to the catch-all', () => {
    expect(pod(send(lab, 'http://example.com/m', { method: 'POST' }))).toBe('v3');
    expect(pod(send(lab, 'http://example.com/m', { method: 'GET' }))).toBe('v1');
  });

  it('an unknown host gets 404 from the default server', () => {
    const r = send(lab, 'http://unknown.example/');
    expect(r.status).toBe(404);
    expect(r.backendPod).toBeNull();
  });

  it('the backend sees Host, path with query and method as sent; the echo server answers in JSON terms', () => {
    const r = send(lab, 'http://example.com/v2/x?a=1', { headers: { 'X-Echo-Set-Header': 'X-Foo: bar' } });
    expect(r.backend).toMatchObject({ host: 'example.com', path: '/v2/x?a=1', method: 'GET' });
    expect(r.responseHeaders['X-Foo']).toBe('bar');
    expect(r.services).toEqual(['default/gw-nginx', 'default/v2']);
  });

  it('each gateway hop carries a line of the rendered nginx.conf', () => {
    const r = send(lab, 'http://example.com/', { headers: { version: 'two' } });
    const hop = r.hops.find((h) => h.place.kind === 'controller' && h.action === 'match')!;
    expect(hop.refs.some((x) => x.line.includes('js_content httpmatches.redirect'))).toBe(true);
    expect(hop.explanation.key).toBe('hop.gateway.matchConditions');
  });
});

const FILTERS = `
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: filters, namespace: default}
spec:
  parentRefs: [{name: gw, sectionName: http}]
  rules:
  - matches: [{path: {type: PathPrefix, value: /headers}}]
    filters:
    - type: RequestHeaderModifier
      requestHeaderModifier: {set: [{name: X-Set, value: one}], add: [{name: X-Add, value: more}], remove: [X-Gone]}
    - type: ResponseHeaderModifier
      responseHeaderModifier: {add: [{name: X-Resp, value: added}], remove: [X-Drop]}
    backendRefs: [{name: v1, port: 8080}]
  - matches: [{path: {type: PathPrefix, value: /prefix/one}}]
    filters:
    - type: URLRewrite
      urlRewrite: {hostname: rewritten.example, path: {type: ReplacePrefixMatch, replacePrefixMatch: /xyz}}
    backendRefs: [{name: v1, port: 8080}]
  - matches: [{path: {type: PathPrefix, value: /full}}]
    filters: [{type: URLRewrite, urlRewrite: {path: {type: ReplaceFullPath, replaceFullPath: /one}}}]
    backendRefs: [{name: v1, port: 8080}]
  - matches: [{path: {type: PathPrefix, value: /scheme}}]
    filters: [{type: RequestRedirect, requestRedirect: {scheme: https}}]
  - matches: [{path: {type: PathPrefix, value: /host}}]
    filters: [{type: RequestRedirect, requestRedirect: {hostname: example.org, statusCode: 301}}]
  - matches: [{path: {type: PathPrefix, value: /port}}]
    filters: [{type: RequestRedirect, requestRedirect: {scheme: https, port: 8443}}]
  - matches: [{path: {type: PathPrefix, value: /path}}]
    filters: [{type: RequestRedirect, requestRedirect: {path: {type: ReplacePrefixMatch, replacePrefixMatch: /new}}}]
  - matches: [{path: {type: PathPrefix, value: /zero}}]
    backendRefs: [{name: v1, port: 8080, weight: 0}, {name: v2, port: 8080, weight: 0}]
  - matches: [{path: {type: PathPrefix, value: /none}}]
  - matches: [{path: {type: PathPrefix, value: /missing}}]
    backendRefs: [{name: does-not-exist, port: 8080}]
  - matches: [{path: {type: PathPrefix, value: /ext}}]
    filters: [{type: ExtensionRef, extensionRef: {group: example.com, kind: Thing, name: t}}]
    backendRefs: [{name: v1, port: 8080}]
  - matches: [{path: {type: PathPrefix, value: /weights}}]
    backendRefs:
    - {name: v1, port: 8080, weight: 70}
    - {name: v2, port: 8080, weight: 30}
    - {name: v3, port: 8080, weight: 0}
`;

describe('filters and backends (conformance: httproute-request-header-modifier, -rewrite-path, -rewrite-host, ' +
  '-redirect-*, -weight, -invalid-nonexistent-backendref, -omitted-backendrefs)', () => {
  const lab = labOf(FILTERS);
  it('RequestHeaderModifier set / add / remove, ResponseHeaderModifier add / remove', () => {
    const r = send(lab, 'http://any.example/headers', {
      headers: { 'X-Add': 'first', 'X-Gone': 'x', 'X-Set': 'old', 'X-Echo-Set-Header': 'X-Drop: bye' },
    });
    const h = r.backend!.headers!;
    expect(h['X-Set']).toBe('one');
    expect(h['X-Add']).toBe('first,more');
    expect(Object.keys(h).some((k) => k.toLowerCase() === 'x-gone')).toBe(false);
    expect(r.responseHeaders['X-Resp']).toBe('added');
    expect(r.responseHeaders['X-Drop']).toBeUndefined();
  });
  it.each([
    ['/prefix/one/two', '/xyz/two'],
    ['/prefix/one', '/xyz'],
    ['/prefix/one/', '/xyz/'],
    ['/full/anything?q=1', '/one?q=1'],
  ])('URLRewrite %s -> %s', (path, want) => {
    const r = send(lab, `http://any.example${path}`);
    expect(r.backend?.path).toBe(want);
  });
  it('URLRewrite hostname replaces Host upstream', () => {
    expect(send(lab, 'http://any.example/prefix/one').backend?.host).toBe('rewritten.example');
  });
  it.each([
    ['/scheme/a', 302, 'https://any.example/scheme/a'],
    ['/host/a?x=1', 301, 'http://example.org:80/host/a?x=1'],
    ['/port', 302, 'https://any.example:8443/port'],
    ['/path/rest', 302, 'http://any.example:80/new/rest'],
  ])('RequestRedirect %s -> %d %s', (path, status, location) => {
    const r = send(lab, `http://any.example${path}`);
    expect(r.status).toBe(status);
    expect(r.responseHeaders.Location).toBe(location);
  });
  it('all weights 0, no backendRefs, and a missing Service answer 500', () => {
    for (const p of ['/zero', '/none', '/missing']) expect(send(lab, `http://any.example${p}`).status).toBe(500);
  });
  it('an ExtensionRef NGF cannot resolve answers 500 from the rule\'s own location, and the hop says so', () => {
    const r = send(lab, 'http://any.example/ext');
    expect(r.status).toBe(500);
    const hop = r.hops.find((h) => h.place.kind === 'controller' && h.action === 'respond')!;
    expect(hop.explanation.key).toBe('hop.gateway.filterError');
    expect(hop.refs.some((x) => x.line.trim() === 'return 500;')).toBe(true);
    // A backend that cannot serve keeps its own words, naming the upstream.
    const missing = send(lab, 'http://any.example/missing').hops.find((h) => h.action === 'respond')!;
    expect(missing.explanation.key).toBe('hop.gateway.error');
  });
  it('weights split the requests; weight 0 gets none', () => {
    const counts: Record<string, number> = {};
    const session = newTraceSession('w');
    for (let i = 0; i < 400; i++) {
      const r = trace(
        lab,
        {
          from: { kind: 'external', address: '203.0.113.7' },
          url: 'http://any.example/weights',
          connect: { kind: 'gateway', namespace: 'default', name: 'gw' },
        },
        session,
        { recordHops: false },
      );
      const k = pod(r) ?? String(r.status);
      counts[k] = (counts[k] ?? 0) + 1;
    }
    expect(counts.v3).toBeUndefined();
    expect(counts.v1! / 400).toBeGreaterThan(0.6);
    expect(counts.v1! / 400).toBeLessThan(0.8);
    const conf = lab.gatewayControllers.dataPlanes[0]!.rendered.artifact;
    expect(conf.lines.some((l) => l.text.includes('70.00% default_v1_8080'))).toBe(true);
  });
});

function parentConditions(lab: ReturnType<typeof labOf>, name: string, ns = 'default') {
  const r = lab.cluster.httpRoutes.find(
    (x: HTTPRoute) => x.metadata.name === name && (x.metadata.namespace ?? 'default') === ns,
  )!;
  return r.status!.parents.map((p) => Object.fromEntries(p.conditions.map((c) => [c.type, `${c.status}/${c.reason}`])));
}

describe('HTTPRoute status per parentRef (reasons and observedGeneration)', () => {
  const route = (name: string, ns: string, ...spec: string[]) =>
    [
      'apiVersion: gateway.networking.k8s.io/v1',
      'kind: HTTPRoute',
      `metadata: {name: ${name}, namespace: ${ns}}`,
      'spec:',
      ...spec,
      '---',
      '',
    ].join('\n');
  const lab = labOf([
    route('other-ns', 'other', '  parentRefs: [{name: gw, namespace: default}]',
      '  rules: [{backendRefs: [{name: far, port: 8080}]}]'),
    route('no-host', 'default', '  parentRefs: [{name: gw, sectionName: scoped}]', '  hostnames: [example.com]',
      '  rules: [{backendRefs: [{name: v1, port: 8080}]}]'),
    route('no-section', 'default', '  parentRefs: [{name: gw, sectionName: nope}]',
      '  rules: [{backendRefs: [{name: v1, port: 8080}]}]'),
    route('cross', 'default', '  parentRefs: [{name: gw, sectionName: http}]', '  hostnames: [cross.example]',
      '  rules: [{backendRefs: [{name: far, namespace: other, port: 8080}]}]'),
    route('kind', 'default', '  parentRefs: [{name: gw, sectionName: http}]', '  hostnames: [kind.example]',
      '  rules: [{backendRefs: [{group: example.com, kind: Thing, name: x}]}]'),
    route('missing', 'default', '  parentRefs: [{name: gw, sectionName: http}]', '  hostnames: [missing.example]',
      '  rules: [{backendRefs: [{name: nope, port: 8080}]}]'),
    route('mirror', 'default', '  parentRefs: [{name: gw, sectionName: http}]', '  hostnames: [mirror.example]',
      '  rules:',
      '  - filters: [{type: RequestMirror, requestMirror: {backendRef: {name: v2, port: 8080}}}]',
      '    backendRefs: [{name: v1, port: 8080}]'),
  ].join(''));
  it.each([
    ['other-ns', 'other', 'False/NotAllowedByListeners', 'True/ResolvedRefs'],
    ['no-host', 'default', 'False/NoMatchingListenerHostname', 'True/ResolvedRefs'],
    ['no-section', 'default', 'False/NoMatchingParent', 'True/ResolvedRefs'],
    ['cross', 'default', 'True/Accepted', 'False/RefNotPermitted'],
    ['kind', 'default', 'True/Accepted', 'False/InvalidKind'],
    ['missing', 'default', 'True/Accepted', 'False/BackendNotFound'],
    ['mirror', 'default', 'True/Accepted', 'True/ResolvedRefs'],
  ])('%s: Accepted %s', (name, ns, accepted, resolved) => {
    const [c] = parentConditions(lab, name, ns);
    expect(c!.Accepted).toBe(accepted);
    expect(c!.ResolvedRefs).toBe(resolved);
  });
  it('a cross-namespace backend answers 500 until a ReferenceGrant allows it', () => {
    expect(send(lab, 'http://cross.example/').status).toBe(500);
    const grant = 'apiVersion: gateway.networking.k8s.io/v1beta1\nkind: ReferenceGrant\n' +
      'metadata: {name: g, namespace: other}\nspec:\n' +
      '  from: [{group: gateway.networking.k8s.io, kind: HTTPRoute, namespace: default}]\n' +
      '  to: [{group: "", kind: Service}]\n';
    const granted = labOf(
      route(
        'cross',
        'default',
        '  parentRefs: [{name: gw, sectionName: http}]\n  hostnames: [cross.example]\n' +
          '  rules: [{backendRefs: [{name: far, namespace: other, port: 8080}]}]',
      ),
      grant,
    );
    expect(parentConditions(granted, 'cross')[0]!.ResolvedRefs).toBe('True/ResolvedRefs');
    expect(send(granted, 'http://cross.example/').backendPod).toMatch(/^other\/far-/);
  });
  it('listener status counts attached routes; Gateway and class are accepted and programmed', () => {
    const gw = lab.cluster.gateways[0]!;
    expect(gw.status!.listeners!.find((l) => l.name === 'http')!.attachedRoutes).toBe(4);
    expect(gw.status!.conditions!.map((c) => `${c.type}=${c.status}`)).toEqual(['Accepted=True', 'Programmed=True']);
    expect(gw.status!.addresses![0]!.type).toBe('IPAddress');
    expect(lab.cluster.gatewayClasses[0]!.status!.conditions![0]).toMatchObject({
      type: 'Accepted',
      status: 'True',
      observedGeneration: 1,
    });
  });
  it('a GatewayClass naming another controller is not served', () => {
    const objects = objectsOf(BASE.replace('gateway.nginx.org/nginx-gateway-controller', 'example.net/other'));
    const l = buildLab({ settings: defaultLabSettings(), objects, clients: [] });
    expect(l.gatewayControllers.dataPlanes).toHaveLength(0);
    const served = buildLab({
      settings: { ...defaultLabSettings(), gatewayAPI: { controllerName: 'example.net/other', install: false } },
      objects,
      clients: [],
    });
    expect(served.gatewayControllers.dataPlanes).toHaveLength(1);
  });
});


// GatewayHTTPListenerIsolation (conformance: gateway-http-listener-isolation and its -with-hostname-intersection
// variant): four listeners on port 80 from catch-all to exact, one route per listener by sectionName; a request
// reaches only the routes of the most specific listener for its host, even when a route names that host itself.
const LISTENERS = ['empty-hostname', 'wildcard-example-com', 'wildcard-foo-example-com', 'abc-foo-example-com'];
const ISOLATION_HOSTS = ['bar.com', 'bar.example.com', 'bar.foo.example.com', 'abc.foo.example.com'];

function isolationLab(routeHostnames: string) {
  const gateway = [
    'apiVersion: gateway.networking.k8s.io/v1',
    'kind: Gateway',
    'metadata: {name: iso, namespace: default}',
    'spec:',
    '  gatewayClassName: nginx',
    '  listeners:',
    '  - {name: empty-hostname, port: 80, protocol: HTTP}',
    '  - {name: wildcard-example-com, port: 80, protocol: HTTP, hostname: "*.example.com"}',
    '  - {name: wildcard-foo-example-com, port: 80, protocol: HTTP, hostname: "*.foo.example.com"}',
    '  - {name: abc-foo-example-com, port: 80, protocol: HTTP, hostname: abc.foo.example.com}',
    '---',
  ].join('\n');
  const routes = LISTENERS.map((l) => [
    'apiVersion: gateway.networking.k8s.io/v1',
    'kind: HTTPRoute',
    `metadata: {name: attaches-to-${l}, namespace: default}`,
    'spec:',
    `  parentRefs: [{name: iso, sectionName: ${l}}]`,
    routeHostnames,
    `  rules: [{matches: [{path: {type: PathPrefix, value: /${l}}}], backendRefs: [{name: v1, port: 8080}]}]`,
    '---',
  ].join('\n'));
  return labOf(`${gateway}\n${routes.join('\n')}`);
}

describe('listener isolation (conformance: GatewayHTTPListenerIsolation)', () => {
  const cases = [
    ['hostnames only on the listeners', ''],
    [
      'intersecting hostnames on the routes',
      '  hostnames: [bar.com, "*.example.com", "*.foo.example.com", abc.foo.example.com]',
    ],
  ] as const;
  for (const [title, hostnames] of cases) {
    it(`${title}: each host reaches its own listener's route and gets 404 for the others'`, () => {
      const lab = isolationLab(hostnames);
      const got = ISOLATION_HOSTS.map((host) => LISTENERS.map((l) => {
        const r = send(lab, `http://${host}/${l}`, { gateway: 'iso' });
        return r.status === 404 ? 404 : pod(r);
      }));
      expect(got).toEqual(ISOLATION_HOSTS.map((_, h) => LISTENERS.map((_, l) => (h === l ? 'v1' : 404))));
      const accepted = LISTENERS.map((l) => parentConditions(lab, `attaches-to-${l}`)[0]!['Accepted']);
      expect(accepted).toEqual(LISTENERS.map(() => 'True/Accepted'));
    });
  }
});

describe('reloads on the timeline', () => {
  it('the first sync and an HTTPRoute edit reload the data plane, the edit with the nginx.conf diff', async () => {
    const { updateLab } = await import('../assembly/update');
    const lab = labOf(ROUTES);
    const first = lab.events.filter((e) => e.source === 'nginx-gateway-fabric');
    expect(first).toHaveLength(1);
    expect(first[0]!.reason).toBe('Reload');
    const route = lab.reconcile.state.cluster.httpRoutes.find((r) => r.metadata.name === 'matching')!;
    const edited = { ...route, spec: { ...route.spec, hostnames: ['example.net'] } };
    const next = updateLab(lab, { kind: 'apply', object: edited });
    const reloads = next.events.filter((e) => e.source === 'nginx-gateway-fabric');
    expect(reloads).toHaveLength(2);
    expect(reloads[1]!.detail?.some((l) => l.startsWith('+') && l.includes('server_name example.net;'))).toBe(true);
    expect(
      next.artifacts['gateway/default/gw/nginx.conf']!.lines.some((l) => l.text.includes('server_name example.net;')),
    ).toBe(true);
    const r = trace(
      next,
      {
        from: { kind: 'external', address: '203.0.113.7' },
        url: 'http://example.net/v2',
        connect: { kind: 'gateway', namespace: 'default', name: 'gw' },
      },
      newTraceSession('t'),
    );
    expect(pod(r)).toBe('v2');
  });
});

const MIRRORS = `
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: mirror, namespace: default}
spec:
  parentRefs: [{name: gw, sectionName: http}]
  hostnames: [mirror.example]
  rules:
  - matches: [{path: {value: /all}}]
    filters:
    - {type: RequestHeaderModifier, requestHeaderModifier: {set: [{name: X-Set, value: one}]}}
    - {type: RequestMirror, requestMirror: {backendRef: {name: v2, port: 8080}}}
    backendRefs: [{name: v1, port: 8080}]
  - matches: [{path: {type: Exact, value: /half}}]
    filters:
    - {type: RequestMirror, requestMirror: {backendRef: {name: v2, namespace: default, port: 8080}, percent: 50}}
    backendRefs: [{name: v1, port: 8080}]
  - matches: [{path: {type: Exact, value: /none}}]
    filters: [{type: RequestMirror, requestMirror: {backendRef: {name: v2, port: 8080}, fraction: {numerator: 0}}}]
    backendRefs: [{name: v1, port: 8080}]
  - matches: [{path: {type: Exact, value: /two}}]
    filters:
    - {type: RequestMirror, requestMirror: {backendRef: {name: v2, port: 8080}, percent: 25}}
    - {type: RequestMirror, requestMirror: {backendRef: {name: v3, port: 8080}}}
    - type: RequestMirror
      requestMirror: {backendRef: {name: v2, port: 8080}, fraction: {numerator: 1, denominator: 3}}
    backendRefs: [{name: v1, port: 8080}]
`;

describe('RequestMirror (NGF: an internal route per mirror backend, `mirror` in the rule\'s locations)', () => {
  const lab = labOf(MIRRORS);
  const conf = () => lab.gatewayControllers.dataPlanes[0]!.rendered.artifact.lines.map((l) => l.text.trim());
  const mirrorHop = (r: ReturnType<typeof send>) => r.hops.find((h) => h.explanation.key === 'hop.gateway.mirror');
  it('renders NGF\'s internal mirror locations, the mirror directives and the percentage split', () => {
    const text = conf();
    expect(text).toContain('mirror /_ngf-internal-mirror-v2-default/mirror-0;');
    expect(text).toContain('location = /_ngf-internal-mirror-v2-default/mirror-0 {');
    expect(text).toContain('proxy_pass http://default_v2_8080$request_uri;');
    // A namespace on the mirror's backendRef goes into the path (state/mirror BackendPath).
    expect(text).toContain('mirror /_ngf-internal-mirror-default/v2-default/mirror-1;');
    expect(text).toContain('split_clients $request_id $__ngf_internal_mirror_default_v2_default_mirror_1_50_00 {');
    expect(text).toContain('50.00% /_ngf-internal-mirror-default/v2-default/mirror-1;');
    expect(text).toContain('if ($__ngf_internal_mirror_default_v2_default_mirror_1_50_00 = "") {');
    expect(text).toContain('return 204;');
    // 0 %: the share line is a comment, so every request takes `*` and the location answers 204.
    expect(text).toContain('# 0.00% /_ngf-internal-mirror-v2-default/mirror-2;');
    // One location per backend; the highest share of the filters naming it (1/3 = 33.33 % > 25 %).
    expect(text.filter((l) => l.startsWith('mirror /_ngf-internal-mirror-v2-default/mirror-3;'))).toHaveLength(1);
    expect(text).toContain('33.33% /_ngf-internal-mirror-v2-default/mirror-3;');
    expect(text).toContain('mirror /_ngf-internal-mirror-v3-default/mirror-3;');
    // 100 %: no draw at all.
    expect(text.some((l) => l.includes('_ngf_internal_mirror_v2_default_mirror_0'))).toBe(false);
  });
  it('the route is Accepted with every reference resolved; the internal routes write no status', () => {
    const accepted = { Accepted: 'True/Accepted', ResolvedRefs: 'True/ResolvedRefs' };
    expect(parentConditions(lab, 'mirror')[0]).toMatchObject(accepted);
    expect(lab.cluster.httpRoutes.map((r) => r.metadata.name)).toEqual(['mirror']);
  });
  it('the answer comes from the rule\'s backend; the copy goes to the mirror backend with the rule\'s filters', () => {
    const r = send(lab, 'http://mirror.example/all?x=1');
    expect([r.status, pod(r)]).toEqual([200, 'v1']);
    const hop = mirrorHop(r)!;
    expect(hop.action).toBe('proxy');
    expect(hop.explanation.params.copies).toMatch(/^a copy to endpoint [\d.]+:\d+ \(upstream default_v2_8080, /);
    expect(hop.after.path).toBe('/all?x=1');
    expect(hop.refs.map((x) => x.line.trim())).toEqual([
      'mirror /_ngf-internal-mirror-v2-default/mirror-0;',
      'location = /_ngf-internal-mirror-v2-default/mirror-0 {',
      'proxy_pass http://default_v2_8080$request_uri;',
      'upstream default_v2_8080 {',
    ]);
  });
  it.each([
    ['/none', 0, 0],
    ['/half', 50, 200],
    ['/all', 100, 200],
  ])('%s mirrors %i %% of requests, drawn on $request_id; the answer is always v1', (path, pct, n) => {
    let copies = 0;
    for (let i = 0; i < 200; i++) {
      const r = send(lab, `http://mirror.example${path}`, { seed: `m${i}` });
      expect(pod(r)).toBe('v1');
      const params = mirrorHop(r)!.explanation.params;
      if (String(params.copies).startsWith('a copy')) copies++;
      else expect(params.copies).toMatch(/^no copy to upstream default_v2_8080: split_clients .* \d+\.00% it mirrors/);
    }
    if (pct === 50) expect(copies).toBeGreaterThan(70);
    if (pct === 50) expect(copies).toBeLessThan(130);
    else expect(copies).toBe(n);
  });
  it('a skipped copy names the lines that decided: the if, the split_clients line it drew, return 204', () => {
    const r = send(lab, 'http://mirror.example/none');
    expect(mirrorHop(r)!.refs.map((x) => x.line.trim()).slice(-3)).toEqual([
      'if ($__ngf_internal_mirror_v2_default_mirror_2_0_00 = "") {',
      '* "";',
      'return 204;',
    ]);
  });
  it('several mirror backends: one copy each (conformance HTTPRouteRequestMultipleMirrors)', () => {
    const r = send(lab, 'http://mirror.example/two', { seed: 'two' });
    const zh = renderExplanation('zh', mirrorHop(r)!.explanation);
    expect(zh).toContain('upstream default_v3_8080');
    expect(String(mirrorHop(r)!.explanation.params.copies).split('; ')).toHaveLength(2);
  });
  it('the internal mirror location answers 404 to a request from outside', () => {
    expect(send(lab, 'http://mirror.example/_ngf-internal-mirror-v2-default/mirror-0').status).toBe(404);
  });
  it.each([
    ['a missing Service', '{name: gone, port: 8080}', 'BackendNotFound',
      'spec.rules[0].filters[0].backendRef.name: Not found: "gone"'],
    ['another namespace without a ReferenceGrant', '{name: far, namespace: other, port: 8080}', 'RefNotPermitted',
      'spec.rules[0].filters[0].backendRef.namespace: Forbidden: Backend ref to Service other/far not permitted ' +
      'by any ReferenceGrant'],
    ['a port the Service lacks', '{name: v2, port: 9}', 'BackendNotFound',
      'No matching port for Service v2 and port 9'],
  ])('a mirror backendRef to %s: ResolvedRefs=False (NGF\'s words), the rule still answers', (_t, ref, reason, msg) => {
    const bad = labOf(`
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: mirror, namespace: default}
spec:
  parentRefs: [{name: gw, sectionName: http}]
  hostnames: [mirror.example]
  rules:
  - filters: [{type: RequestMirror, requestMirror: {backendRef: ${ref}}}]
    backendRefs: [{name: v1, port: 8080}]
`);
    const status = bad.cluster.httpRoutes[0]!.status!.parents[0]!.conditions;
    expect(status.find((c) => c.type === 'Accepted')!.status).toBe('True');
    expect(status.find((c) => c.type === 'ResolvedRefs')).toMatchObject({ status: 'False', reason, message: msg });
    const r = send(bad, 'http://mirror.example/');
    expect([r.status, pod(r)]).toEqual([200, 'v1']);
    // The copy goes to invalid-backend-ref: nginx's own 500 server answers it, and the answer is thrown away.
    expect(mirrorHop(r)!.explanation.params.copies).toBe('a copy to upstream invalid-backend-ref that nginx ' +
      'answers 500 itself: the mirror backendRef has no usable backend');
  });
  it('a ReferenceGrant lets the copy reach another namespace', () => {
    const grant = 'apiVersion: gateway.networking.k8s.io/v1\nkind: ReferenceGrant\n' +
      'metadata: {name: g, namespace: other}\nspec:\n' +
      '  from: [{group: gateway.networking.k8s.io, kind: HTTPRoute, namespace: default}]\n' +
      '  to: [{group: "", kind: Service, name: far}]\n';
    const ok = labOf(`
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: mirror, namespace: default}
spec:
  parentRefs: [{name: gw, sectionName: http}]
  hostnames: [mirror.example]
  rules:
  - filters: [{type: RequestMirror, requestMirror: {backendRef: {name: far, namespace: other, port: 8080}}}]
    backendRefs: [{name: v1, port: 8080}]
`, grant);
    expect(parentConditions(ok, 'mirror')[0]!.ResolvedRefs).toBe('True/ResolvedRefs');
    expect(mirrorHop(send(ok, 'http://mirror.example/'))!.explanation.params.copies).toMatch(/Service other\/far,/);
  });
});

const CORS = `
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: cors, namespace: default}
spec:
  parentRefs: [{name: gw, sectionName: http}]
  hostnames: [cors.example]
  rules:
  - matches: [{path: {value: /api}}]
    filters:
    - type: CORS
      cors:
        allowOrigins: ["https://app.example", "https://*.example.org"]
        allowMethods: [GET, PUT]
        allowCredentials: true
    backendRefs: [{name: v1, port: 8080}]
  - matches: [{path: {type: Exact, value: /open}}]
    filters: [{type: CORS, cors: {allowOrigins: ["*"], allowHeaders: ["*"], exposeHeaders: [x-a, x-b], maxAge: 60}}]
    backendRefs: [{name: v2, port: 8080}]
`;

describe('CORS (NGF: an OPTIONS answer in the location, add_header lines, origin maps on $http_origin)', () => {
  const lab = labOf(CORS);
  const conf = () => lab.gatewayControllers.dataPlanes[0]!.rendered.artifact.lines.map((l) => l.text.trim());
  const preflight = (origin: string, path = '/api') => send(lab, `http://cors.example${path}`,
    { method: 'OPTIONS', headers: { Origin: origin, 'Access-Control-Request-Method': 'PUT' } });
  it('renders NGF\'s maps, preflight answer and headers (maxAge defaults to 5)', () => {
    const text = conf();
    expect(text).toContain('map $http_origin $cors_allowed_origin_server0_path1_match0 {');
    expect(text).toContain('"~^https://app\\.example$" $http_origin;');
    expect(text).toContain('"~^https://.*\\.example\\.org$" true;');
    expect(text).toContain('if ($request_method = OPTIONS) {');
    const origin = '"$cors_allowed_origin_server0_path1_match0"';
    expect(text).toContain(`add_header Access-Control-Allow-Origin ${origin} always;`);
    expect(text).toContain('add_header Access-Control-Allow-Methods "GET, PUT" always;');
    const creds = '"$cors_allow_credentials_server0_path1_match0"';
    expect(text).toContain(`add_header Access-Control-Allow-Credentials ${creds} always;`);
    expect(text).toContain('add_header Access-Control-Max-Age "5" always;');
    const asked = '$http_access_control_request_headers';
    expect(text).toContain(`add_header Access-Control-Allow-Headers ${asked} always;`);
    expect(text).toContain('add_header Access-Control-Expose-Headers "x-a, x-b" always;');
    expect(parentConditions(lab, 'cors')[0]).toMatchObject({ Accepted: 'True/Accepted' });
  });
  it('a preflight from an allowed origin is answered by nginx itself, with the lines that decided', () => {
    const r = preflight('https://a.b.example.org');
    expect([r.status, r.backendPod]).toEqual([200, null]);
    expect(r.responseHeaders).toMatchObject({ 'Access-Control-Allow-Origin': 'https://a.b.example.org',
      'Access-Control-Allow-Methods': 'GET, PUT', 'Access-Control-Allow-Credentials': 'true' });
    const hop = r.hops.find((h) => h.explanation.key === 'hop.gateway.corsPreflight')!;
    const decided = hop.refs.map((x) => x.line.trim()).slice(-2);
    expect(decided).toEqual(['if ($request_method = OPTIONS) {', 'return 200;']);
    expect(renderExplanation('zh', hop.explanation)).toContain('CORS 预检请求');
  });
  it('an origin not allowed gets no Access-Control-Allow-Origin (the map yields "", so nginx adds no header)', () => {
    const r = preflight('https://evil.example');
    expect(r.status).toBe(200);
    expect(r.responseHeaders['Access-Control-Allow-Origin']).toBeUndefined();
    expect(r.responseHeaders['Access-Control-Allow-Credentials']).toBeUndefined();
  });
  it('other methods reach the backend and get the headers on its answer; "*" echoes the origin', () => {
    const r = send(lab, 'http://cors.example/open', { headers: { Origin: 'https://x.example' } });
    expect([r.status, pod(r)]).toEqual([200, 'v2']);
    expect(r.responseHeaders).toMatchObject({ 'Access-Control-Allow-Origin': 'https://x.example',
      'Access-Control-Expose-Headers': 'x-a, x-b', 'Access-Control-Max-Age': '60' });
  });
});

describe('pieces of the controller', () => {
  it('split_clients percentages: floored to two decimals, the last backend takes the rest (NGF)', async () => {
    const { splitPercentages } = await import('./render');
    expect(splitPercentages([1, 1, 1])).toEqual([33.33, 33.33, 33.34]);
    expect(splitPercentages([3, 1])).toEqual([75, 25]);
    expect(splitPercentages([1, 0])).toEqual([100, 0]);
    expect(splitPercentages([0, 0])).toEqual([0, 0]);
  });
  it.each([
    [undefined, 'a.example.com', 'a.example.com'],
    ['*.example.com', 'a.b.example.com', 'a.b.example.com'],
    ['*.example.com', 'example.com', null],
    ['*.com', '*.example.com', '*.example.com'],
    ['*.example.com', '*.com', '*.example.com'],
    ['foo.example.com', '*.example.com', 'foo.example.com'],
    ['foo.example.com', 'bar.example.com', null],
    ['*.example.com', undefined, '*.example.com'],
  ])('hostname intersection of listener %s and route %s is %s', async (l, r, want) => {
    const { intersectHostnames } = await import('./model');
    expect(intersectHostnames(l, r)).toBe(want);
  });
});
