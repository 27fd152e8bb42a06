// Writing scenarios back out: the strict exported form (every section present, settings in full, so
// a file reproduces the same lab even if defaults change later), and plain manifests for a real
// cluster (`kubectl apply -f`), where lab settings have no place.

import { stringify } from 'yaml';
import { CURRENT_VERSION, SCENARIO_FORMAT } from './schema';
import type { Scenario, ScenarioObject } from './types';

/** The scenario as a format-v1 JSON file (2-space indent, trailing newline). */
export function serializeScenario(s: Scenario): string {
  const file = {
    format: SCENARIO_FORMAT,
    version: CURRENT_VERSION,
    meta: s.meta,
    settings: s.settings,
    objects: s.objects,
    clients: s.clients,
    requests: s.requests,
    lesson: s.lesson,
    view: s.view,
    edits: s.edits,
  };
  return `${JSON.stringify(file, null, 2)}\n`;
}

/**
 * Objects as multi-document YAML for `kubectl apply -f -`; lab settings are left out. Give the
 * objects as they are after the scenario's edits (`appliedObjects` of its lab) to export a lab
 * that was changed by hand.
 */
export function toManifests(objects: readonly ScenarioObject[]): string {
  return objects.map((o) => stringify(o, { lineWidth: 0 })).join('---\n');
}
