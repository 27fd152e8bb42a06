import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeShare, encodeShare } from '../scenario';
import { createLabStore } from '../state';
import { SeededRandom } from '../sim/net/rand';
import { engines, labFor } from './engines';

// The store with the real engines: edits run on the running cluster (the events are the ones a
// real cluster would log for that one change), undo finds the lab before, and a share link that
// carries the edit log reproduces the same lab and trace.

const text = readFileSync(join(__dirname, '../../scenarios/default.json'), 'utf8');

function opened() {
  const store = createLabStore({ engines });
  expect(store.getState().openFiles([{ name: 'default.json', text }])).toBe(true);
  return store;
}

const ownedPods = (store: ReturnType<typeof opened>) =>
  (store.getState().lab?.cluster.pods ?? []).filter((p) => p.metadata.namespace === 'default' && p.metadata.ownerReferences?.[0]?.kind === 'ReplicaSet').map((p) => p.metadata.name);

describe('edits through the store', () => {
  it('scaling adds a pod to the running ReplicaSet, and the timeline gains only what that did', () => {
    const store = opened();
    const before = store.getState().lab!;
    const pods = ownedPods(store);
    const d = before.applied.find((o) => o.kind === 'Deployment')!;
    const replicas = (d as { spec: { replicas?: number } }).spec.replicas ?? 1;
    store.getState().run({ kind: 'set-replicas', namespace: d.metadata.namespace ?? 'default', name: d.metadata.name, replicas: replicas + 1 });
    const after = store.getState().lab!;
    expect(ownedPods(store)).toEqual(expect.arrayContaining(pods));
    expect(ownedPods(store)).toHaveLength(pods.length + 1);
    const added = after.cluster.events.slice(before.cluster.events.length).map((e) => e.message);
    const rs = after.cluster.replicaSets.find((r) => r.metadata.ownerReferences?.[0]?.name === d.metadata.name)!;
    expect(added).toContain(`Scaled up replica set ${rs.metadata.name} from ${replicas} to ${replicas + 1}`);
    expect(added.some((m) => / from 0 to /.test(m))).toBe(false);
    expect(after.cluster.events.slice(0, before.cluster.events.length)).toEqual(before.cluster.events);
    // The viewer's diff: kube-proxy's rules gained the new endpoint.
    expect(after.before).toBe(before.artifacts);
  });

  it('a kube-proxy mode change keeps the timeline before it and appends the restart, under its own divider', () => {
    const store = opened();
    const before = store.getState().lab!;
    store.getState().run({ kind: 'set-proxy-mode', mode: 'ipvs' });
    const after = store.getState().lab!;
    expect(after.cluster.events.slice(0, before.cluster.events.length)).toEqual(before.cluster.events);
    const added = after.cluster.events.slice(before.cluster.events.length);
    expect(added.filter((e) => e.reason === 'ProxierStarted').map((e) => e.message)).toEqual(
      after.cluster.nodes.map(() => 'Using ipvs Proxier'),
    );
    expect(after.editMarks).toEqual([
      { afterSeq: before.cluster.events.at(-1)!.seq, label: 'kube-proxy --proxy-mode=ipvs (restarted)' },
    ]);
  });

  it("deleting a Deployment's pod and marking another not ready are edits like any other, and undo returns the same lab", () => {
    const store = opened();
    const first = store.getState().lab!;
    const [a, b] = ownedPods(store);
    store.getState().run({ kind: 'remove-object', objectKind: 'Pod', namespace: 'default', name: a! });
    expect(store.getState().editRefusal).toBeNull();
    expect(ownedPods(store)).not.toContain(a);
    store.getState().run({ kind: 'set-pod-ready', namespace: 'default', name: b!, ready: false });
    const notReady = store.getState().lab!.cluster.endpointSlices.flatMap((s) => s.endpoints).find((e) => e.targetRef?.name === b);
    expect(notReady?.conditions?.ready).toBe(false);
    store.getState().undo();
    store.getState().undo();
    expect(store.getState().scenario.current?.edits).toEqual([]);
    // The very lab from before the edits (cached), not a rebuild that happens to look the same.
    expect(store.getState().lab!.cluster.pods).toBe(first.cluster.pods);
  });

  it('an edit naming a pod that is not there is refused in the apiserver words and not recorded', () => {
    const store = opened();
    store.getState().run({ kind: 'set-pod-ready', namespace: 'default', name: 'nope', ready: false });
    expect(store.getState().scenario.past).toHaveLength(0);
    expect(store.getState().editRefusal).toEqual(['Error from server (NotFound): pods "nope" not found']);
  });

  it('a share link carries the edit log: opened elsewhere, the same pods, rules and trace', () => {
    const store = opened();
    const [victim] = ownedPods(store);
    store.getState().run({ kind: 'remove-object', objectKind: 'Pod', namespace: 'default', name: victim! });
    store.getState().run({ kind: 'set-proxy-mode', mode: 'ipvs' });
    const scenario = store.getState().scenario.current!;
    const decoded = decodeShare(`#${encodeShare({ scenario })}`);
    if (!decoded.ok) throw new Error(decoded.message);
    const here = labFor(scenario);
    const there = labFor(decoded.lab.scenario);
    expect(there).not.toBe(here);
    expect(there.cluster.pods.map((p) => [p.metadata.name, p.status?.podIP])).toEqual(here.cluster.pods.map((p) => [p.metadata.name, p.status?.podIP]));
    expect(Object.fromEntries(Object.entries(there.artifacts).map(([k, v]) => [k, v.lines.map((l) => l.text)]))).toEqual(
      Object.fromEntries(Object.entries(here.artifacts).map(([k, v]) => [k, v.lines.map((l) => l.text)])),
    );
    const request = scenario.requests[0]!;
    const traceOf = (s: typeof scenario) =>
      engines.trace!({ scenario: s, cluster: labFor(s).cluster, request: { from: request.from, method: request.method ?? 'GET', url: request.url, headers: request.headers ?? {}, connect: request.connect ?? '' } });
    expect(JSON.stringify(traceOf(decoded.lab.scenario))).toBe(JSON.stringify(traceOf(scenario)));
  });

  it('300 random edits with the real engines: undone, the lab as opened; redone, the edited lab', () => {
    const store = opened();
    const texts = () => {
      const lab = store.getState().lab!;
      return JSON.stringify({
        pods: lab.cluster.pods.map((p) => [p.metadata.name, p.status?.podIP, p.status?.conditions?.find((c) => c.type === 'Ready')?.status]),
        artifacts: Object.entries(lab.artifacts).map(([k, v]) => [k, v.lines.map((l) => l.text)]),
        mode: lab.cluster.settings.kubeProxy.mode,
      });
    };
    const openedLab = texts();
    const rng = SeededRandom.fromSeed('edits');
    const pick = <T>(xs: readonly T[]): T => xs[rng.int(xs.length)]!;
    for (let i = 0; i < 300; i++) {
      const lab = store.getState().lab!;
      const pods = lab.cluster.pods.filter((p) => p.metadata.namespace === 'default');
      const deployments = lab.applied.filter((o) => o.kind === 'Deployment');
      const services = lab.applied.filter((o) => o.kind === 'Service');
      switch (rng.int(5)) {
        case 0: {
          const d = pick(deployments);
          store.getState().run({ kind: 'set-replicas', namespace: 'default', name: d.metadata.name, replicas: 1 + rng.int(4) });
          break;
        }
        case 1:
          store.getState().run({ kind: 'set-pod-ready', namespace: 'default', name: pick(pods).metadata.name, ready: rng.int(2) === 0 });
          break;
        case 2:
          store.getState().run({ kind: 'remove-object', objectKind: 'Pod', namespace: 'default', name: pick(pods.filter((p) => p.metadata.ownerReferences)).metadata.name });
          break;
        case 3:
          store.getState().run({ kind: 'set-proxy-mode', mode: pick(['iptables', 'ipvs', 'nftables'] as const) });
          break;
        default: {
          const svc = pick(services) as { spec: { sessionAffinity?: string } } & (typeof services)[number];
          store.getState().run({ kind: 'apply-object', object: { ...svc, spec: { ...svc.spec, sessionAffinity: svc.spec.sessionAffinity === 'ClientIP' ? 'None' : 'ClientIP' } } as typeof svc });
        }
      }
      expect(store.getState().editRefusal).toBeNull();
    }
    const steps = store.getState().scenario.past.length;
    expect(steps).toBeGreaterThan(250);
    const editedLab = texts();
    expect(editedLab).not.toBe(openedLab);
    for (let i = 0; i < steps; i++) store.getState().undo();
    expect(texts()).toBe(openedLab);
    for (let i = 0; i < steps; i++) store.getState().redo();
    expect(texts()).toBe(editedLab);
  }, 120_000);
});


describe('the artifacts the page can open', () => {
  it('are every pod\'s and node\'s /etc/hosts and resolv.conf beside the outside clients\' own hosts files', () => {
    const store = opened();
    const scenario = store.getState().scenario.current!;
    const ids = engines.compile!({ scenario, cluster: store.getState().lab!.cluster }).map((a) => a.id);
    for (const p of store.getState().lab!.cluster.pods.filter((x) => x.status?.podIP)) {
      expect(ids).toContain(`pod/${p.metadata.namespace}/${p.metadata.name}/hosts`);
      expect(ids).toContain(`pod/${p.metadata.namespace}/${p.metadata.name}/resolv.conf`);
    }
    expect(ids).toContain('node/node-1/hosts');
    expect(ids.filter((id) => id.startsWith('client/'))).toEqual(
      (scenario.clients ?? []).filter((c) => Object.keys(c.hosts ?? {}).length > 0).map((c) => `client/${c.name}/hosts`),
    );
  });
});
