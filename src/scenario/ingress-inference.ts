// Which ingress controller the objects imply, when the files do not set `ingress` themselves: a
// snapshot's IngressClass names its controller (run by a workload in the snapshot, which the lab then
// models, or not in it, so the lab installs its own), and an Ingress may name a class no IngressClass
// in the files declares (`spec.ingressClassName`, or the older `kubernetes.io/ingress.class` annotation):
// `nginx` and `traefik` are the names the two controllers' own manifests give their classes, so a
// manifest written for a cluster that runs one of them gets it. A real cluster would serve such an
// Ingress only once the controller is installed; each inference says what the lab installed and why.

import type { DaemonSet, Deployment, Ingress, IngressClass, Service } from '../sim/api/types';
import type { IngressAddon, IngressControllerKind, LabSettings } from '../sim/lab';
import { defaultIngressAddon } from '../sim/lab';
import { controllerKindOf, DEFAULT_CLASS_ANNOTATION, LEGACY_CLASS_ANNOTATION } from '../sim/ingress/model';
import type { InferenceBasis, Setter } from './inference';
import type { Problem } from './problem';
import { noted } from './problem-text';
import { placeOf } from './place';
import type { ObjectSource, ScenarioObject } from './types';

/** The controller's ports as its container names them (ingress-nginx http/https, Traefik web/websecure). */
function controllerPorts(w: Deployment | DaemonSet): { http: number; https: number } {
  const ports = w.spec.template.spec.containers.flatMap((c) => c.ports ?? []);
  const find = (names: string[], fallback: number) =>
    ports.find((p) => p.name && names.includes(p.name))?.containerPort ?? fallback;
  return { http: find(['http', 'web'], 80), https: find(['https', 'websecure'], 443) };
}

function looksLike(kind: IngressControllerKind, w: Deployment | DaemonSet): boolean {
  const labels = w.spec.template.metadata?.labels ?? {};
  const images = w.spec.template.spec.containers.map((c) => c.image ?? '');
  const name = labels['app.kubernetes.io/name'];
  if (kind === 'nginx') {
    const image = images.some((i) => i.includes('ingress-nginx/controller') || i.includes('nginx-ingress-controller'));
    return image || (name === 'ingress-nginx' && labels['app.kubernetes.io/component'] === 'controller');
  }
  const traefik = (i: string) => /(^|\/)(mirrored-library-)?traefik:/.test(i) || i.startsWith('traefik');
  return images.some(traefik) || name === 'traefik';
}

const ofKind = <T>(objects: readonly ScenarioObject[], ...kinds: string[]) =>
  objects.filter((o) => kinds.includes(o.kind)) as unknown as T[];

/** The addon for one IngressClass: the workload in the files that runs its controller, else the lab's own. */
function classAddon(
  objects: readonly ScenarioObject[],
  cls: IngressClass,
  kind: IngressControllerKind,
): { addon: IngressAddon; basis: InferenceBasis } {
  const w = ofKind<Deployment | DaemonSet>(objects, 'Deployment', 'DaemonSet').find((x) => looksLike(kind, x));
  const isDefaultClass = cls.metadata.annotations?.[DEFAULT_CLASS_ANNOTATION] === 'true';
  const base: IngressAddon = { ...defaultIngressAddon(kind), className: cls.metadata.name, isDefaultClass };
  const named = { kind: 'ingress-class', className: cls.metadata.name, controllerName: cls.spec.controller } as const;
  if (!w) return { addon: base, basis: named };
  const selector = w.spec.selector.matchLabels ?? {};
  const ns = w.metadata.namespace ?? 'default';
  const podLabels = w.spec.template.metadata?.labels ?? {};
  const selects = (s: Service) =>
    !!s.spec.selector && Object.entries(s.spec.selector).every(([k, v]) => podLabels[k] === v);
  const svc = ofKind<Service>(objects, 'Service').find((s) => (s.metadata.namespace ?? 'default') === ns && selects(s));
  const hostPort = w.spec.template.spec.containers.some((c) => (c.ports ?? []).some((p) => p.hostPort));
  const daemonSetHostPort = hostPort && w.kind === 'DaemonSet';
  const topology =
    svc?.spec.type === 'LoadBalancer' ? 'loadbalancer' : daemonSetHostPort ? 'daemonset-hostport' : 'nodeport';
  const replicas = (w as Deployment).spec.replicas ?? 1;
  const adopt = { podSelector: selector, ports: controllerPorts(w) };
  return {
    addon: { ...base, namespace: ns, topology, replicas, adopt },
    basis: { ...named, workload: `${w.kind} ${ns}/${w.metadata.name}` },
  };
}

/** The controller a class name given by an Ingress stands for: the name each controller's manifests give it. */
function controllerNamed(className: string): IngressControllerKind | null {
  return className === 'nginx' ? 'nginx' : className === 'traefik' ? 'traefik' : null;
}

/** Ingresses naming a class no IngressClass in the files declares, each such class with the first one naming it. */
function namedClasses(objects: readonly ScenarioObject[], declared: ReadonlySet<string>): Map<string, string> {
  const out = new Map<string, string>();
  for (const ing of ofKind<Ingress>(objects, 'Ingress')) {
    const className = ing.spec?.ingressClassName ?? ing.metadata.annotations?.[LEGACY_CLASS_ANNOTATION];
    if (!className || declared.has(className) || out.has(className)) continue;
    out.set(className, `${ing.metadata.namespace ?? 'default'}/${ing.metadata.name}`);
  }
  return out;
}

/**
 * Sets `ingress` (when the files leave it free) to the controllers the objects imply, each one
 * reported. `fromClasses`: a snapshot's IngressClasses too (plain manifests leave those to the lab,
 * which installs a known controller's addon for each IngressClass no addon serves).
 */
export function inferIngress(
  objects: readonly ScenarioObject[],
  set: Setter,
  settings: LabSettings,
  fromClasses: boolean,
): void {
  const classes = ofKind<IngressClass>(objects, 'IngressClass');
  const found: { addon: IngressAddon; basis: InferenceBasis }[] = [];
  for (const cls of fromClasses ? classes : []) {
    const kind = controllerKindOf(cls.spec.controller);
    if (kind) found.push(classAddon(objects, cls, kind));
  }
  const declared = new Set(classes.map((c) => c.metadata.name));
  for (const [className, ingress] of namedClasses(objects, declared)) {
    const kind = controllerNamed(className);
    if (!kind) continue;
    const addon = { ...defaultIngressAddon(kind), className };
    const controller = kind === 'nginx' ? 'ingress-nginx' : 'Traefik';
    const basis = { kind: 'ingress-named-class', className, ingress, controller, namespace: addon.namespace } as const;
    found.push({ addon, basis });
  }
  if (found.length === 0) return;
  const shown = (a: IngressAddon) =>
    `${a.controller} (class ${a.className}, ${a.namespace}${a.adopt ? '' : ', installed by the lab'})`;
  const value = found.map((f) => shown(f.addon)).join('; ');
  const addons = found.map((f) => f.addon);
  set('ingress', value, found[0]!.basis, () => (settings.ingress = addons));
  for (const f of found.slice(1)) set('ingress', value, f.basis, () => undefined);
}

/**
 * Ingresses no controller in the lab serves because they name no class and no class is the default
 * (ingress-nginx watches only its own class unless started with --watch-ingress-without-class): such
 * an Ingress does nothing. Said at the Ingress, with the two ways to give it a class.
 */
export function classlessIngressProblems(
  p: { objects: readonly ScenarioObject[]; sources: readonly ObjectSource[]; file: string },
  settings: LabSettings,
): Problem[] {
  const classes = ofKind<IngressClass>(p.objects, 'IngressClass');
  const hasDefault = settings.ingress.some((a) => a.isDefaultClass)
    || classes.some((c) => c.metadata.annotations?.[DEFAULT_CLASS_ANNOTATION] === 'true');
  if (hasDefault) return [];
  const out: Problem[] = [];
  for (const o of p.objects) {
    if (o.kind !== 'Ingress') continue;
    const ing = o as unknown as Ingress;
    if (ing.spec?.ingressClassName || ing.metadata.annotations?.[LEGACY_CLASS_ANNOTATION]) continue;
    const params = {
      object: `Ingress ${JSON.stringify(ing.metadata.name)}`,
      field: 'spec.ingressClassName',
      annotation: DEFAULT_CLASS_ANNOTATION,
      flag: '--watch-ingress-without-class',
      controller: 'ingress-nginx',
    };
    const text = noted('problem.ingressNoClass', params);
    out.push({ kind: 'reference', severity: 'warning', ...placeOf(p, o, 'metadata.name'), ...text });
  }
  return out;
}
