import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { CliIo } from './io';
import { run } from './run';

const WEB = `apiVersion: v1
kind: Node
metadata: {name: n1}
---
apiVersion: v1
kind: Pod
metadata: {name: web-1, namespace: default, labels: {app: web}}
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
  type: NodePort
  selector: {app: web}
  ports: [{port: 80, nodePort: 30080}]
`;

function cli(argv: string[], files: Record<string, string> = { 'web.yaml': WEB }) {
  const out = { stdout: '', stderr: '' };
  const io: CliIo = {
    stdout: (t) => void (out.stdout += t),
    stderr: (t) => void (out.stderr += t),
    readFile: (p) => {
      if (p in files) return files[p]!;
      if (p.endsWith('scenarios/default.json')) return readFileSync(p, 'utf8');
      throw new Error(`ENOENT: no such file or directory, open '${p}'`);
    },
  };
  const code = run(argv, io);
  return { code, ...out };
}

describe('netlab trace', () => {
  it('prints the JSON contract, one result per repeat', () => {
    const r = cli(['trace', 'web.yaml', '--from', 'pod:default/client', '--url', 'http://web/', '--repeat', '3', '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as { results: Record<string, unknown>[] };
    expect(j.results).toHaveLength(3);
    for (const res of j.results) {
      expect(Object.keys(res)).toEqual(expect.arrayContaining(['outcome', 'status', 'service', 'backendPod', 'backend', 'responseHeaders', 'hops']));
      expect(res).toMatchObject({ outcome: 'response', status: 200, service: 'default/web', backendPod: 'default/web-1' });
      expect(res.backend).toMatchObject({ host: 'web', path: '/', method: 'GET' });
    }
  });

  it('exits 1 and names the fault when the request fails', () => {
    const r = cli(['trace', 'web.yaml', '--from', 'pod:default/client', '--url', 'http://nosuch/']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('result: nxdomain');
  });

  it('honours --mode and --connect', () => {
    const r = cli(['--mode', 'ipvs', 'trace', 'web.yaml', '--from', 'external:198.51.100.1', '--url', 'http://anything:30080/', '--connect', 'node:n1']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('kube-proxy ipvs');
    expect(r.stdout).toMatch(/decided by node\/n1\/ipvsadm:\d+: +-> 10\.244\.\d+\.\d+:80 +Masq/);
  });

  it('refuses bad --from, --connect and --repeat values with the reason', () => {
    expect(cli(['trace', 'web.yaml', '--from', 'laptop', '--url', 'http://x/']).stderr).toContain('--from must be');
    expect(cli(['trace', 'web.yaml', '--from', 'node:n1', '--url', 'http://x/', '--connect', 'x']).stderr).toContain('--connect must be');
    expect(cli(['trace', 'web.yaml', '--from', 'node:n1', '--url', 'http://x/', '--repeat', '0']).code).toBe(2);
  });
});

describe('netlab get, describe, rules, dig, ingress-config, export', () => {
  it('get svc shows the allocated nodePort in kubectl columns', () => {
    const r = cli(['get', 'web.yaml', 'svc', 'web']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^NAME\s+TYPE\s+CLUSTER-IP\s+EXTERNAL-IP\s+PORT\(S\)\s+AGE\nweb\s+NodePort\s+10\.\d+\.\d+\.\d+\s+<none>\s+80:30080\/TCP/);
  });

  it('get on a missing object answers as kubectl does', () => {
    const r = cli(['get', 'web.yaml', 'svc', 'nope']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Error from server (NotFound): services "nope" not found');
  });

  it('rules prints the node\'s iptables-save with the service chains', () => {
    const r = cli(['rules', 'web.yaml', '--node', 'n1', '--format', 'iptables-save']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('-A KUBE-NODEPORTS -m comment --comment default/web -m tcp -p tcp --dport 30080 -j KUBE-EXT-');
    expect(cli(['rules', 'web.yaml', '--node', 'n9']).stderr).toContain('nodes "n9" not found');
    expect(cli(['rules', 'web.yaml', '--format', 'nft']).code).toBe(1);
    expect(cli(['--mode', 'nftables', 'rules', 'web.yaml', '--format', 'nft']).stdout).toContain('table ip kube-proxy {');
  });

  it('dig sends the name as typed; +search walks the pod\'s search path', () => {
    const plain = JSON.parse(cli(['dig', 'web.yaml', '--from', 'pod:default/client', 'web', '--json']).stdout) as { rcode: string; queriesSent: unknown[] };
    expect(plain.rcode).toBe('NXDOMAIN');
    const searched = JSON.parse(cli(['dig', 'web.yaml', '--from', 'pod:default/client', 'web', '+search', '--json']).stdout) as { rcode: string; answers: { name: string; type: string }[]; queriesSent: { name: string }[] };
    expect(searched.rcode).toBe('NOERROR');
    expect(searched.answers[0]).toMatchObject({ name: 'web.default.svc.cluster.local.', type: 'A' });
    expect(searched.queriesSent[0]!.name).toBe('web.default.svc.cluster.local.');
  });

  it('ingress-config says when there is no controller', () => {
    const r = cli(['ingress-config', 'web.yaml']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('no ingress controller');
  });

  it('export yaml gives manifests kubectl takes, without derived objects', () => {
    const r = cli(['export', 'web.yaml', '--format', 'yaml']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('kind: Service');
    expect(r.stdout).not.toContain('kind: EndpointSlice');
    expect(r.stdout).not.toContain('10.244.');
  });
});

describe('trace -H', () => {
  it("a Host header names the virtual host while the connection goes where the URL says (curl -H 'Host: ...')", () => {
    const files = { 'hosts.json': readFileSync('scenarios/ingress-nodeport-hosts.json', 'utf8') };
    const run = (extra: string[]) => JSON.parse(cli(['trace', 'hosts.json', '--from', 'external', '--url', 'http://192.168.49.2:30080/', '--json', ...extra], files).stdout).results[0];
    const named = run(['-H', 'host: DEV.cbuc.cn:30080']);
    expect(named).toMatchObject({ status: 200, service: 'cbuc-test/nginx-dev', backend: { host: 'dev.cbuc.cn' } });
    const bare = run([]);
    expect(bare).toMatchObject({ status: 404, backend: { host: '192.168.49.2' } });
  });
});

describe("a scenario's edit log", () => {
  const lab = JSON.stringify({
    format: 'netlab.scenario',
    version: 1,
    objects: [
      { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' } },
      { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'default' }, spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', ports: [{ containerPort: 80 }] }] } } } },
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default' }, spec: { selector: { app: 'web' }, ports: [{ port: 80 }] } },
    ],
    edits: [
      { kind: 'set-replicas', namespace: 'default', name: 'web', replicas: 3 },
      { kind: 'set-proxy-mode', mode: 'ipvs' },
    ],
  });

  it('is replayed by every command: the rules are the edited lab\'s, the manifests the objects as edited', () => {
    const rules = cli(['rules', 'lab.json'], { 'lab.json': lab });
    expect(rules.code).toBe(0);
    expect(rules.stdout).toMatch(/TCP\s+10\.9\d\.\d+\.\d+:80\s+rr/);
    expect(rules.stdout.match(/-> 10\.244\.\d+\.\d+:80/g)).toHaveLength(3);
    const yaml = cli(['export', 'lab.json', '--format', 'yaml'], { 'lab.json': lab });
    expect(yaml.stdout).toContain('replicas: 3');
    const json = cli(['export', 'lab.json', '--format', 'json'], { 'lab.json': lab });
    expect(JSON.parse(json.stdout).edits).toHaveLength(2);
  });
});

describe('netlab trace --distribution', () => {
  it('counts each pod and shows the share the iptables rules imply', () => {
    const yaml = WEB + `---
apiVersion: v1
kind: Pod
metadata: {name: web-2, namespace: default, labels: {app: web}}
spec:
  nodeName: n1
  containers: [{name: nginx, ports: [{containerPort: 80}]}]
`;
    const r = cli(['trace', 'w.yaml', '--from', 'pod:default/client', '--url', 'http://web/', '--distribution', '2000', '--json'], { 'w.yaml': yaml });
    expect(r.code).toBe(0);
    const d = JSON.parse(r.stdout) as { n: number; perPod: Record<string, number>; implied: Record<string, number> };
    expect(d.n).toBe(2000);
    expect(Object.values(d.perPod).reduce((a, b) => a + b, 0)).toBe(2000);
    expect(d.implied).toEqual({ 'default/web-1': 0.5, 'default/web-2': 0.5 });
    for (const c of Object.values(d.perPod)) expect(Math.abs(c - 1000)).toBeLessThan(150);
  });

  it('refuses a count that is not a whole number', () => {
    expect(cli(['trace', 'web.yaml', '--from', 'node:n1', '--url', 'http://x/', '--distribution', 'many']).code).toBe(2);
  });
});

describe('kube-proxy modes by Kubernetes version', () => {
  const traceWeb = (...flags: string[]) => cli(['trace', 'web.yaml', '--from', 'pod:default/client', '--url', 'http://web/', '--json', ...flags]);

  it('--mode userspace without a version runs 1.25, the last version that had it, and says so', () => {
    const r = traceWeb('--mode', 'userspace');
    expect(r.stderr).toContain("note: kube-proxy's userspace mode was removed in Kubernetes 1.26: running Kubernetes 1.25");
    expect(JSON.parse(r.stdout).results[0]).toMatchObject({ outcome: 'response', status: 200, service: 'default/web' });
  });

  it('--mode userspace on an explicit 1.35 shows kube-proxy failing to start and names the node', () => {
    const r = traceWeb('--mode', 'userspace', '--set', 'kubernetesVersion=1.35');
    expect(r.stderr).not.toContain('note:');
    const res = JSON.parse(r.stdout).results[0];
    expect(res.outcome).toBe('timeout');
    expect(res.fault.message).toMatch(/^kube-proxy is not running on node n1: KubeProxyConfiguration\.ProxyMode: Invalid value: "userspace"/);
    const rules = cli(['rules', 'web.yaml', '--mode', 'userspace', '--set', 'kubernetesVersion=1.35']);
    expect(rules.stderr).toContain('Warning FailedToStart: Error running ProxyServer: KubeProxyConfiguration.ProxyMode: Invalid value: "userspace"');
  });

  it('validate reports the version it chose for userspace as an inferred setting', () => {
    const file = JSON.stringify({ format: 'netlab.scenario', version: 1, settings: { kubeProxy: { mode: 'userspace' } }, objects: [] });
    const r = cli(['validate', 'us.json'], { 'us.json': file });
    expect(r.stdout).toContain('inferred kubernetesVersion = 1.25');
  });
});
