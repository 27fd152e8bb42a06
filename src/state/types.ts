// The contract between the store and the engines below it (src/scenario, src/sim). The store
// never imports an engine directly: the app injects them (see `Engines`), so the store and its
// tests run without engines that have not landed, and the UI can say "not yet available"
// instead of inventing results.

import type { Cluster, ClusterInput, ExternalClient, KubeObject, LabSettings, OtherObject, SavedRequest, TraceResult } from '../sim';

/** A scenario as the loader returns it: lab settings, the objects as written, clients and saved requests. */
export interface Scenario {
  name?: string;
  title?: string;
  settings: LabSettings;
  objects: readonly (KubeObject | OtherObject)[];
  clients: readonly ExternalClient[];
  requests: readonly SavedRequest[];
  [extra: string]: unknown;
}

/** One text file the user opened (or the built-in default). */
export interface SourceFile {
  name: string;
  text: string;
}

/** A load problem, located: the loader's `Problem` (file, line, column, JSON pointer, message). */
export interface LoadProblem {
  kind: string;
  severity: 'error' | 'warning';
  file: string;
  line?: number;
  column?: number;
  document?: number;
  path: string;
  message: string;
}

export interface LoadResult {
  ok: boolean;
  scenario: Scenario | null;
  problems: readonly LoadProblem[];
}

export interface ReconcileResult {
  cluster: Cluster;
  problems: readonly unknown[];
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
  /** src/sim/controllers: the control plane to its fixed point. */
  reconcile?: (input: ClusterInput) => ReconcileResult;
  /** src/sim/trace: walk one request through the compiled artifacts. */
  trace?: (args: TraceArgs) => TraceResult;
}
