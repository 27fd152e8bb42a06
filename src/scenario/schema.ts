// The scenario format's validators (zod v4). They check structure only: types, required fields,
// the enumerations the TypeScript types promise. What the apiserver decides beyond that (port
// ranges, name syntax, selector/template agreement, ...) is the control plane's job.
// The JSON Schema in public/scenario.schema.json is generated from these (scripts/gen-schema.ts).

import './zod-config';
import { z } from 'zod';
import {
  defaultKubeProxySettings,
  defaultLabSettings,
  IPVS_SCHEDULERS,
  PROXY_MODES,
  type IngressControllerKind,
  type IpvsScheduler,
  type ProxyMode,
} from '../sim/lab';
import { SIMULATED_KINDS } from '../sim/api/types';
import { LIMITS } from './limits';

export const SCENARIO_FORMAT = 'netlab.scenario';
/** The newest scenario format version this lab reads and writes. */
export const CURRENT_VERSION = 1;

// ------------------------------------------------------------------ Kubernetes building blocks

const str = z.string();
const int = z.int();
const stringMap = z.record(z.string(), z.string());
const intOrString = z.union([z.int(), z.string()]);
const protocol = z.enum(['TCP', 'UDP', 'SCTP']);
const conditionStatus = z.enum(['True', 'False', 'Unknown']);

export const objectMetaSchema = z.looseObject({
  name: z.string().min(1),
  namespace: str.optional(),
  generateName: str.optional(),
  labels: stringMap.optional(),
  annotations: stringMap.optional(),
  uid: str.optional(),
  creationTimestamp: str.optional(),
  deletionTimestamp: str.optional(),
  ownerReferences: z
    .array(
      z.looseObject({ apiVersion: str, kind: str, name: str, uid: str.optional(), controller: z.boolean().optional() }),
    )
    .optional(),
  resourceVersion: str.optional(),
}).meta({ id: 'ObjectMeta' });

const labelSelector = z.looseObject({
  matchLabels: stringMap.optional(),
  matchExpressions: z
    .array(
      z.looseObject({
        key: str,
        operator: z.enum(['In', 'NotIn', 'Exists', 'DoesNotExist']),
        values: z.array(str).optional(),
      }),
    )
    .optional(),
}).meta({ id: 'LabelSelector' });

const containerPort = z.looseObject({
  name: str.optional(),
  containerPort: int,
  hostPort: int.optional(),
  hostIP: str.optional(),
  protocol: protocol.optional(),
});

const probe = z.looseObject({
  httpGet: z.looseObject({ path: str.optional(), port: intOrString }).optional(),
  tcpSocket: z.looseObject({ port: intOrString }).optional(),
});

const container = z.looseObject({
  name: str,
  image: str.optional(),
  ports: z.array(containerPort).optional(),
  readinessProbe: probe.optional(),
}).meta({ id: 'Container' });

const podSpec = z.looseObject({
  containers: z.array(container),
  nodeName: str.optional(),
  nodeSelector: stringMap.optional(),
  hostname: str.optional(),
  subdomain: str.optional(),
  hostNetwork: z.boolean().optional(),
  dnsPolicy: z.enum(['ClusterFirst', 'ClusterFirstWithHostNet', 'Default', 'None']).optional(),
  dnsConfig: z
    .looseObject({
      nameservers: z.array(str).optional(),
      searches: z.array(str).optional(),
      options: z.array(z.looseObject({ name: str, value: str.optional() })).optional(),
    })
    .optional(),
  // The ip is checked by the apiserver's validation (its words for a missing or bad address).
  hostAliases: z.array(z.looseObject({ ip: str.optional(), hostnames: z.array(str).optional() })).optional(),
  serviceAccountName: str.optional(),
}).meta({ id: 'PodSpec' });

const podTemplate = z.looseObject({
  metadata: z.looseObject({ labels: stringMap.optional(), annotations: stringMap.optional() }).optional(),
  spec: podSpec,
}).meta({ id: 'PodTemplateSpec' });

/** spec.replicas: an integer, and no more pods than the lab will run for one workload. */
const replicas = z.int().max(LIMITS.maxReplicas);

const loadBalancerIngress = z.looseObject({
  ip: str.optional(),
  hostname: str.optional(),
  ipMode: z.enum(['VIP', 'Proxy']).optional(),
});

const trafficPolicy = z.enum(['Cluster', 'Local']);

const servicePort = z.looseObject({
  name: str.optional(),
  protocol: protocol.optional(),
  port: int,
  targetPort: intOrString.optional(),
  nodePort: int.optional(),
  appProtocol: str.optional(),
});

const targetRef = z.looseObject({ kind: str, namespace: str.optional(), name: str, uid: str.optional() });

const endpointAddress = z.looseObject({
  ip: str,
  hostname: str.optional(),
  nodeName: str.optional(),
  targetRef: targetRef.optional(),
});

const ingressBackend = z.looseObject({
  service: z
    .looseObject({ name: str, port: z.looseObject({ number: int.optional(), name: str.optional() }) })
    .optional(),
  resource: z.looseObject({ apiGroup: str.optional(), kind: str, name: str }).optional(),
});

// ------------------------------------------------------------------ Kubernetes kinds

function kind<K extends string, V extends string, S extends z.core.$ZodLooseShape>(k: K, apiVersion: V, shape: S) {
  return z
    .looseObject({ apiVersion: z.literal(apiVersion), kind: z.literal(k), metadata: objectMetaSchema, ...shape })
    .meta({ title: k, description: `${apiVersion} ${k}, as kubectl apply takes it` });
}

export const KIND_SCHEMAS = {
  Namespace: kind('Namespace', 'v1', {}),
  Node: kind('Node', 'v1', {
    spec: z
      .looseObject({
        podCIDR: str.optional(),
        podCIDRs: z.array(str).optional(),
        unschedulable: z.boolean().optional(),
      })
      .optional(),
    status: z
      .looseObject({
        addresses: z
          .array(
            z.looseObject({
              type: z.enum(['InternalIP', 'ExternalIP', 'Hostname', 'InternalDNS', 'ExternalDNS']),
              address: str,
            }),
          )
          .optional(),
        conditions: z
          .array(z.looseObject({ type: str, status: conditionStatus, reason: str.optional(), message: str.optional() }))
          .optional(),
      })
      .optional(),
  }),
  Pod: kind('Pod', 'v1', {
    spec: podSpec,
    status: z
      .looseObject({
        phase: z.enum(['Pending', 'Running', 'Succeeded', 'Failed', 'Unknown']).optional(),
        podIP: str.optional(),
        podIPs: z.array(z.looseObject({ ip: str })).optional(),
        hostIP: str.optional(),
        conditions: z
          .array(z.looseObject({ type: str, status: conditionStatus, reason: str.optional(), message: str.optional() }))
          .optional(),
      })
      .optional(),
  }),
  Deployment: kind('Deployment', 'apps/v1', {
    spec: z.looseObject({ replicas: replicas.optional(), selector: labelSelector, template: podTemplate }),
  }),
  ReplicaSet: kind('ReplicaSet', 'apps/v1', {
    spec: z.looseObject({ replicas: replicas.optional(), selector: labelSelector, template: podTemplate }),
  }),
  DaemonSet: kind('DaemonSet', 'apps/v1', {
    spec: z.looseObject({ selector: labelSelector, template: podTemplate }),
  }),
  StatefulSet: kind('StatefulSet', 'apps/v1', {
    spec: z.looseObject({
      replicas: replicas.optional(),
      selector: labelSelector,
      template: podTemplate,
      serviceName: str.optional(),
    }),
  }),
  Service: kind('Service', 'v1', {
    // A Service without spec is accepted here; the apiserver's "spec.ports: Required value" is the control plane's.
    spec: z
      .looseObject({
        type: z.enum(['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName']).optional(),
        selector: stringMap.optional(),
        ports: z.array(servicePort).optional(),
        clusterIP: str.optional(),
        clusterIPs: z.array(str).optional(),
        externalIPs: z.array(str).optional(),
        externalName: str.optional(),
        sessionAffinity: z.enum(['None', 'ClientIP']).optional(),
        sessionAffinityConfig: z
          .looseObject({ clientIP: z.looseObject({ timeoutSeconds: int.optional() }).optional() })
          .optional(),
        externalTrafficPolicy: trafficPolicy.optional(),
        internalTrafficPolicy: trafficPolicy.optional(),
        healthCheckNodePort: int.optional(),
        loadBalancerIP: str.optional(),
        loadBalancerSourceRanges: z.array(str).optional(),
        allocateLoadBalancerNodePorts: z.boolean().optional(),
        publishNotReadyAddresses: z.boolean().optional(),
        ipFamilies: z.array(z.enum(['IPv4', 'IPv6'])).optional(),
        ipFamilyPolicy: z.enum(['SingleStack', 'PreferDualStack', 'RequireDualStack']).optional(),
      })
      .prefault({}),
    status: z
      .looseObject({ loadBalancer: z.looseObject({ ingress: z.array(loadBalancerIngress).optional() }).optional() })
      .optional(),
  }),
  Endpoints: kind('Endpoints', 'v1', {
    subsets: z
      .array(
        z.looseObject({
          addresses: z.array(endpointAddress).optional(),
          notReadyAddresses: z.array(endpointAddress).optional(),
          ports: z.array(z.looseObject({ name: str.optional(), port: int, protocol: protocol.optional() })).optional(),
        }),
      )
      .optional(),
  }),
  EndpointSlice: kind('EndpointSlice', 'discovery.k8s.io/v1', {
    addressType: z.enum(['IPv4', 'IPv6', 'FQDN']),
    endpoints: z
      .array(
        z.looseObject({
          addresses: z.array(str),
          conditions: z
            .looseObject({
              ready: z.boolean().optional(),
              serving: z.boolean().optional(),
              terminating: z.boolean().optional(),
            })
            .optional(),
          hostname: str.optional(),
          nodeName: str.optional(),
          zone: str.optional(),
          targetRef: targetRef.optional(),
        }),
      )
      .prefault([]),
    ports: z
      .array(
        z.looseObject({
          name: str.optional(),
          port: int.optional(),
          protocol: protocol.optional(),
          appProtocol: str.optional(),
        }),
      )
      .optional(),
  }),
  Ingress: kind('Ingress', 'networking.k8s.io/v1', {
    spec: z
      .looseObject({
        ingressClassName: str.optional(),
        defaultBackend: ingressBackend.optional(),
        tls: z.array(z.looseObject({ hosts: z.array(str).optional(), secretName: str.optional() })).optional(),
        rules: z
          .array(
            z.looseObject({
              host: str.optional(),
              http: z
                .looseObject({
                  paths: z.array(
                    z.looseObject({
                      path: str.optional(),
                      pathType: z.enum(['Exact', 'Prefix', 'ImplementationSpecific']),
                      backend: ingressBackend,
                    }),
                  ),
                })
                .optional(),
            }),
          )
          .optional(),
      })
      .prefault({}),
    status: z
      .looseObject({ loadBalancer: z.looseObject({ ingress: z.array(loadBalancerIngress).optional() }).optional() })
      .optional(),
  }),
  IngressClass: kind('IngressClass', 'networking.k8s.io/v1', {
    spec: z.looseObject({ controller: str, parameters: z.record(z.string(), z.unknown()).optional() }),
  }),
  Secret: kind('Secret', 'v1', {
    type: str.optional(),
    data: stringMap.optional(),
    stringData: stringMap.optional(),
  }),
  ConfigMap: kind('ConfigMap', 'v1', { data: stringMap.optional() }),
  // Gateway API kinds: structure only (every field optional here, nothing defaulted, so a manifest
  // exports back exactly as written); the CRDs' own validation (required fields, enums, patterns,
  // CEL rules) is src/sim/api/gateway-validation.ts, run by the loader and the store.
  GatewayClass: kind('GatewayClass', 'gateway.networking.k8s.io/v1', {
    spec: z.looseObject({}),
    status: z.looseObject({}).optional(),
  }),
  Gateway: kind('Gateway', 'gateway.networking.k8s.io/v1', {
    spec: z.looseObject({}),
    status: z.looseObject({}).optional(),
  }),
  HTTPRoute: kind('HTTPRoute', 'gateway.networking.k8s.io/v1', {
    spec: z.looseObject({}),
    status: z.looseObject({}).optional(),
  }),
  ReferenceGrant: z
    .looseObject({
      apiVersion: z.enum(['gateway.networking.k8s.io/v1', 'gateway.networking.k8s.io/v1beta1']),
      kind: z.literal('ReferenceGrant'),
      metadata: objectMetaSchema,
      spec: z.looseObject({}),
    })
    .meta({
      title: 'ReferenceGrant',
      description: 'gateway.networking.k8s.io/v1 (or v1beta1) ReferenceGrant, as kubectl apply takes it',
    }),
} as const;

/** Objects the lab keeps without simulating (ServiceAccount, ClusterRole, custom resources, ...). */
export const otherObjectSchema = z
  .looseObject({ apiVersion: z.string().min(1), kind: z.string().min(1), metadata: objectMetaSchema })
  .meta({ title: 'Other object', description: 'Any other Kubernetes object; kept and exported, not simulated' });

// ------------------------------------------------------------------ lab settings

const D = defaultLabSettings();
const DK = defaultKubeProxySettings();

const cidr = z.cidrv4();

export const ingressAddonSchema = z.strictObject({
  controller: z.enum(['nginx', 'traefik'] satisfies IngressControllerKind[]),
  className: str.min(1).optional().meta({ description: 'IngressClass name; defaults to the controller name' }),
  topology: z.enum(['nodeport', 'loadbalancer', 'daemonset-hostport']).default('nodeport'),
  namespace: str.min(1).optional().meta({ description: 'defaults to ingress-nginx or traefik' }),
  replicas: z.int().min(1).max(LIMITS.maxReplicas).default(1),
  legacyReloadOnEndpointChange: z.boolean().default(false),
  nodePorts: z.strictObject({ http: int.optional(), https: int.optional() }).optional(),
  isDefaultClass: z.boolean().default(false),
  defaultBackendService: str
    .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?\/[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be <namespace>/<name>')
    .optional()
    .meta({
      description:
        'ingress-nginx only: --default-backend-service=<namespace>/<name>; ' +
        "unset, the controller's own default server answers 404",
    }),
  useProxyProtocol: z
    .boolean()
    .optional()
    .meta({ description: "ingress-nginx's use-proxy-protocol: expect a PROXY protocol header from the load balancer" }),
  adopt: z
    .strictObject({ podSelector: z.record(str, str), ports: z.strictObject({ http: int, https: int }) })
    .optional()
    .meta({
      description:
        'The controller already runs in the objects (a cluster snapshot): ' +
        'its pods by label, and their http/https ports',
    }),
});

export const kubeProxySchema = z.strictObject({
  mode: z.enum(PROXY_MODES as [ProxyMode, ...ProxyMode[]]).default(DK.mode),
  clusterCIDR: cidr.optional().meta({ description: "--cluster-cidr; defaults to the lab's podCIDR" }),
  masqueradeAll: z.boolean().default(DK.masqueradeAll),
  masqueradeBit: z.int().min(0).max(31).default(DK.masqueradeBit),
  localhostNodePorts: z.boolean().default(DK.localhostNodePorts),
  nodePortAddresses: z.array(str).default(() => []),
  nfacct: z.boolean().default(DK.nfacct),
  ipvs: z
    .strictObject({
      scheduler: z.enum(IPVS_SCHEDULERS as [IpvsScheduler, ...IpvsScheduler[]]).default(DK.ipvs.scheduler),
      modulesLoaded: z.boolean().default(DK.ipvs.modulesLoaded),
    })
    .prefault({}),
  featureGates: z
    .strictObject({ NFTablesProxyMode: z.boolean().optional() })
    .optional()
    .meta({
      description: "kube-proxy's --feature-gates; NFTablesProxyMode enables the alpha nftables mode in 1.29-1.30",
    }),
});

/** LabSettings with every field optional: what a file may give; parsing fills in defaultLabSettings(). */
export const labSettingsSchema = z
  .strictObject({
    clusterName: str.min(1).default(D.clusterName),
    clusterDomain: str.min(1).default(D.clusterDomain),
    podCIDR: cidr.default(D.podCIDR),
    nodeCIDRMaskSize: z.int().min(1).max(32).default(D.nodeCIDRMaskSize),
    serviceCIDR: cidr.default(D.serviceCIDR),
    nodePortRange: z
      .strictObject({ min: z.int().min(1).max(65535), max: z.int().min(1).max(65535) })
      .default(() => ({ ...D.nodePortRange })),
    loadBalancerPool: z
      .array(str)
      .default(() => [])
      .meta({ description: 'Addresses or CIDRs a cloud load-balancer controller hands out; empty: no provider' }),
    loadBalancer: z
      .strictObject({ model: z.enum(['direct', 'nodeport']).default('direct') })
      .optional()
      .meta({
        description:
          "External load balancers: direct (the LB address kept, as GCE's network LB or MetalLB) or nodeport " +
          "(to every node's NodePort, as AWS Classic ELB or NLB instance targets); " +
          "a Service's netlab.io/load-balancer-model annotation overrides it",
      }),
    nodeCIDR: cidr.default(D.nodeCIDR),
    kubeProxy: kubeProxySchema.prefault({}),
    ingress: z.array(ingressAddonSchema).default(() => []).meta({ description: 'Ingress controller addons' }),
    gatewayAPI: z
      .strictObject({
        controllerName: str
          .min(1)
          .default(D.gatewayAPI.controllerName)
          .meta({ description: 'GatewayClasses with this controllerName are served' }),
        install: z
          .boolean()
          .default(D.gatewayAPI.install)
          .meta({
            description: 'Install the Gateway controller and a GatewayClass "nginx" even without a GatewayClass',
          }),
      })
      .prefault({})
      .meta({ description: 'Gateway API controller (NGINX Gateway Fabric)' }),
    kubernetesVersion: z.string().regex(/^\d+\.\d+$/).default(D.kubernetesVersion),
    seed: str.default(D.seed),
    nodeIPs: z
      .array(z.ipv4())
      .optional()
      .meta({
        description:
          "The node's addresses where no Node object gives them " +
          "(rules --admission none, as kube-proxy's unit tests)",
      }),
    snapshot: z
      .boolean()
      .optional()
      .meta({
        description: 'The objects are a snapshot of a running cluster: what its controllers published is kept as given',
      }),
  })
  .meta({ title: 'Lab settings', description: 'What a real cluster configures outside its API objects' });

// ------------------------------------------------------------------ envelope sections

export const localizedTextSchema = z.strictObject({ en: str, zh: str.optional() });

export const metaSchema = z.strictObject({
  title: str.optional(),
  description: str.optional(),
  tags: z.array(str).optional(),
  language: z.enum(['en', 'zh']).optional(),
  zh: z
    .strictObject({ title: str.optional(), description: str.optional() })
    .optional()
    .meta({ description: 'Simplified Chinese title and description (the English ones are the defaults)' }),
});

export const TRACE_OUTCOMES = ['response', 'refused', 'timeout', 'nxdomain', 'unreachable'] as const;

export const requestExpectSchema = z
  .strictObject({
    outcome: z.enum(TRACE_OUTCOMES),
    status: z.int().min(100).max(599).optional(),
    service: str.optional().meta({ description: '"namespace/name" of the Service that carries the request' }),
    backend: str
      .optional()
      .meta({ description: 'The answering pod: "namespace/name", or "namespace/prefix-*" for any pod of a workload' }),
    sourceIP: z.ipv4().optional().meta({ description: 'The client address the backend sees' }),
  })
  .meta({ description: 'What the lesson says this request does; the lab checks it' });

export const externalClientSchema = z.strictObject({
  name: str.min(1),
  address: z.ipv4(),
  hosts: z.record(z.string(), z.ipv4()).optional().meta({ description: '/etc/hosts entries: host name to address' }),
});

export const savedRequestSchema = z.strictObject({
  id: str.min(1),
  title: str.optional(),
  from: z
    .string()
    .regex(/^(external:.+|pod:[^/]+\/.+|node:.+)$/)
    .meta({ description: '"external:<client>", "pod:<namespace>/<name>" or "node:<name>"' }),
  method: str.optional(),
  url: str.min(1),
  headers: stringMap.optional(),
  connect: str.optional().meta({
    description:
      'Like curl --connect-to: "ingress[:<class>]", "gateway:<ns>/<name>[:<port>]", ' +
      '"node:<name>" or "<ip>:<port>"',
  }),
  zh: z.strictObject({ title: str.optional() }).optional(),
  expect: requestExpectSchema.optional(),
});

export const lessonStepSchema = z.strictObject({
  id: str.optional(),
  text: localizedTextSchema,
  request: str.optional().meta({ description: 'Id of a saved request to run at this step' }),
  predict: z
    .strictObject({
      question: localizedTextSchema,
      choices: z.array(localizedTextSchema).min(2),
      answer: z.int().min(0).meta({ description: 'Index into choices' }),
      explanation: localizedTextSchema.optional(),
    })
    .optional(),
  hop: z.int().min(0).optional().meta({ description: 'Hop of the trace to show at this step' }),
});

export const viewSchema = z.looseObject({
  selectedRequest: str.optional(),
  lessonStep: z.int().min(0).optional(),
  layout: z
    .looseObject({
      direction: z.enum(['LR', 'TB']).optional(),
      positions: z.record(z.string(), z.strictObject({ x: z.number(), y: z.number() })).optional(),
    })
    .optional(),
});

const anyObject = z.union([...Object.values(KIND_SCHEMAS), otherObjectSchema]);

/** One change made in the running lab (src/sim/assembly/edits.ts), replayed in order after the cluster starts. */
export const labEditSchema = z
  .discriminatedUnion('kind', [
    z
      .strictObject({
        kind: z.literal('set-replicas'),
        namespace: str.min(1),
        name: str.min(1),
        replicas: z.int().min(0).max(LIMITS.maxReplicas),
        objectKind: z.enum(['Deployment', 'StatefulSet']).optional(),
      })
      .meta({
        description: 'kubectl scale deployment/<name> --replicas=N (statefulset/<name> with objectKind StatefulSet)',
      }),
    z
      .strictObject({ kind: z.literal('set-pod-ready'), namespace: str.min(1), name: str.min(1), ready: z.boolean() })
      .meta({
        description:
          "A pod's readiness probe starts failing (false) or passing (true); " +
          'any pod, also one a ReplicaSet made',
      }),
    z
      .strictObject({
        kind: z.literal('remove-object'),
        objectKind: str.min(1),
        namespace: str.min(1).optional(),
        name: str.min(1),
      })
      .meta({ description: 'kubectl delete; a ReplicaSet replaces a pod deleted this way' }),
    z
      .strictObject({ kind: z.literal('apply-object'), object: otherObjectSchema })
      .meta({ description: 'kubectl apply -f: create or replace one object' }),
    z
      .strictObject({ kind: z.literal('set-proxy-mode'), mode: z.enum(PROXY_MODES as [ProxyMode, ...ProxyMode[]]) })
      .meta({ description: 'kube-proxy restarted in another mode' }),
    z
      .strictObject({ kind: z.literal('set-kube-proxy'), config: kubeProxySchema.prefault({}) })
      .meta({ description: "kube-proxy's ConfigMap edited, kube-proxy restarted" }),
  ])
  .meta({ title: 'Lab edit' });

/** The whole file, version 1: used for the JSON Schema and the keys check (sections are validated one by one). */
export const scenarioFileSchema = z
  .strictObject({
    $schema: str.optional(),
    format: z.literal(SCENARIO_FORMAT),
    version: z.literal(CURRENT_VERSION),
    meta: metaSchema.optional(),
    settings: labSettingsSchema.optional(),
    objects: z.array(anyObject).max(LIMITS.maxObjects).optional(),
    clients: z.array(externalClientSchema).optional(),
    requests: z.array(savedRequestSchema).optional(),
    lesson: z.array(lessonStepSchema).optional(),
    view: viewSchema.optional(),
    edits: z
      .array(labEditSchema)
      .max(LIMITS.maxEdits)
      .optional()
      .meta({
        description:
          'Changes made in the running lab, replayed in order after the cluster starts ' +
          '(so pod names and addresses come out the same)',
      }),
  })
  .meta({
    title: 'netlab scenario',
    description: 'A Kubernetes cluster-networking lab: objects as kubectl apply takes them, plus lab settings',
  });

export const ENVELOPE_KEYS: readonly string[] = Object.keys(scenarioFileSchema.shape);

export const SCHEMA_ID = 'https://netlab.dev/scenario.schema.json';

interface JsonSchemaNode {
  title?: string;
  properties?: Record<string, JsonSchemaNode>;
  items?: JsonSchemaNode;
  anyOf?: JsonSchemaNode[];
  [key: string]: unknown;
}

/** JSON Schema for editors (what `npm run schema` writes to public/scenario.schema.json). */
export function buildJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(scenarioFileSchema, { io: 'input', target: 'draft-2020-12' }) as JsonSchemaNode;
  // "Other object" must not match a simulated kind, or an editor would accept any Service through it
  // and never point at its mistakes. (The loader dispatches on kind itself; this is for editors.)
  const branches = schema.properties?.objects?.items?.anyOf ?? [];
  const other = branches.find((b) => b.title === otherObjectSchema.meta()?.title);
  if (other?.properties?.kind) {
    other.properties.kind = { ...other.properties.kind, not: { enum: [...SIMULATED_KINDS] } };
  }
  return { ...schema, $id: SCHEMA_ID };
}
