// A StatefulSet behind its headless Service, the classic lesson, through the CLI as a learner would
// type it: each pod's own DNS name <pod>.<service>.<ns>.svc.<domain>, the Service's name answering
// every pod, SRV records naming the pods, curl reaching the one pod it names, and the console's
// kubectl scale and delete on the running set.
import { describe, expect, it } from 'vitest';
import { readerOf, runCli } from './testing';

const YAML = `apiVersion: v1
kind: Service
metadata: {name: db}
spec:
  clusterIP: None
  selector: {app: db}
  ports: [{name: web, port: 80}]
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  replicas: 2
  serviceName: db
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec: {containers: [{name: web, image: nginx, ports: [{name: web, containerPort: 80}]}]}
---
apiVersion: v1
kind: Pod
metadata: {name: client}
spec: {containers: [{name: c, image: curlimages/curl}]}
`;

const cli = (argv: string[]) => runCli(argv, readerOf({ 'sts.yaml': YAML }));
const from = 'pod:default/client';
const exec = (...words: string[]) => cli(['exec', 'sts.yaml', from, '--', ...words]);

type Answer = { name: string; type: string; data: string };
type Dig = { rcode: string; answers: Answer[]; additional: Answer[] };
const dig = (name: string, type = 'A') =>
  JSON.parse(cli(['dig', 'sts.yaml', name, type, '--from', from, '--json']).stdout) as Dig;

/** Each pod's address, by name, as `kubectl get pods -o json` lists them. */
function podIPs(): Map<string, string> {
  const list = JSON.parse(cli(['get', 'sts.yaml', 'pods', '-o', 'json']).stdout) as {
    items: { metadata: { name: string }; status: { podIP: string } }[];
  };
  return new Map(list.items.map((p) => [p.metadata.name, p.status.podIP]));
}

describe('a StatefulSet behind a headless Service', () => {
  const ip = podIPs();

  it('runs db-0 and db-1, and kubectl get statefulsets reads 2/2', () => {
    expect([...ip.keys()].sort()).toEqual(['client', 'db-0', 'db-1']);
    expect(cli(['get', 'sts.yaml', 'statefulsets']).stdout).toMatch(/^NAME +READY +AGE\ndb +2\/2 +\d+s\n$/);
  });

  it('dig of a pod\'s own name answers that pod\'s address; the Service\'s name answers both', () => {
    const one = dig('db-0.db.default.svc.cluster.local');
    expect(one.rcode).toBe('NOERROR');
    expect(one.answers.map((a) => [a.type, a.data])).toEqual([['A', ip.get('db-0')]]);
    expect(dig('db-1.db.default.svc.cluster.local').answers.map((a) => a.data)).toEqual([ip.get('db-1')]);
    const both = dig('db.default.svc.cluster.local');
    expect(both.answers.map((a) => a.data).sort()).toEqual([ip.get('db-0'), ip.get('db-1')].sort());
    // The console's dig prints the same answer in BIND's layout.
    const text = exec('dig', 'db-0.db.default.svc.cluster.local').stdout;
    expect(text).toContain(`;; ANSWER SECTION:\ndb-0.db.default.svc.cluster.local. 5 IN\tA\t${ip.get('db-0')}\n`);
  });

  it('SRV records name each pod (weight 100/2), their addresses in the additional section', () => {
    const srv = dig('_web._tcp.db.default.svc.cluster.local', 'SRV');
    expect(srv.answers.map((a) => a.data).sort()).toEqual([
      '0 50 80 db-0.db.default.svc.cluster.local.',
      '0 50 80 db-1.db.default.svc.cluster.local.',
    ]);
    expect(srv.additional.map((a) => [a.name, a.data]).sort()).toEqual([
      ['db-0.db.default.svc.cluster.local.', ip.get('db-0')],
      ['db-1.db.default.svc.cluster.local.', ip.get('db-1')],
    ]);
    // The reverse lookup names the pod under the Service, as CoreDNS answers it.
    const ptr = dig(`${ip.get('db-1')!.split('.').reverse().join('.')}.in-addr.arpa`, 'PTR');
    expect(ptr.answers.map((a) => a.data)).toEqual(['db-1.db.default.svc.cluster.local.']);
  });

  it('curl http://db-1.db/ from a pod reaches db-1 (the search path completes the name)', () => {
    const r = cli(['exec', 'sts.yaml', from, '--json', '--', 'curl', '-s', 'http://db-1.db/']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as { trace: { outcome: string; backendPod: string } };
    expect(j.trace).toMatchObject({ outcome: 'response', backendPod: 'default/db-1' });
    // The pod's own /etc/hosts names it under the Service, as the kubelet writes it.
    const hosts = cli(['exec', 'sts.yaml', 'pod:default/db-0', '--', 'cat', '/etc/hosts']).stdout;
    expect(hosts).toContain(`\n${ip.get('db-0')}\tdb-0.db.default.svc.cluster.local\tdb-0\n`);
  });

  it('the console scales it (kubectl scale statefulset) and makes a deleted pod again under its name', () => {
    const up = exec('kubectl', 'scale', 'statefulset', 'db', '--replicas=3');
    expect(up.code).toBe(0);
    expect(up.stdout).toMatch(/^statefulset\.apps\/db scaled\nEvents:\n/);
    const created = (pod: string) =>
      `  Normal  SuccessfulCreate  statefulset/db  create Pod ${pod} in StatefulSet db successful\n`;
    expect(up.stdout).toContain(created('db-2'));
    const down = exec('kubectl', 'scale', 'sts/db', '--replicas=0');
    expect(down.stdout.split('\n').filter((l) => l.includes('SuccessfulDelete'))).toEqual([
      '  Normal  SuccessfulDelete  statefulset/db  delete Pod db-1 in StatefulSet db successful',
      '  Normal  SuccessfulDelete  statefulset/db  delete Pod db-0 in StatefulSet db successful',
    ]);
    const deleted = exec('kubectl', 'delete', 'pod', 'db-1');
    expect(deleted.stdout).toMatch(/^pod "db-1" deleted\nEvents:\n {2}Normal {2}Killing {2}pod\/db-1 /);
    expect(deleted.stdout).toContain(created('db-1'));
    const gone = exec('kubectl', 'delete', 'sts', 'db');
    expect(gone).toMatchObject({ code: 0, stdout: expect.stringMatching(/^statefulset.apps "db" deleted\n/) });
    const replicaSet = exec('kubectl', 'scale', 'replicaset', 'db', '--replicas=1');
    expect(replicaSet.stderr).toBe('error: the lab scales Deployments and StatefulSets, not replicaset\n');
  });
});
