// Why a Service port answered nothing, told from what kube-proxy itself read: the EndpointSlices the
// EndpointSlice controller (or, for a selectorless Service, the mirroring controller) wrote. The
// tracer does not match the selector against pods again; kube-proxy never does either (it watches
// slices only). An endpoint's conditions are read as kube-proxy reads them (nil ready and serving
// mean true, nil terminating false; discovery.k8s.io/v1 EndpointConditions): kube-proxy uses the
// ready endpoints, else the serving terminating ones, and rejects when neither exists. What a learner
// asks next, which pods are behind the Service and why none is ready, is read from the pods' own
// status (fault-pods.ts): the pods the controllers' selection picks, as the scheduler and the
// kubelet wrote them.

import { findLine, type ArtifactRef, type RenderedArtifact } from '../artifact';
import type { EndpointSlice, Service } from '../api/types';
import { selectorText } from '../controllers/selection';
import {
  inListOrder,
  sliceArtifact,
  sliceArtifactId,
  sliceEndpointRef,
  sliceEndpointsRef,
} from '../controllers/sliceview';
import { note, type Note, type NoteKey } from '../notes';
import {
  endpointsFor,
  parseServicePortName,
  servicePortInfos,
  slicesByService,
  type EndpointInfo,
  type ServicePortString,
} from '../proxy/servicemap';
import { podsBehind } from './fault-pods';
import type { LabPorts } from './ports';
import type { Fault } from './types';
import { faultOf } from './walk';

/** What the Service's EndpointSlices hold for one of its ports. */
interface SliceReading {
  service: Service;
  /** The slices labelled `kubernetes.io/service-name` with this Service, by name (the order of the lab's
   *  `endpointslices/<ns>/<service>` artifact, which the fault's refs point into). */
  slices: EndpointSlice[];
  /** The port's endpoints as kube-proxy reads them (deduplicated by "ip:port"). */
  endpoints: EndpointInfo[];
  /** Endpoints the slices list without this port (a targetPort the pod does not declare). */
  withoutPort: number;
}

/** The lab's Service `namespace/name`. */
export function findService(lab: LabPorts, namespace: string, name: string): Service | undefined {
  return lab.cluster.services.find(
    (s) => s.metadata.name === name && (s.metadata.namespace ?? 'default') === namespace,
  );
}

/** The slices of `service` and the endpoints kube-proxy takes from them for `servicePort`. */
function readSlices(lab: LabPorts, service: Service, servicePort: ServicePortString): SliceReading {
  const key = `${service.metadata.namespace ?? 'default'}/${service.metadata.name}`;
  const slices = inListOrder(slicesByService(lab.cluster.endpointSlices).get(key) ?? []);
  const info = servicePortInfos(service).find((i) => i.name === servicePort);
  // A Service kube-proxy does not proxy has no port info; its slices still say what they hold.
  const endpoints = info ? endpointsFor(info, slices, '') : [];
  const listed = new Set<string>();
  for (const s of slices) for (const e of s.endpoints) if (e.addresses[0]) listed.add(e.addresses[0]);
  const withPort = new Set(endpoints.map((e) => e.ip));
  let withoutPort = 0;
  for (const ip of listed) if (!withPort.has(ip)) withoutPort++;
  return { service, slices, endpoints, withoutPort };
}

/** The counts a fault says, per endpoint condition. */
interface Counts {
  ready: number;
  /** Not ready and not terminating (a pod whose readiness probe fails, or not started yet). */
  notReady: number;
  /** Terminating and not serving (kube-proxy's fallback to serving terminating endpoints found none). */
  terminating: number;
}

function countConditions(endpoints: readonly EndpointInfo[]): Counts {
  const c: Counts = { ready: 0, notReady: 0, terminating: 0 };
  for (const e of endpoints) {
    if (e.ready) c.ready++;
    else if (e.terminating) c.terminating++;
    else c.notReady++;
  }
  return c;
}

/** "has no ready endpoints: selector ... matches N ready pod(s) (M not ready)", as before slices were read. */
function readinessKey(ready: number, notReady: number): NoteKey {
  if (ready === 1) return notReady > 0 ? 'note.fault.noReadyOneSome' : 'note.fault.noReadyOne';
  return notReady > 0 ? 'note.fault.noReadySome' : 'note.fault.noReady';
}

/** The Service port's targetPort as the spec says it (a number or a containerPort name). */
function targetPortOf(svc: Service, portName: string): string {
  const sp = (svc.spec.ports ?? []).find((p) => (p.name ?? '') === portName);
  return String(sp?.targetPort ?? sp?.port ?? '');
}

function readingNote(r: SliceReading, portName: string, service: string, selector: string): Note {
  if (r.endpoints.length === 0 && r.withoutPort > 0) {
    // The pods are there, but none has the port: a named targetPort no container declares.
    const params = { service, targetPort: targetPortOf(r.service, portName), endpoints: r.withoutPort, selector };
    return note('note.fault.noPortEndpoints', params);
  }
  const c = countConditions(r.endpoints);
  if (c.terminating > 0) {
    const params = { service, selector, terminating: c.terminating, notReady: c.notReady };
    return note('note.fault.noReadyTerminating', params);
  }
  // Every endpoint the slices list for the port is a selected pod with an address.
  return note(readinessKey(c.ready, c.notReady), { service, selector, ready: c.ready, notReady: c.notReady });
}

/**
 * Why Service port `servicePort` ("ns/name:port") answered nothing: the Service is gone, has no
 * selector (its endpoints are whoever wrote them), or its slices hold no endpoint kube-proxy may use.
 */
export function describeNoEndpoints(lab: LabPorts, servicePort: ServicePortString | undefined): Fault | undefined {
  if (!servicePort) return undefined;
  const { namespace: ns, name, port } = parseServicePortName(servicePort);
  const service = `${ns}/${name}`;
  const svc = findService(lab, ns, name);
  if (!svc) return faultOf({ kind: 'Service', namespace: ns, name }, note('note.fault.serviceNotFound', { service }));
  const blame = { kind: 'Service', namespace: ns, name, field: 'spec.selector' };
  const selector = selectorText(svc);
  if (!selector) return faultOf(blame, note('note.fault.noSelector', { service }));
  const reading = readSlices(lab, svc, servicePort);
  const n = readingNote(reading, port, service, selector);
  const noPort = n.key === 'note.fault.noPortEndpoints';
  const fault = faultOf(noPort ? { ...blame, field: 'spec.ports' } : blame, n);
  const artifact = labSlices(lab, ns, name) ?? sliceArtifact(ns, name, () => [...reading.slices]);
  const refs = sliceRefs(artifact, reading.slices);
  // Not ready, terminating or not there at all: which pods the selector matches, and why, from their status.
  const pods = noPort ? undefined : podsBehind(lab, svc, selector, reading.slices, artifact);
  return { ...fault, ...(refs.length > 0 ? { refs } : {}), ...(pods ? { pods } : {}) };
}

/**
 * The lines of the Service's slices the fault was read from: each endpoint kube-proxy passed over
 * (not ready and not serving-terminating), or a slice's `endpoints:` line when it lists none.
 */
function sliceRefs(artifact: RenderedArtifact, slices: readonly EndpointSlice[]): ArtifactRef[] {
  const refs: ArtifactRef[] = [];
  for (const s of slices) {
    if (s.endpoints.length === 0) refs.push(...lineOf(artifact, sliceEndpointsRef(s.metadata.name)));
    s.endpoints.forEach((e, i) => {
      const c = e.conditions ?? {};
      // kube-proxy's reading: nil ready/serving mean true, nil terminating false.
      const usable = c.ready !== false || (c.terminating === true && c.serving !== false);
      if (!usable) refs.push(...lineOf(artifact, sliceEndpointRef(s.metadata.name, i)));
    });
  }
  return refs;
}

/** The lab's own `endpointslices/<ns>/<service>` (the same slices, in the same order), when the lab
 *  holds its artifacts for the cluster the walk reads. */
/**
 * The Service's EndpointSlices in the order of the lab's `endpointslices/<ns>/<service>` artifact, and that
 * artifact (rendered here for a lab put together without its artifacts).
 */
export function serviceSlices(lab: LabPorts, svc: Service): { slices: EndpointSlice[]; artifact: RenderedArtifact } {
  const ns = svc.metadata.namespace ?? 'default';
  const name = svc.metadata.name;
  const slices = inListOrder(slicesByService(lab.cluster.endpointSlices).get(`${ns}/${name}`) ?? []);
  return { slices, artifact: labSlices(lab, ns, name) ?? sliceArtifact(ns, name, () => [...slices]) };
}

function labSlices(lab: LabPorts, ns: string, service: string): RenderedArtifact | undefined {
  return lab.network?.cluster === lab.cluster ? lab.artifacts?.[sliceArtifactId(ns, service)] : undefined;
}

function lineOf(a: Parameters<typeof findLine>[0], ref: string): ArtifactRef[] {
  const r = findLine(a, ref);
  return r ? [r] : [];
}
