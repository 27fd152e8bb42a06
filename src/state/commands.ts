// Edits to the scenario are commands: a discriminated union applied to an immer draft. Applying
// one records immer patches (and their inverses), which is all undo and redo need; the same
// patches could later travel in a share link or a lesson step.

import { enablePatches, produceWithPatches, type Patch } from 'immer';
import type { ProxyMode } from '../sim';
import { POD_ANNOTATIONS } from '../sim/cluster';
import { defaultLabSettings, type LabSettings } from '../sim/lab';
import { assertNever } from '../sim/util/assert';
import type { ScenarioObject } from '../scenario';
import type { Scenario } from './types';

enablePatches();

export type ScenarioCommand =
  | { kind: 'set-proxy-mode'; mode: ProxyMode }
  | { kind: 'set-replicas'; namespace: string; name: string; replicas: number }
  /** Flip the lab's readiness annotation on a pod written in the scenario. */
  | { kind: 'set-pod-ready'; namespace: string; name: string; ready: boolean }
  | { kind: 'remove-object'; objectKind: string; namespace?: string; name: string }
  | { kind: 'set-seed'; seed: string }
  /** Create or replace one object (matched by kind, namespace and name): the console and the edit forms. */
  | { kind: 'apply-object'; object: ScenarioObject }
  /** Lab settings replaced as a whole (kube-proxy's configuration edited from the console). */
  | { kind: 'set-lab-settings'; settings: LabSettings }
  /** Several commands as one undo step (kubectl apply -f with several documents). */
  | { kind: 'batch'; commands: ScenarioCommand[] };

export interface HistoryEntry {
  command: ScenarioCommand;
  patches: Patch[];
  inverse: Patch[];
}

function findObject(draft: Scenario, kind: string, namespace: string | undefined, name: string) {
  return draft.objects.findIndex(
    (o) => o.kind === kind && o.metadata.name === name && (namespace === undefined || (o.metadata.namespace ?? 'default') === namespace),
  );
}

/** Mutates a draft; a command that finds nothing to change is a no-op (and records no patches). */
export function applyCommand(draft: Scenario, cmd: ScenarioCommand): void {
  switch (cmd.kind) {
    case 'set-proxy-mode':
      draft.settings.kubeProxy ??= defaultLabSettings().kubeProxy;
      draft.settings.kubeProxy.mode = cmd.mode;
      return;
    case 'set-seed':
      draft.settings.seed = cmd.seed;
      return;
    case 'set-replicas': {
      const i = findObject(draft, 'Deployment', cmd.namespace, cmd.name);
      const o = draft.objects[i];
      if (o && o.kind === 'Deployment' && 'spec' in o) (o.spec as { replicas?: number }).replicas = cmd.replicas;
      return;
    }
    case 'set-pod-ready': {
      const o = draft.objects[findObject(draft, 'Pod', cmd.namespace, cmd.name)];
      if (!o) return;
      o.metadata.annotations ??= {};
      if (cmd.ready) delete o.metadata.annotations[POD_ANNOTATIONS.ready];
      else o.metadata.annotations[POD_ANNOTATIONS.ready] = 'false';
      return;
    }
    case 'remove-object': {
      const i = findObject(draft, cmd.objectKind, cmd.namespace, cmd.name);
      if (i >= 0) (draft.objects as unknown[]).splice(i, 1);
      return;
    }
    case 'apply-object': {
      const o = cmd.object;
      const i = findObject(draft, o.kind, o.metadata.namespace ?? 'default', o.metadata.name);
      // Cluster-scoped objects carry no namespace; findObject's default matches them the same way.
      if (i >= 0) draft.objects[i] = structuredClone(o) as (typeof draft.objects)[number];
      else draft.objects.push(structuredClone(o) as (typeof draft.objects)[number]);
      return;
    }
    case 'set-lab-settings':
      draft.settings = structuredClone(cmd.settings);
      return;
    case 'batch':
      for (const c of cmd.commands) applyCommand(draft, c);
      return;
    default:
      assertNever(cmd);
  }
}

/** Runs a command against a scenario: the next scenario and the history entry to undo it. */
export function runCommand(scenario: Scenario, command: ScenarioCommand): { next: Scenario; entry: HistoryEntry | null } {
  const [next, patches, inverse] = produceWithPatches(scenario, (d) => applyCommand(d as Scenario, command));
  if (patches.length === 0) return { next: scenario, entry: null };
  return { next, entry: { command, patches, inverse } };
}
