// Edits to the scenario are commands: a discriminated union applied to an immer draft. Applying
// one records immer patches (and their inverses), which is all undo and redo need.
//
// A change to the running cluster (scale, delete a pod, mark one not ready, apply an object,
// restart kube-proxy in another mode) is appended to the scenario's edit log rather than written
// into its objects: the lab replays the log on the running cluster (src/sim/assembly/edits.ts), so
// the ReplicaSet keeps its pods when scaled, a deleted pod is replaced under a new name, and a
// share link or saved file that carries the log reproduces the same names, addresses and trace.

import { enablePatches, produceWithPatches, type Patch } from 'immer';
import type { LabEdit } from '../sim/assembly/edits';
import type { ExternalClient } from '../sim/cluster';
import { assertNever } from '../sim/util/assert';
import type { Scenario } from './types';

enablePatches();

export type ScenarioCommand =
  | LabEdit
  /** A new seed is a new cluster: the scenario's start changes, the edit log is replayed on it. */
  | { kind: 'set-seed'; seed: string }
  /** Another Kubernetes release is another cluster: the scenario's start changes, the edit log is replayed on it. */
  | { kind: 'set-kubernetes-version'; version: string }
  /** Several commands as one undo step (kubectl apply -f with several documents). */
  | { kind: 'batch'; commands: ScenarioCommand[] }
  /**
   * Add an outside client, or change the one named `replaces` (kept in its place in the list).
   * Clients are the scenario's own data, not the cluster's: written into `clients`, so they travel
   * with the file and share links, and undo is a patch like any other.
   */
  | { kind: 'put-client'; client: ExternalClient; replaces?: string }
  | { kind: 'remove-client'; name: string };

export interface HistoryEntry {
  command: ScenarioCommand;
  patches: Patch[];
  inverse: Patch[];
}

/** Mutates a draft; a command that changes nothing records no patches. */
export function applyCommand(draft: Scenario, cmd: ScenarioCommand): void {
  switch (cmd.kind) {
    case 'set-seed':
      draft.settings.seed = cmd.seed;
      return;
    case 'set-kubernetes-version':
      draft.settings.kubernetesVersion = cmd.version;
      return;
    case 'batch':
      for (const c of cmd.commands) applyCommand(draft, c);
      return;
    case 'put-client': {
      const at = draft.clients.findIndex((c) => c.name === (cmd.replaces ?? cmd.client.name));
      const client = structuredClone(cmd.client);
      if (at >= 0) draft.clients[at] = client;
      else draft.clients.push(client);
      return;
    }
    case 'remove-client':
      draft.clients = draft.clients.filter((c) => c.name !== cmd.name);
      return;
    case 'set-replicas':
    case 'set-pod-ready':
    case 'remove-object':
    case 'apply-object':
    case 'set-proxy-mode':
    case 'set-kube-proxy':
      draft.edits.push(structuredClone(cmd));
      return;
    default:
      assertNever(cmd);
  }
}

/** Runs a command against a scenario: the next scenario and the history entry to undo it. */
export function runCommand(
  scenario: Scenario,
  command: ScenarioCommand,
): { next: Scenario; entry: HistoryEntry | null } {
  const [next, patches, inverse] = produceWithPatches(scenario, (d) => applyCommand(d as Scenario, command));
  if (patches.length === 0) return { next: scenario, entry: null };
  return { next, entry: { command, patches, inverse } };
}
