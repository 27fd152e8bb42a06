// curl's command line as curl's tool reads it (src/tool_getparam.c): short options combine (-sSL), a
// short option that takes a value takes the rest of its word or the next one (-XPOST, -o /dev/null),
// long options take the next word, and anything else that is not an option is a URL. An option curl
// does not have is refused in its words. What the lab does with each is in curl() (shell.ts).

import { addFlag, flag, has, type Args } from './args';

/** curl's options that take a value, by their short and long names. */
const VALUED: Readonly<Record<string, string>> = {
  '-H': '--header', '-X': '--request', '-b': '--cookie', '-c': '--cookie-jar', '-o': '--output',
  '-w': '--write-out', '-m': '--max-time', '-d': '--data', '-A': '--user-agent', '-e': '--referer',
  '-u': '--user', '-x': '--proxy', '-D': '--dump-header', '-r': '--range', '-F': '--form', '-T': '--upload-file',
  '-E': '--cert', '-K': '--config',
};
const VALUED_LONG: ReadonlySet<string> = new Set([
  ...Object.values(VALUED), '--connect-to', '--connect-timeout', '--data-raw', '--data-binary', '--data-urlencode',
  '--data-ascii', '--json', '--resolve', '--retry', '--retry-delay', '--cacert', '--key', '--interface',
  '--local-port', '--max-redirs', '--limit-rate', '--url', '--unix-socket', '--user-agent',
]);

/** curl's options that take none. */
const FLAGS: Readonly<Record<string, string>> = {
  '-s': '--silent', '-S': '--show-error', '-v': '--verbose', '-i': '--include', '-I': '--head', '-L': '--location',
  '-k': '--insecure', '-f': '--fail', '-4': '--ipv4', '-6': '--ipv6', '-N': '--no-buffer', '-G': '--get',
  '-#': '--progress-bar', '-O': '--remote-name', '-g': '--globoff', '-q': '--disable', '-n': '--netrc',
  '-j': '--junk-session-cookies', '-0': '--http1.0', '-Z': '--parallel',
};
const FLAGS_LONG: ReadonlySet<string> = new Set([
  ...Object.values(FLAGS), '--compressed', '--http1.1', '--http2', '--fail-with-body', '--no-keepalive',
  '--location-trusted', '--path-as-is', '--tcp-nodelay', '--no-progress-meter', '--help',
]);

const TRY = "curl: try 'curl --help' or 'curl --manual' for more information";

/** curl's refusal of an unknown option, or of one given no value (exit 2). */
const unknown = (o: string) => ({ error: `curl: option ${o}: is unknown\n${TRY}` });
const noValue = (o: string) => ({ error: `curl: option ${o}: requires parameter\n${TRY}` });

/** The URLs as `pos`, each option under its long name. */
export function parseCurlArgs(words: readonly string[]): Args | { error: string } {
  const urls: string[] = [];
  const options = new Map<string, string[]>();
  const add = (name: string, value: string) => addFlag(options, name, value);
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (w.startsWith('--')) {
      if (FLAGS_LONG.has(w)) add(w, '');
      else if (VALUED_LONG.has(w)) {
        const v = words[++i];
        if (v === undefined) return noValue(w);
        if (w === '--url') urls.push(v);
        else add(w, v);
      } else return unknown(w);
    } else if (w.startsWith('-') && w.length > 1) {
      for (let j = 1; j < w.length; j++) {
        const short = `-${w[j]}`;
        const valued = VALUED[short];
        if (FLAGS[short]) add(FLAGS[short]!, '');
        else if (valued) {
          const rest = w.slice(j + 1);
          const v = rest !== '' ? rest : words[++i];
          if (v === undefined) return noValue(short);
          add(valued, v);
          break;
        } else return unknown(short);
      }
    } else urls.push(w);
  }
  return { pos: urls, flags: options };
}

/** The request method curl sends: -X, else HEAD for -I, POST for a body (-d, --json, -F), PUT for -T. */
export function curlMethod(a: Args): string {
  const given = flag(a, '--request');
  if (given) return given;
  if (has(a, '--head')) return 'HEAD';
  if (has(a, '--get')) return 'GET';
  const body = ['--data', '--data-raw', '--data-binary', '--data-urlencode', '--data-ascii', '--json', '--form'];
  if (has(a, ...body)) return 'POST';
  return has(a, '--upload-file') ? 'PUT' : 'GET';
}

/** -w's text once the transfer is done: %{variable}s of the answer, \n, \t and \\ as curl reads them. */
export function writeOut(format: string, vars: Readonly<Record<string, string>>): { out: string; unknown: string[] } {
  const unknownVars: string[] = [];
  const out = format.replace(/%\{([^}]*)\}|%%|\\([nrt\\])/g, (m, name: string | undefined, esc: string | undefined) => {
    if (m === '%%') return '%';
    if (esc) return esc === 'n' ? '\n' : esc === 'r' ? '\r' : esc === 't' ? '\t' : '\\';
    if (Object.hasOwn(vars, name!)) return vars[name!]!;
    unknownVars.push(name!);
    return '';
  });
  return { out, unknown: unknownVars };
}
