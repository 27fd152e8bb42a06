// How curl reads the URL it is given, before it resolves or connects anything: libcurl's URL parser
// (lib/urlapi.c `parseurl`, with the flags the curl tool passes: CURLU_GUESS_SCHEME and
// CURLU_NON_SUPPORT_SCHEME) as released in curl 8.0 to 8.21. A URL it refuses prints
// "curl: (3) URL rejected: <curl_url_strerror>" and exits 3, and nothing is sent; a scheme curl has
// no protocol for exits 1. The lab checks the same, so a typo is answered as a real terminal answers it.

import { isIPv6 } from '../net/ip';

/** What curl makes of a URL: refused (its exit code and its line), or the scheme it would speak. */
export type CurlUrl = { ok: false; code: number; message: string } | { ok: true; scheme: string };

/** curl_url_strerror's words for the CURLUcode values the parser returns here (lib/strerror.c). */
const URL_ERRORS = {
  malformed: 'Malformed input to a URL function',
  badPort: 'Port number was not a decimal number between 0 and 65535',
  noHost: 'No host part in the URL',
  badHostname: 'Bad hostname',
  badIPv6: 'Bad IPv6 address',
  badSlashes: 'Unsupported number of slashes following scheme',
} as const;
type UrlError = keyof typeof URL_ERRORS;

/** The protocols a full curl build speaks (lib/url.c's protocol table). */
const CURL_SCHEMES = new Set([
  'dict', 'file', 'ftp', 'ftps', 'gopher', 'gophers', 'http', 'https', 'imap', 'imaps', 'ipfs', 'ipns',
  'ldap', 'ldaps', 'mqtt', 'pop3', 'pop3s', 'rtmp', 'rtmpe', 'rtmps', 'rtmpt', 'rtmpte', 'rtmpts', 'rtsp',
  'scp', 'sftp', 'smb', 'smbs', 'smtp', 'smtps', 'telnet', 'tftp', 'ws', 'wss',
]);

/** Characters a host name may not hold (urlapi.c `hostname_check`). */
const HOSTNAME_INVALID = /[\s/:#?!@{}[\]\\$'"^`*<>=;,+&()%|]/;

/** `Curl_is_absolute_url` when guessing: a scheme counts only when a slash follows its colon. */
const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]{0,39}):(?=\/)/;

/** curl's legacy guess for a URL without a scheme (urlapi.c `guess_scheme`). */
function guessScheme(host: string): string {
  const h = host.toLowerCase();
  for (const s of ['ftp', 'dict', 'ldap', 'imap', 'smtp', 'pop3']) if (h.startsWith(`${s}.`)) return s;
  return 'http';
}

/** urlapi.c `parse_port`: what follows the first colon (after a bracketed IPv6 address) must be 0-65535. */
function parsePort(hostport: string, hasScheme: boolean): { host: string } | UrlError {
  let colon: number;
  if (hostport.startsWith('[')) {
    const end = hostport.indexOf(']');
    if (end < 0) return 'badIPv6';
    if (end + 1 === hostport.length) return { host: hostport };
    if (hostport[end + 1] !== ':') return 'badPort';
    colon = end + 1;
  } else colon = hostport.indexOf(':');
  if (colon < 0) return { host: hostport };
  const port = hostport.slice(colon + 1);
  // A colon and no digits is ignored (as browsers do), but only after a scheme.
  if (port === '') return hasScheme ? { host: hostport.slice(0, colon) } : 'badPort';
  if (!/^\d+$/.test(port) || Number(port) > 0xffff) return 'badPort';
  return { host: hostport.slice(0, colon) };
}

/** urlapi.c `ipv6_parse`, for the address between the brackets; a zone id ("%25eth0") may follow it. */
const validIPv6 = (bracketed: string) => isIPv6(bracketed.replace(/%.+$/, ''));

/** urlapi.c `parse_authority`: login stripped, port checked, then the host itself. */
function checkAuthority(authority: string, hasScheme: boolean): UrlError | null {
  const hostport = authority.slice(authority.indexOf('@') + 1);
  const parsed = parsePort(hostport, hasScheme);
  if (typeof parsed === 'string') return parsed;
  let host = parsed.host;
  if (host === '') return 'noHost';
  if (host.startsWith('[')) return host.length >= 4 && validIPv6(host.slice(1, -1)) ? null : 'badIPv6';
  if (host.includes('%')) {
    try {
      host = decodeURIComponent(host);
    } catch {
      return 'badHostname';
    }
  }
  if (HOSTNAME_INVALID.test(host) || host.endsWith('..') || host === '.') return 'badHostname';
  return null;
}

/** The URL as curl 8.x reads it: refused with curl's own line and exit code, or the scheme it would use. */
export function curlUrl(url: string): CurlUrl {
  const rejected = (e: UrlError): CurlUrl => ({ ok: false, code: 3, message: `URL rejected: ${URL_ERRORS[e]}` });
  // Control characters and spaces (urlapi.c `Curl_junkscan`).
  if ([...url].some((c) => c.charCodeAt(0) <= 0x20 || c.charCodeAt(0) === 0x7f)) return rejected('malformed');
  const scheme = SCHEME.exec(url)?.[1]?.toLowerCase();
  // file: URLs have their own parser and no host to reach.
  if (scheme === 'file') return { ok: true, scheme };
  let rest = url;
  if (scheme !== undefined) {
    const slashes = /^\/*/.exec(url.slice(scheme.length + 1))![0].length;
    if (slashes > 3) return rejected('badSlashes');
    rest = url.slice(scheme.length + 1 + slashes);
  }
  const authority = rest.slice(0, rest.search(/[/?#]|$/));
  if (authority === '') return rejected('noHost');
  const problem = checkAuthority(authority, scheme !== undefined);
  if (problem) return rejected(problem);
  const speaks = scheme ?? guessScheme(authority.slice(authority.indexOf('@') + 1));
  if (!CURL_SCHEMES.has(speaks)) return { ok: false, code: 1, message: `Protocol "${speaks}" not supported` };
  return { ok: true, scheme: speaks };
}
