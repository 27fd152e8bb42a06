// `netlab rules <files> --node <name> [--format ...]`: what kube-proxy programmed on one node, as
// the tool a learner would run there prints it.

import { artifactText } from '../../sim';
import { SUMMARIES } from '../catalog';
import { EXIT, type Command } from '../command';
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
};

export const rulesCommand: Command = {
  name: 'rules',
  summary: SUMMARIES.rules,
  usage: `netlab rules [files...] [--node <name>] [--format iptables-save|iptables-restore|ipvsadm|ipset|nft|userspace|ip-addr]
            [--admission none]

Without --format, prints every artifact the node's kube-proxy mode produces. Honours --mode, --seed
and every --set kubeProxy.* setting. --format iptables-restore prints exactly the payload kube-proxy
passed to iptables-restore for its last sync (no built-in chains); iptables-save is the node's whole
table. --admission none feeds the files' Services and EndpointSlices straight to kube-proxy, as its
unit tests do: no apiserver defaulting or validation, no controllers, no namespaces needed; the node
is --node with the addresses of --set nodeIPs=<ip>,<ip>... (or of a Node object of that name).`,
  options: { node: { type: 'string' }, format: { type: 'string' }, admission: { type: 'string' } },
  run(ctx) {
    const format = opt(ctx, 'format');
    if (format !== undefined && !(format in FORMATS)) {
      ctx.io.stderr(`error: --format must be one of ${Object.keys(FORMATS).join(', ')}, not ${JSON.stringify(format)}\n`);
      return EXIT.usage;
    }
    const admission = opt(ctx, 'admission');
    if (admission !== undefined && admission !== 'none' && admission !== 'default') {
      ctx.io.stderr(`error: --admission must be none or default, not ${JSON.stringify(admission)}\n`);
      return EXIT.usage;
    }
    let node: string | undefined;
    let proxy: NodeProxy | undefined;
    let nodes: string[];
    if (admission === 'none') {
      node = opt(ctx, 'node');
      if (!node) {
        ctx.io.stderr('error: --admission none needs --node <name>: without a control plane there is no node list\n');
        return EXIT.usage;
      }
      const { files } = splitFiles(ctx.args);
      const loaded = loadScenarioForCommand({ files, globals: ctx.globals, io: ctx.io });
      if (!loaded.ok) return loaded.exitCode;
      nodes = [node];
      proxy = proxyWithoutAdmission(loaded.scenario, node);
    } else {
      const l = loadLab(ctx);
      if (!l.ok) return l.exitCode;
      nodes = Object.keys(l.lab.proxies);
      node = opt(ctx, 'node') ?? nodes[0];
      proxy = node ? l.lab.proxies[node] : undefined;
    }
    if (!proxy) {
      ctx.io.stderr(`Error from server (NotFound): nodes "${node}" not found (nodes: ${nodes.join(', ')})\n`);
      return EXIT.problems;
    }
    for (const e of proxy.events) ctx.io.stderr(`${e.type} ${e.reason}: ${e.message}\n`);
    const wanted = format ? FORMATS[format]! : null;
    const arts = proxy.artifacts.filter((a) => !wanted || wanted.some((w) => a.id === `node/${node}/${w}` || a.id.endsWith(`/${w}`)));
    if (arts.length === 0) {
      ctx.io.stderr(`error: kube-proxy on ${node} runs in ${proxy.mode} mode and has no ${format} output\n`);
      return EXIT.problems;
    }
    if (ctx.globals.json) {
      ctx.io.stdout(`${JSON.stringify({ node, mode: proxy.mode, artifacts: arts.map((a) => ({ id: a.id, kind: a.kind, text: artifactText(a) })) }, null, 2)}\n`);
      return EXIT.ok;
    }
    for (const a of arts) {
      if (arts.length > 1) ctx.io.stdout(`# ${a.title}\n`);
      ctx.io.stdout(artifactText(a));
    }
    return EXIT.ok;
  },
};
