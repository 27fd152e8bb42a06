// The engines below the UI, loaded after first paint so the YAML/zod loader and the simulation
// stay out of the initial bundle. They all run on one `buildLab` (src/sim/build): addons, control
// plane, ingress controllers, cluster DNS, kube-proxy per node, bound to the tracer.

import { loadScenarioFiles } from '../scenario';
import type { ExternalClient, KubeObject, LabSettings, OtherObject } from '../sim';
import { buildLab, type Lab } from '../sim/build/lab';
import { newTraceSession, trace, type TraceSession } from '../sim/trace/trace';
import type { Engines } from '../state';
import { toSimRequest } from './trace-request';

// One lab per (objects, settings) identity: immer keeps both identities until an edit changes them,
// so reconcile, compile and trace for one scenario version share one build.
const labs = new WeakMap<readonly unknown[], WeakMap<LabSettings, Lab>>();
// One tracing session per lab: repeated requests move kube-proxy's and the ingress balancers'
// seeded state on, as on a real cluster, and start again from the seed when the lab changes.
const sessions = new WeakMap<Lab, TraceSession>();

export function labFor(input: { settings: LabSettings; objects: readonly (KubeObject | OtherObject)[]; clients?: readonly ExternalClient[] }): Lab {
  let bySettings = labs.get(input.objects);
  if (!bySettings) labs.set(input.objects, (bySettings = new WeakMap()));
  let lab = bySettings.get(input.settings);
  if (!lab) bySettings.set(input.settings, (lab = buildLab({ settings: input.settings, objects: input.objects, clients: input.clients })));
  return lab;
}

export const engines: Engines = {
  loadScenarioFiles,
  reconcile: (input) => {
    const lab = labFor(input);
    // The timeline shows kube-proxy's and the ingress controllers' events beside the control plane's.
    return { cluster: { ...lab.cluster, events: lab.events }, problems: lab.problems };
  },
  compile: ({ scenario }) => Object.values(labFor(scenario).artifacts),
  trace: ({ scenario, request }) => {
    const lab = labFor(scenario);
    let session = sessions.get(lab);
    if (!session) sessions.set(lab, (session = newTraceSession(lab.settings.seed)));
    return trace({ ...lab, clients: [...scenario.clients] }, toSimRequest(request), session);
  },
};
