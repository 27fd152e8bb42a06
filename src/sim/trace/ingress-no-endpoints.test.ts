import { describe, expect, it } from 'vitest';
import type { Deployment, KubeObject, OtherObject, Pod } from '../api/types';
import { buildLab } from '../assembly/lab';
import { addonObjects } from '../ingress/addon';
import { defaultIngressAddon, defaultLabSettings, type IngressAddon, type LabSettings, type ProxyMode } from '../lab';
import { newTraceSession, parseSource, trace } from './trace';
import type { Hop, TraceResult } from './types';

// `--connect ingress` to a controller whose pod has no address yet (unschedulable: a nodeSelector no
// node matches) or is not ready. A real client still connects to the controller Service's NodePort or
// load-balancer address, and kube-proxy rejects it there: the Service has no endpoints (iptables:
// filter KUBE-EXTERNAL-SERVICES "<svc> has no endpoints" -j REJECT; nftables: the
// no-endpoint-nodeports map's goto reject-chain; IPVS: a virtual server without real servers;
// SEMANTICS.md 2.6). The trace ends in the "no endpoints" fault, pointing at the slice lines.

const SERVICE = 'ingress-nginx/ingress-nginx-controller';
const SLICES = `endpointslices/${SERVICE}`;

function node(name: string, ip: string): OtherObject {
  const status = { addresses: [{ type: 'InternalIP', address: ip }] };
  return { apiVersion: 'v1', kind: 'Node', metadata: { name }, status } as OtherObject;
}

type Broken = 'unschedulable' | 'not-ready';

/** The addon's own objects, its controller Deployment's pod template changed as `how` says. */
function controllerObjects(settings: LabSettings, how: Broken): (KubeObject | OtherObject)[] {
  return addonObjects(settings, []).objects.map((o) => {
    if (o.kind !== 'Deployment' || o.metadata.name !== 'ingress-nginx-controller') return o;
    const d = o as Deployment;
    const { template } = d.spec;
    const changed =
      how === 'unschedulable'
        ? { ...template, spec: { ...template.spec, nodeSelector: { disktype: 'ssd' } } }
        : { ...template, metadata: { ...template.metadata, annotations: { 'netlab.io/ready': 'false' } } };
    return { ...d, spec: { ...d.spec, template: changed } };
  });
}

function controllerLab(how: Broken, topology: IngressAddon['topology'] = 'nodeport', mode: ProxyMode = 'iptables') {
  const base = defaultLabSettings();
  const addon: IngressAddon = { ...defaultIngressAddon('nginx'), isDefaultClass: true, topology };
  const settings: LabSettings = {
    ...base,
    kubeProxy: { ...base.kubeProxy, mode },
    ingress: [addon],
    loadBalancerPool: ['192.168.49.240'],
  };
  const objects = [node('node-1', '192.168.49.2'), node('node-2', '192.168.49.3'), ...controllerObjects(settings, how)];
  const lab = buildLab({ settings, objects });
  expect(lab.problems).toEqual([]);
  return lab;
}

type Lab = ReturnType<typeof controllerLab>;

function connectIngress(lab: Lab): TraceResult {
  const from = parseSource('external');
  if ('error' in from) throw new Error(from.error);
  return trace(lab, { from, url: 'http://app.example.com/', connect: { kind: 'ingress' } }, newTraceSession('entry'));
}

const controllerPod = (lab: Lab): Pod =>
  lab.cluster.pods.find((p) => p.metadata.namespace === 'ingress-nginx' && p.metadata.name.includes('-controller-'))!;

const controllerSlices = (lab: Lab) =>
  lab.cluster.endpointSlices.filter(
    (s) => s.metadata.labels?.['kubernetes.io/service-name'] === 'ingress-nginx-controller',
  );

const httpPort = (lab: Lab) => {
  const svc = lab.cluster.services.find((s) => `${s.metadata.namespace}/${s.metadata.name}` === SERVICE)!;
  return svc.spec.ports!.find((p) => p.name === 'http')!;
};

const lines = (h: { refs?: Hop['refs'] }) => (h.refs ?? []).map((r) => `${r.artifact}: ${r.line.trim()}`);

/** The slice line the fault and the first hop point at: `endpoints: null`, or the controller pod's endpoint. */
function sliceLine(lab: Lab, how: Broken): string {
  if (how === 'unschedulable') return `${SLICES}: endpoints: null`;
  const [slice] = controllerSlices(lab);
  const artifact = lab.artifacts[SLICES]!.lines;
  const at = artifact.findIndex((l) => l.ref === `slice/${slice!.metadata.name}/endpoint/0`);
  // That endpoint is the controller pod's.
  const pod = controllerPod(lab).metadata.name;
  expect(artifact.slice(at).find((l) => l.text.includes('name: ingress-nginx-controller-'))?.text).toContain(pod);
  return `${SLICES}: ${artifact[at]!.text.trim()}`;
}

describe('--connect ingress when no controller pod is ready: kube-proxy rejects at the controller Service', () => {
  it('the unschedulable pod has no node and no address; no slice lists it', () => {
    const lab = controllerLab('unschedulable');
    const pod = controllerPod(lab);
    expect(pod.spec.nodeName).toBeUndefined();
    expect(pod.status?.podIP).toBeUndefined();
    expect(lab.ingress[0]!.pods).toEqual([]);
    expect(controllerSlices(lab).flatMap((s) => s.endpoints)).toEqual([]);
  });

  it('the pod that is not ready is listed as not ready, and is the controller\'s pod', () => {
    const lab = controllerLab('not-ready');
    const pod = controllerPod(lab);
    expect(pod.status?.podIP).toBeDefined();
    expect(lab.ingress[0]!.pods).toEqual([`ingress-nginx/${pod.metadata.name}`]);
    const eps = controllerSlices(lab).flatMap((s) => s.endpoints);
    expect(eps.map((e) => [e.targetRef?.name, e.conditions?.ready])).toEqual([[pod.metadata.name, false]]);
  });

  it.each(['unschedulable', 'not-ready'] as const)('%s, iptables, NodePort: send, route, REJECT, the fault', (how) => {
    const lab = controllerLab(how);
    const res = connectIngress(lab);
    expect(res).toMatchObject({ outcome: 'refused', status: null, service: SERVICE, backendPod: null });
    const [send, route, reject, ...rest] = res.hops;
    expect(rest).toEqual([]);
    // The client connects to the Service's NodePort on the first node; the hop shows the slice line.
    const nodePort = httpPort(lab).nodePort!;
    expect(send).toMatchObject({ action: 'send', before: { dst: '192.168.49.2', dstPort: nodePort } });
    expect(lines(send!)).toEqual([sliceLine(lab, how)]);
    expect(route).toMatchObject({ action: 'route', place: { kind: 'node', id: 'node:node-1' } });
    // kube-proxy's filter rule for a NodePort without endpoints decides.
    expect(reject).toMatchObject({ action: 'reject', explanation: { key: 'hop.proxy.reject' } });
    const decided = reject!.refs.at(-1)!;
    expect(decided.artifact).toBe('node/node-1/iptables-save');
    expect(decided.line).toBe(
      `-A KUBE-EXTERNAL-SERVICES -m comment --comment "${SERVICE}:http has no endpoints" -m addrtype --dst-type LOCAL` +
        ` -m tcp -p tcp --dport ${nodePort} -j REJECT`,
    );
    // The fault is the one any Service without endpoints gets, with the slice line it was read from.
    const notReady = how === 'not-ready' ? 1 : 0;
    expect(res.fault).toMatchObject({
      kind: 'Service',
      namespace: 'ingress-nginx',
      name: 'ingress-nginx-controller',
      field: 'spec.selector',
      note: { key: notReady ? 'note.fault.noReadySome' : 'note.fault.noReady', params: { ready: 0, notReady } },
    });
    expect(lines(res.fault!)).toEqual([sliceLine(lab, how)]);
    // It names the controller's pod and why it is no endpoint, as the scheduler or the kubelet wrote it.
    const pod = controllerPod(lab);
    const written = pod.status!.conditions!.find((c) => c.status === 'False')!;
    const condition = how === 'unschedulable' ? 'PodScheduled' : 'Ready';
    expect(written.type).toBe(condition);
    expect(res.fault!.pods).toMatchObject({ matched: 1, more: 0 });
    expect(res.fault!.pods!.shown).toEqual([
      expect.objectContaining({
        pod: `ingress-nginx/${pod.metadata.name}`,
        phase: how === 'unschedulable' ? 'Pending' : 'Running',
        condition: { type: condition, status: 'False', reason: written.reason, message: written.message },
      }),
    ]);
  });

  it.each(['unschedulable', 'not-ready'] as const)('%s, LoadBalancer: the LB picks a node, which REJECTs', (how) => {
    const lab = controllerLab(how, 'loadbalancer');
    const res = connectIngress(lab);
    expect(res).toMatchObject({ outcome: 'refused', status: null, service: SERVICE });
    expect(res.hops.map((h) => h.action)).toEqual(['send', 'balance', 'route', 'reject']);
    const [send, balance, route, reject] = res.hops as [Hop, Hop, Hop, Hop];
    // The client connects to the Service's load-balancer address; the hop shows the slice line.
    expect(send.before).toMatchObject({ dst: '192.168.49.240', dstPort: 80 });
    expect(lines(send)).toEqual([sliceLine(lab, how)]);
    expect(balance.place.id).toBe(`lb:${SERVICE}`);
    // The direct load balancer keeps the address; the node it chose rejects: the LB IP's filter rule.
    expect(reject.place.id).toBe(route.place.id);
    expect(reject.before).toMatchObject({ dst: '192.168.49.240', dstPort: 80 });
    expect(reject.refs.at(-1)!.line).toBe(
      `-A KUBE-EXTERNAL-SERVICES -m comment --comment "${SERVICE}:http has no endpoints"` +
        ' -m tcp -p tcp -d 192.168.49.240 --dport 80 -j REJECT',
    );
    expect(res.fault).toMatchObject({ kind: 'Service', namespace: 'ingress-nginx', name: 'ingress-nginx-controller' });
    expect(lines(res.fault!)).toEqual([sliceLine(lab, how)]);
  });

  it.each([
    ['nftables', 'nft', /^reject$/],
    ['ipvs', 'ipvsadm', /^TCP {2}192\.168\.49\.2:\d+ rr$/],
  ] as const)('unschedulable, %s: its own rejection, the same fault', (mode, artifact, decidedBy) => {
    const lab = controllerLab('unschedulable', 'nodeport', mode);
    const res = connectIngress(lab);
    expect(res.outcome).toBe('refused');
    expect(res.hops.map((h) => h.action)).toEqual(['send', 'route', 'reject']);
    const decided = res.hops[2]!.refs.at(-1)!;
    expect(decided.artifact).toBe(`node/node-1/${artifact}`);
    expect(decided.line.trim()).toMatch(decidedBy);
    const note = { key: 'note.fault.noReady' };
    expect(res.fault).toMatchObject({ kind: 'Service', name: 'ingress-nginx-controller', note });
    expect(lines(res.fault!)).toEqual([`${SLICES}: endpoints: null`]);
  });

  it('a controller scaled to 0: the selector matches no pod, and the fault says so', () => {
    const base = defaultLabSettings();
    const addon: IngressAddon = { ...defaultIngressAddon('nginx'), isDefaultClass: true, topology: 'nodeport' };
    const settings: LabSettings = { ...base, ingress: [addon] };
    const objects = addonObjects(settings, []).objects.map((o) => {
      if (o.kind !== 'Deployment' || o.metadata.name !== 'ingress-nginx-controller') return o;
      const d = o as Deployment;
      return { ...d, spec: { ...d.spec, replicas: 0 } };
    });
    const lab = buildLab({ settings, objects: [node('node-1', '192.168.49.2'), ...objects] });
    expect(lab.problems).toEqual([]);
    const res = connectIngress(lab);
    expect(res.outcome).toBe('refused');
    expect(res.fault!.pods).toMatchObject({ namespace: 'ingress-nginx', matched: 0, shown: [] });
    expect(res.fault!.pods!.summaryText).toContain(`labels ${res.fault!.pods!.selector}`);
  });
});
