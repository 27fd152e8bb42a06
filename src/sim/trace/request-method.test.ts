// curl -X sends its method verbatim ("curl -X get" writes "get / HTTP/1.1"). The first HTTP server
// to read the request line decides what becomes of it: nginx (ngx_http_parse_request_line) takes
// only 'A'-'Z', '_' and '-' in a method and answers anything else 400 Bad Request ("client sent
// invalid method"); Go's net/http (Traefik, the echo server, the default backend) and the lab's
// plain HTTP server take any RFC 9110 token, lowercase included, and pass it on as it is.

import { describe, expect, it } from 'vitest';
import type { KubeObject, OtherObject, Pod, Service } from '../api/types';
import { buildLab } from '../assembly/lab';
import { defaultLabSettings } from '../lab';
import { newTraceSession, parseSource, trace } from './trace';

function pod(name: string, image: string): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', labels: { app: name } },
    spec: { nodeName: 'node-1', containers: [{ name: 'app', image, ports: [{ containerPort: 80 }] }] },
  };
}

function service(name: string): Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: 'default' },
    spec: { selector: { app: name }, ports: [{ port: 80 }] },
  };
}

const node = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-1' } } as OtherObject;
const client: Pod = { ...pod('client', 'curlimages/curl'), spec: { nodeName: 'node-1', containers: [{ name: 'c' }] } };
const APPS = {
  nginx: 'nginx:1.27',
  'nginx-unprivileged': 'docker.io/nginxinc/nginx-unprivileged:1.27-alpine',
  echo: 'gcr.io/k8s-staging-gateway-api/echo-basic:v20240412-v1.0.0-394-g40c666fd',
  plain: 'hashicorp/http-echo:1.0',
};
const objects: (KubeObject | OtherObject)[] = [
  node,
  client,
  ...Object.entries(APPS).flatMap(([name, image]) => [pod(name, image), service(name)]),
];
const lab = buildLab({ settings: defaultLabSettings(), objects, clients: [] });

function send(app: keyof typeof APPS, method: string) {
  const from = parseSource('pod:default/client');
  if ('error' in from) throw new Error(from.error);
  return trace(lab, { from, url: `http://${app}.default.svc.cluster.local/`, method }, newTraceSession('m'));
}

describe('curl -X <method>: the method goes as typed; the first server to read it decides', () => {
  it.each([
    // nginx: 'A'-'Z', '_', '-' only.
    ['nginx', 'get', 400],
    ['nginx', 'Get', 400],
    ['nginx', 'GET', 200],
    ['nginx', 'PURGE', 200],
    ['nginx', 'MY_METHOD-2', 400],
    ['nginx', 'X-PURGE_ALL', 200],
    ['nginx-unprivileged', 'post', 400],
    // Go's net/http and the lab's plain server: any token, as it is.
    ['echo', 'get', 200],
    ['plain', 'get', 200],
    ['plain', 'M.2', 200],
    ['plain', '???', 400],
  ] as const)('%s answers %s with %d', (app, method, status) => {
    const r = send(app, method);
    expect(r.status).toBe(status);
    if (status === 200) expect(r.backend?.method).toBe(method);
    else expect(r.backend).toBeNull();
  });

  it("nginx's refusal says it is nginx's parser, in its own words", () => {
    const hop = send('nginx', 'get').hops.find((h) => h.action === 'respond' && h.direction !== 'reply');
    expect(hop?.explanation.key).toBe('hop.http.badMethodNginx');
    expect(hop?.explanation.params).toMatchObject({ pod: 'default/nginx', method: 'get' });
  });

  it('the echo server prints the method it got, lowercase as sent', () => {
    const r = send('echo', 'get');
    expect(r.backend?.method).toBe('get');
  });
});
