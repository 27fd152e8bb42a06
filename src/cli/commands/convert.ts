// `netlab convert <files> --to gateway-api [-o yaml|json]`: the files' objects with every
// ingress-nginx Ingress and IngressClass replaced by Gateway API objects (as ingress2gateway
// translates them), everything else unchanged, as kubectl-ready manifests on stdout. What does not
// carry over goes to stderr, one line per finding, at the Ingress field that causes it.

import { toManifests, type ObjectSource, type Scenario } from '../../scenario';
import { convertIngressesToGatewayAPI, type ConvertNote } from '../../sim/gateway/convert';
import { renderConvertMessage } from '../../sim/gateway/convert-messages';
import { SUMMARIES } from '../summaries';
import { EXIT, type Command } from '../command';
import { opt, splitFiles } from '../lab-input';
import { loadScenarioForCommand } from '../scenario-input';

const TARGETS = ['gateway-api'] as const;

export const convertCommand: Command = {
  name: 'convert',
  summary: SUMMARIES.convert,
  usage: `netlab convert <files...> --to gateway-api [-o yaml|json]

Translates the Ingresses and IngressClasses of ingress-nginx the way ingress2gateway does: a Gateway
per namespace and class (listeners per host: HTTP on 80, HTTPS on 443 with the TLS Secrets), an
HTTPRoute per host with a rule per path (Exact -> Exact, Prefix and ImplementationSpecific ->
PathPrefix), <ingress>-default-backend for spec.defaultBackend, canary weights as backend weights.
GatewayClasses use settings.gatewayAPI.controllerName (change it with --set).
Other objects are printed unchanged. Annotations and behaviours that do not carry over are listed on
stderr as file:line:col: Ingress <ns>/<name>: ... with what to use instead.
--json prints {ok, to, list, notes}: list the kind: List -o json prints (and yaml, the manifests as
text, when -o yaml is given), notes [{file, line, column, kind, namespace, name, field, annotation,
key, params, message, text}], text the line stderr prints.`,
  options: { to: { type: 'string' }, output: { type: 'string', short: 'o' } },
  run(ctx) {
    const to = opt(ctx, 'to');
    if (to === undefined || !(TARGETS as readonly string[]).includes(to)) {
      const not = to === undefined ? '' : ` (not ${JSON.stringify(to)})`;
      return ctx.report.fail(EXIT.usage, `error: --to must be one of: ${TARGETS.join(', ')}${not}`);
    }
    const output = opt(ctx, 'output') ?? 'yaml';
    if (output !== 'yaml' && output !== 'json') {
      const allowed = 'allowed formats are: json,yaml';
      const line = `error: unable to match a printer suitable for the output format "${output}", ${allowed}`;
      return ctx.report.fail(EXIT.usage, line);
    }
    const { files, rest } = splitFiles(ctx.args);
    if (files.length === 0 || rest.length > 0) {
      const notAFile = rest.length > 0 ? `; not a file: ${rest[0]}` : '';
      const line = `error: name the files to convert (.yaml, .yml, .json or - for standard input)${notAFile}`;
      return ctx.report.fail(EXIT.usage, line);
    }
    const loaded = loadScenarioForCommand({ files, globals: ctx.globals, io: ctx.io, report: ctx.report });
    if (!loaded.ok) return loaded.exitCode;
    const { objects, notes } = convertScenario(loaded.scenario);
    const sources = loaded.result.sources;
    for (const n of notes) ctx.io.stderr(`${formatNote(n, sources[n.index])}\n`);
    const list = { apiVersion: 'v1', kind: 'List', items: objects };
    if (ctx.globals.json) {
      const yaml = opt(ctx, 'output') === 'yaml' ? { yaml: toManifests(objects) } : {};
      const jsonNotes = notes.map((n) => noteJson(n, sources[n.index]));
      ctx.report.printJson({ ok: true, to, list, ...yaml, notes: jsonNotes });
      return EXIT.ok;
    }
    ctx.io.stdout(output === 'yaml' ? toManifests(objects) : `${JSON.stringify(list, null, 2)}\n`);
    return EXIT.ok;
  },
};

/** The scenario's objects as written (edits are not applied: they name the Ingresses that go away). */
export function convertScenario(s: Scenario) {
  return convertIngressesToGatewayAPI(s.objects, { controllerName: s.settings.gatewayAPI.controllerName });
}

/** Where in the files a note points: the field it is about, else its object. */
function noteAt(n: ConvertNote, source: ObjectSource | undefined) {
  const objectAt = source?.line !== undefined ? { line: source.line, column: source.column ?? 1 } : undefined;
  return source?.locateField?.(n.field) ?? objectAt;
}

/** `file:line:col: Ingress ns/name: <what> ` in English, pointing at the field the note is about. */
export function formatNote(n: ConvertNote, source: ObjectSource | undefined): string {
  const at = noteAt(n, source);
  const where = source ? (at ? `${source.file}:${at.line}:${at.column}` : source.file) : '-';
  const who = n.kind === 'Ingress' ? `Ingress ${n.namespace}/${n.name}` : `IngressClass ${n.name}`;
  return `${where}: ${who}: ${renderConvertMessage('en', n.key, n.params)}`;
}

/** A note as `convert --json` gives it: where (file, line, column when known), what, and the stderr line. */
export function noteJson(n: ConvertNote, source: ObjectSource | undefined) {
  const at = noteAt(n, source);
  const { kind, namespace, name, field, annotation, key, params } = n;
  return {
    ...(source ? { file: source.file } : {}),
    ...(at ? { line: at.line, column: at.column } : {}),
    kind,
    namespace,
    name,
    field,
    ...(annotation !== undefined ? { annotation } : {}),
    key,
    params,
    message: renderConvertMessage('en', key, params),
    text: formatNote(n, source),
  };
}
