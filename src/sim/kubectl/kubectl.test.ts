import { describe, expect, it } from 'vitest';
import { reconcile } from '../controllers/reconcile';
import { defaultLabSettings } from '../lab';
import type { AnyObject } from '../api/store';
import { kubectlGet } from './get';
import { kubectlDescribe } from './describe';
import { tabwrite, GET_TABWRITER } from './tabwriter';
import { humanDuration } from './age';

// Fixed addresses so the golden text reads like a tutorial's terminal.
const objects = [
  {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web-1', labels: { app: 'web' } },
    spec: {
      nodeName: 'node-1',
      containers: [{ name: 'nginx', image: 'nginx', ports: [{ name: 'http', containerPort: 80 }] }],
    },
    status: { podIP: '10.244.0.5' },
  },
  {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web-2', labels: { app: 'web' }, annotations: { 'netlab.io/ready': 'false' } },
    spec: {
      nodeName: 'node-2',
      containers: [{ name: 'nginx', image: 'nginx', ports: [{ name: 'http', containerPort: 80 }] }],
    },
    status: { podIP: '10.244.1.7' },
  },
  {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web' },
    spec: {
      type: 'NodePort',
      clusterIP: '10.96.0.50',
      selector: { app: 'web' },
      ports: [{ name: 'http', port: 80, targetPort: 'http', nodePort: 30080 }],
    },
  },
  {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'lb' },
    spec: {
      type: 'LoadBalancer',
      clusterIP: '10.96.0.60',
      selector: { app: 'web' },
      ports: [{ port: 80, nodePort: 30081 }],
    },
  },
  {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'db' },
    spec: { clusterIP: 'None', selector: { app: 'db' }, ports: [{ port: 5432 }] },
  },
  {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'ext' },
    spec: { type: 'ExternalName', externalName: 'example.com' },
  },
] as AnyObject[];

const cluster = reconcile({ settings: defaultLabSettings(), objects }, { builtins: false }).cluster;
const get = (o: Parameters<typeof kubectlGet>[1]) => {
  const r = kubectlGet(cluster, o);
  return r.ok ? r.text : r.error;
};

describe('kubectl get', () => {
  it('pods -o wide', () => {
    expect(get({ kind: 'pods', output: 'wide' })).toBe(
      [
        'NAME    READY   STATUS    RESTARTS   AGE   IP           NODE     NOMINATED NODE   READINESS GATES',
        'web-1   1/1     Running   0          2s    10.244.0.5   node-1   <none>           <none>',
        'web-2   0/1     Running   0          2s    10.244.1.7   node-2   <none>           <none>',
        '',
      ].join('\n'),
    );
  });

  it('svc', () => {
    expect(get({ kind: 'svc' })).toBe(
      [
        'NAME   TYPE           CLUSTER-IP   EXTERNAL-IP   PORT(S)        AGE',
        'db     ClusterIP      None         <none>        5432/TCP       2s',
        'ext    ExternalName   <none>       example.com   <none>         2s',
        'lb     LoadBalancer   10.96.0.60   <pending>     80:30081/TCP   2s',
        'web    NodePort       10.96.0.50   <none>        80:30080/TCP   2s',
        '',
      ].join('\n'),
    );
  });

  it('endpoints and endpointslices list ready addresses', () => {
    expect(get({ kind: 'endpoints', name: 'web' })).toBe('NAME   ENDPOINTS       AGE\nweb    10.244.0.5:80   0s\n');
    const slices = get({ kind: 'endpointslices' });
    expect(slices.split('\n')[0]).toBe('NAME        ADDRESSTYPE   PORTS     ENDPOINTS               AGE');
    expect(slices).toMatch(/^db-[bcdfghjklmnpqrstvwxz2456789]{5} {4}IPv4 {10}<unset> {3}<unset> {17}0s$/m);
    expect(slices).toMatch(
      /^web-[bcdfghjklmnpqrstvwxz2456789]{5} {3}IPv4 {10}80 {8}10\.244\.0\.5,10\.244\.1\.7 {3}0s$/m,
    );
  });

  it('errors and empty lists in kubectl wording', () => {
    expect(get({ kind: 'svc', name: 'nope' })).toBe('Error from server (NotFound): services "nope" not found');
    expect(get({ kind: 'deploy', name: 'x' })).toBe('Error from server (NotFound): deployments.apps "x" not found');
    expect(get({ kind: 'ingress' })).toBe('No resources found in default namespace.\n');
    expect(get({ kind: 'widgets' })).toBe('error: the server doesn\'t have a resource type "widgets"');
  });

  it('-o yaml and -o json with sorted keys', () => {
    const y = get({ kind: 'svc', name: 'web', output: 'yaml' });
    expect(y.startsWith('apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: default\n')).toBe(true);
    expect(y).toContain(
      '  ports:\n  - name: http\n    nodePort: 30080\n    port: 80\n    protocol: TCP\n    targetPort: http\n',
    );
    const j = JSON.parse(get({ kind: 'svc', output: 'json' }));
    expect(j.kind).toBe('List');
    expect(j.items).toHaveLength(4);
  });
});

describe('kubectl get (cluster-wide views)', () => {
  const full = reconcile({
    settings: { ...defaultLabSettings(), loadBalancerPool: ['203.0.113.10'] },
    objects: objects.filter((o) => o.kind === 'Service'),
  }).cluster;

  it('nodes -o wide', () => {
    const r = kubectlGet(full, { kind: 'nodes', output: 'wide' });
    expect(r.ok && r.text).toBe(
      [
        'NAME     STATUS   ROLES           AGE   VERSION   INTERNAL-IP    EXTERNAL-IP   ' +
          'OS-IMAGE                         KERNEL-VERSION   CONTAINER-RUNTIME',
        'node-1   Ready    control-plane   9s    v1.35.0   192.168.49.2   <none>        ' +
          'Debian GNU/Linux 12 (bookworm)   6.1.0-18-amd64   containerd://1.7.13',
        'node-2   Ready    <none>          9s    v1.35.0   192.168.49.3   <none>        ' +
          'Debian GNU/Linux 12 (bookworm)   6.1.0-18-amd64   containerd://1.7.13',
        '',
      ].join('\n'),
    );
  });

  it('svc -A shows the built-ins and the LoadBalancer address', () => {
    const r = kubectlGet(full, { kind: 'svc', allNamespaces: true });
    expect(r.ok && r.text).toBe(
      [
        'NAMESPACE     NAME         TYPE           CLUSTER-IP   EXTERNAL-IP    PORT(S)                  AGE',
        'default       db           ClusterIP      None         <none>         5432/TCP                 7s',
        'default       ext          ExternalName   <none>       example.com    <none>                   7s',
        'default       kubernetes   ClusterIP      10.96.0.1    <none>         443/TCP                  7s',
        'default       lb           LoadBalancer   10.96.0.60   203.0.113.10   80:30081/TCP             7s',
        'default       web          NodePort       10.96.0.50   <none>         80:30080/TCP             7s',
        'kube-system   kube-dns     ClusterIP      10.96.0.10   <none>         53/UDP,53/TCP,9153/TCP   7s',
        '',
      ].join('\n'),
    );
  });

  it('events for the load balancer', () => {
    const r = kubectlGet(full, { kind: 'events' });
    const lines = r.ok ? r.text.split('\n') : [];
    expect(lines[0]).toMatch(/^LAST SEEN {3}TYPE {5}REASON +OBJECT +MESSAGE$/);
    // The lab's clock advances one second per event: an event's LAST SEEN is how many came after it.
    const ensured = full.events.find((e) => e.reason === 'EnsuredLoadBalancer')!;
    const last = full.events.reduce((m, e) => Math.max(m, e.seq), 0);
    const seen = humanDuration(last - ensured.seq);
    const row = new RegExp(`^${seen} +Normal {3}EnsuredLoadBalancer +service/lb +Ensured load balancer$`);
    expect(lines.some((l) => row.test(l))).toBe(true);
    expect(lines.filter((l) => /^0s /.test(l))).toHaveLength(full.events.filter((e) => e.seq === last).length);
  });
});

describe('kubectl get -l, --show-labels, -L', () => {
  it('lists only what the selector picks, with label columns after the wide ones', () => {
    const lines = get({ kind: 'pods', selector: 'app=web', showLabels: true, labelColumns: ['app', 'x/tier'] })
      .split('\n');
    expect(lines[0]).toMatch(/^NAME +READY +STATUS +RESTARTS +AGE +APP +TIER +LABELS$/);
    // -L of a key a pod lacks is an empty cell; LABELS is labels.FormatLabels.
    expect(lines[1]).toMatch(/^web-1 +1\/1 +Running +0 +\S+ +web {6,}app=web$/);
    expect(lines).toHaveLength(4);
    const wide = get({ kind: 'pods', selector: 'app in (web)', output: 'wide', showLabels: true }).split('\n');
    expect(wide[0]).toMatch(/IP +NODE +NOMINATED NODE +READINESS GATES +LABELS$/);
    expect(wide.slice(1, 3).map((l) => l.split(/ +/)[0])).toEqual(['web-1', 'web-2']);
    expect(wide[1]).toMatch(/ app=web$/);
    expect(get({ kind: 'svc', selector: 'app' })).toBe('No resources found in default namespace.\n');
    expect(get({ kind: 'pods', selector: '!app' })).toBe('No resources found in default namespace.\n');
  });

  it('refuses a name beside a selector, and a selector the apiserver cannot parse', () => {
    expect(get({ kind: 'pods', name: 'web-1', selector: 'app=web' })).toBe(
      'error: name cannot be provided when a selector is specified',
    );
    expect(get({ kind: 'deploy', selector: 'app in web' })).toBe(
      'Error from server (BadRequest): Unable to find "apps/v1, Resource=deployments" that match label selector '
        + '"app in web", field selector "": unable to parse requirement: found \'web\' expected: \'(\'',
    );
    expect(get({ kind: 'pods,svc', selector: 'a,' }))
      .toMatch(/^Error from server \(BadRequest\): Unable to find "\/v1, Resource=pods"/);
    // A blank selector is no selector, as kubectl's builder trims it away.
    expect(get({ kind: 'pods', name: 'web-1', selector: ' ' })).toMatch(/^NAME/);
  });
});

describe('kubectl get --field-selector', () => {
  it('lists what the fields pick, and refuses a field the kind does not serve', () => {
    const names = (o: Parameters<typeof kubectlGet>[1]) =>
      get(o).trim().split('\n').slice(1).map((l) => l.split(/ +/)[0]);
    expect(names({ kind: 'pods', fieldSelector: 'spec.nodeName=node-2' })).toEqual(['web-2']);
    expect(names({ kind: 'svc', fieldSelector: 'spec.type!=ClusterIP' })).toEqual(['ext', 'lb', 'web']);
    expect(names({ kind: 'pods', fieldSelector: 'spec.nodeName=node-2', selector: 'app=web' })).toEqual(['web-2']);
    expect(get({ kind: 'pods', fieldSelector: 'spec.replicas=1' })).toBe(
      'Error from server (BadRequest): Unable to find "/v1, Resource=pods" that match label selector "", '
        + 'field selector "spec.replicas=1": field label not supported: spec.replicas',
    );
    expect(get({ kind: 'pods', name: 'web-1', fieldSelector: 'metadata.name=web-1' })).toBe(
      'error: name cannot be provided when a selector is specified',
    );
  });
});

describe('kubectl get --sort-by', () => {
  it('sorts the rows by the path, creation time from the lab\'s clock', () => {
    const first = (o: Parameters<typeof kubectlGet>[1]) =>
      get(o).trim().split('\n').slice(1).map((l) => l.split(/ +/)[0]);
    // No address first; digits sort before letters, so headless 'None' is last.
    expect(first({ kind: 'svc', sortBy: '.spec.clusterIP' })).toEqual(['ext', 'web', 'lb', 'db']);
    expect(first({ kind: 'pods', sortBy: '{.spec.nodeName}' })).toEqual(['web-1', 'web-2']);
    expect(get({ kind: 'pods', sortBy: '.nope' })).toBe(
      'error: couldn\'t find any field with path "{.nope}" in the list of objects',
    );
  });
});

describe('kubectl get all, -o name, --no-headers', () => {
  it('all is the category: pods, services, then the apps kinds, each kind/name', () => {
    const text = get({ kind: 'all' });
    const heads = text.split('\n').filter((l) => l.startsWith('NAME'));
    expect(heads.map((h) => h.split(/ +/)[1])).toEqual(['READY', 'TYPE']);
    expect(text).toMatch(/^pod\/web-1 /m);
    expect(text).toMatch(/\n\nNAME +TYPE[^\n]*\nservice\/db /);
    expect(get({ kind: 'all', selector: 'app=none' })).toBe('No resources found in default namespace.\n');
  });

  it('-o name prints kind.group/name lines, --no-headers drops the header', () => {
    expect(get({ kind: 'pods,svc', output: 'name' })).toBe(
      ['pod/web-1', 'pod/web-2', 'service/db', 'service/ext', 'service/lb', 'service/web', ''].join('\n'),
    );
    expect(get({ kind: 'pods', output: 'name', selector: 'app=none' }))
      .toBe('No resources found in default namespace.\n');
    // A name asked of several kinds: what is found, and a NotFound for each kind without it.
    const both = kubectlGet(cluster, { kind: 'pods,svc', name: 'web', output: 'name' });
    expect(both).toEqual({
      ok: false,
      text: 'service/web\n',
      error: 'Error from server (NotFound): pods "web" not found',
    });
    const rows = get({ kind: 'pods', noHeaders: true }).trim().split('\n');
    expect(rows.map((r) => r.split(/ +/)[0])).toEqual(['web-1', 'web-2']);
  });
});

describe('kubectl describe', () => {
  it('svc', () => {
    const r = kubectlDescribe(cluster, { kind: 'svc', name: 'web' });
    expect(r.ok && r.text).toBe(
      [
        'Name:                     web',
        'Namespace:                default',
        'Labels:                   <none>',
        'Annotations:              <none>',
        'Selector:                 app=web',
        'Type:                     NodePort',
        'IP Family Policy:         SingleStack',
        'IP Families:              IPv4',
        'IP:                       10.96.0.50',
        'IPs:                      10.96.0.50',
        'Port:                     http  80/TCP',
        'TargetPort:               http/TCP',
        'NodePort:                 http  30080/TCP',
        'Endpoints:                10.244.0.5:80',
        'Session Affinity:         None',
        'External Traffic Policy:  Cluster',
        'Internal Traffic Policy:  Cluster',
        'Events:                   <none>',
        '',
      ].join('\n'),
    );
  });

  it('several objects: by name prefix, every one of the kind, or by selector', () => {
    const names = (o: Parameters<typeof kubectlDescribe>[1]) => {
      const r = kubectlDescribe(cluster, o);
      return r.ok ? r.text.split('\n').filter((l) => l.startsWith('Name:')).map((l) => l.split(/ +/)[1]) : r.error;
    };
    expect(names({ kind: 'pod', name: 'web' })).toEqual(['web-1', 'web-2']);
    expect(names({ kind: 'pod', name: 'web-2' })).toEqual(['web-2']);
    expect(names({ kind: 'svc' })).toEqual(['db', 'ext', 'lb', 'web']);
    expect(names({ kind: 'svc', selector: 'app' })).toEqual([]);
    expect(names({ kind: 'pods', selector: 'app=web' })).toEqual(['web-1', 'web-2']);
    // Objects follow one another after a blank line, as kubectl prints them.
    const both = kubectlDescribe(cluster, { kind: 'pod', name: 'web' });
    expect(both.ok && both.text).toContain('\n\n\nName:             web-2');
    const none = kubectlDescribe(cluster, { kind: 'pods', selector: 'app=db' });
    expect(none.ok && none.text).toBe('No resources found in default namespace.\n');
    const odd = kubectlDescribe(cluster, { kind: 'pods', name: 'web-1', selector: 'app=web' });
    expect(!odd.ok && odd.error).toBe('error: name cannot be provided when a selector is specified');
  });

  it('a Service without a selector prints <none>, as labels.FormatLabels does', () => {
    const r = kubectlDescribe(cluster, { kind: 'svc', name: 'ext' });
    expect(r.ok && r.text).toMatch(/\nSelector: +<none>\n/);
  });

  it('pod not found', () => {
    const r = kubectlDescribe(cluster, { kind: 'pod', name: 'x' });
    expect(!r.ok && r.error).toBe('Error from server (NotFound): pods "x" not found');
  });
});

describe('tabwriter', () => {
  it('pads columns to the widest cell plus 3, at least 6, never the last cell', () => {
    expect(tabwrite('A\tBB\tC\nlonger\tx\tlast cell\n', GET_TABWRITER)).toBe(
      'A        BB    C\nlonger   x     last cell\n',
    );
  });
});
