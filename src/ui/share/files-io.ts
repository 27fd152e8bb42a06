// Writing the lab out (scenario JSON, plain manifests) and reading pasted text back in.

import type { Scenario } from '../../state';
import type { KubeProxySettings } from '../../sim/lab';
import type { SourceFile } from '../../state';
import { labStore } from '../app-store';
import { session, setSession } from './session';

export function download(name: string, text: string, type: string) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** A file name from the scenario's title: letters, digits and dashes only. */
export function baseName(s: Scenario): string {
  return (s.meta.title ?? 'scenario').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 40) || 'scenario';
}

/** Lab-only settings, kept apart from the manifests: what `kubectl apply` has no place for. */
export function labOnlyPart(s: Scenario, kubeProxy?: KubeProxySettings): string {
  // The manifests beside it are the objects as edited, so the edit log has done its work: only
  // kube-proxy's configuration, which manifests cannot carry, is kept as it runs now.
  const { objects: _objects, edits: _edits, ...rest } = s;
  const settings = kubeProxy ? { ...s.settings, kubeProxy } : s.settings;
  return `${JSON.stringify({ ...rest, settings, objects: [] }, null, 2)}\n`;
}

/**
 * Pasted text opens like a file (JSON or YAML, the loader tells); a failed load changes nothing.
 * The text stays in the Paste dialog until it has opened: a failed or partly refused paste keeps it.
 */
export function openPasted(text: string): boolean {
  const name = /^\s*[[{]/.test(text) ? 'pasted.json' : 'pasted.yaml';
  const opened = labStore.getState().openFiles([{ name, text }], { ask: true });
  if (opened) setSession({ paste: '', baseline: null });
  return opened;
}

/** A load that waited for the user has opened: if it was the pasted text, the Paste dialog is done with it. */
export function forgetOpenedPaste(sources: readonly SourceFile[]) {
  const paste = session.getState().paste;
  if (paste && sources.some((f) => f.text === paste)) setSession({ paste: '', baseline: null });
}
