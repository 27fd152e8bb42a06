import { describe, expect, it } from 'vitest';
import { classroomObjects, classroomSettings } from '../trace/classroom';
import { newTraceSession, trace } from '../trace/trace';
import { applyEdit, appliedObjects, buildEditedLab, currentObject, describeEdit, type LabEdit } from './edits';
import { buildLab, type Lab } from './lab';

const input = () => ({
  settings: classroomSettings('iptables'),
  objects: classroomObjects({ deployments: 2, replicas: 2 }),
  clients: [{ name: 'laptop', address: '203.0.113.7' }],
});
const podsOf = (lab: Lab, app: string) =>
  lab.cluster.pods
    .filter((p) => p.metadata.labels?.app === app)
    .map((p) => p.metadata.name)
    .sort();
const messages = (lab: Lab, from: number) => lab.events.slice(from).map((e) => `${e.reason}: ${e.message}`);
const text = (lab: Lab) =>
  Object.fromEntries(
    Object.entries(lab.artifacts)
      .filter(([id]) => !id.endsWith('/iptables-restore'))
      .map(([id, a]) => [id, a.lines.map((l) => l.text).join('\n')]),
  );

function readyEndpoints(lab: Lab, service: string): string[] {
  return lab.cluster.endpointSlices
    .filter((s) => s.metadata.labels?.['kubernetes.io/service-name'] === service)
    .flatMap((s) => s.endpoints.filter((e) => e.conditions?.ready !== false).map((e) => e.targetRef?.name ?? ''))
    .sort();
}

describe('edits in a running lab', () => {
  it('scaling keeps the running pods and reports the step the deployment controller took', () => {
    const lab = buildLab(input());
    const before = podsOf(lab, 'app-0');
    const next = applyEdit(lab, { kind: 'set-replicas', namespace: 'default', name: 'app-0', replicas: 3 });
    const after = podsOf(next, 'app-0');
    expect(after).toHaveLength(3);
    expect(after).toEqual(expect.arrayContaining(before));
    const msgs = messages(next, lab.events.length);
    expect(msgs.some((m) => /^ScalingReplicaSet: Scaled up replica set app-0-\w+ from 2 to 3$/.test(m))).toBe(true);
    expect(msgs.some((m) => m.includes('from 0 to'))).toBe(false);
    expect(readyEndpoints(next, 'app-0')).toEqual(after);
  });

  it("deleting a ReplicaSet's pod gets a replacement under a new name", () => {
    const lab = buildLab(input());
    const [victim, other] = podsOf(lab, 'app-1');
    const next = applyEdit(lab, { kind: 'remove-object', objectKind: 'Pod', namespace: 'default', name: victim! });
    const after = podsOf(next, 'app-1');
    expect(after).toHaveLength(2);
    expect(after).toContain(other);
    expect(after).not.toContain(victim);
    // The kubelet stops the deleted pod's containers, then the ReplicaSet makes up the count.
    expect(messages(next, lab.events.length).slice(0, 2)).toEqual([
      'Killing: Stopping container app',
      expect.stringMatching(/^SuccessfulCreate: Created pod: app-1-/),
    ]);
    // The user's objects are still the scenario's: no controller-made pod among them.
    expect(appliedObjects(next).filter((o) => o.kind === 'Pod').map((o) => o.metadata.name)).toEqual(['client']);
  });

  it("marking a ReplicaSet's pod not ready takes it out of the endpoints, and no request reaches it", () => {
    const lab = buildLab(input());
    const [sick, well] = podsOf(lab, 'app-0');
    const next = applyEdit(lab, { kind: 'set-pod-ready', namespace: 'default', name: sick!, ready: false });
    expect(readyEndpoints(next, 'app-0')).toEqual([well]);
    const session = newTraceSession('s');
    const request = { from: { kind: 'pod', pod: 'default/client' }, url: 'http://app-0/' } as const;
    for (let i = 0; i < 20; i++) {
      expect(trace(next, request, session, { recordHops: false }).backendPod).toBe(`default/${well}`);
    }
    const back = applyEdit(next, { kind: 'set-pod-ready', namespace: 'default', name: sick!, ready: true });
    expect(readyEndpoints(back, 'app-0')).toEqual([sick, well].sort());
  });

  it('switching kube-proxy mode restarts kube-proxy only: pods, IPs and control-plane events stay', () => {
    const lab = buildLab(input());
    const next = applyEdit(lab, { kind: 'set-proxy-mode', mode: 'ipvs' });
    expect(next.cluster.pods.map((p) => [p.metadata.name, p.status?.podIP])).toEqual(
      lab.cluster.pods.map((p) => [p.metadata.name, p.status?.podIP]),
    );
    expect(Object.values(next.proxies).every((p) => p.mode === 'ipvs')).toBe(true);
    const added = next.events.slice(lab.events.length);
    expect(added.length).toBeGreaterThan(0);
    expect(added.every((e) => e.source === 'kube-proxy' || e.object.kind === 'Node')).toBe(true);
    expect(next.settings.kubeProxy.mode).toBe('ipvs');
    expect(Object.keys(next.artifacts).some((id) => id.includes('ipvsadm'))).toBe(true);
  });

  it('an edit naming an object that is not there is refused in the apiserver words and changes nothing', () => {
    const lab = buildLab(input());
    const next = applyEdit(lab, { kind: 'set-pod-ready', namespace: 'default', name: 'nope', ready: false });
    expect(next.problems.at(-1)).toMatchObject({ reason: 'NotFound', message: 'pods "nope" not found' });
    expect(next.cluster).toBe(lab.cluster);
    const later = applyEdit(next, { kind: 'set-replicas', namespace: 'default', name: 'app-0', replicas: 1 });
    expect(later.problems.map((p) => p.message)).toContain('pods "nope" not found');
  });

  it('replaying the same edits gives the same lab: names, addresses, rules and events', () => {
    const base = buildLab(input());
    const [p0] = podsOf(base, 'app-0');
    const edits: LabEdit[] = [
      { kind: 'set-replicas', namespace: 'default', name: 'app-0', replicas: 4 },
      { kind: 'remove-object', objectKind: 'Pod', namespace: 'default', name: p0! },
      { kind: 'set-proxy-mode', mode: 'nftables' },
      { kind: 'set-replicas', namespace: 'default', name: 'app-1', replicas: 1 },
    ];
    const a = buildEditedLab({ ...input(), edits });
    const b = buildEditedLab({ ...input(), edits });
    expect(a.cluster.pods.map((p) => [p.metadata.name, p.status?.podIP])).toEqual(
      b.cluster.pods.map((p) => [p.metadata.name, p.status?.podIP]),
    );
    expect(text(a)).toEqual(text(b));
    expect(a.events.map((e) => e.message)).toEqual(b.events.map((e) => e.message));
    expect(podsOf(a, 'app-0')).toHaveLength(4);
    expect(podsOf(a, 'app-0')).not.toContain(p0);
    expect(currentObject(a, 'Deployment', 'default', 'app-1')).toMatchObject({ spec: { replicas: 1 } });
  });

  it('a cluster-level setting starts a new cluster from the objects as they are now', () => {
    const lab = applyEdit(buildLab(input()), {
      kind: 'set-replicas',
      namespace: 'default',
      name: 'app-0',
      replicas: 3,
    });
    const next = applyEdit(lab, { kind: 'set-kube-proxy', config: { ...lab.settings.kubeProxy, mode: 'ipvs' } });
    expect(podsOf(next, 'app-0')).toEqual(podsOf(lab, 'app-0'));
    expect(next.settings.kubeProxy.mode).toBe('ipvs');
  });

  it('scales a StatefulSet from the edit log, replayed the same way every time', () => {
    const set = {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'db' },
      spec: {
        replicas: 2,
        serviceName: 'db',
        selector: { matchLabels: { app: 'db' } },
        template: { metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'db', image: 'postgres' }] } },
      },
    };
    const edits: LabEdit[] = [
      { kind: 'set-replicas', namespace: 'default', name: 'db', replicas: 3, objectKind: 'StatefulSet' },
      { kind: 'remove-object', objectKind: 'Pod', namespace: 'default', name: 'db-1' },
      { kind: 'set-replicas', namespace: 'default', name: 'db', replicas: 1, objectKind: 'StatefulSet' },
    ];
    const scenario = { ...input(), objects: [...input().objects, set] };
    const lab = buildEditedLab({ ...scenario, edits });
    expect(podsOf(lab, 'db')).toEqual(['db-0']);
    expect(lab.problems).toEqual([]);
    const again = buildEditedLab({ ...scenario, edits });
    expect(again.cluster.pods.map((p) => p.metadata.uid)).toEqual(lab.cluster.pods.map((p) => p.metadata.uid));
    // A Deployment of that name is not what the edit scales.
    const asDeployment: LabEdit = { kind: 'set-replicas', namespace: 'default', name: 'db', replicas: 3 };
    const wrong = applyEdit(buildLab(scenario), asDeployment);
    expect(wrong.problems.map((p) => p.message)).toEqual(['deployments.apps "db" not found']);
  });

  it.each<[LabEdit, string]>([
    [
      { kind: 'set-replicas', namespace: 'default', name: 'web', replicas: 3 },
      'kubectl scale deployment/web --replicas=3',
    ],
    [
      { kind: 'set-replicas', namespace: 'shop', name: 'db', replicas: 0, objectKind: 'StatefulSet' },
      'kubectl scale statefulset/db -n shop --replicas=0',
    ],
    [
      { kind: 'set-pod-ready', namespace: 'shop', name: 'web-1', ready: false },
      'kubectl annotate pod/web-1 -n shop netlab.io/ready=false --overwrite',
    ],
    [{ kind: 'remove-object', objectKind: 'Pod', namespace: 'default', name: 'web-1' }, 'kubectl delete pod/web-1'],
    [{ kind: 'set-proxy-mode', mode: 'ipvs' }, 'kube-proxy --proxy-mode=ipvs (restarted)'],
  ])('describes %j as %s', (edit, text) => expect(describeEdit(edit)).toBe(text));
});

