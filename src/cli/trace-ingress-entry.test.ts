// `netlab trace --connect ingress` when the ingress controller's pod has no address yet (a
// nodeSelector no node matches) or is not ready: the client connects to the controller Service's
// NodePort, kube-proxy rejects there ("has no endpoints"), and the fault names that Service with the
// EndpointSlice line it was read from, as for any Service without endpoints.

import { describe, expect, it } from 'vitest';
import { readerOf, runCli } from './testing';

// The IngressClass implies the ingress-nginx addon (NodePort topology); the scenario's own Deployment
// of the same name replaces the addon's, with a pod template that cannot run or is never ready.
const LABELS = '{app.kubernetes.io/name: ingress-nginx, app.kubernetes.io/component: controller, ' +
  'app.kubernetes.io/instance: nginx}';

function scenario(podTemplate: string): string {
  return `apiVersion: v1
kind: Node
metadata: {name: n1}
---
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata: {name: nginx}
spec: {controller: k8s.io/ingress-nginx}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: ingress-nginx-controller, namespace: ingress-nginx}
spec:
  replicas: 1
  selector: {matchLabels: ${LABELS}}
  template:
${podTemplate}
`;
}

const CONTAINERS = `      containers:
      - name: controller
        image: registry.k8s.io/ingress-nginx/controller:v1.11.2
        ports: [{name: http, containerPort: 80}, {name: https, containerPort: 443}]`;

const FILES = {
  'unschedulable.yaml': scenario(`    metadata: {labels: ${LABELS}}
    spec:
      nodeSelector: {disktype: ssd}
${CONTAINERS}`),
  'not-ready.yaml': scenario(`    metadata:
      labels: ${LABELS}
      annotations: {netlab.io/ready: "false"}
    spec:
${CONTAINERS}`),
};

const SERVICE = 'ingress-nginx/ingress-nginx-controller';
const SLICES = `endpointslices/${SERVICE}`;
const cli = (...argv: string[]) => runCli(argv, readerOf(FILES));
const connect = (file: string, ...flags: string[]) =>
  cli('trace', file, '--from', 'external', '--url', 'http://app.example.com/', '--connect', 'ingress', ...flags);

type Rule = { artifact: string; line: number; text: string };
interface Traced {
  results: {
    outcome: string;
    service: string | null;
    fault: { kind: string; namespace: string; name: string; field: string; message: string; rules: Rule[] } | null;
    hops: { action: string; before: { dst: string; dstPort: number }; rules: Rule[] }[];
  }[];
}

/** The EndpointSlice artifact as `netlab rules --format endpointslices` prints it, one entry per line. */
const sliceText = (file: string) =>
  cli('rules', file, '--format', 'endpointslices', '--service', SERVICE).stdout.split('\n');

describe('netlab trace --connect ingress to a controller with no ready pod', () => {
  it.each(['unschedulable', 'not-ready'])('%s: send, route, REJECT, refused via the controller Service', (c) => {
    const r = connect(`${c}.yaml`);
    expect(r.code).toBe(7);
    const out = r.stdout.trimEnd().split('\n');
    const steps = out.filter((l) => /^ {2}\d+\. /.test(l)).map((l) => l.trim().split(/\s+/));
    expect(steps).toEqual([
      ['1.', 'client', 'internet', 'SEND'],
      ['2.', 'node', 'n1', 'ROUTE'],
      ['3.', 'node', 'n1', 'REJECT'],
    ]);
    const rejected =
      `-A KUBE-EXTERNAL-SERVICES -m comment --comment "${SERVICE}:http has no endpoints" -m addrtype --dst-type LOCAL`;
    expect(out.find((l) => l.includes('decided by node/n1/iptables-save:'))).toContain(rejected);
    expect(out.find((l) => l.startsWith('result: '))).toMatch(
      new RegExp(`^result: refused via Service ${SERVICE}: Service ${SERVICE} has no ready endpoints`),
    );
    expect(r.stdout).not.toContain('unreachable');
  });

  it.each([
    ['unschedulable', '  endpoints: null', 'matches 0 ready pods'],
    ['not-ready', '  - addresses:', 'matches 0 ready pods (1 not ready)'],
  ])('%s --json: the NodePort, the slice line on the first hop and on the fault', (c, sliceLine, why) => {
    const j = JSON.parse(connect(`${c}.yaml`, '--json').stdout) as Traced;
    const res = j.results[0]!;
    expect(res).toMatchObject({ outcome: 'refused', service: SERVICE });
    expect(res.hops.map((h) => h.action)).toEqual(['send', 'route', 'reject']);
    const get = cli('get', `${c}.yaml`, 'svc', 'ingress-nginx-controller', '-n', 'ingress-nginx', '-o', 'json');
    const svc = JSON.parse(get.stdout) as { spec: { ports: { name: string; nodePort: number }[] } };
    const nodePort = svc.spec.ports.find((p) => p.name === 'http')!.nodePort;
    expect(res.hops[0]!.before.dstPort).toBe(nodePort);
    expect(res.hops[2]!.rules.at(-1)!.text).toContain(`--dport ${nodePort} -j REJECT`);
    // The first hop and the fault point at the same line of the controller Service's slices.
    const text = sliceText(`${c}.yaml`);
    expect(res.fault).toMatchObject({ kind: 'Service', namespace: 'ingress-nginx', name: 'ingress-nginx-controller' });
    expect(res.fault!.message).toContain(why);
    expect(res.fault!.rules).toHaveLength(1);
    expect(res.hops[0]!.rules).toEqual(res.fault!.rules);
    const [rule] = res.fault!.rules;
    expect(rule).toMatchObject({ artifact: SLICES, text: sliceLine });
    expect(text[rule!.line - 1]).toBe(sliceLine);
    if (c === 'not-ready') {
      // The endpoint that line starts is the controller pod's, listed as not ready.
      const rest = text.slice(rule!.line - 1);
      expect(rest.find((l) => l.includes('ready:'))).toContain('ready: false');
      expect(rest.find((l) => l.includes('name: ingress-nginx-controller-'))).toBeDefined();
    }
  });
});
