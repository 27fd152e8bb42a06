// React Flow node components. Their `data` stays thin (the labels they draw); registered once at
// module scope so React Flow never re-creates them.

import { Handle, Position, type Node, type NodeProps, type NodeTypes } from '@xyflow/react';
import { memo } from 'react';
import type { TraceResult } from '../../sim';
import { selectCurrentHop, type LabState } from '../../state';
import { useLab } from '../app-store';
import { useT } from '../i18n';
import type { ClientModel, FrameModel, LoadBalancerModel, PodModel, ServiceModel } from './topology';

export type FrameNodeT = Node<{ frame: FrameModel }, 'frame'>;
export type PodNodeT = Node<{ pod: PodModel }, 'pod'>;
export type ServiceNodeT = Node<{ service: ServiceModel }, 'service'>;
export type LbNodeT = Node<{ lb: LoadBalancerModel }, 'lb'>;
export type ClientNodeT = Node<{ client: ClientModel }, 'client'>;
export type LabNode = FrameNodeT | PodNodeT | ServiceNodeT | LbNodeT | ClientNodeT;

/** ' is-current' for the hop's place, ' is-involved' for the ends of its edge, '' otherwise. */
function hopClass(s: LabState, id: string, alias?: string): string {
  const h = selectCurrentHop(s);
  if (!h) return '';
  const is = (x: string | undefined) => x === id || (alias !== undefined && x === alias);
  return is(h.place.id) ? ' is-current' : is(h.edge?.from) || is(h.edge?.to) ? ' is-involved' : '';
}

/** Every place the trace touches (edge ends, hop places, a pod's node), once per trace: each node asks in O(1). */
const routeIds = new WeakMap<TraceResult, Set<string>>();
function onRoute(trace: TraceResult | null, id: string, alias?: string): boolean {
  if (!trace) return false;
  let ids = routeIds.get(trace);
  if (!ids) {
    ids = new Set();
    for (const h of trace.hops) {
      ids.add(h.place.id);
      if ((h.place.kind === 'pod' || h.place.kind === 'controller') && h.place.node) ids.add(`node:${h.place.node}`);
      if (h.edge) ids.add(h.edge.from).add(h.edge.to);
    }
    routeIds.set(trace, ids);
  }
  return ids.has(id) || (alias !== undefined && ids.has(alias));
}

/**
 * Each node selects its own class, so a new hop re-renders only the nodes it touches (not all 1000
 * pods). ' on-route' marks the objects of the whole route: they stay readable in presenter mode.
 */
function useHopClass(id: string, alias?: string): string {
  return useLab((s) => hopClass(s, id, alias) + (onRoute(s.playback.trace, id, alias) ? ' on-route' : ''));
}

// Handles only where a React Flow edge ends (topology.ts): a load balancer's lines start at the LB and
// end at its Service or at a node's NodePort badge. A Service's lines to its pods are EndpointFan's
// paths, not edges, so pods, clients and node frames have none: every Handle is a store subscription
// and an element React Flow measures when it sizes the node (in the first frame too).
/**
 * A node's content draws its id, data and selection only: React Flow's other props (measured size,
 * absolute position, z-index, drag state) change while it measures and fits the first frame, and
 * each change would redraw every node's content for nothing.
 */
function sameContent<P extends { id: string; data: unknown; selected?: boolean }>(a: P, b: P): boolean {
  return a.id === b.id && a.data === b.data && a.selected === b.selected;
}

const sourceHandle = <Handle type="source" position={Position.Bottom} className="rf-handle" isConnectable={false} />;
const targetHandle = <Handle type="target" position={Position.Top} className="rf-handle" isConnectable={false} />;

const FrameNode = memo(function FrameNode({ id, data, selected }: NodeProps<FrameNodeT>) {
  const t = useT();
  const f = data.frame;
  const hop = useHopClass(id);
  return (
    <div className={`lab-frame${selected ? ' is-selected' : ''}${hop}`} data-testid={`canvas-node-${f.name}`} aria-label={t('canvas.node.aria', { name: f.name })}>
      <div className="lab-frame-head">
        <span className="kind-tag">{t('kind.node')}</span>
        <span className="lab-frame-name">{f.name}</span>
      </div>
      <div className="lab-frame-addr mono">
        {f.internalIP ?? t('canvas.noAddress')} · {t('canvas.podCIDR')} {f.podCIDR ?? '—'}
      </div>
      {f.nodePorts.length + f.hostPorts.length > 0 && (
        <div className="lab-badges">
          {f.nodePorts.map((p) => (
            <span key={`np-${p.port}-${p.protocol}`} className="badge badge-nodeport mono" title={t('canvas.nodePort.title', { service: p.service })}>
              {/* Where a nodeport load balancer's arrow ends (LabCanvas: lb-target edges). */}
              <Handle type="target" id={`np-${p.port}`} position={Position.Top} className="rf-handle" isConnectable={false} />
              {t('canvas.nodePort')} {p.port}
            </span>
          ))}
          {f.hostPorts.map((p) => (
            <span key={`hp-${p.port}-${p.protocol}-${p.pod}`} className="badge badge-hostport mono" title={t('canvas.hostPort.title', { pod: p.pod })}>
              {t('canvas.hostPort')} {p.port}
            </span>
          ))}
        </div>
      )}
    </div>
  );
}, sameContent);

const PodNode = memo(function PodNode({ id, data, selected }: NodeProps<PodNodeT>) {
  const t = useT();
  const p = data.pod;
  const hop = useHopClass(id);
  const cls = ['lab-pod', p.ingressController && 'is-ingress', !p.ready && 'is-notready', selected && 'is-selected'].filter(Boolean).join(' ') + hop;
  return (
    <div className={cls} data-testid={`canvas-pod-${p.namespace}-${p.name}`}>
      <div className="lab-pod-name">
        {p.ingressController && <span className="kind-tag kind-ingress">{t('canvas.ingress')}</span>}
        <span className="lab-name" title={`${p.namespace}/${p.name}`}>
          {p.name}
        </span>
      </div>
      <div className="lab-pod-ip mono">
        {p.ip ?? t('canvas.noAddress')}
        {!p.ready && <span className="notready"> · {t('canvas.notReady')}</span>}
        {p.hostNetwork && <span className="muted"> · hostNetwork</span>}
      </div>
    </div>
  );
}, sameContent);

const ServiceNode = memo(function ServiceNode({ id, data, selected }: NodeProps<ServiceNodeT>) {
  const t = useT();
  const s = data.service;
  // The tracer places a cluster DNS lookup at `dns:<server IP>`: the kube-dns Service's cluster IP.
  const hop = useHopClass(id, s.clusterIP && s.form === 'rules' ? `dns:${s.clusterIP}` : undefined);
  const hint = s.form === 'dns' ? t('canvas.service.headless.hint') : s.form === 'cname' ? t('canvas.service.cname.hint') : t('canvas.service.hint');
  return (
    <div className={`lab-service lab-service-${s.form}${selected ? ' is-selected' : ''}${hop}`} data-testid={`canvas-service-${s.namespace}-${s.name}`} data-form={s.form} title={hint}>
      {targetHandle}
      <div className="lab-service-name">
        <span className="kind-tag kind-svc">{s.form === 'dns' ? t('canvas.service.headless') : s.type}</span>
        <span className="lab-name">{s.name}</span>
      </div>
      {s.form === 'cname' ? (
        <div className="mono small service-cname-target" data-testid="service-cname">
          CNAME → {s.externalName ?? '—'}
        </div>
      ) : s.form === 'dns' ? (
        <div className="mono small">{t('canvas.service.dnsName', { name: `${s.name}.${s.namespace}.svc` })}</div>
      ) : (
        <div className="mono small">{s.clusterIP ?? '—'}</div>
      )}
      {s.form !== 'cname' && s.ports.length > 0 && <div className="mono small lab-ports">{s.ports.join(', ')}</div>}
      <div className="muted small" data-testid="service-form">
        {s.form === 'dns' ? t('canvas.service.dnsOnly') : s.form === 'cname' ? t('canvas.service.cnameOnly') : t('canvas.service.rules')}
      </div>
    </div>
  );
}, sameContent);

const LbNode = memo(function LbNode({ id, data, selected }: NodeProps<LbNodeT>) {
  const t = useT();
  const hop = useHopClass(id);
  return (
    <div className={`lab-lb${selected ? ' is-selected' : ''}${data.lb.address ? '' : ' is-pending'}${hop}`} data-testid={`canvas-lb-${data.lb.address ?? `pending-${data.lb.service}`}`}>
      {sourceHandle}
      <div className="lab-pod-name">
        <span className="kind-tag kind-lb">{t('kind.loadBalancer')}</span>
      </div>
      <div className="mono">{data.lb.address ?? t('canvas.lb.pending')}</div>
      {data.lb.model && <div className="muted small">{t(data.lb.model === 'nodeport' ? 'canvas.lb.nodeport' : 'canvas.lb.direct')}</div>}
    </div>
  );
}, sameContent);

const ClientNode = memo(function ClientNode({ id, data, selected }: NodeProps<ClientNodeT>) {
  const t = useT();
  const hop = useHopClass(id);
  return (
    <div className={`lab-client${selected ? ' is-selected' : ''}${hop}`} data-testid={`canvas-client-${data.client.name}`}>
      <div className="lab-pod-name">
        <span className="kind-tag kind-client">{t('kind.client')}</span>
        <span className="lab-name">{data.client.name}</span>
      </div>
      <div className="mono">{data.client.address}</div>
    </div>
  );
}, sameContent);

export const nodeTypes: NodeTypes = { frame: FrameNode, pod: PodNode, service: ServiceNode, lb: LbNode, client: ClientNode };
