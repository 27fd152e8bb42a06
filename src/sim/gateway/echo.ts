// The Gateway API conformance echo server (conformance/echo-basic): a pod running an image whose
// name contains `echo-basic` answers every request with a JSON echo of what it received (path with
// query, Host, method, headers, its namespace and pod name) and sets the response headers asked
// for in `X-Echo-Set-Header` ("Name: value" pairs separated by commas).

import type { Pod } from '../api/types';

export function isEchoBasic(pod: Pod): boolean {
  return pod.spec.containers.some((c) => (c.image ?? '').includes('echo-basic'));
}

export interface EchoRequest {
  method: string;
  host: string;
  path: string;
  headers: Readonly<Record<string, string>>;
}

export interface EchoResponse {
  status: number;
  headers: Record<string, string>;
  body: {
    path: string;
    host: string;
    method: string;
    proto: string;
    headers: Record<string, string[]>;
    namespace: string;
    pod: string;
  };
}

function headerOf(headers: Readonly<Record<string, string>>, name: string): string | undefined {
  const k = Object.keys(headers).find((h) => h.toLowerCase() === name.toLowerCase());
  return k === undefined ? undefined : headers[k];
}

/** Go's canonical header key (textproto.CanonicalMIMEHeaderKey): how the echo server prints names. */
export function canonicalHeaderKey(name: string): string {
  return name
    .split('-')
    .map((p) => (p ? p[0]!.toUpperCase() + p.slice(1).toLowerCase() : p))
    .join('-');
}

export function echoResponse(pod: Pod, req: EchoRequest): EchoResponse {
  const headers: Record<string, string> = { 'Content-Type': 'application/json', 'X-Content-Type-Options': 'nosniff' };
  const set = headerOf(req.headers, 'x-echo-set-header');
  if (set) {
    for (const pair of set.split(',')) {
      const i = pair.indexOf(':');
      if (i <= 0) continue;
      headers[canonicalHeaderKey(pair.slice(0, i).trim())] = pair.slice(i + 1).trim();
    }
  }
  const echoed: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(req.headers)) if (k.toLowerCase() !== 'host') echoed[canonicalHeaderKey(k)] = [v];
  return {
    status: 200,
    headers,
    body: {
      path: req.path,
      host: req.host,
      method: req.method,
      proto: 'HTTP/1.1',
      headers: echoed,
      namespace: pod.metadata.namespace ?? 'default',
      pod: pod.metadata.name,
    },
  };
}
