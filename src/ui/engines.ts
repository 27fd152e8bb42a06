// The engines below the UI, loaded after first paint so the YAML/zod loader and the simulation
// stay out of the initial bundle. They all run on one `buildLab` (src/sim/assembly): addons, control
// plane, ingress controllers, cluster DNS, kube-proxy per node, bound to the tracer; then the
// scenario's edits, one `applyEdit` each.

import { loadScenarioFiles, type LabEdit } from '../scenario';
import type { LabSettings, RenderedArtifact } from '../sim';
import { applyEdit, appliedObjects, describeEdit, type EditedLabInput } from '../sim/assembly/edits';
import { buildLab, hostsArtifacts, type Lab } from '../sim/assembly/lab';
import { labClients } from '../sim/clients';
import { checkRequest } from '../sim/trace/request-check';
import { newTraceSession, trace, type TraceSession } from '../sim/trace/trace';
import type { EditMark, Engines } from '../state';
import { toSimRequest } from './trace-request';

// One lab per (objects, settings) identity: immer keeps both identities until an edit changes them,
// so reconcile, compile and trace for one scenario version share one build.
const labs = new WeakMap<readonly unknown[], WeakMap<LabSettings, Lab>>();
// Then one lab per edit on top of it: an edit appended runs only that edit on the running lab, and
// undo finds the lab before it still here. (immer keeps each edit's identity in the log.)
const edited = new WeakMap<Lab, WeakMap<LabEdit, Lab>>();
// One tracing session per lab: repeated requests move kube-proxy's and the ingress balancers'
// seeded state on, as on a real cluster, and start again from the seed when the lab changes.
const sessions = new WeakMap<Lab, TraceSession>();

/**
 * The lab of a scenario: its cluster started from scratch, then its edits replayed in order.
 * `step` sees each edit with the labs before and after it.
 */
export function labFor(input: EditedLabInput, step?: (edit: LabEdit, before: Lab, after: Lab) => void): Lab {
  let bySettings = labs.get(input.objects);
  if (!bySettings) labs.set(input.objects, (bySettings = new WeakMap()));
  let lab = bySettings.get(input.settings);
  if (!lab) bySettings.set(input.settings, (lab = buildLab({ settings: input.settings, objects: input.objects, clients: input.clients })));
  for (const e of input.edits ?? []) {
    let next = edited.get(lab);
    if (!next) edited.set(lab, (next = new WeakMap()));
    let after = next.get(e);
    if (!after) next.set(e, (after = applyEdit(lab, e)));
    step?.(e, lab, after);
    lab = after;
  }
  return lab;
}

/**
 * Where each edit begins on the lab's timeline: the last event seq before the edit's events (the
 * timeline draws a divider there). An edit that starts a new cluster (an IngressClass decides which
 * controllers are installed) starts the timeline over, and the marks with it.
 */
function editMarks(input: EditedLabInput): { lab: Lab; marks: EditMark[] } {
  let marks: EditMark[] = [];
  const lab = labFor(input, (e, before, after) => {
    const continued = after.events.length >= before.events.length && after.events[0] === before.events[0];
    if (!continued) marks = [];
    marks.push({ afterSeq: continued ? (before.events.at(-1)?.seq ?? 0) : 0, label: describeEdit(e) });
  });
  return { lab, marks };
}

export const engines: Engines = {
  loadScenarioFiles,
  reconcile: (input) => {
    const { lab, marks } = editMarks(input);
    // The timeline shows kube-proxy's and the ingress controllers' events beside the control plane's.
    return { cluster: { ...lab.cluster, events: lab.events }, problems: lab.problems, applied: appliedObjects(lab), editMarks: marks };
  },
  compile: ({ scenario }) => {
    // The lab is kept per objects and settings; the clients' /etc/hosts are the scenario's as it is now.
    const own = hostsArtifacts(labClients(scenario.clients));
    const clientHosts = (a: RenderedArtifact) => a.kind === 'hosts' && a.id.startsWith('client/');
    const rest = Object.values(labFor(scenario).artifacts).filter((a) => !clientHosts(a));
    return [...rest, ...Object.values(own)];
  },
  trace: ({ scenario, request }) => {
    const lab = labFor(scenario);
    let session = sessions.get(lab);
    if (!session) sessions.set(lab, (session = newTraceSession(lab.settings.seed)));
    return trace({ ...lab, clients: labClients(scenario.clients) }, toSimRequest(request), session);
  },
  checkRequest: ({ scenario, request }) => checkRequest({ ...labFor(scenario), clients: labClients(scenario.clients) }, request),
};
