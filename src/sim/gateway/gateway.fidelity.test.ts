// Real-nginx fidelity for the Gateway data plane: the nginx.conf, matches.json and njs module the
// simulator renders must pass `nginx -t` with Debian's nginx and libnginx-mod-http-js, and a real
// nginx serving them must route, rewrite, redirect and split like the simulator's evaluator.
// Backends are tiny echo servers on 127.0.2.x (the echo-basic contract: they echo what they got
// and set the headers asked for in X-Echo-Set-Header). Loopback only, as the ingress-nginx
// fidelity suite does. Needs Linux and root (installs nginx-light and libnginx-mod-http-js).

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseAllDocuments } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chiSquareConsistent } from '../../../scripts/fidelity/netns';
import type { KubeObject } from '../api/types';
import { buildLab } from '../assembly/lab';
import { defaultLabSettings } from '../lab';
import { SeededRandom } from '../net/rand';
import { evaluateGateway, type GatewayRequest } from './evaluate';
import { writeGatewayConfigDir } from './files';
import type { RenderedGateway } from './render';

function which(cmd: string): string | null {
  for (const dir of ['/usr/sbin', '/usr/bin', '/sbin', '/bin']) {
    if (spawnSync('test', ['-x', `${dir}/${cmd}`]).status === 0) return `${dir}/${cmd}`;
  }
  return null;
}

function prepare(): { nginx: string | null; skip: string | null } {
  if (process.platform !== 'linux') return { nginx: null, skip: 'nginx fidelity tests need Linux' };
  if (process.getuid?.() !== 0) {
    return { nginx: null, skip: 'nginx fidelity tests need root (to install nginx and run it)' };
  }
  const njs = '/usr/lib/nginx/modules/ngx_http_js_module.so';
  if (!which('nginx') || spawnSync('test', ['-f', njs]).status !== 0) {
    spawnSync('apt-get', ['update'], { stdio: 'ignore', timeout: 240_000 });
    spawnSync('apt-get', ['install', '-y', 'nginx-light', 'libnginx-mod-http-js'], {
      stdio: 'ignore',
      timeout: 240_000,
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  }
  const nginx = which('nginx');
  if (!nginx || spawnSync('test', ['-f', njs]).status !== 0) {
    return { nginx: null, skip: 'could not install nginx-light and libnginx-mod-http-js' };
  }
  return { nginx, skip: null };
}

const env = prepare();
if (env.skip) console.warn(`skipping Gateway nginx fidelity tests: ${env.skip}`);

const NGINX_ADDR = '127.0.0.90';
const PORT = 18090;
const BACKEND_PORT = 19100;
const CLIENT = '127.0.0.6';
/** The RequestMirror backend: it answers like the others and remembers what it got. */
const MIRROR_IP = '127.0.2.4';

function service(name: string, ip: string): string {
  // Selector-less Services with hand-made EndpointSlices (conformance: httproute-service-types).
  return `apiVersion: v1
kind: Service
metadata: {name: ${name}, namespace: default}
spec: {ports: [{port: 8080, targetPort: ${BACKEND_PORT}}]}
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: ${name}-1, namespace: default, labels: {kubernetes.io/service-name: ${name}}}
addressType: IPv4
endpoints: [{addresses: ["${ip}"], conditions: {ready: true}}]
ports: [{port: ${BACKEND_PORT}}]
---
`;
}

const SCENARIO = `apiVersion: gateway.networking.k8s.io/v1
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
  - {name: http, port: ${PORT}, protocol: HTTP}
  - {name: wild-iso, port: ${PORT}, protocol: HTTP, hostname: "*.iso.example"}
  - {name: abc-iso, port: ${PORT}, protocol: HTTP, hostname: abc.iso.example}
---
${['http:v1', 'wild-iso:v2', 'abc-iso:v3'].map((pair) => {
  // Listener isolation: each route names every host, yet a host reaches only its listener's route.
  const [listener, backend] = pair.split(':');
  return `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: iso-${listener}, namespace: default}
spec:
  parentRefs: [{name: gw, sectionName: ${listener}}]
  hostnames: [bar.iso, "*.iso.example", abc.iso.example]
  rules: [{matches: [{path: {value: /iso}}], backendRefs: [{name: ${backend}, port: 8080}]}]
---
`;
}).join('')}${service('v1', '127.0.2.1')}${service('v2', '127.0.2.2')}${service('v3', '127.0.2.3')}
${service('copies', MIRROR_IP)}
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: r, namespace: default}
spec:
  parentRefs: [{name: gw}]
  hostnames: [example.com, "*.wild.example"]
  rules:
  - backendRefs: [{name: v1, port: 8080}]
  - matches: [{path: {type: PathPrefix, value: /v2}}]
    backendRefs: [{name: v2, port: 8080}]
  - matches: [{path: {type: Exact, value: /exact}}]
    backendRefs: [{name: v3, port: 8080}]
  - matches: [{headers: [{name: version, value: two}]}, {queryParams: [{name: animal, value: whale}]}]
    backendRefs: [{name: v2, port: 8080}]
  - matches: [{method: POST, path: {value: /v2}}]
    backendRefs: [{name: v3, port: 8080}]
  - matches: [{path: {value: /redirect}}]
    filters: [{type: RequestRedirect, requestRedirect: {hostname: example.org, statusCode: 301}}]
  - matches: [{path: {value: /https}}]
    filters:
    - type: RequestRedirect
      requestRedirect: {scheme: https, path: {type: ReplaceFullPath, replaceFullPath: /secure}}
  - matches: [{path: {value: /prefix/one}}]
    filters:
    - type: URLRewrite
      urlRewrite: {hostname: rewritten.example, path: {type: ReplacePrefixMatch, replacePrefixMatch: /xyz}}
    - type: RequestHeaderModifier
      requestHeaderModifier: {set: [{name: X-Set, value: one}], add: [{name: X-Add, value: more}], remove: [X-Gone]}
    - type: ResponseHeaderModifier
      responseHeaderModifier: {add: [{name: X-Resp, value: added}], remove: [X-Drop]}
    backendRefs: [{name: v1, port: 8080}]
  - matches: [{path: {value: /add-again}}]
    filters: [{type: RequestHeaderModifier, requestHeaderModifier: {add: [{name: X-Add, value: again}]}}]
    backendRefs: [{name: v2, port: 8080}]
  - matches: [{path: {value: /hdr}, headers: [{name: x-case, value: yes}]}]
    filters: [{type: URLRewrite, urlRewrite: {path: {type: ReplaceFullPath, replaceFullPath: /full}}}]
    backendRefs: [{name: v3, port: 8080}]
  - matches: [{path: {value: /split}}]
    backendRefs: [{name: v1, port: 8080, weight: 3}, {name: v2, port: 8080, weight: 1}]
  - matches: [{path: {value: /half-bad}}]
    backendRefs: [{name: v1, port: 8080, weight: 1}, {name: missing, port: 8080, weight: 1}]
  - matches: [{path: {value: /zero}}]
    backendRefs: [{name: v1, port: 8080, weight: 0}]
  - matches: [{path: {value: /per-backend}}]
    backendRefs:
    - name: v2
      port: 8080
      filters:
      - {type: ResponseHeaderModifier, responseHeaderModifier: {add: [{name: X-Backend, value: v2}]}}
      - {type: RequestHeaderModifier, requestHeaderModifier: {set: [{name: X-To, value: v2}]}}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: mirrors, namespace: default}
spec:
  parentRefs: [{name: gw}]
  hostnames: [example.com]
  rules:
  - matches: [{path: {value: /mirror}}]
    filters:
    - {type: RequestHeaderModifier, requestHeaderModifier: {set: [{name: X-Set, value: mirrored}]}}
    - {type: RequestMirror, requestMirror: {backendRef: {name: copies, port: 8080}}}
    backendRefs: [{name: v1, port: 8080}]
  - matches: [{path: {type: Exact, value: /mirror-none}}]
    filters: [{type: RequestMirror, requestMirror: {backendRef: {name: copies, port: 8080}, percent: 0}}]
    backendRefs: [{name: v1, port: 8080}]
  - matches: [{path: {type: Exact, value: /mirror-half}}]
    filters: [{type: RequestMirror, requestMirror: {backendRef: {name: copies, port: 8080}, percent: 50}}]
    backendRefs: [{name: v1, port: 8080}]
  - matches: [{path: {type: Exact, value: /mirror-gone}}]
    filters: [{type: RequestMirror, requestMirror: {backendRef: {name: gone, port: 8080}}}]
    backendRefs: [{name: v2, port: 8080}]
  - matches: [{path: {value: /mirror-rewrite}}]
    filters:
    - {type: URLRewrite, urlRewrite: {path: {type: ReplacePrefixMatch, replacePrefixMatch: /new}}}
    - {type: RequestMirror, requestMirror: {backendRef: {name: copies, port: 8080}}}
    backendRefs: [{name: v1, port: 8080}]
  - matches: [{path: {type: Exact, value: /per-backend-two}}]
    backendRefs:
    - name: v1
      port: 8080
      filters: [{type: RequestHeaderModifier, requestHeaderModifier: {set: [{name: X-To, value: v1}]}}]
    - {name: v3, port: 8080}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: cors, namespace: default}
spec:
  parentRefs: [{name: gw}]
  hostnames: [example.com]
  rules:
  - matches: [{path: {value: /cors-1}}]
    filters:
    - type: CORS
      cors:
        allowOrigins: ["https://www.foo.com", "https://*.bar.com"]
        allowMethods: [GET, OPTIONS]
        allowHeaders: [x-header-1, x-header-2]
        exposeHeaders: [x-header-3]
        allowCredentials: true
        maxAge: 3600
    backendRefs: [{name: v1, port: 8080}]
  - matches: [{path: {value: /cors-any}, headers: [{name: x-cors, value: "yes"}]}]
    filters: [{type: CORS, cors: {allowOrigins: ["*"], allowMethods: ["*"], allowHeaders: ["*"]}}]
    backendRefs: [{name: v2, port: 8080}]
`;

interface Real {
  status: number;
  headers: http.IncomingHttpHeaders;
  echo: { id: string; method: string; url: string; headers: Record<string, string> } | null;
}

const servers: http.Server[] = [];
/** The requests the mirror backend received (nginx's copies). */
const copies: { url: string; headers: http.IncomingHttpHeaders }[] = [];
let dir = '';
let nginx: ChildProcess | null = null;
let rendered: RenderedGateway;

function startBackend(address: string): Promise<void> {
  const server = http.createServer((req, res) => {
    if (address === MIRROR_IP) copies.push({ url: req.url ?? '', headers: req.headers });
    const set = req.headers['x-echo-set-header'];
    for (const pair of (typeof set === 'string' ? set : '').split(',')) {
      const i = pair.indexOf(':');
      if (i > 0) res.setHeader(pair.slice(0, i).trim(), pair.slice(i + 1).trim());
    }
    res.setHeader('Content-Type', 'application/json');
    res.end(JSON.stringify({ id: address, method: req.method, url: req.url, headers: req.headers }));
  });
  servers.push(server);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(BACKEND_PORT, address, () => resolve());
  });
}

async function waitForPort(host: string, port: number, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect({ host, port }, () => (s.end(), resolve(true)));
      s.on('error', () => resolve(false));
    });
    if (ok) return;
    await sleep(50);
  }
  throw new Error(`nginx did not listen on ${host}:${port}`);
}

function send(r: GatewayRequest): Promise<Real> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: NGINX_ADDR,
        port: PORT,
        path: r.path,
        method: r.method,
        headers: { ...r.headers, Host: r.host },
        localAddress: CLIENT,
        agent: false,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => {
          let echo: Real['echo'] = null;
          try {
            echo = JSON.parse(body) as Real['echo'];
          } catch {
            echo = null;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, echo });
        });
      },
    );
    req.on('error', reject);
    req.end();
  });
}

const request = (host: string, path: string, o: Partial<GatewayRequest> = {}): GatewayRequest => ({
  scheme: 'http',
  host,
  path,
  method: 'GET',
  headers: {},
  clientIP: CLIENT,
  port: PORT,
  ...o,
});

describe.skipIf(env.skip !== null)('Gateway data plane against a real nginx with njs', () => {
  beforeAll(async () => {
    const objects = parseAllDocuments(SCENARIO).map((d) => d.toJS() as KubeObject).filter(Boolean);
    const lab = buildLab({ settings: defaultLabSettings(), objects, clients: [] });
    if (lab.problems.length) throw new Error(lab.problems.map((p) => p.message).join('\n'));
    dir = mkdtempSync(join(tmpdir(), 'netlab-gateway-'));
    chmodSync(dir, 0o755);
    const out = writeGatewayConfigDir({ cluster: lab.cluster, dir, render: { listenAddress: NGINX_ADDR } });
    if ('error' in out) throw new Error(out.error);
    rendered = out.rendered;
    for (const f of out.files) {
      mkdirSync(dirname(join(dir, f.path)), { recursive: true });
      writeFileSync(join(dir, f.path), f.content);
    }
    for (const ip of ['127.0.2.1', '127.0.2.2', '127.0.2.3', MIRROR_IP]) await startBackend(ip);
    const t = spawnSync(env.nginx!, ['-t', '-c', join(dir, 'nginx.conf'), '-p', dir], { encoding: 'utf8' });
    if (t.status !== 0) throw new Error(`nginx -t failed:\n${t.stdout}${t.stderr}`);
    nginx = spawn(env.nginx!, ['-c', join(dir, 'nginx.conf'), '-p', dir, '-g', 'daemon off;'], { stdio: 'ignore' });
    await waitForPort(NGINX_ADDR, PORT, 10_000);
  });

  afterAll(async () => {
    if (nginx && nginx.exitCode === null) {
      await new Promise<void>((resolve) => {
        nginx!.once('exit', () => resolve());
        nginx!.kill('SIGQUIT');
      });
    }
    for (const s of servers) s.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const cases: [string, GatewayRequest][] = [
    ['catch-all', request('example.com', '/')],
    ['prefix /v2', request('example.com', '/v2/x?a=1')],
    ['not element-wise /v2x', request('example.com', '/v2x')],
    ['exact', request('example.com', '/exact')],
    ['header match', request('example.com', '/', { headers: { version: 'two' } })],
    ['query match', request('example.com', '/?animal=whale')],
    ['method match', request('example.com', '/v2', { method: 'POST' })],
    ['wildcard host, several labels', request('a.b.wild.example', '/v2')],
    ['unknown host', request('nowhere.example', '/')],
    ['redirect hostname', request('example.com', '/redirect?q=1')],
    ['redirect scheme and full path', request('example.com', '/https/x')],
    [
      'rewrite prefix, host and headers',
      request('example.com', '/prefix/one/two?z=1', {
        headers: { 'X-Add': 'first', 'X-Gone': 'x', 'X-Echo-Set-Header': 'X-Drop: bye' },
      }),
    ],
    ['add: another rule adds its own value under the same name', request('example.com', '/add-again', {
      headers: { 'X-Add': 'first' },
    })],
    ['add without the header: the value alone', request('example.com', '/add-again')],
    [
      'rewrite full path after a header match',
      request('example.com', '/hdr/deep?k=v', { headers: { 'x-case': 'yes' } }),
    ],
    [
      'header match misses: falls to the catch-all',
      request('example.com', '/hdr/deep', { headers: { 'x-case': 'no' } }),
    ],
    ['all weights zero', request('example.com', '/zero')],
    ['per-backendRef header filters', request('example.com', '/per-backend/x?y=2')],
    ['listener isolation: catch-all listener', request('bar.iso', '/iso')],
    ['listener isolation: wildcard listener', request('x.iso.example', '/iso')],
    ['listener isolation: exact listener', request('abc.iso.example', '/iso')],
    ['listener isolation: no route of the exact listener', request('abc.iso.example', '/other')],
  ];

  it.each(cases)('%s: real nginx and the simulator agree', async (_title, r) => {
    const real = await send(r);
    const sim = evaluateGateway({ rendered, request: r, random: SeededRandom.fromSeed('f', 'gw') });
    expect(real.status).toBe(sim.status);
    if (sim.redirect) expect(real.headers.location).toBe(sim.redirect);
    if (sim.endpoint) {
      expect(real.echo?.id).toBe(sim.endpoint.split(':')[0]);
      expect(real.echo?.url).toBe(sim.upstreamRequest!.path);
      expect(real.echo?.headers.host).toBe(sim.upstreamRequest!.host);
      for (const [k, v] of Object.entries(sim.upstreamRequest!.headers)) {
        if (k.toLowerCase() === 'connection') continue;
        expect(real.echo?.headers[k.toLowerCase()], k).toBe(v);
      }
      // Headers the client itself sent that the simulated request does not model (body framing).
      const framing = (h: string) => h === 'content-length' || h === 'transfer-encoding';
      for (const name of Object.keys(real.echo?.headers ?? {}).filter((h) => !framing(h))) {
        expect(Object.keys(sim.upstreamRequest!.headers).some((k) => k.toLowerCase() === name), name).toBe(true);
      }
      for (const [k, v] of sim.response.add) expect(real.headers[k.toLowerCase()]).toBe(v);
      for (const k of sim.response.hide) expect(real.headers[k.toLowerCase()]).toBeUndefined();
    }
  });

  it('splits by weight as split_clients does (chi-square), and so does the simulator', async () => {
    const n = 400;
    const real = { '127.0.2.1': 0, '127.0.2.2': 0 } as Record<string, number>;
    for (let i = 0; i < n; i++) {
      const r = await send(request('example.com', '/split'));
      real[r.echo!.id] = (real[r.echo!.id] ?? 0) + 1;
    }
    const rand = SeededRandom.fromSeed('split', 'gw');
    const sim = { '127.0.2.1': 0, '127.0.2.2': 0 } as Record<string, number>;
    for (let i = 0; i < n; i++) {
      const d = evaluateGateway({ rendered, request: request('example.com', '/split'), random: rand });
      sim[d.endpoint!.split(':')[0]!]! += 1;
    }
    expect(chiSquareConsistent([real['127.0.2.1']!, real['127.0.2.2']!], [0.75, 0.25]).ok).toBe(true);
    expect(chiSquareConsistent([sim['127.0.2.1']!, sim['127.0.2.2']!], [0.75, 0.25]).ok).toBe(true);
  });

  it('an invalid backend answers 500 for its share (chi-square)', async () => {
    const n = 300;
    let ok = 0;
    let err = 0;
    for (let i = 0; i < n; i++) {
      const r = await send(request('example.com', '/half-bad'));
      if (r.status === 200) ok++;
      else if (r.status === 500) err++;
    }
    expect(ok + err).toBe(n);
    expect(chiSquareConsistent([ok, err], [0.5, 0.5]).ok).toBe(true);
  });

  it.each([
    ['a header change', '/mirror/x?id=copy-1'],
    ['a path rewrite', '/mirror-rewrite/deep?id=copy-2'],
  ])("RequestMirror with %s: the rule's backend answers, the mirror backend gets the copy the simulator says",
    async (_t, path) => {
      const r = request('example.com', path, { headers: { 'X-Gone': 'kept' } });
      const real = await send(r);
      const sim = evaluateGateway({ rendered, request: r, random: SeededRandom.fromSeed('f', 'gw') });
      expect([real.status, real.echo?.id]).toEqual([200, sim.endpoint!.split(':')[0]]);
      expect(real.echo?.url).toBe(sim.upstreamRequest!.path);
      expect(sim.mirrors.map((m) => [m.outcome, m.endpoint])).toEqual([['sent', `${MIRROR_IP}:${BACKEND_PORT}`]]);
      const copy = await copyOf(path.split('?')[1]!);
      const want = sim.mirrors[0]!.upstreamRequest!;
      expect(copy.url).toBe(want.path);
      expect(copy.headers.host).toBe(want.host);
      for (const [k, v] of Object.entries(want.headers)) {
        if (k.toLowerCase() !== 'connection') expect(copy.headers[k.toLowerCase()], k).toBe(v);
      }
    });

  it('RequestMirror percent 0: nginx sends no copy, and the simulator skips every one', async () => {
    const before = copies.length;
    for (let i = 0; i < 20; i++) {
      const r = request('example.com', `/mirror-none?id=none-${i}`);
      expect((await send(r)).echo?.id).toBe('127.0.2.1');
      const sim = evaluateGateway({ rendered, request: r, random: SeededRandom.fromSeed(`n${i}`, 'gw') });
      expect(sim.mirrors.map((m) => [m.outcome, m.status])).toEqual([['skipped', 204]]);
    }
    await sleep(300);
    expect(copies.length).toBe(before);
  });

  it('RequestMirror percent 50: copies for about half of the requests (chi-square), in nginx and the simulator',
    async () => {
      const n = 300;
      const before = copies.length;
      for (let i = 0; i < n; i++) {
        expect((await send(request('example.com', `/mirror-half?id=half-${i}`))).status).toBe(200);
      }
      await sleep(300);
      const real = copies.length - before;
      const rand = SeededRandom.fromSeed('half', 'gw');
      let sim = 0;
      for (let i = 0; i < n; i++) {
        const d = evaluateGateway({ rendered, request: request('example.com', '/mirror-half'), random: rand });
        if (d.mirrors[0]!.outcome === 'sent') sim++;
      }
      expect(chiSquareConsistent([real, n - real], [0.5, 0.5]).ok).toBe(true);
      expect(chiSquareConsistent([sim, n - sim], [0.5, 0.5]).ok).toBe(true);
    });

  it('RequestMirror to a missing Service: nginx answers the copy 500 itself, the request gets 200', async () => {
    const r = request('example.com', '/mirror-gone');
    const real = await send(r);
    const sim = evaluateGateway({ rendered, request: r, random: SeededRandom.fromSeed('f', 'gw') });
    expect([real.status, real.echo?.id]).toEqual([200, '127.0.2.2']);
    expect([sim.status, sim.endpoint]).toEqual([200, `127.0.2.2:${BACKEND_PORT}`]);
    expect(sim.mirrors.map((m) => [m.outcome, m.upstream, m.status])).toEqual([['error', 'invalid-backend-ref', 500]]);
  });

  it('per-backendRef filters over two backends: split_clients picks the internal location, as in the simulator',
    async () => {
      const seen = new Set<string>();
      for (let i = 0; i < 30; i++) {
        const r = request('example.com', '/per-backend-two');
        const real = await send(r);
        const sim = evaluateGateway({ rendered, request: r, random: SeededRandom.fromSeed(`pb${i}`, 'gw') });
        expect([real.status, sim.status]).toEqual([200, 200]);
        // Whichever backend answers, it sees its own backendRef's header change and no other.
        expect(real.echo!.headers['x-to']).toBe(real.echo!.id === '127.0.2.1' ? 'v1' : undefined);
        expect(sim.upstreamRequest!.headers['X-To']).toBe(sim.endpoint!.startsWith('127.0.2.1:') ? 'v1' : undefined);
        seen.add(real.echo!.id);
      }
      expect([...seen].sort()).toEqual(['127.0.2.1', '127.0.2.3']);
    });

  const preflight = (origin: string, path = '/cors-1', more: Record<string, string> = {}) =>
    request('example.com', path, { method: 'OPTIONS', headers: { Origin: origin,
      'Access-Control-Request-Method': 'PUT', 'Access-Control-Request-Headers': 'x-header-1', ...more } });
  it.each([
    ['preflight from an allowed origin', preflight('https://www.foo.com')],
    ['preflight from a wildcard-allowed origin', preflight('https://a.b.bar.com')],
    ['preflight from an origin not allowed', preflight('https://foobar.com')],
    ['request from an allowed origin',
      request('example.com', '/cors-1/x', { headers: { Origin: 'https://www.foo.com' } })],
    ['request without an Origin', request('example.com', '/cors-1')],
    ['preflight after a header match: "*" echoes what it asks', preflight('https://any.example', '/cors-any',
      { 'x-cors': 'yes' })],
  ])('CORS, %s: nginx and the simulator answer with the same status and Access-Control-* headers', async (_t, r) => {
    const real = await send(r);
    const sim = evaluateGateway({ rendered, request: r, random: SeededRandom.fromSeed('f', 'gw') });
    expect(real.status).toBe(sim.status);
    const cors = (pairs: [string, string][]) => Object.fromEntries(pairs.filter(([k]) =>
      k.toLowerCase().startsWith('access-control-')).map(([k, v]) => [k.toLowerCase(), v]));
    const realPairs = Object.entries(real.headers).map(([k, v]): [string, string] => [k, String(v)]);
    expect(cors(realPairs)).toEqual(cors(sim.response.add));
    if (r.method === 'OPTIONS') expect(sim.endpoint).toBeNull();
  });
});

/** The copy the mirror backend received whose URL contains `marker` (nginx sends it in the background). */
async function copyOf(marker: string): Promise<(typeof copies)[number]> {
  for (let i = 0; i < 100; i++) {
    const c = copies.find((x) => x.url.includes(marker));
    if (c) return c;
    await sleep(20);
  }
  throw new Error(`the mirror backend got no copy of ${marker}`);
}
