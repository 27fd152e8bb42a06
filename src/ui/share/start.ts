// Start-up and the lab's life in the page: open what the URL asks for (a share link, a lesson)
// or the default scenario; offer back an autosaved lab; autosave edits to localStorage; warn
// before closing with unsaved work. A link that does not open says why and changes nothing.

import { translate } from '../i18n';
import { labStore } from '../app-store';
import type { Scenario, TraceRequest } from '../../state';
import type { ShareErrorKind, ShareReason } from '../../scenario/share';
import { builtinText } from './builtin-files';
import { parseRoute, writeLessonStep } from './routes';
import { session, setSession, type Session } from './session';

export const AUTOSAVE_KEY = 'netlab.autosave.v1';
const storage = (): Storage | null => (typeof localStorage === 'undefined' ? null : localStorage);

const t = (key: Parameters<typeof translate>[1], params?: Record<string, string | number>) => translate(labStore.getState().ui.lang, key, params);

/** A saved request of the scenario by id, as the composer sends it. */
export function savedRequest(s: Scenario, id: string): TraceRequest | null {
  const r = s.requests.find((x) => x.id === id);
  return r ? { from: r.from, method: r.method ?? 'GET', url: r.url, headers: r.headers ?? {}, connect: r.connect ?? '' } : null;
}

function markSaved() {
  setSession({ baseline: labStore.getState().scenario.current });
}

/**
 * Why a link does not open, in the reader's language: what is wrong with it and, in brackets, the
 * detail (`share.why.*`, or the loader's first problem with the scenario inside, where it is).
 */
async function refusalReason(r: { kind: ShareErrorKind; reason: ShareReason }): Promise<string> {
  const kind = t(`share.kind.${r.kind}`);
  const { key, params = {}, problem } = r.reason;
  if (key === 'not-a-link') return kind;
  let why: string;
  if (problem) {
    const { problemText } = await import('../../scenario/problem-text');
    const line = problem.line !== undefined ? `:${problem.line}:${problem.column ?? 1}` : '';
    const where = `${problem.file}${line}${problem.path ? ` ${problem.path}` : ''}`;
    why = t('share.why.scenario', { where, detail: problemText(labStore.getState().ui.lang, problem) });
  } else {
    why = t(`share.why.${key}`, params);
  }
  return t('share.because', { kind, why });
}

export async function openShareLink(fragment: string): Promise<boolean> {
  const { decodeShare } = await import('../../scenario/share');
  const r = decodeShare(fragment);
  if (!r.ok) {
    setSession({ notice: { kind: 'error', text: t('share.refused', { reason: await refusalReason(r) }) } });
    return false;
  }
  const { serializeScenario } = await import('../../scenario/export');
  if (!labStore.getState().openFiles([{ name: 'share-link.json', text: serializeScenario(r.lab.scenario) }])) {
    setSession({ notice: { kind: 'error', text: t('share.refused', { reason: t('share.kind.invalid') }) } });
    return false;
  }
  markSaved();
  setSession({ lessonStep: r.lab.step ?? 0, predictions: {}, lessonOpen: true, notice: null });
  const s = labStore.getState().scenario.current!;
  const req = typeof r.lab.request === 'string' ? savedRequest(s, r.lab.request) : (r.lab.request ?? null);
  if (req) {
    const send = r.lab.send;
    const sent = send ? { ...req, cookieJar: send.cookieJar } : req;
    // The composer shows the request the link sent, ready to send again.
    const headerText = Object.entries(sent.headers).map(([k, v]) => `${k}: ${v}`).join('\n');
    labStore.getState().setComposer({ request: sent, headerText, repeat: send?.repeat ?? 1 });
    labStore.getState().sendRequest(sent, { repeat: send?.repeat ?? 1 });
    if (send && send.run > 0) labStore.getState().showRun(send.run);
    // The moment the sharer was looking at: that hop, paused (seek stops playing).
    if (r.lab.hop !== undefined) labStore.getState().seek(r.lab.hop);
  }
  return true;
}

/** The address without its fragment: what the page shows when the fragment named nothing it could open. */
function clearFragment() {
  history.replaceState(null, '', `${location.pathname}${location.search}`);
}

/** A fragment as typed, short enough for a notice. */
const shown = (fragment: string) => (fragment.length > 80 ? `${fragment.slice(0, 80)}…` : fragment);

/**
 * Opens a built-in lesson at `step` (0-based). A step it does not have (`badStep` as typed, or past
 * its last) opens the nearest one, says so, and the address is corrected to the step shown.
 */
export async function openLesson(id: string, step = 0, badStep?: string): Promise<boolean> {
  const file = await builtinText(id);
  if (!file) {
    setSession({ notice: { kind: 'error', text: t('gallery.unknown', { id }) } });
    clearFragment();
    return false;
  }
  const ok = labStore.getState().openFiles([file]);
  if (ok) {
    markSaved();
    const steps = labStore.getState().scenario.current?.lesson.length ?? 0;
    const at = Math.max(0, Math.min(step, steps - 1));
    const asked = badStep ?? (at !== step ? String(step + 1) : undefined);
    const text = asked === undefined ? null : t('route.lessonStep', { asked, count: steps, shown: at + 1 });
    const notice = text === null ? null : { kind: 'info' as const, text };
    setSession({ lessonStep: at, predictions: {}, lessonOpen: true, overlay: null, notice });
    if (asked !== undefined) writeLessonStep(at);
  }
  return ok;
}

/** Opens what the URL names; false when it names nothing (or failed), so the caller opens the default. */
export async function openRoute(hash: string): Promise<boolean> {
  const route = parseRoute(hash);
  switch (route.kind) {
    case 'share':
      return openShareLink(route.fragment);
    case 'lesson':
      return openLesson(route.id, route.step, route.badStep);
    case 'gallery':
      setSession({ overlay: 'gallery' });
      return false;
    case 'none':
      return false;
    case 'unusable':
      // The default lab opens instead: said, and the address shows what is open.
      setSession({ notice: { kind: 'info', text: t('route.unusable', { fragment: shown(route.fragment) }) } });
      clearFragment();
      return false;
  }
}

function readAutosave(): Session['restore'] {
  try {
    const raw = storage()?.getItem(AUTOSAVE_KEY);
    if (!raw) return null;
    const v = JSON.parse(raw) as { text?: unknown; savedAt?: unknown; title?: unknown };
    if (typeof v.text !== 'string' || typeof v.savedAt !== 'number') return null;
    return { text: v.text, savedAt: v.savedAt, title: typeof v.title === 'string' ? v.title : '' };
  } catch {
    return null;
  }
}

export function clearAutosave() {
  try {
    storage()?.removeItem(AUTOSAVE_KEY);
  } catch {
    /* storage may be unavailable (private mode); nothing to clear */
  }
}

export function restoreAutosave(): boolean {
  const r = session.getState().restore;
  if (!r) return false;
  const ok = labStore.getState().openFiles([{ name: 'autosave.json', text: r.text }]);
  // The restored lab is still unsaved work: no new baseline.
  setSession({ restore: null, lessonStep: 0, predictions: {} });
  return ok;
}

export const isDirty = () => {
  const current = labStore.getState().scenario.current;
  return current !== null && current !== session.getState().baseline && labStore.getState().scenario.past.length > 0;
};

/** Autosave (debounced) while there is unsaved work; the beforeunload warning while there is. */
function watch() {
  let timer: ReturnType<typeof setTimeout> | null = null;
  labStore.subscribe((s, prev) => {
    // Undo or Redo swapped the lab for another: the address no longer names it, nor its lesson step.
    if (s.scenario.swaps !== prev.scenario.swaps) {
      clearFragment();
      setSession({ lessonStep: 0, predictions: {}, lessonOpen: true, notice: null });
    }
    if (s.scenario.current === prev.scenario.current) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      const current = labStore.getState().scenario.current;
      if (!current || !isDirty()) {
        if (current === session.getState().baseline) clearAutosave();
        return;
      }
      try {
        storage()?.setItem(AUTOSAVE_KEY, JSON.stringify({ savedAt: Date.now(), title: current.meta.title ?? '', text: JSON.stringify(current) }));
      } catch {
        /* full or unavailable storage: the lab keeps working, only without autosave */
      }
    }, 400);
  });
  window.addEventListener('beforeunload', (e) => {
    if (!isDirty()) return;
    e.preventDefault();
    e.returnValue = '';
  });
  window.addEventListener('hashchange', () => {
    const route = parseRoute(location.hash);
    if (route.kind === 'share' || route.kind === 'lesson') void openRoute(location.hash);
    else if (route.kind === 'gallery') setSession({ overlay: 'gallery' });
    else if (route.kind === 'unusable') {
      // Typed into the address bar over an open lab: the lab stays, and the address says so again.
      setSession({ notice: { kind: 'info', text: t('route.unusableOpen', { fragment: shown(route.fragment) }) } });
      clearFragment();
    }
  });
}

/** Called once the engines are installed: the URL's lab, else the default one (and an autosave offer). */
export async function startLab(defaultFile: { name: string; text: string }) {
  const restore = readAutosave();
  const opened = await openRoute(location.hash);
  if (!opened) {
    labStore.getState().openFiles([defaultFile]);
    markSaved();
  }
  // A file the user opened while the engines loaded is newer than the URL: it opens now, over the
  // lab just opened (which stays open if the file fails or waits in the partial-load dialog).
  labStore.getState().openQueuedLoad();
  // Offered whatever the URL opened: a reload of a link or lesson after edits still gets them back.
  if (restore) setSession({ restore });
  watch();
}
