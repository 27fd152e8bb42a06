// The public CLI contract of the Gateway API features: trace --connect gateway:<ns>/<name>[:<port>]
// with --json, get gatewayclasses|gateways|httproutes|referencegrants, gateway-config, and
// --set gatewayAPI.controllerName.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readerOf, runCli } from './testing';

const GW = `apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata: {name: acme}
spec: {controllerName: example.net/acme-controller}
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: gw, namespace: infra}
spec:
  gatewayClassName: acme
  listeners: [{name: http, port: 80, protocol: HTTP, allowedRoutes: {namespaces: {from: All}}}]
---
apiVersion: v1
kind: Namespace
metadata: {name: infra}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: echo, namespace: default}
spec:
  replicas: 1
  selector: {matchLabels: {app: echo}}
  template:
    metadata: {labels: {app: echo}}
    spec:
      containers:
      - {name: echo, image: gcr.io/k8s-staging-gateway-api/echo-basic:v1, ports: [{containerPort: 3000}]}
---
apiVersion: v1
kind: Service
metadata: {name: echo, namespace: default}
spec: {selector: {app: echo}, ports: [{port: 8080, targetPort: 3000}]}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: r, namespace: default}
spec:
  parentRefs: [{name: gw, namespace: infra}]
  hostnames: [example.com]
  rules:
  - matches: [{path: {type: PathPrefix, value: /api}}]
    filters:
    - {type: RequestHeaderModifier, requestHeaderModifier: {add: [{name: X-Gw, value: "1"}]}}
    - {type: ResponseHeaderModifier, responseHeaderModifier: {add: [{name: X-Out, value: b}]}}
    backendRefs: [{name: echo, port: 8080}]
`;

function cli(argv: string[]) {
  return runCli(argv, readerOf({ 'gw.yaml': GW }));
}

const SET = ['--set', 'gatewayAPI.controllerName=example.net/acme-controller'];

describe('netlab trace --connect gateway:<ns>/<name>', () => {
  it('prints the JSON contract: the backend view, services, response headers joined with commas', () => {
    const r = cli([
      ...['trace', 'gw.yaml', ...SET, '--from', 'external:203.0.113.9', '--url', 'http://example.com:8080/api/v1?x=1'],
      ...['--connect', 'gateway:infra/gw:80', '-H', 'X-Gw: 0', '-H', 'X-Echo-Set-Header: X-Out: a', '--json'],
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const res = (JSON.parse(r.stdout) as { results: Record<string, unknown>[] }).results[0]!;
    expect(res).toMatchObject({ outcome: 'response', status: 200, service: 'default/echo', fault: null });
    expect(res.services).toEqual(['infra/gw-acme', 'default/echo']);
    expect(res.backendPod).toMatch(/^default\/echo-/);
    type Backend = { host: string; path: string; method: string; headers: Record<string, string>; sourceIP: string };
    const backend = res.backend as Backend;
    expect(backend).toMatchObject({ host: 'example.com:8080', path: '/api/v1?x=1', method: 'GET' });
    expect(backend.headers['X-Gw']).toBe('0,1');
    expect((res.responseHeaders as Record<string, string>)['X-Out']).toBe('a,b');
    const hops = res.hops as { rules: { artifact: string; text: string }[] }[];
    expect(hops.some((h) => h.rules.some((x) => x.artifact === 'gateway/infra/gw/nginx.conf'))).toBe(true);
  });

  it('without the controller name set, the class is not served and the trace says why', () => {
    const toGateway = ['--connect', 'gateway:infra/gw', '--json'];
    const r = cli(['trace', 'gw.yaml', '--from', 'external', '--url', 'http://example.com/api', ...toGateway]);
    const res = (JSON.parse(r.stdout) as { results: { outcome: string; fault: { message: string } }[] }).results[0]!;
    expect(res.outcome).toBe('unreachable');
    expect(res.fault.message).toContain('controllerName');
  });
});

describe('netlab get and gateway-config', () => {
  it('get httproutes -A -o json carries status.parents with the controller name', () => {
    const r = cli(['get', 'gw.yaml', ...SET, 'httproutes', '-A', '-o', 'json']);
    expect(r.code).toBe(0);
    type Parent = { controllerName: string; conditions: { type: string; status: string }[] };
    const list = JSON.parse(r.stdout) as { items: { status: { parents: Parent[] } }[] };
    const p = list.items[0]!.status.parents[0]!;
    expect(p.controllerName).toBe('example.net/acme-controller');
    expect(p.conditions.map((c) => `${c.type}=${c.status}`)).toEqual(['Accepted=True', 'ResolvedRefs=True']);
  });
  it('get gateways prints the CRD printer columns', () => {
    const r = cli(['get', 'gw.yaml', ...SET, 'gateways', '-n', 'infra']);
    expect(r.stdout.split('\n')[0]).toMatch(/^NAME\s+CLASS\s+ADDRESS\s+PROGRAMMED\s+AGE$/);
    expect(r.stdout).toMatch(/gw\s+acme\s+\d+\.\d+\.\d+\.\d+\s+True/);
  });
  it('gateway-config --out writes nginx.conf, matches.json and the njs module', () => {
    const dir = mkdtempSync(join(tmpdir(), 'netlab-gwcfg-'));
    try {
      const r = cli(['gateway-config', 'gw.yaml', ...SET, '--out', dir]);
      expect(r.code).toBe(0);
      const conf = readFileSync(join(dir, 'nginx.conf'), 'utf8');
      expect(conf).toContain(`js_import ${dir}/njs/httpmatches.js;`);
      expect(conf).toContain('server_name example.com;');
      expect(JSON.parse(readFileSync(join(dir, 'conf.d/matches.json'), 'utf8'))).toEqual({});
      expect(readFileSync(join(dir, 'njs/httpmatches.js'), 'utf8')).toContain('export default { redirect }');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
