// The loaded scenario: what the rest of the lab (store, control plane, CLI) works from.

import type { z } from 'zod';
import type { KubeObject, OtherObject } from '../sim/api/types';
import type { ExternalClient, SavedRequest } from '../sim/cluster';
import type { LabSettings } from '../sim/lab';
import type { LabEdit } from '../sim/assembly/edits';
import type { Problem } from './problem';
import type { Inference } from './inference';
import type { lessonStepSchema, localizedTextSchema, metaSchema, viewSchema } from './schema';

export type ScenarioObject = KubeObject | OtherObject;
export type { LabEdit };
export type LocalizedText = z.output<typeof localizedTextSchema>;
export type ScenarioMeta = z.output<typeof metaSchema>;
/** One step of a lesson: text, optionally a request to run, a predict-then-reveal question and a hop to show. */
export type LessonStep = z.output<typeof lessonStepSchema>;
/** Hints for the UI: selected request, lesson step, layout. */
export type ScenarioView = z.output<typeof viewSchema>;

/** A scenario as the lab holds it: every section present, settings fully defaulted. */
export interface Scenario {
  format: 'netlab.scenario';
  version: 1;
  meta: ScenarioMeta;
  settings: LabSettings;
  objects: ScenarioObject[];
  clients: ExternalClient[];
  requests: SavedRequest[];
  lesson: LessonStep[];
  view: ScenarioView;
  /** Changes made in the running lab, replayed in order after the cluster starts. */
  edits: LabEdit[];
}

/** Where an object came from: for "jump to definition" and for problems found later (control plane). */
export interface ObjectSource {
  file: string;
  document?: number;
  /** JSON pointer of the object in its document. */
  path: string;
  line?: number;
  column?: number;
  /**
   * Line and column of a field inside the object, by the apiserver's field path
   * (`spec.ports[0].nodePort`): the deepest part of the path the text has. For refusals found after
   * loading (admission), which point at the field as `kubectl apply` users expect.
   */
  locateField?: (field: string) => { line: number; column: number } | undefined;
}

export type LoadResult =
  | {
      ok: true;
      scenario: Scenario;
      problems: Problem[];
      /** Lab settings the files did not give (dotted paths, e.g. "kubeProxy.mode"): their defaults were used. */
      defaulted: string[];
      /** Migrations that ran, by id, in order. */
      migrations: string[];
      /** Parallel to scenario.objects. */
      sources: ObjectSource[];
      /** Lab settings read from a cluster snapshot (empty for anything else), each with its reason. */
      inferred: Inference[];
    }
  | { ok: false; problems: Problem[] };

export interface ScenarioFileInput {
  name: string;
  text: string;
}
