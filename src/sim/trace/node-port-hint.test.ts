// `curl http://<node>:80/` for a Service of type NodePort: nothing listens on the node's port 80, and
// the fault names the nodePort the Service's port 80 is served on (the classic wrong-port mistake).

import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../api/types';
import { buildLab } from '../assembly/lab';
import { defaultLabSettings } from '../lab';
import { renderNoteWith } from '../notes';
import { newTraceSession, parseSource, trace } from './trace';

const web = (type: 'NodePort' | 'ClusterIP'): KubeObject[] => [
  {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default' },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } },
    },
  },
  {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web', namespace: 'default' },
    spec: {
      type,
      selector: { app: 'web' },
      ports: [{ port: 80, ...(type === 'NodePort' ? { nodePort: 30080 } : {}) }],
    },
  },
];

function refused(type: 'NodePort' | 'ClusterIP') {
  const lab = buildLab({ settings: defaultLabSettings(), objects: web(type), clients: [] });
  const node = lab.cluster.nodes[0]!.status!.addresses!.find((a) => a.type === 'InternalIP')!.address;
  const from = parseSource('external');
  if ('error' in from) throw new Error(from.error);
  return trace(lab, { from, url: `http://${node}/` }, newTraceSession('t'));
}

describe('a node refusing a port a NodePort Service serves under another number', () => {
  it('names the Service and its nodePort, in English and Chinese', () => {
    const r = refused('NodePort');
    expect(r.outcome).toBe('refused');
    expect(r.fault?.note).toMatchObject({
      key: 'note.fault.nodeNotListeningNodePort',
      params: { service: 'default/web', port: 80, nodePort: 30080 },
    });
    expect(r.fault?.message).toMatch(/; Service default\/web serves port 80 on the nodes at nodePort 30080$/);
    expect(renderNoteWith('zh', r.fault!.note!)).toContain('nodePort 30080');
  });

  it('says only that nothing listens when no Service serves that port on the nodes', () => {
    const r = refused('ClusterIP');
    expect(r.outcome).toBe('refused');
    expect(r.fault?.note?.key).toBe('note.fault.nodeNotListening');
  });
});
