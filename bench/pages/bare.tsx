// The floor for bench/ui.bench.ts: a bare React Flow page of the same size as the lab's canvas
// (nodes of 100 pods each, pods in a grid inside their node frame, one Service node with an edge to
// every pod, as the lab draws a Service's endpoints) with one dot moving by
// requestAnimationFrame writing a CSS transform on its own layer, as the lab's PacketLayer does. `?pods=1000`.
// Built by bench/pages/vite.config.ts only: it never ships with the app.

import { ReactFlow, ReactFlowProvider, ViewportPortal, type Edge, type Node } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { useEffect, useRef } from 'react';
import { createRoot } from 'react-dom/client';

const pods = Math.max(1, Number(new URLSearchParams(location.search).get('pods') ?? 200));
const PER_NODE = 100;
const COLS = 4;
const POD_W = 170;
const POD_H = 44;
const GAP = 12;

function build(): Node[] {
  const out: Node[] = [];
  const frames = Math.ceil(pods / PER_NODE);
  const frameW = COLS * (POD_W + GAP) + GAP;
  for (let f = 0; f < frames; f++) {
    const count = Math.min(PER_NODE, pods - f * PER_NODE);
    const rows = Math.ceil(count / COLS);
    const id = `node:node-${f + 1}`;
    out.push({ id, position: { x: (f % 5) * (frameW + 40), y: Math.floor(f / 5) * (rows * (POD_H + GAP) + 100) }, data: { label: `node-${f + 1}` }, style: { width: frameW, height: rows * (POD_H + GAP) + 50 }, type: 'group' });
    for (let i = 0; i < count; i++) {
      out.push({ id: `pod:default/bench-${f}-${i}`, parentId: id, extent: 'parent', position: { x: GAP + (i % COLS) * (POD_W + GAP), y: 40 + Math.floor(i / COLS) * (POD_H + GAP) }, data: { label: `bench-${f}-${i} 10.244.${f}.${i + 2}` }, style: { width: POD_W, height: POD_H } });
    }
  }
  out.push({ id: 'service:default/bench', position: { x: 0, y: -200 }, data: { label: 'bench' }, style: { width: POD_W, height: POD_H } });
  return out;
}
const nodes = build();
const edges: Edge[] = nodes.filter((n) => n.id.startsWith('pod:')).map((n) => ({ id: `service:default/bench->${n.id}`, source: 'service:default/bench', target: n.id, style: { strokeDasharray: '6 5' } }));

function Packet() {
  const dot = useRef<SVGSVGElement>(null);
  useEffect(() => {
    let raf = 0;
    const t0 = performance.now();
    const frame = (now: number) => {
      const k = ((now - t0) % 1100) / 1100;
      if (dot.current) dot.current.style.transform = `translate(${40 + 600 * k}px, ${20 + 300 * k}px)`;
      raf = requestAnimationFrame(frame);
    };
    raf = requestAnimationFrame(frame);
    return () => cancelAnimationFrame(raf);
  }, []);
  return (
    <ViewportPortal>
      <svg ref={dot} width="26" height="26" viewBox="-13 -13 26 26" style={{ position: 'absolute', left: -13, top: -13, overflow: 'visible', willChange: 'transform', zIndex: 1001 }} aria-hidden="true" data-testid="packet-dot">
        <circle r="13" fill="#ea580c" opacity="0.3" />
        <circle r="7" fill="#ea580c" />
      </svg>
    </ViewportPortal>
  );
}

createRoot(document.getElementById('root')!).render(
  <ReactFlowProvider>
    <div style={{ width: '100vw', height: '100vh' }} data-testid="canvas">
      <ReactFlow defaultNodes={nodes} defaultEdges={edges} fitView minZoom={0.02} nodesDraggable={false}>
        <Packet />
      </ReactFlow>
    </div>
  </ReactFlowProvider>,
);
