// The selected object, summarised like `kubectl get -o yaml` would show the parts that matter
// for networking: kind, name, labels, addresses, ports.

import { useMemo } from 'react';
import type { Cluster, ExternalClient } from '../../sim';
import { selectClients, selectCluster, selectSelection, type Selection } from '../../state';
import { labStore, useLab } from '../app-store';
import { useT } from '../i18n';
import { IconClose } from '../icons';

type Row = [string, string | string[] | Record<string, string> | undefined];

function describe(sel: Selection, cluster: Cluster, clients: readonly ExternalClient[]): { kind: string; name: string; rows: Row[] } | null {
  // Canvas ids: "<kind>:<ns>/<name>" or "<kind>:<name>".
  const rest = sel.id.slice(sel.id.indexOf(':') + 1).split('/');
  const ns = rest.length > 1 ? rest[0] : undefined;
  const name = rest[rest.length - 1]!;
  switch (sel.kind) {
    case 'node': {
      const n = cluster.nodes.find((x) => x.metadata.name === name);
      if (!n) return null;
      return {
        kind: 'Node',
        name,
        rows: [
          ['labels', n.metadata.labels],
          ['addresses', (n.status?.addresses ?? []).map((a) => `${a.type}: ${a.address}`)],
          ['podCIDR', n.spec?.podCIDR],
          ['pods', cluster.pods.filter((p) => p.spec.nodeName === name).map((p) => `${p.metadata.namespace ?? 'default'}/${p.metadata.name}`)],
        ],
      };
    }
    case 'pod': {
      const p = cluster.pods.find((x) => x.metadata.name === name && (x.metadata.namespace ?? 'default') === ns);
      if (!p) return null;
      return {
        kind: 'Pod',
        name: `${ns}/${name}`,
        rows: [
          ['labels', p.metadata.labels],
          ['nodeName', p.spec.nodeName],
          ['podIP', p.status?.podIP],
          ['hostIP', p.status?.hostIP],
          ['phase', p.status?.phase],
          ['ready', p.status?.conditions?.find((c) => c.type === 'Ready')?.status],
          ['ports', p.spec.containers.flatMap((c) => (c.ports ?? []).map((cp) => `${c.name}: ${cp.containerPort}/${cp.protocol ?? 'TCP'}${cp.hostPort ? ` hostPort ${cp.hostPort}` : ''}`))],
        ],
      };
    }
    case 'service':
    case 'load-balancer': {
      const s = cluster.services.find((x) => x.metadata.name === name && (x.metadata.namespace ?? 'default') === ns);
      if (!s) return null;
      return {
        kind: 'Service',
        name: `${ns}/${name}`,
        rows: [
          ['type', s.spec.type ?? 'ClusterIP'],
          ['selector', s.spec.selector],
          ['clusterIP', s.spec.clusterIP],
          ['ports', (s.spec.ports ?? []).map((p) => `${p.name ? p.name + ' ' : ''}${p.port}${p.targetPort !== undefined ? `→${p.targetPort}` : ''}${p.nodePort ? ` nodePort ${p.nodePort}` : ''}/${p.protocol ?? 'TCP'}`)],
          ['externalTrafficPolicy', s.spec.externalTrafficPolicy],
          [
            'endpoints',
            cluster.endpointSlices
              .filter((sl) => (sl.metadata.namespace ?? 'default') === ns && sl.metadata.labels?.['kubernetes.io/service-name'] === name)
              .flatMap((sl) => sl.endpoints.map((e) => `${e.addresses.join(',')}${e.targetRef ? ` (${e.targetRef.name})` : ''}${e.conditions?.ready === false ? ' not ready' : ''}`)),
          ],
          ['loadBalancer', (s.status?.loadBalancer?.ingress ?? []).map((i) => i.ip ?? i.hostname ?? '')],
        ],
      };
    }
    case 'client': {
      const c = clients.find((x) => x.name === name);
      if (!c) return null;
      return { kind: 'Client', name, rows: [['address', c.address], ['hosts', c.hosts]] };
    }
  }
}

function Value({ v }: { v: Row[1] }) {
  if (v === undefined || (Array.isArray(v) && v.length === 0)) return <span className="muted">—</span>;
  if (typeof v === 'string') return <span className="mono">{v}</span>;
  if (Array.isArray(v))
    return (
      <ul className="yaml-list">
        {v.map((x) => (
          <li key={x} className="mono">
            {x}
          </li>
        ))}
      </ul>
    );
  const entries = Object.entries(v);
  if (entries.length === 0) return <span className="muted">—</span>;
  return (
    <ul className="yaml-list">
      {entries.map(([k, x]) => (
        <li key={k} className="mono">
          {k}: {x}
        </li>
      ))}
    </ul>
  );
}

export function Inspector() {
  const t = useT();
  const sel = useLab(selectSelection);
  const cluster = useLab(selectCluster);
  const clients = useLab(selectClients);
  const d = useMemo(() => (sel && cluster ? describe(sel, cluster, clients ?? []) : null), [sel, cluster, clients]);
  if (!sel) return <p className="muted panel-hint">{t('inspector.empty')}</p>;
  if (!d) return <p className="muted panel-hint">{t('inspector.gone')}</p>;
  return (
    <div className="inspector" data-testid="inspector">
      <div className="inspector-head">
        <span className="kind-tag">{d.kind}</span>
        <h3 className="mono">{d.name}</h3>
        <button
          type="button"
          className="btn btn-ghost"
          onClick={() => labStore.getState().select(null)}
          aria-label={t('inspector.close')}
        >
          <IconClose />
        </button>
      </div>
      <dl className="yaml">
        {d.rows.map(([k, v]) => (
          <div key={k} className="yaml-row">
            <dt className="mono">{k}:</dt>
            <dd>
              <Value v={v} />
            </dd>
          </div>
        ))}
      </dl>
    </div>
  );
}
