// `netlab exec <files> <place> -- <command...>`: one command of the page's console, run from a pod, a
// node or an outside client, with the console's output. The interpreter is src/sim/shell's; this is
// its thin adapter (like src/state/console/engine.ts for the page). A change (kubectl apply, scale,
// delete) is checked and its events printed, but not saved: the files stay as they are.

import type { LabEdit } from '../../sim/assembly/edits';
import { buildEditedLab } from '../../sim/assembly/edits';
import { findClient } from '../../sim/clients';
import type { ExternalClient } from '../../sim/cluster';
import { runShell, type Shell, type ShellEnv, type ShellResult } from '../../sim/shell/shell';
import { newTraceSession, parseConnect, parseSource, trace } from '../../sim/trace/trace';
import { shellLoaders } from '../../scenario/shell-io';
import { checkRequest } from '../../sim/trace/request-check';
import { SUMMARIES } from '../summaries';
import { EXIT, type Command } from '../command';
import { loadLab } from '../lab-input';
import { requestIssueLine } from '../request-issues';
import { STDIN_ARG } from '../scenario-input';
import { CURL_EXIT, publicResult } from './trace';

const USAGE = `netlab exec [files...] pod:<ns>/<name>|node:<name>|external[:<client>] -- <command...>

Runs one command as the lab's console runs it from that place: kubectl get|describe|apply -f -|delete|
scale|label|annotate|edit|patch, curl [-v] [-H 'K: v'] [-b 'name=value'] [-X M] [--connect-to ...] <url>
(curl's options read as curl reads them: -sSfL, -o, -w '%{http_code}', -d, -A, -u, --resolve, ...),
dig [@server] <name> [type] [-x address] [+search] [+short] [+noall +answer], nslookup <name> [server], getent hosts|ahosts|ahostsv4 [<name>|<address>...],
cat /etc/resolv.conf, cat /etc/hosts, cat /etc/nginx/nginx.conf, iptables-save [-t table],
iptables [-t table] -S [chain], ipvsadm -Ln, ipset list,
nft list ruleset. 'kubectl apply -f -' reads the manifests from standard input. A change is checked against the apiserver and its events
printed; the files are not changed. Exit status: 0, 1 when the command failed, curl's codes (2 for an
option it does not know, 3 for a URL it rejects; 6, 7, 28 when curl got no answer; 22 for -f and an
HTTP error), getent's 2 for a key it did not find.
--json prints {ok, place, command, stdout, stderr, exitCode, events, trace}: the command line as the
lab's shell ran it, what it printed on each stream, its exit status (also netlab's), the change's
events, and for curl the request's trace in trace --json's result shape (else null).`;

/** Arguments the OS shell split, joined back into one line the lab's shell splits the same way. */
function shellLine(words: readonly string[]): string {
  return words.map((w) => (/^[\w@%+=:,./-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`)).join(' ');
}

function placeOf(text: string, clients: readonly ExternalClient[]): Shell | string {
  const src = parseSource(text);
  if ('error' in src) return src.error;
  if (src.kind === 'pod') return { kind: 'pod', pod: src.pod };
  if (src.kind === 'node') return { kind: 'node', node: src.node };
  if (src.address) {
    return `exec runs from a named client (external or external:<client>), not from the address ${src.address}`;
  }
  // `external` is the lab's default outside client; `external:<name>` a scenario's.
  const found = findClient(clients, src);
  return found.ok ? { kind: 'external', client: found.client.name } : found.message;
}

export const execCommand: Command = {
  name: 'exec',
  summary: SUMMARIES.exec,
  usage: USAGE,
  run(ctx) {
    const l = loadLab(ctx);
    if (!l.ok) return l.exitCode;
    const [placeText, ...words] = l.rest;
    if (!placeText || words.length === 0) {
      return ctx.report.fail(EXIT.usage, 'error: exec needs a place and a command', `usage: ${USAGE}\n`);
    }
    // A pod, node or client the lab does not have: exit 1 naming the ones there are, as trace does.
    const missing = checkRequest(l.lab, { from: placeText, url: '', connect: '' })
      .map(requestIssueLine)
      .filter((i) => i.code !== EXIT.usage);
    if (missing.length > 0) return ctx.report.fail(missing[0]!.code, missing[0]!.line);
    const shell = placeOf(placeText, l.lab.clients);
    if (typeof shell === 'string') {
      return ctx.report.fail(EXIT.usage, `error: ${shell}`);
    }
    const s = l.scenario;
    const session = newTraceSession(s.settings.seed);
    const env: ShellEnv = {
      lab: l.lab,
      shell,
      labWith: (edits: readonly LabEdit[]) =>
        buildEditedLab({ settings: s.settings, objects: s.objects, clients: s.clients, edits: [...s.edits, ...edits] }),
      trace(request) {
        const from = parseSource(request.from);
        if ('error' in from) throw new Error(from.error);
        const connect = request.connect ? parseConnect(request.connect) : undefined;
        if (connect && 'error' in connect) throw new Error(connect.error);
        const { url, method, headers } = request;
        return trace(l.lab, { from, url, method, headers, connect }, session);
      },
      ...shellLoaders(s.settings),
    };
    const readsStdin = words.some((w, i) => (w === '-f' || w === '--filename') && words[i + 1] === STDIN_ARG);
    const input = readsStdin ? `${shellLine(words)}\n${ctx.io.readFile(STDIN_ARG)}` : shellLine(words);
    const r = runShell(env, input);
    const exitCode = exitCodeOf(r);
    if (ctx.globals.json) {
      const trace = r.trace ? publicResult(r.trace.result) : null;
      const doc = { place: placeText, command: shellLine(words), stdout: r.out, stderr: r.err, exitCode };
      ctx.report.printJson({ ok: true, ...doc, events: r.events, trace });
      return exitCode;
    }
    ctx.io.stdout(r.out);
    const events = r.events.map((e) => `  ${e.replace(/\t/g, '  ')}`);
    if (events.length > 0) ctx.io.stdout(`Events:\n${events.join('\n')}\n`);
    ctx.io.stderr(r.err);
    return exitCode;
  },
};

/** The command's exit status: its own (curl's 3), curl's code for a request with no answer, else 1 on stderr. */
function exitCodeOf(r: ShellResult): number {
  if (r.status !== undefined) return r.status;
  const failed = r.trace?.result.outcome;
  if (failed && failed !== 'response') return CURL_EXIT[failed];
  return r.err ? EXIT.problems : EXIT.ok;
}
