// `netlab convert --to gateway-api` on built-in Ingress scenarios: the output loads through the
// normal loader, and the same requests traced through the Ingress (original) and the HTTPRoute
// (converted, --connect gateway:<ns>/<name>) reach the same Service, except where a note says why not.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { runCli } from './testing';

const CONVERTED = 'converted.yaml';
const ANNOTATED = 'annotated.yaml';
// An Ingress whose annotations change answers: app-root redirects /, the allow-list refuses outsiders.
const ANNOTATED_YAML = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: default}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: nginx:1.27, ports: [{containerPort: 80}]}]}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: default}
spec: {selector: {app: web}, ports: [{port: 80}]}
---
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata: {name: nginx}
spec: {controller: k8s.io/ingress-nginx}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
  namespace: default
  annotations:
    nginx.ingress.kubernetes.io/app-root: /app
    nginx.ingress.kubernetes.io/whitelist-source-range: 10.0.0.0/8
spec:
  ingressClassName: nginx
  rules:
  - host: web.example.com
    http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}
`;

function cli(argv: string[], converted = '') {
  const given: Record<string, string> = { [CONVERTED]: converted, [ANNOTATED]: ANNOTATED_YAML };
  return runCli(argv, (p) => given[p] ?? readFileSync(p, 'utf8'));
}

interface TraceResult {
  outcome: string;
  status?: number;
  service?: string | null;
  services?: string[];
  backendPod?: string | null;
}
function trace(files: string[], url: string, extra: string[], converted = ''): TraceResult {
  const r = cli(['trace', ...files, '--url', url, ...extra, '--json'], converted);
  expect(r.stderr).toBe('');
  return (JSON.parse(r.stdout) as { results: TraceResult[] }).results[0]!;
}

const cases = [
  {
    scenario: 'scenarios/ingress-fanout-default-backend.json',
    gateway: 'default/nginx',
    ingressConnect: 'ingress:nginx',
    kinds: ['GatewayClass/nginx', 'Gateway/nginx', 'HTTPRoute/test-foo-bar-com', 'HTTPRoute/test-default-backend'],
    same: ['http://foo.bar.com/foo', 'http://foo.bar.com/bar', 'http://foo.bar.com/other', 'http://foo.bar.com/'],
    // ingress-nginx's catch-all server sends any other host to spec.defaultBackend; the Gateway only
    // has a listener for foo.bar.com, so NGINX Gateway Fabric's default server answers 404.
    differ: [{ url: 'http://other.example/x', ingress: 'default/fallback', gateway: 404,
      note: new RegExp('ingress-fanout-default-backend\\.json:\\d+:\\d+: Ingress default/test: ' +
        'spec\\.defaultBackend became HTTPRoute test-default-backend') }],
  },
  {
    scenario: 'scenarios/ingress-nodeport-hosts.json',
    gateway: 'cbuc-test/nginx',
    ingressConnect: 'ingress:nginx',
    kinds: [
      'GatewayClass/nginx',
      'Gateway/nginx',
      'HTTPRoute/ingress-http-dev-cbuc-cn',
      'HTTPRoute/ingress-http-pro-cbuc-cn',
    ],
    same: ['http://dev.cbuc.cn/', 'http://pro.cbuc.cn/index.html'],
    differ: [],
  },
];

describe.each(cases)('netlab convert $scenario --to gateway-api', (c) => {
  const conv = cli(['convert', c.scenario, '--to', 'gateway-api']);
  const docs = parseAllDocuments(conv.stdout).map((d) => d.toJS() as { kind: string; metadata: { name: string } });
  const toGateway = ['--from', 'external', '--connect', `gateway:${c.gateway}`];

  it('prints manifests with the Ingresses replaced and the other objects kept; they load without problems', () => {
    expect(conv.code).toBe(0);
    const original = JSON.parse(readFileSync(c.scenario, 'utf8')) as { objects: { kind: string }[] };
    const kept = original.objects.filter((o) => o.kind !== 'Ingress' && o.kind !== 'IngressClass');
    expect(docs.filter((d) => !d.kind.startsWith('Gateway') && d.kind !== 'HTTPRoute')).toEqual(kept);
    const gatewayApi = docs.filter((d) => d.kind.startsWith('Gateway') || d.kind === 'HTTPRoute');
    expect(gatewayApi.map((d) => `${d.kind}/${d.metadata.name}`)).toEqual(c.kinds);
    const v = cli(['validate', CONVERTED], conv.stdout);
    expect(v.stderr).toBe('');
    expect(v.code).toBe(0);
  });

  it.each(c.same)('%s reaches the same Service through the Ingress and the HTTPRoute', (url) => {
    const viaIngress = trace([c.scenario], url, ['--from', 'external', '--connect', c.ingressConnect]);
    const viaRoute = trace([CONVERTED], url, toGateway, conv.stdout);
    expect(viaIngress).toMatchObject({ outcome: 'response', status: 200 });
    expect(viaRoute).toMatchObject({ outcome: 'response', status: 200, service: viaIngress.service });
  });

  it('the requests that differ are the ones the notes on stderr explain', () => {
    for (const d of c.differ) {
      const viaIngress = trace([c.scenario], d.url, ['--from', 'external', '--connect', c.ingressConnect]);
      const viaRoute = trace([CONVERTED], d.url, toGateway, conv.stdout);
      expect(viaIngress.service).toBe(d.ingress);
      expect(viaRoute.status).toBe(d.gateway);
      expect(conv.stderr).toMatch(d.note);
    }
    expect(conv.stderr.trim().split('\n').filter(Boolean)).toHaveLength(c.differ.length);
  });
});

describe('netlab convert: differences the annotations that do not carry over cause', () => {
  const conv = cli(['convert', ANNOTATED, '--to', 'gateway-api']);
  const toGateway = ['--from', 'external', '--connect', 'gateway:default/nginx'];
  const route = (url: string) => trace([CONVERTED], url, toGateway, conv.stdout);
  const ingress = (url: string) => trace([ANNOTATED], url, ['--from', 'external', '--connect', 'ingress:nginx']);
  it.each([
    ['http://web.example.com/', 302, 'app-root'],
    ['http://web.example.com/x', 403, 'whitelist-source-range'],
  ])('%s: ingress-nginx answers %i itself (%s); the converted route reaches the Service', (url, status, annotation) => {
    expect(conv.code).toBe(0);
    const i = ingress(url);
    expect(i).toMatchObject({ outcome: 'response', status });
    // The controller answered: no pod did (a 403 still names the Service its rule chose, as a 503 does).
    expect(i.backendPod).toBeNull();
    expect(route(url)).toMatchObject({ outcome: 'response', status: 200, service: 'default/web' });
    const where = '^annotated\\.yaml:\\d+:\\d+: Ingress default/web: ';
    const what = `annotation nginx\\.ingress\\.kubernetes\\.io/${annotation} does not carry over: use `;
    expect(conv.stderr).toMatch(new RegExp(where + what, 'm'));
  });
});

describe('netlab convert: annotations on stderr and the command line', () => {
  const MANIFEST = `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
  namespace: shop
  annotations:
    nginx.ingress.kubernetes.io/rewrite-target: /$2
    nginx.ingress.kubernetes.io/affinity: cookie
spec:
  ingressClassName: nginx
  rules:
  - host: shop.example.com
    http: {paths: [{path: /api, pathType: Prefix, backend: {service: {name: api, port: {number: 80}}}}]}
`;
  it('prints file:line:col: Ingress ns/name: annotation X does not carry over: use Y, at the annotation value', () => {
    const r = cli(['convert', CONVERTED, '--to', 'gateway-api'], MANIFEST);
    expect(r.code).toBe(0);
    expect(r.stderr.split('\n')).toEqual([
      'converted.yaml:7:49: Ingress shop/web: annotation nginx.ingress.kubernetes.io/rewrite-target does not carry '
      + 'over: use a URLRewrite filter (ReplacePrefixMatch strips or swaps a path prefix; capture groups like $1 have '
      + 'no Gateway API form)',
      'converted.yaml:8:43: Ingress shop/web: annotation nginx.ingress.kubernetes.io/affinity does not carry over: '
      + 'use HTTPRoute sessionPersistence (experimental channel) or an implementation policy (cookie session affinity '
      + 'has no standard field)',
      '',
    ]);
  });
  it('-o json prints a List; --set gatewayAPI.controllerName names the GatewayClass controller', () => {
    const set = ['--set', 'gatewayAPI.controllerName=example.net/gw'];
    const r = cli(['convert', CONVERTED, '--to', 'gateway-api', '-o', 'json', ...set], MANIFEST);
    const list = JSON.parse(r.stdout) as { kind: string; items: { kind: string; spec: { controllerName?: string } }[] };
    expect(list.kind).toBe('List');
    expect(list.items.map((i) => i.kind)).toEqual(['GatewayClass', 'Gateway', 'HTTPRoute']);
    expect(list.items[0]!.spec.controllerName).toBe('example.net/gw');
  });
  it.each([
    [['convert', CONVERTED], /--to must be one of: gateway-api/],
    [['convert', CONVERTED, '--to', 'istio'], /--to must be one of: gateway-api \(not "istio"\)/],
    [['convert', '--to', 'gateway-api'], /name the files to convert/],
    [['convert', CONVERTED, '--to', 'gateway-api', '-o', 'wide'], /allowed formats are: json,yaml/],
  ])('%j is a usage error', (argv, message) => {
    const r = cli(argv, MANIFEST);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });
});
