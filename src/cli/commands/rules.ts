// `netlab rules <files> --node <name> [--format ...]`: what kube-proxy programmed on one node, as
// the tool a learner would run there prints it; `--format ip-route` the node's routing table.

import { artifactText } from '../../sim';
import type { RenderedArtifact } from '../../sim/artifact';
import { SUMMARIES } from '../summaries';
import { EXIT, type Command, type CommandContext } from '../command';
import { loadLab, opt, splitFiles } from '../lab-input';
import { loadScenarioForCommand } from '../scenario-input';
import { proxyWithoutAdmission } from '../admission-none';
import type { NodeProxy } from '../../sim/proxy/types';

/** Which artifact each --format names, by the id suffix the proxy modes use. */
const FORMATS: Record<string, string[]> = {
  'iptables-save': ['iptables-save'],
  // What kube-proxy hands iptables-restore for its last sync (no built-in chains, no other writers' rules).
  'iptables-restore': ['iptables-restore'],
  ipvsadm: ['ipvsadm'],
  ipset: ['ipset'],
  nft: ['nft'],
  userspace: ['userspace', 'userspace-portals', 'userspace-proxier'],
  'ip-addr': ['ip-addr-kube-ipvs0'],
  // The node's routing table (`ip -4 route show table all`, src/sim/node/routes.ts): not kube-proxy's
  // but the CNI's and the kernel's, so only on request, never in the default output.
  'ip-route': ['ip-route'],
};

// A Service's EndpointSlices as kube-proxy reads them (`endpointslices/<ns>/<service>`, the lines a
// trace's no-endpoints fault and `--connect ingress` hop cite): not a node's, so --service names it.
const SLICES = 'endpointslices';

const FORMAT_NAMES = [...Object.keys(FORMATS), SLICES].join('|');

/** The node the command looks at, its kube-proxy, and its routing table when a lab was built. */
interface OnNode {
  node: string | undefined;
  nodes: string[];
  proxy: NodeProxy | undefined;
  /** The node's `ip route` artifact; undefined without a control plane (--admission none). */
  routes?: () => RenderedArtifact | undefined;
}

/** --format and --admission as given, or the exit code of a usage error. */
function parseOptions(ctx: CommandContext): { format?: string; noAdmission: boolean } | number {
  const format = opt(ctx, 'format');
  if (format !== undefined && !(format in FORMATS) && format !== SLICES) {
    const names = [...Object.keys(FORMATS), SLICES].join(', ');
    return ctx.report.fail(EXIT.usage, `error: --format must be one of ${names}, not ${JSON.stringify(format)}`);
  }
  if (opt(ctx, 'service') !== undefined && format !== SLICES) {
    const line = `error: --service goes with --format ${SLICES} (rules are per node: --node <name>)`;
    return ctx.report.fail(EXIT.usage, line);
  }
  const admission = opt(ctx, 'admission');
  if (admission !== undefined && admission !== 'none' && admission !== 'default') {
    return ctx.report.fail(EXIT.usage, `error: --admission must be none or default, not ${JSON.stringify(admission)}`);
  }
  return { format, noAdmission: admission === 'none' };
}

/** kube-proxy fed the files' Services and EndpointSlices directly, on the node --node names. */
function withoutAdmission(ctx: CommandContext, format: string | undefined): OnNode | number {
  const node = opt(ctx, 'node');
  if (!node) {
    const line = 'error: --admission none needs --node <name>: without a control plane there is no node list';
    return ctx.report.fail(EXIT.usage, line);
  }
  if (format === 'ip-route') {
    // The table is built from the Node objects' podCIDRs and the pods the scheduler placed.
    const line = 'error: --format ip-route needs the control plane (nodes, pods): drop --admission none';
    return ctx.report.fail(EXIT.usage, line);
  }
  const { files } = splitFiles(ctx.args);
  const loaded = loadScenarioForCommand({ files, globals: ctx.globals, io: ctx.io, report: ctx.report });
  if (!loaded.ok) return loaded.exitCode;
  return { node, nodes: [node], proxy: proxyWithoutAdmission(loaded.scenario, node) };
}

/** The lab built from the files; --node, or its first node. */
function inLab(ctx: CommandContext): OnNode | number {
  const l = loadLab(ctx);
  if (!l.ok) return l.exitCode;
  const nodes = Object.keys(l.lab.proxies);
  const node = opt(ctx, 'node') ?? nodes[0];
  const proxy = node ? l.lab.proxies[node] : undefined;
  return { node, nodes, proxy, routes: () => l.lab.artifacts[`node/${node}/ip-route`] };
}

/** The artifacts --format asks for (all of kube-proxy's without it). */
function chosen(on: OnNode, proxy: NodeProxy, format: string | undefined): RenderedArtifact[] {
  if (format === 'ip-route') {
    const table = on.routes?.();
    return table ? [table] : [];
  }
  const wanted = format ? FORMATS[format]! : null;
  const named = (a: RenderedArtifact) => wanted!.some((w) => a.id === `node/${on.node}/${w}` || a.id.endsWith(`/${w}`));
  return wanted ? proxy.artifacts.filter(named) : proxy.artifacts;
}

function print(ctx: CommandContext, node: string, proxy: NodeProxy, arts: RenderedArtifact[]): void {
  if (ctx.globals.json) {
    const artifacts = arts.map((a) => ({ id: a.id, kind: a.kind, text: artifactText(a) }));
    ctx.report.printJson({ node, mode: proxy.mode, artifacts });
    return;
  }
  for (const a of arts) {
    if (arts.length > 1) ctx.io.stdout(`# ${a.title}\n`);
    ctx.io.stdout(artifactText(a));
  }
}

/** `--format endpointslices --service <ns>/<name>` (or `<name>` in default): that Service's slices. */
function printSlices(ctx: CommandContext): number {
  const service = opt(ctx, 'service');
  if (!service) {
    return ctx.report.fail(EXIT.usage, `error: --format ${SLICES} needs --service <namespace>/<name>`);
  }
  if (opt(ctx, 'admission') === 'none') {
    const line = `error: --format ${SLICES} prints what the control plane wrote: drop --admission none`;
    return ctx.report.fail(EXIT.usage, line);
  }
  const [ns, name] = service.includes('/') ? service.split('/', 2) : ['default', service];
  const l = loadLab(ctx);
  if (!l.ok) return l.exitCode;
  const a = l.lab.artifacts[`${SLICES}/${ns}/${name}`];
  if (!a) {
    return ctx.report.fail(EXIT.problems, `Error from server (NotFound): services "${name}" not found`);
  }
  if (ctx.globals.json) {
    const artifacts = [{ id: a.id, kind: a.kind, text: artifactText(a) }];
    ctx.report.printJson({ service: `${ns}/${name}`, artifacts });
  } else ctx.io.stdout(artifactText(a));
  return EXIT.ok;
}

export const rulesCommand: Command = {
  name: 'rules',
  summary: SUMMARIES.rules,
  usage: `netlab rules [files...] [--node <name>] [--format ${FORMAT_NAMES}]
            [--service <ns>/<name>] [--admission none]

Without --format, prints every artifact the node's kube-proxy mode produces. Honours --mode, --seed
and every --set kubeProxy.* setting. --format iptables-restore prints exactly the payload kube-proxy
passed to iptables-restore for its last sync (no built-in chains); iptables-save is the node's whole
table. --format ip-route prints the node's routing table as \`ip -4 route show table all\` does (the
pod network's routes, not kube-proxy's; never part of the default output). --admission none feeds
the files' Services and EndpointSlices straight to kube-proxy, as its unit tests do: no apiserver
defaulting or validation, no controllers, no namespaces needed; the node is --node with the
addresses of --set nodeIPs=<ip>,<ip>... (or of a Node object of that name).
--format endpointslices --service <ns>/<name> prints that Service's EndpointSlices as
\`kubectl get endpointslices -l kubernetes.io/service-name=<name> -n <ns> -o yaml\` does, with the
line numbers a trace's refs cite (the endpoints behind a "no endpoints" fault).`,
  options: {
    node: { type: 'string' },
    format: { type: 'string' },
    admission: { type: 'string' },
    service: { type: 'string' },
  },
  run(ctx) {
    const options = parseOptions(ctx);
    if (typeof options === 'number') return options;
    const { format } = options;
    if (format === SLICES) return printSlices(ctx);
    const on = options.noAdmission ? withoutAdmission(ctx, format) : inLab(ctx);
    if (typeof on === 'number') return on;
    const { node, proxy } = on;
    if (!node || !proxy) {
      const line = `Error from server (NotFound): nodes "${node}" not found (nodes: ${on.nodes.join(', ')})`;
      return ctx.report.fail(EXIT.problems, line);
    }
    // kube-proxy's own events (a mode that could not start, a fallback) belong with its rules.
    if (format !== 'ip-route') for (const e of proxy.events) ctx.io.stderr(`${e.type} ${e.reason}: ${e.message}\n`);
    const arts = chosen(on, proxy, format);
    if (arts.length === 0) {
      const why =
        format === 'ip-route'
          ? `node ${node} has no routing table`
          : `kube-proxy on ${node} runs in ${proxy.mode} mode and has no ${format} output`;
      return ctx.report.fail(EXIT.problems, `error: ${why}`);
    }
    print(ctx, node, proxy, arts);
    return EXIT.ok;
  },
};
