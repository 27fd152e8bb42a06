// One store in slices (zustand's slices pattern), immer as the only middleware, at the root.
// Slices: scenario (what was loaded, and its edit history), lab (derived, memoised on the
// scenario's identity), playback (the current trace and hop) and ui (selection, panels,
// language, theme, presenter mode). Per-frame animation never goes through here: the canvas
// animates with refs and reads only the hop index and `playing` from the store.

import { applyPatches, type Draft } from 'immer';
import { createStore, type StateCreator, type StoreApi } from 'zustand/vanilla';
import { immer } from 'zustand/middleware/immer';
import type { TraceResult } from '../sim';
import { newProblems, rejectionText } from '../sim/shell/changes';
import { locateRefusals, skippedObjectRefusal, type LocatedRefusal } from '../scenario/refusals';
import { runCommand, type HistoryEntry, type ScenarioCommand } from './commands';
import { deriveEditedLab, deriveLab, type DerivedLab } from './lab';
import type { Engines, LoadProblem, LoadResult, RequestIssue, Scenario, SourceFile, TraceRequest } from './types';
import type { Inference } from '../scenario';

export type Lang = 'en' | 'zh';
export type ThemePref = 'system' | 'light' | 'dark';

/** Anything the canvas can draw and the inspector can open. Ids are the canvas ids (see ui/canvas/topology). */
export type SelectionKind = 'node' | 'pod' | 'service' | 'client' | 'load-balancer';
export interface Selection {
  kind: SelectionKind;
  id: string;
}

export type PanelId = 'composer' | 'events' | 'artifacts' | 'inspector';
/** The side panel's tabs. */
export type SideTab = 'request' | 'hop' | 'object' | 'events' | 'distribution' | 'ab';

// ------------------------------------------------------------------ slices

/** A lab as the history keeps it when opening files replaces it: Undo with no edit left brings it back. */
export interface ReplacedLab {
  scenario: Scenario;
  sources: SourceFile[];
  /** Its edits (Undo goes on through them once it is back); what was undone before the open is dropped. */
  past: HistoryEntry[];
  future: HistoryEntry[];
  composer: ComposerDraft | null;
}

/** The labs an Undo can go back to (opened files replace labs, and each one kept costs its scenario). */
export const MAX_REPLACED_LABS = 10;

export interface ScenarioSlice {
  scenario: {
    current: Scenario | null;
    sources: SourceFile[];
    /** The open lab's edits, undone last first, and the edits undone (redone last first). */
    past: HistoryEntry[];
    future: HistoryEntry[];
    /** The labs opening files replaced, the last most recent: Undo brings it back once `past` is empty. */
    replaced: ReplacedLab[];
    /** The labs an Undo left for a replaced one: Redo opens the last again once `future` is empty. */
    reopen: ReplacedLab[];
    /** How many times Undo or Redo has swapped the lab for another (the page resets what named the old one). */
    swaps: number;
  };
  /** The apiserver's refusal of the last command, as kubectl prints it; null when it was applied. */
  editRefusal: string[] | null;
  /** The outcome of the last open attempt; `applied: false` means what was open stayed open. */
  /**
   * `unavailable` with `loading`: the loader is still downloading and the files wait in `queuedLoad`;
   * with `queued` and not `loading`: the download failed, the files are kept for the Retry.
   */
  loadReport: {
    files: string[];
    problems: LoadProblem[];
    applied: boolean;
    unavailable?: boolean;
    loading?: boolean;
    queued?: boolean;
    inferred?: Inference[];
  } | null;
  /**
   * Opens files. With `ask`, a file whose objects parse but some of which the apiserver refuses
   * does not replace the lab: it waits in `pendingLoad` until the user chooses (false is returned).
   * While the engines are still on their way (or failed and may be retried), the files wait in
   * `queuedLoad` (the last opened wins) and false is returned.
   */
  openFiles(files: readonly SourceFile[], options?: OpenOptions): boolean;
  /** Files opened before the engines arrived, opened by `openQueuedLoad` once they have. */
  queuedLoad: { files: SourceFile[]; options: OpenOptions } | null;
  /** Opens the queued files, if any (the start-up calls it after the lab the URL names). */
  openQueuedLoad(): boolean;
  dismissLoadReport(): void;
  /** Replaces the lab with a loaded scenario (fresh history, playback reset). */
  /** `inferred`: what the loader inferred from a cluster snapshot, shown in the load report. */
  applyLoad(
    files: readonly SourceFile[],
    scenario: Scenario,
    problems: readonly LoadProblem[],
    lab?: DerivedLab | null,
    inferred?: readonly Inference[],
  ): void;
  /** A load that waits for the user: its objects parsed but the apiserver refused some of them. */
  pendingLoad: PendingLoad | null;
  /**
   * "open without these objects" (`open`) or "keep the current lab" (`keep`). With every object
   * refused, `open` keeps the current lab too: it never replaces the lab with an empty one.
   */
  resolvePendingLoad(choice: 'open' | 'keep'): void;
  /**
   * Wires in engines that load later (the loader and the simulation are split out of the initial
   * bundle) and derives the lab again with them.
   */
  installEngines(engines: Engines): void;
  /** Which engines are wired in, for "not yet available" states. */
  engines: Record<keyof Engines, boolean>;
  /**
   * Whether the engines that load later are still on their way (`loading`), have arrived or were
   * never coming (`settled`), or failed to download (`failed`, the page offers Retry). A missing
   * engine while `loading` is "loading", not "not available".
   */
  enginesLoad: EnginesLoad;
  setEnginesLoad(state: EnginesLoad): void;
  run(command: ScenarioCommand): void;
  undo(): void;
  redo(): void;
}

export type EnginesLoad = 'loading' | 'settled' | 'failed';
export interface OpenOptions {
  ask?: boolean;
}

export interface PendingLoad {
  files: string[];
  sources: SourceFile[];
  scenario: Scenario;
  /** The loader's own problems (warnings only: its errors are skipped objects, listed in `refusals`). */
  problems: LoadProblem[];
  /** Each refusal with file:line:col and the scenario object it refused. */
  refusals: LocatedRefusal[];
  /** What the loader inferred from a cluster snapshot. */
  inferred: Inference[];
}

export interface LabSlice {
  lab: DerivedLab | null;
}

export type TraceStatus =
  | { kind: 'idle' }
  | { kind: 'unavailable' }
  | { kind: 'error'; message: string }
  | { kind: 'done' };

/** What the composer holds while the user writes a request: kept per scenario, across Send and tab switches. */
export interface ComposerDraft {
  request: TraceRequest;
  /** The headers as typed (one `Name: value` per line), parsed on Send. */
  headerText: string;
  /** Send the request this many times in a row (one session: kube-proxy's state and the cookie jar carry on). */
  repeat: number;
  /** The count as typed while it is not one Send can use ("", "1.5", "0"): shown with its error, and Send
   *  waits; absent when `repeat` is what the field shows. */
  repeatText?: string;
}

/** The most requests one Send repeats (each is kept, hop by hop, to be shown). */
export const MAX_REPEAT = 50;

export interface PlaybackSlice {
  playback: {
    trace: TraceResult | null;
    request: TraceRequest | null;
    /** Every result of the last Send (one per repeat), in order; `trace` is runs[run]. */
    runs: TraceResult[];
    run: number;
    status: TraceStatus;
    hop: number;
    playing: boolean;
    speed: number;
    artifact: string | null;
  };
  /** The composer's draft for the open scenario; null until the user (or the scenario's own request) fills it. */
  composer: ComposerDraft | null;
  setComposer(draft: ComposerDraft | null): void;
  /**
   * Problems with a request in the current lab (an unknown client, pod, node or connect target);
   * [] without a checker.
   */
  checkRequest(request: Pick<TraceRequest, 'from' | 'url' | 'connect'>): readonly RequestIssue[];
  /** Walks the request (`repeat` times in a row, default 1) and shows the first result. */
  sendRequest(request: TraceRequest, options?: { repeat?: number }): void;
  /** Shows one result of the last Send, hop by hop. */
  showRun(index: number): void;
  /** For lessons and the test harness: show a trace the tracer produced elsewhere. */
  showTrace(trace: TraceResult | null): void;
  /** Show one artifact (by id) in the viewer, e.g. from a hop's reference. */
  openArtifact(id: string | null): void;
  play(): void;
  pause(): void;
  togglePlay(): void;
  step(delta: number): void;
  seek(hop: number): void;
  reset(): void;
  setSpeed(speed: number): void;
}

export interface UiSlice {
  ui: {
    selection: Selection | null;
    panels: Record<PanelId, boolean>;
    sideTab: SideTab;
    lang: Lang;
    theme: ThemePref;
    presenter: boolean;
  };
  setSideTab(tab: SideTab): void;
  select(selection: Selection | null): void;
  togglePanel(panel: PanelId, open?: boolean): void;
  setLang(lang: Lang): void;
  setTheme(theme: ThemePref): void;
  setPresenter(on: boolean): void;
}

export type LabState = ScenarioSlice & LabSlice & PlaybackSlice & UiSlice;
type Slice<T> = StateCreator<LabState, [['zustand/immer', never]], [], T>;

export const SPEEDS = [0.5, 1, 2, 4] as const;

// Frozen scenario values go into the draft as they are: immer keeps frozen subtrees by reference.
const put = <T>(v: T) => v as Draft<T>;

function resetPlayback(s: Draft<LabState>) {
  s.playback.trace = null;
  s.playback.runs = [];
  s.playback.run = 0;
  s.playback.request = null;
  s.playback.status = { kind: 'idle' };
  s.playback.hop = 0;
  s.playback.playing = false;
}

// ------------------------------------------------------------------ the scenario slice
// Four concerns, each its own part below: opening files (and the report of the last attempt), loads
// that wait (for the user's choice, or for the engines), the engines themselves, and edits with
// their history.

const scenarioSlice =
  (engines: () => Engines, installed: (e: Engines) => void, enginesLoad: EnginesLoad): Slice<ScenarioSlice> =>
  (...a) => ({
    ...historySlice(engines)(...a),
    ...openSlice(engines)(...a),
    ...waitingLoadSlice(engines)(...a),
    ...enginesSlice(engines, installed, enginesLoad)(...a),
  });

type OpenSlice = Pick<ScenarioSlice, 'loadReport' | 'openFiles' | 'applyLoad' | 'dismissLoadReport'>;

/** Opening files: run the loader, then replace the lab, ask first, or report why nothing changed. */
const openSlice =
  (engines: () => Engines): Slice<OpenSlice> =>
  (set, get) => ({
    loadReport: null,
    openFiles(files, options) {
      const names = files.map((f) => f.name);
      const load = engines().loadScenarioFiles;
      if (!load) {
        set((s) => queueFiles(s, files, options));
        return false;
      }
      const result = runLoader(load, files);
      // Objects of a kind the cluster does not serve are skipped, the rest loads (as kubectl apply
      // does): asked about like the apiserver's refusals. Any other error keeps the lab as it was.
      const skipped = result.problems.flatMap((p) => skippedObjectRefusal(p) ?? []);
      const errors = result.problems.filter((p) => p.severity === 'error').length;
      const asking = Boolean(options?.ask && get().scenario.current);
      if (!result.ok || errors > (asking ? skipped.length : 0)) {
        // Nothing the user had open is lost by a failed load (ARCHITECTURE: forgiving loader).
        const problems = [...result.problems, ...refusalsOfFailedLoad(result, engines().reconcile)];
        set((s) => {
          s.loadReport = { files: names, problems: put(problems), applied: false };
        });
        return false;
      }
      const { scenario } = result;
      const lab = deriveLab(scenario, engines());
      if (asking && (skipped.length > 0 || (lab && lab.problems.length > 0))) {
        const pending = pendingLoadOf(files, result, lab, skipped);
        set((s) => {
          s.pendingLoad = put(pending);
        });
        return false;
      }
      get().applyLoad(files, scenario, result.problems, lab, result.inferred ?? []);
      return true;
    },
    applyLoad(files, scenario, problems, derived, inferred = []) {
      const lab = derived ?? deriveLab(scenario, engines());
      // The lab open now is kept whole, so that Undo can bring it back (nothing the user had is lost).
      const { scenario: was, composer } = get();
      const replaced = was.current
        ? [...was.replaced, leaving(was, composer, [])].slice(-MAX_REPLACED_LABS)
        : was.replaced;
      set((s) => {
        s.scenario = {
          current: put(scenario), sources: [...files], past: [], future: [], replaced: put(replaced), reopen: [],
          swaps: s.scenario.swaps,
        };
        s.lab = put(lab);
        s.loadReport = appliedReport(files, problems, inferred);
        s.pendingLoad = null;
        s.ui.selection = null;
        // Another scenario: what was typed for the last one (its clients, URL, connect target) goes.
        s.composer = null;
        resetPlayback(s);
      });
    },
    dismissLoadReport() {
      set((s) => {
        s.loadReport = null;
      });
    },
  });

/**
 * Files opened while the loader is missing: when it is on its way (or to be retried), the files wait
 * for it instead of being dropped.
 */
function queueFiles(s: Draft<LabState>, files: readonly SourceFile[], options: OpenOptions | undefined) {
  const waits = s.enginesLoad !== 'settled';
  if (waits) s.queuedLoad = { files: put(files.map((f) => ({ ...f }))), options: { ...options } };
  s.loadReport = queuedReport(files.map((f) => f.name), s.enginesLoad);
}

/** The loader's result; a loader that throws is reported as an internal problem of these files. */
function runLoader(load: NonNullable<Engines['loadScenarioFiles']>, files: readonly SourceFile[]): LoadResult {
  try {
    return load(files);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    const file = files.map((f) => f.name).join(', ');
    // The note is written out (not `noted`) so the store does not pull the loader's text table in.
    const note = { key: 'problem.loaderFailed' as const, params: { detail: message } };
    const problem = { kind: 'internal' as const, severity: 'error' as const, file, path: '', message, note };
    return { ok: false as const, problems: [problem] };
  }
}

/**
 * A load with errors whose other objects parsed: what the apiserver would refuse of those, located
 * in the files, so the report lists every error at once (as `netlab validate` does), not only the
 * loader's.
 */
function refusalsOfFailedLoad(result: LoadResult, reconcile: Engines['reconcile']): LoadProblem[] {
  if (!result.ok || !reconcile) return [];
  const { scenario, sources } = result;
  const { problems } = reconcile({ settings: scenario.settings, objects: scenario.objects, edits: scenario.edits });
  return locateRefusals({ refusals: problems, objects: scenario.objects, sources }).map((r) => r.problem);
}

/** A load that parsed but some of whose objects the apiserver refuses: it waits for the user. */
function pendingLoadOf(
  files: readonly SourceFile[],
  result: LoadResult & { ok: true },
  lab: DerivedLab | null,
  skipped: readonly LocatedRefusal[],
): PendingLoad {
  // As `kubectl apply` would report them, located in the files; the lab open now stays open.
  const { scenario, sources } = result;
  const refused = locateRefusals({ refusals: lab?.problems ?? [], objects: scenario.objects, sources });
  const refusals = [...skipped, ...refused];
  return {
    files: files.map((f) => f.name),
    sources: [...files],
    scenario,
    // The skipped objects' errors are among the refusals; what stays is the loader's warnings.
    problems: result.problems.filter((p) => p.severity !== 'error'),
    refusals,
    inferred: [...(result.inferred ?? [])],
  };
}

export interface PendingLoadCounts {
  refused: number;
  total: number;
  problems: number;
  left: number;
}

/** The indexes of the scenario objects the apiserver refused (one object may have several problems). */
function refusedObjects(pending: PendingLoad): Set<number> {
  return new Set(pending.refusals.flatMap((r) => (r.objectIndex === undefined ? [] : [r.objectIndex])));
}

/**
 * A waiting load counted as the partial-load dialog says it: objects refused, of how many, the
 * problems the apiserver found in them, and the objects that would open ("open without these").
 */
export function pendingLoadCounts(pending: PendingLoad): PendingLoadCounts {
  const skipped = pending.refusals.filter((r) => r.skipped).length;
  const refused = refusedObjects(pending).size;
  const loaded = pending.scenario.objects.length;
  const problems = pending.refusals.length;
  return { refused: refused + skipped, total: loaded + skipped, problems, left: loaded - refused };
}

/** What an applied load reports: its warnings and inferences, or nothing when it had none. */
function appliedReport(
  files: readonly SourceFile[],
  problems: readonly LoadProblem[],
  inferred: readonly Inference[],
): Draft<ScenarioSlice['loadReport']> {
  if (problems.length === 0 && inferred.length === 0) return null;
  return { files: files.map((f) => f.name), problems: put([...problems]), applied: true, inferred: put([...inferred]) };
}

/** What opening files says while the loader is missing: waiting for it, kept for Retry, or not in this build. */
function queuedReport(files: string[], load: EnginesLoad): NonNullable<ScenarioSlice['loadReport']> {
  const base = { files, problems: [], applied: false, unavailable: true };
  return load === 'settled' ? base : { ...base, queued: true, ...(load === 'loading' && { loading: true }) };
}

type WaitingLoadSlice = Pick<ScenarioSlice, 'pendingLoad' | 'resolvePendingLoad' | 'queuedLoad' | 'openQueuedLoad'>;

/** Loads that wait: for the user's choice (`pendingLoad`) or for the engines (`queuedLoad`). */
const waitingLoadSlice =
  (engines: () => Engines): Slice<WaitingLoadSlice> =>
  (set, get) => ({
    pendingLoad: null,
    resolvePendingLoad(choice) {
      const pending = get().pendingLoad;
      if (!pending) return;
      if (choice === 'keep') {
        set((s) => {
          s.pendingLoad = null;
        });
        return;
      }
      const refused = refusedObjects(pending);
      const objects = pending.scenario.objects.filter((_, i) => !refused.has(i));
      // Every object refused: opening would replace the user's lab with an empty one, so it stays.
      if (objects.length === 0) {
        set((s) => {
          s.pendingLoad = null;
        });
        return;
      }
      get().applyLoad(pending.sources, { ...pending.scenario, objects }, pending.problems, undefined, pending.inferred);
    },
    queuedLoad: null,
    openQueuedLoad() {
      const queued = get().queuedLoad;
      if (!queued || !engines().loadScenarioFiles) return false;
      set((s) => {
        s.queuedLoad = null;
      });
      return get().openFiles(queued.files, queued.options);
    },
  });

const ENGINE_NAMES: (keyof Engines)[] = ['loadScenarioFiles', 'reconcile', 'compile', 'trace'];
const available = (e: Engines) =>
  Object.fromEntries(ENGINE_NAMES.map((k) => [k, Boolean(e[k])])) as Record<keyof Engines, boolean>;

type EnginesSlice = Pick<ScenarioSlice, 'engines' | 'enginesLoad' | 'setEnginesLoad' | 'installEngines'>;

/** The engines that load after first paint: which are there, whether more are coming, installing them. */
const enginesSlice =
  (engines: () => Engines, installed: (e: Engines) => void, enginesLoad: EnginesLoad): Slice<EnginesSlice> =>
  (set, get) => ({
    engines: available(engines()),
    enginesLoad,
    setEnginesLoad(state) {
      set((s) => {
        s.enginesLoad = state;
        // The queued files' report follows: waiting, or kept until Retry.
        if (s.queuedLoad && s.loadReport?.queued) s.loadReport = queuedReport(s.loadReport.files, state);
      });
    },
    installEngines(more) {
      installed(more);
      const current = get().scenario.current;
      const lab = deriveLab(current, engines());
      set((s) => {
        s.engines = available(engines());
        s.enginesLoad = 'settled';
        s.lab = put(lab);
      });
    },
  });

type HistorySlice = Pick<ScenarioSlice, 'scenario' | 'editRefusal' | 'run' | 'undo' | 'redo'>;

/** The open scenario and its edits: a command is applied (or refused), undone and redone by patches. */
const historySlice =
  (engines: () => Engines): Slice<HistorySlice> =>
  (set, get) => ({
    scenario: { current: null, sources: [], past: [], future: [], replaced: [], reopen: [], swaps: 0 },
    editRefusal: null,
    run(command) {
      const current = get().scenario.current;
      if (!current) return;
      const { next, entry } = runCommand(current, command);
      if (!entry) return;
      const lab = deriveEditedLab(next, engines(), get().lab);
      // As kubectl: a change the apiserver refuses changes nothing. (The console and the forms check
      // first and word the refusal themselves; this keeps any other caller from recording one.)
      const refused = newProblems(get().lab?.problems ?? [], lab?.problems ?? []);
      if (refused.length > 0) {
        set((s) => {
          s.editRefusal = refused.map(rejectionText);
        });
        return;
      }
      set((s) => {
        s.editRefusal = null;
        s.scenario.current = put(next);
        s.scenario.past.push(put(entry));
        s.scenario.future = [];
        s.scenario.reopen = [];
        s.lab = put(lab);
        resetPlayback(s);
      });
    },
    undo() {
      const { current, past } = get().scenario;
      const entry = past[past.length - 1];
      if (current && !entry) return swapLab(engines, set, get, 'back');
      if (!current || !entry) return;
      const prev = applyPatches(current, entry.inverse);
      const lab = deriveEditedLab(prev, engines(), get().lab);
      set((s) => {
        s.scenario.current = put(prev);
        s.scenario.past.pop();
        s.scenario.future.push(put(entry));
        s.lab = put(lab);
        resetPlayback(s);
      });
    },
    redo() {
      const { current, future } = get().scenario;
      const entry = future[future.length - 1];
      if (current && !entry) return swapLab(engines, set, get, 'forward');
      if (!current || !entry) return;
      const next = applyPatches(current, entry.patches);
      const lab = deriveEditedLab(next, engines(), get().lab);
      set((s) => {
        s.scenario.current = put(next);
        s.scenario.future.pop();
        s.scenario.past.push(put(entry));
        s.lab = put(lab);
        resetPlayback(s);
      });
    },
  });

/** The open lab as the history keeps it (`future`: its undone edits, [] when an open drops them). */
function leaving(was: ScenarioSlice['scenario'], composer: ComposerDraft | null, future: HistoryEntry[]): ReplacedLab {
  return { scenario: was.current!, sources: was.sources, past: was.past, future, composer };
}

/**
 * Undo of an open (`back`: the lab it replaced comes back as it was, edits and all, and the lab open
 * now waits for Redo) or its Redo (`forward`). Nothing to go to: nothing happens.
 */
function swapLab(
  engines: () => Engines,
  set: Parameters<Slice<HistorySlice>>[0],
  get: () => LabState,
  direction: 'back' | 'forward',
): void {
  const { scenario: was, composer } = get();
  const from = direction === 'back' ? was.replaced : was.reopen;
  const target = from[from.length - 1];
  if (!was.current || !target) return;
  const lab = deriveLab(target.scenario, engines());
  const left = leaving(was, composer, was.future);
  set((s) => {
    const sc = s.scenario;
    (direction === 'back' ? sc.replaced : sc.reopen).pop();
    (direction === 'back' ? sc.reopen : sc.replaced).push(put(left));
    sc.current = put(target.scenario);
    sc.sources = put(target.sources);
    sc.past = put(target.past);
    sc.future = put(target.future);
    sc.swaps++;
    s.composer = put(target.composer);
    s.lab = put(lab);
    s.loadReport = null;
    s.editRefusal = null;
    s.ui.selection = null;
    resetPlayback(s);
  });
}

const labSlice: Slice<LabSlice> = () => ({ lab: null });

// ------------------------------------------------------------------ the playback slice
// Two parts: what is shown (the request sent, its runs, the composer's draft, the artifact in the
// viewer) and the transport that moves through the hops (play, pause, step, seek, speed).

const playbackSlice =
  (engines: () => Engines): Slice<PlaybackSlice> =>
  (...a) => ({
    ...traceSlice(engines)(...a),
    ...transportSlice(...a),
  });

type TraceSlice = Omit<PlaybackSlice, keyof TransportSlice>;

/** Sending a request (checked against the lab, walked `repeat` times) and showing its results. */
const traceSlice =
  (engines: () => Engines): Slice<TraceSlice> =>
  (set, get) => ({
    playback: {
      trace: null,
      request: null,
      runs: [],
      run: 0,
      status: { kind: 'idle' },
      hop: 0,
      playing: false,
      speed: 1,
      artifact: null,
    },
    composer: null,
    setComposer(draft) {
      set((s) => {
        s.composer = draft;
      });
    },
    checkRequest(request) {
      const { scenario } = get();
      const check = engines().checkRequest;
      return check && scenario.current ? check({ scenario: scenario.current, request }) : [];
    },
    sendRequest(request, options = {}) {
      const { scenario, lab } = get();
      const trace = engines().trace;
      if (!trace) {
        set((s) => {
          s.playback.status = { kind: 'unavailable' };
        });
        return;
      }
      if (!scenario.current || !lab) return;
      const repeat = Math.max(1, Math.min(MAX_REPEAT, Math.floor(options.repeat ?? 1)));
      try {
        const runs: TraceResult[] = [];
        for (let i = 0; i < repeat; i++) {
          runs.push(trace({ scenario: scenario.current, cluster: lab.cluster, request }));
        }
        set((s) => showRuns(s, request, runs));
      } catch (e) {
        set((s) => {
          s.playback.status = { kind: 'error', message: e instanceof Error ? e.message : String(e) };
        });
      }
    },
    showRun(index) {
      set((s) => {
        const r = s.playback.runs[index];
        if (!r) return;
        s.playback.run = index;
        s.playback.trace = r;
        s.playback.hop = 0;
        s.playback.playing = r.hops.length > 1;
      });
    },
    showTrace(trace) {
      set((s) => {
        s.playback.runs = trace ? [put(trace)] : [];
        s.playback.run = 0;
        s.playback.trace = put(trace);
        s.playback.status = trace ? { kind: 'done' } : { kind: 'idle' };
        s.playback.hop = 0;
        s.playback.playing = false;
        if (trace) s.ui.sideTab = 'hop';
      });
    },
    openArtifact(id) {
      set((s) => {
        s.playback.artifact = id;
        if (id) s.ui.panels.artifacts = true;
      });
    },
  });

/** The results of one Send: the first is shown and plays when it has more than one hop. */
function showRuns(s: Draft<LabState>, request: TraceRequest, runs: TraceResult[]) {
  const result = runs[0]!;
  s.playback.trace = put(result);
  s.playback.runs = put(runs);
  s.playback.run = 0;
  s.playback.request = request;
  s.playback.status = { kind: 'done' };
  s.playback.hop = 0;
  s.playback.playing = result.hops.length > 1;
  s.ui.sideTab = 'hop';
}

/** The artifact viewer follows the hops: a hop with a deciding line shows its artifact; one without keeps the last. */
function followHop(s: Draft<LabState>) {
  const h = s.playback.trace?.hops[s.playback.hop];
  const deciding = h?.refs[h.refs.length - 1];
  if (deciding) s.playback.artifact = deciding.artifact;
}

function clampHop(trace: TraceResult | null, hop: number): number {
  const n = trace?.hops.length ?? 0;
  return n === 0 ? 0 : Math.max(0, Math.min(n - 1, hop));
}

type TransportSlice = Pick<PlaybackSlice, 'play' | 'pause' | 'togglePlay' | 'step' | 'seek' | 'reset' | 'setSpeed'>;

/** Moving through the shown trace's hops; the artifact viewer follows the hop. */
const transportSlice: Slice<TransportSlice> = (set, get) => ({
  play() {
    set((s) => {
      const n = s.playback.trace?.hops.length ?? 0;
      if (n === 0) return;
      if (s.playback.hop >= n - 1) s.playback.hop = 0;
      s.playback.playing = true;
    });
  },
  pause() {
    set((s) => {
      s.playback.playing = false;
    });
  },
  togglePlay() {
    if (get().playback.playing) get().pause();
    else get().play();
  },
  step(delta) {
    set((s) => {
      const hop = clampHop(s.playback.trace as TraceResult | null, s.playback.hop + delta);
      s.playback.hop = hop;
      const n = s.playback.trace?.hops.length ?? 0;
      // Playing stops at the last hop; a manual step pauses.
      if (delta !== 1 || hop >= n - 1) s.playback.playing = false;
      followHop(s);
    });
  },
  seek(hop) {
    set((s) => {
      s.playback.hop = clampHop(s.playback.trace as TraceResult | null, hop);
      s.playback.playing = false;
      followHop(s);
    });
  },
  reset() {
    set((s) => {
      s.playback.hop = 0;
      s.playback.playing = false;
      followHop(s);
    });
  },
  setSpeed(speed) {
    set((s) => {
      s.playback.speed = speed;
    });
  },
});

const uiSlice =
  (initial: Partial<UiSlice['ui']>): Slice<UiSlice> =>
  (set) => ({
    ui: {
      selection: null,
      panels: { composer: true, events: true, artifacts: false, inspector: true },
      sideTab: 'request',
      lang: 'en',
      theme: 'system',
      presenter: false,
      ...initial,
    },
    select(selection) {
      set((s) => {
        s.ui.selection = selection;
        if (selection) {
          s.ui.panels.inspector = true;
          s.ui.sideTab = 'object';
        }
      });
    },
    togglePanel(panel, open) {
      set((s) => {
        s.ui.panels[panel] = open ?? !s.ui.panels[panel];
      });
    },
    setSideTab(tab) {
      set((s) => {
        s.ui.sideTab = tab;
      });
    },
    setLang(lang) {
      set((s) => {
        s.ui.lang = lang;
      });
    },
    setTheme(theme) {
      set((s) => {
        s.ui.theme = theme;
      });
    },
    setPresenter(on) {
      set((s) => {
        s.ui.presenter = on;
      });
    },
  });

export interface CreateLabStoreOptions {
  engines?: Engines;
  /** More engines are on their way (installEngines): missing ones are "loading" until then. */
  enginesPending?: boolean;
  ui?: Partial<UiSlice['ui']>;
}

export type LabStore = StoreApi<LabState>;

export function createLabStore(options: CreateLabStoreOptions = {}): LabStore {
  const { engines: initial = {}, enginesPending = false, ui = {} } = options;
  // A new object on each install: the derived-lab memo is keyed on the engines' identity.
  let engines: Engines = { ...initial };
  const get = () => engines;
  const install = (more: Engines) => {
    engines = { ...engines, ...more };
  };
  return createStore<LabState>()(
    immer((...a) => ({
      ...scenarioSlice(get, install, enginesPending ? 'loading' : 'settled')(...a),
      ...labSlice(...a),
      ...playbackSlice(get)(...a),
      ...uiSlice(ui)(...a),
    })),
  );
}
