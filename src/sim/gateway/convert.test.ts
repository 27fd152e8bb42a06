// The converter against ingress2gateway's ingress-nginx behaviour, as tables: Ingress manifests in,
// GatewayClass/Gateway/HTTPRoute out, and the notes about what does not carry over.

import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { convertIngressesToGatewayAPI, nameFromHost, NGF_CONTROLLER } from './convert';
import { convertMessagesEn, convertMessagesZh, renderConvertMessage } from './convert-messages';

type Obj = { kind: string; metadata: { name: string; namespace?: string }; spec?: unknown };
const docs = (text: string): Obj[] =>
  parseAllDocuments(text).map((d) => d.toJS() as Obj | null).filter((o) => o !== null);
const convert = (text: string) => convertIngressesToGatewayAPI(docs(text));
const byKind = (objs: readonly unknown[], kind: string) => (objs as Obj[]).filter((o) => o.kind === kind);

const ing = (name: string, spec: string, annotations = '', ns = 'default') => `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: ${name}
  namespace: ${ns}
${annotations ? `  annotations:\n${annotations}` : ''}
spec:
${spec}
---
`;

describe('nameFromHost (ingress2gateway NameFromHost)', () => {
  it.each([
    ['foo.bar.com', 'foo-bar-com'],
    ['*.example.com', 'example-com'],
    ['', 'all-hosts'],
    ['*', 'all-hosts'],
  ])('%j → %j', (host, name) => expect(nameFromHost(host)).toBe(name));
});

describe('hosts, paths and backends', () => {
  const cases: { title: string; input: string; gateways: unknown[]; routes: unknown[] }[] = [
    {
      title: 'one host, Exact and Prefix paths; same pathType+path share a rule',
      input: ing('web', `  ingressClassName: nginx
  rules:
  - host: foo.bar.com
    http:
      paths:
      - {path: /foo, pathType: Prefix, backend: {service: {name: s1, port: {number: 80}}}}
      - {path: /exact, pathType: Exact, backend: {service: {name: s2, port: {number: 8080}}}}
      - {path: /foo, pathType: Prefix, backend: {service: {name: s3, port: {number: 80}}}}`),
      gateways: [{ metadata: { name: 'nginx', namespace: 'default' }, spec: { gatewayClassName: 'nginx',
        listeners: [{ name: 'foo-bar-com-http', hostname: 'foo.bar.com', port: 80, protocol: 'HTTP' }] } }],
      routes: [{ metadata: { name: 'web-foo-bar-com', namespace: 'default' }, spec: {
        parentRefs: [{ name: 'nginx' }], hostnames: ['foo.bar.com'], rules: [
          {
            matches: [{ path: { type: 'PathPrefix', value: '/foo' } }],
            backendRefs: [{ name: 's1', port: 80 }, { name: 's3', port: 80 }],
          },
          { matches: [{ path: { type: 'Exact', value: '/exact' } }], backendRefs: [{ name: 's2', port: 8080 }] },
        ] } }],
    },
    {
      title: 'TLS: an HTTPS listener on 443 with the Secret, next to HTTP on 80; no host → all-hosts route',
      input: ing('shop', `  ingressClassName: nginx
  tls: [{hosts: [shop.example.com], secretName: shop-tls}]
  rules:
  - host: shop.example.com
    http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: shop, port: {number: 80}}}}]}
  - http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: any, port: {number: 80}}}}]}`),
      // A host-less rule of an Ingress with one TLS host takes that host (ingress2gateway), so both
      // groups land on the same two listeners.
      gateways: [{ metadata: { name: 'nginx' }, spec: { listeners: [
        { name: 'shop-example-com-http', hostname: 'shop.example.com', port: 80, protocol: 'HTTP' },
        { name: 'shop-example-com-https', hostname: 'shop.example.com', port: 443, protocol: 'HTTPS',
          tls: { certificateRefs: [{ name: 'shop-tls' }] } },
      ] } }],
      routes: [
        { metadata: { name: 'shop-all-hosts' }, spec: { parentRefs: [{ name: 'nginx' }], rules: [
          { matches: [{ path: { type: 'PathPrefix', value: '/' } }], backendRefs: [{ name: 'any', port: 80 }] }] } },
        { metadata: { name: 'shop-shop-example-com' }, spec: { hostnames: ['shop.example.com'] } },
      ],
    },
    {
      title: 'defaultBackend → <ingress>-default-backend, one rule without matches; class from the annotation',
      input: ing('test', `  defaultBackend: {service: {name: fallback, port: {number: 80}}}
  rules:
  - host: foo.bar.com
    http: {paths: [{path: /foo, pathType: ImplementationSpecific, backend: {service: {name: s1, port: {name: web}}}}]}`,
      '    kubernetes.io/ingress.class: public\n') + `apiVersion: v1
kind: Service
metadata: {name: s1, namespace: default}
spec: {ports: [{name: web, port: 8080}]}
`,
      gateways: [{ metadata: { name: 'public' }, spec: { gatewayClassName: 'public',
        listeners: [{ name: 'foo-bar-com-http', hostname: 'foo.bar.com', port: 80, protocol: 'HTTP' }] } }],
      routes: [
        { metadata: { name: 'test-foo-bar-com' }, spec: { parentRefs: [{ name: 'public' }], rules: [
          { matches: [{ path: { type: 'PathPrefix', value: '/foo' } }], backendRefs: [{ name: 's1', port: 8080 }] },
        ] } },
        { metadata: { name: 'test-default-backend', namespace: 'default' }, spec: { parentRefs: [{ name: 'public' }],
          rules: [{ backendRefs: [{ name: 'fallback', port: 80 }] }] } },
      ],
    },
    {
      title: 'canary-weight/-total → backend weights; canary-by-header → a header-matched rule first',
      input: ing('app', `  ingressClassName: nginx
  rules:
  - host: a.io
    http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: v1, port: {number: 80}}}}]}`)
        + ing('app-canary', `  ingressClassName: nginx
  rules:
  - host: a.io
    http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: v2, port: {number: 80}}}}]}`,
        '    nginx.ingress.kubernetes.io/canary: "true"\n    nginx.ingress.kubernetes.io/canary-weight: "30"\n'
        + '    nginx.ingress.kubernetes.io/canary-weight-total: "200"\n'
        + '    nginx.ingress.kubernetes.io/canary-by-header: X-Canary\n'),
      gateways: [{ spec: { listeners: [{ name: 'a-io-http', hostname: 'a.io', port: 80, protocol: 'HTTP' }] } }],
      routes: [{ metadata: { name: 'app-a-io' }, spec: { rules: [
        { matches: [{ path: { type: 'PathPrefix', value: '/' }, headers: [{ name: 'X-Canary', value: 'always' }] }],
          backendRefs: [{ name: 'v2', port: 80 }] },
        { matches: [{ path: { type: 'PathPrefix', value: '/' } }],
          backendRefs: [{ name: 'v1', port: 80, weight: 170 }, { name: 'v2', port: 80, weight: 30 }] },
      ] } }],
    },
  ];
  it.each(cases)('$title', ({ input, gateways, routes }) => {
    const r = convert(input);
    expect(byKind(r.objects, 'Ingress')).toEqual([]);
    expect(byKind(r.objects, 'Gateway')).toMatchObject(gateways);
    expect(byKind(r.objects, 'HTTPRoute')).toMatchObject(routes);
    expect(byKind(r.objects, 'HTTPRoute')).toHaveLength(routes.length);
    const listeners = (g: unknown) => (g as { spec: { listeners: unknown[] } }).spec.listeners.length;
    expect(byKind(r.objects, 'Gateway').map(listeners)).toEqual(gateways.map(listeners));
  });
});

describe('IngressClasses and objects that are not Ingresses', () => {
  it('an ingress-nginx IngressClass becomes a GatewayClass in place; other objects stay as they were, in order', () => {
    const svc = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 's1', namespace: 'default' },
      spec: { ports: [{ port: 80 }] },
    };
    const input = [
      {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'IngressClass',
        metadata: { name: 'nginx' },
        spec: { controller: 'k8s.io/ingress-nginx' },
      },
      svc,
      ...docs(ing('web', `  ingressClassName: nginx
  rules: [{http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: s1, port: {number: 80}}}}]}}]`)),
    ];
    const r = convertIngressesToGatewayAPI(input, { controllerName: 'example.net/gw' });
    expect((r.objects as Obj[]).map((o) => `${o.kind}/${o.metadata.name}`))
      .toEqual(['GatewayClass/nginx', 'Service/s1', 'Gateway/nginx', 'HTTPRoute/web-all-hosts']);
    expect(r.objects[0]).toEqual({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'GatewayClass',
      metadata: { name: 'nginx' }, spec: { controllerName: 'example.net/gw' } });
    expect(r.objects[1]).toBe(svc);
    expect(r.notes).toEqual([]);
  });

  it('without an IngressClass, a GatewayClass for the lab controller is added before the Gateway', () => {
    const r = convert(ing('web', `  ingressClassName: nginx
  rules: [{http: {paths: [{path: /, pathType: Exact, backend: {service: {name: s1, port: {number: 80}}}}]}}]`));
    expect(byKind(r.objects, 'GatewayClass')).toMatchObject([
      { metadata: { name: 'nginx' }, spec: { controllerName: NGF_CONTROLLER } },
    ]);
  });

  it("Ingresses of another controller's class stay, with a note", () => {
    const r = convert(`apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata: {name: traefik}
spec: {controller: traefik.io/ingress-controller}
---
` + ing('t', `  ingressClassName: traefik
  rules: [{http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: s1, port: {number: 80}}}}]}}]`));
    expect((r.objects as Obj[]).map((o) => o.kind)).toEqual(['IngressClass', 'Ingress']);
    expect(r.notes.map((n) => n.key)).toEqual(['convert.otherController', 'convert.otherController']);
  });
});

describe('what does not carry over', () => {
  const cases: { annotations: Record<string, string>; tls?: boolean; expected: [string, string | undefined][];
    filters?: unknown }[] = [
    { annotations: { 'rewrite-target': '/$2', 'use-regex': 'true' },
      expected: [['nginx.ingress.kubernetes.io/rewrite-target', 'convert.instead.rewriteRegex'],
        ['nginx.ingress.kubernetes.io/use-regex', 'convert.instead.useRegex']] },
    { annotations: { 'rewrite-target': '/' }, expected: [],
      filters: [{ type: 'URLRewrite', urlRewrite: { path: { type: 'ReplaceFullPath', replaceFullPath: '/' } } }] },
    { annotations: { affinity: 'cookie', 'session-cookie-name': 'route' },
      expected: [['nginx.ingress.kubernetes.io/affinity', 'convert.instead.affinity'],
        ['nginx.ingress.kubernetes.io/session-cookie-name', 'convert.instead.affinity']] },
    { annotations: { canary: 'true', 'canary-by-cookie': 'beta', 'canary-by-header-pattern': '^y' },
      expected: [['nginx.ingress.kubernetes.io/canary-by-cookie', 'convert.instead.canaryCookie'],
        ['nginx.ingress.kubernetes.io/canary-by-header-pattern', 'convert.instead.canaryHeaderPattern']] },
    { annotations: { 'whitelist-source-range': '10.0.0.0/8', 'app-root': '/app', 'load-balance': 'ewma' },
      expected: [['nginx.ingress.kubernetes.io/whitelist-source-range', 'convert.instead.whitelist'],
        ['nginx.ingress.kubernetes.io/app-root', 'convert.instead.appRoot'],
        ['nginx.ingress.kubernetes.io/load-balance', 'convert.instead.loadBalance']] },
    { annotations: { 'proxy-body-size': '8m' },
      expected: [['nginx.ingress.kubernetes.io/proxy-body-size', undefined]] },
    { annotations: {}, tls: true,
      expected: [['nginx.ingress.kubernetes.io/ssl-redirect (default "true")', 'convert.instead.sslRedirect']] },
    { annotations: { 'ssl-redirect': 'true' }, tls: true,
      expected: [['nginx.ingress.kubernetes.io/ssl-redirect', 'convert.instead.sslRedirect']] },
    // "false" (serve HTTP too) is what the converted route does; without TLS the annotation does nothing.
    { annotations: { 'ssl-redirect': 'false' }, tls: true, expected: [] },
    { annotations: { 'ssl-redirect': 'true' }, expected: [] },
    { annotations: { 'use-regex': 'false', 'force-ssl-redirect': 'false', 'service-upstream': 'false' }, expected: [] },
    { annotations: { 'service-upstream': 'true' },
      expected: [['nginx.ingress.kubernetes.io/service-upstream', 'convert.instead.serviceUpstream']] },
  ];
  it.each(cases)('$annotations (tls $tls)', ({ annotations, tls, expected, filters }) => {
    const a = Object.entries(annotations)
      .map(([k, v]) => `    nginx.ingress.kubernetes.io/${k}: ${JSON.stringify(v)}\n`)
      .join('');
    const r = convert(ing('x', `  ingressClassName: nginx
${tls ? '  tls: [{hosts: [x.io], secretName: x}]\n' : ''}  rules:
  - host: x.io
    http: {paths: [{path: /a, pathType: Prefix, backend: {service: {name: s, port: {number: 80}}}}]}`, a));
    expect(r.notes.map((n) => [n.params.annotation, n.params.instead])).toEqual(expected);
    for (const n of r.notes) expect(n).toMatchObject({ index: 0, kind: 'Ingress', namespace: 'default', name: 'x' });
    const rule = (byKind(r.objects, 'HTTPRoute')[0]!.spec as { rules: { filters?: unknown }[] }).rules.at(-1)!;
    expect(rule.filters).toEqual(filters);
  });

  it('named ports nobody defines and resource backends are reported; ImplementationSpecific is not', () => {
    const r = convert(ing('x', `  ingressClassName: nginx
  rules: [{http: {paths: [
    {path: /img, pathType: ImplementationSpecific, backend: {service: {name: s, port: {name: http}}}},
    {path: /r, pathType: Prefix, backend: {resource: {apiGroup: k8s.example.com, kind: StorageBucket, name: b}}}]}}]`));
    expect(r.notes.map((n) => [n.key, n.params])).toEqual([
      ['convert.namedPort', { service: 's', port: 'http' }],
      ['convert.resourceBackend', { kind: 'StorageBucket', name: 'b' }],
    ]);
  });
});

describe('messages', () => {
  it('every key has a Chinese text with the same placeholders', () => {
    for (const [key, en] of Object.entries(convertMessagesEn)) {
      const zh = convertMessagesZh[key as keyof typeof convertMessagesEn];
      expect(zh, key).toBeTruthy();
      const placeholders = (text: string) => [...text.matchAll(/\{\w+\}/g)].map((m) => m[0]).sort();
      expect(placeholders(zh), key).toEqual(placeholders(en));
    }
  });
  it('renders the advice inside the sentence in the same language', () => {
    const p = { annotation: 'nginx.ingress.kubernetes.io/app-root', instead: 'convert.instead.appRoot' };
    expect(renderConvertMessage('en', 'convert.notCarried', p)).toBe(
      'annotation nginx.ingress.kubernetes.io/app-root does not carry over: '
      + 'use an HTTPRoute rule matching Exact / with a '
      + 'RequestRedirect filter (path ReplaceFullPath to the app root, statusCode: 302)');
    expect(renderConvertMessage('zh', 'convert.notCarried', p)).toMatch(
      /^注解 nginx\.ingress\.kubernetes\.io\/app-root 不会被转换：请改用一条匹配 Exact/,
    );
  });
});
