// URLs curl takes that the tracer must read as curl does (checked against curl 7.88 and urlapi.c):
// a login before '@' is not part of the host (curl sends it as Authorization: Basic, "user:" when
// there is no password, and Host without it); port 0 is a port like any other (curl >= 7.81 tries
// it: "Failed to connect to host port 0"); an IPv6 literal is an address the lab does not model.

import { describe, expect, it } from 'vitest';
import type { KubeObject, OtherObject, Pod, Service } from '../api/types';
import { buildLab } from '../assembly/lab';
import { defaultLabSettings } from '../lab';
import { parseUrl } from './request';
import { newTraceSession, parseSource, trace } from './trace';

describe('parseUrl: what curl sends for a URL', () => {
  it.each([
    ['http://user@web.default.svc/', { host: 'web.default.svc', port: 80, user: 'user', password: '' }],
    ['http://user:pw@web:8080/a', { host: 'web', port: 8080, path: '/a', user: 'user', password: 'pw' }],
    // curl URL-decodes the login before it encodes it for Basic.
    ['http://us%40er:p%3Aw@web/', { host: 'web', user: 'us@er', password: 'p:w' }],
    ['https://:secret@web/', { scheme: 'https', host: 'web', port: 443, user: '', password: 'secret' }],
    ['http://web:0/', { host: 'web', port: 0 }],
    ['http://10.96.0.10:0', { host: '10.96.0.10', port: 0, literal: true }],
  ])('%s', (url, expected) => {
    const u = parseUrl(url);
    if ('error' in u) throw new Error(u.error);
    const { login, ...rest } = u;
    expect({ ...rest, ...login }).toMatchObject(expected);
  });

  it('a URL without a login has none', () => {
    expect(parseUrl('http://web/')).not.toHaveProperty('login');
  });

  it.each([
    ['http://[::1]/', '[::1]'],
    ['http://[fd00::10]:8080/x', '[fd00::10]'],
    ['http://user@[::1]/', '[::1]'],
  ])('%s: the lab says it models IPv4 only', (url, host) => {
    const u = parseUrl(url);
    expect(u).toHaveProperty('note.key', 'note.request.ipv6');
    expect('error' in u && u.error).toBe(`host ${host} in "${url}" is an IPv6 address: the lab models IPv4 only`);
  });

  it('a port above 65535 is still out of range, 0-65535 as curl words it', () => {
    const u = parseUrl('http://web:65536/');
    expect('error' in u && u.error).toBe('port 65536 in "http://web:65536/" is out of range 0-65535');
  });
});

function pod(name: string, labels: Record<string, string>, image: string): Pod {
  const containers = [{ name: 'app', image, ports: [{ containerPort: 3000 }] }];
  const metadata = { name, namespace: 'default', labels };
  return { apiVersion: 'v1', kind: 'Pod', metadata, spec: { nodeName: 'n1', containers } };
}

const echo = pod('echo-1', { app: 'echo' }, 'gcr.io/k8s-staging-gateway-api/echo-basic:v1');
const svc: Service = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'echo', namespace: 'default' },
  spec: { selector: { app: 'echo' }, ports: [{ port: 80, targetPort: 3000 }] },
};
const objects: (KubeObject | OtherObject)[] = [
  { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' } } as OtherObject,
  echo,
  pod('client', {}, 'curlimages/curl'),
  svc,
];
const lab = buildLab({ settings: defaultLabSettings(), objects, clients: [] });

function send(url: string, headers?: Record<string, string>) {
  const from = parseSource('pod:default/client');
  if ('error' in from) throw new Error(from.error);
  return trace(lab, { from, url, headers }, newTraceSession('u'));
}

describe('a URL with a login, traced', () => {
  it('reaches the host after "@" with Authorization: Basic, and Host without the login', () => {
    const r = send('http://user:pw@echo.default.svc.cluster.local/');
    expect(r.status).toBe(200);
    expect(r.backendPod).toBe('default/echo-1');
    expect(r.backend?.host).toBe('echo.default.svc.cluster.local');
    expect(r.backend?.headers).toMatchObject({
      Host: 'echo.default.svc.cluster.local',
      Authorization: `Basic ${Buffer.from('user:pw').toString('base64')}`,
    });
  });

  it('a user without a password is "user:"; a -H Authorization is sent instead', () => {
    const plain = send('http://user@echo/');
    expect(plain.backend?.headers['Authorization']).toBe('Basic dXNlcjo=');
    const given = send('http://user@echo/', { authorization: 'Bearer t' });
    expect(given.backend?.headers).toMatchObject({ authorization: 'Bearer t' });
    expect(given.backend?.headers).not.toHaveProperty('Authorization');
  });

  it('port 0 is tried like any port: nothing listens there', () => {
    const ip = lab.cluster.pods.find((p) => p.metadata.name === 'echo-1')!.status!.podIP!;
    const r = send(`http://${ip}:0/`);
    expect(r.outcome).toBe('refused');
  });
});
