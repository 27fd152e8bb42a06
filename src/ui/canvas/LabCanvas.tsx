// The topology canvas: node frames with their pods, Services as dashed virtual objects, load
// balancers and clients. Positions come from ELK (in a worker); the moving packet is drawn by
// PacketLayer outside React state.

import {
  Background,
  Controls,
  MiniMap,
  ReactFlow,
  ReactFlowProvider,
  useStore,
  useStoreApi,
  type NodeChange,
  type ReactFlowState,
} from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { Suspense, useEffect, useLayoutEffect, useMemo, useState } from 'react';
import { flushSync } from 'react-dom';
import type { Cluster, ExternalClient } from '../../sim';
import {
  selectClients,
  selectCluster,
  selectCurrentHop,
  selectLang,
  selectSelection,
  type LabState,
  type SelectionKind,
} from '../../state';
import { useLab, labStore } from '../app-store';
import { useEffectiveTheme } from '../theme';
import { useT, type T } from '../i18n';
import { getElk, resetElk } from './elk';
import { firstFrame, knownLayout, placementOf, rememberLayout } from './known-layouts';
import { lazyPart, PartBoundary, PartError } from '../parts';
import { firstPaint, firstPaintDone, loadLater } from '../first-paint';
import { EndpointFan, type Fan } from './EndpointFan';
import { FIT, useFitting } from './fit';
import { toFans, toFlow, targetEdges } from './flow';
import { layoutFrom, layoutInput, type Layout } from './layout';
import { nodeTypes, type LabNode } from './nodes';
import { edgeTypes } from './LbTargetEdge';
import type { Topology } from './topology';
import { loadTopology, topologyBuilder } from './topology-source';

// The trace's route and the moving packet draw nothing before a lab is open: they arrive with the rest
// of the page, after the first frame (../first-paint.ts).
const RouteLayer = lazyPart(() => loadLater().then((m) => ({ default: m.RouteLayer })));
const PacketLayer = lazyPart(() => loadLater().then((m) => ({ default: m.PacketLayer })));
// Presenter mode's camera (it frames the route) comes with them.
const PresenterCamera = lazyPart(() => loadLater().then((m) => ({ default: m.PresenterCamera })));

type Laid = { topo: Topology; layout: Layout };
type Flow = ReturnType<typeof toFlow>;

// The last flow drawn of each layout, in two steps as the canvas changes them: the nodes and edges of a
// selection, then with the load balancer's arrows of a hop. React Flow's store is created with the
// first frame's flow (LabCanvas) and then handed the `nodes` and `edges` props (FlowView): when they
// are the same objects, it keeps the nodes it has; equal copies would be adopted as new nodes, and
// every node and edge drawn again, while the first frame is measured.
const bases = new WeakMap<Layout, { selected: string | null; base: Flow }>();
const flows = new WeakMap<Flow, { key: string; flow: Flow }>();

function baseFlow(laid: Laid, selected: string | null): Flow {
  const last = bases.get(laid.layout);
  if (last?.selected === selected) return last.base;
  const base = toFlow(laid.topo, laid.layout, selected);
  bases.set(laid.layout, { selected, base });
  return base;
}

/** `base` with the load balancer's arrows, the hop's marked; `lang` is the language `t` speaks. */
function flowWithArrows(base: Flow, laid: Laid, t: T, lang: string, hopEdge: string | null): Flow {
  const key = `${lang} ${hopEdge ?? ''}`;
  const last = flows.get(base);
  if (last?.key === key) return last.flow;
  const flow = { ...base, edges: [...base.edges, ...targetEdges(laid.topo, laid.layout, t, hopEdge)] };
  flows.set(base, { key, flow });
  return flow;
}

const topologies = new WeakMap<Cluster, WeakMap<readonly ExternalClient[], Topology>>();
const NO_CLIENTS: readonly ExternalClient[] = [];

/**
 * Memoised on the cluster's and the clients' identity: the store replaces them only when they change.
 * Null until the topology module has loaded (it comes with the engines: ./topology-source.ts).
 */
function topologyOf(cluster: Cluster, clients: readonly ExternalClient[]): Topology | null {
  const build = topologyBuilder();
  if (!build) return null;
  let inner = topologies.get(cluster);
  if (!inner) topologies.set(cluster, (inner = new WeakMap()));
  let t = inner.get(clients);
  if (!t) inner.set(clients, (t = build(cluster, clients)));
  return t;
}

/**
 * Whether the topology module has loaded; asks for it when a cluster is there without it (main.tsx
 * loads it with the engines, so only a cluster set some other way waits here). A download that
 * fails says so over the canvas, with Retry, like a layout that fails.
 */
function useTopologyModule(needed: boolean): { ready: boolean; failed: boolean; retry(): void } {
  const [, setLoaded] = useState(0);
  const [failed, setFailed] = useState(false);
  const [attempt, setAttempt] = useState(0);
  const ready = topologyBuilder() !== null;
  useEffect(() => {
    if (!needed || ready) return;
    let live = true;
    loadTopology().then(
      () => live && setLoaded((n) => n + 1),
      (e: unknown) => {
        console.warn('the canvas topology could not be downloaded', e);
        if (live) setFailed(true);
      },
    );
    return () => {
      live = false;
    };
  }, [needed, ready, attempt]);
  return { ready, failed: failed && !ready, retry: () => (setFailed(false), setAttempt((n) => n + 1)) };
}

const selectLoaderReady = (s: LabState) => s.engines.loadScenarioFiles;
const selectScenarioOpen = (s: LabState) => s.scenario.current !== null;
/** Presenter mode with a trace: everything but the current hop's objects steps back. */
const selectFocusHop = (s: LabState) => s.ui.presenter && s.playback.trace !== null;
/** Once the download failed (Retry is offered), the build's frame is not "loading" any more. */
const selectEnginesFailed = (s: LabState) => s.enginesLoad === 'failed';
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

const KIND_OF_PREFIX: Record<string, SelectionKind> = {
  node: 'node',
  pod: 'pod',
  service: 'service',
  lb: 'load-balancer',
  client: 'client',
};

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
const MINIMAP = { width: 160, height: 100 };

/**
 * React Flow's store is created with the first frame's nodes (the build's default scenario while the
 * engines load), so its first render draws them: no empty render, then a second one with the nodes.
 */
export function LabCanvas() {
  const t = useT();
  const lang = useLab(selectLang);
  // The flow CanvasView draws first (useFlow: no selection, no hop), as the same objects.
  const [seed] = useState(() => {
    const f = firstFrame();
    return f ? flowWithArrows(baseFlow(f, null), f, t, lang, null) : null;
  });
  return (
    <ReactFlowProvider
      initialNodes={seed?.nodes}
      initialEdges={seed?.edges}
      fitView
      initialFitViewOptions={FIT}
      initialMinZoom={0.02}
      initialMaxZoom={2.5}
    >
      {seed && <EffectsBeforeFirstPaint />}
      <InteractionDefaults />
      <CanvasView />
    </ReactFlowProvider>
  );
}

/**
 * The canvas's interaction settings in React Flow's store before anything in it renders: its store
 * starts with React Flow's defaults (nodes draggable, connectable; selectable and focusable, which
 * the build's frame is not), and FlowView's props would reach it only in an effect, so the first
 * frame would set up dragging on every node and then draw every node again without it. FlowView
 * passes the same values (the loading frame: `elementsSelectable` and `nodesFocusable` false).
 */
function InteractionDefaults() {
  const store = useStoreApi();
  useState(() => {
    const s = labStore.getState();
    // As CanvasView decides `loading`: the build's frame, drawn while no scenario is open.
    const selectable = selectScenarioOpen(s) || selectCluster(s) !== null || firstFrame() === null;
    store.setState({ nodesDraggable: false, nodesConnectable: false });
    store.setState({ elementsSelectable: selectable, nodesFocusable: selectable });
  });
  return null;
}

/**
 * React Flow's effects (the pane's size, the zoom behaviour, the nodes' measurements its fitView and
 * edges need) run in the first animation frame, before its paint: main.tsx renders without
 * flushSync, so the canvas's nodes are in the document as soon as React has committed them, and a
 * sync update here makes React flush the effects still pending first. The first paint is the whole
 * picture, fitted, as when the effects ran in the render's own task.
 */
function EffectsBeforeFirstPaint() {
  const [, setPainted] = useState(false);
  useLayoutEffect(() => {
    const id = requestAnimationFrame(() => flushSync(() => setPainted(true)));
    return () => cancelAnimationFrame(id);
  }, []);
  return null;
}

/**
 * ELK's layout of `topo` when none is known: the layout engine loads on first use, and a download
 * that fails says so over the canvas, with Retry.
 */
function useElkLayout(topo: Topology | null, known: Layout | null) {
  const [elkLaid, setLaid] = useState<Laid | null>(null);
  const [failed, setFailed] = useState(false);
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    if (!topo) return;
    if (known) {
      setFailed(false);
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
        setFailed(false);
      })
      .catch((e: unknown) => {
        console.warn('layout failed', e);
        resetElk();
        if (live) setFailed(true);
      });
    return () => {
      live = false;
    };
  }, [topo, known, attempt]);
  return { elkLaid, failed, retry: () => setAttempt((n) => n + 1) };
}

/**
 * The open lab's topology and where its boxes go: a layout ELK gave before (or the build, for the
 * default scenario) is drawn at once, without ELK. Until the first scenario opens, the default
 * scenario's frame from the build (when the URL opens it): `starting`.
 */
function useLaidOut() {
  const cluster = useLab(selectCluster);
  const clients = useLab(selectClients) ?? NO_CLIENTS;
  const topology = useTopologyModule(cluster !== null);
  const topo = useMemo(
    () => (cluster && topology.ready ? topologyOf(cluster, clients) : null),
    [cluster, clients, topology.ready],
  );
  const known = useMemo(() => (topo ? knownLayout(topo) : null), [topo]);
  const elk = useElkLayout(topo, known);
  const failed = elk.failed || topology.failed;
  const retry = topology.failed ? topology.retry : elk.retry;
  const { elkLaid } = elk;
  const starting = !useLab(selectScenarioOpen) && !cluster ? firstFrame() : null;
  const laid = useMemo(
    () => (topo && known ? { topo, layout: known } : (elkLaid ?? starting)),
    [topo, known, elkLaid, starting],
  );
  return { cluster, topo, laid, starting, layoutFailed: failed, retryLayout: retry };
}

/** What React Flow draws of `laid`: its nodes (the selection marked), edges (the hop's arrow marked), fans. */
function useFlow(laid: Laid | null, t: T): { flow: Flow | null; fans: Fan[] } {
  const selection = useLab(selectSelection);
  const arrows = useMemo(
    () => new Set(laid?.topo.edges.filter((e) => e.kind === 'lb-target').map((e) => `${e.source}>${e.target}`)),
    [laid],
  );
  const hopEdge = useLab(useMemo(() => selectHopArrow(arrows), [arrows]));
  const lang = useLab(selectLang);
  const base = useMemo(() => (laid ? baseFlow(laid, selection?.id ?? null) : null), [laid, selection]);
  const flow = useMemo(
    () => (base && laid ? flowWithArrows(base, laid, t, lang, hopEdge) : null),
    [base, laid, t, lang, hopEdge],
  );
  const fans = useMemo(() => (laid ? toFans(laid.topo, laid.layout) : []), [laid]);
  return { flow, fans };
}

function CanvasView() {
  const t = useT();
  const { cluster, topo, laid, starting, layoutFailed, retryLayout } = useLaidOut();
  const view = useFitting(laid, topo);
  const { flow, fans } = useFlow(laid, t);
  const focus = useLab(selectFocusHop);
  const loaderReady = useLab(selectLoaderReady);
  const far = useStore(selectFar);
  const enginesFailed = useLab(selectEnginesFailed);

  if (!cluster && !starting) {
    return <div className="canvas-empty">{loaderReady ? t('canvas.empty') : t('app.loading')}</div>;
  }
  // The build's frame of the default scenario while the engines load: drawn, but not yet the lab
  // (nothing to select or inspect), and said so.
  const loading = laid !== null && laid === starting;
  return (
    <div
      className={`canvas${focus ? ' focus-hop' : ''}${far ? ' zoom-far' : ''}`}
      data-testid="canvas"
      aria-label={t('canvas.aria')}
      aria-busy={loading}
      data-laid-out={flow && !loading ? 'true' : 'false'}
    >
      {loading && (
        <div className="canvas-starting" role="status" data-testid="canvas-starting">
          {t(enginesFailed ? 'canvas.startFailed' : 'canvas.starting')}
        </div>
      )}
      {layoutFailed && <PartError message={t('part.layoutFailed')} onRetry={retryLayout} />}
      {flow && laid && <FlowView flow={flow} fans={fans} laid={laid} view={view} loading={loading} />}
    </div>
  );
}

/** React Flow's own screen-reader strings, in the user's language. */
function useAriaLabels(t: T) {
  return useMemo(
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
}

interface FlowViewProps {
  flow: Flow;
  fans: Fan[];
  laid: Laid;
  view: ReturnType<typeof useFitting>;
  loading: boolean;
}

/**
 * Whether the canvas's tools are drawn: from the frame after the page's first paint (at once for a
 * canvas mounted later). The first frame is the picture itself; the minimap (a second drawing of
 * every node, with its own measuring) and the zoom buttons float over its corners, so they take no
 * room from it and nothing moves when they appear.
 */
function useTools(): boolean {
  const [shown, setShown] = useState(firstPaintDone);
  useEffect(() => {
    if (shown) return;
    let live = true;
    void firstPaint.then(() => live && setShown(true));
    return () => {
      live = false;
    };
  }, [shown]);
  return shown;
}

/** React Flow with the lab's layers: the endpoint fans, the trace's route and the moving packet. */
function FlowView({ flow, fans, laid, view, loading }: FlowViewProps) {
  const t = useT();
  const colorMode = useEffectiveTheme();
  const aria = useAriaLabels(t);
  const tools = useTools();
  return (
    <ReactFlow<LabNode>
      fitView
      fitViewOptions={view.fit}
      nodes={flow.nodes}
      edges={flow.edges}
      nodeTypes={nodeTypes}
      edgeTypes={edgeTypes}
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
      {tools && <MiniMap pannable zoomable position="top-right" style={MINIMAP} />}
      {tools && <Controls showInteractive={false} fitViewOptions={FIT} />}
      <EndpointFan fans={fans} />
      <PartBoundary part={t('canvas.aria')}>
        <Suspense fallback={null}>
          <RouteLayer topo={laid.topo} layout={laid.layout} />
          <PacketLayer />
          <PresenterCamera laid={laid} view={view} />
        </Suspense>
      </PartBoundary>
    </ReactFlow>
  );
}
