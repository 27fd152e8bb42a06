// Changing one lab setting by its dotted name, with the value given as text: what `--set
// kubeProxy.clusterCIDR=10.0.0.0/8` on the command line (and a settings editor) needs. The text is
// coerced by the settings schema (numbers, booleans, comma-separated lists) and then validated.

import type { z } from 'zod';
import { defaultIngressAddon, type IngressControllerKind, type LabSettings } from '../sim/lab';
import { labSettingsSchema } from './schema';
import { LAST_USERSPACE_VERSION, modeStage } from '../sim/proxy/versions';
import { checkValue } from './validate';
import { noted, type ProblemNote, type ProblemNoteKey, type ProblemParams } from './problem-text';

/** A refusal's `message` is its English; `note` the same words for the page to render in the reader's language. */
export type SetSettingResult = { ok: true; settings: LabSettings } | { ok: false; message: string; note: ProblemNote };

/** A refusal in the setting's words (problem-text.ts), its message the note's English. */
function refused(key: ProblemNoteKey, params: ProblemParams): SetSettingResult {
  return { ok: false, ...noted(key, params) };
}

/** A value the setting's check refused: the check's own words (a field error) after the flag. */
const invalid = (issue: ProblemNote): SetSettingResult => refused('setting.invalid', { flag: '--set', issue });

type AnySchema = z.core.$ZodType;

interface SchemaDef {
  type: string;
  innerType?: AnySchema;
  shape?: Record<string, AnySchema>;
  element?: AnySchema;
}

function def(s: AnySchema): SchemaDef {
  return s._zod.def as unknown as SchemaDef;
}

function unwrap(s: AnySchema): AnySchema {
  let cur = s;
  while (['default', 'prefault', 'optional'].includes(def(cur).type)) cur = def(cur).innerType as AnySchema;
  return cur;
}

/** Every settable dotted name (leaves of the settings schema). */
export function settingKeys(): string[] {
  const out: string[] = [];
  const walk = (s: AnySchema, prefix: string) => {
    const inner = unwrap(s);
    const d = def(inner);
    if (d.type === 'object' && d.shape) {
      for (const [k, v] of Object.entries(d.shape)) walk(v, prefix ? `${prefix}.${k}` : k);
    } else out.push(prefix);
  };
  walk(labSettingsSchema, '');
  return out;
}

/** Set one setting from text. Unknown names and bad values come back as a message naming the key. */
export function setLabSetting(settings: LabSettings, key: string, text: string): SetSettingResult {
  const segs = key.split('.');
  let schema: AnySchema = labSettingsSchema;
  for (let i = 0; i < segs.length; i++) {
    const d = def(unwrap(schema));
    const shape = d.type === 'object' ? d.shape : undefined;
    if (!shape || !Object.hasOwn(shape, segs[i])) {
      return refused('setting.unknown', { key, keys: settingKeys().join(', ') });
    }
    schema = shape[segs[i]];
  }
  const leaf = def(unwrap(schema));
  let value: unknown;
  switch (leaf.type) {
    case 'object': {
      const inGroup = settingKeys().filter((k) => k.startsWith(`${key}.`));
      return refused('setting.group', { key, keys: inGroup.join(', ') });
    }
    case 'array': {
      const items = text.trim() === '' ? [] : text.split(',').map((s) => s.trim());
      if (key === 'ingress') {
        // Ingress addons are objects; on the command line each is named by its controller.
        const bad = items.find((c) => c !== 'nginx' && c !== 'traefik');
        if (bad !== undefined) {
          const supported = '"nginx", "traefik"';
          return invalid({ key: 'field.unsupported', params: { field: key, value: `"${bad}"`, supported } });
        }
        value = items.map((c) => defaultIngressAddon(c as IngressControllerKind));
      } else value = items.map((s) => coerce(def(unwrap(leaf.element as AnySchema)).type, s));
      break;
    }
    default:
      value = coerce(leaf.type, text);
  }
  const r = checkValue(schema as z.ZodType, value, segs);
  if (!r.ok) return invalid(r.issues[0]?.note ?? { key: 'field.invalid', params: { field: key } });
  const next = structuredClone(settings) as unknown as Record<string, unknown>;
  let node = next;
  for (const seg of segs.slice(0, -1)) {
    if (typeof node[seg] !== 'object' || node[seg] === null) node[seg] = {};
    node = node[seg] as Record<string, unknown>;
  }
  node[segs[segs.length - 1]] = r.value;
  return { ok: true, settings: next as unknown as LabSettings };
}

/**
 * Userspace mode chosen without a Kubernetes version: the lab runs the last release that had it
 * (1.25) rather than a kube-proxy that would refuse to start. A version given explicitly is kept,
 * and then kube-proxy's own start-up failure is what the lab shows.
 */
export function settleUserspaceVersion(
  settings: LabSettings,
  versionGiven: boolean,
): { settings: LabSettings; note?: string } {
  if (versionGiven || settings.kubeProxy.mode !== 'userspace') return { settings };
  if (modeStage('userspace', settings.kubernetesVersion) !== 'removed') return { settings };
  return {
    settings: { ...settings, kubernetesVersion: LAST_USERSPACE_VERSION },
    note:
      `kube-proxy's userspace mode was removed in Kubernetes 1.26: running Kubernetes ${LAST_USERSPACE_VERSION}, ` +
      'the last version that had it (--set kubernetesVersion=<version> chooses another)',
  };
}

function coerce(type: string, text: string): unknown {
  if (type === 'number') return text.trim() === '' || !Number.isFinite(Number(text)) ? text : Number(text);
  if (type === 'boolean') return text === 'true' ? true : text === 'false' ? false : text;
  return text;
}
