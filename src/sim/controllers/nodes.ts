// Nodes: the lab's default pair when a scenario names none, node addresses (what the kubelet
// reports), and node IPAM (kube-controller-manager's range allocator: one --node-cidr-mask-size
// block of the cluster pod CIDR per node, in order, skipping blocks a Node already claims).

import { cidrAddress, cidrContains, cidrSize, intToIp, ipToInt, parseCidr } from '../net/ip';
import type { LabSettings } from '../lab';
import type { Node } from '../api/types';
import type { Ctx } from './context';

/**
 * The nodes a scenario without Node objects gets: `node-1` (the control plane, whose address the
 * `kubernetes` Service points at; schedulable, as in kind/minikube single-purpose labs) and `node-2`.
 */
export function defaultNodes(): Node[] {
  return ['node-1', 'node-2'].map((name, i) => ({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      labels: (i === 0 ? { 'node-role.kubernetes.io/control-plane': '' } : {}) as Record<string, string>,
    },
  }));
}

export function nodeInternalIP(node: Node): string | undefined {
  return node.status?.addresses?.find((a) => a.type === 'InternalIP')?.address;
}

/** Fills addresses, podCIDR, standard labels and the Ready condition for every node. */
export function syncNodes(ctx: Ctx): void {
  const s: LabSettings = ctx.settings;
  // Addresses and CIDR blocks go out in node-name order (as if the nodes joined in that order).
  const nodes = sortedNodes(ctx.store.list<Node>('Node'));
  const nodeNet = parseCidr(s.nodeCIDR, true);
  const podNet = parseCidr(s.podCIDR, true);
  const usedIPs = new Set<number>();
  const usedBlocks = new Set<number>();
  const blockSize = 2 ** (32 - s.nodeCIDRMaskSize);
  for (const n of nodes) {
    const ip = nodeInternalIP(n);
    if (ip) usedIPs.add(ipToInt(ip) ?? -1);
    const c = n.spec?.podCIDR ?? n.spec?.podCIDRs?.[0];
    const pc = c ? parseCidr(c) : null;
    if (pc && podNet && cidrContains(podNet, pc.base)) usedBlocks.add(Math.floor((pc.base - podNet.base) / blockSize));
  }
  let nextHost = 2; // minikube/kind hand out .2 to the first node; .1 is the gateway
  let nextBlock = 0;
  for (const n of nodes) {
    let addresses = n.status?.addresses ?? [];
    if (!addresses.some((a) => a.type === 'InternalIP') && nodeNet) {
      while (usedIPs.has(nodeNet.base + nextHost) && nextHost < cidrSize(nodeNet) - 1) nextHost++;
      const ip = cidrAddress(nodeNet, nextHost++);
      usedIPs.add(ipToInt(ip)!);
      addresses = [{ type: 'InternalIP', address: ip }, ...addresses];
    }
    if (!addresses.some((a) => a.type === 'Hostname')) addresses = [
      ...addresses,
      { type: 'Hostname', address: n.metadata.name },
    ];
    const spec = { ...n.spec };
    if (!spec.podCIDR && spec.podCIDRs?.[0]) spec.podCIDR = spec.podCIDRs[0];
    if (!spec.podCIDR && podNet) {
      const blocks = Math.floor(cidrSize(podNet) / blockSize);
      while (usedBlocks.has(nextBlock) && nextBlock < blocks) nextBlock++;
      if (nextBlock < blocks) {
        usedBlocks.add(nextBlock);
        spec.podCIDR = `${intToIp(podNet.base + nextBlock * blockSize)}/${s.nodeCIDRMaskSize}`;
        ctx.events.push({
          type: 'Normal',
          reason: 'CIDRAssignmentSucceeded',
          object: { kind: 'Node', name: n.metadata.name },
          message: `Successfully assigned podCIDR ${spec.podCIDR} to node ${n.metadata.name}`,
          source: 'node-ipam-controller',
        });
        nextBlock++;
      }
    }
    if (spec.podCIDR && !spec.podCIDRs) spec.podCIDRs = [spec.podCIDR];
    const conditions = n.status?.conditions ?? [
      { type: 'Ready', status: 'True' as const, reason: 'KubeletReady', message: 'kubelet is posting ready status' },
    ];
    const labels = {
      'kubernetes.io/arch': 'amd64',
      'kubernetes.io/hostname': n.metadata.name,
      'kubernetes.io/os': 'linux',
      ...n.metadata.labels,
    };
    const status = {
      ...n.status,
      addresses,
      conditions,
      nodeInfo: n.status?.['nodeInfo'] ?? {
        kubeletVersion: `v${s.kubernetesVersion}.0`,
        kubeProxyVersion: `v${s.kubernetesVersion}.0`,
        osImage: 'Debian GNU/Linux 12 (bookworm)',
        kernelVersion: '6.1.0-18-amd64',
        containerRuntimeVersion: 'containerd://1.7.13',
        operatingSystem: 'linux',
        architecture: 'amd64',
      },
    };
    const next: Node = { ...n, metadata: { ...n.metadata, labels }, spec, status };
    if (JSON.stringify(next) !== JSON.stringify(n)) ctx.store.put(next);
  }
}

/**
 * A Node deleted: the node lifecycle controller forgets it (its RemovingNode event, in
 * RecordNodeEvent's "Node <name> event: ..." wording) and the node's host-local range goes with it.
 */
export function forgetNode(ctx: Ctx, name: string): void {
  ctx.events.push({
    type: 'Normal',
    reason: 'RemovingNode',
    object: { kind: 'Node', name },
    message: `Node ${name} event: Removing Node ${name} from Controller`,
    source: 'node-controller',
  });
  ctx.state.podIPAM.delete(name);
  ctx.state.ipamOwned.delete(name);
}

export function isNodeReady(n: Node): boolean {
  return n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

export function sortedNodes(nodes: Node[]): Node[] {
  return [...nodes].sort((
    a,
    b,
  ) => (a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0));
}

/** The node the apiserver runs on: the first labelled control-plane, else the first by name. */
export function controlPlaneNode(nodes: Node[]): Node | undefined {
  const sorted = sortedNodes(nodes);
  return sorted.find((n) => n.metadata.labels?.['node-role.kubernetes.io/control-plane'] !== undefined) ?? sorted[0];
}
