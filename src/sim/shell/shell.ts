// The commands a user types in the lab, read as a shell would and answered from the lab: kubectl
// over the reconciled cluster, curl through the tracer, dig through cluster DNS, iptables-save /
// ipvsadm / nft from kube-proxy's rendered rules, nginx.conf from the controller. The page's console
// (src/state/console) and the CLI's `exec` are thin adapters over `runShell`.
// Pure: the caller passes the lab, the tracer and the manifest reader in, and gets text and edits
// back. A change is a list of lab edits, checked first against the apiserver (the lab after them):
// a refused object prints the apiserver's words and changes nothing.

import { parse as parseYaml, parseAllDocuments } from 'yaml';
import { artifactText, type RenderedArtifact } from '../artifact';
import type { AnyObject } from '../api/store';
import type { ClusterEvent } from '../events';
import type { Cluster } from '../cluster';
import * as dns from '../dns/index';
import { kubectlDescribe } from '../kubectl/describe';
import { inScope, kubectlGet, NAME_WITH_SELECTOR, parseOutput, selected } from '../kubectl/get';
import { resolveResource, resources } from '../kubectl/resources';
import type { Lab } from '../assembly/lab';
import { currentObject, isAddonObject, withoutStatus, type LabEdit } from '../assembly/edits';
import { MAX_REPLICAS, type KubeProxySettings } from '../lab';
import { DEFAULT_CLIENT } from '../clients';
import { buildNetworkIndex } from '../trace/network';
import { parseUrl } from '../trace/trace';
import type { Pod } from '../api/types';
import type { TraceResult } from '../trace/types';
import { newEvents, rejectionText } from './changes';
import { curlUrl } from './curl-url';
import { iptablesWords, ruleSpecs, tableBlock } from './iptables';
import { curlMethod, parseCurlArgs, writeOut } from './curl-args';
import { addFlag, flag, flags, has, type Args } from './args';
import { ipCommand } from './ip';
import { getentCommand, type HostsPlace } from './getent';
import { listed, note, renderNoteWith, type InEachLanguage, type Note, type NoteParam } from '../notes';
import type { Shell } from './where';
import { runFilter, splitPipeline } from './pipe';

export type { Shell } from './where';

/** A request as curl gives it to the tracer: from, URL, method, headers, and curl's --connect-to. */
export interface ShellRequest {
  /** "external:<client>", "pod:<ns>/<name>" or "node:<name>". */
  from: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  connect: string;
}

export interface ShellEnv {
  /** The lab as it runs now. */
  lab: Lab;
  shell: Shell;
  /** The lab after these edits, to check a change and list its events before committing it. */
  labWith(edits: readonly LabEdit[]): Lab;
  /** Runs one request through the tracer (the page also animates it). */
  trace(request: ShellRequest): TraceResult | null;
  /** Reads manifests as the scenario loader reads a file (`kubectl apply -f -`), or says why not. */
  readManifests(text: string): { ok: true; objects: AnyObject[] } | ({ ok: false } & LoaderRefusal);
  /** kube-proxy's configuration with one `path=value` set (`kubectl edit cm kube-proxy --set`). */
  setKubeProxy(
    config: KubeProxySettings,
    path: string,
    value: string,
  ): { ok: true; config: KubeProxySettings } | ({ ok: false } & LoaderRefusal);
}

/**
 * Why the scenario layer refused what the shell handed it: its English message (what the CLI prints),
 * and the same words in each language when that layer has them (its problem table), for the page.
 */
export interface LoaderRefusal {
  message: string;
  inEachLanguage?: InEachLanguage;
}

/** A refusal as a note's parameter: in the reader's language when it comes in each. */
const refusalWhy = (r: LoaderRefusal): NoteParam => r.inEachLanguage ?? r.message;

export interface ShellResult {
  out: string;
  err: string;
  /** Events the change produced (controllers, kube-proxy, ingress), as kubectl get events rows. */
  events: string[];
  /** The change to commit, in order: one undo step. */
  edits?: LabEdit[];
  shell?: Shell;
  trace?: { request: ShellRequest; result: TraceResult };
  clear?: boolean;
  /** The exit status when the command has its own (curl's 3 for a URL it rejects); else 0, or 1 with `err`. */
  status?: number;
  /**
   * The last lines of `out` when they are the console's own words, not a program's (curl's summary of
   * the trace, help's last line): as notes the page renders in its language. Gone once piped.
   */
  prose?: ProseLine[];
  /**
   * The first lines of `err` when they hold the console's own words, not only a program's (what the lab
   * says instead of running ping, its hint after bash's "command not found", the fault after curl's
   * error): as notes the page renders in its language, a program's words in them as parameters or
   * `note.shell.printed` lines, as printed. Standard error is not piped, so they stay through a pipeline.
   */
  errProse?: ProseLine[];
  /**
   * The reasons of the events `out` lists (kubectl get events), each once, in order: the page glosses
   * them in the reader's language beside kubectl's English, as the timeline does. Gone once piped.
   */
  eventReasons?: string[];
}

/**
 * One line of the console's own words: a note, its named parameters notes themselves, or lines with
 * parts of their own (a trace's fault, in the words the hop inspector shows it, inside curl's error).
 */
export interface ProseLine {
  note: Note;
  parts?: Record<string, readonly (Note | ProseLine)[]>;
}

/** A line of prose in `lang`: a part that is a line is rendered first, in the same language. */
function renderProse(lang: 'en' | 'zh', line: ProseLine): string {
  const parts: Record<string, Note[]> = {};
  for (const [k, items] of Object.entries(line.parts ?? {})) {
    parts[k] = items.map((i) => ('note' in i ? printed(renderProse(lang, i)) : i));
  }
  return renderNoteWith(lang, line.note, parts);
}

/** The English text of prose lines, as `out` ends with them. */
export function proseText(lines: readonly ProseLine[], lang: 'en' | 'zh' = 'en'): string {
  return lines.map((l) => renderProse(lang, l)).join('\n');
}

/** Text a program printed, as a note: the same in every language (its lines before the console's words). */
const printed = (text: string): Note => note('note.shell.printed', { text });

/** A result whose output ends with the console's own words. */
function okProse(before: string, prose: ProseLine[], extra: Partial<ShellResult> = {}): ShellResult {
  return ok(`${before}${proseText(prose)}\n`, { ...extra, prose });
}

const ok = (out: string, extra: Partial<ShellResult> = {}): ShellResult => ({ out, err: '', events: [], ...extra });
const error = (err: string): ShellResult => ({ out: '', err: err.endsWith('\n') ? err : `${err}\n`, events: [] });

/** A failure the console explains in its own words (the page renders them in its language). */
function errorProse(prose: ProseLine[]): ShellResult {
  return { ...error(proseText(prose)), errProse: prose };
}

/** A failure that is one note: the lab's words about its own limits, not a program's output. */
const errorNote = (n: Note): ShellResult => errorProse([{ note: n }]);

// ------------------------------------------------------------------ words

/** Splits a command line like sh: single and double quotes, backslash escapes; "<<EOF" heredoc after the first line. */
export function splitWords(line: string): string[] {
  const words: string[] = [];
  let cur = '';
  let has = false;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      if (c === quote) quote = null;
      else if (c === '\\' && quote === '"' && i + 1 < line.length) cur += line[++i];
      else cur += c;
      continue;
    }
    if (c === '"' || c === "'") {
      quote = c;
      has = true;
    } else if (c === '\\' && i + 1 < line.length) {
      cur += line[++i];
      has = true;
    } else if (/\s/.test(c)) {
      if (has) words.push(cur);
      cur = '';
      has = false;
    } else {
      cur += c;
      has = true;
    }
  }
  if (has) words.push(cur);
  return words;
}

const VALUE_FLAGS = new Set([
  '-n',
  '--namespace',
  '-o',
  '--output',
  '--replicas',
  '--set',
  '-p',
  '--patch',
  '-f',
  '--filename',
  '-H',
  '--header',
  '--connect-to',
  '-X',
  '--request',
  '-b',
  '--cookie',
  '-c',
  '--cookie-jar',
  '--type',
  '-l',
  '--selector',
  '--field-selector',
  '--sort-by',
  '-L',
  '--label-columns',
  '-c',
]);

/** kubectl's words: `-n x`, `--replicas=3`, `--set a=b` (repeatable). */
function parseArgs(words: string[]): Args {
  const pos: string[] = [];
  const flags = new Map<string, string[]>();
  const add = (k: string, v: string) => addFlag(flags, k, v);
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (w === '--') {
      pos.push(...words.slice(i + 1));
      break;
    }
    if (w.startsWith('--') && w.includes('=')) {
      const eq = w.indexOf('=');
      add(w.slice(0, eq), w.slice(eq + 1));
    } else if (VALUE_FLAGS.has(w) && i + 1 < words.length) add(w, words[++i]!);
    // pflag's attached short values: -nkube-system, -n=kube-system, -lapp=web, -owide.
    else if (/^-[nlLo]\S/.test(w)) add(w.slice(0, 2), w.slice(w[2] === '=' ? 3 : 2));
    else if (w.startsWith('-') && w.length > 1) add(w, '');
    else pos.push(w);
  }
  return { pos, flags };
}

// ------------------------------------------------------------------ kinds

interface KindInfo {
  kind: string;
  resource: string;
  group: string;
  namespaced: boolean;
  /** The resource's plural when `resource` + s is not it (networkpolicies). */
  plural?: string;
}
const KINDS: Record<string, KindInfo> = {};
function kindInfo(names: string[], info: KindInfo) {
  for (const n of names) KINDS[n] = info;
}
kindInfo(['pod', 'pods', 'po'], { kind: 'Pod', resource: 'pod', group: '', namespaced: true });
kindInfo(['service', 'services', 'svc'], { kind: 'Service', resource: 'service', group: '', namespaced: true });
kindInfo(
  ['deployment', 'deployments', 'deploy'],
  { kind: 'Deployment', resource: 'deployment', group: 'apps', namespaced: true },
);
kindInfo(
  ['ingress', 'ingresses', 'ing'],
  { kind: 'Ingress', resource: 'ingress', group: 'networking.k8s.io', namespaced: true },
);
kindInfo(['node', 'nodes', 'no'], { kind: 'Node', resource: 'node', group: '', namespaced: false });
kindInfo(
  ['replicaset', 'replicasets', 'rs'],
  { kind: 'ReplicaSet', resource: 'replicaset', group: 'apps', namespaced: true },
);
kindInfo(
  ['daemonset', 'daemonsets', 'ds'],
  { kind: 'DaemonSet', resource: 'daemonset', group: 'apps', namespaced: true },
);
kindInfo(
  ['statefulset', 'statefulsets', 'sts'],
  { kind: 'StatefulSet', resource: 'statefulset', group: 'apps', namespaced: true },
);
kindInfo(
  ['endpointslice', 'endpointslices'],
  { kind: 'EndpointSlice', resource: 'endpointslice', group: 'discovery.k8s.io', namespaced: true },
);
kindInfo(['namespace', 'namespaces', 'ns'], { kind: 'Namespace', resource: 'namespace', group: '', namespaced: false });
kindInfo(
  ['ingressclass', 'ingressclasses'],
  { kind: 'IngressClass', resource: 'ingressclass', group: 'networking.k8s.io', namespaced: false },
);
kindInfo(['configmap', 'configmaps', 'cm'], { kind: 'ConfigMap', resource: 'configmap', group: '', namespaced: true });

/** Kind names kubectl completes, for the console's Tab. */
export const KIND_WORDS = [
  'pods',
  'services',
  'deployments',
  'ingresses',
  'nodes',
  'endpointslices',
  'replicasets',
  'events',
  'namespaces',
];

/** KIND_WORDS, and the plural of every other resource type the lab holds objects of (ConfigMaps, RBAC, CRDs' kinds). */
function kindWords(c: Lab['reconcile']['cluster']): string[] {
  const held = resources(c).filter((r) => r.kind !== 'Event' && r.list(c).length > 0).map((r) => r.plural);
  return [...new Set([...KIND_WORDS, ...held])];
}

const qualified = (k: KindInfo) => (k.group ? `${k.resource}.${k.group}` : k.resource);
const pluralQualified = (k: KindInfo) => {
  const plural = k.plural ?? (k.resource.endsWith('s') ? `${k.resource}es` : `${k.resource}s`);
  return k.group ? `${plural}.${k.group}` : plural;
};

/** A kind word as kubectl resolves it: the simulated kinds above, else any kind the lab keeps (resources.ts). */
function kindNamed(word: string, cluster: Cluster): KindInfo | undefined {
  const known = KINDS[word.toLowerCase()];
  if (known) return known;
  const r = resolveResource(word, cluster);
  return r && r.kind !== 'Event'
    ? { kind: r.kind, resource: r.singular, group: r.group, namespaced: r.namespaced, plural: r.plural }
    : undefined;
}

/** "svc/web" or ("svc", "web"). */
function kindAndName(a: Args, cluster: Cluster): { kind: KindInfo; name: string; rest: string[] } | { error: string } {
  const [first, second, ...rest] = a.pos;
  if (!first) return { error: 'error: you must specify the type of resource' };
  let kindWord = first;
  let name = second;
  let others = rest;
  if (first.includes('/')) {
    [kindWord, name] = first.split('/', 2) as [string, string];
    others = second === undefined ? [] : [second, ...rest];
  }
  const kind = kindNamed(kindWord, cluster);
  if (!kind) return { error: `error: the server doesn't have a resource type "${kindWord}"` };
  if (!name) return { error: 'error: resource name may not be empty' };
  return { kind, name, rest: others };
}

/** The object as the running cluster holds it (the scenario's, as edited; or one a controller made). */
function findCurrent(lab: Lab, kind: string, namespace: string | undefined, name: string): AnyObject | undefined {
  return currentObject(lab, kind, namespace, name) as AnyObject | undefined;
}

// ------------------------------------------------------------------ changes

export function eventRow(e: ClusterEvent): string {
  return `${e.type}\t${e.reason}\t${e.object.kind.toLowerCase()}/${e.object.name}\t${e.message}`;
}

/** The reason of an event row (its second column), by which the page glosses it. */
export function eventRowReason(row: string): string {
  return row.split('\t')[1] ?? '';
}

const refKey = (
  r: { kind: string; namespace?: string; name: string }
) => `${r.kind}/${r.namespace ?? 'default'}/${r.name}`;

/**
 * Checks a change against the apiserver (the edited lab's refusals) and lists what it set off. A
 * write replaces its object's earlier refusals, so every refusal of a touched object after the change
 * is the change's own, also when it repeats one the lab already showed (the same manifest applied twice).
 */
export function checkEdits(
  env: Pick<ShellEnv, 'lab' | 'labWith'>,
  edits: LabEdit[],
  touched: { kind: string; namespace?: string; name: string }[],
  out: string,
): ShellResult {
  const overCap = replicasOverCap(edits);
  if (overCap) return errorProse([overCap]);
  const lab = env.labWith(edits);
  const keys = new Set(touched.map(refKey));
  const refused = lab.problems.filter((p) => keys.has(refKey(p.ref)));
  if (refused.length > 0) return error(refused.map(rejectionText).join('\n'));
  return { out, err: '', events: newEvents(env.lab.events, lab.events).map(eventRow), edits };
}

/**
 * The lab's own limit on spec.replicas (Kubernetes has none below 2^31), checked before the lab is built
 * with the change: the controllers would create every pod first.
 */
function replicasOverCap(edits: readonly LabEdit[]): ProseLine | null {
  for (const e of edits) {
    let asked: { kind: string; replicas: unknown } | null = null;
    if (e.kind === 'set-replicas') asked = { kind: e.objectKind ?? 'Deployment', replicas: e.replicas };
    else if (e.kind === 'apply-object' && 'spec' in e.object) {
      asked = { kind: e.object.kind, replicas: (e.object.spec as { replicas?: unknown } | undefined)?.replicas };
    }
    if (asked && typeof asked.replicas === 'number' && asked.replicas > MAX_REPLICAS) {
      // The lab's limit, not the apiserver's: in the reader's language.
      return { note: note('note.shell.replicasCap', { max: MAX_REPLICAS, kind: asked.kind, asked: asked.replicas }) };
    }
  }
  return null;
}

/** Not there, or installed by the lab's addons (change the lab settings instead). */
function notChangeable(env: ShellEnv, kind: KindInfo, ns: string, name: string): ShellResult | null {
  const o = findCurrent(env.lab, kind.kind, kind.namespaced ? ns : undefined, name);
  if (!o) return error(`Error from server (NotFound): ${pluralQualified(kind)} "${name}" not found`);
  // An addon's pods are its Deployment's or DaemonSet's: deleting one is a restart, as on a real cluster.
  const ownedPod = o.kind === 'Pod' && Boolean(o.metadata.ownerReferences?.length);
  if (isAddonObject(o) && !ownedPod) {
    return errorNote(note('note.shell.addonObject', { resource: kind.resource, name }));
  }
  return null;
}

/** Sets a dotted path (`spec.ports.0.port`); what is wrong with the path is the lab's words, a note. */
function setPath(obj: Record<string, unknown>, path: string, value: unknown): Note | null {
  const parts = path.split('.').filter(Boolean);
  if (parts.length === 0) return note('note.shell.setPathEmpty', {});
  let cur: Record<string, unknown> = obj;
  for (let i = 0; i < parts.length - 1; i++) {
    const p = parts[i]!;
    const m = /^(.*)\[(\d+)\]$/.exec(p);
    if (m) {
      const arr = cur[m[1]!];
      const missing = !Array.isArray(arr) || arr[Number(m[2])] === undefined;
      if (missing) return note('note.shell.setPathNoElement', { path: parts.slice(0, i + 1).join('.') });
      cur = arr[Number(m[2])] as Record<string, unknown>;
      continue;
    }
    const next = cur[p];
    if (next === undefined || next === null) cur[p] = {};
    else if (typeof next !== 'object' || Array.isArray(next)) {
      return note('note.shell.setPathNotObject', { path: parts.slice(0, i + 1).join('.') });
    }
    cur = cur[p] as Record<string, unknown>;
  }
  const last = parts.at(-1)!;
  const m = /^(.*)\[(\d+)\]$/.exec(last);
  if (m) {
    const arr = cur[m[1]!];
    if (!Array.isArray(arr)) return note('note.shell.setPathNotList', { path });
    arr[Number(m[2])] = value;
  } else if (value === null) delete cur[last];
  else cur[last] = value;
  return null;
}

/** RFC 7386 JSON merge patch, what `kubectl patch --type merge` sends. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) return patch;
  const isObject = typeof target === 'object' && target !== null && !Array.isArray(target);
  const out: Record<string, unknown> = isObject ? { ...(target as Record<string, unknown>) } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

/** A --set value as YAML reads a scalar: 3 is a number, true a boolean, "x" a string. */
function scalar(text: string): unknown {
  try {
    return parseYaml(text) as unknown;
  } catch {
    return text;
  }
}

// ------------------------------------------------------------------ kubectl

/** The namespace an object lives in (an unset namespace is "default"). */
function nsOfObject(o: { metadata: { namespace?: string } }): string {
  return o.metadata.namespace ?? 'default';
}

function namespaceOf(a: Args): string {
  return flag(a, '-n', '--namespace') ?? 'default';
}

function kubectl(env: ShellEnv, words: string[], stdin: string | undefined): ShellResult {
  const [verb, ...rest] = words;
  const a = parseArgs(rest);
  switch (verb) {
    case 'get':
      return kubectlGetVerb(env, a);
    case 'describe':
      return kubectlDescribeVerb(env, a);
    case 'apply':
    case 'create':
      return apply(env, a, stdin, verb);
    case 'delete':
      return kubectlDelete(env, a);
    case 'scale':
      return kubectlScale(env, a);
    case 'label':
    case 'annotate':
      return kubectlLabelOrAnnotate(env, a, verb);
    case 'edit':
    case 'patch':
      return kubectlEditOrPatch(env, a, verb);
    case 'exec':
      return kubectlExec(env, a);
    case undefined:
      return okProse('', [{ note: note('note.shell.kubectlHelp', { tool: 'kubectl', commands: KUBECTL_COMMANDS }) }]);
    default:
      return REAL_KUBECTL_VERBS.has(verb ?? '')
        ? errorNote(note('note.shell.kubectlVerb', {
          verb: verb!, tool: 'kubectl', verbs: MODELLED_VERBS.slice(0, -1), last: MODELLED_VERBS.at(-1)!,
        }))
        : error(`error: unknown command "${verb}" for "kubectl"`);
  }
}

/** The kubectl commands the console runs, as typed. */
const KUBECTL_COMMANDS =
  'get, describe, apply -f -, create -f -, delete, scale, label, annotate, edit --set, patch -p, exec';

const MODELLED_VERBS = [
  'get', 'describe', 'apply', 'create', 'delete', 'scale', 'label', 'annotate', 'edit', 'patch', 'exec',
];

/** kubectl's other commands: real, so "unknown command" would mislead. */
const REAL_KUBECTL_VERBS = new Set([
  'expose', 'run', 'set', 'explain', 'rollout', 'autoscale', 'certificate', 'cluster-info', 'top', 'cordon',
  'uncordon', 'drain', 'taint', 'logs', 'attach', 'port-forward', 'proxy', 'cp', 'auth', 'debug', 'events',
  'diff', 'replace', 'wait', 'kustomize', 'api-resources', 'api-versions', 'config', 'plugin', 'version',
  'completion', 'options',
]);


/** The flags the console's kubectl get and describe take. */
const GET_FLAGS = new Set([
  '-n', '--namespace', '-A', '--all-namespaces', '-o', '--output', '-l', '--selector', '--field-selector',
  '--show-labels', '-L', '--label-columns', '--no-headers', '--sort-by',
]);
const DESCRIBE_FLAGS = new Set(['-n', '--namespace', '-A', '--all-namespaces', '-l', '--selector']);

/** Real flags of kubectl get/describe (and kubectl's global ones) the console does not model. */
const REAL_READ_FLAGS = new Set([
  '-w', '--watch', '--watch-only', '--output-watch-events', '--sort-by', '--field-selector', '--chunk-size',
  '--ignore-not-found', '-f', '--filename', '-k', '--kustomize', '-R', '--recursive', '--raw', '--template',
  '--subresource', '--show-kind', '--show-managed-fields', '--server-print', '--allow-missing-template-keys',
  '--show-events', '--context', '--kubeconfig', '--cluster', '--user', '-s', '--server', '--request-timeout',
  '-v', '--v', '--token', '--as', '--insecure-skip-tls-verify',
]);

/**
 * A flag `verb` does not take: cobra's own error for one kubectl does not have, the lab's note for a
 * real one the console does not model (a silently ignored `--field-selector` would list the wrong objects).
 */
function unknownFlag(a: Args, verb: 'get' | 'describe', known: ReadonlySet<string>): ShellResult | null {
  const f = [...a.flags.keys()].find((k) => !known.has(k));
  if (f === undefined) return null;
  if (REAL_READ_FLAGS.has(f)) {
    return errorNote(note('note.shell.kubectlFlag', { flag: f, verb: `kubectl ${verb}`, flags: [...known].join(' ') }));
  }
  const text = f.startsWith('--') ? `unknown flag: ${f}` : `unknown shorthand flag: '${f[1]}' in ${f}`;
  return error(`error: ${text}\nSee 'kubectl ${verb} --help' for usage.`);
}

/** `kubectl get KIND [NAME] [-n NS | -A] [-o wide|yaml|json|name] [-l SEL] [--show-labels] [-L KEY]`. */
function kubectlGetVerb(env: ShellEnv, a: Args): ShellResult {
  const refused = unknownFlag(a, 'get', GET_FLAGS);
  if (refused) return refused;
  const [kind, name] = a.pos;
  if (!kind) return error('error: you must specify the type of resource to get');
  const [k, n] = kind.includes('/') ? (kind.split('/', 2) as [string, string]) : [kind, name];
  const format = parseOutput(flag(a, '-o', '--output'));
  if ('error' in format) return error(format.error);
  const r = kubectlGet(env.lab.reconcile.cluster, {
    template: format.template,
    kind: k,
    name: n,
    namespace: namespaceOf(a),
    allNamespaces: has(a, '-A', '--all-namespaces'),
    output: format.output,
    selector: flag(a, '-l', '--selector'),
    fieldSelector: flag(a, '--field-selector'),
    sortBy: flag(a, '--sort-by'),
    showLabels: has(a, '--show-labels'),
    labelColumns: flags(a, '-L', '--label-columns').flatMap((v) => v.split(',')).filter((k) => k !== ''),
    noHeaders: has(a, '--no-headers'),
  });
  if (!r.ok) return { ...error(r.error), out: r.text ?? '' };
  const reasons = [...new Set((r.events ?? []).map((e) => e.reason))];
  return ok(r.text, reasons.length > 0 ? { eventReasons: reasons } : {});
}

/** `kubectl describe KIND [NAME|-l SELECTOR]` or `KIND/NAME`: any type kubectl get takes. */
function kubectlDescribeVerb(env: ShellEnv, a: Args): ShellResult {
  const refused = unknownFlag(a, 'describe', DESCRIBE_FLAGS);
  if (refused) return refused;
  const [first, second] = a.pos;
  if (!first) return error('error: you must specify the type of resource');
  const [kind, name] = first.includes('/') ? (first.split('/', 2) as [string, string]) : [first, second];
  const cluster = env.lab.reconcile.cluster;
  if (!resolveResource(kind, cluster)) return error(`error: the server doesn't have a resource type "${kind}"`);
  const r = kubectlDescribe(cluster, {
    kind,
    name,
    namespace: namespaceOf(a),
    allNamespaces: has(a, '-A', '--all-namespaces'),
    selector: flag(a, '-l', '--selector'),
  });
  return r.ok ? ok(r.text) : error(r.error);
}

/** `kubectl delete KIND NAME`; a pod its ReplicaSet owns may be deleted too (the ReplicaSet makes a new one). */
function kubectlDelete(env: ShellEnv, a: Args): ShellResult {
  const ns = namespaceOf(a);
  // The seeds restart kube-proxy after editing its ConfigMap; the lab's kube-proxy already runs the edited
  // configuration.
  if (a.pos[0]?.startsWith('pod') && flag(a, '-l', '--selector') === 'k8s-app=kube-proxy') {
    // The lab's words, not kubectl's (which would name the pods it deleted): notes in the reader's language.
    const restarted = Object.keys(env.lab.proxies).map((node) => ({
      note: note('note.shell.proxyRestarted', { node }),
    }));
    const why = { note: note('note.shell.proxyNoPods', { mode: env.lab.settings.kubeProxy.mode }) };
    return okProse('', [...restarted, why]);
  }
  const selector = flag(a, '-l', '--selector')?.trim();
  if (selector && a.pos.length === 1 && !a.pos[0]!.includes('/')) return deleteSelected(env, a.pos[0]!, ns, selector);
  if (selector) return error(NAME_WITH_SELECTOR);
  const kn = kindAndName(a, env.lab.reconcile.cluster);
  if ('error' in kn) return error(kn.error);
  const objNs = kn.kind.namespaced ? ns : undefined;
  const refused = notChangeable(env, kn.kind, ns, kn.name);
  if (refused) return refused;
  return checkEdits(
    env,
    [{ kind: 'remove-object', objectKind: kn.kind.kind, namespace: objNs, name: kn.name }],
    [{ kind: kn.kind.kind, namespace: objNs, name: kn.name }],
    `${qualified(kn.kind)} "${kn.name}" deleted\n`,
  );
}

/** `kubectl delete KIND -l SELECTOR`: every object of the kind the selector picks, in one change. */
function deleteSelected(env: ShellEnv, kindWord: string, ns: string, selector: string): ShellResult {
  const kind = kindNamed(kindWord, env.lab.reconcile.cluster);
  const res = resolveResource(kindWord, env.lab.reconcile.cluster);
  if (!kind || !res) return error(`error: the server doesn't have a resource type "${kindWord}"`);
  const sel = selected(res, { selector });
  if ('error' in sel) return error(sel.error);
  const picked = res.list(env.lab.reconcile.cluster).filter((o) =>
    inScope(o, res.namespaced ? ns : undefined, res.kind, sel));
  if (picked.length === 0) return ok('No resources found\n');
  const objNs = kind.namespaced ? ns : undefined;
  for (const o of picked) {
    const refused = notChangeable(env, kind, ns, o.metadata.name);
    if (refused) return refused;
  }
  const names = picked.map((o) => o.metadata.name);
  return checkEdits(
    env,
    names.map((name) => ({ kind: 'remove-object', objectKind: kind.kind, namespace: objNs, name })),
    names.map((name) => ({ kind: kind.kind, namespace: objNs, name })),
    names.map((name) => `${qualified(kind)} "${name}" deleted\n`).join(''),
  );
}

/** `kubectl scale deployment|statefulset NAME --replicas=N`. */
function kubectlScale(env: ShellEnv, a: Args): ShellResult {
  const ns = namespaceOf(a);
  const kn = kindAndName(a, env.lab.reconcile.cluster);
  if ('error' in kn) return error(kn.error);
  const replicas = flag(a, '--replicas');
  // kubectl marks --replicas required (cobra), parses it as an int (pflag), then validates it.
  if (replicas === undefined) return error('error: required flag(s) "replicas" not set');
  const parsed = /^[+-]?\d+$/.test(replicas) ? BigInt(replicas) : null;
  const int64 = parsed !== null && parsed >= -(2n ** 63n) && parsed < 2n ** 63n;
  if (!int64) {
    const why = parsed === null ? 'invalid syntax' : 'value out of range';
    return error(`error: invalid argument "${replicas}" for "--replicas" flag: `
      + `strconv.ParseInt: parsing "${replicas}": ${why}\nSee 'kubectl scale -h' for help and examples`);
  }
  if (Number(replicas) < 0) {
    return error('error: The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0');
  }
  const kind = kn.kind.kind;
  if (kind !== 'Deployment' && kind !== 'StatefulSet') {
    return errorNote(note('note.shell.scaleDeployments', { resource: kn.kind.resource }));
  }
  const refused = notChangeable(env, kn.kind, ns, kn.name);
  if (refused) return refused;
  // A Deployment's edit is written as it always was (no objectKind): saved labs replay unchanged.
  const edit: LabEdit = { kind: 'set-replicas', namespace: ns, name: kn.name, replicas: Number(replicas) };
  return checkEdits(
    env,
    [kind === 'StatefulSet' ? { ...edit, objectKind: kind } : edit],
    [{ kind, namespace: ns, name: kn.name }],
    `${qualified(kn.kind)}/${kn.name} scaled\n`,
  );
}

/** `kubectl label|annotate KIND NAME KEY=VALUE... KEY-...` (a changed value needs --overwrite). */
function kubectlLabelOrAnnotate(env: ShellEnv, a: Args, verb: 'label' | 'annotate'): ShellResult {
  const kn = kindAndName(a, env.lab.reconcile.cluster);
  if ('error' in kn) return error(kn.error);
  const what = verb === 'label' ? 'label' : 'annotation';
  return edit(env, kn.kind, namespaceOf(a), kn.name, (o) => {
    const field = verb === 'label' ? 'labels' : 'annotations';
    const map: Record<string, string> = { ...(o.metadata[field] ?? {}) };
    for (const kv of kn.rest) {
      if (kv.endsWith('-')) delete map[kv.slice(0, -1)];
      else {
        const eq = kv.indexOf('=');
        if (eq <= 0) return `error: at least one ${what} update is required (KEY=VALUE or KEY-), not "${kv}"`;
        const key = kv.slice(0, eq);
        if (map[key] !== undefined && map[key] !== kv.slice(eq + 1) && !has(a, '--overwrite')) {
          return `error: '${key}' already has a value (${map[key]}), and --overwrite is false`;
        }
        map[key] = kv.slice(eq + 1);
      }
    }
    if (kn.rest.length === 0) return `error: at least one ${what} update is required`;
    o.metadata[field] = map;
    return null;
  }, verb === 'label' ? 'labeled' : 'annotated');
}

/**
 * `kubectl edit KIND NAME --set path=value` and `kubectl patch KIND NAME -p '<merge patch>'`: the console
 * has no editor, so both take structured changes. kube-proxy's ConfigMap edits the lab's kube-proxy.
 */
function kubectlEditOrPatch(env: ShellEnv, a: Args, verb: 'edit' | 'patch'): ShellResult {
  const ns = namespaceOf(a);
  const kn = kindAndName(a, env.lab.reconcile.cluster);
  if ('error' in kn) return error(kn.error);
  const sets = flags(a, '--set');
  if (kn.kind.kind === 'ConfigMap' && kn.name === 'kube-proxy' && ns === 'kube-system') return editKubeProxyConfig(
    env,
    sets,
  );
  const patch = flag(a, '-p', '--patch');
  if (sets.length === 0 && patch === undefined) {
    return errorNote(note('note.shell.editStructured', {
      set: `kubectl ${verb} ${kn.kind.resource} ${kn.name} --set spec.type=NodePort`,
      patch: `-p '{"spec":{"type":"NodePort"}}'`,
    }));
  }
  return edit(env, kn.kind, ns, kn.name, (o) => {
    for (const s of sets) {
      const eq = s.indexOf('=');
      if (eq <= 0) return note('note.shell.setPathValue', { arg: s });
      const problem = setPath(o as unknown as Record<string, unknown>, s.slice(0, eq), scalar(s.slice(eq + 1)));
      if (problem) return problem;
    }
    if (patch !== undefined) {
      let p: unknown;
      try {
        p = JSON.parse(patch);
      } catch (e) {
        return `error: unable to parse "${patch}": ${e instanceof Error ? e.message : String(e)}`;
      }
      const merged = mergePatch(o, p) as Record<string, unknown>;
      for (const k of Object.keys(o)) delete (o as unknown as Record<string, unknown>)[k];
      Object.assign(o, merged);
    }
    return null;
  }, verb === 'edit' ? 'edited' : 'patched');
}

/** `kubectl exec POD [-- COMMAND]`: no command (or a shell) switches the console into the pod. */
function kubectlExec(env: ShellEnv, a: Args): ShellResult {
  const ns = namespaceOf(a);
  const target = a.pos[0];
  if (!target) return error(
    'error: expected \'exec (POD | TYPE/NAME) [-c CONTAINER] [flags] -- COMMAND [args...]\''
  );
  const name = target.replace(/^(pod|pods|po)\//, '');
  const pod = env.lab.reconcile.cluster.pods.find(
    (p) => p.metadata.name === name && (p.metadata.namespace ?? 'default') === ns,
  );
  if (!pod) return error(`Error from server (NotFound): pods "${name}" not found`);
  const shell: Shell = { kind: 'pod', pod: `${ns}/${name}` };
  const cmd = a.pos.slice(1);
  if (cmd.length === 0 || ['sh', 'bash', '/bin/sh', '/bin/bash'].includes(cmd[0]!)) return ok('', { shell });
  return runShell({ ...env, shell }, cmd.join(' '));
}

/**
 * `kubectl edit cm kube-proxy -n kube-system --set mode=ipvs`: kube-proxy's configuration file
 * (KubeProxyConfiguration in the ConfigMap's config.conf) is the lab's kubeProxy settings.
 */
function editKubeProxyConfig(env: ShellEnv, sets: string[]): ShellResult {
  if (sets.length === 0) return errorNote(note('note.shell.kubeProxySet', {
    example: 'kubectl edit cm kube-proxy -n kube-system --set mode=ipvs --set ipvs.scheduler=wrr',
  }));
  const running = env.lab.settings.kubeProxy;
  let config = running;
  for (const s of sets) {
    const eq = s.indexOf('=');
    if (eq <= 0) return errorNote(note('note.shell.setPathValue', { arg: s }));
    const key = s.slice(0, eq).replace(/^data\.config\.conf\./, '');
    const r = env.setKubeProxy(config, key, s.slice(eq + 1));
    if (!r.ok) {
      return errorNote(note('note.shell.kubeProxyRefused', { object: 'configmaps "kube-proxy"', why: refusalWhy(r) }));
    }
    config = r.config;
  }
  if (JSON.stringify(config) === JSON.stringify(running)) return ok('configmap/kube-proxy unchanged\n');
  return checkEdits(env, [{ kind: 'set-kube-proxy', config }], [], 'configmap/kube-proxy edited\n');
}

/**
 * Changes one object the scenario writes; `change` mutates a copy and returns what went wrong (an
 * error text as kubectl prints it, or the lab's words as a note) or null.
 */
function edit(
  env: ShellEnv,
  kind: KindInfo,
  ns: string,
  name: string,
  change: (o: AnyObject) => string | Note | null,
  verbPast: string,
): ShellResult {
  const objNs = kind.namespaced ? ns : undefined;
  const refused = notChangeable(env, kind, ns, name);
  if (refused) return refused;
  const current = findCurrent(env.lab, kind.kind, objNs, name)!;
  const spec = withoutStatus(current);
  const copy = structuredClone(spec) as AnyObject;
  const problem = change(copy);
  if (problem) return typeof problem === 'string' ? error(problem) : errorNote(problem);
  if (copy.kind !== current.kind || copy.metadata?.name !== current.metadata.name) {
    return errorNote(note('note.shell.kindNameFixed', { resource: kind.resource, name }));
  }
  if (JSON.stringify(copy) === JSON.stringify(spec)) return ok(`${qualified(kind)}/${name} unchanged\n`);
  return checkEdits(
    env,
    [{ kind: 'apply-object', object: copy }],
    [{ kind: kind.kind, namespace: objNs, name }],
    `${qualified(kind)}/${name} ${verbPast}\n`,
  );
}

function apply(env: ShellEnv, a: Args, stdin: string | undefined, verb: string): ShellResult {
  const file = flag(a, '-f', '--filename');
  if (file !== '-') return errorNote(note('note.shell.applyStdin', { command: `kubectl ${verb} -f - <<EOF` }));
  if (!stdin || !stdin.trim()) return error('error: no objects passed to apply');
  const docs = parseAllDocuments(stdin);
  const bad = docs.find((d) => d.errors.length > 0);
  if (bad) return error(`error: error parsing STDIN: ${bad.errors[0]!.message}`);
  // Read through the scenario loader: the same defaults, schema and located problems as a file.
  const loaded = env.readManifests(stdin);
  if (!loaded.ok) {
    const said = 'error: error validating "STDIN": ';
    return errorNote(note('note.shell.manifestRefused', { said, why: refusalWhy(loaded) }));
  }
  const objects = loaded.objects;
  if (objects.length === 0) return error('error: no objects passed to apply');
  const lines: string[] = [];
  const edits: LabEdit[] = [];
  for (const o of objects) {
    const info = Object.values(KINDS).find((k) => k.kind === o.kind);
    const label = info ? qualified(info) : o.kind.toLowerCase();
    const existing = findCurrent(
      env.lab,
      o.kind,
      info?.namespaced === false ? undefined : (o.metadata.namespace ?? 'default'),
      o.metadata.name,
    );
    if (verb === 'create' && existing) return error(
      'Error from server (AlreadyExists): error when creating "STDIN": '
        + `${info ? pluralQualified(info) : o.kind} "${o.metadata.name}" already exists`
    );
    // A manifest the apiserver refused is not what the cluster holds: applied again, it is refused again.
    const refusedBefore = env.lab.problems.some((p) => refKey(p.ref) === refKey({ ...o.metadata, kind: o.kind }));
    const same = existing && !refusedBefore && JSON.stringify(existing) === JSON.stringify(o);
    lines.push(`${label}/${o.metadata.name} ${same ? 'unchanged' : existing ? 'configured' : 'created'}`);
    if (!same) edits.push({ kind: 'apply-object', object: o });
  }
  if (edits.length === 0) return ok(`${lines.join('\n')}\n`);
  return checkEdits(
    env,
    edits,
    objects.map((o) => ({ kind: o.kind, namespace: o.metadata.namespace, name: o.metadata.name })),
    `${lines.join('\n')}\n`,
  );
}

// ------------------------------------------------------------------ shell tools

function shellFrom(shell: Shell): string {
  switch (shell.kind) {
    case 'pod':
      return `pod:${shell.pod}`;
    case 'node':
      return `node:${shell.node}`;
    case 'external':
      return `external:${shell.client}`;
  }
}

/**
 * curl's own words for a request that got no HTTP answer, then on the next line the fault the trace
 * blamed: the lab's words, a note in the reader's language, as the hop inspector shows it.
 */
function curlFailed(r: TraceResult, url: string): ShellResult {
  const said = curlFailure(r, url);
  const f = r.fault;
  if (!f?.note) return error(f ? `${said}\n  (${f.message})` : said);
  const fault: ProseLine = { note: f.note, ...(f.parts ? { parts: f.parts } : {}) };
  return errorProse([{ note: note('note.shell.curlFault', { said, fault: '' }), parts: { fault: [fault] } }]);
}

/** curl's own words for a request that got no HTTP answer. */
function curlFailure(r: TraceResult, url: string): string {
  let host = url;
  let port = '80';
  try {
    const u = new URL(/^[a-z]+:\/\//i.test(url) ? url : `http://${url}`);
    host = u.hostname;
    port = u.port || (u.protocol === 'https:' ? '443' : '80');
  } catch {
    /* shown as typed */
  }
  switch (r.outcome) {
    case 'nxdomain':
      return `curl: (6) Could not resolve host: ${host}`;
    case 'refused':
      return `curl: (7) Failed to connect to ${host} port ${port}: Connection refused`;
    case 'unreachable':
      return `curl: (7) Failed to connect to ${host} port ${port}: No route to host`;
    case 'timeout':
      return `curl: (28) Failed to connect to ${host} port ${port}: Connection timed out`;
    case 'response':
      return '';
  }
}

function curl(env: ShellEnv, words: string[]): ShellResult {
  const a = parseCurlArgs(words);
  if ('error' in a) return { ...error(a.error), status: 2 };
  const url = a.pos[0];
  if (!url) return error("curl: try 'curl --help' for more information\ncurl: no URL specified");
  const read = curlUrl(url);
  if (!read.ok) return { ...error(`curl: (${read.code}) ${read.message}`), status: read.code };
  if (read.scheme !== 'http' && read.scheme !== 'https') {
    return errorNote(note('note.shell.curlScheme', { scheme: read.scheme }));
  }
  // curl connects to an IPv6 literal; the lab has IPv4 addresses only, and says so rather than fail a connection.
  const parsed = parseUrl(url);
  if ('error' in parsed && parsed.note.key === 'note.request.ipv6') {
    return errorProse([{ note: note('note.shell.curlSays', { what: '' }), parts: { what: [parsed.note] } }]);
  }
  // What the lab's curl cannot do: a proxy or a socket between it and the cluster, cookie files.
  const unmodelled = ['--proxy', '--unix-socket', '--config'].find((o) => has(a, o));
  if (unmodelled) return errorNote(note('note.shell.curlOption', { option: unmodelled }));
  if (has(a, '--cookie-jar')) return errorNote(note('note.shell.cookieJar', {}));
  const headers = curlHeaders(a);
  if ('error' in headers) return headers.error;
  const request: ShellRequest = {
    from: shellFrom(env.shell),
    method: curlMethod(a),
    url,
    headers: headers.headers,
    connect: flag(a, '--connect-to') ?? resolvedTo(a, parsed) ?? '',
  };
  let result: TraceResult | null;
  try {
    result = env.trace(request);
  } catch (e) {
    return error(`curl: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (!result) return errorNote(note('note.shell.noTracer', {}));
  return curlAnswered(a, request, result, url);
}

/** -H, -b, -A, -e and -u as the headers curl sends, or the lab's note on one it cannot read. */
function curlHeaders(a: Args): { headers: Record<string, string> } | { error: ShellResult } {
  const headers: Record<string, string> = {};
  for (const h of flags(a, '--header')) {
    const i = h.indexOf(':');
    if (i <= 0) {
      return { error: errorNote(note('note.shell.curlHeader', { form: "'Name: value'", header: JSON.stringify(h) })) };
    }
    headers[h.slice(0, i).trim()] = h.slice(i + 1).trim();
  }
  // -b sends cookies as curl does (name=value pairs; the lab has no cookie files to read).
  const cookies = flags(a, '--cookie');
  if (cookies.some((c) => !c.includes('='))) return { error: errorNote(note('note.shell.cookiePairs', {})) };
  if (cookies.length > 0) headers['Cookie'] = [headers['Cookie'], ...cookies].filter(Boolean).join('; ');
  const agent = flag(a, '--user-agent');
  if (agent !== undefined) headers['User-Agent'] = agent;
  const referer = flag(a, '--referer');
  if (referer !== undefined) headers['Referer'] = referer;
  const user = flag(a, '--user');
  if (user !== undefined) headers['Authorization'] = `Basic ${btoa(user.includes(':') ? user : `${user}:`)}`;
  return { headers };
}

/** --resolve HOST:PORT:ADDRESS for the URL's host and port: connect to ADDRESS:PORT, as curl does. */
function resolvedTo(a: Args, url: ReturnType<typeof parseUrl>): string | undefined {
  if ('error' in url) return undefined;
  for (const r of flags(a, '--resolve')) {
    const [host, port, address] = r.split(':');
    if (host === url.host && Number(port) === url.port && address) return `${address}:${port}`;
  }
  return undefined;
}

/** What curl prints for the trace's result: -f's error, -i's head, -w's text, and the lab's summary. */
function curlAnswered(a: Args, request: ShellRequest, result: TraceResult, url: string): ShellResult {
  const trace = { request, result };
  const written = writtenOut(a, result, url);
  if (result.outcome !== 'response') {
    const failed = curlFailed(result, url);
    return { ...failed, out: written.out, err: written.err + failed.err, trace };
  }
  const status = result.status ?? 0;
  if (has(a, '--fail') && status >= 400) {
    const err = `${written.err}curl: (22) The requested URL returned error: ${status}\n`;
    return { ...okProse(written.out, [curlSummary(result)], { trace }), err, status: 22 };
  }
  const lines: string[] = [];
  if (has(a, '--verbose', '--include', '--head')) {
    lines.push(`HTTP/1.1 ${result.status ?? ''}`);
    for (const [k, v] of Object.entries(result.responseHeaders)) lines.push(`${k}: ${v}`);
    lines.push('');
  }
  const prose: ProseLine[] = [curlSummary(result)];
  // -L: curl would go on to the Location; the lab traces one request, the next is the reader's to send.
  const location = result.responseHeaders['Location'];
  if (has(a, '--location') && status >= 300 && status < 400 && location) {
    prose.push({ note: note('note.shell.curlNoFollow', { location }) });
  }
  const out = lines.map((l) => `${l}\n`).join('') + written.out;
  return { ...okProse(out, prose, { trace }), err: written.err };
}

/** -w's text (http_code 000 when nothing answered), and curl's warning for a variable it does not know. */
function writtenOut(a: Args, result: TraceResult, url: string): { out: string; err: string } {
  const format = flag(a, '--write-out');
  if (format === undefined) return { out: '', err: '' };
  const sent = result.hops.find((h) => h.action === 'send');
  const code = result.outcome === 'response' && result.status !== null ? String(result.status) : '000';
  const vars = {
    http_code: code,
    response_code: code,
    url_effective: url,
    method: curlMethod(a),
    remote_ip: sent?.before.dst ?? '',
    remote_port: sent ? String(sent.before.dstPort) : '',
  };
  const w = writeOut(format, vars);
  return { out: w.out, err: w.unknown.map((v) => `curl: unknown --write-out variable: '${v}'\n`).join('') };
}

/** Who answered, what it saw as the source and through which Service: the console's line after curl. */
function curlSummary(result: TraceResult): ProseLine {
  const failed = result.status !== null && result.status >= 400;
  const pod = result.backendPod;
  const status = String(result.status);
  const who = !pod
    ? note('note.shell.status', { status })
    : failed ? note('note.shell.errorFrom', { status, pod }) : note('note.shell.answered', { pod });
  const parts: Record<string, Note[]> = { who: [who] };
  if (result.backend) parts['sawAs'] = [note('note.shell.sawAs', { source: result.backend.sourceIP })];
  if (result.service) parts['via'] = [note('note.shell.via', { service: result.service })];
  return { note: note('note.shell.curl', { who: '', sawAs: '', via: '' }), parts };
}

/** The resolv.conf of a pod (its DNS policy and search list) or of a node (the host's resolver). */
/** The pod a shell is in ("ns/name"), or kubectl's words for one that is not there. */
function shellPod(lab: Lab, key: string): Pod | string {
  const pod = buildNetworkIndex(lab.reconcile.cluster).podByKey(key);
  return pod ?? `Error from server (NotFound): pods "${key.split('/')[1]}" not found`;
}

function resolvConf(lab: Lab, shell: Shell): dns.ResolvConf | string {
  const c = lab.reconcile.cluster;
  if (shell.kind === 'pod') {
    const pod = shellPod(lab, shell.pod);
    return typeof pod === 'string' ? pod : dns.resolverFor(c, pod);
  }
  return dns.nodeResolvConf(c);
}

export interface DigQuery {
  name: string;
  type: dns.RRType;
  /** Walk the search list (dig +search, nslookup, and most programs); dig alone asks for the name as typed. */
  search: boolean;
  /** The nameserver to ask (dig @server, nslookup NAME SERVER) instead of resolv.conf's. */
  server?: string;
}

/** One DNS question asked from a pod or node, as `dig` and `nslookup` ask it there: the page and CLI share it. */
export function digFrom(
  lab: Lab,
  shell: Shell,
  q: DigQuery,
): { result: dns.ResolveResult; resolvConf: dns.ResolvConf } | { error: string; note?: Note } {
  if (shell.kind === 'external') {
    // The lab's words (a real client would ask its own resolver): also a note, for the page's language.
    const n = note('note.shell.digOutside', { client: shell.client, name: q.name });
    return { error: renderNoteWith('en', n), note: n };
  }
  const rc = resolvConf(lab, shell);
  if (typeof rc === 'string') return { error: rc };
  const asked = q.server ? { ...rc, nameservers: [q.server] } : rc;
  const result = dns.resolve({
    zone: lab.labDns.zone,
    resolvConf: q.search ? asked : { ...asked, searches: [] },
    name: q.name,
    type: q.type,
  });
  return { result, resolvConf: rc };
}

/** dig's layout of an answer: the server it asked is the resolver's first nameserver when none answered. */
export function renderDigAnswer(r: { result: dns.ResolveResult; resolvConf: dns.ResolvConf }): string {
  return artifactText(dns.renderDig(r.result.final, { server: r.result.server || r.resolvConf.nameservers[0] || '' }));
}

/** dig's output sections its +[no]OPTION flags turn on and off (+noall: every one). */
const DIG_SECTIONS = ['cmd', 'comments', 'question', 'answer', 'authority', 'additional', 'stats'] as const;
type DigSection = (typeof DIG_SECTIONS)[number];

interface DigArgs {
  name?: string;
  type: dns.RRType;
  /** @server: the nameserver asked instead of resolv.conf's. */
  server?: string;
  stray?: string;
  shown: Set<DigSection>;
}

/** 10.0.0.3 as dig -x asks for it: 3.0.0.10.in-addr.arpa. */
const reverseName = (ip: string) => `${ip.split('.').reverse().join('.')}.in-addr.arpa`;

/**
 * dig's words as dig reads them: a word that names a record type is the type (the first one, in
 * either place: `dig web SRV` and `dig SRV web` ask the same), the first other word the name; `-x ADDR`
 * asks for its PTR, `-t TYPE` names the type, `@server` the nameserver, +[no]SECTION the output.
 */
function digWords(words: string[]): DigArgs {
  const a: DigArgs = { type: 'A', shown: new Set(DIG_SECTIONS) };
  let typed = false;
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    const section = /^\+(no)?(all|cmd|comments|question|answer|authority|additional|stats)$/.exec(w);
    if (section) {
      const which = section[2] === 'all' ? DIG_SECTIONS : [section[2] as DigSection];
      for (const x of which) {
        if (section[1]) a.shown.delete(x);
        else a.shown.add(x);
      }
    } else if (w === '-x' && words[i + 1]) {
      a.name = reverseName(words[++i]!);
      a.type = 'PTR';
      typed = true;
    } else if (w === '-t' && words[i + 1]) {
      a.type = words[++i]!.toUpperCase() as dns.RRType;
      typed = true;
    } else if (w.startsWith('@')) a.server = w.slice(1);
    else if (w.startsWith('+') || w.startsWith('-')) continue;
    else if (!typed && (dns.RR_TYPES as readonly string[]).includes(w.toUpperCase())) {
      a.type = w.toUpperCase() as dns.RRType;
      typed = true;
    } else if (!a.name) a.name = w;
    else a.stray ??= w;
  }
  return a;
}

/** The lines of dig's output that belong to the sections shown (each line's section as dig prints it). */
function digSections(text: string, shown: ReadonlySet<DigSection>): string {
  if (shown.size === DIG_SECTIONS.length) return text;
  let section: DigSection = 'cmd';
  const out: string[] = [];
  for (const line of text.split('\n')) {
    const title = /^;; (QUESTION|ANSWER|AUTHORITY|ADDITIONAL) SECTION:$/.exec(line);
    let kind: DigSection;
    if (title) {
      section = title[1]!.toLowerCase() as DigSection;
      kind = 'comments';
    } else if (/^;; (Query time|SERVER|WHEN|MSG SIZE)/.test(line)) kind = section = 'stats';
    else if (/^; <<>> DiG|^;; global options/.test(line)) kind = 'cmd';
    else if (line === '' || (line.startsWith(';') && section !== 'question')) kind = 'comments';
    else kind = section;
    if (shown.has(kind) && (line !== '' || shown.has('comments'))) out.push(line);
  }
  return out.length > 0 ? `${out.join('\n').replace(/\n+$/, '')}\n` : '';
}

function dig(env: ShellEnv, words: string[], nslookup: boolean): ShellResult {
  const a = digWords(words);
  // nslookup NAME SERVER: the second word is the server to ask.
  const server = a.server ?? (nslookup ? a.stray : undefined);
  const { name, type } = a;
  if (!name) return error(nslookup ? 'usage: nslookup NAME' : 'usage: dig NAME [TYPE] [+search] [+short]');
  if (a.stray !== undefined && !nslookup) return error(`dig: unknown record type ${a.stray}`);
  const r = digFrom(env.lab, env.shell, { name, type, search: nslookup || words.includes('+search'), server });
  if ('error' in r) return r.note ? errorNote(r.note) : error(r.error);
  if (nslookup) return ok(artifactText(dns.renderNslookup(r.result)));
  // +short: the answer's data, one record a line (nothing when there is none; a timeout says so).
  if (!words.includes('+short')) return ok(digSections(renderDigAnswer(r), a.shown));
  const final = r.result.final;
  if (final.origin === 'timeout') return ok(';; connection timed out; no servers could be reached\n');
  return ok(final.answers.map((rr) => `${dns.rdataText(rr)}\n`).join(''));
}

/** kube-proxy's rendered rules of the shell's node, by artifact id suffix. */
function nodeRules(env: ShellEnv, tool: string, suffixes: string[]): ShellResult {
  if (env.shell.kind !== 'node') {
    return errorNote(note('note.shell.rulesOnNode', { tool, command: 'shell node <name>' }));
  }
  const proxy = env.lab.proxies[env.shell.node];
  if (!proxy) return errorNote(note('note.shell.nodeNotInCluster', { tool, node: env.shell.node }));
  const arts: RenderedArtifact[] = proxy.artifacts.filter((x) => suffixes.some((s) => x.id.endsWith(`/${s}`)));
  if (arts.length === 0) {
    return errorNote(note('note.shell.rulesNone', { tool, node: env.shell.node, mode: proxy.mode }));
  }
  return ok(arts.map((x) => artifactText(x)).join(''));
}

/** A table kube-proxy writes no rules into: the lab's words. */
const noTable = (tool: string, table: string) =>
  errorNote(note('note.shell.iptablesTable', { tool, tables: 'filter, nat', table }));

/** `iptables-save [-t TABLE]`: the node's rules, or one table's. */
function iptablesSave(env: ShellEnv, words: string[]): ShellResult {
  const all = nodeRules(env, 'iptables-save', ['iptables-save']);
  const t = words.indexOf('-t') >= 0 ? words[words.indexOf('-t') + 1] : undefined;
  if (all.err || t === undefined) return all;
  const block = tableBlock(all.out, t);
  if (block) return ok(`${block.join('\n')}\n`);
  return noTable('iptables-save', t);
}

/** `iptables [-t TABLE] -S [CHAIN]`; -L's table view and changes are the lab's notes. */
function iptables(env: ShellEnv, words: string[]): ShellResult {
  const w = iptablesWords(words);
  if (w.op === 'write') return errorNote(note('note.shell.iptablesWrite', {}));
  if (w.op !== 'specs') {
    return errorNote(note('note.shell.iptablesList', { example: 'iptables -t nat -S KUBE-SERVICES' }));
  }
  const all = nodeRules(env, 'iptables', ['iptables-save']);
  if (all.err) return all;
  const block = tableBlock(all.out, w.table);
  if (!block) return noTable('iptables', w.table);
  const specs = ruleSpecs(block, w.chain);
  return specs ? ok(`${specs.join('\n')}\n`) : error('iptables: No chain/target/match by that name.');
}

/**
 * Where getent looks a host up: the /etc/hosts and resolv.conf of the shell's pod or node (the ones
 * `cat` shows), or an outside client's hosts entries and its resolver outside the lab, as curl there.
 */
function hostsPlace(env: ShellEnv): HostsPlace | string {
  const { lab, shell } = env;
  if (shell.kind === 'external') {
    const client = lab.clients.find((c) => c.name === shell.client);
    const ask = (name: string, type: 'A' | 'PTR') => client
      ? dns.resolveExternal({ zone: lab.labDns.zone, client, name, type }).final
      : dns.queryUpstream(lab.labDns.zone, { name: dns.fqdn(name), type });
    return { ...(client ? { hosts: dns.clientHostsFile(client) } : {}), ask };
  }
  const c = lab.reconcile.cluster;
  let files: ReturnType<Lab['labDns']['files']['node']>;
  let rc: dns.ResolvConf;
  if (shell.kind === 'pod') {
    const pod = shellPod(lab, shell.pod);
    if (typeof pod === 'string') return pod;
    files = lab.labDns.files.pod(pod);
    rc = files?.resolvConf ?? dns.resolverFor(c, pod);
  } else {
    files = lab.labDns.files.node(shell.node);
    rc = files?.resolvConf ?? dns.nodeResolvConf(c);
  }
  const ask = (name: string, type: 'A' | 'PTR') => {
    return dns.resolve({ zone: lab.labDns.zone, resolvConf: rc, name, type }).final;
  };
  return { ...(files ? { hosts: files.hosts } : {}), ask };
}

/** The /etc/hosts and /etc/resolv.conf of the shell's pod or node, as the lab's artifacts show them. */
function resolverFile(env: ShellEnv, path: '/etc/resolv.conf' | '/etc/hosts'): ShellResult {
  const shell = env.shell;
  if (shell.kind === 'external') {
    return errorNote(note('note.shell.notInLab', { tool: 'cat', path, client: shell.client }));
  }
  const files = env.lab.labDns.files;
  let found;
  if (shell.kind === 'pod') {
    const pod = shellPod(env.lab, shell.pod);
    if (typeof pod === 'string') return error(pod);
    found = files.pod(pod);
  } else {
    found = files.node(shell.node);
  }
  // A pod the kubelet has not started (no address yet) has no files: kubectl exec would not reach it either.
  if (!found) return error(`cat: ${path}: No such file or directory`);
  return ok(artifactText(path === '/etc/hosts' ? found.hostsArtifact : found.resolvConfArtifact));
}

function catFile(env: ShellEnv, path: string | undefined): ShellResult {
  if (!path) return error('cat: missing operand');
  if (path === '/etc/resolv.conf' || path === '/etc/hosts') return resolverFile(env, path);
  if (path === '/etc/nginx/nginx.conf') {
    const nginx = env.lab.ingressControllers.filter((c) => c.kind === 'nginx');
    // The file exists in the controller's pods (and, for convenience, on a node or laptop: the first controller's).
    const shellPod = env.shell.kind === 'pod' ? env.shell.pod : null;
    // A controller's pods are the ones its port lists (selected by the controller's own pod labels).
    const podsOf = (className: string) => env.lab.ingress.find((p) => p.className === className)?.pods ?? [];
    const inPod = shellPod ? nginx.find((c) => podsOf(c.addon.className).includes(shellPod)) : undefined;
    const ctrl = inPod ?? (env.shell.kind === 'pod' ? undefined : nginx[0]);
    if (!ctrl || ctrl.kind !== 'nginx') return error(`cat: ${path}: No such file or directory`);
    const art = env.lab.artifacts[ctrl.nginx.rendered.artifact.id];
    return art ? ok(artifactText(art)) : error(`cat: ${path}: No such file or directory`);
  }
  return error(`cat: ${path}: No such file or directory`);
}

// ------------------------------------------------------------------ the shell

export const COMMANDS = [
  'kubectl',
  'curl',
  'dig',
  'nslookup',
  'iptables-save',
  'iptables',
  'ipvsadm',
  'nft',
  'ip',
  'cat',
  'getent',
  'shell',
  'exit',
  'help',
  'clear',
];

/** The console's commands as each is typed (its words about them come after, as prose). */
const HELP = `  kubectl get|describe|apply -f -|create -f -|delete|scale|label|annotate|edit --set|patch -p|exec
  kubectl edit cm kube-proxy -n kube-system --set mode=ipvs --set ipvs.scheduler=wrr
  curl [-v] [-X METHOD] [-H 'Name: value'] [--connect-to ingress|node:<name>|<ip>:<port>] URL
  curl -sSfL -o /dev/null -w '%{http_code}' -d DATA -A AGENT -u USER:PASS --resolve HOST:PORT:ADDR URL
  dig [@SERVER] NAME [TYPE] [-x ADDRESS] [+search] [+short] [+noall +answer]   nslookup NAME [SERVER]
  getent hosts|ahosts|ahostsv4 [NAME|ADDRESS...]
`;

/**
 * The rest of help: where a command runs is the lab's words (notes in the reader's language), and
 * once one line is prose the lines after it are too (prose ends the output); then what changes do.
 */
const HELP_PROSE: ProseLine[] = [
  { note: note('note.shell.helpOnNode', { commands: '  iptables-save    ipvsadm -Ln    nft list ruleset' }) },
  {
    note: note('note.shell.helpNodeOrPod', {
      commands: '  ip route [show table all] | ip route get ADDRESS | ip -4 addr',
    }),
  },
  {
    note: note('note.shell.helpLines', {
      commands: [
        '  cat /etc/nginx/nginx.conf    cat /etc/resolv.conf    cat /etc/hosts',
        '  shell pod <ns>/<name> | shell node <name> | shell client <name>     exit',
        '  COMMAND | grep [-viEFcnw] PATTERN | head|tail [-n N] | wc [-l] | sort [-nru] | uniq [-c]',
      ].join('\n'),
    }),
  },
  { note: note('note.shell.help', {}) },
];

/**
 * The lab traces TCP (and DNS over UDP): what a ping would meet, instead of "command not found". The
 * lab's words, not ping's output (a real ping would print its own lines): a note in the reader's language.
 */
const PING_NOTE: ProseLine = { note: note('note.shell.ping', {}) };

/** Splits off a heredoc: "cmd <<EOF\\n...\\nEOF" or a command line followed by standard input lines. */
export function splitInput(input: string): { line: string; stdin?: string } {
  const nl = input.indexOf('\n');
  const first = nl < 0 ? input : input.slice(0, nl);
  const rest = nl < 0 ? undefined : input.slice(nl + 1);
  const here = /<<-?\s*['"]?(\w+)['"]?\s*$/.exec(first);
  if (!here) return { line: first, stdin: rest };
  const line = first.slice(0, here.index).trimEnd();
  if (rest === undefined) return { line, stdin: '' };
  const lines = rest.split('\n');
  const end = lines.findIndex((l) => l.trim() === here[1]);
  return { line, stdin: (end < 0 ? lines : lines.slice(0, end)).join('\n') };
}

/** Whether the console should keep reading lines before running: an open heredoc. */
export function needsMoreInput(input: string): boolean {
  const nl = input.indexOf('\n');
  const first = nl < 0 ? input : input.slice(0, nl);
  const here = /<<-?\s*['"]?(\w+)['"]?\s*$/.exec(first);
  if (!here) return false;
  const rest = nl < 0 ? [] : input.slice(nl + 1).split('\n');
  return !rest.some((l) => l.trim() === here[1]);
}

export function runShell(env: ShellEnv, input: string): ShellResult {
  const { line, stdin } = splitInput(input);
  const [first, ...filters] = splitPipeline(line);
  const r = runCommand(env, first!, stdin);
  if (filters.length === 0) return r;
  // Each filter reads the previous stage's standard output; standard error goes to the terminal.
  let out = r.out;
  let err = r.err;
  let errProse = r.errProse;
  for (const f of filters) {
    const fr = runFilter(splitWords(f), out);
    if ('out' in fr) {
      out = fr.out;
      continue;
    }
    out = '';
    if ('errProse' in fr) {
      // The console's words after what came before them on standard error: that goes first, as printed.
      errProse = [...proseSoFar(err, errProse), ...fr.errProse];
      err += `${proseText(fr.errProse)}\n`;
    } else err += `${fr.err}\n`;
  }
  // What the filters print is text: the console's own lines went through them as such.
  const { prose: _prose, eventReasons: _reasons, errProse: _errProse, ...rest } = r;
  return { ...rest, out, err, ...(errProse ? { errProse } : {}) };
}

/** Standard error so far as prose lines: its own prose, then what programs printed after it, as printed. */
function proseSoFar(err: string, prose: readonly ProseLine[] | undefined): ProseLine[] {
  const head = prose ? `${proseText(prose)}\n` : '';
  const rest = err.startsWith(head) ? err.slice(head.length) : err;
  const lines = err.startsWith(head) ? [...(prose ?? [])] : [];
  return rest ? [...lines, { note: printed(rest.replace(/\n$/, '')) }] : lines;
}

/** One command of a pipeline: the first, the one that reaches the lab. */
function runCommand(env: ShellEnv, line: string, stdin: string | undefined): ShellResult {
  const words = splitWords(line);
  const [cmd, ...rest] = words;
  switch (cmd) {
    case undefined:
      return ok('');
    case 'help':
      return okProse(HELP, HELP_PROSE);
    case 'clear':
      return ok('', { clear: true });
    case 'kubectl':
    case 'k':
      return kubectl(env, rest, stdin);
    case 'curl':
      return curl(env, rest);
    case 'dig':
      return dig(env, rest, false);
    case 'nslookup':
      return dig(env, rest, true);
    case 'iptables-save':
      return iptablesSave(env, rest);
    case 'iptables':
      return iptables(env, rest);
    case 'ipvsadm':
      return nodeRules(env, 'ipvsadm', ['ipvsadm']);
    case 'ipset':
      return nodeRules(env, 'ipset', ['ipset']);
    case 'nft':
      return nodeRules(env, 'nft', ['nft']);
    case 'cat':
      return catFile(env, rest[0]);
    case 'getent': {
      const place = hostsPlace(env);
      if (typeof place === 'string') return error(place);
      const r = getentCommand(place, rest);
      return 'errProse' in r ? errorProse(r.errProse) : { out: r.out, err: r.err, events: [], status: r.status };
    }
    case 'ip': {
      const r = ipCommand(env.lab, env.shell, rest);
      return 'out' in r ? ok(r.out) : 'err' in r ? error(r.err) : errorProse(r.errProse);
    }
    case 'exit':
      return ok('', { shell: defaultShell(env.lab) });
    case 'ssh':
      return switchShell(env, ['node', rest[0] ?? '']);
    case 'shell':
      return switchShell(env, rest);
    case 'ping':
      return errorProse([PING_NOTE]);
    default:
      // bash's own words, then the lab's hint: a note in the reader's language.
      return errorNote(note('note.shell.notFound', { said: `bash: ${cmd}: command not found`, command: 'help' }));
  }
}

function switchShell(env: ShellEnv, words: string[]): ShellResult {
  const [kind, target] = words;
  const c = env.lab.reconcile.cluster;
  if (kind === 'node') {
    if (!c.nodes.some((n) => n.metadata.name === target)) return error(
      `ssh: Could not resolve hostname ${target}: Name or service not known`
    );
    return ok('', { shell: { kind: 'node', node: target! } });
  }
  if (kind === 'pod') {
    const key = target?.includes('/') ? target : `default/${target}`;
    if (!c.pods.some((p) => `${p.metadata.namespace ?? 'default'}/${p.metadata.name}` === key)) return error(
      `Error from server (NotFound): pods "${key.split('/')[1]}" not found`
    );
    return ok('', { shell: { kind: 'pod', pod: key } });
  }
  if (kind === 'client') {
    if (!env.lab.clients.some((x) => x.name === target)) {
      const names = env.lab.clients.map((x) => x.name);
      const clients = [names.length > 0 ? listed(names) : note('note.shell.none', {})];
      const n = note('note.shell.noClient', { tool: 'shell', client: String(target), clients: '' });
      return errorProse([{ note: n, parts: { clients } }]);
    }
    return ok('', { shell: { kind: 'external', client: target! } });
  }
  // `shell` is the lab's own command: its usage is the lab's words.
  return errorNote(note('note.shell.shellUsage', {
    syntax: 'shell pod <ns>/<name> | shell node <name> | shell client <name>',
  }));
}

/** The first pod in "default" (as the seeds' `kubectl exec`), else the first node, else the first client. */
export function defaultShell(lab: Lab | null): Shell {
  const pods = lab?.reconcile.cluster.pods ?? [];
  const pod = pods.find((p) => (p.metadata.namespace ?? 'default') === 'default') ?? pods[0];
  if (pod) return { kind: 'pod', pod: `${pod.metadata.namespace ?? 'default'}/${pod.metadata.name}` };
  const node = lab?.reconcile.cluster.nodes[0];
  if (node) return { kind: 'node', node: node.metadata.name };
  // The scenario's own client (the seeds' laptop) before the lab's default one on the Internet.
  const declared = lab?.clients.find((c) => c.name !== DEFAULT_CLIENT.name);
  return { kind: 'external', client: declared?.name ?? DEFAULT_CLIENT.name };
}

/** `root@web-abc:/#` in a pod, `root@node-1:~#` on a node, `you@laptop:~$` outside. */
export function prompt(shell: Shell): string {
  switch (shell.kind) {
    case 'pod':
      return `root@${shell.pod.split('/')[1]}:/#`;
    case 'node':
      return `root@${shell.node}:~#`;
    case 'external':
      return `you@${shell.client}:~$`;
  }
}

/** Tab completion: the word under the cursor (at the end) completed to commands, verbs, kinds or names. */
export function complete(env: Pick<ShellEnv, 'lab'>, line: string): { line: string; candidates: string[] } {
  const words = splitWords(line);
  const endsInSpace = /\s$/.test(line) || line === '';
  const current = endsInSpace ? '' : (words.at(-1) ?? '');
  const before = endsInSpace ? words : words.slice(0, -1);
  const c = env.lab.reconcile.cluster;
  let options: string[];
  if (before.length === 0) options = COMMANDS;
  else if (before[0] === 'kubectl' || before[0] === 'k') {
    const verbs = [
      'get',
      'describe',
      'apply',
      'create',
      'delete',
      'scale',
      'label',
      'annotate',
      'edit',
      'patch',
      'exec',
    ];
    const pos = before.slice(1).filter((w) => !w.startsWith('-'));
    if (pos.length === 0) options = verbs;
    else if (pos[0] === 'exec') options = c.pods.map((p) => p.metadata.name);
    else if (pos.length === 1) options = pos[0] === 'scale' ? ['deployment', 'statefulset'] : kindWords(c);
    else options = resolveResource(pos[1]!, c)?.list(c).map((o) => o.metadata.name) ?? [];
  } else if (before[0] === 'shell') {
    if (before.length === 1) options = ['pod', 'node', 'client'];
    else if (before[1] === 'node') options = c.nodes.map((n) => n.metadata.name);
    else if (before[1] === 'pod') options = c.pods.map((p) => `${nsOfObject(p)}/${p.metadata.name}`);
    else options = env.lab.clients.map((x) => x.name);
  } else if (before[0] === 'cat') options = ['/etc/nginx/nginx.conf', '/etc/resolv.conf', '/etc/hosts'];
  else if (before[0] === 'ipvsadm') options = ['-Ln'];
  else if (before[0] === 'nft') options = before.length === 1 ? ['list'] : ['ruleset'];
  else if (before[0] === 'getent' && before.length === 1) options = ['hosts', 'ahosts', 'ahostsv4', 'ahostsv6'];
  else if (['dig', 'nslookup', 'getent'].includes(before[0]!)) options = c.services.map(
    (s) => `${s.metadata.name}.${s.metadata.namespace ?? 'default'}.svc.cluster.local`
  );
  else options = [];
  const candidates = [...new Set(options)].filter((o) => o.startsWith(current)).sort();
  if (candidates.length === 0) return { line, candidates };
  const prefix = candidates.reduce((p, x) => {
    let i = 0;
    while (i < p.length && i < x.length && p[i] === x[i]) i++;
    return p.slice(0, i);
  });
  const head = endsInSpace ? line : line.slice(0, line.length - current.length);
  const done = candidates.length === 1 ? `${candidates[0]} ` : prefix;
  return { line: head + done, candidates };
}

