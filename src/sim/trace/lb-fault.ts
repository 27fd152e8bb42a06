// Why no node passes a load balancer's health check, node by node, for the fault a learner reads. The
// load balancer decided from its own configuration (src/sim/lb): each node's line says what the check
// got. With externalTrafficPolicy Local the check is kube-proxy's service health server on the
// Service's healthCheckNodePort (pkg/proxy/healthcheck/service_health.go): HTTP 200 when the node
// has at least one local ready endpoint of the Service (`localEndpoints` in the JSON body), 503
// otherwise. With Cluster policy a NodePort load balancer connects to the traffic NodePort, which
// kube-proxy REJECTs on every node while the Service has no endpoint at all.
//
// Which endpoints run where is read from the EndpointSlices the controllers wrote (each endpoint's
// nodeName and ready condition, as kube-proxy reads them), and the pods' own status from
// fault-pods.ts: nothing is matched again here. A node the load balancer leaves out (the
// exclude-from-external-load-balancers label, no InternalIP) can still run ready endpoints: the
// balancer never sends there, so it is named too.

import { findLine, type ArtifactRef, type RenderedArtifact } from '../artifact';
import type { EndpointSlice, Service } from '../api/types';
import { selectorText } from '../controllers/selection';
import { sliceEndpointRef } from '../controllers/sliceview';
import { EXCLUDE_LABEL, type CompiledLoadBalancer, type NodeHealth } from '../lb';
import { note, renderNotes, type Note } from '../notes';
import { LIST_GOES_ON } from '../util/list';
import { podsBehind, SHOWN_PODS } from './fault-pods';
import { serviceSlices } from './no-endpoints';
import type { LabPorts } from './ports';
import type { FaultNode, FaultPods } from './types';

type NodeEndpoint = FaultNode['endpoints'][number];

/** The Service's endpoints per node, as the slices list them (endpoint.nodeName; nil ready means ready). */
function endpointsByNode(slices: readonly EndpointSlice[], artifact: RenderedArtifact): Map<string, NodeEndpoint[]> {
  const out = new Map<string, NodeEndpoint[]>();
  for (const s of slices) {
    s.endpoints.forEach((e, i) => {
      if (!e.nodeName) return;
      const t = e.targetRef;
      const pod = t?.kind === 'Pod' && t.name ? `${t.namespace ?? s.metadata.namespace ?? 'default'}/${t.name}` : '';
      const ref = findLine(artifact, sliceEndpointRef(s.metadata.name, i));
      const entry: NodeEndpoint = { pod: pod || (e.addresses[0] ?? ''), ready: e.conditions?.ready !== false };
      const list = out.get(e.nodeName) ?? [];
      list.push(ref ? { ...entry, ref } : entry);
      out.set(e.nodeName, list);
    });
  }
  return out;
}

/** Names for a sentence: the first SHOWN_PODS, then "and more". */
function names(eps: readonly NodeEndpoint[]): string[] {
  const shown = eps.slice(0, SHOWN_PODS).map((e) => e.pod);
  return eps.length > SHOWN_PODS ? [...shown, LIST_GOES_ON] : shown;
}

/** What the check on one node answered, in the words of whoever answered it. */
function checkNote(n: NodeHealth, service: string): Note {
  const why = n.why;
  if (why?.kind === 'no-local-endpoints' && n.answer) {
    const params = { node: n.node, port: why.port, status: n.answer.status, count: n.answer.localEndpoints, service };
    return note('note.fault.lbNode.local', params);
  }
  if (why?.kind === 'nothing-listens') {
    return note('note.fault.lbNode.nothingListens', { node: n.node, port: why.port });
  }
  if (why?.kind === 'refused') return note('note.fault.lbNode.refused', { node: n.node, port: why.port, service });
  if (why?.kind === 'proxy-down') return note('note.fault.lbNode.proxyDown', { node: n.node, port: why.port });
  return note('note.fault.lbNode.result', { node: n.node, result: n.result });
}

/** What the slices place on the node: nothing, endpoints none of which is ready, or ready ones. */
function hereNotes(eps: readonly NodeEndpoint[]): Note[] {
  if (eps.length === 0) return [note('note.fault.lbNode.noneHere', {})];
  const ready = eps.filter((e) => e.ready);
  const notReady = eps.filter((e) => !e.ready);
  const notes: Note[] = [];
  if (notReady.length > 0) {
    notes.push(note('note.fault.lbNode.notReadyHere', { count: notReady.length, pods: names(notReady) }));
  }
  if (ready.length > 0) notes.push(note('note.fault.lbNode.readyHere', { count: ready.length, pods: names(ready) }));
  return notes;
}

function faultNode(base: Omit<FaultNode, 'notes' | 'text'>, notes: Note[]): FaultNode {
  return { ...base, notes, text: renderNotes('en', notes) };
}

function checkedNode(lb: CompiledLoadBalancer, n: NodeHealth, eps: NodeEndpoint[]): FaultNode {
  const ref = findLine(lb.artifact, n.ref);
  const local = n.answer ? { localEndpoints: n.answer.localEndpoints } : {};
  const base = { node: n.node, target: true, result: n.result, ...local, endpoints: eps, ...(ref ? { ref } : {}) };
  return faultNode(base, [checkNote(n, lb.service), ...hereNotes(eps)]);
}

/** A node that runs ready endpoints but that the balancer has no target for: why, from the Node object. */
function leftOutNode(lab: LabPorts, lb: CompiledLoadBalancer, node: string, eps: NodeEndpoint[]): FaultNode {
  const ready = eps.filter((e) => e.ready);
  const params = { node, count: ready.length, pods: names(ready), service: lb.service };
  const labels = lab.cluster.nodes.find((n) => n.metadata.name === node)?.metadata.labels ?? {};
  const why = EXCLUDE_LABEL in labels
    ? note('note.fault.lbNode.excluded', { label: EXCLUDE_LABEL })
    : note('note.fault.lbNode.noTarget', {});
  const ref: ArtifactRef | undefined = ready[0]?.ref;
  const base = { node, target: false, endpoints: eps, ...(ref ? { ref } : {}) };
  return faultNode(base, [note('note.fault.lbNode.leftOut', params), why]);
}

/** Each node the balancer checks, then each node it leaves out that runs a ready endpoint of the Service. */
export function lbNodes(lab: LabPorts, lb: CompiledLoadBalancer, byNode: Map<string, NodeEndpoint[]>): FaultNode[] {
  const checked = lb.nodes.map((n) => checkedNode(lb, n, byNode.get(n.node) ?? []));
  const targets = new Set(lb.nodes.map((n) => n.node));
  const leftOut = [...byNode.entries()]
    .filter(([node, eps]) => !targets.has(node) && eps.some((e) => e.ready))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([node, eps]) => leftOutNode(lab, lb, node, eps));
  return [...checked, ...leftOut];
}

/**
 * The fault's `pods` for "no node passes the health check": the nodes and what their checks answered, and
 * the pods the Service's selector matches with the node each runs on and what its status says.
 */
export function lbFaultPods(lab: LabPorts, lb: CompiledLoadBalancer, svc: Service): FaultPods {
  const { slices, artifact } = serviceSlices(lab, svc);
  const nodes = lbNodes(lab, lb, endpointsByNode(slices, artifact));
  const selector = selectorText(svc);
  const namespace = svc.metadata.namespace ?? 'default';
  // A Service without a selector has whatever endpoints someone wrote: no pods to read.
  const pods = selector
    ? podsBehind(lab, svc, selector, slices, artifact, true)
    : { namespace, selector: '', matched: 0, shown: [], more: 0 };
  return { ...pods, nodes };
}
