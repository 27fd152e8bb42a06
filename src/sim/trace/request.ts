// What the user asks the lab to send, as curl would take it: a source, a method, a URL, headers
// and where to connect (`--connect-to`). Parsing only; the walk itself starts in trace.ts.

import { isIPv4 } from '../clients';
import { note, renderNote, type Note } from '../notes';

/** A request the parsers cannot read: the English text the CLI prints, and the same as a note for the page. */
export interface RequestSyntaxError {
  error: string;
  note: Note;
}

function syntaxError(n: Note): RequestSyntaxError {
  return { error: renderNote('en', n), note: n };
}

export type TraceSource =
  | { kind: 'external'; client?: string; address?: string }
  | { kind: 'pod'; pod: string }
  | { kind: 'node'; node: string };

export type ConnectTarget =
  | { kind: 'ingress'; className?: string }
  | { kind: 'node'; node: string }
  | { kind: 'address'; ip: string; port: number }
  /** A Gateway's address (its data plane Service), on a listener port. */
  | { kind: 'gateway'; namespace: string; name: string; port?: number };

export interface TraceRequest {
  from: TraceSource;
  method?: string;
  url: string;
  headers?: Record<string, string>;
  connect?: ConnectTarget;
  /** Send the session's cookie jar and store Set-Cookie answers in it (curl -b/-c). */
  useCookieJar?: boolean;
}

/** Parses `TraceSource` from the CLI/scenario form: "external[:<name or ip>]", "pod:<ns>/<name>", "node:<name>". */
export function parseSource(text: string): TraceSource | RequestSyntaxError {
  if (text === 'external') return { kind: 'external' };
  const [kind, ...rest] = text.split(':');
  const arg = rest.join(':');
  if (kind === 'external' && arg) {
    return isIPv4(arg) ? { kind: 'external', address: arg } : { kind: 'external', client: arg };
  }
  if (kind === 'pod' && arg) return { kind: 'pod', pod: arg.includes('/') ? arg : `default/${arg}` };
  if (kind === 'node' && arg) return { kind: 'node', node: arg };
  return syntaxError(note('note.request.from', { text: JSON.stringify(text) }));
}

export function parseConnect(text: string): ConnectTarget | RequestSyntaxError {
  if (text === 'ingress') return { kind: 'ingress' };
  if (text.startsWith('ingress:')) return { kind: 'ingress', className: text.slice(8) };
  if (text.startsWith('node:')) return { kind: 'node', node: text.slice(5) };
  const gw = /^gateway:(?:([^/:]+)\/)?([^/:]+)(?::(\d+))?$/.exec(text);
  if (gw) {
    const port = gw[3] ? { port: Number(gw[3]) } : {};
    return { kind: 'gateway', namespace: gw[1] ?? 'default', name: gw[2]!, ...port };
  }
  const m = /^(\d+\.\d+\.\d+\.\d+):(\d+)$/.exec(text);
  if (m) return { kind: 'address', ip: m[1]!, port: Number(m[2]) };
  return syntaxError(note('note.request.connect', { text: JSON.stringify(text) }));
}

export interface ParsedUrl {
  scheme: 'http' | 'https';
  host: string;
  port: number;
  path: string;
  /** The host is an IPv4 address, sent to as it is (no DNS question). */
  literal: boolean;
  /** The login before '@' ("user:pw@host"), URL-decoded: curl sends it as Authorization: Basic, not in Host. */
  login?: { user: string; password: string };
}

/** A host name as RFC 1123 allows it (letter-digit-hyphen labels of up to 63, the root dot optional). */
const LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
const HOST_NAME = new RegExp(`^(?=.{1,253}\\.?$)${LABEL}(?:\\.${LABEL})*\\.?$`, 'i');

/** The host a URL may name: an IPv4 address, or a host name that is not all digits and dots (999.1.1.1 is
 *  neither: no top-level domain is numeric). */
const isUrlHost = (host: string) => (/^[\d.]+$/.test(host) ? isIPv4(host) : HOST_NAME.test(host));

/**
 * [scheme://][login@]host[:port][path]: the login is everything before the authority's first '@' (urlapi.c
 * parse_hostname_login), a bracketed host an IPv6 literal, the port what follows the host's colon.
 */
const URL_PARTS = new RegExp(
  '^(?:(https?)://)?' + // scheme
    '(?:([^/?#\\s@]*)@)?' + // login
    '(\\[[^\\]/?#\\s]*\\]|[^/:?#\\s]+)' + // host: [IPv6] or a name or IPv4 address
    '(?::([^/?#\\s]*))?' + // port
    '((?:[/?][^#\\s]*)?)$', // path and query
  'i',
);

/** A login part as curl uses it: percent-decoded (as typed when it does not decode). */
function decodeLogin(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** "user:pw" -> {user, password}; curl's password is empty when there is no colon. */
function loginOf(text: string): { user: string; password: string } {
  const colon = text.indexOf(':');
  if (colon < 0) return { user: decodeLogin(text), password: '' };
  return { user: decodeLogin(text.slice(0, colon)), password: decodeLogin(text.slice(colon + 1)) };
}

// Parsing is pure; a batch run parses its one URL once (the walk's TraceIndex keeps it).
export function parseUrl(url: string): ParsedUrl | RequestSyntaxError {
  // curl reads anything before "://" as the scheme, and speaks only these two here.
  const written = /^([^/?#\s]*):\/\//.exec(url.trim())?.[1];
  if (written !== undefined && !/^https?$/i.test(written)) {
    return syntaxError(note('note.request.scheme', { scheme: JSON.stringify(written), url: JSON.stringify(url) }));
  }
  // After the host: a port (digits, or nothing: the scheme's), then the path or query.
  const m = URL_PARTS.exec(url.trim());
  if (!m) return syntaxError(note('note.request.url', { url: JSON.stringify(url) }));
  const [, schemeText, loginText, hostText, portText, pathText] = m;
  // curl connects to an IPv6 literal; the lab's pods, Services and nodes have IPv4 addresses only.
  if (hostText!.startsWith('[')) {
    return syntaxError(note('note.request.ipv6', { host: hostText!, url: JSON.stringify(url) }));
  }
  if (portText && !/^\d+$/.test(portText)) {
    return syntaxError(note('note.request.portNumber', { port: JSON.stringify(portText), url: JSON.stringify(url) }));
  }
  if (!isUrlHost(hostText!)) {
    return syntaxError(note('note.request.host', { host: JSON.stringify(hostText!), url: JSON.stringify(url) }));
  }
  const scheme = (schemeText?.toLowerCase() ?? 'http') as 'http' | 'https';
  const port = portText ? Number(portText) : scheme === 'https' ? 443 : 80;
  // Port 0 is a port to curl (>= 7.81, urlapi.c: only more than 0xffff is refused): it tries it and
  // nothing listens there.
  if (!(port >= 0 && port <= 65535)) {
    return syntaxError(note('note.request.port', { port: portText!, url: JSON.stringify(url) }));
  }
  let path = pathText || '/';
  if (!path.startsWith('/')) path = `/${path}`;
  const host = hostText!.toLowerCase();
  const login = loginText === undefined ? {} : { login: loginOf(loginText) };
  return { scheme, host, port, path, literal: IS_IP.test(host), ...login };
}

/** The URL's authority as written (host and any port, no login), what a Host header would carry. */
export function urlAuthority(url: string): string | undefined {
  const authority = /^(?:https?:\/\/)?([^/?#\s]+)/i.exec(url.trim())?.[1];
  return authority?.slice(authority.indexOf('@') + 1);
}

export const IS_IP = /^\d+\.\d+\.\d+\.\d+$/;

/** A request header by name, case-insensitively (HTTP field names are). */
export function headerValue(headers: Record<string, string>, name: string): string | undefined {
  for (const k in headers) if (Object.hasOwn(headers, k) && k.toLowerCase() === name) return headers[k];
  return undefined;
}

/** A Host header value's host name, without a port, lower-cased; undefined when it is blank. */
export function hostName(value: string): string | undefined {
  const v = value.trim();
  if (!v) return undefined;
  return v.replace(/:\d+$/, '').toLowerCase();
}

export function parseCookieHeader(h: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (h === '') return out;
  for (const part of h.split(';')) {
    const i = part.indexOf('=');
    if (i > 0) out[part.slice(0, i).trim()] = part.slice(i + 1).trim();
  }
  return out;
}
