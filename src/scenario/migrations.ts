// Step 3 of the load pipeline: bring an older scenario up to the current format, one named and
// numbered step at a time (tldraw's migration sequences: packages/store/src/lib/migrate.ts).
// A migration's number is the version it produces. Changing a persisted field means adding a
// migration here and a frozen fixture of the old form under scenarios/fixtures/, in the same change.
//
// Version 0 is the pre-release form: kube-proxy's mode was a top-level string, nodes were a
// count, and the title sat at the top level:
//   { format, version: 0, title?, description?, kubeProxyMode?, seed?, nodes?: number,
//     objects?, clients?, requests? }

import { LIMITS } from './limits';
import { isRecord } from './kinds';

export type ScenarioDocument = Record<string, unknown>;

export interface Migration {
  /** `netlab.scenario/<version it produces>.<what it does>` */
  id: string;
  /** The version a document has after this migration. */
  version: number;
  up(doc: ScenarioDocument): ScenarioDocument;
}

export class MigrationError extends Error {}

const kubeProxyObjectAndNodeObjects: Migration = {
  id: 'netlab.scenario/1.kubeProxyObjectAndNodeObjects',
  version: 1,
  up(doc) {
    const { title, description, kubeProxyMode, seed, nodes, ...rest } = doc;
    const out: ScenarioDocument = { ...rest, version: 1 };

    const meta: Record<string, unknown> = isRecord(rest.meta) ? { ...rest.meta } : {};
    if (title !== undefined) meta.title = title;
    if (description !== undefined) meta.description = description;
    if (Object.keys(meta).length > 0) out.meta = meta;

    const settings: Record<string, unknown> = isRecord(rest.settings) ? { ...rest.settings } : {};
    if (kubeProxyMode !== undefined) {
      const kubeProxy = isRecord(settings.kubeProxy) ? { ...settings.kubeProxy } : {};
      kubeProxy.mode = kubeProxyMode;
      settings.kubeProxy = kubeProxy;
    }
    if (seed !== undefined) settings.seed = seed;
    if (Object.keys(settings).length > 0) out.settings = settings;

    if (nodes !== undefined) {
      if (typeof nodes !== 'number' || !Number.isInteger(nodes) || nodes < 0 || nodes > LIMITS.maxObjects) {
        throw new MigrationError(`nodes: Invalid value: must be a node count between 0 and ${LIMITS.maxObjects}`);
      }
      // v0 made node-1..node-N itself; v1 states them as Node objects, like any other object.
      const objects = Array.isArray(rest.objects) ? [...rest.objects] : [];
      const hasNodes = objects.some((o) => isRecord(o) && o.kind === 'Node');
      if (!hasNodes) {
        for (let i = 1; i <= nodes; i++) {
          objects.push({ apiVersion: 'v1', kind: 'Node', metadata: { name: `node-${i}` } });
        }
      }
      out.objects = objects;
    }
    return out;
  },
};

/** Every migration, in order. The version after the last is CURRENT_VERSION. */
export const MIGRATIONS: readonly Migration[] = [kubeProxyObjectAndNodeObjects];

export type MigrationResult =
  | { ok: true; value: ScenarioDocument; applied: string[] }
  | { ok: false; id: string; message: string };

/** Run every migration after `fromVersion`, in order. */
export function migrate(doc: ScenarioDocument, fromVersion: number): MigrationResult {
  let value = doc;
  const applied: string[] = [];
  for (const m of MIGRATIONS) {
    if (m.version <= fromVersion) continue;
    try {
      value = m.up(value);
    } catch (e) {
      return { ok: false, id: m.id, message: e instanceof Error ? e.message : String(e) };
    }
    applied.push(m.id);
  }
  return { ok: true, value, applied };
}
