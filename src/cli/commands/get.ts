// `netlab get <files> <kind> [name]` and `netlab describe <files> <kind> <name>`: kubectl's views
// of the reconciled cluster, in kubectl's columns.

import { kubectlDescribe, kubectlGet, parseOutput } from '../../sim';
import { SUMMARIES } from '../summaries';
import { EXIT, type Command } from '../command';
import { loadLab, opt } from '../lab-input';


export const getCommand: Command = {
  name: 'get',
  summary: SUMMARIES.get,
  usage: `netlab get [files...] <kind> [name] [-n <namespace> | -A] [-o wide|yaml|json|name|jsonpath=...|custom-columns=...] [-l <selector>]
                 [--field-selector <field>=<value>,...] [--sort-by <jsonpath>] [--show-labels] [-L <key>,...]
                 [--no-headers]

Shows objects as kubectl would after the controllers have run: generated pods with their IPs and
nodes, allocated ClusterIPs and nodePorts, EndpointSlices, load-balancer addresses, events; and the
objects the lab keeps as written (ConfigMaps, ServiceAccounts, RBAC, NetworkPolicies, Jobs, custom
resources, ...), each kind in kubectl's columns. <kind> is any name kubectl takes: cm, netpol,
deployments.apps, a CRD's plural or short name, or all. -l takes kubectl's label selectors ('app=web',
'tier!=db', 'env in (a,b)', '!canary'), --field-selector the fields each kind serves (pods:
spec.nodeName, status.phase, status.podIP, ...; events: involvedObject.name, reason, type, ...); --show-labels and -L add label columns as kubectl does.
--json without -o is -o json (kubectl's object or List).`,
  options: {
    namespace: { type: 'string', short: 'n' },
    'all-namespaces': { type: 'boolean', short: 'A' },
    output: { type: 'string', short: 'o' },
    selector: { type: 'string', short: 'l' },
    'field-selector': { type: 'string' },
    'sort-by': { type: 'string' },
    'show-labels': { type: 'boolean' },
    'label-columns': { type: 'string', short: 'L', multiple: true },
    'no-headers': { type: 'boolean' },
  },
  run(ctx) {
    const output = opt(ctx, 'output');
    const format = parseOutput(output);
    if ('error' in format) return ctx.report.fail(EXIT.usage, format.error);
    const l = loadLab(ctx);
    if (!l.ok) return l.exitCode;
    const [kind, name] = l.rest;
    if (!kind) {
      const line = 'error: you must specify the type of resource to get';
      return ctx.report.fail(EXIT.usage, line, 'usage: netlab get [files...] <kind> [name]\n');
    }
    const r = kubectlGet(l.lab.cluster, {
      kind,
      name,
      namespace: opt(ctx, 'namespace'),
      allNamespaces: ctx.options['all-namespaces'] === true,
      selector: opt(ctx, 'selector'),
      fieldSelector: opt(ctx, 'field-selector'),
      sortBy: opt(ctx, 'sort-by'),
      showLabels: ctx.options['show-labels'] === true,
      labelColumns: labelColumns(ctx.options['label-columns']),
      noHeaders: ctx.options['no-headers'] === true,
      // --json: one JSON document on stdout, as every command gives it; kubectl's own is -o json.
      output: output === undefined && ctx.globals.json ? 'json' : format.output,
      template: format.template,
    });
    if (!r.ok) {
      if (r.text) ctx.io.stdout(r.text);
      return ctx.report.fail(EXIT.problems, r.error);
    }
    ctx.io.stdout(r.text.endsWith('\n') ? r.text : `${r.text}\n`);
    return EXIT.ok;
  },
};

/** -L app -L tier,env: every key, as kubectl's string-slice flag collects them. */
function labelColumns(v: unknown): string[] {
  const given = Array.isArray(v) ? v : typeof v === 'string' ? [v] : [];
  return given.flatMap((x) => String(x).split(',')).filter((k) => k !== '');
}

export const describeCommand: Command = {
  name: 'describe',
  summary: SUMMARIES.describe,
  usage: `netlab describe [files...] <kind> <name> [-n <namespace>]

--json prints {ok, kind, namespace, name, text, object}: kubectl describe's text as one string, and the
object as kubectl get -o json gives it (namespace null for a cluster-scoped kind).`,
  options: { namespace: { type: 'string', short: 'n' } },
  run(ctx) {
    const l = loadLab(ctx);
    if (!l.ok) return l.exitCode;
    const [kind, name] = l.rest;
    if (!kind || !name) {
      const usage = 'usage: netlab describe [files...] <kind> <name>\n';
      return ctx.report.fail(EXIT.usage, 'error: describe needs a kind and a name', usage);
    }
    const namespace = opt(ctx, 'namespace');
    const r = kubectlDescribe(l.lab.cluster, { kind, name, namespace });
    if (!r.ok) return ctx.report.fail(EXIT.problems, r.error);
    const text = r.text.endsWith('\n') ? r.text : `${r.text}\n`;
    if (!ctx.globals.json) {
      ctx.io.stdout(text);
      return EXIT.ok;
    }
    // kubectl describe has no -o: the text as one string, and beside it the object kubectl get -o json shows.
    const got = kubectlGet(l.lab.cluster, { kind, name, namespace, output: 'json' });
    const object = got.ok ? (JSON.parse(got.text) as { kind: string; metadata: { namespace?: string } }) : null;
    const ns = object?.metadata.namespace ?? null;
    ctx.report.printJson({ ok: true, kind: object?.kind ?? kind, namespace: ns, name, text, object });
    return EXIT.ok;
  },
};
