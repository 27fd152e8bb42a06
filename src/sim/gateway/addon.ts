// NGINX Gateway Fabric as a lab addon: the objects its install and its provisioner create. The
// control plane (Deployment nginx-gateway in namespace nginx-gateway) is installed when a
// GatewayClass names the lab's controller (settings.gatewayAPI.controllerName) or when
// settings.gatewayAPI.install asks for it (then with a GatewayClass "nginx"). For each Gateway of
// a served class, NGF 2.x provisions a data plane in the Gateway's namespace: a Deployment and a
// LoadBalancer Service named `<gateway>-<class>`, one port per listener port.

import type { Deployment, Gateway, GatewayClass, KubeObject, Namespace, OtherObject, Service } from '../api/types';
import type { LabSettings } from '../lab';
import { ADDON_LABEL } from '../ingress/addon';
import { sha256Base32 } from '../util/hash';

export const NGF_NAMESPACE = 'nginx-gateway';
export const GATEWAY_NAME_LABEL = 'gateway.networking.k8s.io/gateway-name';
const NGF_VERSION = '2.2.0';

const ns = (o: { metadata: { namespace?: string } }) => o.metadata.namespace ?? 'default';

/** A Service name and a label value are at most 63 characters (NGF `controller.MaxServiceNameLen`). */
const MAX_NAME = 63;

/** The first 8 hex digits of sha256(text): the first 32 bits, read back from its base32 (5 bits a character). */
function sha256Hex8(text: string): string {
  const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0; // 35 bits: exact in a double
  for (const c of sha256Base32(text, 7)) bits = bits * 32 + B32.indexOf(c);
  return Math.floor(bits / 8).toString(16).padStart(8, '0');
}

/**
 * Name of the data plane Deployment and Service of a Gateway: `<gateway>-<class>`, and when that is longer
 * than 63 characters the name cut to fit beside an 8-digit sha256 of the whole, `<name…>-<hash>-<class>`
 * (NGF `controller.CreateNginxResourceName`, `truncateAndHashName`; conformance GatewayNameMaximumLength
 * has a 253-character Gateway name).
 */
export function dataPlaneName(gw: Gateway): string {
  const name = gw.metadata.name;
  const suffix = gw.spec.gatewayClassName;
  const full = `${name}-${suffix}`;
  if (full.length <= MAX_NAME) return full;
  const budget = MAX_NAME - 2 - 8;
  const cutSuffix = suffix.length >= budget ? suffix.slice(0, budget - 1) : suffix;
  const cutName = name.slice(0, budget - cutSuffix.length).replace(/-+$/, '');
  return `${cutName}-${sha256Hex8(full)}-${cutSuffix}`;
}

/** The pods' labels; a Gateway name too long for a label value goes to an annotation instead (NGF
 *  provisioner `buildLabelsAndAnnotations`). */
export function dataPlanePodLabels(gw: Gateway): Record<string, string> {
  const name = gw.metadata.name;
  const byName: Record<string, string> = name.length <= MAX_NAME ? { [GATEWAY_NAME_LABEL]: name } : {};
  return { 'app.kubernetes.io/name': dataPlaneName(gw), ...byName };
}

/** The scenario already has a GatewayClass named "nginx" (the install's own class). */
function hasNginxClass(objects: readonly (KubeObject | OtherObject)[]): boolean {
  return objects.some((o) => o.kind === 'GatewayClass' && o.metadata.name === 'nginx');
}

function servedClasses(settings: LabSettings, objects: readonly (KubeObject | OtherObject)[]): Set<string> {
  const out = new Set<string>();
  const controllerName = settings.gatewayAPI.controllerName;
  for (const o of objects) {
    const ours = o.kind === 'GatewayClass' && (o as GatewayClass).spec?.controllerName === controllerName;
    if (ours) out.add(o.metadata.name);
  }
  if (settings.gatewayAPI.install && out.size === 0 && !hasNginxClass(objects)) out.add('nginx');
  return out;
}

/** Label and annotation keys NGF manages itself: a Gateway's infrastructure metadata cannot override them. */
const RESERVED_KEYS = new Set([GATEWAY_NAME_LABEL, 'app.kubernetes.io/name', 'app.kubernetes.io/instance',
  'app.kubernetes.io/managed-by']);

/** spec.infrastructure.labels / annotations without the reserved keys (NGF provisioner buildLabelsAndAnnotations;
 *  conformance GatewayInfrastructurePropagation). */
function infrastructureMetadata(gw: Gateway, field: 'labels' | 'annotations'): Record<string, string> {
  const given = (gw.spec.infrastructure as Record<string, unknown> | undefined)?.[field];
  if (!given || typeof given !== 'object') return {};
  return Object.fromEntries(Object.entries(given as Record<string, unknown>)
    .filter(([k, v]) => !RESERVED_KEYS.has(k) && typeof v === 'string') as [string, string][]);
}

function dataPlaneObjects(gw: Gateway): (KubeObject | OtherObject)[] {
  const name = dataPlaneName(gw);
  const selector = dataPlanePodLabels(gw);
  const labels = { ...selector, ...infrastructureMetadata(gw, 'labels') };
  const annotations = {
    ...(gw.metadata.name.length > MAX_NAME ? { [GATEWAY_NAME_LABEL]: gw.metadata.name } : {}),
    ...infrastructureMetadata(gw, 'annotations'),
  };
  const withAnnotations = Object.keys(annotations).length > 0 ? { annotations } : {};
  // The lab's own marker only says "the addon made this" (its value is never read); the Gateway's name
  // would not fit a label value.
  const meta = { name, namespace: ns(gw), labels: { ...labels, [ADDON_LABEL]: 'gateway' }, ...withAnnotations };
  const ports = [...new Set((gw.spec.listeners ?? []).map((l) => l.port).filter((p) => Number.isInteger(p)))].sort((
    a,
    b,
  ) => a - b);
  const dep: Deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: meta,
    spec: {
      replicas: 1,
      selector: { matchLabels: selector },
      template: {
        metadata: { labels, ...withAnnotations },
        spec: {
          containers: [
            {
              name: 'nginx',
              image: `ghcr.io/nginx/nginx-gateway-fabric/nginx:${NGF_VERSION}`,
              ports: ports.map((p) => ({ name: `port-${p}`, containerPort: p, protocol: 'TCP' as const })),
            },
          ],
        },
      },
    },
  };
  const svc: Service = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: meta,
    spec: {
      type: 'LoadBalancer',
      selector,
      ports: ports.map((p) => ({ name: `port-${p}`, port: p, targetPort: p, protocol: 'TCP' as const })),
    },
  };
  return [dep, svc];
}

function controlPlaneObjects(): (KubeObject | OtherObject)[] {
  const labels = { 'app.kubernetes.io/name': 'nginx-gateway', 'app.kubernetes.io/instance': 'ngf' };
  const meta = (name: string) => ({ name, namespace: NGF_NAMESPACE, labels: { ...labels, [ADDON_LABEL]: 'gateway' } });
  const nsObj: Namespace = {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: NGF_NAMESPACE, labels: { [ADDON_LABEL]: 'gateway' } },
  };
  const dep: Deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: meta('nginx-gateway'),
    spec: {
      replicas: 1,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          serviceAccountName: 'nginx-gateway',
          containers: [
            {
              name: 'nginx-gateway',
              image: `ghcr.io/nginx/nginx-gateway-fabric:${NGF_VERSION}`,
              args: [
                'controller',
                '--gateway-ctlr-name=gateway.nginx.org/nginx-gateway-controller',
                '--gatewayclass=nginx',
              ],
              ports: [{ name: 'agent-grpc', containerPort: 8443, protocol: 'TCP' }],
            },
          ],
        },
      },
    },
  };
  return [nsObj, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta('nginx-gateway') }, dep];
}

/** Objects the Gateway controller's install adds to a scenario's (those already present are left out). */
export function gatewayAddonObjects(
  settings: LabSettings,
  objects: readonly (KubeObject | OtherObject)[],
): (KubeObject | OtherObject)[] {
  const classes = servedClasses(settings, objects);
  if (classes.size === 0) return [];
  const out: (KubeObject | OtherObject)[] = [...controlPlaneObjects()];
  if (settings.gatewayAPI.install && classes.has('nginx') && !hasNginxClass(objects)) {

    out.push({
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'GatewayClass',
      metadata: { name: 'nginx', labels: { [ADDON_LABEL]: 'gateway' } },
      spec: { controllerName: settings.gatewayAPI.controllerName },
    } satisfies GatewayClass);
  }
  for (const o of objects) {
    if (o.kind === 'Gateway' && classes.has((o as Gateway).spec?.gatewayClassName)) out.push(
      ...dataPlaneObjects(o as Gateway)
    );
  }
  const key = (
    o: { kind: string; metadata: { name: string; namespace?: string } }
  ) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
  const existing = new Set(objects.map(key));
  return out.filter((o) => !existing.has(key(o)));
}
