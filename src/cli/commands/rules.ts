// `netlab rules <files> --node <name> [--format ...]`: what kube-proxy programmed on one node, as
// the tool a learner would run there prints it.

import { artifactText } from '../../sim';
import { SUMMARIES } from '../catalog';
import { EXIT, type Command } from '../command';
import { loadLab, opt } from '../lab-input';

/** Which artifact each --format names, by the id suffix the proxy modes use. */
const FORMATS: Record<string, string[]> = {
  'iptables-save': ['iptables-save'],
  ipvsadm: ['ipvsadm'],
  ipset: ['ipset'],
  nft: ['nft'],
  userspace: ['userspace', 'userspace-portals', 'userspace-proxier'],
  'ip-addr': ['ip-addr-kube-ipvs0'],
};

export const rulesCommand: Command = {
  name: 'rules',
  summary: SUMMARIES.rules,
  usage: `netlab rules [files...] [--node <name>] [--format iptables-save|ipvsadm|ipset|nft|userspace|ip-addr]

Without --format, prints every artifact the node's kube-proxy mode produces. Honours --mode, --seed
and every --set kubeProxy.* setting.`,
  options: { node: { type: 'string' }, format: { type: 'string' } },
  run(ctx) {
    const format = opt(ctx, 'format');
    if (format !== undefined && !(format in FORMATS)) {
      ctx.io.stderr(`error: --format must be one of ${Object.keys(FORMATS).join(', ')}, not ${JSON.stringify(format)}\n`);
      return EXIT.usage;
    }
    const l = loadLab(ctx);
    if (!l.ok) return l.exitCode;
    const nodes = Object.keys(l.lab.proxies);
    const node = opt(ctx, 'node') ?? nodes[0];
    const proxy = node ? l.lab.proxies[node] : undefined;
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
