// The topology canvas: node frames with their pods, Services as dashed virtual objects, load
// balancers and clients. Positions come from ELK (in a worker); the moving packet is drawn by
// PacketLayer outside React state.

import { Background, Controls, MarkerType, MiniMap, ReactFlow, useReactFlow, useStore, type Edge, type NodeChange, type ReactFlowState } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { Cluster, ExternalClient } from '../../sim';
import { selectClients, selectCluster, selectCurrentHop, selectSelection, type LabState, type SelectionKind } from '../../state';
import { useLab, labStore } from '../app-store';
import { useSession } from '../share/session';
import { useEffectiveTheme } from '../theme';
import { useT, type T } from '../i18n';
import { getElk, resetElk } from './elk';
import { firstFrame, knownLayout, placementOf, rememberLayout } from './known-layouts';
import { PartError } from '../parts';
import { EndpointFan, fanPath, type Fan } from './EndpointFan';
import { layoutFrom, layoutInput, type Layout } from './layout';
import { nodeTypes, type LabNode } from './nodes';
import { PacketLayer } from './PacketLayer';
import { RouteLayer } from './RouteLayer';
import { usePresenterCamera } from './camera';
import { buildTopology, type Topology } from './topology';

const topologies = new WeakMap<Cluster, WeakMap<readonly ExternalClient[], Topology>>();
const NO_CLIENTS: readonly ExternalClient[] = [];

/** Memoised on the cluster's and the clients' identity: the store replaces them only when they change. */
function topologyOf(cluster: Cluster, clients: readonly ExternalClient[]): Topology {
  let inner = topologies.get(cluster);
  if (!inner) topologies.set(cluster, (inner = new WeakMap()));
  let t = inner.get(clients);
  if (!t) inner.set(clients, (t = buildTopology(cluster, clients)));
  return t;
}

/** Presenter mode with a trace: everything but the current hop's objects steps back. */
const selectSources = (s: LabState) => s.scenario.sources;
const selectLoaderReady = (s: LabState) => s.engines.loadScenarioFiles;
const selectScenarioOpen = (s: LabState) => s.scenario.current !== null;
const selectFocusHop = (s: LabState) => s.ui.presenter && s.playback.trace !== null;
/**
 * The current hop's edge as "from>to" when it is one of the load balancer's arrows (`arrows`), so the
 * arrow it travels can be marked; null for any other hop, so the canvas does not re-render (and
 * hand React Flow a new edge list) on every hop.
 */
const selectHopArrow = (arrows: ReadonlySet<string>) => (s: LabState) => {
  const e = selectCurrentHop(s)?.edge;
  const key = e ? `${e.from}>${e.to}` : null;
  return key !== null && arrows.has(key) ? key : null;
};

const KIND_OF_PREFIX: Record<string, SelectionKind> = { node: 'node', pod: 'pod', service: 'service', lb: 'load-balancer', client: 'client' };

/** Mouse and keyboard (Tab to a node, Enter) selection both arrive as React Flow select changes. */
const onNodesChange = (changes: NodeChange<LabNode>[]) => {
  for (const c of changes) {
    if (c.type !== 'select' || !c.selected) continue;
    const kind = KIND_OF_PREFIX[c.id.slice(0, c.id.indexOf(':'))];
    if (kind) labStore.getState().select({ kind, id: c.id });
  }
};
const onPaneClick = () => labStore.getState().select(null);

/** Below this zoom a pod is a few pixels tall: dashes and shadows blur into noise (see .zoom-far). */
const FAR_ZOOM = 0.3;
/** A boolean, so the canvas re-renders when the zoom crosses the threshold, not on every zoom step. */
const selectFar = (s: ReactFlowState) => s.transform[2] < FAR_ZOOM;

function toFlow(topo: Topology, layout: Layout, selected: string | null): { nodes: LabNode[]; edges: Edge[] } {
  const nodes: LabNode[] = [];
  const at = (id: string) => layout.boxes[id] ?? { x: 0, y: 0, w: 0, h: 0 };
  for (const c of topo.clients) {
    const b = at(c.id);
    nodes.push({ id: c.id, type: 'client', position: { x: b.x, y: b.y }, width: b.w, height: b.h, data: { client: c }, selected: selected === c.id, ariaLabel: `${c.name} ${c.address}` });
  }
  for (const lb of topo.loadBalancers) {
    const b = at(lb.id);
    nodes.push({ id: lb.id, type: 'lb', position: { x: b.x, y: b.y }, width: b.w, height: b.h, data: { lb }, selected: selected === lb.id, ariaLabel: `LoadBalancer ${lb.address ?? '<pending>'} ${lb.service}` });
  }
  for (const s of topo.services) {
    const b = at(s.id);
    nodes.push({ id: s.id, type: 'service', position: { x: b.x, y: b.y }, width: b.w, height: b.h, data: { service: s }, selected: selected === s.id, ariaLabel: `Service ${s.namespace}/${s.name} ${s.clusterIP ?? ''}` });
  }
  for (const f of topo.frames) {
    const b = at(f.id);
    nodes.push({ id: f.id, type: 'frame', position: { x: b.x, y: b.y }, width: b.w, height: b.h, data: { frame: f }, selected: selected === f.id, zIndex: 1, ariaLabel: `Node ${f.name} ${f.internalIP ?? ''} ${f.podCIDR ?? ''}` });
  }
  // Children after their parents, as React Flow requires.
  for (const p of topo.pods) {
    const b = layout.pods[p.id];
    if (!b) continue;
    nodes.push({ id: p.id, type: 'pod', position: { x: b.x, y: b.y }, width: b.w, height: b.h, data: { pod: p }, parentId: p.frameId ?? undefined, extent: p.frameId ? 'parent' : undefined, selected: selected === p.id, zIndex: 2, ariaLabel: `Pod ${p.namespace}/${p.name} ${p.ip ?? ''}` });
  }
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
  return { nodes, edges };
}

/** A nodeport load balancer's arrows to each node's NodePort badge: above the frames (they end on a
 *  badge), greyed with the health check's reason when the node is out of service. */
function targetEdges(topo: Topology, t: T, hopEdge: string | null): Edge[] {
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
        markerEnd: { type: MarkerType.ArrowClosed, width: 16, height: 16 },
        label: h?.why ? t(`canvas.lb.unhealthy.${h.why.kind}`, { port: h.why.port }) : undefined,
        labelBgPadding: [4, 2] as [number, number],
        zIndex: 3,
      };
    });
}

/** Each Service's lines to its endpoints, in absolute canvas coordinates (pods are laid out in their frame). */
function toFans(topo: Topology, layout: Layout): Fan[] {
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

export function LabCanvas() {
  const t = useT();
  const cluster = useLab(selectCluster);
  const clients = useLab(selectClients) ?? NO_CLIENTS;
  const selection = useLab(selectSelection);
  const colorMode = useEffectiveTheme();
  const focus = useLab(selectFocusHop);
  const loaderReady = useLab(selectLoaderReady);
  const topo = useMemo(() => (cluster ? topologyOf(cluster, clients) : null), [cluster, clients]);
  // A layout ELK gave before (or the build, for the default scenario) is drawn at once, without ELK.
  const known = useMemo(() => (topo ? knownLayout(topo) : null), [topo]);
  const [elkLaid, setLaid] = useState<{ topo: Topology; layout: Layout } | null>(null);
  // Until the first scenario opens, the default scenario's frame from the build (when the URL opens it).
  const starting = !useLab(selectScenarioOpen) && !cluster ? firstFrame() : null;
  const laid = useMemo(() => (topo && known ? { topo, layout: known } : (elkLaid ?? starting)), [topo, known, elkLaid, starting]);
  const rf = useReactFlow();
  // Fit the view when a different scenario is opened, never on edits: edits keep the picture still.
  const sources = useLab(selectSources);
  const hasLesson = useLab((st) => (st.scenario.current?.lesson.length ?? 0) > 0);
  const lessonCard = useSession((st) => st.lessonOpen) && hasLesson;
  const fitted = useRef(sources);
  const viewWidth = useStore(selectWidth);
  const viewHeight = useStore(selectHeight);
  // A lesson opens with its card over the canvas's top left: fit the cluster beside or below it.
  const fit = useMemo(() => (lessonCard && laid ? besideLesson(boundsOf(laid.layout), { width: viewWidth, height: viewHeight }) : FIT), [lessonCard, laid, viewWidth, viewHeight]);
  useEffect(() => {
    // Wait for the new scenario's own layout, not the previous one still on screen.
    if (!laid || laid.topo !== topo || fitted.current === sources) return;
    // Marked fitted only once the fit ran: StrictMode's unmount cancels the frame, and the remount
    // must then fit again rather than find the scenario already marked.
    const id = requestAnimationFrame(() => {
      fitted.current = sources;
      void rf.fitView(fit);
    });
    return () => cancelAnimationFrame(id);
  }, [laid, topo, sources, rf, fit]);

  // The layout engine loads on first use: a download that fails says so over the canvas, with Retry.
  const [layoutFailed, setLayoutFailed] = useState(false);
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    if (!topo) return;
    if (known) {
      setLayoutFailed(false);
      // The next edit needs ELK: load it a moment later, as the page used to at start-up. A download
      // that fails is forgotten here and reported by the layout that needs it (with Retry).
      const id = setTimeout(() => void getElk().catch(() => resetElk()), 1000);
      return () => clearTimeout(id);
    }
    let live = true;
    const input = layoutInput(topo);
    getElk()
      .then((elk) => elk.layout(input.graph))
      .then((out) => {
        const placement = placementOf(out);
        rememberLayout(input.key, placement);
        if (!live) return;
        setLaid({ topo, layout: layoutFrom(input, placement, topo) });
        setLayoutFailed(false);
      })
      .catch((e: unknown) => {
        console.warn('layout failed', e);
        resetElk();
        if (live) setLayoutFailed(true);
      });
    return () => {
      live = false;
    };
  }, [topo, known, attempt]);

  // React Flow's own screen-reader strings, in the user's language.
  const aria = useMemo(
    () => ({
      'node.a11yDescription.default': t('canvas.a11y.node'),
      'node.a11yDescription.keyboardDisabled': t('canvas.a11y.node'),
      'edge.a11yDescription.default': t('canvas.a11y.edge'),
      'controls.ariaLabel': t('canvas.controls'),
      'controls.zoomIn.ariaLabel': t('canvas.zoomIn'),
      'controls.zoomOut.ariaLabel': t('canvas.zoomOut'),
      'controls.fitView.ariaLabel': t('canvas.fitView'),
      'minimap.ariaLabel': t('canvas.minimap'),
    }),
    [t],
  );
  const arrows = useMemo(() => new Set(laid?.topo.edges.filter((e) => e.kind === 'lb-target').map((e) => `${e.source}>${e.target}`)), [laid]);
  const hopEdge = useLab(useMemo(() => selectHopArrow(arrows), [arrows]));
  const fitCluster = useCallback(() => void rf.fitView(fit), [rf, fit]);
  const lessonWidth = lessonCard ? (document.querySelector<HTMLElement>('[data-testid="lesson"]')?.offsetWidth ?? Math.min(420, viewWidth * 0.46)) : 0;
  const base = useMemo(() => (laid ? toFlow(laid.topo, laid.layout, selection?.id ?? null) : null), [laid, selection]);
  const flow = useMemo(() => (base && laid ? { ...base, edges: [...base.edges, ...targetEdges(laid.topo, t, hopEdge)] } : null), [base, laid, t, hopEdge]);
  const fans = useMemo(() => (laid ? toFans(laid.topo, laid.layout) : []), [laid]);
  const far = useStore(selectFar);
  // Once the download failed (Retry is offered above), the frame is not "loading" any more.
  const enginesFailed = useLab((st) => st.enginesLoad === 'failed');

  if (!cluster && !starting) return <div className="canvas-empty">{loaderReady ? t('canvas.empty') : t('app.loading')}</div>;
  // The build's frame of the default scenario while the engines load: drawn, but not yet the lab
  // (nothing to select or inspect), and said so.
  const loading = laid !== null && laid === starting;
  return (
    <div className={`canvas${focus ? ' focus-hop' : ''}${far ? ' zoom-far' : ''}`} data-testid="canvas" aria-label={t('canvas.aria')} aria-busy={loading} data-laid-out={flow && !loading ? 'true' : 'false'}>
      {loading && (
        <div className="canvas-starting" role="status" data-testid="canvas-starting">
          {t(enginesFailed ? 'canvas.startFailed' : 'canvas.starting')}
        </div>
      )}
      <PresenterCamera laid={laid} width={viewWidth} height={viewHeight} lessonWidth={lessonWidth} fitCluster={fitCluster} />
      {layoutFailed && <PartError message={t('part.layoutFailed')} onRetry={() => setAttempt((n) => n + 1)} />}
      {flow && (
        <ReactFlow<LabNode>
          fitView
          fitViewOptions={fit}
          nodes={flow.nodes}
          edges={flow.edges}
          nodeTypes={nodeTypes}
          onNodesChange={onNodesChange}
          onPaneClick={onPaneClick}
          nodesDraggable={false}
          nodesConnectable={false}
          elementsSelectable={!loading}
          nodesFocusable={!loading}
          colorMode={colorMode}
          zIndexMode="manual"
          ariaLabelConfig={aria}
          minZoom={0.02}
          maxZoom={2.5}
        >
          <Background gap={24} size={1} />
          <MiniMap pannable zoomable position="top-right" style={MINIMAP} />
          <Controls showInteractive={false} fitViewOptions={FIT} />
          <EndpointFan fans={fans} />
          {laid && <RouteLayer topo={laid.topo} layout={laid.layout} />}
          <PacketLayer />
        </ReactFlow>
      )}
    </div>
  );
}

/** Presenter mode's camera follows the hops: in its own component, so a hop re-renders it, not the canvas. */
function PresenterCamera(p: { laid: { topo: Topology; layout: Layout } | null; width: number; height: number; lessonWidth: number; fitCluster: () => void }) {
  usePresenterCamera(p.laid, { width: p.width, height: p.height }, p.lessonWidth, p.fitCluster);
  return null;
}

const FIT = { padding: 0.08, maxZoom: 1.25 };

/**
 * A lesson opens with its card over the canvas's top left (share/extras.css): fit the cluster
 * beside it or below it, whichever leaves it larger (a wide cluster goes below, a tall one beside).
 */
const selectWidth = (s: ReactFlowState) => s.width;
const selectHeight = (s: ReactFlowState) => s.height;

/** The size of everything the layout placed (top-level boxes are absolute; pods sit inside them). */
function boundsOf(layout: Layout): { width: number; height: number } {
  const boxes = Object.values(layout.boxes);
  if (boxes.length === 0) return { width: 0, height: 0 };
  const x0 = Math.min(...boxes.map((b) => b.x));
  const y0 = Math.min(...boxes.map((b) => b.y));
  const x1 = Math.max(...boxes.map((b) => b.x + b.w));
  const y1 = Math.max(...boxes.map((b) => b.y + b.h));
  return { width: x1 - x0, height: y1 - y0 };
}

function besideLesson(bounds: { width: number; height: number }, view: { width: number; height: number }) {
  if (bounds.width <= 0 || bounds.height <= 0 || view.width <= 0 || view.height <= 0) return FIT;
  // The card may not be drawn yet (it loads lazily): its usual size then.
  const card = document.querySelector<HTMLElement>('[data-testid="lesson"]');
  const side = (card?.offsetWidth ?? Math.min(420, view.width * 0.46)) + 24;
  // Below the card, the cluster also keeps clear of the zoom buttons at the bottom left.
  const top = (card?.offsetHeight ?? 270) + 24;
  const zoomBeside = Math.min((view.width - side) / bounds.width, view.height / bounds.height);
  const zoomBelow = Math.min(view.width / bounds.width, (view.height - top) / bounds.height);
  const padding = zoomBeside >= zoomBelow ? { top: 0.06, right: 0.04, bottom: 0.06, left: `${side}px` as const } : { top: `${top}px` as const, right: 0.04, bottom: 0.06, left: '56px' as const };
  return { ...FIT, padding };
}
const MINIMAP = { width: 160, height: 100 };
