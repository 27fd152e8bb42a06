// The lab keeps NetworkPolicies but enforces none: a request that leaves or reaches a pod a policy
// selects says so with its result, for the direction the policy isolates, in both languages.

import { describe, expect, it } from 'vitest';
import type { KubeObject, OtherObject, Pod } from '../api/types';
import { buildLab } from '../assembly/lab';
import { defaultLabSettings } from '../lab';
import { renderNote } from '../notes';
import { newTraceSession, parseSource, trace } from './trace';

function pod(name: string, labels: Record<string, string>, namespace = 'default'): Pod {
  const ports = [{ containerPort: 80 }];
  const spec = { containers: [{ name: 'c', image: 'nginx', ports }] };
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace, labels }, spec };
}

function policy(name: string, spec: Record<string, unknown>, namespace = 'default'): OtherObject {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace }, spec };
}

const service: KubeObject = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'web', namespace: 'default' },
  spec: { selector: { app: 'web' }, ports: [{ port: 80 }] },
};

function caveats(policies: OtherObject[], from = 'pod:default/client') {
  const objects = [pod('web', { app: 'web' }), pod('client', { app: 'client' }), service, ...policies];
  const lab = buildLab({ settings: defaultLabSettings(), objects });
  expect(lab.problems).toEqual([]);
  const source = parseSource(from);
  if ('error' in source) throw new Error(source.error);
  const r = trace(lab, { from: source, url: 'http://web.default.svc.cluster.local/' }, newTraceSession('s'));
  expect(r.outcome).toBe('response');
  return r.caveats?.map((c) => renderNote('en', c)) ?? null;
}

describe('NetworkPolicy caveats', () => {
  it('are absent without a policy, or when no policy selects a pod on the way', () => {
    expect(caveats([])).toBeNull();
    expect(caveats([policy('other', { podSelector: { matchLabels: { app: 'db' } } })])).toBeNull();
    // A policy selects the pods of its own namespace only.
    expect(caveats([policy('elsewhere', { podSelector: {} }, 'kube-system')])).toBeNull();
  });

  it('name the destination pod for an Ingress policy (policyTypes absent: Ingress), and the sender for Egress', () => {
    const all = caveats([policy('deny-all', { podSelector: {} })]);
    expect(all).toEqual([
      'NetworkPolicy default/deny-all selects pod default/web for Ingress, and the lab does not enforce ' +
        'NetworkPolicies: on a cluster whose network plugin does (Calico, Cilium), this connection gets in only if ' +
        'a rule of a policy that selects the pod allows it',
    ]);
    // Egress rules make a policy without policyTypes an Egress policy too; the sender is named first.
    const both = caveats([policy('client-out', { podSelector: { matchLabels: { app: 'client' } }, egress: [] })]);
    expect(both).toHaveLength(1);
    expect(both![0]).toMatch(/^NetworkPolicy default\/client-out selects pod default\/client for Egress/);
    const typed = caveats([policy('typed', { podSelector: {}, policyTypes: ['Egress'] })]);
    expect(typed).toHaveLength(1);
    expect(typed![0]).toContain('pod default/client for Egress');
  });

  it('leave out a request from a node to an unselected pod, and read in Chinese', () => {
    const traced = (policies: OtherObject[]) => {
      const objects = [pod('web', { app: 'web' }), service, ...policies];
      const lab = buildLab({ settings: defaultLabSettings(), objects });
      const ip = lab.cluster.services.find((s) => s.metadata.name === 'web')!.spec.clusterIP;
      const source = parseSource('node:node-1');
      if ('error' in source) throw new Error(source.error);
      const r = trace(lab, { from: source, url: `http://${ip}/` }, newTraceSession('s'));
      expect(r.outcome).toBe('response');
      return r.caveats?.map((c) => renderNote('zh', c)) ?? null;
    };
    const clientOnly = policy('client-only', { podSelector: { matchLabels: { app: 'client' } } });
    expect(traced([clientOnly])).toBeNull();
    expect(traced([policy('deny-all', { podSelector: {} })])).toEqual([
      'NetworkPolicy default/deny-all 针对入站流量（Ingress）选中了 Pod default/web，' +
        '而本实验不执行 NetworkPolicy：在网络插件会执行它的集群上（如 Calico、Cilium），' +
        '只有选中该 Pod 的某个策略有规则允许，这个连接才能进入',
    ]);
  });
});
