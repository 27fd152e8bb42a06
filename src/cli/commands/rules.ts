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
    ctx.io.stderr(`error: --format must be one of ${names}, not ${JSON.stringify(format)}\n`);
    return EXIT.usage;
  }
  if (opt(ctx, 'service') !== undefined && format !== SLICES) {
    ctx.io.stderr(`error: --service goes with --format ${SLICES} (rules are per node: --node <name>)\n`);
    return EXIT.usage;
  }
  const admission = opt(ctx, 'admission');
  if (admission !== undefined && admission !== 'none' && admission !== 'default') {
    ctx.io.stderr(`error: --admission must be none or default, not ${JSON.stringify(admission)}\n`);
    return EXIT.usage;
  }
  return { format, noAdmission: admission === 'none' };
}

/** kube-proxy fed the files' Services and EndpointSlices directly, on the node --node names. */
function withoutAdmission(ctx: CommandContext, format: string | undefined): OnNode | number {
  const node = opt(ctx, 'node');
  if (!node) {
    ctx.io.stderr('error: --admission none needs --node <name>: without a control plane there is no node list\n');
    return EXIT.usage;
  }
  if (format === 'ip-route') {
    // The table is built from the Node objects' podCIDRs and the pods the scheduler placed.
    ctx.io.stderr('error: --format ip-route needs the control plane (nodes, pods): drop --admission none\n');
    return EXIT.usage;
  }
  const { files } = splitFiles(ctx.args);
  const loaded = loadScenarioForCommand({ files, globals: ctx.globals, io: ctx.io });
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
    ctx.io.stdout(`${JSON.stringify({ node, mode: proxy.mode, artifacts }, null, 2)}\n`);
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
    ctx.io.stderr(`error: --format ${SLICES} needs --service <namespace>/<name>\n`);
    return EXIT.usage;
  }
  if (opt(ctx, 'admission') === 'none') {
    ctx.io.stderr(`error: --format ${SLICES} prints what the control plane wrote: drop --admission none\n`);
    return EXIT.usage;
  }
  const [ns, name] = service.includes('/') ? service.split('/', 2) : ['default', service];
  const l = loadLab(ctx);
  if (!l.ok) return l.exitCode;
  const a = l.lab.artifacts[`${SLICES}/${ns}/${name}`];
  if (!a) {
    ctx.io.stderr(`Error from server (NotFound): services "${name}" not found in namespace "${ns}"\n`);
    return EXIT.problems;
  }
  if (ctx.globals.json) {
    const artifacts = [{ id: a.id, kind: a.kind, text: artifactText(a) }];
    ctx.io.stdout(`${JSON.stringify({ service: `${ns}/${name}`, artifacts }, null, 2)}\n`);
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
      ctx.io.stderr(`Error from server (NotFound): nodes "${node}" not found (nodes: ${on.nodes.join(', ')})\n`);
      return EXIT.problems;
    }
    // kube-proxy's own events (a mode that could not start, a fallback) belong with its rules.
    if (format !== 'ip-route') for (const e of proxy.events) ctx.io.stderr(`${e.type} ${e.reason}: ${e.message}\n`);
    const arts = chosen(on, proxy, format);
    if (arts.length === 0) {
      const why =
        format === 'ip-route'
          ? `node ${node} has no routing table`
          : `kube-proxy on ${node} runs in ${proxy.mode} mode and has no ${format} output`;
      ctx.io.stderr(`error: ${why}\n`);
      return EXIT.problems;
    }
    print(ctx, node, proxy, arts);
    return EXIT.ok;
  },
};
