// Real-nginx fidelity: every generated nginx.conf must pass `nginx -t`, and a real nginx serving it
// on loopback must route like the simulator's matcher (same backend, status, path, headers,
// redirect). Backends are tiny Node servers on distinct 127.0.x.y addresses that echo what they
// received. Loopback only: nothing leaves the machine. Needs Linux, root and Debian's nginx
// (installed here when missing).

import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FixtureCluster } from '../fixtures';
import { fixtureCluster, fixtureTlsSecret } from '../fixtures';
import { FAKE_CERTIFICATE_KEY_PEM, FAKE_CERTIFICATE_PEM } from './fake-cert';
import type { NginxConfigFile } from './files';
import { writeNginxConfigDir } from './files';
import type { NginxBlock, NginxNode } from './conf';
import { b, d, renderConf as renderNginxNodes } from './conf';
import { artifactText } from '../../artifact';
import type { IngressRequest, NginxDecision } from './match';
import { matchNginx, newBalancerState } from './match';
import { seed001Cluster } from '../fixtures';
import { renderNotes } from '../../notes';

// ---------------------------------------------------------------- environment

function which(cmd: string): string | null {
  for (const dir of ['/usr/sbin', '/usr/bin', '/sbin', '/bin', '/usr/local/sbin', '/usr/local/bin']) {
    if (spawnSync('test', ['-x', `${dir}/${cmd}`]).status === 0) return `${dir}/${cmd}`;
  }
  return null;
}

function prepare(): { nginx: string | null; skip: string | null } {
  if (process.platform !== 'linux') return { nginx: null, skip: 'nginx fidelity tests need Linux' };
  if (process.getuid?.() !== 0) {
    return { nginx: null, skip: 'nginx fidelity tests need root (to install nginx and run it)' };
  }
  let nginx = which('nginx');
  if (!nginx) {
    spawnSync('apt-get', ['update'], { stdio: 'ignore', timeout: 240_000 });
    for (const pkg of ['nginx-light', 'nginx']) {
      const r = spawnSync('apt-get', ['install', '-y', pkg], {
        stdio: 'ignore',
        timeout: 240_000,
        env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      });
      if (r.status === 0) break;
    }
    nginx = which('nginx');
    if (!nginx) return { nginx: null, skip: 'nginx is not installed and apt-get install nginx-light/nginx failed' };
  }
  return { nginx, skip: null };
}

const env = prepare();
if (env.skip) console.warn(`skipping nginx fidelity tests: ${env.skip}`);

// ---------------------------------------------------------------- loopback layout

const NGINX_ADDR = '127.0.0.80';
const HTTP_PORT = 18080;
const HTTPS_PORT = 18443;
const INTERNAL = { address: '127.0.0.81', port: 18181 };
const CLIENT_ADDR = '127.0.0.5';
const BACKEND_PORT = 19000;
/** Backend "pods": Service name -> loopback addresses. */
const ep = (n: number) => `127.0.1.${n}`;

const backends: http.Server[] = [];

function startBackend(address: string, port: number): Promise<void> {
  const server = http.createServer((req, res) => {
    res.setHeader('Content-Type', 'application/json');
    res.end(JSON.stringify({ id: `${address}:${port}`, method: req.method, url: req.url, headers: req.headers }));
  });
  backends.push(server);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, address, () => resolve());
  });
}

interface RealResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  echo: { id: string; method: string; url: string; headers: Record<string, string> } | null;
}

function send(r: IngressRequest): Promise<RealResponse> {
  const headers: Record<string, string> = { Host: r.host, ...(r.headers ?? {}) };
  if (r.cookies) headers['Cookie'] = Object.entries(r.cookies).map(([k, v]) => `${k}=${v}`).join('; ');
  const opts = {
    host: NGINX_ADDR,
    port: r.scheme === 'https' ? HTTPS_PORT : HTTP_PORT,
    path: r.path,
    method: r.method ?? 'GET',
    headers,
    localAddress: r.clientIP,
    agent: false as const,
  };
  return new Promise((resolve, reject) => {
    const done = (res: http.IncomingMessage) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => {
        let echo: RealResponse['echo'] = null;
        try {
          echo = JSON.parse(body) as RealResponse['echo'];
        } catch {
          echo = null;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, echo });
      });
    };
    const req =
      r.scheme === 'https'
        ? https.request({ ...opts, servername: r.host.replace(/:\d+$/, ''), rejectUnauthorized: false }, done)
        : http.request(opts, done);
    req.on('error', reject);
    req.end();
  });
}

function canConnect(address: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: address, port }, () => {
      s.destroy();
      resolve(true);
    });
    s.on('error', () => {
      s.destroy();
      resolve(false);
    });
  });
}

async function waitForPort(address: string, port: number, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await canConnect(address, port))) {
    if (Date.now() > deadline) throw new Error(`nothing listens on ${address}:${port}`);
    await sleep(50);
  }
}

interface RunningNginx {
  dir: string;
  child: ChildProcess;
  nodes: NginxNode[];
}

type Source = { files: NginxConfigFile[]; nodes: NginxNode[] };

function fromCluster(cluster: ReturnType<typeof fixtureCluster>): Source {
  const out = writeNginxConfigDir({
    cluster,
    className: 'nginx',
    render: {
      listen: { http: `${NGINX_ADDR}:${HTTP_PORT}`, https: `${NGINX_ADDR}:${HTTPS_PORT}` },
      internalDefaultServer: INTERNAL,
    },
  });
  return { files: out.files, nodes: out.rendered.nodes };
}

function writeDir(source: Source): string {
  const dir = mkdtempSync(join(tmpdir(), 'netlab-nginx-'));
  chmodSync(dir, 0o755);
  for (const f of source.files) {
    mkdirSync(dirname(join(dir, f.path)), { recursive: true });
    writeFileSync(join(dir, f.path), f.content);
  }
  return dir;
}

function nginxTest(dir: string): { ok: boolean; output: string } {
  const r = spawnSync(
    env.nginx!,
    ['-t', '-c', join(dir, 'nginx.conf'), '-p', `${dir}/`, '-e', join(dir, 'error.log')],
    { encoding: 'utf8' },
  );
  return { ok: r.status === 0, output: `${r.stdout}${r.stderr}` };
}

async function startNginx(source: Source): Promise<RunningNginx> {
  const dir = writeDir(source);
  const t = nginxTest(dir);
  if (!t.ok) throw new Error(`nginx -t failed:\n${t.output}`);
  const child = spawn(
    env.nginx!,
    ['-c', join(dir, 'nginx.conf'), '-p', `${dir}/`, '-e', join(dir, 'error.log'), '-g', 'daemon off;'],
    { stdio: 'ignore' },
  );
  await waitForPort(NGINX_ADDR, HTTP_PORT, 5000);
  return { dir, child, nodes: source.nodes };
}

function stopNginx(n: RunningNginx): Promise<void> {
  return new Promise((resolve) => {
    if (n.child.exitCode !== null) return resolve();
    n.child.once('exit', () => {
      rmSync(n.dir, { recursive: true, force: true });
      resolve();
    });
    n.child.kill('SIGQUIT');
  });
}

// ---------------------------------------------------------------- scenarios

interface Case {
  title: string;
  request: Partial<IngressRequest> & { host: string; path: string };
}

function request(c: Case): IngressRequest {
  return { scheme: 'http', clientIP: CLIENT_ADDR, ...c.request };
}

function simulate(n: RunningNginx, r: IngressRequest, state: ReturnType<typeof newBalancerState>): NginxDecision {
  return matchNginx({
    nodes: n.nodes,
    request: { ...r, port: r.scheme === 'https' ? HTTPS_PORT : HTTP_PORT, localAddress: NGINX_ADDR },
    balancer: state,
  });
}

function compare(sim: NginxDecision, real: RealResponse) {
  expect(real.status, renderNotes('en', sim.notes)).toBe(sim.status);
  if (sim.outcome === 'redirect') expect(real.headers.location).toBe(sim.redirect);
  if (sim.outcome === 'proxy' && !sim.defaultBackend) {
    expect(real.echo, 'a backend answered').not.toBeNull();
    expect(real.echo!.id).toBe(sim.endpoint);
    expect(real.echo!.url).toBe(sim.upstreamRequest!.path);
    const h = sim.upstreamRequest!.headers;
    expect(real.echo!.headers.host).toBe(h['Host']);
    expect(real.echo!.headers['x-real-ip']).toBe(h['X-Real-IP']);
    expect(real.echo!.headers['x-forwarded-for']).toBe(h['X-Forwarded-For']);
    expect(real.echo!.headers['x-forwarded-proto']).toBe(h['X-Forwarded-Proto']);
  } else {
    expect(real.echo, 'no backend pod answered').toBeNull();
  }
}

const svc = (name: string, eps: number[], extra: Partial<NonNullable<FixtureCluster['services']>[number]> = {}) => ({
  name,
  port: 80,
  targetPort: BACKEND_PORT,
  endpoints: eps.map(ep),
  ...extra,
});

// Scenario 1: seed 001 (hosts, catch-all default backend), with its pods on loopback.
function hostsCluster() {
  const c = seed001Cluster();
  const eps: Record<string, number[]> = { s1: [11], s2: [12, 13], testsvc: [14], kibana: [15], elasticsearch: [16] };
  for (const s of c.endpointSlices) {
    const name = s.metadata.labels!['kubernetes.io/service-name']!;
    s.endpoints = eps[name]!.map(
      (n, i) => ({ addresses: [ep(n)], conditions: { ready: true }, targetRef: { kind: 'Pod', name: `${name}-${i}` } }),
    );
    s.ports = [{ port: BACKEND_PORT, protocol: 'TCP' }];
  }
  return c;
}

const hostCases: Case[] = [
  { title: 'foo.bar.com /foo (exact location of Prefix /foo)', request: { host: 'foo.bar.com', path: '/foo' } },
  { title: 'foo.bar.com /foo/', request: { host: 'foo.bar.com', path: '/foo/' } },
  { title: 'foo.bar.com /foo/x?y=1 keeps path and query', request: { host: 'foo.bar.com', path: '/foo/x?y=1' } },
  {
    title: 'foo.bar.com /foobar is not under Prefix /foo: default backend 404',
    request: { host: 'foo.bar.com', path: '/foobar' },
  },
  { title: 'foo.bar.com /bar: first pod', request: { host: 'foo.bar.com', path: '/bar' } },
  { title: 'foo.bar.com /bar/x: round robin, second pod', request: { host: 'foo.bar.com', path: '/bar/x' } },
  { title: 'foo.bar.com /bar: round robin, first pod again', request: { host: 'foo.bar.com', path: '/bar' } },
  { title: 'Host is case-insensitive', request: { host: 'FOO.BAR.COM', path: '/foo' } },
  { title: 'Host with a port', request: { host: `foo.bar.com:${HTTP_PORT}`, path: '/foo' } },
  { title: 'dot segments are resolved before matching', request: { host: 'foo.bar.com', path: '/x/../foo' } },
  { title: 'caas.one /kibana', request: { host: 'caas.one', path: '/kibana' } },
  { title: 'caas.one /kibana/app', request: { host: 'caas.one', path: '/kibana/app' } },
  { title: 'caas.one /es: another host\'s path, 404', request: { host: 'caas.one', path: '/es' } },
  { title: 'jingru.io /es/_search', request: { host: 'jingru.io', path: '/es/_search' } },
  {
    title: 'unknown host: the catch-all Ingress (defaultBackend only)',
    request: { host: 'unknown.example', path: '/anything' },
  },
  { title: 'POST is proxied the same way', request: { host: 'unknown.example', path: '/submit', method: 'POST' } },
  { title: 'the default server answers /healthz itself', request: { host: 'unknown.example', path: '/healthz' } },
];

// Scenario 2: every pathType case, wildcards, a rule without host.
function pathsCluster() {
  return fixtureCluster({
    services: [
      svc('exact', [21]),
      svc('prefix', [22]),
      svc('aaa', [23]),
      svc('bbb', [24]),
      svc('impl', [25]),
      svc('trail', [26]),
      svc('wild', [27]),
      svc('nohost', [28]),
    ],
    ingresses: [
      {
        name: 'paths',
        rules: [
          {
            host: 'p.com',
            paths: [
              { path: '/foo', pathType: 'Exact', service: 'exact', port: 80 },
              { path: '/foo', pathType: 'Prefix', service: 'prefix', port: 80 },
              { path: '/aaa', pathType: 'Prefix', service: 'aaa', port: 80 },
              { path: '/aaa/bbb', pathType: 'Prefix', service: 'bbb', port: 80 },
              { path: '/impl', pathType: 'ImplementationSpecific', service: 'impl', port: 80 },
              { path: '/trail/', pathType: 'Prefix', service: 'trail', port: 80 },
            ],
          },
          { host: '*.w.com', paths: [{ path: '/', service: 'wild', port: 80 }] },
          { paths: [{ path: '/nohost', service: 'nohost', port: 80 }] },
        ],
      },
    ],
  });
}

const pathCases: Case[] = [
  { title: 'Exact /foo beats Prefix /foo for /foo', request: { host: 'p.com', path: '/foo' } },
  { title: 'Prefix /foo for /foo/', request: { host: 'p.com', path: '/foo/' } },
  { title: 'Prefix /foo for /foo/bar', request: { host: 'p.com', path: '/foo/bar' } },
  { title: 'Exact /foo does not match /foo/bar', request: { host: 'p.com', path: '/foo/bar/baz' } },
  { title: 'longest Prefix wins: /aaa/bbb', request: { host: 'p.com', path: '/aaa/bbb' } },
  { title: '/aaa/bbb does not cover /aaa/bbbxyz; /aaa does', request: { host: 'p.com', path: '/aaa/bbbxyz' } },
  { title: 'Prefix /aaa does not match /aaaccc: 404', request: { host: 'p.com', path: '/aaaccc' } },
  {
    title: 'ImplementationSpecific is Prefix in the store: /implementation does not match /impl',
    request: { host: 'p.com', path: '/implementation' },
  },
  { title: 'ImplementationSpecific /impl (a Prefix) matches /impl/x', request: { host: 'p.com', path: '/impl/x' } },
  {
    title: 'Prefix /trail/ is `location /trail/` + `= /trail/`: /trail gets nginx\'s 301 to /trail/',
    request: { host: 'p.com', path: '/trail' },
  },
  { title: 'the 301 keeps the query and names the listening port', request: { host: 'p.com', path: '/trail?x=1' } },
  { title: 'Prefix /trail/ for /trail/ (its exact location)', request: { host: 'p.com', path: '/trail/' } },
  { title: 'Prefix /trail/ matches /trail/x', request: { host: 'p.com', path: '/trail/x' } },
  { title: 'case-sensitive paths: /FOO is not /foo', request: { host: 'p.com', path: '/FOO' } },
  { title: 'wildcard *.w.com matches x.w.com', request: { host: 'x.w.com', path: '/' } },
  { title: 'wildcard covers one label only: a.b.w.com', request: { host: 'a.b.w.com', path: '/' } },
  { title: 'wildcard does not match w.com itself', request: { host: 'w.com', path: '/' } },
  { title: 'a rule without host serves unknown hosts', request: { host: 'other.example', path: '/nohost' } },
  {
    title: 'a rule without host does not extend a named host (ingress-nginx)',
    request: { host: 'p.com', path: '/nohost' },
  },
];

// Scenario 3: 503, TLS redirects, rewrite, whitelist, app-root, service-upstream, affinity.
function annotationsCluster() {
  const k = (s: string) => `nginx.ingress.kubernetes.io/${s}`;
  return fixtureCluster({
    services: [
      svc('down', [31]),
      svc('web', [32]),
      svc('rw', [33]),
      svc('plain', [34]),
      svc('wl', [35]),
      svc('app', [36]),
      { name: 'su', port: BACKEND_PORT, clusterIP: '127.0.2.1', endpoints: [ep(37)] },
      svc('sticky', [38]),
    ].map((s) => (s.name === 'down' ? { ...s, endpoints: s.endpoints.map((e) => `!${e}`) } : s)),
    secrets: [fixtureTlsSecret('s-tls', FAKE_CERTIFICATE_PEM, FAKE_CERTIFICATE_KEY_PEM)],
    ingresses: [
      { name: 'down', rules: [{ host: 'd.com', paths: [{ path: '/app', service: 'down', port: 80 }] }] },
      {
        name: 'tls', tls: [{ hosts: ['s.com'], secretName: 's-tls' }],
        rules: [{ host: 's.com', paths: [{ path: '/', service: 'web', port: 80 }] }],
      },
      {
        name: 'tls-path', tls: [{ hosts: ['t.com'], secretName: 's-tls' }],
        rules: [{ host: 't.com', paths: [{ path: '/only', service: 'web', port: 80 }] }],
      },
      {
        name: 'tls-off', tls: [{ hosts: ['o.com'], secretName: 's-tls' }],
        annotations: { [k('ssl-redirect')]: 'false' },
        rules: [{ host: 'o.com', paths: [{ path: '/', service: 'web', port: 80 }] }],
      },
      {
        name: 'force', annotations: { [k('force-ssl-redirect')]: 'true' },
        rules: [{ host: 'f.com', paths: [{ path: '/', service: 'web', port: 80 }] }],
      },
      {
        name: 'rewrite',
        annotations: { [k('rewrite-target')]: '/$2', [k('use-regex')]: 'true' },
        rules: [
          {
            host: 'r.com',
            paths: [{ path: '/something(/|$)(.*)', pathType: 'ImplementationSpecific', service: 'rw', port: 80 }],
          },
        ],
      },
      { name: 'plain', rules: [{ host: 'r.com', paths: [{ path: '/plain', service: 'plain', port: 80 }] }] },
      {
        name: 'rewrite-root', annotations: { [k('rewrite-target')]: '/' },
        rules: [{ host: 'r2.com', paths: [{ path: '/app', service: 'rw', port: 80 }] }],
      },
      {
        name: 'wl', annotations: { [k('whitelist-source-range')]: `${CLIENT_ADDR}/32` },
        rules: [{ host: 'wl.com', paths: [{ path: '/', service: 'wl', port: 80 }] }],
      },
      {
        name: 'approot', annotations: { [k('app-root')]: '/app1' },
        rules: [{ host: 'ar.com', paths: [{ path: '/', service: 'app', port: 80 }] }],
      },
      {
        name: 'su', annotations: { [k('service-upstream')]: 'true' },
        rules: [{ host: 'su.com', paths: [{ path: '/', service: 'su', port: BACKEND_PORT }] }],
      },
      {
        name: 'sticky', annotations: { [k('affinity')]: 'cookie' },
        rules: [{ host: 'st.com', paths: [{ path: '/', service: 'sticky', port: 80 }] }],
      },
    ],
  });
}

const annotationCases: Case[] = [
  { title: 'a Service with no ready endpoints: 503', request: { host: 'd.com', path: '/app' } },
  { title: 'same host, unmatched path: 404', request: { host: 'd.com', path: '/other' } },
  { title: 'TLS host over http: 308 to https', request: { host: 's.com', path: '/x?q=1' } },
  {
    title: 'TLS host over https: proxied with X-Forwarded-Proto https',
    request: { host: 's.com', path: '/x?q=1', scheme: 'https' },
  },
  { title: 'ssl-redirect "false": http is served', request: { host: 'o.com', path: '/' } },
  { title: 'TLS host, unmatched path over http: 308 as well', request: { host: 't.com', path: '/other' } },
  {
    title: 'TLS host, unmatched path over https: default backend 404',
    request: { host: 't.com', path: '/other', scheme: 'https' },
  },
  { title: 'force-ssl-redirect without certificate: 308', request: { host: 'f.com', path: '/a/b' } },
  {
    title: 'host without TLS over https gets the default certificate and is proxied',
    request: { host: 'f.com', path: '/a', scheme: 'https' },
  },
  { title: 'rewrite-target /$2 keeps the captured rest', request: { host: 'r.com', path: '/something/new/path?x=1' } },
  { title: 'rewrite-target with nothing captured gives /', request: { host: 'r.com', path: '/something' } },
  {
    title: 'use-regex makes the host\'s other paths case-insensitive regexes',
    request: { host: 'r.com', path: '/PLAIN/x' },
  },
  { title: 'regex paths: no match falls to the default backend', request: { host: 'r.com', path: '/nothing' } },
  {
    title: 'rewrite-target / without captures replaces the whole URI, query kept',
    request: { host: 'r2.com', path: '/app/deep/page?x=1' },
  },
  {
    title: 'without use-regex the path is still a regex prefix: /application',
    request: { host: 'r2.com', path: '/application' },
  },
  { title: 'whitelist-source-range: allowed client', request: { host: 'wl.com', path: '/' } },
  {
    title: 'whitelist-source-range: other client gets 403',
    request: { host: 'wl.com', path: '/', clientIP: '127.0.0.6' },
  },
  { title: 'app-root redirects / with 302', request: { host: 'ar.com', path: '/' } },
  { title: 'app-root leaves other paths alone', request: { host: 'ar.com', path: '/app1' } },
  { title: 'service-upstream proxies to the ClusterIP', request: { host: 'su.com', path: '/' } },
  {
    title: 'cookie affinity: the location routes to its upstream (the cookie itself is the modelled Lua balancer)',
    request: { host: 'st.com', path: '/', cookies: { INGRESSCOOKIE: 'unknown' } },
  },
];

// Scenario 4: the generic evaluator on a configuration no controller writes (server_name wildcards
// and regexes, `^~`, regex order, `=`), so the matcher is checked as nginx, not as our renderer.
function handWritten(): Source {
  const listen = `${NGINX_ADDR}:${HTTP_PORT}`;
  const to = (id: string, path: string[], upstream: string): NginxBlock =>
    b(`loc:${id}`, 'location', path, [d('proxy_pass', `http://${upstream}`)]);
  const upstream = (name: string, n: number) =>
    b(`up:${name}`, 'upstream', [name], [d('server', `${ep(n)}:${BACKEND_PORT}`)]);
  const nodes: NginxNode[] = [
    d('worker_processes', '1'),
    d('pid', 'nginx.pid'),
    d('error_log', 'error.log'),
    b('events', 'events', [], [d('worker_connections', '64')]),
    b('http', 'http', [], [
      d('access_log', 'off'),
      ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => d(`${t}_temp_path`, `tmp/${t}`)),
      d('proxy_set_header', 'Host', '$host'),
      d('proxy_set_header', 'X-Real-IP', '$remote_addr'),
      d('proxy_set_header', 'X-Forwarded-For', '$remote_addr'),
      d('proxy_set_header', 'X-Forwarded-Proto', '$scheme'),
      upstream('a', 11),
      upstream('b', 12),
      upstream('c', 13),
      upstream('d', 14),
      upstream('e', 15),
      upstream('f', 16),
      b('srv:first', 'server', [], [d('listen', listen), d('server_name', 'first.example'), to('first', ['/'], 'a')]),
      b('srv:main', 'server', [], [
        d('listen', listen, 'default_server'),
        d('server_name', 'main.example', '*.wild.example', 'www.*'),
        to('exact', ['=', '/exact'], 'a'),
        to('prefix', ['/static/'], 'b'),
        to('noregex', ['^~', '/assets/'], 'c'),
        to('php', ['~', '\\.php$'], 'd'),
        to('jpg', ['~*', '\\.JPG$'], 'e'),
        to('root', ['/'], 'f'),
        to('dir', ['/dir/'], 'a'),
        to('dirre', ['~', '^/dir$'], 'b'),
        to('named', ['/named'], 'c'),
        to('named-slash', ['/named/'], 'd'),
        b('loc:ret', 'location', ['/ret/'], [d('return', '200')]),
      ]),
      b('srv:regex', 'server', [], [
        d('listen', listen),
        d('server_name', '~^api-(?<n>\\d+)\\.example$'),
        to('api', ['/'], 'b'),
      ]),
    ]),
  ];
  const text = artifactText(renderNginxNodes('test', 'hand-written', nodes));
  return { files: [{ path: 'nginx.conf', content: text }, { path: 'tmp/.keep', content: '' }], nodes };
}

const handWrittenCases: Case[] = [
  { title: '= /exact beats every other location', request: { host: 'main.example', path: '/exact' } },
  { title: 'regexes beat a plain prefix: /static/x.php', request: { host: 'main.example', path: '/static/x.php' } },
  { title: '^~ stops the regex search: /assets/x.php', request: { host: 'main.example', path: '/assets/x.php' } },
  {
    title: 'the first matching regex wins, ~* ignores case: /a.jpg', request: { host: 'main.example', path: '/a.jpg' },
  },
  {
    title: '~ is case-sensitive: /a.PHP falls to the longest prefix', request: { host: 'main.example', path: '/a.PHP' },
  },
  {
    title: 'exact location does not match a longer path: /exact/more',
    request: { host: 'main.example', path: '/exact/more' },
  },
  { title: 'server_name *.wild.example', request: { host: 'x.y.wild.example', path: '/static/' } },
  { title: 'server_name www.*', request: { host: 'www.anything.org', path: '/exact' } },
  { title: 'server_name regex with a named capture', request: { host: 'api-42.example', path: '/' } },
  {
    title: 'an unknown host goes to the default_server, not the first server',
    request: { host: 'nobody.example', path: '/' },
  },
  { title: 'the first server by exact name', request: { host: 'first.example', path: '/exact' } },
  {
    title: 'auto-redirect: /dir is one slash short of proxying /dir/: 301, before any regex',
    request: { host: 'main.example', path: '/dir' },
  },
  { title: 'auto-redirect keeps the query', request: { host: 'main.example', path: '/dir?a=b' } },
  {
    title: 'no auto-redirect where a location has the URI\'s own name: /named',
    request: { host: 'main.example', path: '/named' },
  },
  { title: 'no auto-redirect for a location that only returns: /ret', request: { host: 'main.example', path: '/ret' } },
];

// ---------------------------------------------------------------- the tests

describe.skipIf(env.skip !== null)('generated nginx.conf in a real nginx (loopback)', () => {
  beforeAll(async () => {
    const addrs = [11, 12, 13, 14, 15, 16, 21, 22, 23, 24, 25, 26, 27, 28, 31, 32, 33, 34, 35, 36, 37, 38].map(ep);
    await Promise.all(addrs.map((a) => startBackend(a, BACKEND_PORT)));
    await startBackend('127.0.2.1', BACKEND_PORT); // the "ClusterIP" of Service su
  });
  afterAll(async () => {
    await Promise.all(backends.map((s) => new Promise<void>((r) => s.close(() => r()))));
  });

  it('nginx -t accepts the configuration of every scenario, ' +
    'the seed example and the seeds\' default backend install', () => {
    for (const cluster of [
      seed001Cluster(),
      hostsCluster(),
      pathsCluster(),
      annotationsCluster(),
      fixtureCluster({}),
    ]) {
      const dir = writeDir(fromCluster(cluster));
      const t = nginxTest(dir);
      rmSync(dir, { recursive: true, force: true });
      expect(t.ok, t.output).toBe(true);
    }
  });

  it('use-proxy-protocol: nginx -t accepts listen ... proxy_protocol with real_ip_header; ' +
    'nginx answers a stream that starts with a PROXY header and closes one without', async () => {
    const out = writeNginxConfigDir({
      cluster: hostsCluster(),
      className: 'nginx',
      render: {
        listen: { http: `${NGINX_ADDR}:${HTTP_PORT}`, https: `${NGINX_ADDR}:${HTTPS_PORT}` },
        internalDefaultServer: INTERNAL,
        proxyProtocol: true,
      },
    });
    const source = { files: out.files, nodes: out.rendered.nodes };
    const dir = writeDir(source);
    const t = nginxTest(dir);
    rmSync(dir, { recursive: true, force: true });
    expect(t.ok, t.output).toBe(true);
    const running = await startNginx(source);
    try {
      // Raw TCP: the PROXY v1 line, then the request; nginx answers (no 400 for a broken request line).
      const answer = await new Promise<string>((resolve) => {
        let data = '';
        const sock = net.connect({ host: NGINX_ADDR, port: HTTP_PORT }, () => {
          sock.write(
            `PROXY TCP4 203.0.113.7 ${NGINX_ADDR} 40000 ${HTTP_PORT}\r\n` +
              'GET / HTTP/1.1\r\nHost: nope.example\r\nConnection: close\r\n\r\n',
          );
        });
        sock.on('data', (d) => (data += String(d)));
        sock.on('close', () => resolve(data));
        sock.on('error', () => resolve(data));
      });
      expect(answer).toMatch(/^HTTP\/1\.1 (?!400)\d{3}/);
      // Without the header the same listener refuses the stream (nginx logs "broken header").
      const bare = await new Promise<string>((resolve) => {
        let data = '';
        const sock = net.connect({ host: NGINX_ADDR, port: HTTP_PORT }, () => sock.write(
          'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
        ));
        sock.on('data', (d) => (data += String(d)));
        sock.on('close', () => resolve(data));
        sock.on('error', () => resolve(data));
      });
      expect(bare).toBe('');
    } finally {
      await stopNginx(running);
    }
  });

  const scenarios: [string, () => Source, Case[]][] = [
    ['hosts and the default backend (seed 001)', () => fromCluster(hostsCluster()), hostCases],
    ['pathTypes and wildcards', () => fromCluster(pathsCluster()), pathCases],
    [
      '503, redirects, rewrites, whitelist, service-upstream, affinity', () => fromCluster(annotationsCluster()),
      annotationCases,
    ],
    ['nginx\'s own selection rules on a hand-written configuration', handWritten, handWrittenCases],
  ];
  for (const [name, build, cases] of scenarios) {
    describe(name, () => {
      let running: RunningNginx;
      const state = newBalancerState();
      beforeAll(async () => {
        running = await startNginx(build());
      });
      afterAll(async () => {
        if (running) await stopNginx(running);
      });
      // Sequential on purpose: round robin state is shared by the real nginx and the simulator.
      for (const c of cases) {
        it(c.title, async () => {
          const r = request(c);
          const sim = simulate(running, r, state);
          const real = await send(r);
          compare(sim, real);
        });
      }
    });
  }
});
