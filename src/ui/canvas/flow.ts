// The canvas's model as React Flow draws it (pure): the topology's objects as React Flow nodes at
// the layout's boxes, the few lines that stay React Flow edges, and each Service's lines to its
// endpoints as one path (EndpointFan).

import { MarkerType, type Edge } from '@xyflow/react';
import type { T } from '../i18n';
import { fanPath, type Fan } from './EndpointFan';
import type { Box, Layout } from './layout';
import type { LabNode } from './nodes';
import type { Topology } from './topology';

const NO_BOX: Box = { x: 0, y: 0, w: 0, h: 0 };

/** A top-level node at its box: position and size from the layout, selected when it is the selection. */
function placed(id: string, box: Box, selected: string | null, ariaLabel: string) {
  return { id, position: { x: box.x, y: box.y }, width: box.w, height: box.h, selected: selected === id, ariaLabel };
}

function flowNodes(topo: Topology, layout: Layout, selected: string | null): LabNode[] {
  const nodes: LabNode[] = [];
  const at = (id: string, ariaLabel: string) => placed(id, layout.boxes[id] ?? NO_BOX, selected, ariaLabel);
  for (const c of topo.clients) {
    nodes.push({ ...at(c.id, `${c.name} ${c.address}`), type: 'client', data: { client: c } });
  }
  for (const lb of topo.loadBalancers) {
    nodes.push({ ...at(lb.id, `LoadBalancer ${lb.address ?? '<pending>'} ${lb.service}`), type: 'lb', data: { lb } });
  }
  for (const s of topo.services) {
    const ariaLabel = `Service ${s.namespace}/${s.name} ${s.clusterIP ?? ''}`;
    nodes.push({ ...at(s.id, ariaLabel), type: 'service', data: { service: s } });
  }
  for (const f of topo.frames) {
    const ariaLabel = `Node ${f.name} ${f.internalIP ?? ''} ${f.podCIDR ?? ''}`;
    nodes.push({ ...at(f.id, ariaLabel), type: 'frame', data: { frame: f }, zIndex: 1 });
  }
  // Children after their parents, as React Flow requires.
  for (const p of topo.pods) {
    const b = layout.pods[p.id];
    if (!b) continue;
    const inFrame = p.frameId
      ? { parentId: p.frameId, extent: 'parent' as const }
      : { parentId: undefined, extent: undefined };
    const ariaLabel = `Pod ${p.namespace}/${p.name} ${p.ip ?? ''}`;
    nodes.push({ ...placed(p.id, b, selected, ariaLabel), type: 'pod', data: { pod: p }, ...inFrame, zIndex: 2 });
  }
  return nodes;
}

export function toFlow(topo: Topology, layout: Layout, selected: string | null): { nodes: LabNode[]; edges: Edge[] } {
  // Service -> pod lines are drawn by EndpointFan, one path per Service; the few load balancer
  // lines stay React Flow edges.
  const edges: Edge[] = topo.edges
    .filter((e) => e.kind !== 'endpoint' && e.kind !== 'lb-target')
    .map((e) => ({
      id: e.id,
      source: e.source,
      target: e.target,
      className: `lab-edge lab-edge-${e.kind}`,
      // Under the node frames (whose translucent background lets them show through faintly), so a
      // Service's lines pass into a node rather than across its name.
      zIndex: 0,
    }));
  return { nodes: flowNodes(topo, layout, selected), edges };
}

/** A nodeport load balancer's arrows to each node's NodePort badge: above the frames (they end on a
 *  badge), greyed with the health check's reason when the node is out of service. */
export function targetEdges(topo: Topology, layout: Layout, t: T, hopEdge: string | null): Edge[] {
  // What a label must not cover (LbTargetEdge): every top-level box.
  const obstacles = Object.values(layout.boxes);
  return topo.edges
    .filter((e) => e.kind === 'lb-target')
    .map((e) => {
      const h = e.health;
      const current = hopEdge === `${e.source}>${e.target}`;
      const cls = `lab-edge lab-edge-lb-target${h && !h.healthy ? ' is-unhealthy' : ''}${current ? ' is-current' : ''}`;
      return {
        id: e.id,
        source: e.source,
        target: e.target,
        targetHandle: e.targetHandle,
        className: cls,
        type: 'lbTarget',
        data: { obstacles },
        markerEnd: { type: MarkerType.ArrowClosed, width: 16, height: 16 },
        label: h?.why ? t(`canvas.lb.unhealthy.${h.why.kind}`, { port: h.why.port }) : undefined,
        labelBgPadding: [4, 2] as [number, number],
        zIndex: 3,
      };
    });
}

/** Each Service's lines to its endpoints, in absolute canvas coordinates (pods are laid out in their frame). */
export function toFans(topo: Topology, layout: Layout): Fan[] {
  const frameOf = new Map(topo.pods.map((p) => [p.id, p.frameId]));
  const podAt = (id: string) => {
    const p = layout.pods[id];
    const frameId = frameOf.get(id);
    const f = frameId ? layout.boxes[frameId] : undefined;
    return p && f ? { ...p, x: f.x + p.x, y: f.y + p.y } : p;
  };
  const fans: Fan[] = [];
  for (const s of topo.services) {
    const b = layout.boxes[s.id];
    const pods = s.endpoints.map(podAt).filter((p) => p !== undefined);
    if (b && pods.length > 0) fans.push({ id: s.id, d: fanPath(b, pods) });
  }
  return fans;
}
