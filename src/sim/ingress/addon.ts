// Ingress controllers as addons: the objects a real install creates, in the seeds' topologies
// (a Deployment behind a NodePort Service [seed 000/003], behind a LoadBalancer Service, or a
// DaemonSet with hostPort 80/443 [seed 001]), plus the IngressClass, ingress-nginx's
// `default-http-backend` of that era, and Traefik's RBAC objects [seed 004]. An IngressClass of a
// known controller with no addon declared implies one, so tutorial manifests just work.

import type {
  Container,
  DaemonSet,
  Deployment,
  IngressClass,
  KubeObject,
  LoadBalancerIngress,
  Namespace,
  OtherObject,
  PodTemplateSpec,
  Service,
} from '../api/types';
import type { Cluster } from '../cluster';
import type { IngressAddon, LabSettings } from '../lab';
import { compareIp } from '../net/ip';
import { defaultIngressAddon } from '../lab';
import { assertNever } from '../util/assert';
import {
  CONTROLLER_NAMES,
  controllerKindOf,
  DEFAULT_CLASS_ANNOTATION,
  defaultBackendRef,
  servesIngress,
} from './model';

export const ADDON_LABEL = 'netlab.io/addon';

/** Labels on the controller pods (what their Service selects). */
export function controllerPodLabels(addon: IngressAddon): Record<string, string> {
  if (addon.adopt) return addon.adopt.podSelector;
  return addon.controller === 'nginx'
    ? {
      'app.kubernetes.io/name': 'ingress-nginx',
      'app.kubernetes.io/component': 'controller',
      'app.kubernetes.io/instance': addon.className,
    }
    : { 'app.kubernetes.io/name': 'traefik', 'app.kubernetes.io/instance': addon.className };
}

/** Object names of an addon's controller workload and Service. */
export function controllerNames(addon: IngressAddon): { workload: string; service: string; serviceAccount: string } {
  return addon.controller === 'nginx'
    ? { workload: 'ingress-nginx-controller', service: 'ingress-nginx-controller', serviceAccount: 'ingress-nginx' }
    : {
      workload: 'traefik-ingress-controller',
      service: 'traefik-ingress-service',
      serviceAccount: 'traefik-ingress-controller',
    };
}

/**
 * The controller's own Services, from its records rather than from which pods exist (a Service
 * keeps its address while no controller pod has one): the Service its install created, which
 * ingress-nginx's `--publish-service` names; for an adopted controller (a snapshot's), the Services
 * of its namespace whose selector its pod selector carries (k3s's `kube-system/traefik` selects
 * exactly the Traefik Deployment's labels). A DaemonSet on host ports has none (its install
 * creates no Service), unless the scenario declares one of that name.
 */
export function controllerServices(cluster: Pick<Cluster, 'services'>, addon: IngressAddon): Service[] {
  const inNamespace = (s: Service) => (s.metadata.namespace ?? 'default') === addon.namespace;
  if (!addon.adopt) {
    const name = controllerNames(addon).service;
    return cluster.services.filter((s) => inNamespace(s) && s.metadata.name === name);
  }
  const carried = addon.adopt.podSelector;
  return cluster.services.filter((s) => {
    const selector = Object.entries(s.spec.selector ?? {});
    return inNamespace(s) && selector.length > 0 && selector.every(([k, v]) => carried[k] === v);
  });
}

/** The addon an IngressClass implies when none is declared: the default topology, in the controller's usual
 *  namespace. */
export function defaultAddonFor(cls: IngressClass): IngressAddon | null {
  const kind = controllerKindOf(cls.spec.controller);
  if (!kind) return null;
  return {
    ...defaultIngressAddon(kind),
    className: cls.metadata.name,
    isDefaultClass: cls.metadata.annotations?.[DEFAULT_CLASS_ANNOTATION] === 'true',
  };
}

export interface AddonObjects {
  /** Objects to add to the scenario's (those the scenario already has, by kind/namespace/name, are left out). */
  objects: (KubeObject | OtherObject)[];
  /** Every addon in effect: declared ones, then implied ones. */
  addons: IngressAddon[];
  /** Addons implied by IngressClasses of known controllers with no addon declared. */
  implied: IngressAddon[];
}

function key(o: { kind: string; metadata: { name: string; namespace?: string } }): string {
  return `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
}

export function addonObjects(settings: LabSettings, objects: readonly (KubeObject | OtherObject)[]): AddonObjects {
  const declared = settings.ingress;
  const implied: IngressAddon[] = [];
  for (const o of objects) {
    if (o.kind !== 'IngressClass') continue;
    const cls = o as IngressClass;
    if (declared.some(
      (a) => a.className === cls.metadata.name
    ) || implied.some((a) => a.className === cls.metadata.name)) continue;
    const a = defaultAddonFor(cls);
    if (a) implied.push(a);
  }
  const addons = [...declared, ...implied];
  const existing = new Set(objects.map(key));
  const out: (KubeObject | OtherObject)[] = [];
  const push = (o: KubeObject | OtherObject) => {
    if (existing.has(key(o))) return;
    existing.add(key(o));
    out.push(o);
  };
  // An adopted controller is already installed: its objects are the scenario's own.
  for (const a of addons) if (!a.adopt) for (const o of addonInstallObjects(a)) push(o);
  return { objects: out, addons, implied };
}

function meta(addon: IngressAddon, name: string, labels: Record<string, string> = {}) {
  return { name, namespace: addon.namespace, labels: { [ADDON_LABEL]: addon.className, ...labels } };
}

/**
 * The objects one controller install creates, in the order its manifests list them: the namespace,
 * the IngressClass and ServiceAccount, the controller's workload (a DaemonSet on host ports, else a
 * Deployment behind a NodePort or LoadBalancer Service), the seeds' default backend, and RBAC.
 */
export function addonInstallObjects(addon: IngressAddon): (KubeObject | OtherObject)[] {
  const names = controllerNames(addon);
  const nsObj: Namespace = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: addon.namespace } };
  const cls: IngressClass = {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'IngressClass',
    metadata: {
      name: addon.className,
      labels: { [ADDON_LABEL]: addon.className },
      ...(addon.isDefaultClass ? { annotations: { [DEFAULT_CLASS_ANNOTATION]: 'true' } } : {}),
    },
    spec: { controller: CONTROLLER_NAMES[addon.controller] },
  };
  return [
    nsObj,
    cls,
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta(addon, names.serviceAccount) },
    ...controllerWorkload(addon),
    ...defaultBackendObjects(addon),
    ...(addon.controller === 'traefik' ? traefikRbac(addon) : []),
  ];
}

/** The controller container: ingress-nginx's or Traefik's image, flags, ports and readiness probe. */
function controllerContainer(addon: IngressAddon): Container {
  const names = controllerNames(addon);
  const hostPorts = addon.topology === 'daemonset-hostport';
  const hostPort = (port: number) => (hostPorts ? { hostPort: port } : {});
  if (addon.controller === 'nginx') {
    return {
      name: 'controller',
      image: 'registry.k8s.io/ingress-nginx/controller:v1.11.2',
      args: [
        '/nginx-ingress-controller',
        `--ingress-class=${addon.className}`,
        `--controller-class=${CONTROLLER_NAMES.nginx}`,
        ...(addon.defaultBackendService ? [`--default-backend-service=${addon.defaultBackendService}`] : []),
        ...(
          addon.topology !== 'daemonset-hostport' ? [`--publish-service=${addon.namespace}/${names.service}`] : []
        ),
      ],
      ports: [
        { name: 'http', containerPort: 80, protocol: 'TCP', ...hostPort(80) },
        { name: 'https', containerPort: 443, protocol: 'TCP', ...hostPort(443) },
      ],
      readinessProbe: { httpGet: { path: '/healthz', port: 10254 } },
    };
  }
  return {
    name: 'traefik',
    image: 'traefik:v3.1',
    args: [
      '--providers.kubernetesingress',
      `--providers.kubernetesingress.ingressclass=${addon.className}`,
      '--entrypoints.web.address=:80',
      '--entrypoints.websecure.address=:443',
      '--ping',
    ],
    ports: [
      { name: 'web', containerPort: 80, protocol: 'TCP', ...hostPort(80) },
      { name: 'websecure', containerPort: 443, protocol: 'TCP', ...hostPort(443) },
    ],
    readinessProbe: { httpGet: { path: '/ping', port: 80 } },
  };
}

/** The controller's workload by topology: a host-port DaemonSet, or a Deployment and its Service. */
function controllerWorkload(addon: IngressAddon): (KubeObject | OtherObject)[] {
  const names = controllerNames(addon);
  const podLabels = controllerPodLabels(addon);
  const template: PodTemplateSpec = {
    metadata: { labels: podLabels },
    spec: { serviceAccountName: names.serviceAccount, containers: [controllerContainer(addon)] },
  };
  switch (addon.topology) {
    case 'daemonset-hostport': {
      const ds: DaemonSet = {
        apiVersion: 'apps/v1',
        kind: 'DaemonSet',
        metadata: meta(addon, names.workload, podLabels),
        spec: { selector: { matchLabels: podLabels }, template },
      };
      return [ds];
    }
    case 'nodeport':
    case 'loadbalancer': {
      const dep: Deployment = {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: meta(addon, names.workload, podLabels),
        spec: { replicas: addon.replicas, selector: { matchLabels: podLabels }, template },
      };
      return [dep, controllerService(addon)];
    }
    default:
      return assertNever(addon.topology, 'ingress topology');
  }
}

/** The Service in front of the controller's Deployment, NodePort or LoadBalancer, on 80 and 443. */
function controllerService(addon: IngressAddon): Service {
  const names = controllerNames(addon);
  const podLabels = controllerPodLabels(addon);
  const portNames = addon.controller === 'nginx' ? ['http', 'https'] : ['web', 'websecure'];
  const nodePort = (n: number | undefined) => (addon.topology === 'nodeport' && n ? { nodePort: n } : {});
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: meta(addon, names.service, podLabels),
    spec: {
      type: addon.topology === 'nodeport' ? 'NodePort' : 'LoadBalancer',
      selector: podLabels,
      ports: [
        { name: portNames[0], port: 80, targetPort: portNames[0], protocol: 'TCP', ...nodePort(addon.nodePorts?.http) },
        {
          name: portNames[1],
          port: 443,
          targetPort: portNames[1],
          protocol: 'TCP',
          ...nodePort(addon.nodePorts?.https),
        },
      ],
    },
  };
}

/**
 * The seeds' era default backend: a tiny server answering 404 ("default backend - 404") on 8080.
 * Today's ingress-nginx installs none; only `--default-backend-service` brings one in.
 */
function defaultBackendObjects(addon: IngressAddon): (KubeObject | OtherObject)[] {
  const defaultBackend = addon.controller === 'nginx' ? defaultBackendRef(addon) : null;
  if (!defaultBackend) return [];
  const dbLabels = { 'app.kubernetes.io/name': defaultBackend.name, [ADDON_LABEL]: addon.className };
  const dbMeta = { name: defaultBackend.name, namespace: defaultBackend.namespace, labels: dbLabels };
  return [
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: dbMeta,
      spec: {
        replicas: 1,
        selector: { matchLabels: dbLabels },
        template: {
          metadata: { labels: dbLabels },
          spec: {
            containers: [
              {
                name: 'default-http-backend',
                image: 'registry.k8s.io/defaultbackend-amd64:1.5',
                ports: [{ containerPort: 8080, protocol: 'TCP' }],
                readinessProbe: { httpGet: { path: '/healthz', port: 8080 } },
              },
            ],
          },
        },
      },
    } satisfies Deployment,
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: dbMeta,
      spec: { selector: dbLabels, ports: [{ port: 80, targetPort: 8080, protocol: 'TCP' }] },
    } satisfies Service,
  ];
}

/** The RBAC objects seed 004 writes by hand for Traefik (apiVersion updated from rbac v1beta1 to v1). */
function traefikRbac(addon: IngressAddon): OtherObject[] {
  const names = controllerNames(addon);
  return [
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: names.serviceAccount, labels: { [ADDON_LABEL]: addon.className } },
      rules: [
        { apiGroups: [''], resources: ['services', 'endpoints', 'secrets'], verbs: ['get', 'list', 'watch'] },
        {
          apiGroups: ['extensions', 'networking.k8s.io'],
          resources: ['ingresses', 'ingressclasses'],
          verbs: ['get', 'list', 'watch'],
        },
        { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['get', 'list', 'watch'] },
      ],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: names.serviceAccount, labels: { [ADDON_LABEL]: addon.className } },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: names.serviceAccount },
      subjects: [{ kind: 'ServiceAccount', name: names.serviceAccount, namespace: addon.namespace }],
    },
  ];
}

/**
 * status.loadBalancer of each served Ingress: the controller Service's load-balancer address
 * (loadbalancer topology), else the InternalIPs of the nodes running controller pods, as
 * ingress-nginx publishes them. Ingresses of an unknown class get nothing [CONF ingress_class].
 */
export function ingressStatusAddresses(cluster: Cluster, addon: IngressAddon): Map<string, LoadBalancerIngress[]> {
  const controllerPodLabel = controllerPodLabels(addon);
  const out = new Map<string, LoadBalancerIngress[]>();
  let addrs: LoadBalancerIngress[] = [];
  if (addon.topology === 'loadbalancer') {
    const name = controllerNames(addon).service;
    const svc = cluster.services.find(
      (s) => (s.metadata.namespace ?? 'default') === addon.namespace && s.metadata.name === name
    );
    addrs = svc?.status?.loadBalancer?.ingress ?? [];
  } else {
    const nodes = new Set(
      cluster.pods
        .filter((p) => (p.metadata.namespace ?? 'default') === addon.namespace
          && Object.entries(controllerPodLabel).every(([k, v]) => p.metadata.labels?.[k] === v))

        .map((p) => p.spec.nodeName)
        .filter((n): n is string => !!n),
    );
    addrs = cluster.nodes
      .filter((n) => nodes.has(n.metadata.name))
      .map((n) => n.status?.addresses?.find((a) => a.type === 'InternalIP')?.address)
      .filter((a): a is string => !!a)
      .sort(compareIp)
      .map((ip) => ({ ip }));
  }
  for (const ing of cluster.ingresses) {
    if (servesIngress(addon, ing, cluster.ingressClasses).served) out.set(
      `${ing.metadata.namespace ?? 'default'}/${ing.metadata.name}`,
      addrs,
    );
  }
  return out;
}
