// Validation that mirrors the apiserver's (pkg/apis/core/validation/validation.go,
// pkg/apis/networking/validation, pkg/apis/apps/validation), message for message. Range and
// collision checks for clusterIPs and nodePorts are the allocators' (alloc.ts), as in the registry.

import { ipv6Groups, parseCidr, isIPv4 } from '../net/ip';
import type {
  DaemonSet,
  Deployment,
  EndpointSlice,
  Endpoints,
  HTTPIngressPath,
  Ingress,
  IngressBackend,
  IngressClass,
  KubeObject,
  LabelSelector,
  Node,
  ObjectMeta,
  OtherObject,
  Pod,
  PodSpec,
  ReplicaSet,
  Service,
  ServicePort,
  ServiceSpec,
  StatefulSet,
} from './types';
import { isNamespaced } from './types';
import { validateGatewayApiObject } from './gateway-validation';
import { duplicate, forbidden, int, invalid, notSupported, raw, required, str, type FieldError } from './errors';
import {
  isDNS1035Label,
  isDNS1123Label,
  isDNS1123Subdomain,
  isQualifiedName,
  isValidLabelValue,
  isValidPortName,
  isValidPortNum,
  isWildcardDNS1123Subdomain,
} from './names';

/** Which name rule each kind's metadata.name follows (ValidateXxxName in the apiserver). */
export function nameRule(kind: string): (name: string) => string[] {
  switch (kind) {
    // ValidateStatefulSetName (apps/validation): a DNS label, since each pod's hostname is <name>-<ordinal>.
    case 'Namespace':
    case 'StatefulSet':
      return isDNS1123Label;
    case 'Service':
      return isDNS1035Label;
    default:
      return isDNS1123Subdomain;
  }
}

const SUPPORTED_PROTOCOLS = ['SCTP', 'TCP', 'UDP'];
const DNS_POLICIES: readonly string[] = ['ClusterFirst', 'ClusterFirstWithHostNet', 'Default', 'None'];
const IP_EXAMPLE = 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)';
const CIDR_EXAMPLE = 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)';

/** Go's %#v of a map[string]string (keys sorted, as fmt prints maps). */
export function goStringMap(m: Record<string, string> | undefined): string {
  if (!m) return 'map[string]string(nil)';
  const parts = Object.keys(m)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${JSON.stringify(m[k])}`);
  return `map[string]string{${parts.join(', ')}}`;
}

export function goStringSlice(v: readonly string[] | undefined): string {
  if (!v) return '[]string(nil)';
  return `[]string{${v.map((s) => JSON.stringify(s)).join(', ')}}`;
}

/**
 * What one store's validation remembers, strings and objects found valid before: every object's
 * namespace and the same few label keys are checked on each write, and a Deployment's pod spec is
 * its ReplicaSet's and its pods' (see defaultPodSpec). Only validity is kept: an invalid value is
 * checked again, its errors carrying the field path of the write at hand.
 */
export class ValidationMemo {
  /** Label keys that passed isQualifiedName. */
  readonly labelKeys = new Set<string>();
  /** Namespaces that passed isDNS1123Label. */
  readonly namespaces = new Set<string>();
  /** Pod specs that passed validatePodSpec (at any field path: its errors only name the path). */
  readonly podSpecs = new WeakSet<object>();
}

const NONE: readonly string[] = Object.freeze([]);

/** `rule`'s messages for `v`; none when `known` (strings that passed it before) has it. */
function checkedRule(rule: (v: string) => string[], v: string, known: Set<string> | undefined): readonly string[] {
  if (known?.has(v)) return NONE;
  const messages = rule(v);
  if (messages.length === 0) known?.add(v);
  return messages;
}

export function validateLabels(
  labels: Record<string, string> | undefined,
  field: string,
  errs: FieldError[] = [],
  memo?: ValidationMemo,
): FieldError[] {
  if (!labels) return errs;
  for (const k of Object.keys(labels)) {
    const v = String(labels[k]);
    for (const m of checkedRule(isQualifiedName, k, memo?.labelKeys)) errs.push(invalid(field, str(k), m));
    for (const m of isValidLabelValue(v)) errs.push(invalid(field, str(v), m));
  }
  return errs;
}

function validateAnnotations(annotations: Record<string, string> | undefined, field: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const k of Object.keys(annotations ?? {})) {
    for (const m of isQualifiedName(k.toLowerCase())) errs.push(invalid(field, str(k), m));
  }
  return errs;
}

/** `memo`: the store's record of what passed before (see ValidationMemo). */
export function validateObjectMeta(kind: string, meta: ObjectMeta, memo?: ValidationMemo): FieldError[] {
  const errs: FieldError[] = [];
  if (!meta.name && !meta.generateName) {
    errs.push(required('metadata.name', 'name or generateName is required'));
  } else if (meta.name) {
    for (const m of nameRule(kind)(meta.name)) errs.push(invalid('metadata.name', str(meta.name), m));
  }
  // A cluster-scoped object has no namespace by now: the apiserver cleared it (see applyDefaults).
  if (isNamespaced(kind, meta.namespace)) {
    const ns = meta.namespace ?? 'default';
    for (const m of checkedRule(isDNS1123Label, ns, memo?.namespaces)) {
      errs.push(invalid('metadata.namespace', str(ns), m));
    }
  }
  validateLabels(meta.labels, 'metadata.labels', errs, memo);
  if (meta.annotations) for (const e of validateAnnotations(meta.annotations, 'metadata.annotations')) errs.push(e);
  return errs;
}

// ---------------------------------------------------------------- Service

/** %#v of core.ServicePort, as the duplicate-port error prints it. */
function goServicePort(p: { name?: string; protocol?: string; port: number }): string {
  return `core.ServicePort{Name:${JSON.stringify(p.name ?? '')}, Protocol:${JSON.stringify(p.protocol ?? '')}, `
    + `AppProtocol:(*string)(nil), Port:${p.port}, `
    + 'TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}';
}

function validatePortNumOrName(v: number | string, field: string): FieldError[] {
  if (typeof v === 'number') return isValidPortNum(v).map((m) => invalid(field, int(v), m));
  if (v.length === 0) return [required(field)];
  return isValidPortName(v).map((m) => invalid(field, str(v), m));
}

const SERVICE_TYPES = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];

/**
 * ValidateService, in the apiserver's order: the type, ExternalName's fields, clusterIPs, each
 * port, the selector, session affinity, externalIPs, the traffic policies, the load-balancer-only
 * fields, then status. Each step appends to one list, so the errors come out in the same order.
 */
export function validateService(svc: Service, memo?: ValidationMemo): FieldError[] {
  const errs: FieldError[] = [];
  const spec: ServiceSpec = svc.spec ?? {};
  const type = spec.type ?? 'ClusterIP';
  const ports = spec.ports ?? [];
  const headless = spec.clusterIP === 'None';

  if (!SERVICE_TYPES.includes(type)) errs.push(notSupported('spec.type', str(type), SERVICE_TYPES));
  if (ports.length === 0 && !headless && type !== 'ExternalName') errs.push(required('spec.ports'));
  if (type === 'ExternalName') validateExternalNameFields(spec, errs);
  validateClusterIPs(spec, type, errs);
  validateServicePorts(ports, type, errs);
  validateLabels(spec.selector, 'spec.selector', errs, memo);
  validateSessionAffinity(spec, errs);
  (spec.externalIPs ?? []).forEach((ip, i) => {
    if (!isIPv4(ip)) errs.push(invalid(`spec.externalIPs[${i}]`, str(ip), IP_EXAMPLE));
  });
  if (type !== 'ExternalName') validateTrafficPolicies(spec, type, errs);
  validateLoadBalancerFields(spec, type, errs);
  (svc.status?.loadBalancer?.ingress ?? []).forEach((ing, i) => {
    if (ing.ip !== undefined && !isIPv4(ing.ip)) errs.push(invalid(
      `status.loadBalancer.ingress[${i}].ip`,
      str(ing.ip),
      'must be a valid IP address',
    ));
  });
  return errs;
}

/** An ExternalName Service is a CNAME: no cluster IPs or families, and a DNS name to point at. */
function validateExternalNameFields(spec: ServiceSpec, errs: FieldError[]): void {
  if ((spec.clusterIPs?.length ?? 0) > 0) errs.push(forbidden(
    'spec.clusterIPs',
    'may not be set for ExternalName services',
  ));
  if ((spec.ipFamilies?.length ?? 0) > 0) errs.push(forbidden(
    'spec.ipFamilies',
    'may not be set for ExternalName services',
  ));
  if (spec.ipFamilyPolicy !== undefined) errs.push(forbidden(
    'spec.ipFamilyPolicy',
    'may not be set for ExternalName services',
  ));
  // The value (a CNAME) may have a trailing dot to mark it fully qualified.
  const cname = (spec.externalName ?? '').replace(/\.$/, '');
  if (cname.length > 0) for (const m of isDNS1123Subdomain(cname)) errs.push(invalid(
    'spec.externalName',
    str(cname),
    m,
  ));
  else errs.push(required('spec.externalName'));
}

/** Cluster IPs: syntax here; range and "already allocated" are the IP allocator's. */
function validateClusterIPs(spec: ServiceSpec, type: string, errs: FieldError[]): void {
  (spec.clusterIPs ?? []).forEach((ip, i) => {
    const f = `spec.clusterIPs[${i}]`;
    if (ip === 'None') {
      if (i !== 0 || (spec.clusterIPs?.length ?? 0) > 1) errs.push(invalid(
        f,
        str(ip),
        "'None' must be the first and only value",
      ));
      else if (type === 'NodePort' || type === 'LoadBalancer') errs.push(invalid(
        f,
        str(ip),
        `may not be set to 'None' for ${type} services`,
      ));
      return;
    }
    if (!isIPv4(ip)) errs.push(invalid(f, str(ip), IP_EXAMPLE));
  });
}

/** validateServicePort for each port, then the uniqueness of names, port/protocol and nodePorts. */
function validateServicePorts(ports: ServicePort[], type: string, errs: FieldError[]): void {
  const names = new Set<string>();
  const portKeys = new Set<string>();
  const nodePortKeys = new Set<string>();
  ports.forEach((p, i) => {
    const f = `spec.ports[${i}]`;
    if (ports.length > 1 && !p.name) errs.push(required(`${f}.name`));
    else if (p.name) {
      for (const m of isDNS1123Label(p.name)) errs.push(invalid(`${f}.name`, str(p.name), m));
      if (names.has(p.name)) errs.push(duplicate(`${f}.name`, str(p.name)));
      names.add(p.name);
    }
    const portNum = typeof p.port === 'number' ? p.port : 0; // a missing port is Go's zero value
    for (const m of isValidPortNum(portNum)) errs.push(invalid(`${f}.port`, int(portNum), m));
    if (!p.protocol) errs.push(required(`${f}.protocol`));
    else if (!SUPPORTED_PROTOCOLS.includes(p.protocol)) errs.push(notSupported(
      `${f}.protocol`,
      str(p.protocol),
      SUPPORTED_PROTOCOLS,
    ));
    if (p.targetPort !== undefined) errs.push(...validatePortNumOrName(p.targetPort, `${f}.targetPort`));
    if (p.nodePort !== undefined && p.nodePort !== 0) {
      for (const m of isValidPortNum(p.nodePort)) errs.push(invalid(`${f}.nodePort`, int(p.nodePort), m));
      if (type === 'ClusterIP') errs.push(forbidden(`${f}.nodePort`, "may not be used when `type` is 'ClusterIP'"));
      const nk = `${p.protocol}/${p.nodePort}`;
      if (nodePortKeys.has(nk)) errs.push(duplicate(`${f}.nodePort`, int(p.nodePort)));
      nodePortKeys.add(nk);
    }
    const pk = `${p.protocol}/${p.port}`;
    if (portKeys.has(pk)) errs.push(duplicate(f, raw(goServicePort({ protocol: p.protocol, port: p.port }))));
    portKeys.add(pk);
  });
}

/** sessionAffinity None or ClientIP; ClientIP needs a timeout in (0, 86400], None takes no config. */
function validateSessionAffinity(spec: ServiceSpec, errs: FieldError[]): void {
  const affinity = spec.sessionAffinity ?? 'None';
  if (affinity !== 'None' && affinity !== 'ClientIP') {
    errs.push(notSupported('spec.sessionAffinity', str(affinity), ['ClientIP', 'None']));
  } else if (affinity === 'ClientIP') {
    const cfg = spec.sessionAffinityConfig;
    const when = 'when session affinity type is ClientIP';
    if (!cfg) errs.push(required('spec.sessionAffinityConfig', when));
    else if (!cfg.clientIP) errs.push(required('spec.sessionAffinityConfig.clientIP', when));
    else if (cfg.clientIP.timeoutSeconds === undefined) errs.push(required(
      'spec.sessionAffinityConfig.clientIP.timeoutSeconds',
      when,
    ));
    else {
      const t = cfg.clientIP.timeoutSeconds;
      if (!(t > 0 && t <= 86400)) {
        errs.push(invalid(
          'spec.sessionAffinityConfig.clientIP.timeoutSeconds',
          int(t),
          'must be greater than 0 and less than 86400',
        ));
      }
    }
  } else if (spec.sessionAffinityConfig !== undefined) {
    errs.push(forbidden('spec.sessionAffinityConfig', 'must not be set when session affinity is None'));
  }
}

/** externalTrafficPolicy only on externally reachable Services; internalTrafficPolicy always. */
function validateTrafficPolicies(spec: ServiceSpec, type: string, errs: FieldError[]): void {
  const external = type === 'NodePort' || type === 'LoadBalancer' || (spec.externalIPs?.length ?? 0) > 0;
  const etp = spec.externalTrafficPolicy;
  if (!external) {
    if (etp !== undefined) {
      errs.push(invalid('spec.externalTrafficPolicy', str(etp), 'may only be set for externally-accessible services'));
    }
  } else if (etp === undefined) {
    errs.push(required('spec.externalTrafficPolicy'));
  } else if (etp !== 'Cluster' && etp !== 'Local') {
    errs.push(notSupported('spec.externalTrafficPolicy', str(etp), ['Cluster', 'Local']));
  }
  const itp = spec.internalTrafficPolicy;
  if (itp === undefined) errs.push(required('spec.internalTrafficPolicy'));
  else if (itp !== 'Cluster' && itp !== 'Local') {
    errs.push(notSupported('spec.internalTrafficPolicy', str(itp), ['Cluster', 'Local']));
  }
}

/** healthCheckNodePort, allocateLoadBalancerNodePorts and source ranges belong to type LoadBalancer. */
function validateLoadBalancerFields(spec: ServiceSpec, type: string, errs: FieldError[]): void {
  if (spec.healthCheckNodePort !== undefined && spec.healthCheckNodePort !== 0) {
    if (type !== 'LoadBalancer' || spec.externalTrafficPolicy !== 'Local') {
      errs.push(invalid(
        'spec.healthCheckNodePort',
        int(spec.healthCheckNodePort),
        "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'",
      ));
    }
  }
  const onlyLoadBalancer = "may only be used when `type` is 'LoadBalancer'";
  if (type === 'LoadBalancer') {
    if (spec.allocateLoadBalancerNodePorts === undefined) errs.push(required('spec.allocateLoadBalancerNodePorts'));
  } else if (spec.allocateLoadBalancerNodePorts !== undefined) {
    errs.push(forbidden('spec.allocateLoadBalancerNodePorts', onlyLoadBalancer));
  }
  if (type !== 'LoadBalancer' && (spec.loadBalancerSourceRanges?.length ?? 0) > 0) {
    errs.push(forbidden('spec.loadBalancerSourceRanges', onlyLoadBalancer));
  }
  (spec.loadBalancerSourceRanges ?? []).forEach((r) => {
    if (!parseCidr(r.trim(), true)) {
      errs.push(invalid(
        'spec.loadBalancerSourceRanges',
        str(r),
        'must be a list of IP ranges. For example, 10.240.0.0/24,10.250.0.0/24 ',
      ));
    }
  });
}

// ---------------------------------------------------------------- Pod and workloads

/**
 * One container of a pod spec (forEach's order, holes skipped). Field paths are built only for an
 * error: a valid container, the usual one, builds no string (10,000 Deployments' specs are checked).
 */
function validateContainer(
  c: PodSpec['containers'][number],
  field: string,
  i: number,
  names: Set<string> | undefined,
  errs: FieldError[],
): void {
  const cf = (): string => `${field}.containers[${i}]`;
  if (!c.name) errs.push(required(`${cf()}.name`));
  else {
    for (const m of isDNS1123Label(c.name)) errs.push(invalid(`${cf()}.name`, str(c.name), m));
    if (names?.has(c.name)) errs.push(duplicate(`${cf()}.name`, str(c.name)));
    names?.add(c.name);
  }
  const ports = c.ports;
  if (!ports) return;
  const portNames = ports.length > 1 ? new Set<string>() : undefined;
  for (let j = 0; j < ports.length; j++) {
    if (!(j in ports)) continue;
    const p = ports[j]!;
    const pf = (): string => `${cf()}.ports[${j}]`;
    if (p.name) {
      for (const m of isValidPortName(p.name)) errs.push(invalid(`${pf()}.name`, str(p.name), m));
      if (portNames?.has(p.name)) errs.push(duplicate(`${pf()}.name`, str(p.name)));
      portNames?.add(p.name);
    }
    if (!p.containerPort) errs.push(required(`${pf()}.containerPort`));
    else for (const m of isValidPortNum(p.containerPort)) {
      errs.push(invalid(`${pf()}.containerPort`, int(p.containerPort), m));
    }
    if (p.hostPort) for (const m of isValidPortNum(p.hostPort)) {
      errs.push(invalid(`${pf()}.hostPort`, int(p.hostPort), m));
    }
    if (!p.protocol) errs.push(required(`${pf()}.protocol`));
    else if (!SUPPORTED_PROTOCOLS.includes(p.protocol)) {
      errs.push(notSupported(`${pf()}.protocol`, str(p.protocol), SUPPORTED_PROTOCOLS));
    }
  }
}

export function validatePodSpec(spec: PodSpec | undefined, field: string, memo?: ValidationMemo): FieldError[] {
  const errs: FieldError[] = [];
  if (!spec || !spec.containers || spec.containers.length === 0) {
    errs.push(required(`${field}.containers`));
    return errs;
  }
  const containers = spec.containers;
  // Names are collected only when there are several (one cannot repeat itself).
  const containerNames = containers.length > 1 ? new Set<string>() : undefined;
  for (let i = 0; i < containers.length; i++) {
    if (i in containers) validateContainer(containers[i]!, field, i, containerNames, errs);
  }
  if (spec.hostname) for (const m of isDNS1123Label(spec.hostname)) errs.push(invalid(
    `${field}.hostname`,
    str(spec.hostname),
    m,
  ));
  if (spec.subdomain) for (const m of isDNS1123Label(spec.subdomain)) errs.push(invalid(
    `${field}.subdomain`,
    str(spec.subdomain),
    m,
  ));
  if (spec.hostAliases) validateHostAliases(spec.hostAliases, `${field}.hostAliases`, errs);
  if (spec.dnsPolicy !== undefined && !DNS_POLICIES.includes(spec.dnsPolicy)) {
    errs.push(notSupported(`${field}.dnsPolicy`, str(spec.dnsPolicy), [...DNS_POLICIES]));
  }
  if (spec.dnsPolicy === 'None' && !spec.dnsConfig) {
    errs.push(required(`${field}.dnsConfig`, 'must provide `dnsConfig` when `dnsPolicy` is None'));
  }
  if (spec.dnsConfig?.nameservers && spec.dnsConfig.nameservers.length > 3) {
    errs.push(invalid(
      `${field}.dnsConfig.nameservers`,
      raw(goStringSlice(spec.dnsConfig.nameservers)),
      'must not have more than 3 nameservers',
    ));
  }
  if (spec.nodeSelector) validateLabels(spec.nodeSelector, `${field}.nodeSelector`, errs, memo);
  return errs;
}

/**
 * The address ParseIPSloppy reads a value as, when only it does: IPv4 octets (alone, or ending an IPv6
 * address) with leading zeros, which Go's parser before 1.17 (k8s.io/utils/net) read as decimal.
 */
function withoutLeadingZeros(value: string): string | null {
  const m = /^(.*?)(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(value);
  if (!m || m[1]!.includes('.')) return null;
  const octets = m.slice(2).map(Number);
  if (octets.some((o) => o > 255)) return null;
  const text = `${m[1]}${octets.join('.')}`;
  return text !== value && (isIPv4(text) || ipv6Groups(text)) ? text : null;
}

/**
 * IsValidIPForLegacyField as the releases the lab models check it (StrictIPCIDRValidation alpha and off
 * in 1.33-1.35; beta and on from 1.36, KEP-4858): any IPv4 or IPv6 address, an IPv4-mapped one
 * included. One departure: a value only ParseIPSloppy reads (octets with leading zeros, which libc
 * resolvers may read as octal) is admitted by those releases with a warning, but the lab's address
 * reader cannot hold it, so it is refused in the words strict validation uses for it
 * (apimachinery util/validation/ip.go `parseIP`).
 */
function legacyIPErrors(field: string, ip: string): FieldError[] {
  if (isIPv4(ip) || ipv6Groups(ip)) return [];
  if (withoutLeadingZeros(ip)) return [invalid(field, str(ip), 'must not have leading 0s')];
  return [invalid(field, str(ip), IP_EXAMPLE)];
}

/**
 * ValidateHostAliases: each ip an address IsValidIPForLegacyField takes (IPv4 or IPv6, strictly:
 * legacyIPErrors), each hostname a DNS-1123 subdomain (so no trailing dot).
 */
function validateHostAliases(aliases: PodSpec['hostAliases'], field: string, errs: FieldError[]): void {
  if (!Array.isArray(aliases)) return;
  aliases.forEach((a, i) => {
    const ip = typeof a?.ip === 'string' ? a.ip : '';
    errs.push(...legacyIPErrors(`${field}[${i}].ip`, ip));
    const hostnames = Array.isArray(a?.hostnames) ? a.hostnames : [];
    hostnames.forEach((h, j) => {
      const name = typeof h === 'string' ? h : '';
      for (const m of isDNS1123Subdomain(name)) errs.push(invalid(`${field}[${i}].hostnames[${j}]`, str(name), m));
    });
  });
}

function podSpecErrors(spec: PodSpec | undefined, field: string, memo?: ValidationMemo): FieldError[] {
  if (!spec || typeof spec !== 'object' || !memo) return validatePodSpec(spec, field, memo);
  if (memo.podSpecs.has(spec)) return [];
  const errs = validatePodSpec(spec, field, memo);
  if (errs.length === 0) memo.podSpecs.add(spec);
  return errs;
}

function validatePod(pod: Pod, memo?: ValidationMemo): FieldError[] {
  const errs = podSpecErrors(pod.spec, 'spec', memo);
  const ip = pod.status?.podIP;
  if (ip !== undefined && !isIPv4(ip)) errs.push(invalid('status.podIP', str(ip), 'must be a valid IP address'));
  return errs;
}

export function selectorMatches(sel: LabelSelector, labels: Record<string, string> | undefined): boolean {
  const l = labels ?? {};
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) if (l[k] !== v) return false;
  for (const r of sel.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(l, r.key);
    switch (r.operator) {
      case 'In':
        if (!has || !(r.values ?? []).includes(l[r.key]!)) return false;
        break;
      case 'NotIn':
        if (has && (r.values ?? []).includes(l[r.key]!)) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
    }
  }
  return true;
}

function validateLabelSelector(sel: LabelSelector, field: string, errs: FieldError[], memo?: ValidationMemo): void {
  validateLabels(sel.matchLabels, `${field}.matchLabels`, errs, memo);
  (sel.matchExpressions ?? []).forEach((r, i) => {
    const f = `${field}.matchExpressions[${i}]`;
    for (const m of isQualifiedName(r.key)) errs.push(invalid(`${f}.key`, str(r.key), m));
    if (r.operator === 'In' || r.operator === 'NotIn') {
      if (!r.values || r.values.length === 0) errs.push(required(
        `${f}.values`,
        'must be specified when `operator` is \'In\' or \'NotIn\'',
      ));
    } else if (r.operator === 'Exists' || r.operator === 'DoesNotExist') {
      if (r.values && r.values.length > 0) errs.push(forbidden(
        `${f}.values`,
        'may not be specified when `operator` is \'Exists\' or \'DoesNotExist\'',
      ));
    } else {
      errs.push(invalid(`${f}.operator`, str(String(r.operator)), 'not a valid selector operator'));
    }
  });
}

function validateWorkload(o: Deployment | ReplicaSet | DaemonSet, memo?: ValidationMemo): FieldError[] {
  const errs: FieldError[] = [];
  const spec = (o.spec ?? {}) as Partial<Deployment['spec']>;
  if (!spec.selector) {
    errs.push(required('spec.selector'));
  } else {
    const sel = spec.selector;
    const empty = Object.keys(sel.matchLabels ?? {}).length === 0 && (sel.matchExpressions ?? []).length === 0;
    if (empty) errs.push(invalid(
      'spec.selector',
      raw('v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}'),
      `empty selector is invalid for ${o.kind.toLowerCase()}`,
    ));
    else {
      validateLabelSelector(sel, 'spec.selector', errs, memo);
      if (!selectorMatches(sel, spec.template?.metadata?.labels)) {
        errs.push(invalid(
          'spec.template.metadata.labels',
          raw(goStringMap(spec.template?.metadata?.labels)),
          '`selector` does not match template `labels`',
        ));
      }
    }
  }
  const replicas = (spec as { replicas?: number }).replicas;
  if (typeof replicas === 'number' && replicas < 0) {
    errs.push(invalid('spec.replicas', int(replicas), 'must be greater than or equal to 0'));
  }
  validateLabels(spec.template?.metadata?.labels, 'spec.template.metadata.labels', errs, memo);
  errs.push(...podSpecErrors(spec.template?.spec, 'spec.template.spec', memo));
  return errs;
}

const NONNEGATIVE = 'must be greater than or equal to 0';
const EMPTY_SELECTOR =
  'v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}';

/** %#v of an intstr.IntOrString, as a field error prints one. */
function goIntOrString(v: number | string): string {
  return typeof v === 'number'
    ? `intstr.IntOrString{Type:0, IntVal:${v}, StrVal:""}`
    : `intstr.IntOrString{Type:1, IntVal:0, StrVal:${JSON.stringify(v)}}`;
}

/** validateRollingUpdateStatefulSet: partition non-negative, maxUnavailable a positive int or a percent <= 100%. */
function validateStatefulSetRollingUpdate(ru: Record<string, unknown>, field: string, errs: FieldError[]): void {
  const partition = ru['partition'];
  if (typeof partition === 'number' && partition < 0) {
    errs.push(invalid(`${field}.partition`, int(partition), NONNEGATIVE));
  }
  const mu = ru['maxUnavailable'];
  if (typeof mu !== 'number' && typeof mu !== 'string') return;
  const f = `${field}.maxUnavailable`;
  const value = raw(goIntOrString(mu));
  const percent = typeof mu === 'string' ? /^([0-9]+)%$/.exec(mu) : null;
  if (typeof mu === 'string' && !percent) {
    errs.push(invalid(f, value, "a valid percent string must be a numeric string followed by an ending '%' "
      + "(e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')"));
  } else if (typeof mu === 'number' && mu < 0) errs.push(invalid(f, value, NONNEGATIVE));
  const n = typeof mu === 'number' ? mu : percent ? Number(percent[1]) : NaN;
  if (n === 0) errs.push(invalid(f, value, 'cannot be 0'));
  if (percent && n > 100) errs.push(invalid(f, value, 'must not be greater than 100%'));
}

/** spec.updateStrategy: RollingUpdate (its rollingUpdate checked) or OnDelete (without one). */
function validateStatefulSetStrategy(spec: StatefulSet['spec'], errs: FieldError[]): void {
  const strategy = spec.updateStrategy ?? {};
  const ru = strategy.rollingUpdate as Record<string, unknown> | undefined;
  const goRollingUpdate = (r: Record<string, unknown>) => `apps.RollingUpdateStatefulSetStrategy{Partition:${
    typeof r['partition'] === 'number' ? r['partition'] : 0}, MaxUnavailable:(*intstr.IntOrString)(nil)}`;
  switch (strategy.type) {
    case undefined:
      errs.push(required('spec.updateStrategy'));
      return;
    case 'OnDelete':
      if (ru) {
        errs.push(invalid('spec.updateStrategy.rollingUpdate', raw(goRollingUpdate(ru)),
          "only allowed for updateStrategy 'RollingUpdate'"));
      }
      return;
    case 'RollingUpdate':
      if (ru) validateStatefulSetRollingUpdate(ru, 'spec.updateStrategy.rollingUpdate', errs);
      return;
    default: {
      // %#v prints a set pointer as its address, which no lab can know: a fixed one stands in for it.
      const r = `(*apps.RollingUpdateStatefulSetStrategy)(${ru ? '0xc000010000' : 'nil'})`;
      const type = JSON.stringify(String(strategy.type));
      const value = raw(`apps.StatefulSetUpdateStrategy{Type:${type}, RollingUpdate:${r}}`);
      errs.push(invalid('spec.updateStrategy', value, "must be 'RollingUpdate' or 'OnDelete'"));
    }
  }
}

/** ValidatePersistentVolumeClaimRetentionPolicy: each of whenDeleted and whenScaled is Retain or Delete. */
function validateRetentionPolicy(policy: unknown, errs: FieldError[]): void {
  if (!policy || typeof policy !== 'object') return;
  for (const k of ['whenDeleted', 'whenScaled']) {
    const v = (policy as Record<string, unknown>)[k];
    if (v !== 'Retain' && v !== 'Delete') {
      const f = `spec.persistentVolumeClaimRetentionPolicy.${k}`;
      errs.push(notSupported(f, str(String(v ?? '')), ['Retain', 'Delete']));
    }
  }
}

/**
 * ValidateStatefulSetSpec (pkg/apis/apps/validation), in its order. The template's labels and
 * annotations are checked, not its pod spec: the apiserver leaves that to each pod's create, so a
 * bad template shows up as the controller's FailedCreate events.
 */
function validateStatefulSet(o: StatefulSet, memo?: ValidationMemo): FieldError[] {
  const errs: FieldError[] = [];
  const spec = (o.spec ?? {}) as Partial<StatefulSet['spec']>;
  const policy = spec.podManagementPolicy;
  if (policy === undefined || (policy as string) === '') errs.push(required('spec.podManagementPolicy'));
  else if (policy !== 'OrderedReady' && policy !== 'Parallel') {
    errs.push(invalid('spec.podManagementPolicy', str(String(policy)), "must be 'OrderedReady' or 'Parallel'"));
  }
  validateStatefulSetStrategy(spec as StatefulSet['spec'], errs);
  validateRetentionPolicy(spec['persistentVolumeClaimRetentionPolicy'], errs);
  for (const [f, v] of [['replicas', spec.replicas], ['minReadySeconds', spec.minReadySeconds],
    ['ordinals.start', spec.ordinals?.start]] as const) {
    if (typeof v === 'number' && v < 0) errs.push(invalid(`spec.${f}`, int(v), NONNEGATIVE));
  }
  const sel = spec.selector;
  if (!sel) errs.push(required('spec.selector'));
  else {
    validateLabelSelector(sel, 'spec.selector', errs, memo);
    if (Object.keys(sel.matchLabels ?? {}).length + (sel.matchExpressions ?? []).length === 0) {
      errs.push(invalid('spec.selector', raw(EMPTY_SELECTOR), 'empty selector is invalid for statefulset'));
    } else if (!selectorMatches(sel, spec.template?.metadata?.labels)) {
      const labels = raw(goStringMap(spec.template?.metadata?.labels));
      errs.push(invalid('spec.template.metadata.labels', labels, '`selector` does not match template `labels`'));
    }
  }
  validateLabels(spec.template?.metadata?.labels, 'spec.template.labels', errs, memo);
  const restart = spec.template?.spec?.['restartPolicy'];
  if (restart !== undefined && restart !== 'Always') {
    errs.push(notSupported('spec.template.spec.restartPolicy', str(String(restart)), ['Always']));
  }
  if (spec.template?.spec?.['activeDeadlineSeconds'] !== undefined) {
    const f = 'spec.template.spec.activeDeadlineSeconds';
    errs.push(forbidden(f, 'activeDeadlineSeconds in StatefulSet is not Supported'));
  }
  return errs;
}

/** The spec fields an update may change (ValidateStatefulSetUpdate); anything else is Forbidden. */
const STATEFULSET_MUTABLE = new Set([
  'replicas', 'template', 'updateStrategy', 'minReadySeconds', 'ordinals', 'persistentVolumeClaimRetentionPolicy',
]);

/** ValidateStatefulSetUpdate's own check, after the spec's: only the mutable fields of spec changed. */
export function validateStatefulSetUpdate(next: StatefulSet, old: StatefulSet): FieldError[] {
  const a = (next.spec ?? {}) as Record<string, unknown>;
  const b = (old.spec ?? {}) as Record<string, unknown>;
  for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
    if (STATEFULSET_MUTABLE.has(k) || sameJson(a[k], b[k])) continue;
    return [forbidden('spec', "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', "
      + "'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden")];
  }
  return [];
}

/** Semantic equality of two JSON values (an absent field and an undefined one are the same). */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (!a || !b || typeof a !== 'object' || typeof b !== 'object' || Array.isArray(a) !== Array.isArray(b)) return false;
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const keys = new Set([...Object.keys(ao), ...Object.keys(bo)]);
  for (const k of keys) if (!sameJson(ao[k], bo[k])) return false;
  return true;
}

// ---------------------------------------------------------------- Node, Endpoints, EndpointSlice

function validateNode(node: Node): FieldError[] {
  const errs: FieldError[] = [];
  const cidrs = node.spec?.podCIDRs ?? (node.spec?.podCIDR ? [node.spec.podCIDR] : []);
  cidrs.forEach((c, i) => {
    if (!parseCidr(c)) errs.push(invalid(`spec.podCIDRs[${i}]`, str(c), CIDR_EXAMPLE));
  });
  (node.status?.addresses ?? []).forEach((a, i) => {
    if ((a.type === 'InternalIP' || a.type === 'ExternalIP') && !isIPv4(a.address)) {
      errs.push(invalid(`status.addresses[${i}].address`, str(a.address), IP_EXAMPLE));
    }
  });
  return errs;
}

function validateEndpoints(ep: Endpoints): FieldError[] {
  const errs: FieldError[] = [];
  (ep.subsets ?? []).forEach((s, i) => {
    const f = `subsets[${i}]`;
    for (const [list, name] of [[s.addresses, 'addresses'], [s.notReadyAddresses, 'notReadyAddresses']] as const) {
      (list ?? []).forEach((a, j) => {
        if (!isIPv4(a.ip)) errs.push(invalid(`${f}.${name}[${j}].ip`, str(a.ip), IP_EXAMPLE));
      });
    }
    (s.ports ?? []).forEach((p, j) => {
      const pf = `${f}.ports[${j}]`;
      if ((s.ports?.length ?? 0) > 1 && !p.name) errs.push(required(`${pf}.name`));
      if (p.name) for (const m of isDNS1123Label(p.name)) errs.push(invalid(`${pf}.name`, str(p.name), m));
      for (const m of isValidPortNum(p.port)) errs.push(invalid(`${pf}.port`, int(p.port), m));
    });
  });
  return errs;
}

function validateEndpointSlice(es: EndpointSlice): FieldError[] {
  const errs: FieldError[] = [];
  if (!es.addressType) errs.push(required('addressType'));
  else if (!['FQDN', 'IPv4', 'IPv6'].includes(es.addressType)) errs.push(notSupported(
    'addressType',
    str(es.addressType),
    ['FQDN', 'IPv4', 'IPv6'],
  ));
  (es.endpoints ?? []).forEach((e, i) => {
    if (!e.addresses || e.addresses.length === 0) errs.push(required(
      `endpoints[${i}].addresses`,
      'must contain at least 1 address',
    ));
    (e.addresses ?? []).forEach((a, j) => {
      if (es.addressType === 'IPv4' && !isIPv4(a)) errs.push(invalid(
        `endpoints[${i}].addresses[${j}]`,
        str(a),
        'must be a valid IPv4 address',
      ));
    });
  });
  (es.ports ?? []).forEach((p, i) => {
    if (p.name) for (const m of isDNS1123Label(p.name)) errs.push(invalid(`ports[${i}].name`, str(p.name), m));
    if (p.port !== undefined) for (const m of isValidPortNum(p.port)) errs.push(invalid(
      `ports[${i}].port`,
      int(p.port),
      m,
    ));
  });
  return errs;
}

// ---------------------------------------------------------------- Ingress, IngressClass

const INVALID_PATH_SEQUENCES = ['//', '/./', '/../', '%2f', '%2F'];
const INVALID_PATH_SUFFIXES = ['/..', '/.'];

function validateIngressBackend(b: IngressBackend, field: string): FieldError[] {
  const errs: FieldError[] = [];
  const hasResource = b.resource !== undefined;
  const hasService = b.service !== undefined;
  if (hasResource && hasService) return [invalid(field, str(''), 'cannot set both resource and service backends')];
  if (hasResource) {
    if (!b.resource!.kind) errs.push(required(`${field}.resource.kind`));
    if (!b.resource!.name) errs.push(required(`${field}.resource.name`));
    return errs;
  }
  if (!hasService) return [invalid(field, str(''), 'resource or service backend is required')];
  const s = b.service!;
  if (!s.name) errs.push(required(`${field}.service.name`));
  else for (const m of isDNS1035Label(s.name)) errs.push(invalid(`${field}.service.name`, str(s.name), m));
  const hasName = (s.port?.name ?? '').length > 0;
  const hasNumber = (s.port?.number ?? 0) !== 0;
  if (hasName && hasNumber) errs.push(invalid(field, str(''), 'cannot set both port name & port number'));
  else if (hasName) for (const m of isValidPortName(s.port.name!)) errs.push(invalid(
    `${field}.service.port.name`,
    str(s.port.name!),
    m,
  ));
  else if (hasNumber) for (const m of isValidPortNum(s.port.number!)) errs.push(invalid(
    `${field}.service.port.number`,
    int(s.port.number!),
    m,
  ));
  else errs.push(required(field, 'port name or number is required'));
  return errs;
}

function validateHTTPIngressPath(p: HTTPIngressPath, field: string): FieldError[] {
  const errs: FieldError[] = [];
  if (p.pathType === undefined || p.pathType === null) {
    return [required(`${field}.pathType`, 'pathType must be specified')];
  }
  const path = p.path ?? '';
  switch (p.pathType) {
    case 'Exact':
    case 'Prefix':
      if (!path.startsWith('/')) errs.push(invalid(`${field}.path`, str(path), 'must be an absolute path'));
      for (const seq of INVALID_PATH_SEQUENCES) if (path.includes(seq)) errs.push(invalid(
        `${field}.path`,
        str(path),
        `must not contain '${seq}'`,
      ));
      for (const suf of INVALID_PATH_SUFFIXES) if (path.endsWith(suf)) errs.push(invalid(
        `${field}.path`,
        str(path),
        `cannot end with '${suf}'`,
      ));
      break;
    case 'ImplementationSpecific':
      if (path.length > 0 && !path.startsWith('/')) errs.push(invalid(
        `${field}.path`,
        str(path),
        'must be an absolute path',
      ));
      break;
    default:
      errs.push(notSupported(
        `${field}.pathType`,
        str(String(p.pathType)),
        ['Exact', 'ImplementationSpecific', 'Prefix'],
      ));
  }
  errs.push(...validateIngressBackend(p.backend ?? {}, `${field}.backend`));
  return errs;
}

function validateIngress(ing: Ingress): FieldError[] {
  const errs: FieldError[] = [];
  const spec = ing.spec ?? {};
  const rules = spec.rules ?? [];
  if (rules.length === 0 && !spec.defaultBackend) {
    errs.push(invalid(
      'spec',
      raw(spec.rules ? '[]networking.IngressRule{}' : '[]networking.IngressRule(nil)'),
      'either `defaultBackend` or `rules` must be specified',
    ));
  }
  if (spec.defaultBackend) errs.push(...validateIngressBackend(spec.defaultBackend, 'spec.defaultBackend'));
  if (spec.ingressClassName !== undefined) {
    for (const m of isDNS1123Subdomain(spec.ingressClassName)) errs.push(invalid(
      'spec.ingressClassName',
      str(spec.ingressClassName),
      m,
    ));
  }
  rules.forEach((r, i) => {
    const f = `spec.rules[${i}]`;
    if (r.host) {
      if (isIPv4(r.host)) errs.push(invalid(`${f}.host`, str(r.host), 'must be a DNS name, not an IP address'));
      const msgs = r.host.includes('*') ? isWildcardDNS1123Subdomain(r.host) : isDNS1123Subdomain(r.host);
      for (const m of msgs) errs.push(invalid(`${f}.host`, str(r.host), m));
    }
    if (r.http) {
      if (!r.http.paths || r.http.paths.length === 0) errs.push(required(`${f}.http.paths`));
      (r.http.paths ?? []).forEach((p, j) => errs.push(...validateHTTPIngressPath(p, `${f}.http.paths[${j}]`)));
    }
  });
  (spec.tls ?? []).forEach((t, i) => {
    (t.hosts ?? []).forEach((h, j) => {
      const msgs = h.includes('*') ? isWildcardDNS1123Subdomain(h) : isDNS1123Subdomain(h);
      for (const m of msgs) errs.push(invalid(`spec.tls[${i}].hosts[${j}]`, str(h), m));
    });
  });
  return errs;
}

function validateIngressClass(ic: IngressClass): FieldError[] {
  const c = ic.spec?.controller;
  if (!c) return [required('spec.controller')];
  return [];
}

/**
 * All field errors for one object, metadata first, in the apiserver's order. `memo`: what passed
 * before (the store's).
 */
export function validateObject(obj: KubeObject | OtherObject, memo?: ValidationMemo): FieldError[] {
  const errs = validateObjectMeta(obj.kind, obj.metadata ?? ({ name: '' } as ObjectMeta), memo);
  const more = kindErrors(obj as KubeObject, memo);
  for (const e of more) errs.push(e);
  return errs;
}

/** The kind's own checks after the metadata's. */
function kindErrors(o: KubeObject, memo: ValidationMemo | undefined): FieldError[] {
  switch (o.kind) {
    case 'Service':
      return validateService(o, memo);
    case 'Pod':
      return validatePod(o, memo);
    case 'Deployment':
    case 'ReplicaSet':
    case 'DaemonSet':
      return validateWorkload(o, memo);
    case 'StatefulSet':
      return validateStatefulSet(o, memo);
    case 'Node':
      return validateNode(o);
    case 'Endpoints':
      return validateEndpoints(o);
    case 'EndpointSlice':
      return validateEndpointSlice(o);
    case 'Ingress':
      return validateIngress(o);
    case 'IngressClass':
      return validateIngressClass(o);
    case 'Namespace':
    case 'Secret':
    case 'ConfigMap':
      return [];
    case 'GatewayClass':
    case 'Gateway':
    case 'HTTPRoute':
    case 'ReferenceGrant':
      return validateGatewayApiObject(o).map((e) => e.error);
    default:
      return [];
  }
}
