// `netlab dig <files> --from pod:<ns>/<name> <name> [type] [+search]` and `--nslookup`: cluster DNS
// as a pod's resolver sees it. Like the real tools, dig sends the name as typed (no search list)
// unless +search is given; nslookup walks the pod's search list.

import { artifactText, dns } from '../../sim';
import { checkRequest } from '../../sim/trace/request-check';
import { parseSource } from '../../sim/trace/trace';
import { digFrom, renderDigAnswer, type Shell } from '../../sim/shell/shell';
import { SUMMARIES } from '../summaries';
import { EXIT, type Command } from '../command';
import { loadLab, opt } from '../lab-input';
import { requestIssueLine } from '../request-issues';

export const digCommand: Command = {
  name: 'dig',
  summary: SUMMARIES.dig,
  usage: `netlab dig [files...] --from pod:<ns>/<name>|node:<name> <name> [A|SRV|PTR|CNAME|TXT|SOA] \
[+search] [--nslookup] [--json]

dig asks for the name exactly as typed (add +search to use the pod's search list, like dig +search);
--nslookup walks the search list as nslookup and most programs do. --json prints
{rcode, answers: [{name, type, ttl, data}], authority, queriesSent}.`,
  options: { from: { type: 'string' }, nslookup: { type: 'boolean' } },
  run(ctx) {
    const l = loadLab(ctx);
    if (!l.ok) return l.exitCode;
    const search = l.rest.includes('+search');
    const [name, typeArg] = l.rest.filter((a) => !a.startsWith('+'));
    if (!name) {
      return ctx.report.fail(EXIT.usage, 'error: dig needs a name to look up', `usage: ${digCommand.usage}\n`);
    }
    const type = (typeArg ?? 'A').toUpperCase() as dns.RRType;
    if (!(dns.RR_TYPES as readonly string[]).includes(type)) {
      const known = dns.RR_TYPES.join(', ');
      return ctx.report.fail(EXIT.usage, `error: unknown record type ${JSON.stringify(typeArg)} (use one of ${known})`);
    }
    // Without --from: the first pod of the default namespace.
    const inDefault = l.lab.cluster.pods.find((p) => (p.metadata.namespace ?? 'default') === 'default');
    const fromText = opt(ctx, 'from') ?? 'pod:default/' + (inDefault?.metadata.name ?? '');
    const from = parseSource(fromText);
    if ('error' in from || from.kind === 'external') {
      const why = 'error' in from ? ` (${from.error})` : '';
      return ctx.report.fail(EXIT.usage, `error: --from must be pod:<ns>/<name> or node:<name>${why}`);
    }
    // A pod or node the lab does not have: kubectl's NotFound, naming the ones there are.
    const missing = checkRequest(l.lab, { from: fromText, url: '', connect: '' }).map(requestIssueLine);
    if (missing.length > 0) return ctx.report.fail(missing[0]!.code, missing[0]!.line);
    const place: Shell = from.kind === 'pod' ? { kind: 'pod', pod: from.pod } : { kind: 'node', node: from.node };
    const r = digFrom(l.lab, place, { name, type, search: search || ctx.options.nslookup === true });
    if ('error' in r) {
      return ctx.report.fail(EXIT.problems, r.error);
    }
    const { result } = r;
    if (ctx.globals.json) {
      ctx.report.printJson(dns.digJson(result));
    } else if (ctx.options.nslookup === true) {
      ctx.io.stdout(artifactText(dns.renderNslookup(result)));
    } else {
      ctx.io.stdout(renderDigAnswer(r));
    }
    return result.final.rcode === 'NOERROR' && result.final.origin !== 'timeout' ? EXIT.ok : EXIT.problems;
  },
};
