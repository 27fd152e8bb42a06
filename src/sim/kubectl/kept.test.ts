// kubectl get and describe for the kinds the lab keeps without simulating them: each kind in
// kubectl's own columns (pkg/printers/internalversion/printers.go), namespaces, -A, the names kubectl
// resolves, -o yaml|json, and describe in kubectl's layouts (pkg/describe/describe.go).

import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { reconcile } from '../controllers/reconcile';
import { defaultLabSettings } from '../lab';
import type { AnyObject } from '../api/store';
import { CLUSTER_SCOPED_KINDS, NAMESPACED_KINDS } from '../api/types';
import { kubectlGet, type KubectlGetOptions } from './get';
import { kubectlDescribe } from './describe';
import { resolveResource } from './resources';
import { annotationLines } from './describers';
import { smartLabelFor } from './generic';
import { firstResult } from './jsonpath';

// A day before the lab's clock starts (2025-01-01T00:00:00Z): these objects read AGE 24h.
const DAY = '2024-12-31T00:00:00Z';

const FIXTURE = `
apiVersion: v1
kind: ConfigMap
metadata: {name: app-config, labels: {app: web}, creationTimestamp: "${DAY}"}
data: {a: "1", b: "two\\nlines"}
binaryData: {bin: aGVsbG8=}
---
apiVersion: v1
kind: Secret
metadata: {name: creds}
data: {password: cGFzc3dvcmQ=}
stringData: {user: admin}
---
apiVersion: v1
kind: Secret
metadata: {name: tls, namespace: kube-system}
type: kubernetes.io/tls
data: {tls.crt: QUJD, tls.key: REVG}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: builder, annotations: {team: platform}}
secrets: [{name: creds}, {name: gone}]
---
apiVersion: batch/v1
kind: Job
metadata: {name: migrate}
spec:
  template:
    spec: {restartPolicy: Never, containers: [{name: m, image: busybox}]}
status:
  succeeded: 1
  startTime: "2024-12-31T23:59:00Z"
  completionTime: "2024-12-31T23:59:30Z"
  conditions: [{type: Complete, status: "True"}]
---
apiVersion: batch/v1
kind: Job
metadata: {name: fanout}
spec:
  parallelism: 3
  template:
    spec: {restartPolicy: Never, containers: [{name: f, image: busybox}]}
status: {startTime: "2024-12-31T23:00:00Z"}
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: nightly}
spec:
  schedule: "0 3 * * *"
  timeZone: Asia/Shanghai
  jobTemplate:
    spec:
      template:
        spec: {restartPolicy: Never, containers: [{name: n, image: busybox}]}
status: {lastScheduleTime: "2024-12-31T23:00:00Z", active: [{name: nightly-1}]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db-allow-web}
spec:
  podSelector: {matchLabels: {app: db}}
  ingress:
  - from:
    - podSelector: {matchLabels: {app: web}}
    - ipBlock: {cidr: 10.0.0.0/8, except: [10.1.0.0/16]}
    ports: [{port: 5432}]
  - {}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: default-deny}
spec:
  podSelector: {}
  policyTypes: [Ingress, Egress]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: tiers}
spec:
  podSelector:
    matchExpressions: [{key: tier, operator: In, values: [web, api]}, {key: canary, operator: DoesNotExist}]
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: db-pdb}
spec:
  minAvailable: 2
  selector: {matchLabels: {app: db}}
status: {disruptionsAllowed: 1, currentHealthy: 3, desiredHealthy: 2, expectedPods: 3}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 2
  maxReplicas: 10
  metrics:
  - type: Resource
    resource: {name: cpu, target: {type: Utilization, averageUtilization: 60}}
  - type: Resource
    resource: {name: memory, target: {type: AverageValue, averageValue: 500Mi}}
  - type: Pods
    pods: {metric: {name: rps}, target: {type: AverageValue, averageValue: "10"}}
status:
  currentReplicas: 3
  currentMetrics:
  - type: Resource
    resource: {name: cpu, current: {averageUtilization: 45}}
---
apiVersion: autoscaling/v1
kind: HorizontalPodAutoscaler
metadata: {name: old}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: old}
  maxReplicas: 5
---
apiVersion: coordination.k8s.io/v1
kind: Lease
metadata: {name: leader, namespace: kube-system}
spec: {holderIdentity: node-1_abc, leaseDurationSeconds: 15}
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: data}
spec:
  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: 1Gi}}
  storageClassName: standard
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: bound}
spec:
  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: 1Gi}}
  volumeName: pv-1
status: {phase: Bound, capacity: {storage: 1Gi}, accessModes: [ReadWriteOnce]}
---
apiVersion: v1
kind: PersistentVolume
metadata: {name: pv-1}
spec:
  capacity: {storage: 1Gi}
  accessModes: [ReadWriteOnce, ReadWriteMany]
  claimRef: {namespace: default, name: bound}
  hostPath: {path: /data}
status: {phase: Bound}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: reader}
rules: [{apiGroups: [""], resources: [pods], verbs: [get, list]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: read-pods}
subjects:
- {kind: User, name: jane, apiGroup: rbac.authorization.k8s.io}
- {kind: ServiceAccount, name: builder, namespace: default}
roleRef: {kind: Role, name: reader, apiGroup: rbac.authorization.k8s.io}
---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  scope: Namespaced
  names: {kind: Widget, plural: widgets, singular: widget, shortNames: [wd]}
  versions:
  - name: v1beta1
    served: true
    storage: false
    schema: {openAPIV3Schema: {type: object}}
  - name: v1
    served: true
    storage: true
    schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}
    additionalPrinterColumns:
    - {name: Size, type: integer, jsonPath: .spec.size}
    - {name: Ready, type: string, jsonPath: '.status.conditions[?(@.type=="Ready")].status'}
    - {name: Color, type: string, jsonPath: .spec.color, priority: 1}
    - {name: Age, type: date, jsonPath: .metadata.creationTimestamp}
---
apiVersion: example.com/v1
kind: Widget
metadata: {name: w1, namespace: default}
spec: {size: 3, color: blue}
status: {conditions: [{type: Ready, status: "True"}]}
---
apiVersion: example.com/v1
kind: Widget
metadata: {name: w2, namespace: kube-system}
spec: {color: red}
---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: gadgets.example.com}
spec:
  group: example.com
  scope: Cluster
  names: {kind: Gadget, plural: gadgets}
  versions: [{name: v1alpha1, served: true, storage: true, schema: {openAPIV3Schema: {type: object}}}]
---
apiVersion: example.com/v1alpha1
kind: Gadget
metadata: {name: g1}
spec: {holderIdentity: x, replicas: 2, tags: [a, b]}
---
apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata: {name: high}
value: 1000
---
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: {name: standard, annotations: {storageclass.kubernetes.io/is-default-class: "true"}}
provisioner: rancher.io/local-path
volumeBindingMode: WaitForFirstConsumer
---
apiVersion: v1
kind: ResourceQuota
metadata: {name: compute}
spec: {hard: {pods: "10", limits.cpu: "4"}}
status: {hard: {pods: "10", limits.cpu: "4", requests.cpu: "2"}, used: {pods: "3", limits.cpu: "1"}}
---
apiVersion: v1
kind: LimitRange
metadata: {name: defaults}
spec:
  limits: [{type: Container, default: {cpu: 500m}, defaultRequest: {cpu: 100m}, max: {memory: 1Gi}}]
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata: {name: policy}
webhooks: [{name: a.example.com}, {name: b.example.com}]
---
apiVersion: apps/v1
kind: ControllerRevision
metadata:
  name: db-7d9f
  ownerReferences: [{apiVersion: apps/v1, kind: StatefulSet, name: db, uid: u1, controller: true}]
revision: 2
data: {}
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec: {nodeSelector: {disk: ssd}, containers: [{name: a, image: "agent:2"}]}
---
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata: {name: nginx}
spec:
  controller: k8s.io/ingress-nginx
  parameters: {apiGroup: k8s.example.com, kind: IngressParameters, name: external-lb}
`;

const objects = parseAllDocuments(FIXTURE).map((d) => d.toJS() as AnyObject);
const settings = defaultLabSettings();
// One node has an SSD, so the DaemonSet runs one pod.
const nodes = [
  { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-1', labels: { disk: 'ssd' } } },
  { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-2' } },
  { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } },
  { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kube-system' } },
] as AnyObject[];
const lab = reconcile({ settings, objects: [...nodes, ...objects] }, { builtins: false });
const cluster = lab.cluster;

const get = (kind: string, o: Omit<KubectlGetOptions, 'kind'> = {}) => {
  const r = kubectlGet(cluster, { kind, ...o });
  return r.ok ? r.text : r.error;
};
const table = (...lines: string[]) => `${lines.join('\n')}\n`;

describe('the fixture', () => {
  it('loads every object; the lab\'s clock ran one second per event (two nodes\' CIDRs, the DaemonSet\'s pod)', () => {
    expect(lab.problems).toEqual([]);
    expect(cluster.events.map((e) => e.reason)).toEqual(
      ['CIDRAssignmentSucceeded', 'CIDRAssignmentSucceeded', 'SuccessfulCreate'],
    );
  });
});

describe('kubectl get: each kept kind in its printer\'s columns', () => {
  it.each([
    ['configmaps', table(
      'NAME         DATA   AGE',
      'app-config   3      24h',
    )],
    ['sa', table(
      'NAME      SECRETS   AGE',
      'builder   2         1s',
      // Every namespace's own account, made by the service account controller.
      'default   0         1s',
    )],
    ['networkpolicies', table(
      'NAME           POD-SELECTOR                AGE',
      'db-allow-web   app=db                      1s',
      'default-deny   <none>                      1s',
      'tiers          !canary,tier in (api,web)   1s',
    )],
    ['pdb', table(
      'NAME     MIN AVAILABLE   MAX UNAVAILABLE   ALLOWED DISRUPTIONS   AGE',
      'db-pdb   2               N/A               1                     1s',
    )],
    ['hpa', table(
      'NAME   REFERENCE        TARGETS                                             MINPODS   MAXPODS   REPLICAS   AGE',
      'old    Deployment/old   cpu: <unknown>/80%                                  1         5         0          1s',
      'web    Deployment/web   cpu: 45%/60%, memory: <unknown>/500Mi + 1 more...   2         10        3          1s',
    )],
    ['roles', table(
      'NAME     CREATED AT',
      'reader   2025-01-01T00:00:02Z',
    )],
    ['limitranges', table(
      'NAME       CREATED AT',
      'defaults   2025-01-01T00:00:02Z',
    )],
    ['crds', table(
      'NAME                  CREATED AT',
      'gadgets.example.com   2025-01-01T00:00:02Z',
      'widgets.example.com   2025-01-01T00:00:02Z',
    )],
    ['quota', table(
      'NAME      REQUEST                         LIMIT             AGE',
      'compute   pods: 3/10, requests.cpu: 0/2   limits.cpu: 1/4   1s',
    )],
    ['validatingwebhookconfigurations', table(
      'NAME     WEBHOOKS   AGE',
      'policy   2          1s',
    )],
    ['controllerrevisions', table(
      'NAME      CONTROLLER            REVISION   AGE',
      'db-7d9f   statefulset.apps/db   2          1s',
    )],
    ['sc', table(
      'NAME                 PROVISIONER             RECLAIMPOLICY   VOLUMEBINDINGMODE      ALLOWVOLUMEEXPANSION   AGE',
      'standard (default)   rancher.io/local-path   Delete          WaitForFirstConsumer   false                  1s',
    )],
    ['ingressclasses', table(
      'NAME    CONTROLLER             PARAMETERS                                      AGE',
      'nginx   k8s.io/ingress-nginx   IngressParameters.k8s.example.com/external-lb   1s',
    )],
    ['gadgets', table(
      'NAME   AGE',
      'g1     1s',
    )],
  ])('%s', (kind, want) => expect(get(kind)).toBe(want));

  it('secrets: TYPE defaults to Opaque, DATA counts stringData merged into data', () => {
    expect(get('secrets', { allNamespaces: true })).toBe(table(
      'NAMESPACE     NAME    TYPE                DATA   AGE',
      'default       creds   Opaque              2      1s',
      'kube-system   tls     kubernetes.io/tls   2      1s',
    ));
  });

  // StatefulSets are the lab's StatefulSet controller's (statefulset.test.ts prints them).
  it('jobs and cronjobs, with -o wide\'s containers, images and selector', () => {
    expect(get('jobs')).toBe(table(
      'NAME      STATUS     COMPLETIONS   DURATION   AGE',
      'fanout    Running    0/1 of 3      60m        1s',
      'migrate   Complete   1/1           30s        1s',
    ));
    expect(get('cj', { output: 'wide' })).toBe(table(
      'NAME      SCHEDULE    TIMEZONE        SUSPEND   ACTIVE   LAST SCHEDULE   AGE   CONTAINERS   IMAGES    SELECTOR',
      'nightly   0 3 * * *   Asia/Shanghai   False     1        60m             1s    n            busybox   <none>',
    ));
  });

  it('daemonsets count the pods the controller placed (status written by the lab\'s DaemonSet controller)', () => {
    expect(get('ds', { output: 'wide' })).toBe(table(
      'NAME    DESIRED   CURRENT   READY   UP-TO-DATE   AVAILABLE   NODE SELECTOR   AGE   '
        + 'CONTAINERS   IMAGES    SELECTOR',
      'agent   1         1         1       1            1           disk=ssd        1s    '
        + 'a            agent:2   app=agent',
    ));
  });

  it('claims and volumes: a bound claim shows its volume\'s capacity and modes; VOLUMEMODE with -o wide', () => {
    expect(get('pvc', { output: 'wide' })).toBe(table(
      'NAME    STATUS    VOLUME   CAPACITY   ACCESS MODES   STORAGECLASS   VOLUMEATTRIBUTESCLASS   AGE   VOLUMEMODE',
      'bound   Bound     pv-1     1Gi        RWO                           <unset>                 1s    Filesystem',
      'data    Pending                                      standard       <unset>                 1s    Filesystem',
    ));
    expect(get('pv')).toBe(table(
      'NAME   CAPACITY   ACCESS MODES   RECLAIM POLICY   STATUS   CLAIM           STORAGECLASS   '
        + 'VOLUMEATTRIBUTESCLASS   REASON   AGE',
      'pv-1   1Gi        RWO,RWX        Retain           Bound    default/bound                  '
        + '<unset>                          1s',
    ));
  });

  it('rolebindings -o wide lists the subjects; leases their holder', () => {
    expect(get('rolebindings', { output: 'wide' })).toBe(table(
      'NAME        ROLE          AGE   USERS   GROUPS   SERVICEACCOUNTS',
      'read-pods   Role/reader   1s    jane             default/builder',
    ));
    expect(get('leases', { namespace: 'kube-system' })).toBe(table(
      'NAME     HOLDER       AGE',
      'leader   node-1_abc   1s',
    ));
  });

  it('priorityclasses: PREEMPTIONPOLICY is always a heading, its cell filled with -o wide only', () => {
    expect(get('pc')).toBe(table(
      'NAME   VALUE   GLOBAL-DEFAULT   AGE   PREEMPTIONPOLICY',
      'high   1000    false            1s',
    ));
    const wide = get('pc', { output: 'wide' }).split('\n')[1];
    expect(wide).toBe('high   1000    false            1s    PreemptLowerPriority');
  });

  it('custom resources: the CRD\'s printer columns (priority 1 with -o wide), namespaced as its scope says', () => {
    expect(get('widgets', { allNamespaces: true, output: 'wide' })).toBe(table(
      'NAMESPACE     NAME   SIZE   READY   AGE   COLOR',
      'default       w1     3      True    1s    blue',
      'kube-system   w2                    1s    red',
    ));
    expect(get('wd')).toBe(table(
      'NAME   SIZE   READY   AGE',
      'w1     3      True    1s',
    ));
  });
});

describe('kubectl get: namespaces, names and output formats', () => {
  it('lists the default namespace, -n another, -A all with a NAMESPACE column', () => {
    expect(get('leases')).toBe('No resources found in default namespace.\n');
    expect(get('statefulsets', { namespace: 'kube-system' })).toBe('No resources found in kube-system namespace.\n');
    expect(get('mutatingwebhookconfigurations', { allNamespaces: true })).toBe('No resources found\n');
    expect(get('leases', { allNamespaces: true }).split('\n')[0]).toBe('NAMESPACE     NAME     HOLDER       AGE');
    // Cluster-scoped kinds take no NAMESPACE column with -A.
    expect(get('pv', { allNamespaces: true }).split('\n')[0]).toMatch(/^NAME {3}CAPACITY/);
  });

  it.each([
    'configmaps', 'configmap', 'cm', 'ConfigMap', 'networkpolicies.networking.k8s.io', 'netpol.networking.k8s.io',
    'NetworkPolicy.networking.k8s.io', 'hpa', 'horizontalpodautoscalers.v2.autoscaling',
    'horizontalpodautoscalers.v1.autoscaling',
    'statefulset.apps', 'sts', 'cj', 'pvc', 'pv', 'crd', 'crds', 'pdb', 'sa', 'limits', 'quota', 'pc', 'sc', 'leases',
    'widgets', 'widget', 'Widget', 'wd', 'widgets.example.com', 'widgets.v1.example.com', 'widgets.v1beta1.example.com',
  ])('resolves %s as kubectl does', (word) => {
    expect(resolveResource(word, cluster), word).toBeDefined();
  });

  it('serves every built-in kind the lab keeps, by its kind and with its scope', () => {
    for (const kind of [...NAMESPACED_KINDS, ...CLUSTER_SCOPED_KINDS]) {
      const r = resolveResource(kind, cluster);
      expect(r?.kind, kind).toBe(kind);
      expect(r?.namespaced, kind).toBe(NAMESPACED_KINDS.has(kind));
    }
  });

  it.each([
    ['widgets.v2.example.com', 'widgets.v2.example.com'],
    ['configmaps.apps', 'configmaps.apps'],
    ['statefulsets.batch', 'statefulsets.batch'],
    ['frobs', 'frobs'],
  ])('%s is not a resource type', (word, shown) => {
    expect(get(word)).toBe(`error: the server doesn't have a resource type "${shown}"`);
    expect(get(`${word}/x`)).toBe(`error: the server doesn't have a resource type "${shown}"`);
  });

  it('an unknown name is NotFound with the group-qualified plural', () => {
    expect(get('lease', { name: 'nope' }))
      .toBe('Error from server (NotFound): leases.coordination.k8s.io "nope" not found');
    expect(get('cm/nope')).toBe('Error from server (NotFound): configmaps "nope" not found');
    expect(get('wd', { name: 'w9' })).toBe('Error from server (NotFound): widgets.example.com "w9" not found');
  });

  it('-o yaml and -o json print the object as kept, keys sorted', () => {
    const yaml = get('lease', { name: 'leader', namespace: 'kube-system', output: 'yaml' });
    expect(yaml.startsWith(
      'apiVersion: coordination.k8s.io/v1\nkind: Lease\nmetadata:\n  name: leader\n  namespace: kube-system\n',
    )).toBe(true);
    expect(yaml.endsWith('spec:\n  holderIdentity: node-1_abc\n  leaseDurationSeconds: 15\n')).toBe(true);
    type List = { kind: string; items: { metadata: { name: string } }[] };
    const list = JSON.parse(get('netpol', { output: 'json' })) as List;
    expect(list.kind).toBe('List');
    expect(list.items.map((i) => i.metadata.name)).toEqual(['db-allow-web', 'default-deny', 'tiers']);
  });

  it('several kinds: one table each, names prefixed with kind.group', () => {
    expect(get('cm,sa,wd')).toBe([
      'NAME                   DATA   AGE',
      'configmap/app-config   3      24h',
      '',
      'NAME                     SECRETS   AGE',
      'serviceaccount/builder   2         1s',
      'serviceaccount/default   0         1s',
      '',
      'NAME                    SIZE   READY   AGE',
      'widget.example.com/w1   3      True    1s',
      '',
    ].join('\n'));
  });
});

const describeText = (kind: string, name: string, namespace?: string) => {
  const r = kubectlDescribe(cluster, { kind, name, namespace });
  return r.ok ? r.text.replace(/(UID:\s+)\S+/, '$1<uid>') : r.error;
};

describe('kubectl describe: kubectl\'s own describers', () => {
  it('configmap: each key under a rule, then BinaryData\'s sizes', () => {
    expect(describeText('cm', 'app-config')).toBe(table(
      'Name:         app-config',
      'Namespace:    default',
      'Labels:       app=web',
      'Annotations:  <none>',
      '',
      'Data',
      '====',
      'a:',
      '----',
      '1',
      '',
      'b:',
      '----',
      'two',
      'lines',
      '',
      '',
      'BinaryData',
      '====',
      'bin: 5 bytes',
      '',
      'Events:  <none>',
    ));
  });

  it('secret: the type, then each key\'s size in bytes, never its value', () => {
    expect(describeText('secrets', 'creds')).toBe(table(
      'Name:         creds',
      'Namespace:    default',
      'Labels:       <none>',
      'Annotations:  <none>',
      '',
      'Type:  Opaque',
      '',
      'Data',
      '====',
      'password:  8 bytes',
      'user:      5 bytes',
    ));
  });

  it('serviceaccount: its secrets, a missing one marked; annotations as key: value', () => {
    expect(describeText('serviceaccount', 'builder')).toBe(table(
      'Name:                builder',
      'Namespace:           default',
      'Labels:              <none>',
      'Annotations:         team: platform',
      'Image pull secrets:  <none>',
      'Mountable secrets:   creds',
      '                     gone (not found)',
      'Tokens:              <none>',
      'Events:              <none>',
    ));
  });

  it('networkpolicy: who may reach the selected pods, rule by rule', () => {
    expect(describeText('netpol', 'db-allow-web')).toBe(table(
      'Name:         db-allow-web',
      'Namespace:    default',
      'Created on:   2025-01-01 00:00:02 +0000 UTC',
      'Labels:       <none>',
      'Annotations:  <none>',
      'Spec:',
      '  PodSelector:     app=db',
      '  Allowing ingress traffic:',
      '    To Port: 5432/TCP',
      '    From:',
      '      PodSelector: app=web',
      '    From:',
      '      IPBlock:',
      '        CIDR: 10.0.0.0/8',
      '        Except: 10.1.0.0/16',
      '    ----------',
      '    To Port: <any> (traffic allowed to all ports)',
      '    From: <any> (traffic not restricted by source)',
      '  Not affecting egress traffic',
      '  Policy Types: Ingress',
    ));
    expect(describeText('netpol', 'default-deny').split('\n').slice(5)).toEqual([
      'Spec:',
      '  PodSelector:     <none> (Allowing the specific traffic to all pods in this namespace)',
      '  Allowing ingress traffic:',
      '    <none> (Selected pods are isolated for ingress connectivity)',
      '  Allowing egress traffic:',
      '    <none> (Selected pods are isolated for egress connectivity)',
      '  Policy Types: Ingress, Egress',
      '',
    ]);
  });

  it('poddisruptionbudget and rolebinding', () => {
    expect(describeText('pdb', 'db-pdb')).toBe(table(
      'Name:           db-pdb',
      'Namespace:      default',
      'Min available:  2',
      'Selector:       app=db',
      'Status:',
      '    Allowed disruptions:  1',
      '    Current:              3',
      '    Desired:              2',
      '    Total:                3',
      'Events:                   <none>',
    ));
    expect(describeText('rolebinding', 'read-pods')).toBe(table(
      'Name:         read-pods',
      'Labels:       <none>',
      'Annotations:  <none>',
      'Role:',
      '  Kind:  Role',
      '  Name:  reader',
      'Subjects:',
      '  Kind            Name     Namespace',
      '  ----            ----     ---------',
      '  User            jane     ',
      '  ServiceAccount  builder  default',
    ));
  });

  it('namespace: its status, resource quotas and limit ranges', () => {
    expect(describeText('ns', 'default')).toBe(table(
      'Name:         default',
      'Labels:       kubernetes.io/metadata.name=default',
      'Annotations:  <none>',
      'Status:       Active',
      '',
      'Resource Quotas',
      '  Name:         compute',
      '  Resource      Used  Hard',
      '  --------      ---   ---',
      '  limits.cpu    1     4',
      '  pods          3     10',
      '  requests.cpu  0     2',
      '',
      'Resource Limits',
      ' Type       Resource  Min  Max  Default Request  Default Limit  Max Limit/Request Ratio',
      ' ----       --------  ---  ---  ---------------  -------------  -----------------------',
      ' Container  cpu       -    -    100m             500m           -',
      ' Container  memory    -    1Gi  -                -              -',
    ));
    expect(describeText('namespace', 'kube-system').split('\n').slice(4)).toEqual([
      '',
      'No resource quota.',
      '',
      'No LimitRange resource.',
      '',
    ]);
  });
});

describe('kubectl describe: the generic describer for the other kinds', () => {
  it('a lease: name, namespace, labels, annotations, then its fields titled as kubectl titles them', () => {
    expect(describeText('lease', 'leader', 'kube-system')).toBe(table(
      'Name:         leader',
      'Namespace:    kube-system',
      'Labels:       <none>',
      'Annotations:  <none>',
      'API Version:  coordination.k8s.io/v1',
      'Kind:         Lease',
      'Metadata:',
      '  UID:  <uid>',
      'Spec:',
      '  Holder Identity:         node-1_abc',
      '  Lease Duration Seconds:  15',
      'Events:                    <none>',
    ));
  });

  it('a cluster-scoped custom resource: an empty Namespace, lists item by item', () => {
    expect(describeText('gadget', 'g1')).toBe(table(
      'Name:         g1',
      'Namespace:    ',
      'Labels:       <none>',
      'Annotations:  <none>',
      'API Version:  example.com/v1alpha1',
      'Kind:         Gadget',
      'Metadata:',
      '  UID:  <uid>',
      'Spec:',
      '  Holder Identity:  x',
      '  Replicas:         2',
      '  Tags:',
      '    a',
      '    b',
      'Events:  <none>',
    ));
  });

  it('errors: an unknown type, an unknown name', () => {
    expect(describeText('frobs', 'x')).toBe('error: the server doesn\'t have a resource type "frobs"');
    expect(describeText('cronjob', 'x')).toBe('Error from server (NotFound): cronjobs.batch "x" not found');
    expect(describeText('widget', 'w2')).toBe('Error from server (NotFound): widgets.example.com "w2" not found');
  });
});

describe('the pieces kubectl formats with', () => {
  it('annotations: key: value; a long or multi-line value under its key; the last-applied one left out', () => {
    const last = 'kubectl.kubernetes.io/last-applied-configuration';
    expect(annotationLines({ b: 'x'.repeat(140), a: 'one\ntwo\n', [last]: '{}' })).toEqual(
      ['Annotations:\ta:', '\t  one', '\t  two', '\tb:', `\t  ${'x'.repeat(138)}...`],
    );
    expect(annotationLines({ [last]: '{}' })).toEqual(['Annotations:\t<none>']);
  });

  it.each([
    ['apiVersion', 'API Version'],
    ['holderIdentity', 'Holder Identity'],
    ['podCIDR', 'Pod CIDR'],
    ['HTTPServer', 'HTTP Server'],
    ['uid', 'UID'],
    ['x-forwarded', 'X - Forwarded'],
    ['app.kubernetes.io/name', 'app.kubernetes.io/name'],
    ['v1', 'v1'],
  ])('smartLabelFor(%s) = %s', (field, want) => expect(smartLabelFor(field)).toBe(want));

  it('a printer column\'s JSONPath: fields, escaped dots, indexes, [*], quoted keys, filters', () => {
    const o = {
      metadata: { labels: { 'app.kubernetes.io/name': 'web' } },
      status: { conditions: [{ type: 'Synced', status: 'False' }, { type: 'Ready', status: 'True', n: 2 }] },
    };
    expect(firstResult(o, '.metadata.labels.app\\.kubernetes\\.io/name')).toBe('web');
    expect(firstResult(o, ".metadata.labels['app.kubernetes.io/name']")).toBe('web');
    expect(firstResult(o, '.status.conditions[-1].type')).toBe('Ready');
    expect(firstResult(o, '.status.conditions[*].type')).toBe('Synced');
    expect(firstResult(o, '{.status.conditions[?(@.type=="Ready")].status}')).toBe('True');
    expect(firstResult(o, '.status.conditions[?(@.n==2)].type')).toBe('Ready');
    expect(firstResult(o, '.status.missing')).toBeUndefined();
    expect(firstResult(o, '..status')).toBeUndefined();
  });
});
