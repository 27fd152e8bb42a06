// The contract between the store and the engines below it (src/scenario, src/sim). The store
// never imports an engine directly: the app injects them (see `Engines`), so the store and its
// tests run without engines that have not landed, and the UI can say "not yet available"
// instead of inventing results.

import type { LabEdit, LoadResult, Problem, Scenario, ScenarioFileInput, ScenarioObject } from '../scenario';
import type { Cluster, ClusterInput, RenderedArtifact, TraceResult } from '../sim';
import type { RequestIssue } from '../sim/trace/request-check';

export type { RequestIssue };

export type { Scenario, LoadResult };
/** One text file the user opened (or the built-in default). */
export type SourceFile = ScenarioFileInput;
/** A located load problem (file, line, column, JSON pointer, message). */
export type LoadProblem = Problem;

/** An object the apiserver refused, as kubectl prints it: "Error from server (<reason>): <message>". */
export interface ApiRejection {
  ref: { kind: string; namespace?: string; name: string };
  field: string;
  message: string;
  reason: string;
}

export interface ReconcileResult {
  cluster: Cluster;
  problems: readonly ApiRejection[];
  /** The user's objects as they are now: the scenario's, changed by its edits (no addon installs). */
  applied?: readonly ScenarioObject[];
  /** Where each edit begins on the event timeline. */
  editMarks?: readonly EditMark[];
}

/** An edit on the timeline: its events are those after `afterSeq` (up to the next mark). */
export interface EditMark {
  afterSeq: number;
  /** The edit as a command line (kubectl scale deployment/web --replicas=3). */
  label: string;
}

/** What a user asks the tracer to do: a saved request's shape (see SavedRequest in src/sim/cluster.ts). */
export interface TraceRequest {
  /** "external:<client>", "pod:<ns>/<name>" or "node:<name>". */
  from: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  /** Like curl --connect-to: "ingress[:<class>]", "node:<name>", "<ip>:<port>"; empty for none. */
  connect: string;
  /** The saved request this was composed from, if any (its `expect` is checked against the result). */
  savedId?: string;
  /** Send the lab's cookie jar and keep Set-Cookie answers in it (curl -b/-c, the CLI's --cookie-jar). */
  cookieJar?: boolean;
}

export interface TraceArgs {
  scenario: Scenario;
  cluster: Cluster;
  request: TraceRequest;
}

/**
 * Engines the app wires in. Each is optional: a missing one means that part of the lab has not
 * landed yet, and the UI shows a "not yet available" state for it.
 */
export interface Engines {
  /** src/scenario: files (merged in order) to a scenario, with located problems. */
  loadScenarioFiles?: (files: readonly SourceFile[]) => LoadResult;
  /** src/sim/controllers: the control plane to its fixed point, then the scenario's edits applied in order. */
  reconcile?: (input: ClusterInput & { edits?: readonly LabEdit[] }) => ReconcileResult;
  /** src/sim/dataplane: every rendered artifact of the reconciled cluster (kube-proxy per node, ingress, DNS). */
  compile?: (args: { scenario: Scenario; cluster: Cluster }) => readonly RenderedArtifact[];
  /** src/sim/trace: walk one request through the compiled artifacts. */
  trace?: (args: TraceArgs) => TraceResult;
  /** src/sim/trace: what in a request the lab does not have (a client, pod, node, connect target). */
  checkRequest?: (args: {
    scenario: Scenario;
    request: Pick<TraceRequest, 'from' | 'url' | 'connect'>;
  }) => readonly RequestIssue[];
}
