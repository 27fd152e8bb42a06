// The HTTP request as an ingress controller's proxy receives it: what nginx's server and location
// choice, its variables and the balancer read. Its own module so the balancer and the matcher both
// take it from below.

export interface IngressRequest {
  scheme: 'http' | 'https';
  /** The Host header (may carry a port); empty for an HTTP/1.0 request without one. */
  host: string;
  /** Request target as sent: path plus optional query. */
  path: string;
  method?: string;
  headers?: Readonly<Record<string, string>>;
  cookies?: Readonly<Record<string, string>>;
  clientIP: string;
  /** Destination port the request arrived on (defaults: 80 for http, 443 for https). */
  port?: number;
  /** Destination address, to pick among `listen address:port` sockets. */
  localAddress?: string;
}
