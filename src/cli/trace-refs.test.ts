// `netlab trace` shows the lines a hop and a fault read, as the page's hop inspector does, and
// `netlab rules --format endpointslices` prints the EndpointSlice artifact those lines are in.

import { describe, expect, it } from 'vitest';
import { readerOf, runCli } from './testing';

// web-1 is not ready: the Service's only endpoint is one kube-proxy passes over.
const WEB = `apiVersion: v1
kind: Node
metadata: {name: n1}
---
apiVersion: v1
kind: Pod
metadata: {name: web-1, namespace: default, labels: {app: web}, annotations: {netlab.io/ready: "false"}}
spec:
  nodeName: n1
  containers: [{name: nginx, ports: [{containerPort: 80}]}]
---
apiVersion: v1
kind: Pod
metadata: {name: client, namespace: default}
spec:
  nodeName: n1
  containers: [{name: curl}]
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: default}
spec:
  selector: {app: web}
  ports: [{port: 80}]
`;

const cli = (...argv: string[]) => runCli(argv, readerOf({ 'web.yaml': WEB }));
const traceWeb = (...flags: string[]) =>
  cli('trace', 'web.yaml', '--from', 'pod:default/client', '--url', 'http://web/', ...flags);
const slices = (...flags: string[]) => cli('rules', 'web.yaml', '--format', 'endpointslices', ...flags);

type Rule = { artifact: string; line: number; text: string };
interface Traced {
  results: {
    fault: { refs: { artifact: string; lineIndex: number; line: string }[]; rules: Rule[] } | null;
    hops: { rules: Rule[] }[];
  }[];
}

describe('netlab trace prints the lines a fault was read from', () => {
  it('text: "read from" each EndpointSlice line after the result, numbered as rules prints the artifact', () => {
    const r = traceWeb();
    expect(r.code).toBe(7);
    const out = r.stdout.trimEnd().split('\n');
    const result = out.findIndex((l) => l.startsWith('result: refused via Service default/web'));
    expect(result).toBeGreaterThan(0);
    // Then the pods behind the selector (the next describe block).
    const read = out.slice(result + 1).filter((l) => l.startsWith('     read from'));
    expect(read).toHaveLength(1);
    const m = /^ {5}read from (endpointslices\/default\/web):(\d+): (.*)$/.exec(read[0]!);
    expect(m).not.toBeNull();
    const artifact = slices('--service', 'default/web').stdout.split('\n');
    expect(artifact[Number(m![2]) - 1]!.trim()).toBe(m![3]);
    // The endpoint that line starts is web-1's, the pod that is not ready.
    expect(artifact.slice(Number(m![2]) - 1).find((l) => l.includes('name: web-'))).toContain('name: web-1');
  });

  it('JSON: the fault gains rules in the hops\' shape; its refs stay as they were', () => {
    const j = JSON.parse(traceWeb('--json').stdout) as Traced;
    const fault = j.results[0]!.fault!;
    expect(fault.refs).toHaveLength(1);
    const [ref] = fault.refs;
    expect(fault.rules).toEqual([{ artifact: ref!.artifact, line: ref!.lineIndex + 1, text: ref!.line }]);
    const artifact = slices('--service', 'web').stdout.split('\n');
    expect(artifact[fault.rules[0]!.line - 1]).toBe(fault.rules[0]!.text);
  });

  it('a hop that read several lines lists each, the last as the one that decided', () => {
    const r = traceWeb();
    const j = JSON.parse(traceWeb('--json').stdout) as Traced;
    const hop = j.results[0]!.hops.find((h) => h.rules.length > 1)!;
    expect(hop).toBeDefined();
    const shown = (x: Rule) => `${x.artifact}:${x.line}: ${x.text.trim()}`;
    const lines = r.stdout.split('\n');
    const decided = lines.indexOf(`     decided by ${shown(hop.rules.at(-1)!)}`);
    expect(decided).toBeGreaterThan(0);
    const before = hop.rules.slice(0, -1).map((x) => `     read from ${shown(x)}`);
    expect(lines.slice(decided - before.length, decided)).toEqual(before);
  });
});

// web-2 asks for a node label no node has: the scheduler leaves it Pending, Unschedulable.
const PENDING = `${WEB}---
apiVersion: v1
kind: Pod
metadata: {name: web-2, namespace: default, labels: {app: web}}
spec:
  nodeSelector: {disktype: ssd}
  containers: [{name: nginx, ports: [{containerPort: 80}]}]
`;

describe('netlab trace names the pods behind a Service with no ready endpoints', () => {
  const tracePending = (...flags: string[]) =>
    runCli(
      ['trace', 'web.yaml', '--from', 'pod:default/client', '--url', 'http://web/', ...flags],
      readerOf({ 'web.yaml': PENDING }),
    );
  const scheduler =
    "0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector. " +
    'preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.';

  it('text: each pod under the result, with its phase and the condition its status has False', () => {
    const r = tracePending();
    expect(r.code).toBe(7);
    const out = r.stdout.trimEnd().split('\n');
    const result = out.findIndex((l) => l.startsWith('result: refused via Service default/web'));
    // The result line itself is as it was.
    expect(out[result]).toBe(
      'result: refused via Service default/web: Service default/web has no ready endpoints: ' +
        'selector app=web matches 0 ready pods (1 not ready)',
    );
    expect(out.slice(-2)).toEqual([
      '     pod default/web-1 is Running; Ready=False, reason ContainersNotReady: ' +
        '"containers with unready status: [nginx]"',
      `     pod default/web-2 is Pending; PodScheduled=False, reason Unschedulable: "${scheduler}"`,
    ]);
  });

  it('JSON: fault.pods, additively, each pod with its endpoint line as a rule where a slice lists it', () => {
    const j = JSON.parse(tracePending('--json').stdout) as {
      results: { fault: { message: string; rules: Rule[]; pods: Record<string, unknown> } }[];
    };
    const fault = j.results[0]!.fault;
    expect(fault.pods).toMatchObject({ namespace: 'default', selector: 'app=web', matched: 2, more: 0 });
    const shown = fault.pods.shown as { pod: string; phase: string; condition: unknown; rule?: Rule }[];
    expect(shown.map((p) => [p.pod, p.phase])).toEqual([
      ['default/web-1', 'Running'],
      ['default/web-2', 'Pending'],
    ]);
    expect(shown[0]!.rule).toEqual(fault.rules[0]);
    expect(shown[1]!.rule).toBeUndefined();
    expect(shown[1]!.condition).toEqual({
      type: 'PodScheduled',
      status: 'False',
      reason: 'Unschedulable',
      message: scheduler,
    });
  });
});

describe('netlab rules --format endpointslices', () => {
  it('prints the Service\'s slices as kubectl get endpointslices -o yaml, also as JSON', () => {
    const r = slices('--service', 'default/web');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^apiVersion: v1\nitems:\n- addressType: IPv4\n/);
    expect(r.stdout).toContain('kubernetes.io/service-name: web');
    const j = JSON.parse(slices('--service', 'default/web', '--json').stdout);
    expect(j).toEqual({
      service: 'default/web',
      artifacts: [{ id: 'endpointslices/default/web', kind: 'endpointslice', text: r.stdout }],
    });
  });

  it('says what is wrong with the command line or the name', () => {
    expect(slices()).toMatchObject({ code: 2, stderr: expect.stringContaining('needs --service') });
    const missing = slices('--service', 'shop/web');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe('Error from server (NotFound): services "web" not found\n');
    const stray = cli('rules', 'web.yaml', '--service', 'default/web');
    expect(stray).toMatchObject({ code: 2, stderr: expect.stringContaining('--service goes with --format') });
    const raw = slices('--service', 'web', '--admission', 'none', '--node', 'n1');
    expect(raw).toMatchObject({ code: 2, stderr: expect.stringContaining('drop --admission none') });
  });
});

// Both web pods run on n2 and are not ready; the load balancer checks kube-proxy on each node.
const LB_LOCAL = `apiVersion: v1
kind: Node
metadata: {name: n1}
status: {addresses: [{type: InternalIP, address: 192.168.49.2}]}
---
apiVersion: v1
kind: Node
metadata: {name: n2}
status: {addresses: [{type: InternalIP, address: 192.168.49.3}]}
---
apiVersion: v1
kind: Pod
metadata: {name: web-1, namespace: default, labels: {app: web}, annotations: {netlab.io/ready: "false"}}
spec:
  nodeName: n2
  containers: [{name: nginx, ports: [{containerPort: 80}]}]
---
apiVersion: v1
kind: Pod
metadata: {name: web-2, namespace: default, labels: {app: web}, annotations: {netlab.io/ready: "false"}}
spec:
  nodeName: n2
  containers: [{name: nginx, ports: [{containerPort: 80}]}]
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: default}
spec:
  type: LoadBalancer
  externalTrafficPolicy: Local
  selector: {app: web}
  ports: [{port: 80}]
`;

describe("netlab trace: a load balancer's health-check fault names the nodes and the pods", () => {
  const traceLb = (...flags: string[]) =>
    runCli(
      ['trace', 'lb.yaml', '--set', 'loadBalancerPool=192.168.49.240', '--from', 'external', '--url',
        'http://192.168.49.240/', ...flags],
      readerOf({ 'lb.yaml': LB_LOCAL }),
    );

  it('text: each node with what kube-proxy answered and its line, then the pods told once for the group', () => {
    const out = traceLb().stdout.trimEnd().split('\n');
    const result = out.findIndex((l) => l.startsWith('result: timeout via Service default/web'));
    expect(out[result]).toBe(
      'result: timeout via Service default/web: no node passes the load balancer health check for Service ' +
        'default/web: externalTrafficPolicy is Local and no node has a ready endpoint',
    );
    const after = out.slice(result + 1);
    expect(after).toHaveLength(4);
    expect(after[0]).toMatch(/^ {5}node n1: kube-proxy answers HTTP 503 on healthCheckNodePort \d+ \(\/healthz\) /);
    expect(after[0]).toMatch(/the EndpointSlices list no endpoint on this node \(lb\/default\/web:\d+\)$/);
    expect(after[1]).toContain('node n2: ');
    expect(after[1]).toContain('list 2 endpoint(s) here, not ready: default/web-1, default/web-2');
    expect(after.slice(2)).toEqual([
      '     2 pods are Running; Ready=False, reason ContainersNotReady: "containers with unready status: [nginx]"',
      '       default/web-1, default/web-2',
    ]);
  });

  it('JSON: fault.pods.nodes and .grouped, additively, each node with its health-check line as a rule', () => {
    const j = JSON.parse(traceLb('--json').stdout) as { results: { fault: Record<string, unknown> }[] };
    const fault = j.results[0]!.fault as {
      message: string;
      pods: { shown: unknown[]; nodes: { node: string; rule: Rule; endpoints: { rule?: Rule }[] }[]; grouped: unknown };
    };
    expect(fault.pods.shown).toHaveLength(2);
    expect(fault.pods.nodes.map((n) => n.node)).toEqual(['n1', 'n2']);
    for (const n of fault.pods.nodes) {
      expect(n.rule).toMatchObject({ artifact: 'lb/default/web', text: expect.stringContaining(`${n.node} `) });
    }
    expect(fault.pods.nodes[1]!.endpoints.map((e) => e.rule?.artifact)).toEqual([
      'endpointslices/default/web',
      'endpointslices/default/web',
    ]);
    expect(fault.pods.grouped).toMatchObject({ groups: [{ count: 2, pods: ['default/web-1', 'default/web-2'] }] });
  });
});
