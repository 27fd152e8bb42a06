import { describe, expect, it } from 'vitest';
import type { Deployment, OtherObject, Pod, Service } from '../api/types';
import { resync, type Change } from '../controllers/reconcile';
import type { ProxyMode } from '../lab';
import { SeededRandom } from '../net/rand';
import { classroomObjects, classroomSettings } from '../trace/classroom';
import { newTraceSession, trace, type TraceRequest } from '../trace/trace';
import { assembleLab, buildLab, type Lab } from './lab';
import { updateLab, type UpdatedLab } from './update';

const ingressAddon = {
  className: 'nginx',
  controller: 'nginx' as const,
  topology: 'nodeport' as const,
  namespace: 'ingress-nginx',
  replicas: 1,
  legacyReloadOnEndpointChange: false,
  isDefaultClass: true,
  nodePorts: { http: 30080, https: 30443 },
};

function ingressFor(svc: string): OtherObject {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name: `ing-${svc}`, namespace: 'default' },
    spec: {
      ingressClassName: 'nginx',
      rules: [
        {
          host: `${svc}.example.com`,
          http: {
            paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: svc, port: { number: 80 } } } }],
          },
        },
      ],
    },
  } as OtherObject;
}

function start(mode: ProxyMode, withIngress: boolean): Lab {
  const settings = classroomSettings(mode);
  const objects = classroomObjects({ deployments: 4, replicas: 2 });
  if (withIngress) objects.push(ingressFor('app-0'), ingressFor('app-1'));
  const lab = buildLab({
    settings: withIngress ? { ...settings, ingress: [ingressAddon] } : settings,
    objects,
    clients: [{ name: 'laptop', address: '203.0.113.7' }],
  });
  expect(lab.problems).toEqual([]);
  return lab;
}

/** A random edit a learner makes: scale, readiness, a Service's policy or port, a new or deleted Service. */
function randomEdit(lab: Lab, rng: SeededRandom): Change {
  const inputs = [...lab.reconcile.state.inputs.values()];
  const deployments = inputs.filter(
    (o): o is Deployment => o.kind === 'Deployment' && o.metadata.name.startsWith('app-'),
  );
  const services = inputs.filter((o): o is Service => o.kind === 'Service' && o.metadata.name.startsWith('app-'));
  const pods = lab.cluster.pods.filter((p) => p.metadata.name.startsWith('app-'));
  const pick = <T>(xs: T[]): T => xs[rng.int(xs.length)]!;
  switch (rng.int(6)) {
    case 0: {
      const d = pick(deployments);
      return { kind: 'apply', object: { ...d, spec: { ...d.spec, replicas: 1 + rng.int(4) } } };
    }
    case 1: {
      const p: Pod = pick(pods);
      const ready = rng.int(2) === 0 ? 'True' : 'False';
      return {
        kind: 'apply',
        object: {
          ...p,
          status: {
            ...p.status,
            conditions: [
              ...(p.status?.conditions ?? []).filter((c) => c.type !== 'Ready'),
              { type: 'Ready', status: ready },
            ],
          },
        },
      };
    }
    case 2: {
      const s = pick(services);
      return {
        kind: 'apply',
        object: {
          ...s,
          spec: { ...s.spec, sessionAffinity: s.spec.sessionAffinity === 'ClientIP' ? 'None' : 'ClientIP' },
        },
      };
    }
    case 3: {
      const s = pick(services);
      return {
        kind: 'apply',
        object: {
          ...s,
          spec: {
            ...s.spec,
            type: s.spec.type === 'NodePort' ? 'ClusterIP' : 'NodePort',
            externalTrafficPolicy: rng.int(2) ? 'Local' : 'Cluster',
          },
        },
      };
    }
    case 4: {
      const d = pick(deployments);
      const name = `extra-${rng.int(3)}`;
      return {
        kind: 'apply',
        object: {
          apiVersion: 'v1',
          kind: 'Service',
          metadata: { name, namespace: 'default' },
          spec: { selector: d.spec.selector.matchLabels, ports: [{ name: 'http', port: 8080, targetPort: 'http' }] },
        } as Service,
      };
    }
    default: {
      const extra = inputs.find((o) => o.kind === 'Service' && o.metadata.name.startsWith('extra-'));
      if (extra) return { kind: 'delete', ref: { kind: 'Service', name: extra.metadata.name, namespace: 'default' } };
      const p = pick(pods);
      return { kind: 'delete', ref: { kind: 'Pod', name: p.metadata.name, namespace: 'default' } };
    }
  }
}

/**
 * Everything a viewer opens, as text. The restore payload is the last sync's (partial after an edit),
 * so it is left out.
 */
function artifactTexts(lab: Lab): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [id, a] of Object.entries(lab.artifacts)) {
    if (!id.endsWith('/iptables-restore')) out[id] = a.lines.map((l) => l.text).join('\n');
  }
  return out;
}

function requests(lab: Lab): TraceRequest[] {
  const out: TraceRequest[] = [];
  const ours = (x: Service) => x.metadata.name.startsWith('app-') || x.metadata.name.startsWith('extra-');
  for (const s of lab.cluster.services.filter(ours)) {
    out.push({
      from: { kind: 'pod', pod: 'default/client' },
      url: `http://${s.metadata.name}:${s.spec.ports![0]!.port}/`,
    });
    const np = s.spec.ports![0]!.nodePort;
    if (np) out.push({ from: { kind: 'external', client: 'laptop' }, url: `http://192.168.49.3:${np}/` });
  }
  if (lab.ingress.length) {
    const laptop = { kind: 'external', client: 'laptop' } as const;
    out.push({ from: laptop, url: 'http://app-0.example.com/', connect: { kind: 'ingress' } });
  }
  return out;
}

function traces(lab: Lab) {
  const session = newTraceSession('same');
  return requests(lab).map((r) => trace(lab, r, session));
}

describe('updateLab', () => {
  it.each([
    ['iptables', false],
    ['iptables', true],
    ['ipvs', false],
    ['nftables', true],
  ] as const)('%s (ingress %s): random edits give what a full compile of the same state gives', (mode, withIngress) => {
    let lab = start(mode, withIngress);
    const rng = SeededRandom.fromSeed(`${mode}${withIngress}`, 'edits');
    for (let i = 0; i < 25; i++) {
      lab = updateLab(lab, randomEdit(lab, rng));
      // The reference: every controller re-synced from the same persisted state, compiled from scratch.
      const state = resync(lab.reconcile.state);
      const rec = { ...lab.reconcile, state, cluster: state.cluster, problems: [...state.problems] };
      const ref = assembleLab({ settings: lab.settings, rec, clients: lab.clients });
      expect(artifactTexts(lab)).toEqual(artifactTexts(ref));
      expect(traces(lab)).toEqual(traces(ref));
    }
  });

  it.each(['iptables', 'ipvs', 'nftables'] as const)(
    '%s: node edits give what a full compile of the same state gives, and kube-proxy hears only its own node',
    (mode) => {
      let lab = start(mode, true);
      const nodeObject = (name: string) => lab.cluster.nodes.find((n) => n.metadata.name === name)!;
      const labelled = (name: string, labels: Record<string, string>) => {
        const n = nodeObject(name);
        return { ...n, metadata: { ...n.metadata, labels: { ...n.metadata.labels, ...labels } } };
      };
      const cordoned = (name: string) => {
        const n = nodeObject(name);
        return { ...n, spec: { ...n.spec, unschedulable: true } };
      };
      const edits: Change[] = [
        { kind: 'apply', object: labelled('node-2', { 'topology.kubernetes.io/zone': 'b' }) },
        { kind: 'apply', object: { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-4' } } },
        { kind: 'delete', ref: { kind: 'Node', name: 'node-3' } },
        { kind: 'apply', object: cordoned('node-1') },
      ];
      const seen: Record<string, string>[] = [];
      for (const edit of edits) {
        const next: UpdatedLab = updateLab(lab, edit);
        seen.push(next.lastUpdate.proxies);
        lab = next;
        const state = resync(lab.reconcile.state);
        const rec = { ...lab.reconcile, state, cluster: state.cluster, problems: [...state.problems] };
        const ref = assembleLab({ settings: lab.settings, rec, clients: lab.clients });
        expect(artifactTexts(lab)).toEqual(artifactTexts(ref));
        expect(traces(lab)).toEqual(traces(ref));
      }
      // A label: that node's kube-proxy syncs in full, the others hear nothing.
      expect(seen[0]).toEqual({ 'node-1': 'unchanged', 'node-2': 'full', 'node-3': 'unchanged' });
      // A new node starts its own kube-proxy; the running ones are not restarted.
      expect(seen[1]!['node-4']).toBe('full');
      expect(seen[1]!['node-1']).not.toBe('full');
      // A deleted node's kube-proxy goes with it; cordoning changes nothing kube-proxy reads.
      expect(Object.keys(seen[2]!)).toEqual(['node-1', 'node-2', 'node-4']);
      expect(seen[3]).toEqual({ 'node-1': 'unchanged', 'node-2': 'unchanged', 'node-4': 'unchanged' });
      if (mode === 'iptables') {
        const syncs = lab.events.filter((e) => e.reason === 'SyncProxyRules' && e.node === 'node-2');
        const labelSync = /^Syncing iptables rules: full sync \(node labels changed\);/;
        expect(syncs.map((e) => e.message)).toContainEqual(expect.stringMatching(labelSync));
      }
    },
  );

  it('keeps the /etc/hosts and resolv.conf of the pods an edit left alone, and gives new pods theirs', () => {
    const lab = start('iptables', false);
    const d = [...lab.reconcile.state.inputs.values()].find(
      (o) => o.kind === 'Deployment' && o.metadata.name === 'app-2',
    ) as Deployment;
    const next = updateLab(lab, { kind: 'apply', object: { ...d, spec: { ...d.spec, replicas: 3 } } });
    const ids = (l: Lab) => Object.keys(l.artifacts).filter((id) => /^pod\/.*\/(hosts|resolv\.conf)$/.test(id));
    const added = ids(next).filter((id) => !ids(lab).includes(id));
    expect(added).toHaveLength(2);
    for (const id of ids(lab)) expect([id, next.artifacts[id]]).toEqual([id, lab.artifacts[id]]);
    const kept = ids(lab).filter((id) => next.artifacts[id] === lab.artifacts[id]);
    expect(kept).toEqual(ids(lab));
    // Every running pod's /etc/hosts names it at its address in the edited cluster.
    for (const p of next.cluster.pods.filter((x) => x.status?.podIP)) {
      const hosts = next.artifacts[`pod/${p.metadata.namespace ?? 'default'}/${p.metadata.name}/hosts`];
      expect(hosts?.lines.map((l) => l.text)).toContain(`${p.status!.podIP}\t${p.metadata.name}`);
    }
  });

  it('keeps a pod\'s files when only its readiness changed', () => {
    const lab = start('iptables', false);
    const p = lab.cluster.pods.find((x) => x.metadata.name.startsWith('app-'))!;
    const conditions = (p.status?.conditions ?? []).filter((c) => c.type !== 'Ready');
    const next = updateLab(lab, {
      kind: 'apply',
      object: { ...p, status: { ...p.status, conditions: [...conditions, { type: 'Ready', status: 'False' }] } },
    });
    const id = `pod/default/${p.metadata.name}/hosts`;
    expect(next.lastUpdate.dns).toBe('rebuilt');
    expect(next.artifacts[id]).toBe(lab.artifacts[id]);
  });

  it('scaling a Deployment is a partial iptables sync of one Service on each node', () => {
    const lab = start('iptables', false);
    const d = [...lab.reconcile.state.inputs.values()].find(
      (o) => o.kind === 'Deployment' && o.metadata.name === 'app-2',
    ) as Deployment;
    const next = updateLab(lab, { kind: 'apply', object: { ...d, spec: { ...d.spec, replicas: 3 } } });
    expect(next.lastUpdate).toEqual({
      proxies: { 'node-1': 'partial', 'node-2': 'partial', 'node-3': 'partial' },
      dns: 'rebuilt',
      ingress: 'unchanged',
      rebuilt: false,
    });
    const syncs = next.events
      .slice(lab.events.length)
      .filter((e) => e.reason === 'SyncProxyRules')
      .map((e) => e.message);
    expect(syncs).toHaveLength(3);
    for (const m of syncs) {
      expect(m).toMatch(/^Syncing iptables rules: partial sync: 1 of 6 services changed \(default\/app-2\)/);
    }
    expect(
      next.artifacts['node/node-1/iptables-restore']!.lines.some((l) => l.text.startsWith(':KUBE-SVC-')),
    ).toBe(true);
  });

  it('an edit no data-plane component watches recompiles nothing', () => {
    const lab = start('iptables', true);
    const cm = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'notes', namespace: 'default' },
      data: { a: 'b' },
    } as unknown as OtherObject;
    const next = updateLab(lab, { kind: 'apply', object: cm as never });
    expect(next.lastUpdate.proxies).toEqual({ 'node-1': 'unchanged', 'node-2': 'unchanged', 'node-3': 'unchanged' });
    expect(next.lastUpdate.dns).toBe('unchanged');
    expect(next.proxies['node-1']).toBe(lab.proxies['node-1']);
    // The lab's cluster is the edited one (the Gateway controller, which does not read ConfigMaps,
    // keeps its status on it).
    expect(next.cluster.configMaps.map((c) => c.metadata.name)).toContain('notes');
  });

  it('an endpoint change reaches ingress-nginx as a dynamic update, not a reload', () => {
    const lab = start('iptables', true);
    const d = [...lab.reconcile.state.inputs.values()].find(
      (o) => o.kind === 'Deployment' && o.metadata.name === 'app-0',
    ) as Deployment;
    const next = updateLab(lab, { kind: 'apply', object: { ...d, spec: { ...d.spec, replicas: 4 } } });
    expect(next.lastUpdate.ingress).toBe('rebuilt');
    const ing = next.events.slice(lab.events.length).filter(
      (e) => e.source !== 'kube-proxy' && /nginx|ingress/i.test(`${e.source} ${e.message}`),
    );
    expect(ing.length).toBeGreaterThan(0);
    expect(ing.map((e) => e.message)).toEqual([
      expect.stringMatching(/^Dynamic reconfiguration succeeded: .*no reload$/),
    ]);
  });

  it('a new IngressClass installs its controller (the lab is rebuilt from its inputs)', () => {
    const lab = start('iptables', false);
    const cls = {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'IngressClass',
      metadata: { name: 'traefik' },
      spec: { controller: 'traefik.io/ingress-controller' },
    } as unknown as OtherObject;
    const next = updateLab(lab, { kind: 'apply', object: cls as never });
    expect(next.lastUpdate.rebuilt).toBe(true);
    expect(next.ingress.map((i) => i.className)).toEqual(['traefik']);
  });
});
