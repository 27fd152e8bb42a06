// Positions for the canvas. ELK's layered algorithm places the top level in fixed rows (clients,
// load balancers, Services, node frames) with the model order kept (everything sorted by name), so
// a new object slots into its place instead of reshuffling the picture. Pods sit in a fixed grid
// inside their node frame, sorted by name: adding a pod grows one frame and moves nothing else.

import type { ELK, ElkNode } from 'elkjs/lib/elk-api';
import type { Topology } from './topology';

export const SIZES = {
  pod: { w: 236, h: 58 },
  gap: 12,
  pad: 16,
  columns: 2,
  /** Name line, address line, and one row of port badges per `badgesPerRow`. */
  headerBase: 64,
  badgeRow: 26,
  /** Room under a frame's header where the route's arrow drops into a pod (RouteLayer). */
  lane: 44,
  badgesPerRow: 4,
  service: { w: 240, h: 100 },
  /**
   * A load balancer's kind tag, address and model ("to every node's NodePort", two lines at
   * presenter mode's 16 px in either language): at 72 its text ran over the box's top border, under
   * the route's pill on that edge.
   */
  lb: { w: 200, h: 100 },
  client: { w: 200, h: 58 },
} as const;

export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface Layout {
  /** Top-level boxes (frames, services, lbs, clients), absolute. */
  boxes: Record<string, Box>;
  /** Pods, relative to their frame (or absolute when they have none). */
  pods: Record<string, Box>;
}

function frameHeader(badges: number): number {
  return SIZES.headerBase + Math.ceil(badges / SIZES.badgesPerRow) * SIZES.badgeRow + SIZES.lane;
}

export function frameSize(
  podCount: number,
  badges: number,
  podH: number = SIZES.pod.h,
): { w: number; h: number; header: number } {
  const { pod, gap, pad, columns } = SIZES;
  const rows = Math.max(1, Math.ceil(podCount / columns));
  const header = frameHeader(badges);
  const w = pad * 2 + columns * pod.w + (columns - 1) * gap;
  return { w, h: header + rows * podH + (rows - 1) * gap + pad, header };
}

// Names are never cut on the canvas (a pod called ingress-nginx-controller-7d9c8b6f5-x2x4k is read
// whole): boxes grow by a line for every line a name wraps to. The estimate is for the largest type
// the canvas uses (presenter mode, 16 px semibold, about 10 px a character), so it errs on room.
const CHAR_W = 10;
const NAME_LINE = 21;
const MAX_NAME_LINES = 5;

/**
 * Lines a name takes in a box `inner` px wide whose first line starts with a kind tag of `tag`
 * characters: beside the tag when it fits there, else on lines of its own below it (flex-wrap).
 */
export function nameLines(name: string, inner: number, tag = 0): number {
  const width = name.length * CHAR_W;
  const beside = inner - (tag > 0 ? tag * CHAR_W + 14 : 0);
  const lines = width <= beside ? 1 : (tag > 0 ? 1 : 0) + Math.ceil(width / inner);
  return Math.min(MAX_NAME_LINES, Math.max(1, lines));
}

/** One pod height for every pod (the grid stays a grid), tall enough for the longest name. */
function podHeight(topo: Topology): number {
  let lines = 1;
  for (const p of topo.pods) lines = Math.max(lines, nameLines(p.name, SIZES.pod.w - 26, p.ingressController ? 7 : 0));
  return SIZES.pod.h + (lines - 1) * NAME_LINE;
}

function serviceHeight(s: Topology['services'][number]): number {
  const inner = SIZES.service.w - 28;
  const nameExtra = nameLines(s.name, inner, Math.max(s.type.length, 8)) - 1;
  const portsExtra = nameLines(s.ports.join(', '), inner) - 1;
  const cnameExtra = s.externalName ? nameLines(`CNAME → ${s.externalName}`, inner) - 1 : 0;
  const extra = nameExtra + portsExtra + cnameExtra;
  return SIZES.service.h + extra * NAME_LINE;
}

const PARTITION = { client: 0, lb: 1, service: 2, frame: 3, orphan: 4 } as const;

/** What ELK is asked to place, and the pods' boxes inside their frames (a fixed grid, no ELK). */
export interface LayoutInput {
  graph: ElkNode;
  pods: Record<string, Box>;
}

/**
 * The layout's input, and `key`: the graph as text. Two topologies with the same key get the same
 * picture from ELK (it is deterministic), so a layout computed once, at build time for the default
 * scenario (first-frame.ts), stands for ELK's answer to that key.
 */
export function layoutInput(topo: Topology): LayoutInput & { key: string } {
  const pods: Record<string, Box> = {};
  const children: ElkNode[] = [];
  const node = (id: string, w: number, h: number, partition: number): ElkNode => ({
    id,
    width: w,
    height: h,
    layoutOptions: { 'elk.partitioning.partition': String(partition) },
  });

  for (const c of topo.clients) {
    const h = SIZES.client.h + (nameLines(c.name, SIZES.client.w - 26, 8) - 1) * NAME_LINE;
    children.push(node(c.id, SIZES.client.w, h, PARTITION.client));
  }
  for (const lb of topo.loadBalancers) children.push(node(lb.id, SIZES.lb.w, SIZES.lb.h, PARTITION.lb));
  for (const s of topo.services) children.push(node(s.id, SIZES.service.w, serviceHeight(s), PARTITION.service));
  const podH = podHeight(topo);
  for (const f of topo.frames) {
    const inFrame = topo.pods.filter((p) => p.frameId === f.id);
    const size = frameSize(inFrame.length, f.nodePorts.length + f.hostPorts.length, podH);
    inFrame.forEach((p, i) => {
      const col = i % SIZES.columns;
      const row = Math.floor(i / SIZES.columns);
      const x = SIZES.pad + col * (SIZES.pod.w + SIZES.gap);
      pods[p.id] = { x, y: size.header + row * (podH + SIZES.gap), w: SIZES.pod.w, h: podH };
    });
    children.push(node(f.id, size.w, size.h, PARTITION.frame));
  }
  for (const p of topo.pods) if (!p.frameId) children.push(node(p.id, SIZES.pod.w, podH, PARTITION.orphan));

  // ELK sees Service -> frame edges (one per frame holding an endpoint) to order the rows; the
  // canvas draws Service -> pod edges itself.
  const podFrame = new Map(topo.pods.map((p) => [p.id, p.frameId ?? p.id]));
  const seen = new Set<string>();
  const edges = [];
  for (const e of topo.edges) {
    const target = e.kind === 'endpoint' ? podFrame.get(e.target) ?? e.target : e.target;
    const id = `${e.source}=>${target}`;
    if (seen.has(id)) continue;
    seen.add(id);
    edges.push({ id, sources: [e.source], targets: [target] });
  }

  const graph: ElkNode = {
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'DOWN',
      'elk.partitioning.activate': 'true',
      // One graph, not packed components: rows must follow the partitions even without edges.
      'elk.separateConnectedComponents': 'false',
      'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
      'elk.layered.crossingMinimization.forceNodeModelOrder': 'true',
      'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
      'elk.alignment': 'TOP',
      'elk.spacing.nodeNode': '40',
      'elk.layered.spacing.nodeNodeBetweenLayers': '72',
      'elk.padding': '[top=24,left=24,bottom=24,right=24]',
    },
    children,
    edges,
  };
  return { graph, pods, key: JSON.stringify(graph) };
}

/** A top-level box as ELK placed it. */
export interface Placed {
  id: string;
  x?: number;
  y?: number;
  width?: number;
  height?: number;
}

/** ELK's placement of the top level, with the pods in their frames. */
export function layoutFrom(input: LayoutInput, out: { children?: readonly Placed[] }, topo: Topology): Layout {
  const boxes: Record<string, Box> = {};
  const pods = { ...input.pods };
  for (const c of out.children ?? []) boxes[c.id] = { x: c.x ?? 0, y: c.y ?? 0, w: c.width ?? 0, h: c.height ?? 0 };
  for (const p of topo.pods) if (!p.frameId && boxes[p.id]) pods[p.id] = boxes[p.id]!;
  return { boxes, pods };
}

export async function layoutTopology(topo: Topology, elk: Pick<ELK, 'layout'>): Promise<Layout> {
  const input = layoutInput(topo);
  return layoutFrom(input, await elk.layout(input.graph), topo);
}
