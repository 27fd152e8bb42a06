// Which HTTP server reads the request line in a pod, and whether it takes the request's method.
// curl sends the method as typed (`curl -X get` writes "get / HTTP/1.1"); the first server to read
// the line decides. nginx (ngx_http_parse_request_line, src/http/ngx_http_parse.c) takes only
// 'A'-'Z', '_' and '-' in a method and answers anything else with 400 ("client sent invalid
// method"): the ingress-nginx controller, NGINX Gateway Fabric's data plane and a pod running an
// nginx image. Go's net/http (Traefik, the Gateway API echo server, the default backend) takes any
// RFC 9110 token, lowercase included, and so does the lab's plain HTTP server in any other pod.

import type { Pod } from '../api/types';

export type RequestLineReader = 'nginx' | 'token';

/** RFC 9110 section 5.6.2: a method is a token, one or more tchar. */
const HTTP_TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** ngx_http_parse_request_line, states sw_start and sw_method: (ch < 'A' || ch > 'Z') && ch != '_' && ch != '-'
 *  ends it with NGX_HTTP_PARSE_INVALID_METHOD. */
const NGINX_METHOD = /^[A-Z_-]+$/;

export function acceptsMethod(reader: RequestLineReader, method: string): boolean {
  return (reader === 'nginx' ? NGINX_METHOD : HTTP_TOKEN).test(method);
}

/** The repository's last path component: "docker.io/nginxinc/nginx-unprivileged:1.27" -> "nginx-unprivileged". */
function imageName(image: string): string {
  const repo = image.replace(/@.*$/, '').replace(/:[^/:]*$/, '');
  return repo.slice(repo.lastIndexOf('/') + 1).toLowerCase();
}

const isNginxImage = (image: string | undefined) => /^nginx($|-)/.test(imageName(image ?? ''));

/**
 * Who reads the request in an application pod: nginx when the container that declares the port (any
 * container, when none declares it) runs an nginx image (nginx, nginxinc/nginx-unprivileged, ...).
 */
export function podRequestLineReader(pod: Pod, port: number): RequestLineReader {
  const containers = pod.spec.containers;
  const declaring = containers.filter((c) => c.ports?.some((p) => p.containerPort === port));
  const serving = declaring.length > 0 ? declaring : containers;
  return serving.some((c) => isNginxImage(c.image)) ? 'nginx' : 'token';
}
