// What the kubelet and the CNI plugin report for a pod on its node: an IP from the node's podCIDR
// (host-local IPAM: the bridge gateway holds .1, addresses are handed out in order from .2 and,
// like host-local, the search resumes after the last one reserved), the host IP, phase Running and
// the Ready condition. hostNetwork pods share the node's address. IPs a manifest gives are kept.

import { cidrContains, intToIp, ipToInt, parseCidr } from '../net/ip';
import type { Node, Pod, PodCondition } from '../api/types';
import { writableRange, type Ctx, type HostLocalRange, type NodeFacts } from './context';
import { nodeInternalIP } from './nodes';
import { probeSaysReady } from './podstate';
import { copyWith, hasFieldsInOrder } from '../api/copy';

/** What the kubelet reads of its node, parsed once per Node object in a run. */
function factsOf(ctx: Ctx, node: Node): NodeFacts {
  let f = ctx.derived.nodes.get(node);
  if (!f) {
    const hostIP = nodeInternalIP(node);
    f = {
      hostIP,
      // status.hostIPs of every pod on the node: one array, as the objects are never mutated.
      hostIPs: hostIP ? [{ ip: hostIP }] : undefined,
      podCIDR: node.spec?.podCIDR ? parseCidr(node.spec.podCIDR) : null,
    };
    ctx.derived.nodes.set(node, f);
  }
  return f;
}

function rangeFor(ctx: Ctx, node: Node, facts: NodeFacts): HostLocalRange | undefined {
  const cidr = facts.podCIDR;
  if (!cidr) return undefined;
  // The range this run owns stays the same object until a write replaces it (here): kept beside the facts.
  if (facts.range && facts.range === ctx.state.podIPAM.get(node.metadata.name)) return facts.range;
  const name = node.metadata.name;
  let r = writableRange(ctx.state, name);
  if (!r || r.base !== cidr.base) {
    r = { base: cidr.base, size: 2 ** (32 - cidr.prefix), last: 1, used: new Set() };
    ctx.state.podIPAM.set(name, r);
    ctx.state.ipamOwned.add(name);
  }
  facts.range = r;
  return r;
}

function allocate(r: HostLocalRange): number | undefined {
  // Offsets 2 .. size-2: not the network address, not the gateway (.1), not broadcast.
  const span = r.size - 3;
  for (let i = 1; i <= span; i++) {
    const off = 2 + ((r.last - 2 + i + span) % span);
    if (!r.used.has(off)) {
      r.used.add(off);
      r.last = off;
      return off;
    }
  }
  return undefined;
}

/** Frees a deleted pod's address in its node's range. */
export function releasePodIP(ctx: Ctx, pod: Pod): void {
  const nodeName = pod.spec.nodeName;
  const ip = pod.status?.podIP;
  if (!nodeName || !ip || pod.spec.hostNetwork) return;
  const r = writableRange(ctx.state, nodeName);
  const n = ipToInt(ip);
  if (r && n !== null) r.used.delete(n - r.base);
}

export function syncPodStatus(ctx: Ctx, key: string): void {
  const pod = ctx.store.get<Pod>('Pod', key);
  if (!pod || !pod.spec.nodeName) return;
  const node = ctx.store.get<Node>('Node', pod.spec.nodeName);
  if (!node) return; // bound to a node that does not exist: nothing runs it
  const facts = factsOf(ctx, node);
  const { hostIP, hostIPs } = facts;
  const podIP = sandboxIP(ctx, pod, node, facts);
  const given = pod.status?.phase;
  const phase: NonNullable<Pod['status']>['phase'] =
    given === 'Succeeded' || given === 'Failed' ? given : podIP ? 'Running' : 'Pending';
  const running = phase === 'Running';
  // A terminating pod keeps its Ready condition until its containers stop; the EndpointSlice
  // controller is what turns that into ready=false, serving=true, terminating=true.
  const ready = running && probeSaysReady(pod);
  const conditions = podConditions(ctx, pod, running, ready);
  const status = podStatus(pod.status, { phase, conditions, hostIP, hostIPs, podIP });
  if (!sameStatus(status, pod.status)) ctx.store.put(withStatus(pod, status), key);
}

/** The pod with `status`: a bound pod's fields as one literal (no copy grown by a spread, no `{status}`). */
function withStatus(pod: Pod, status: PodStatus): Pod {
  if (!hasFieldsInOrder(pod, POD_FIELDS)) return copyWith(pod, { status });
  return { apiVersion: pod.apiVersion, kind: pod.kind, metadata: pod.metadata, spec: pod.spec, status };
}

const POD_FIELDS = ['apiVersion', 'kind', 'metadata', 'spec', 'status'];

type PodStatus = NonNullable<Pod['status']>;

/**
 * `given` with phase and conditions, then the host's and the pod's addresses when known (fields it
 * had keep their place, new ones follow in that order). A just-bound pod's status (the scheduler's
 * conditions alone) becomes one literal: fields added to a copy would live outside the object.
 */
function podStatus(
  given: PodStatus | undefined,
  s: Pick<PodStatus, 'phase' | 'conditions' | 'hostIP' | 'hostIPs' | 'podIP'>,
): PodStatus {
  const { phase, conditions, hostIP, hostIPs, podIP } = s;
  if (hostIP && podIP && given && onlyConditions(given)) {
    return { conditions, phase, hostIP, hostIPs, podIP, podIPs: [{ ip: podIP }] };
  }
  const status: PodStatus = copyWith(given, { phase, conditions });
  if (hostIP) {
    status.hostIP = hostIP;
    status.hostIPs = hostIPs;
  }
  if (podIP) {
    status.podIP = podIP;
    status.podIPs = [{ ip: podIP }];
  }
  return status;
}

function onlyConditions(status: PodStatus): boolean {
  let n = 0;
  for (const k in status) if (k !== 'conditions' || ++n > 1) return false;
  return n === 1;
}

/**
 * The pod's address as the CNI plugin gives it: the node's for hostNetwork, a manifest's own
 * (reserved in host-local's range when it is inside), else the next free one of the node's range.
 */
function sandboxIP(ctx: Ctx, pod: Pod, node: Node, facts: NodeFacts): string | undefined {
  const podIP = pod.status?.podIP;
  if (pod.spec.hostNetwork) return facts.hostIP;
  if (podIP) {
    const r = rangeFor(ctx, node, facts);
    const cidr = facts.podCIDR;
    if (r && cidr && cidrContains(cidr, podIP)) r.used.add(ipToInt(podIP)! - r.base);
    return podIP;
  }
  const r = rangeFor(ctx, node, facts);
  const off = r ? allocate(r) : undefined;
  return r && off !== undefined ? intToIp(r.base + off) : undefined;
}

/** The pod's conditions; a ready pod's are the same for every pod, so they are one array per run. */
function podConditions(ctx: Ctx, pod: Pod, running: boolean, ready: boolean): PodCondition[] {
  if (ready) return (ctx.derived.readyConditions ??= conditionsOf(pod, running, ready));
  return conditionsOf(pod, running, ready);
}

function conditionsOf(pod: Pod, running: boolean, ready: boolean): PodCondition[] {
  const readiness = (type: string): PodCondition => (ready
    ? { type, status: 'True' }
    : {
      type,
      status: 'False',
      reason: 'ContainersNotReady',
      message: 'containers with unready status: [' + pod.spec.containers.map((c) => c.name).join(' ') + ']',
    });
  return [
    { type: 'PodReadyToStartContainers', status: running ? 'True' : 'False' },
    { type: 'Initialized', status: 'True' },
    readiness('Ready'),
    readiness('ContainersReady'),
    { type: 'PodScheduled', status: 'True' },
  ];
}

function sameStatus(a: Pod['status'], b: Pod['status']): boolean {
  if (!a || !b) return a === b;
  if (a.phase !== b.phase || a.podIP !== b.podIP || a.hostIP !== b.hostIP) return false;
  const ca = a.conditions ?? [];
  const cb = b.conditions ?? [];
  if (ca.length !== cb.length) return false;
  for (let i = 0; i < ca.length; i++) if (ca[i]!.type !== cb[i]!.type || ca[i]!.status !== cb[i]!.status) return false;
  return Object.keys(a).length === Object.keys(b).length;
}

/** The kubelet's "Killing" event for each container of a deleted pod that was running on a node. */
export function stopContainers(ctx: Ctx, pod: Pod): void {
  const node = pod.spec.nodeName;
  if (!node) return;
  for (const c of pod.spec.containers) {
    ctx.events.push({
      type: 'Normal',
      reason: 'Killing',
      object: { kind: 'Pod', namespace: pod.metadata.namespace ?? 'default', name: pod.metadata.name },
      message: `Stopping container ${c.name}`,
      source: 'kubelet',
      node,
    });
  }
}
