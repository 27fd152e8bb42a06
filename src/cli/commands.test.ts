import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readerOf, runCli } from './testing';

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
  return runCli(argv, readerOf(files, { defaultScenario: true }));
}

/** `netlab trace web.yaml --from <from> --url <url>` and more flags. */
const traceArgs = (from: string, url: string, ...flags: string[]) => [
  ...['trace', 'web.yaml', '--from', from, '--url', url],
  ...flags,
];
const client = 'pod:default/client';

describe('netlab trace', () => {
  it('prints the JSON contract, one result per repeat', () => {
    const r = cli(traceArgs(client, 'http://web/', '--repeat', '3', '--json'));
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as { results: Record<string, unknown>[] };
    expect(j.results).toHaveLength(3);
    for (const res of j.results) {
      const contract = ['outcome', 'status', 'service', 'backendPod', 'backend', 'responseHeaders', 'hops'];
      expect(Object.keys(res)).toEqual(expect.arrayContaining(contract));
      expect(res).toMatchObject({ outcome: 'response', status: 200, service: 'default/web' });
      expect(res).toMatchObject({ backendPod: 'default/web-1' });
      expect(res.backend).toMatchObject({ host: 'web', path: '/', method: 'GET' });
    }
  });

  it("exits with curl's code and names the fault when the request fails (6 name, 7 refused, 28 timeout)", () => {
    const r = cli(['trace', 'web.yaml', '--from', 'pod:default/client', '--url', 'http://nosuch/']);
    expect(r.code).toBe(6);
    expect(r.stdout).toContain('result: nxdomain');
    // Nothing listens on the Service's port 81: kube-proxy has no rule for it and the ClusterIP answers nothing.
    const wrongPort = cli(['trace', 'web.yaml', '--from', 'pod:default/client', '--url', 'http://web:81/', '--json']);
    const outcome = JSON.parse(wrongPort.stdout).results[0].outcome as string;
    expect(wrongPort.code).toBe({ refused: 7, unreachable: 7, timeout: 28 }[outcome]);
    // An HTTP error status is an answer: exit 0, as curl without --fail.
    const files = { 'shop.json': readFileSync('scenarios/ingress-404-vs-503.json', 'utf8') };
    const down = cli(['trace', 'shop.json', '--from', 'external:laptop', '--url', 'http://shop.example.com/down'],
      files);
    expect(down.stdout).toMatch(/HTTP 503/);
    expect(down.code).toBe(0);
  });

  it('prints a TCP port 0 as :0 (curl tries it), not as an address without a port', () => {
    const r = cli(traceArgs(client, 'http://web:0/'));
    expect(r.stdout).toMatch(/^ +10\.244\.\d+\.\d+:\d+ -> 10\.\d+\.\d+\.\d+:0$/m);
    expect(r.stdout).not.toMatch(/^ +10\.244\.\d+\.\d+:\d+ -> 10\.\d+\.\d+\.\d+$/m);
  });

  it('honours --mode and --connect', () => {
    const toNode = traceArgs('external:198.51.100.1', 'http://anything:30080/', '--connect', 'node:n1');
    const r = cli(['--mode', 'ipvs', ...toNode]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('kube-proxy ipvs');
    expect(r.stdout).toMatch(/decided by node\/n1\/ipvsadm:\d+: +-> 10\.244\.\d+\.\d+:80 +Masq/);
  });

  it('refuses bad --from, --connect and --repeat values with the reason', () => {
    expect(cli(['trace', 'web.yaml', '--from', 'laptop', '--url', 'http://x/']).stderr).toContain('--from must be');
    expect(cli(traceArgs('node:n1', 'http://x/', '--connect', 'x')).stderr).toContain('--connect must be');
    expect(cli(['trace', 'web.yaml', '--from', 'node:n1', '--url', 'http://x/', '--repeat', '0']).code).toBe(2);
  });
});

describe('netlab get, describe, rules, dig, ingress-config, export', () => {
  it('get svc shows the allocated nodePort in kubectl columns', () => {
    const r = cli(['get', 'web.yaml', 'svc', 'web']);
    expect(r.code).toBe(0);
    const [head, row] = r.stdout.split('\n');
    expect(head).toMatch(/^NAME\s+TYPE\s+CLUSTER-IP\s+EXTERNAL-IP\s+PORT\(S\)\s+AGE$/);
    expect(row).toMatch(/^web\s+NodePort\s+10\.\d+\.\d+\.\d+\s+<none>\s+80:30080\/TCP/);
  });

  it('get on a missing object answers as kubectl does', () => {
    const r = cli(['get', 'web.yaml', 'svc', 'nope']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Error from server (NotFound): services "nope" not found');
  });

  it('get -l filters as the apiserver does; --show-labels and -L add kubectl\'s label columns', () => {
    const svc = cli(['get', 'web.yaml', 'svc', '-A', '-l', 'component', '--show-labels', '-L', 'provider', '-L', 'x']);
    expect(svc.code).toBe(0);
    const [head, ...rows] = svc.stdout.trim().split('\n');
    expect(head).toMatch(/PORT\(S\) +AGE +PROVIDER +X +LABELS$/);
    expect(rows.map((r) => r.split(/ +/)[1])).toEqual(['kubernetes']);
    expect(rows[0]).toMatch(/ kubernetes +component=apiserver,provider=kubernetes$/);
    expect(cli(['get', 'web.yaml', 'svc', '-l', 'app']).stdout).toBe('No resources found in default namespace.\n');
    const bad = cli(['get', 'web.yaml', 'pods', '-l', 'app in web']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('Unable to find "/v1, Resource=pods" that match label selector "app in web"');
  });

  it('exec kubectl changes the kinds the lab keeps too, and names them as kubectl does', () => {
    const files = {
      'web.yaml': WEB,
      'np.yaml': 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: deny, labels: {team: a}}\n'
        + 'spec: {podSelector: {}}\n',
    };
    const run = (...cmd: string[]) => cli(['exec', 'web.yaml', 'np.yaml', 'external', '--', ...cmd], files);
    expect(run('kubectl', 'label', 'netpol', 'deny', 'x=y').stdout).toBe('networkpolicy.networking.k8s.io/deny labeled\n');
    expect(run('kubectl', 'delete', 'networkpolicy', 'deny').stdout)
      .toBe('networkpolicy.networking.k8s.io "deny" deleted\n');
    expect(run('kubectl', 'delete', 'netpol', '-l', 'team=a').stdout)
      .toBe('networkpolicy.networking.k8s.io "deny" deleted\n');
    expect(run('kubectl', 'delete', 'netpol', 'nope').stderr)
      .toContain('Error from server (NotFound): networkpolicies.networking.k8s.io "nope" not found');
    expect(run('kubectl', 'delete', 'svc', 'web').stdout).toMatch(/^service "web" deleted\n/);
  });

  it('rules prints the node\'s iptables-save with the service chains', () => {
    const r = cli(['rules', 'web.yaml', '--node', 'n1', '--format', 'iptables-save']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      '-A KUBE-NODEPORTS -m comment --comment default/web -m tcp -p tcp --dport 30080 -j KUBE-EXT-',
    );
    expect(cli(['rules', 'web.yaml', '--node', 'n9']).stderr).toContain('nodes "n9" not found');
    expect(cli(['rules', 'web.yaml', '--format', 'nft']).code).toBe(1);
    const nft = cli(['--mode', 'nftables', 'rules', 'web.yaml', '--format', 'nft']);
    expect(nft.stdout).toContain('table ip kube-proxy {');
  });

  it('rules --format ip-route prints the routing table the trace\'s route lines come from', () => {
    const r = cli(['rules', 'web.yaml', '--node', 'n1', '--format', 'ip-route']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^default via \S+ dev eth0$/);
    // The hop that delivers to web-1 names a line of this very table, by its (1-based) number.
    const traced = JSON.parse(cli(traceArgs(client, 'http://web/', '--json')).stdout);
    type Ref = { artifact: string; line: number; text: string };
    const hops = (traced as { results: { hops: { rules: Ref[] }[] }[] }).results[0]!.hops;
    const routeRefs = hops.flatMap((h) => h.rules).filter((x) => x.artifact === 'node/n1/ip-route');
    expect(routeRefs.length).toBeGreaterThan(0);
    for (const ref of routeRefs) expect(lines[ref.line - 1]).toBe(ref.text);
    const json = JSON.parse(cli(['rules', 'web.yaml', '--format', 'ip-route', '--json']).stdout);
    const table = { id: 'node/n1/ip-route', kind: 'ip-route', text: r.stdout };
    expect(json).toMatchObject({ node: 'n1', artifacts: [table] });
    // Without a control plane there are no pods or podCIDRs to route: a usage error, not an empty table.
    const raw = cli(['rules', 'web.yaml', '--admission', 'none', '--node', 'n1', '--format', 'ip-route']);
    expect(raw.code).toBe(2);
    expect(raw.stderr).toContain('--format ip-route needs the control plane');
    // The default output stays kube-proxy's own.
    expect(cli(['rules', 'web.yaml', '--node', 'n1']).stdout).not.toContain('default via');
  });

  it('dig sends the name as typed; +search walks the pod\'s search path', () => {
    type Dig = { rcode: string; answers: { name: string; type: string }[]; queriesSent: { name: string }[] };
    const dig = (...args: string[]) => JSON.parse(cli(['dig', 'web.yaml', '--from', client, ...args]).stdout) as Dig;
    const plain = dig('web', '--json');
    expect(plain.rcode).toBe('NXDOMAIN');
    const searched = dig('web', '+search', '--json');
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
    const args = ['trace', 'hosts.json', '--from', 'external', '--url', 'http://192.168.49.2:30080/', '--json'];
    const run = (extra: string[]) => JSON.parse(cli([...args, ...extra], files).stdout).results[0];
    const named = run(['-H', 'host: DEV.cbuc.cn:30080']);
    expect(named).toMatchObject({ status: 200, service: 'cbuc-test/nginx-dev', backend: { host: 'dev.cbuc.cn' } });
    const bare = run([]);
    // No rule for the bare address: ingress-nginx's own default server answers 404, no pod involved.
    expect(bare).toMatchObject({ status: 404, backendPod: null, backend: null });
  });
});

describe("a scenario's edit log", () => {
  const lab = JSON.stringify({
    format: 'netlab.scenario',
    version: 1,
    objects: [
      { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' } },
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'web', namespace: 'default' },
        spec: {
          replicas: 2,
          selector: { matchLabels: { app: 'web' } },
          template: {
            metadata: { labels: { app: 'web' } },
            spec: { containers: [{ name: 'nginx', ports: [{ containerPort: 80 }] }] },
          },
        },
      },
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'web', namespace: 'default' },
        spec: { selector: { app: 'web' }, ports: [{ port: 80 }] },
      },
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
    const args = ['trace', 'w.yaml', '--from', client, '--url', 'http://web/', '--distribution', '2000', '--json'];
    const r = cli(args, { 'w.yaml': yaml });
    expect(r.code).toBe(0);
    const d = JSON.parse(r.stdout) as { n: number; perPod: Record<string, number>; implied: Record<string, number> };
    expect(d.n).toBe(2000);
    expect(Object.values(d.perPod).reduce((a, b) => a + b, 0)).toBe(2000);
    expect(d.implied).toEqual({ 'default/web-1': 0.5, 'default/web-2': 0.5 });
    for (const c of Object.values(d.perPod)) expect(Math.abs(c - 1000)).toBeLessThan(150);
  });

  it('refuses a count that is not a whole number', () => {
    expect(cli(traceArgs('node:n1', 'http://x/', '--distribution', 'many')).code).toBe(2);
  });
});

describe("kubectl's argument forms and standard input", () => {
  it('get svc,pods prints one table per kind, names prefixed with the resource, as kubectl does', () => {
    const r = cli(['get', 'web.yaml', 'svc,pods']);
    expect(r.stderr).toBe('');
    const [svc, pods] = r.stdout.split('\n\n');
    expect(svc).toMatch(/^NAME +TYPE/);
    expect(svc).toContain('service/web ');
    expect(pods).toMatch(/^NAME +READY/);
    expect(pods).toContain('pod/web-1 ');
    expect(r.stdout.endsWith('\n')).toBe(true);
  });

  it('get deploy,svc -o json is one List; get svc/web is kind/name; an unknown kind in a list is refused', () => {
    const list = JSON.parse(cli(['get', 'web.yaml', 'svc,pods', '-o', 'json']).stdout);
    expect(list.kind).toBe('List');
    expect(list.items.map((i: { kind: string }) => i.kind)).toEqual(expect.arrayContaining(['Service', 'Pod']));
    expect(cli(['get', 'web.yaml', 'svc/web']).stdout).toMatch(/^NAME +TYPE.*\nweb +NodePort/);
    expect(cli(['get', 'web.yaml', 'svc,nope']).stderr).toContain('the server doesn\'t have a resource type "nope"');
  });

  it('reads a scenario from standard input with "-", and names it STDIN in problems', () => {
    const ok = cli(['get', '-', 'svc', 'web'], { '-': WEB });
    expect(ok.stdout).toMatch(/\nweb +NodePort/);
    const bad = cli(['validate', '-'], { '-': 'kind: Service\nspec: [oops\n' });
    expect(`${bad.stdout}${bad.stderr}`).toMatch(/^STDIN:2:7: .*flow sequence/m);
    expect(bad.code).toBe(1);
  });
});

describe('netlab exec: the console from the command line', () => {
  const podOf = (stdout: string) => /\n(web-\S+)/.exec(stdout)?.[1];
  it("prints what the page's console prints, from a pod, a node or a client", () => {
    const pods = cli(['get', 'pods']).stdout;
    const pod = `pod:default/${podOf(pods)}`;
    expect(cli(['exec', pod, '--', 'cat', '/etc/resolv.conf']).stdout).toBe(
      'search default.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n',
    );
    const curl = cli(['exec', pod, '--', 'curl', '-v', '-H', 'X-Test: 1', 'http://web/']);
    expect(curl.code).toBe(0);
    expect(curl.stdout).toMatch(/^HTTP\/1\.1 200\n/);
    expect(cli(['exec', 'node:node-1', '--', 'iptables-save']).stdout).toMatch(/^\*filter\n/);
    expect(cli(['exec', pod, '--', 'dig', 'web.default.svc.cluster.local']).stdout).toContain('status: NOERROR');
    // A node's resolver is the host's, not cluster DNS, as on a real node.
    const onNode = cli(['exec', 'node:node-1', '--', 'dig', 'web.default.svc.cluster.local']);
    expect(onNode.stdout).toContain('status: NXDOMAIN');
    expect(cli(['exec', pod, '--', 'curl', 'http://nosuch/']).code).toBe(6);
    const badPort = cli(['exec', pod, '--', 'curl', 'http://web:70000/']);
    expect(badPort.stderr).toBe('curl: (3) URL rejected: Port number was not a decimal number between 0 and 65535\n');
    expect(badPort.code).toBe(3);
  });

  it('checks a change with the apiserver and prints its events, without changing the files', () => {
    const files = { '-': 'apiVersion: v1\nkind: Service\nmetadata: {name: x}\nspec: {ports: [{port: 80}]}\n' };
    const r = cli(['exec', 'node:node-1', '--', 'kubectl', 'apply', '-f', '-'], files);
    expect(r.stdout).toMatch(/^service\/x created\nEvents:\n {2}Normal {2}SyncProxyRules/);
    const bad = cli(['exec', 'node:node-1', '--', 'kubectl', 'scale', 'deployment/nope', '--replicas=2']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('Error from server (NotFound): deployments.apps "nope" not found');
  });
});

describe('netlab trace through the default scenario\'s load balancer (issue 16)', () => {
  it('--from external --url <the saved request>: LB -> node:NodePort, then kube-proxy\'s DNAT, the controller, ' +
    'the pod', () => {
    type Saved = { requests: { id: string; url: string }[]; view: { selectedRequest: string } };
    const saved = JSON.parse(readFileSync('scenarios/default.json', 'utf8')) as Saved;
    const url = saved.requests.find((q) => q.id === saved.view.selectedRequest)!.url;
    const r = cli(['trace', 'scenarios/default.json', '--from', 'external', '--url', url, '--json'], {});
    expect(r.code).toBe(0);
    type JsonHop = {
      place: { kind: string; node?: string };
      action: string;
      after: { dst: string; dstPort: number };
      rules: { artifact: string; text: string }[];
      explanation: { params: Record<string, string> };
    };
    const hops = (JSON.parse(r.stdout) as { results: { hops: JsonHop[] }[] }).results[0]!.hops;
    const lb = hops.findIndex((h) => h.place.kind === 'load-balancer' && h.explanation.params.node !== undefined);
    expect(lb).toBeGreaterThan(0);
    const node = hops[lb]!.explanation.params.node!;
    expect(hops[lb]!.after.dstPort).toBeGreaterThanOrEqual(30000);
    const nodePort = hops[lb]!.after.dstPort;
    expect(hops[lb]!.rules.at(-1)!.text).toMatch(new RegExp(`target ${node} \\S+:${nodePort} in service`));
    const dnat = hops.findIndex((h, i) => i > lb && h.action === 'dnat');
    expect(hops[dnat]!.place.node).toBe(node);
    expect(hops[dnat]!.rules.at(-1)!.text).toContain('-j DNAT');
    const ctrl = hops.findIndex((h, i) => i > dnat && h.place.kind === 'controller');
    const pod = hops.findIndex((h, i) => i > ctrl && h.place.kind === 'pod' && h.action === 'deliver');
    expect(ctrl).toBeGreaterThan(dnat);
    expect(pod).toBeGreaterThan(ctrl);
  });
});

describe('kube-proxy modes by Kubernetes version', () => {
  const traceWeb = (...flags: string[]) => cli(traceArgs(client, 'http://web/', '--json', ...flags));

  it('--mode userspace without a version runs 1.25, the last version that had it, and says so', () => {
    const r = traceWeb('--mode', 'userspace');
    expect(r.stderr).toContain(
      "note: kube-proxy's userspace mode was removed in Kubernetes 1.26: running Kubernetes 1.25",
    );
    expect(JSON.parse(r.stdout).results[0]).toMatchObject({ outcome: 'response', status: 200, service: 'default/web' });
  });

  it('--mode userspace on an explicit 1.35 shows kube-proxy failing to start and names the node', () => {
    const r = traceWeb('--mode', 'userspace', '--set', 'kubernetesVersion=1.35');
    expect(r.stderr).not.toContain('note:');
    const res = JSON.parse(r.stdout).results[0];
    expect(res.outcome).toBe('timeout');
    expect(res.fault.message).toMatch(
      /^kube-proxy is not running on node n1: KubeProxyConfiguration\.ProxyMode: Invalid value: "userspace"/,
    );
    const rules = cli(['rules', 'web.yaml', '--mode', 'userspace', '--set', 'kubernetesVersion=1.35']);
    expect(rules.stderr).toContain(
      'Warning FailedToStart: Error running ProxyServer: KubeProxyConfiguration.ProxyMode: Invalid value: "userspace"',
    );
  });

  it('validate reports the version it chose for userspace as an inferred setting', () => {
    const settings = { kubeProxy: { mode: 'userspace' } };
    const file = JSON.stringify({ format: 'netlab.scenario', version: 1, settings, objects: [] });
    const r = cli(['validate', 'us.json'], { 'us.json': file });
    expect(r.stdout).toContain('inferred kubernetesVersion = 1.25');
  });
});
