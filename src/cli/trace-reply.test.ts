// `trace` walks the reply too (issue 17): its hops follow the request's with direction "reply" and
// the conntrack entries that rewrote them; a reply that skips the node which DNATed the request
// (a NodePort with externalTrafficPolicy: Local called from a pod, kubernetes#74383) times out,
// and the command exits 28 as curl does.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readerOf, runCli } from './testing';

function manifests(policy: 'Local' | 'Cluster'): string {
  const node = (name: string, ip: string) => `apiVersion: v1
kind: Node
metadata: { name: ${name} }
status: { addresses: [{ type: InternalIP, address: ${ip} }] }
---
`;
  const pod = (name: string, nodeName: string, app: string) => `apiVersion: v1
kind: Pod
metadata: { name: ${name}, labels: { app: ${app} } }
spec:
  nodeName: ${nodeName}
  containers: [{ name: app, image: nginx, ports: [{ name: http, containerPort: 8080 }] }]
---
`;
  const nodes = `${node('node-1', '192.168.49.2')}${node('node-2', '192.168.49.3')}`;
  const pods = `${pod('web-1', 'node-1', 'web')}${pod('client-1', 'node-1', 'client')}`;
  return `${nodes}${pods}apiVersion: v1
kind: Service
metadata: { name: web }
spec:
  type: NodePort
  externalTrafficPolicy: ${policy}
  selector: { app: web }
  ports: [{ port: 80, targetPort: http, nodePort: 30081 }]
`;
}

interface JsonHop {
  index: number;
  direction?: string;
  conntrack?: { node: string; entry: string }[];
  action: string;
  place: { id: string };
}

function traceJson(policy: 'Local' | 'Cluster') {
  const argv = ['trace', 'lab.yaml', '--json', '--from', 'pod:default/client-1', '--url', 'http://192.168.49.3:30081/'];
  const out = runCli(argv, readerOf({ 'lab.yaml': manifests(policy) }));
  type JsonResult = { outcome: string; hops: JsonHop[]; fault: { message: string; field?: string } | null };
  const result = (JSON.parse(out.stdout) as { results: JsonResult[] }).results[0]!;
  return { code: out.code, result };
}

describe('netlab trace: the reply hops', () => {
  it('--json: reply hops follow the request hops, with direction "reply" and their conntrack entries', () => {
    const { code, result } = traceJson('Cluster');
    expect(code).toBe(0);
    expect(result.outcome).toBe('response');
    const first = result.hops.findIndex((h) => h.direction === 'reply');
    expect(first).toBeGreaterThan(0);
    expect(result.hops.slice(0, first).every((h) => !('direction' in h) && !('conntrack' in h))).toBe(true);
    expect(result.hops.slice(first).every((h) => h.direction === 'reply' && Array.isArray(h.conntrack))).toBe(true);
    const undo = result.hops.find((h) => (h.conntrack ?? []).length > 0)!;
    expect(undo.place.id).toBe('node:node-2');
    expect(undo.conntrack![0]!.entry).toMatch(
      /^tcp {6}6 431999 ESTABLISHED src=\S+ dst=192\.168\.49\.3 .* \[ASSURED\] mark=0 use=1$/,
    );
    expect(result.hops.at(-1)).toMatchObject({ action: 'deliver', place: { id: 'pod:default/client-1' } });
  });

  it('a reply that skips the DNATing node: outcome timeout, exit 28, the last hop a reject and a fault with the ' +
    'fixes', () => {
    const { code, result } = traceJson('Local');
    expect(code).toBe(28);
    expect(result.outcome).toBe('timeout');
    const reset = { direction: 'reply', action: 'reject', place: { id: 'pod:default/client-1' } };
    expect(result.hops.at(-1)).toMatchObject(reset);
    expect(result.fault?.field).toBe('spec.externalTrafficPolicy');
    expect(result.fault?.message).toContain('node node-2 DNATed the connection');
    expect(result.fault?.message).toContain('call the NodePort on node node-1');
  });

  it('text output prints the reply hops and the conntrack lines that rewrote them', () => {
    const argv = ['trace', 'lab.yaml', '--from', 'pod:default/client-1', '--url', 'http://192.168.49.3:30081/'];
    const out = runCli(argv, readerOf({ 'lab.yaml': manifests('Cluster') }));
    expect(out.code).toBe(0);
    expect(out.stdout).toContain('--- the reply, walked back');
    expect(out.stdout).toMatch(/node node-2 +UNNAT \(reply\)/);
    expect(out.stdout).toMatch(/conntrack -L on node-2: tcp {6}6 431999 ESTABLISHED /);
  });
});

describe('netlab trace: replies through an external load balancer', () => {
  const file = 'scenarios/lb-nodeport-source-address.json';
  const read = readerOf({ [file]: readFileSync(file, 'utf8') });
  const hopsOf = (url: string) => {
    const out = runCli(['trace', file, '--json', '--from', 'external:laptop', '--url', url], read);
    expect(out.code).toBe(0);
    type Hop = JsonHop & { before: { src: string; srcPort: number } };
    return (JSON.parse(out.stdout) as { results: { hops: Hop[] }[] }).results[0]!.hops;
  };

  it('a proxying load balancer: its own connection is answered first, then it answers the client from its ' +
    'address', () => {
    const reply = hopsOf('http://192.168.49.240/').filter((h) => h.direction === 'reply');
    expect(reply.map((h) => h.action)).toEqual(['respond', 'route', 'unnat', 'deliver', 'respond', 'deliver']);
    expect(reply[3]!.place.id).toBe('lb:default/web');
    const fromLb = { place: { id: 'client:laptop' }, before: { src: '192.168.49.240', srcPort: 80 } };
    expect(reply.at(-1)).toMatchObject(fromLb);
  });

  it('a load balancer that forwards keeping the client address undoes its own rewrite on the way back', () => {
    const reply = hopsOf('http://192.168.49.242/').filter((h) => h.direction === 'reply');
    expect(reply.map((h) => [h.place.id, h.action])).toEqual([
      [expect.stringMatching(/^pod:default\/web-/), 'respond'],
      ['node:node-1', 'unnat'],
      ['lb:default/web-nlb', 'unnat'],
      ['client:laptop', 'deliver'],
    ]);
    expect(reply.at(-1)!.before).toMatchObject({ src: '192.168.49.242', srcPort: 80 });
  });
});
