import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenarioText } from '../../scenario';
import { appliedObjects, buildEditedLab } from '../../sim/assembly/edits';
import type { Lab } from '../../sim/assembly/lab';
import { newTraceSession, parseConnect, parseSource, trace } from '../../sim/trace/trace';
import { runCommand } from '../commands';
import type { Scenario } from '../types';
import { complete, defaultShell, errorIn, eventRowReason, mergePatch, needsMoreInput, outputIn, prompt, run, splitInput, splitWords, type ConsoleEnv, type Shell } from './engine';

function scenarioOf(file: string): Scenario {
  const r = loadScenarioText(file, readFileSync(join(__dirname, '../../../scenarios', file), 'utf8'));
  if (!r.ok) throw new Error('load');
  return r.scenario;
}

const labFor = (s: Scenario): Lab => buildEditedLab({ settings: s.settings, objects: s.objects, clients: s.clients, edits: s.edits });

function envFor(s: Scenario, shell?: Shell): ConsoleEnv {
  const lab = labFor(s);
  const session = newTraceSession(s.settings.seed);
  return {
    scenario: s,
    lab,
    shell: shell ?? defaultShell(lab),
    labFor,
    trace: (r) => {
      const from = parseSource(r.from);
      if ('error' in from) throw new Error(from.error);
      const connect = r.connect ? parseConnect(r.connect) : undefined;
      if (connect && 'error' in connect) throw new Error(connect.error);
      return trace({ ...lab, clients: [...s.clients] }, { from, url: r.url, method: r.method, headers: r.headers, connect }, session);
    },
  };
}

const base = scenarioOf('default.json');

/** The user's objects as the lab runs them after the scenario's edits. */
const objectsOf = (s: Scenario) => appliedObjects(labFor(s));

/** Runs a line and, for a change, the scenario after it (as the store would commit it). */
function exec(line: string, s = base, shell?: Shell) {
  const r = run(envFor(s, shell), line);
  const next = r.command ? runCommand(s, r.command).next : s;
  return { ...r, next };
}

describe('words and input', () => {
  it.each([
    ['kubectl get pods', ['kubectl', 'get', 'pods']],
    [`curl -H 'Host: a b' "http://x/"`, ['curl', '-H', 'Host: a b', 'http://x/']],
    [`kubectl patch svc web -p '{"spec":{"type":"NodePort"}}'`, ['kubectl', 'patch', 'svc', 'web', '-p', '{"spec":{"type":"NodePort"}}']],
    ['a\\ b c', ['a b', 'c']],
  ])('%s', (line, words) => expect(splitWords(line)).toEqual(words));

  it('reads a heredoc as standard input', () => {
    expect(splitInput('kubectl apply -f - <<EOF\nkind: X\nEOF')).toEqual({ line: 'kubectl apply -f -', stdin: 'kind: X' });
    expect(needsMoreInput('kubectl apply -f - <<EOF\nkind: X')).toBe(true);
    expect(needsMoreInput('kubectl apply -f - <<EOF\nkind: X\nEOF')).toBe(false);
    expect(needsMoreInput('kubectl get pods')).toBe(false);
  });

  it('merge patch follows RFC 7386', () => {
    expect(mergePatch({ a: 1, b: { c: 2, d: 3 } }, { b: { c: null, e: 4 }, f: [1] })).toEqual({ a: 1, b: { d: 3, e: 4 }, f: [1] });
  });
});

describe('kubectl', () => {
  it('get pods lists the Deployment\'s pods in kubectl\'s columns', () => {
    const r = exec('kubectl get pods');
    expect(r.out).toMatch(/^NAME\s+READY\s+STATUS/);
    expect(r.out).toMatch(/web-/);
  });

  it('get -l picks by label (pflag\'s -lkey=value too) and describe without a name describes them all', () => {
    for (const line of ['kubectl get pods -l app=web', 'kubectl get pods -lapp=web', 'kubectl get pods --selector=app=web']) {
      expect(exec(line).out.split('\n').filter((l) => l.startsWith('web-'))).toHaveLength(2);
    }
    expect(exec('kubectl get pods -l app=nope').out).toBe('No resources found in default namespace.\n');
    expect(exec('kubectl get pods -owide -n=default').out).toMatch(/^NAME .* IP +NODE /);
    expect(exec('kubectl get events --sort-by=.metadata.creationTimestamp').out).toMatch(/^LAST SEEN +TYPE/);
    expect(exec("kubectl get svc web -o jsonpath='{.spec.ports[0].nodePort}'").out).toBe('30080');
    expect(exec('kubectl get pods -o custom-columns=NAME:.metadata.name,NODE:.spec.nodeName').out)
      .toMatch(/^NAME {3,}NODE\nweb-\S+ +node-\d\n/);
    expect(exec('kubectl get pods -o jsonpath').err).toBe('error: template format specified but no template given\n');
    expect(exec('kubectl get pods --field-selector status.phase=Running').out.match(/^web-/gm)).toHaveLength(2);
    expect(exec("kubectl get pods -l 'app in (web)' -L app,pod-template-hash").out).toMatch(/^NAME .* APP +POD-TEMPLATE-HASH\n/);
    expect(exec('kubectl describe pods').out.match(/^Name: +web-/gm)).toHaveLength(2);
    const deleted = exec('kubectl delete pods -l app=web');
    expect(deleted.out.match(/^pod "web-[a-z0-9-]+" deleted$/gm)).toHaveLength(2);
    expect(exec('kubectl delete svc -l app=nope').out).toBe('No resources found\n');
    expect(exec('kubectl describe pod web -l app=web').err).toContain(
      'error: name cannot be provided when a selector is specified',
    );
  });

  it.each([
    ['kubectl get svc nope', 'Error from server (NotFound): services "nope" not found'],
    ['kubectl get widgets', `error: the server doesn't have a resource type "widgets"`],
    ['kubectl delete svc nope', 'Error from server (NotFound): services "nope" not found'],
    ['kubectl scale deployment web', 'error: required flag(s) "replicas" not set'],
    [
      'kubectl scale deployment web --replicas=abc',
      'error: invalid argument "abc" for "--replicas" flag: strconv.ParseInt: parsing "abc": invalid syntax',
    ],
    [
      'kubectl scale deployment web --replicas=-1',
      'error: The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0',
    ],
    ['kubectl frobnicate', 'error: unknown command "frobnicate" for "kubectl"'],
    ['kubectl get pods --foo', "error: unknown flag: --foo\nSee 'kubectl get --help' for usage."],
    ['kubectl get pods -x', "error: unknown shorthand flag: 'x' in -x\nSee 'kubectl get --help' for usage."],
    ['kubectl get pods -w', "error: the lab's console does not take -w for kubectl get"],
    ['kubectl describe pods --field-selector=status.phase=Running', 'does not take --field-selector for kubectl describe'],
    ['kubectl logs web', 'error: the lab\'s console does not run "kubectl logs"'],
    ['ping 10.96.0.10', 'ping: the lab traces TCP (and DNS over UDP), not ICMP.'],
  ])('%s says %s', (line, err) => {
    const r = exec(line);
    expect(r.err).toContain(err);
    expect(r.command).toBeUndefined();
  });

  it('scale changes replicas and shows the controllers\' events', () => {
    const r = exec('kubectl scale deployment web --replicas=5');
    expect(r.out).toBe('deployment.apps/web scaled\n');
    expect(r.events.some((e) => /ScalingReplicaSet|SuccessfulCreate/.test(e))).toBe(true);
    const d = objectsOf(r.next).find((o) => o.kind === 'Deployment') as { spec: { replicas: number } };
    expect(d.spec.replicas).toBe(5);
  });

  it('edit --set changes a Service type; the apiserver refuses a bad one in its words', () => {
    const refused = exec('kubectl edit svc web --set spec.type=ClusterIP');
    expect(refused.err).toBe("Error from server (Invalid): The Service \"web\" is invalid: spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'\n");
    expect(refused.command).toBeUndefined();
    const good = exec('kubectl edit svc web --set spec.type=ClusterIP --set spec.ports[0].nodePort=null');
    expect(good.err).toBe('');
    expect((objectsOf(good.next).find((o) => o.kind === 'Service') as { spec: { type: string } }).spec.type).toBe('ClusterIP');
    const bad = exec('kubectl edit svc web --set spec.ports[0].nodePort=80');
    expect(bad.err).toMatch(/^Error from server \(Invalid\): The Service "web" is invalid: spec\.ports\[0\]\.nodePort/);
    expect(bad.command).toBeUndefined();
  });

  it('delete refuses the namespaces a cluster needs, in the apiserver\'s words, and takes a namespace\'s content along', () => {
    for (const ns of ['default', 'kube-system', 'kube-public']) {
      const r = exec(`kubectl delete namespace ${ns}`);
      expect(r.err).toBe(`Error from server (Forbidden): namespaces "${ns}" is forbidden: this namespace may not be deleted\n`);
      expect(r.command).toBeUndefined();
    }
    const r = exec('kubectl delete namespace ingress-nginx');
    expect(r.out).toBe('namespace "ingress-nginx" deleted\n');
    const lab = labFor(r.next);
    expect(lab.cluster.services.map((x) => x.metadata.namespace)).not.toContain('ingress-nginx');
    expect(lab.cluster.pods.map((x) => x.metadata.namespace)).not.toContain('ingress-nginx');
  });

  it('reports a refusal again when the same bad manifest is applied again', () => {
    const svc = objectsOf(base).find((o) => o.kind === 'Service' && o.metadata.name === 'web')!;
    const bad = { ...svc, spec: { ...(svc as { spec: object }).spec, type: 'ClusterIP' } };
    const manifest = JSON.stringify(bad);
    // The scenario already holds the refused manifest (as a file loaded with it would).
    const isWeb = (o: Scenario['objects'][number]) => o.kind === 'Service' && o.metadata.name === 'web';
    const s: Scenario = { ...base, objects: base.objects.map((o) => (isWeb(o) ? bad : o)) };
    expect(labFor(s).problems.map((p) => p.reason)).toContain('Invalid');
    const again = exec(`kubectl apply -f - <<EOF\n${manifest}\nEOF`, s);
    expect(again.err).toMatch(/^Error from server \(Invalid\): The Service "web" is invalid/);
    expect(again.command).toBeUndefined();
  });

  it('patch -p applies a JSON merge patch', () => {
    const r = exec(`kubectl patch svc web -p '{"spec":{"sessionAffinity":"ClientIP"}}'`);
    expect(r.out).toBe('service/web patched\n');
    expect((objectsOf(r.next).find((o) => o.kind === 'Service') as { spec: { sessionAffinity: string } }).spec.sessionAffinity).toBe('ClientIP');
  });

  it('label adds, refuses to overwrite without --overwrite, removes', () => {
    const r = exec('kubectl label deploy web tier=front');
    expect(r.out).toBe('deployment.apps/web labeled\n');
    expect(objectsOf(r.next).find((o) => o.kind === 'Deployment')?.metadata.labels?.tier).toBe('front');
    const again = exec('kubectl label deploy web tier=back', r.next);
    expect(again.err).toContain("'tier' already has a value (front), and --overwrite is false");
    const removed = exec('kubectl label deploy web tier-', r.next);
    expect(objectsOf(removed.next).find((o) => o.kind === 'Deployment')?.metadata.labels?.tier).toBeUndefined();
  });

  it('apply -f - creates a pod, then reports it unchanged', () => {
    const yaml = 'kubectl apply -f - <<EOF\napiVersion: v1\nkind: Pod\nmetadata:\n  name: extra\n  labels: {app: web}\nspec:\n  containers:\n  - name: c\n    image: nginx\nEOF';
    const r = exec(yaml);
    expect(r.err).toBe('');
    expect(r.out).toBe('pod/extra created\n');
    expect(objectsOf(r.next).some((o) => o.kind === 'Pod' && o.metadata.name === 'extra')).toBe(true);
    expect(exec(yaml, r.next).out).toBe('pod/extra unchanged\n');
    expect(objectsOf(exec('kubectl delete pod extra', r.next).next).some((o) => o.metadata.name === 'extra')).toBe(false);
  });

  it("a ReplicaSet's pod deleted is replaced under a new name, and the events say so", () => {
    const pods = (s: Scenario) => labFor(s).cluster.pods.filter((p) => p.metadata.namespace === 'default' && p.metadata.ownerReferences?.[0]?.kind === 'ReplicaSet').map((p) => p.metadata.name);
    const [pod] = pods(base);
    const r = exec(`kubectl delete pod ${pod}`);
    expect(r.err).toBe('');
    expect(r.out).toBe(`pod "${pod}" deleted\n`);
    expect(pods(r.next)).not.toContain(pod);
    expect(pods(r.next)).toHaveLength(pods(base).length);
    expect(r.events.some((e) => /SuccessfulCreate\tpod\/|Created pod: /.test(e))).toBe(true);
    // Undoable, like every change: it is one edit in the log.
    expect(r.next.edits).toEqual([{ kind: 'remove-object', objectKind: 'Pod', namespace: 'default', name: pod }]);
  });

  it("marking a ReplicaSet's pod not ready by its annotation takes it out of the endpoints", () => {
    const lab = labFor(base);
    const pod = lab.cluster.pods.find((p) => p.metadata.namespace === 'default' && p.metadata.ownerReferences?.[0]?.kind === 'ReplicaSet')!;
    const r = exec(`kubectl annotate pod ${pod.metadata.name} netlab.io/ready=false`);
    expect(r.err).toBe('');
    const after = labFor(r.next).cluster.endpointSlices.flatMap((s) => s.endpoints).find((e) => e.targetRef?.name === pod.metadata.name);
    expect(after?.conditions?.ready).toBe(false);
  });

  it("the ingress controller's pod may be deleted (its Deployment restarts it); its Service, which the lab installs, may not", () => {
    const s = scenarioOf('ingress-nodeport-hosts.json');
    const lab = labFor(s);
    const pod = lab.cluster.pods.find((p) => p.metadata.namespace === 'ingress-nginx' && p.metadata.name.startsWith('ingress-nginx-controller'))!;
    const deleted = exec(`kubectl delete pod ${pod.metadata.name} -n ingress-nginx`, s);
    expect(deleted.err).toBe('');
    expect(labFor(deleted.next).cluster.pods.filter((p) => p.metadata.name.startsWith('ingress-nginx-controller'))).toHaveLength(1);
    expect(exec('kubectl delete svc ingress-nginx-controller -n ingress-nginx', s).err).toMatch(/created by the lab's addons/);
  });

  it('an object that is not there is refused in the apiserver words', () => {
    expect(exec('kubectl delete pod nope').err).toBe('Error from server (NotFound): pods "nope" not found\n');
  });

  it("kube-proxy's ConfigMap: mode and scheduler, then ipvsadm shows the new rules (the seed's steps)", () => {
    const r = exec('kubectl edit cm kube-proxy -n kube-system --set mode=ipvs --set ipvs.scheduler=wrr');
    expect(r.out).toBe('configmap/kube-proxy edited\n');
    expect(labFor(r.next).settings.kubeProxy).toMatchObject({ mode: 'ipvs', ipvs: { scheduler: 'wrr' } });
    expect(r.events.some((e) => /ipvs/i.test(e))).toBe(true);
    const restart = exec('kubectl delete pod -l k8s-app=kube-proxy -n kube-system', r.next);
    expect(restart.out).toMatch(/kube-proxy on node-1 restarted/);
    // The lab's words, not kubectl's: in Chinese in the zh page.
    expect(outputIn('zh', restart)).toMatch(/^节点 node-1 上的 kube-proxy 已重启\n[\s\S]*（实验里的 kube-proxy 没有自己的 Pod：它已经按当前的 ConfigMap 运行；模式 ipvs）\n$/);
    expect(exec('ipvsadm -Ln', r.next, { kind: 'node', node: 'node-1' }).out).toMatch(/ wrr/);
    expect(exec('kubectl edit cm kube-proxy -n kube-system --set mode=fast').err).toMatch(/^error: configmaps "kube-proxy": /);
  });

  it('exec moves the shell into a pod', () => {
    const pod = labFor(base).reconcile.cluster.pods.find((p) => p.metadata.namespace === 'default')!.metadata.name;
    expect(exec(`kubectl exec -it ${pod} -- sh`).shell).toEqual({ kind: 'pod', pod: `default/${pod}` });
  });
});

describe("the lab's replicas cap", () => {
  /** Runs a line, counting the labs the shell builds to check a change (a million pods would freeze the tab). */
  function capped(line: string) {
    let built = 0;
    const env = envFor(base);
    const r = run({ ...env, labFor: (s) => (built++, labFor(s)) }, line);
    return { ...r, built };
  }
  const deployment = (replicas: string) => 'kubectl apply -f - <<EOF\napiVersion: apps/v1\nkind: Deployment\n'
    + 'metadata: {name: web, namespace: default, labels: {app: web}}\n'
    + `spec:\n  replicas: ${replicas}\n  selector: {matchLabels: {app: web}}\n`
    + '  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: nginx, image: "nginx:1.27"}]}\nEOF';

  it.each([
    ['kubectl scale deploy web --replicas=1000000', '1000000'],
    ['kubectl scale deployment/web --replicas=1001', '1001'],
    ['kubectl edit deploy web --set spec.replicas=1000000', '1000000'],
    [`kubectl patch deploy web -p '{"spec":{"replicas":1000000}}'`, '1000000'],
  ])('%s is refused in one line that names the lab\'s cap, and nothing changes', (line, asked) => {
    const r = capped(line);
    expect(r.err).toBe(`error: the lab runs at most 1000 replicas per Deployment (asked for ${asked})\n`);
    expect(r.out).toBe('');
    expect(r.command).toBeUndefined();
    expect(r.events).toEqual([]);
    expect(r.built).toBe(0);
  });

  it('apply of a manifest over the cap is refused by the loader, as a file with it would be', () => {
    const r = capped(deployment('1000000'));
    expect(r.err).toBe('error: error validating "STDIN": /spec/replicas: Deployment "web" is invalid, not loaded: '
      + 'spec.replicas: Invalid value: 1000000: the lab runs at most 1000 replicas per workload\n');
    expect(r.command).toBeUndefined();
    expect(r.built).toBe(0);
  });

  it.each([
    ['kubectl scale deploy web --replicas=-1', 'error: The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0\n'],
    [
      'kubectl scale deploy web --replicas=99999999999999999999',
      'error: invalid argument "99999999999999999999" for "--replicas" flag: strconv.ParseInt: parsing "99999999999999999999": '
        + "value out of range\nSee 'kubectl scale -h' for help and examples\n",
    ],
  ])('%s gets kubectl\'s own error', (line, err) => {
    const r = capped(line);
    expect(r.err).toBe(err);
    expect(r.command).toBeUndefined();
    expect(r.built).toBe(0);
  });

  it('a count within the cap still scales', () => {
    const r = capped('kubectl scale deploy web --replicas=3');
    expect(r.err).toBe('');
    expect(r.out).toBe('deployment.apps/web scaled\n');
    expect(r.command).toEqual({ kind: 'set-replicas', namespace: 'default', name: 'web', replicas: 3 });
  });
});

describe('shell tools', () => {
  it('curl runs the tracer from the shell and prints who answered', () => {
    const r = exec('curl http://web.default.svc.cluster.local/');
    expect(r.trace?.request.from).toMatch(/^pod:default\/web-/);
    expect(r.trace?.result.outcome).toBe('response');
    expect(r.out).toMatch(/answered by pod default\/web-/);
  });

  it("the console's own lines read in the page's language; a program's output and piped text stay as printed", () => {
    const r = exec('curl http://web.default.svc.cluster.local/');
    expect(outputIn('en', r)).toBe(r.out);
    const zh = outputIn('zh', r);
    expect(zh).toMatch(/^由 Pod default\/web-\S+ 应答；它看到的客户端地址是 [\d.]+（经由 Service default\/web）\n$/);
    const piped = exec('curl http://web.default.svc.cluster.local/ | grep pod');
    expect(piped.prose).toBeUndefined();
    expect(outputIn('zh', piped)).toBe(piped.out);
    const help = exec('help');
    expect(help.out).toMatch(/runs the controllers and lists their events; undo reverts it\.\n$/);
    expect(outputIn('zh', help)).toMatch(/^ {2}kubectl get[\s\S]*撤销可以还原。\n$/);
    expect(outputIn('zh', help)).not.toMatch(/Commands|reverts/);
  });

  it("ping gets the lab's note, not ping's output: in the reader's language, through a pipe too", () => {
    const r = exec('ping 10.96.0.10');
    expect(errorIn('en', r)).toBe(r.err);
    const zh = errorIn('zh', r);
    expect(zh).toMatch(/^ping：实验追踪的是 TCP[\s\S]*curl http:\/\/ADDRESS:PORT\/\n$/);
    // Nothing English left but identifiers and commands.
    expect(zh.replace(/ping|kube-proxy|kube-ipvs0|ClusterIP|iptables|nftables|IPVS|TCP|UDP|DNS|ICMP|curl http:\/\/ADDRESS:PORT\//g, ''))
      .not.toMatch(/[A-Za-z]{3,}/);
    // Standard error is not piped: the note stays the console's own.
    const piped = exec('ping 10.96.0.10 | grep x');
    expect(errorIn('zh', piped)).toMatch(/^ping：实验追踪的是 TCP/);
  });

  it("the lab's own refusals (its replica cap, curl's cookie files) are in the reader's language", () => {
    const cap = exec('kubectl scale deploy web --replicas=5000');
    expect(errorIn('en', cap)).toBe('error: the lab runs at most 1000 replicas per Deployment (asked for 5000)\n');
    expect(errorIn('zh', cap)).toBe('错误：本实验每个 Deployment 最多运行 1000 个副本（这里要求 5000 个）\n');
    const jar = exec('curl -c jar.txt http://web.default.svc.cluster.local/');
    expect(errorIn('en', jar)).toMatch(/^curl: -c: the lab's shell keeps no cookie files/);
    expect(errorIn('zh', jar)).toMatch(/^curl：-c：实验的命令行不保存 Cookie 文件/);
    const pairs = exec('curl -b jar.txt http://web.default.svc.cluster.local/');
    expect(errorIn('zh', pairs)).toMatch(/^curl：这里的 -b 只接受 name=value 形式的 Cookie/);
    for (const r of [cap, jar, pairs]) expect(r.out).toBe('');
  });

  // The lab speaking about its own limits, in a tool's format: [line, where, English as printed, Chinese on the page].
  const onNode: Shell = { kind: 'node', node: 'node-1' };
  const outside: Shell = { kind: 'external', client: 'internet' };
  it.each<[string, Shell | undefined, string, string]>([
    ['ip route', outside, "ip: internet is outside the lab: the lab models the nodes' and pods' network only", 'ip：internet 在实验之外：实验只模拟节点和 Pod 的网络'],
    ['ip route', { kind: 'pod', pod: 'default/nope' }, 'ip: pod default/nope is not running on a node', 'ip：Pod default/nope 没有在任何节点上运行'],
    ['ip route', { kind: 'node', node: 'nope' }, 'ip: node nope is not in the cluster', 'ip：节点 nope 不在集群里'],
    ['ip route get fe80::1', onNode, 'ip: the lab routes IPv4 only; ask for one address, not "fe80::1"', 'ip：本实验只路由 IPv4；请查询单个地址，而不是 "fe80::1"'],
    ['ip route get 10.0.0.1 iif eth0', undefined, "ip: the lab's ip route get takes [to] ADDRESS [from ADDRESS], not iif", 'ip：本实验的 ip route get 只接受 [to] ADDRESS [from ADDRESS]，不接受 iif'],
    ['ip route show table 99', onNode, 'Error: argument "table 99" is wrong: the lab\'s nodes have the tables main and local', '错误：参数 "table 99" 不对：实验里的节点只有 main 和 local 两张路由表'],
    ['kubectl rollout status deploy/web', undefined,
      'error: the lab\'s console does not run "kubectl rollout" (it models the network, not containers or rollouts); kubectl here runs get, describe, apply, create, delete, scale, label, annotate, edit, patch and exec',
      '错误：实验的控制台不运行 "kubectl rollout"（它模拟的是网络，不是容器或滚动更新）；这里的 kubectl 只运行 get、describe、apply、create、delete、scale、label、annotate、edit、patch 和 exec'],
    ['kubectl scale svc web --replicas=2', undefined, 'error: the lab scales Deployments and StatefulSets, not service',
      '错误：本实验只扩缩 Deployment 和 StatefulSet，不扩缩 service'],
    ['kubectl edit svc web', undefined,
      'error: the console edits with structured changes: kubectl edit service web --set spec.type=NodePort, or -p \'{"spec":{"type":"NodePort"}}\' (a JSON merge patch)',
      '错误：控制台用结构化的更改来编辑：kubectl edit service web --set spec.type=NodePort，或 -p \'{"spec":{"type":"NodePort"}}\'（JSON 合并补丁）'],
    ['kubectl edit svc web --set foo', undefined, 'error: --set takes path=value, not "foo"', '错误：--set 接受 path=value 形式，而不是 "foo"'],
    ['kubectl edit cm kube-proxy -n kube-system --set x', undefined, 'error: --set takes path=value, not "x"', '错误：--set 接受 path=value 形式，而不是 "x"'],
    ['kubectl edit svc web --set .=1', undefined, 'error: empty path', '错误：路径为空'],
    ['kubectl edit svc web --set spec.ports[5].port=1', undefined, 'error: spec.ports[5]: no such element', '错误：spec.ports[5]：没有这个元素'],
    ['kubectl edit svc web --set metadata.name.x=1', undefined, 'error: metadata.name: not an object', '错误：metadata.name：不是对象'],
    ['kubectl edit svc web --set spec.selector[0]=x', undefined, 'error: spec.selector[0]: not a list', '错误：spec.selector[0]：不是列表'],
    [`kubectl patch svc web -p '{"kind":"Pod"}'`, undefined, 'error: service "web": the kind and name of an object cannot change', '错误：service "web"：对象的类型和名称不能更改'],
    ['kubectl edit cm kube-proxy -n kube-system', undefined,
      "error: edit kube-proxy's configuration with --set, e.g. kubectl edit cm kube-proxy -n kube-system --set mode=ipvs --set ipvs.scheduler=wrr",
      '错误：请用 --set 编辑 kube-proxy 的配置，例如 kubectl edit cm kube-proxy -n kube-system --set mode=ipvs --set ipvs.scheduler=wrr'],
    ['kubectl apply -f x.yaml', undefined,
      'error: the console reads manifests from standard input only: kubectl apply -f - <<EOF, then the YAML, then EOF',
      '错误：控制台只从标准输入读取清单：kubectl apply -f - <<EOF，接着是 YAML，最后是 EOF'],
    ['curl ftp://x/', undefined, 'curl: the lab traces HTTP and HTTPS requests; it does not model ftp://', 'curl：本实验追踪 HTTP 和 HTTPS 请求，不模拟 ftp://'],
    ['curl http://[::1]/', undefined, 'curl: host [::1] in "http://[::1]/" is an IPv6 address: the lab models IPv4 only', 'curl：URL "http://[::1]/" 中的主机 [::1] 是 IPv6 地址：本实验只模拟 IPv4'],
    ['curl -H nocolon http://web/', undefined, 'curl: -H takes \'Name: value\', not "nocolon"', 'curl：-H 接受 \'Name: value\' 形式，而不是 "nocolon"'],
    ['iptables-save', undefined,
      "iptables-save: kube-proxy's rules live in the node's network namespace: switch the console to a node first (shell node <name>)",
      'iptables-save：kube-proxy 的规则在节点的网络命名空间里：请先把控制台切换到一个节点（shell node <name>）'],
    ['ipvsadm -Ln', onNode, 'ipvsadm: nothing to show: kube-proxy on node-1 runs in iptables mode', 'ipvsadm：没有可显示的内容：node-1 上的 kube-proxy 运行在 iptables 模式'],
    ['nft list ruleset', { kind: 'node', node: 'nope' }, 'nft: node nope is not in the cluster', 'nft：节点 nope 不在集群里'],
    ['cat /etc/resolv.conf', outside, 'cat: /etc/resolv.conf: internet is not part of the lab', 'cat：/etc/resolv.conf：internet 不属于本实验'],
    ['dig web.default.svc.cluster.local', outside,
      ";; the internet resolver does not know the cluster's DNS: web.default.svc.cluster.local is only resolvable inside the cluster",
      ';; internet 的解析器不知道集群的 DNS：web.default.svc.cluster.local 只能在集群内部解析'],
    ['shell client nope', undefined, 'shell: no external client "nope" (clients: internet, laptop)', 'shell：没有名为 "nope" 的外部客户端（客户端：internet、laptop）'],
    // Standard error is not piped: the lab's words stay its own through a pipeline.
    ['ip route get fe80::1 | grep x', onNode, 'ip: the lab routes IPv4 only; ask for one address, not "fe80::1"', 'ip：本实验只路由 IPv4；请查询单个地址，而不是 "fe80::1"'],
    // A program's own words stay as it printed them; the lab's hint after them is the reader's.
    ['rm -rf /', undefined, 'bash: rm: command not found (try: help)', 'bash: rm: command not found（输入 help 查看控制台能运行的命令）'],
    ['kubectl get pods | awk x', undefined,
      'bash: awk: command not found (after a |, the console runs grep, head, tail, wc, sort, uniq)',
      'bash: awk: command not found（在 | 之后，控制台只运行 grep, head, tail, wc, sort, uniq）'],
    ['curl http://203.0.113.250/', undefined,
      'curl: (7) Failed to connect to 203.0.113.250 port 80: No route to host\n  (no route to 203.0.113.250: Traffic to the Internet is outside this lab.)',
      'curl: (7) Failed to connect to 203.0.113.250 port 80: No route to host\n  （没有通往 203.0.113.250 的路由：发往互联网的流量不在这个实验环境之内。）'],
    ['curl http://10.96.0.1:9/', onNode,
      'curl: (28) Failed to connect to 10.96.0.1 port 9: Connection timed out\n  (Service default/kubernetes has no port 9/TCP (it serves 443/TCP); a ClusterIP answers only on its Service ports)',
      'curl: (28) Failed to connect to 10.96.0.1 port 9: Connection timed out\n  （Service default/kubernetes 没有端口 9/TCP（它提供的是 443/TCP）；ClusterIP 只在 Service 的端口上应答）'],
    ['shell', undefined, 'usage: shell pod <ns>/<name> | shell node <name> | shell client <name>', '用法：shell pod <ns>/<name> | shell node <name> | shell client <name>'],
    // What the scenario layer refuses (a kube-proxy setting, a manifest) is in its table's words, both languages.
    ['kubectl edit cm kube-proxy -n kube-system --set ipvs.scheduler=fast', undefined,
      'error: configmaps "kube-proxy": --set kubeProxy.ipvs.scheduler: Unsupported value: "fast": supported values: "rr", "wrr", "lc", "wlc", "sh", "dh", "sed", "nq"',
      '错误：configmaps "kube-proxy"：--set kubeProxy.ipvs.scheduler：不支持的值 "fast"：支持的值为 "rr", "wrr", "lc", "wlc", "sh", "dh", "sed", "nq"'],
    ['kubectl edit cm kube-proxy -n kube-system --set ipvs=rr', undefined,
      'error: configmaps "kube-proxy": "kubeProxy.ipvs" is a group of settings; set one of: kubeProxy.ipvs.scheduler, kubeProxy.ipvs.modulesLoaded',
      '错误：configmaps "kube-proxy"："kubeProxy.ipvs" 是一组设置；请设置其中一项：kubeProxy.ipvs.scheduler, kubeProxy.ipvs.modulesLoaded'],
    ['kubectl apply -f - <<EOF\napiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {ports: [{port: 80, protocol: SCTPX}]}\nEOF', undefined,
      'error: error validating "STDIN": /spec/ports/0/protocol: Service "s" is invalid, not loaded: spec.ports[0].protocol: Unsupported value: "SCTPX": supported values: "TCP", "UDP", "SCTP"',
      'error: error validating "STDIN": /spec/ports/0/protocol: Service "s" 无效，未载入：spec.ports[0].protocol：不支持的值 "SCTPX"：支持的值为 "TCP", "UDP", "SCTP"'],
  ])("the lab's own words: %s", (line, shell, en, zh) => {
    const r = exec(line, base, shell);
    expect(r.err).toBe(`${en}\n`);
    expect(errorIn('en', r)).toBe(r.err);
    expect(errorIn('zh', r)).toBe(`${zh}\n`);
    expect(r.out).toBe('');
  });

  it("a filter's hint after a command's own error: both programs' words as printed, around the lab's in Chinese", () => {
    const r = exec('kubectl get svc nope | awk x | grep');
    const kubectl = 'Error from server (NotFound): services "nope" not found\n';
    const grep = "Usage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information.\n";
    expect(r.err).toBe(`${kubectl}bash: awk: command not found (after a |, the console runs grep, head, tail, wc, sort, uniq)\n${grep}`);
    expect(errorIn('en', r)).toBe(r.err);
    expect(errorIn('zh', r)).toBe(`${kubectl}bash: awk: command not found（在 | 之后，控制台只运行 grep, head, tail, wc, sort, uniq）\n${grep}`);
    // The console's words before it (ping's note) are the reader's too.
    const ping = exec('ping 10.96.0.10 | awk');
    expect(errorIn('zh', ping)).toMatch(/^ping：实验追踪的是 TCP[\s\S]*\nbash: awk: command not found（在 \| 之后/);
  });

  it("reads curl's options as curl does: combined shorts, values in the next word, -w, -f, -L, --resolve", () => {
    const web = 'http://web.default.svc.cluster.local/';
    // -L and --max-time used to take the URL or leave their value as one.
    for (const line of [`curl -sSL ${web}`, `curl --max-time 2 ${web}`, `curl -m2 -k ${web}`]) {
      expect(exec(line).prose?.[0]?.note).toMatchObject({ key: 'note.shell.curl' });
    }
    expect(exec(`curl -o /dev/null -s -w '%{http_code}\\n' ${web}`).out).toMatch(/^200\n/);
    expect(exec(`curl -s -w '[%{http_code}]' http://nope/`).out).toBe('[000]');
    const posted = exec(`curl -d a=b ${web}`);
    expect(posted.trace?.request.method).toBe('POST');
    expect(exec(`curl -I ${web}`).trace?.request.method).toBe('HEAD');
    expect(exec(`curl -A probe/1 -u ana:pw ${web}`).trace?.request.headers).toEqual({
      'User-Agent': 'probe/1',
      Authorization: `Basic ${btoa('ana:pw')}`,
    });
    expect(exec(`curl -Q ${web}`).err).toBe("curl: option -Q: is unknown\ncurl: try 'curl --help' or 'curl --manual' for more information\n");
    expect(exec(`curl ${web} --max-time`).err).toMatch(/^curl: option --max-time: requires parameter\n/);
    expect(errorIn('zh', exec(`curl -x http://p:3128 ${web}`))).toMatch(/^curl：实验的 curl 不模拟 --proxy/);

    const outside: Shell = { kind: 'external', client: 'laptop' };
    const notFound = exec('curl -f http://shop.example.com/nothing', scenarioOf('ingress-404-vs-503.json'), outside);
    expect(notFound).toMatchObject({ status: 22, err: 'curl: (22) The requested URL returned error: 404\n' });
    const gw = scenarioOf('gateway-redirect-rewrite.json');
    const internet: Shell = { kind: 'external', client: 'internet' };
    const moved = exec('curl -sL --connect-to gateway:default/gw http://shop.example.com/cart', gw, internet);
    expect(moved.prose?.map((p) => p.note?.key)).toEqual(['note.shell.curl', 'note.shell.curlNoFollow']);
    // --resolve HOST:PORT:ADDRESS connects there, as --connect-to ADDRESS:PORT would.
    const node = labFor(base).cluster.nodes[0]!.status!.addresses![0]!.address;
    const resolved = exec(`curl --resolve web.example.com:30080:${node} http://web.example.com:30080/`, base, outside);
    expect(resolved.trace?.request.connect).toBe(`${node}:30080`);
  });

  it("curl's resolve error as curl prints it, then the trace's fault in the reader's language", () => {
    const r = exec('curl http://nope/');
    expect(r.err).toBe('curl: (6) Could not resolve host: nope\n  (nope: NXDOMAIN (tried nope.default.svc.cluster.local., '
      + 'nope.svc.cluster.local., nope.cluster.local., nope.))\n');
    expect(errorIn('zh', r)).toBe('curl: (6) Could not resolve host: nope\n  （nope：NXDOMAIN（尝试了 nope.default.svc.cluster.local.、'
      + 'nope.svc.cluster.local.、nope.cluster.local.、nope.））\n');
    expect(r.trace?.result.outcome).toBe('nxdomain');
  });

  it("an addon's object is refused in the lab's words, in the reader's language", () => {
    const r = exec('kubectl delete svc ingress-nginx-controller -n ingress-nginx', scenarioOf('ingress-nodeport-hosts.json'));
    expect(errorIn('en', r)).toBe('error: service "ingress-nginx-controller" is created by the lab\'s addons, not written in the scenario: change the lab settings instead\n');
    expect(errorIn('zh', r)).toBe('错误：service "ingress-nginx-controller" 由实验的插件创建，不是场景里写的：请改为修改实验设置\n');
  });

  it("kubectl alone and help say where each command runs in the reader's language; the commands stay as typed", () => {
    const k = exec('kubectl');
    expect(outputIn('en', k)).toBe("kubectl controls the lab's cluster.\n\nCommands: get, describe, apply -f -, create -f -, delete, scale, label, annotate, edit --set, patch -p, exec\n");
    expect(outputIn('zh', k)).toBe('kubectl 操作实验里的集群。\n\n命令：get, describe, apply -f -, create -f -, delete, scale, label, annotate, edit --set, patch -p, exec\n');
    const help = exec('help');
    expect(help.out).toContain('  iptables-save    ipvsadm -Ln    nft list ruleset        (on a node)\n  ip route [show table all] | ip route get ADDRESS | ip -4 addr   (on a node or in a pod)\n  cat /etc/nginx/nginx.conf');
    const zh = outputIn('zh', help);
    expect(zh).toContain('  iptables-save    ipvsadm -Ln    nft list ruleset        （在节点上）\n  ip route [show table all] | ip route get ADDRESS | ip -4 addr   （在节点上或 Pod 里）\n  cat /etc/nginx/nginx.conf');
    expect(zh).not.toMatch(/on a node|in a pod/);
  });

  it('kubectl get events names the reasons it lists, for the page to gloss; not once piped or as YAML', () => {
    const changed = exec('kubectl scale deployment web --replicas=5').next;
    const r = exec('kubectl get events', changed);
    expect(r.out).toMatch(/^LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+MESSAGE\n/);
    expect(r.eventReasons).toContain('ScalingReplicaSet');
    expect(new Set(r.eventReasons).size).toBe(r.eventReasons!.length);
    for (const reason of r.eventReasons!) expect(r.out).toContain(reason);
    expect(exec('kubectl get pods,events', changed).eventReasons).toContain('ScalingReplicaSet');
    expect(exec('kubectl get events | grep Scaling', changed).eventReasons).toBeUndefined();
    expect(exec('kubectl get events -o yaml', changed).eventReasons).toBeUndefined();
    expect(exec('kubectl get pods', changed).eventReasons).toBeUndefined();
    // A change's own events, as rows, carry their reason in the second column.
    const scaled = exec('kubectl scale deployment web --replicas=4');
    expect(scaled.events.map(eventRowReason)).toContain('ScalingReplicaSet');
  });

  it('curl to an unknown name fails in curl\'s words', () => {
    expect(exec('curl http://nope.default.svc.cluster.local/').err).toMatch(/^curl: \(6\) Could not resolve host: nope\.default\.svc\.cluster\.local/);
  });

  // curl 8.x (libcurl's lib/urlapi.c up to 8.21) refuses these before it resolves or connects: exit 3.
  it.each([
    ['curl http://web.example.com:70000/', 'URL rejected: Port number was not a decimal number between 0 and 65535'],
    ['curl http://web:80a/', 'URL rejected: Port number was not a decimal number between 0 and 65535'],
    ['curl http://web:-1/', 'URL rejected: Port number was not a decimal number between 0 and 65535'],
    ['curl web:8080x', 'URL rejected: Port number was not a decimal number between 0 and 65535'],
    ['curl ::::', 'URL rejected: Port number was not a decimal number between 0 and 65535'],
    ['curl http:///', 'URL rejected: No host part in the URL'],
    ['curl http://:80/', 'URL rejected: No host part in the URL'],
    ['curl http://', 'URL rejected: No host part in the URL'],
    ['curl "http://we b/"', 'URL rejected: Malformed input to a URL function'],
    ['curl http://web!/', 'URL rejected: Bad hostname'],
    ['curl http://[::1/', 'URL rejected: Bad IPv6 address'],
    ['curl http:////web/', 'URL rejected: Unsupported number of slashes following scheme'],
  ])('%s is rejected as curl rejects it, and nothing is traced', (line, why) => {
    const r = exec(line);
    expect(r.err).toBe(`curl: (3) ${why}\n`);
    expect(r.out).toBe('');
    expect(r.status).toBe(3);
    expect(r.trace).toBeUndefined();
    expect(r.command).toBeUndefined();
  });

  it('curl names a scheme it does not know, exit 1; one it knows but the lab does not model is the lab\'s to say', () => {
    const r = exec('curl foo://web/');
    expect(r.err).toBe('curl: (1) Protocol "foo" not supported\n');
    expect(r.status).toBe(1);
    expect(r.trace).toBeUndefined();
    const ftp = exec('curl ftp.example.com');
    expect(ftp.err).toBe('curl: the lab traces HTTP and HTTPS requests; it does not model ftp://\n');
    expect(ftp.trace).toBeUndefined();
  });

  // URLs curl takes that the lab read wrongly (checked against curl 7.88 and nginx): a login is not
  // the host, port 0 is tried like any port, and an IPv6 literal is what the lab does not model.
  it('curl sends a URL\'s login as Authorization: Basic and connects to the host after "@"', () => {
    for (const [url, auth] of [['http://user:pw@web.default.svc/', 'dXNlcjpwdw=='], ['http://user@web.default.svc/', 'dXNlcjo=']]) {
      const r = exec(`curl ${url}`);
      expect(r.err).toBe('');
      expect(r.trace?.result.status).toBe(200);
      expect(r.trace?.result.backend?.host).toBe('web.default.svc');
      expect(r.trace?.result.backend?.headers).toMatchObject({ Host: 'web.default.svc', Authorization: `Basic ${auth}` });
    }
  });

  it('curl tries port 0 and nothing answers there, in curl\'s words', () => {
    const r = exec('curl http://web.default.svc.cluster.local:0/');
    expect(r.trace?.result.outcome).not.toBe('response');
    expect(r.err).toMatch(/^curl: \((7|28)\) Failed to connect to web\.default\.svc\.cluster\.local port 0: /);
    expect(r.trace?.result.fault?.note?.key).not.toBe('note.request.port');
  });

  it('curl to an IPv6 literal: the lab says it models IPv4 only, and traces nothing', () => {
    for (const url of ['http://[::1]/', 'http://[fd00::1]:8080/x', 'http://user@[::1]/']) {
      const r = exec(`curl ${url}`);
      const host = /\[[^\]]+\]/.exec(url)![0];
      expect(r.err).toBe(`curl: host ${host} in "${url}" is an IPv6 address: the lab models IPv4 only\n`);
      expect(r.trace).toBeUndefined();
    }
  });

  it('curl still takes a URL with a trailing colon, no scheme, or upper-case scheme', () => {
    for (const url of ['http://web.default.svc.cluster.local:/', 'web.default.svc.cluster.local', 'HTTP://web.default.svc.cluster.local/']) {
      const r = exec(`curl ${url}`);
      expect(r.err).toBe('');
      expect(r.trace?.result.outcome).toBe('response');
    }
  });

  // curl sends whatever -X says, as typed; the first HTTP server to read the request line answers 400
  // Bad Request when its parser refuses the method, and nothing goes further. The default scenario's
  // web pods run nginx:1.27, whose parser takes only A-Z, '_' and '-': "get" is refused like "???".
  it.each(['???', 'GE(T', 'a/b', 'get', 'Post'])('curl -X %s gets 400 from the first server that reads it', (method) => {
    const r = exec(`curl -X '${method}' http://web.default.svc.cluster.local/`);
    expect(r.err).toBe('');
    expect(r.trace?.result.status).toBe(400);
    expect(r.out).toMatch(/^HTTP 400 from pod default\/web-\S+ \(via Service default\/web\)\n$/);
    const keys = r.trace?.result.hops.map((h) => h.explanation.key) ?? [];
    expect(keys.filter((k) => k === 'hop.http.badMethodNginx')).toHaveLength(1);
    expect(r.trace?.result.backend).toBeNull();
    expect(r.command).toBeUndefined();
  });

  it.each(['???', 'get'])('an ingress controller answers the method %s itself: no backend sees it', (method) => {
    const r = exec(`curl -X '${method}' --connect-to ingress http://web.example.com/`);
    expect(r.trace?.result.status).toBe(400);
    expect(r.trace?.result.backend).toBeNull();
    expect(r.trace?.result.backendPod).toMatch(/^ingress-nginx\/ingress-nginx-controller-/);
  });

  it('a custom method that is a token still goes through', () => {
    const r = exec('curl -X PURGE http://web.default.svc.cluster.local/');
    expect(r.trace?.result.status).toBe(200);
    expect(r.trace?.result.backend?.method).toBe('PURGE');
    expect(r.out).toMatch(/^answered by pod default\/web-/);
  });

  it('iptables-save and nft need a node; on a node they print kube-proxy\'s rules', () => {
    expect(exec('iptables-save').err).toMatch(/switch the console to a node/);
    const node: Shell = { kind: 'node', node: 'node-1' };
    expect(exec('iptables-save', base, node).out).toMatch(/KUBE-SERVICES/);
    expect(exec('ipvsadm -Ln', base, node).err).toMatch(/runs in iptables mode/);
  });

  it('pipes a command\'s output through grep, head and wc; errors still reach the terminal', () => {
    const node: Shell = { kind: 'node', node: 'node-1' };
    const all = exec('iptables-save', base, node).out.split('\n').filter((l) => l.startsWith('-A KUBE-SVC-'));
    const r = exec('iptables-save | grep "^-A KUBE-SVC-"', base, node);
    expect(r.out.trimEnd().split('\n')).toEqual(all);
    expect(exec('iptables-save | grep "^-A KUBE-SVC-" | wc -l', base, node).out).toBe(`${all.length}\n`);
    expect(exec('kubectl get pods | head -1').out).toMatch(/^NAME\s+READY\s+STATUS[^\n]*\n$/);
    const missing = exec('kubectl get svc nope | grep web');
    expect(missing.err).toContain('services "nope" not found');
    expect(missing.out).toBe('');
    expect(exec('kubectl get pods | awk x').err).toMatch(/^bash: awk: command not found/);
  });

  it('getent hosts reads the pod\'s /etc/hosts before DNS, as curl does: a hostAlias wins over a Service', () => {
    const next = exec('kubectl apply -f - <<EOF\napiVersion: v1\nkind: Pod\nmetadata: {name: probe, namespace: default}\n'
      + 'spec:\n  hostAliases: [{ip: 10.1.2.3, hostnames: [web]}]\n  containers: [{name: c, image: busybox}]\nEOF').next;
    const probe: Shell = { kind: 'pod', pod: 'default/probe' };
    expect(exec('getent hosts web', next, probe)).toMatchObject({ out: '10.1.2.3        web\n', err: '', status: 0 });
    expect(exec('curl http://web/', next, probe).trace?.result.hops[0]?.explanation.key).toBe('hop.resolve.hosts');
    // A pod without the alias asks cluster DNS: the search list finds the Service.
    const c = labFor(next).reconcile.cluster;
    const clusterIP = c.services.find((x) => x.metadata.name === 'web')!.spec.clusterIP!;
    const other: Shell = { kind: 'pod', pod: `default/${c.pods.find((p) => p.metadata.name.startsWith('web-'))!.metadata.name}` };
    expect(exec('getent hosts web', next, other).out).toBe(`${clusterIP.padEnd(15)} web.default.svc.cluster.local\n`);
    expect(exec('getent hosts nope.default', next, probe)).toMatchObject({ out: '', err: '', status: 2 });
    expect(exec('help').out).toContain('getent hosts|ahosts|ahostsv4 [NAME|ADDRESS...]');
  });

  it('dig resolves a Service name through cluster DNS', () => {
    expect(exec('dig web.default.svc.cluster.local').out).toMatch(/ANSWER SECTION/);
    expect(exec('nslookup web').out).toMatch(/web\.default\.svc\.cluster\.local/);
  });

  it('dig reads its words as dig does: the type in either place, +short for the data alone', () => {
    const full = exec('dig web.default.svc.cluster.local A').out;
    expect(exec('dig A web.default.svc.cluster.local').out).toBe(full);
    const ip = /IN\tA\t(\S+)/.exec(full)?.[1];
    expect(ip).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(exec('dig +short web.default.svc.cluster.local').out).toBe(`${ip}\n`);
    // NXDOMAIN has no answer to print: +short prints nothing.
    expect(exec('dig nope.default.svc.cluster.local +short')).toMatchObject({ out: '', err: '' });
    expect(exec('dig web.default.svc.cluster.local XYZ').err).toBe('dig: unknown record type XYZ\n');
    // +noall +answer: the answer's records alone; -x asks for the PTR; -t names the type.
    expect(exec('dig web.default.svc.cluster.local +noall +answer').out)
      .toMatch(/^web\.default\.svc\.cluster\.local\.\s+\d+\s+IN\s+A\s+\S+\n$/);
    expect(exec(`dig -x ${ip} +short`).out).toBe('web.default.svc.cluster.local.\n');
    expect(exec('dig -t A web.default.svc.cluster.local +short').out).toBe(`${ip}\n`);
  });

  it('dig @SERVER and nslookup NAME SERVER ask that server', () => {
    const onNode: Shell = { kind: 'node', node: 'node-1' };
    // A node's resolver is the host's: the cluster's names resolve when cluster DNS is asked by address.
    expect(exec('dig +short web.default.svc.cluster.local', base, onNode).out).toBe('');
    expect(exec('dig @10.96.0.10 +short web.default.svc.cluster.local', base, onNode).out).toMatch(/^10\.\d+\.\d+\.\d+\n$/);
    expect(exec('nslookup web.default.svc.cluster.local 10.96.0.10', base, onNode).out).toMatch(/^Server:\t\t10\.96\.0\.10\n/);
    // Public DNS knows nothing of the cluster's zone.
    expect(exec('dig @8.8.8.8 +short web.default.svc.cluster.local').out).toBe('');
  });

  it('prompts name the shell', () => {
    expect(prompt({ kind: 'pod', pod: 'default/web-abc' })).toBe('root@web-abc:/#');
    expect(prompt({ kind: 'node', node: 'node-1' })).toBe('root@node-1:~#');
    expect(prompt({ kind: 'external', client: 'laptop' })).toBe('you@laptop:~$');
  });

  it('unknown commands are bash\'s', () => {
    expect(exec('rm -rf /').err).toBe('bash: rm: command not found (try: help)\n');
  });
});

describe('rules and configs of other modes and addons', () => {
  it.each([
    ['ipvs-round-robin.json', 'ipvsadm -Ln', /TCP\s+\S+:\d+ rr/],
    ['kube-proxy-modes.json', 'nft list ruleset', /table ip kube-proxy/],
  ])('%s: %s on a node', (file, line, want) => {
    const s = scenarioOf(file);
    const node = labFor(s).reconcile.cluster.nodes[0]!.metadata.name;
    expect(exec(line, s, { kind: 'node', node }).out).toMatch(want);
  });

  it('nginx.conf is in the ingress controller pod, not in an application pod', () => {
    const s = scenarioOf('ingress-nodeport-hosts.json');
    const pods = labFor(s).reconcile.cluster.pods.map((p) => `${p.metadata.namespace}/${p.metadata.name}`);
    const controller = pods.find((p) => p.startsWith('ingress-nginx/ingress-nginx-controller'))!;
    const app = pods.find((p) => p.startsWith('cbuc-test/'))!;
    expect(exec('cat /etc/nginx/nginx.conf', s, { kind: 'pod', pod: controller }).out).toMatch(/server_name/);
    expect(exec('cat /etc/nginx/nginx.conf', s, { kind: 'pod', pod: app }).err).toBe('cat: /etc/nginx/nginx.conf: No such file or directory\n');
    expect(exec('cat /etc/resolv.conf', s, { kind: 'pod', pod: app }).out).toMatch(/^search cbuc-test\.svc\.cluster\.local/);
  });
});

describe('kubectl get and describe for the kinds the lab keeps as written', () => {
  const rbac = scenarioOf('traefik-rbac.json');

  it('lists them in kubectl\'s columns, per namespace and with -A', () => {
    // Every namespace has its "default" account (the service account controller's), and no token Secret.
    expect(exec('kubectl get sa', rbac).out).toMatch(/^NAME {6}SECRETS {3}AGE\ndefault {3}0 {9}\d+s\n$/);
    const all = exec('kubectl get serviceaccounts -A', rbac).out.trim().split('\n').slice(1).map((l) => l.split(/ +/));
    expect(all.map(([ns, name, secrets]) => `${ns}/${name} ${secrets}`)).toEqual([
      'default/default 0',
      'kube-node-lease/default 0',
      'kube-public/default 0',
      'kube-system/default 0',
      'traefik/default 0',
      'traefik/traefik-ingress-controller 0',
    ]);
    // Deleted, the default account is made again.
    expect(exec('kubectl delete sa default', rbac).out).toBe('serviceaccount "default" deleted\n');
    expect(exec('kubectl get clusterrolebindings.rbac.authorization.k8s.io -o wide', rbac).out.split('\n')[0]).toBe(
      'NAME                         ROLE                                     AGE   USERS   GROUPS   SERVICEACCOUNTS',
    );
    expect(exec('kubectl get configmaps', rbac).out).toBe('No resources found in default namespace.\n');
    expect(exec('kubectl get networkpolicies', rbac).err).toBe('');
  });

  it('describes them: kubectl\'s own layout where kubectl has one, else the generic describer\'s', () => {
    expect(exec('kubectl describe sa traefik-ingress-controller -n traefik', rbac).out).toBe([
      'Name:                traefik-ingress-controller',
      'Namespace:           traefik',
      'Labels:              <none>',
      'Annotations:         <none>',
      'Image pull secrets:  <none>',
      'Mountable secrets:   <none>',
      'Tokens:              <none>',
      'Events:              <none>',
      '',
    ].join('\n'));
    const role = exec('kubectl describe clusterrole/traefik-ingress-controller', rbac).out.split('\n');
    expect(role.slice(0, 6)).toEqual([
      'Name:         traefik-ingress-controller',
      'Namespace:    ',
      'Labels:       <none>',
      'Annotations:  <none>',
      'API Version:  rbac.authorization.k8s.io/v1',
      'Kind:         ClusterRole',
    ]);
    expect(role).toContain('Rules:');
  });

  it('a type no one serves is still the server\'s error; a kept one without the name is NotFound', () => {
    expect(exec('kubectl get widgets', rbac).err).toBe('error: the server doesn\'t have a resource type "widgets"\n');
    expect(exec('kubectl describe widgets x', rbac).err).toBe('error: the server doesn\'t have a resource type "widgets"\n');
    expect(exec('kubectl describe netpol x', rbac).err).toBe(
      'Error from server (NotFound): networkpolicies.networking.k8s.io "x" not found\n',
    );
  });

  it('Tab completes their types and names', () => {
    expect(complete(envFor(rbac), 'kubectl get serviceacc').line).toBe('kubectl get serviceaccounts ');
    expect(complete(envFor(rbac), 'kubectl describe clusterrole tr').line).toBe('kubectl describe clusterrole traefik-ingress-controller ');
  });
});

describe('completion', () => {
  const env = envFor(base);
  it.each([
    ['kub', 'kubectl '],
    ['kubectl ge', 'kubectl get '],
    ['kubectl get svc w', 'kubectl get svc web '],
    ['kubectl get po', 'kubectl get pods '],
    ['shell node node-', 'shell node node-'],
    ['gete', 'getent '],
    ['getent ho', 'getent hosts '],
    ['getent hosts web.', 'getent hosts web.default.svc.cluster.local '],
  ])('%s -> %s', (line, want) => expect(complete(env, line).line).toBe(want));

  it('lists the candidates when ambiguous', () => {
    expect(complete(env, 'shell node ').candidates).toEqual(['node-1', 'node-2', 'node-3']);
  });
});

describe('iptables on a node', () => {
  const onNode: Shell = { kind: 'node', node: 'node-1' };

  it('prints one table with iptables-save -t, and rule specs with iptables -S as iptables writes them', () => {
    const nat = exec('iptables-save -t nat', base, onNode).out;
    expect(nat.split('\n')[0]).toBe('*nat');
    expect(nat).not.toContain('*filter');
    expect(nat.trimEnd().split('\n').at(-1)).toBe('COMMIT');
    const specs = exec('iptables -t nat -S KUBE-SERVICES', base, onNode).out.split('\n');
    expect(specs[0]).toBe('-N KUBE-SERVICES');
    expect(specs.slice(1, -1).every((l) => l.startsWith('-A KUBE-SERVICES '))).toBe(true);
    expect(exec('iptables -t nat -S PREROUTING', base, onNode).out).toMatch(/^-P PREROUTING ACCEPT\n-A PREROUTING /);
    expect(exec('iptables -t nat -S NOPE', base, onNode).err).toBe('iptables: No chain/target/match by that name.\n');
  });

  it("says what it does not model, in the reader's language: -L's view, changes, other tables", () => {
    expect(errorIn('zh', exec('iptables -t nat -L -n', base, onNode))).toMatch(/^iptables：实验按 iptables -S/);
    expect(errorIn('en', exec('iptables -F', base, onNode))).toMatch(/^iptables: these rules are kube-proxy's/);
    expect(errorIn('en', exec('iptables-save -t mangle', base, onNode))).toMatch(/^iptables-save: kube-proxy writes/);
  });
});
