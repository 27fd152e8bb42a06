// Module-scope selectors: stable function identities, so components re-render only when the
// little they draw changes. Derived arrays go through useShallow at the call site.

import { labClients } from '../sim/clients';
import type { Lang, LabState } from './store';
import type { Scenario, SourceFile } from './types';

export const selectScenario = (s: LabState) => s.scenario.current;
export const selectCluster = (s: LabState) => s.lab?.cluster ?? null;
export const selectLabStatus = (s: LabState) => s.lab?.status ?? 'empty';
/**
 * The lab's outside clients: the default one on the Internet, then the scenario's (lab derivation,
 * src/sim/clients.ts).
 */
export const selectClients = (s: LabState) => {
  const declared = s.scenario.current?.clients;
  return declared ? labClients(declared) : undefined;
};
/** Only the clients the scenario itself declares (what the client editor changes). */
export const selectScenarioClients = (s: LabState) => s.scenario.current?.clients;
export const selectComposer = (s: LabState) => s.composer;
export const selectRuns = (s: LabState) => s.playback.runs;
export const selectRunIndex = (s: LabState) => s.playback.run;
export const selectRequests = (s: LabState) => s.scenario.current?.requests;
export const selectLoadReport = (s: LabState) => s.loadReport;
export const selectSelection = (s: LabState) => s.ui.selection;
export const selectLang = (s: LabState) => s.ui.lang;
export const selectTheme = (s: LabState) => s.ui.theme;
export const selectPresenter = (s: LabState) => s.ui.presenter;
export const selectPanels = (s: LabState) => s.ui.panels;
export const selectTrace = (s: LabState) => s.playback.trace;
export const selectHopIndex = (s: LabState) => s.playback.hop;
export const selectPlaying = (s: LabState) => s.playback.playing;
export const selectSpeed = (s: LabState) => s.playback.speed;
export const selectTraceStatus = (s: LabState) => s.playback.status;
export const selectCurrentHop = (s: LabState) => s.playback.trace?.hops[s.playback.hop] ?? null;
export const selectHopCount = (s: LabState) => s.playback.trace?.hops.length ?? 0;
export const selectCanUndo = (s: LabState) => s.scenario.past.length > 0 || s.scenario.replaced.length > 0;
export const selectCanRedo = (s: LabState) => s.scenario.future.length > 0 || s.scenario.reopen.length > 0;
/** The title of the lab Undo would bring back (no edit left to undo, an open to undo), else null. */
export const selectUndoOpenTitle = (s: LabState) => {
  const lab = s.scenario.past.length === 0 ? s.scenario.replaced[s.scenario.replaced.length - 1] : undefined;
  return lab ? labTitle(lab.scenario, lab.sources, s.ui.lang) : null;
};
/** The title of the lab Redo would open again (no undone edit left to redo), else null. */
export const selectRedoOpenTitle = (s: LabState) => {
  const lab = s.scenario.future.length === 0 ? s.scenario.reopen[s.scenario.reopen.length - 1] : undefined;
  return lab ? labTitle(lab.scenario, lab.sources, s.ui.lang) : null;
};
export const selectSideTab = (s: LabState) => s.ui.sideTab;
export const selectArtifactsOpen = (s: LabState) => s.ui.panels.artifacts;
/** The scenario's title in the UI language (meta.zh.title in Chinese), else the file names. */
export const selectScenarioTitle = (s: LabState) => labTitle(s.scenario.current, s.scenario.sources, s.ui.lang);

/** A lab's title in the page's language, else the names of the files it was opened from. */
function labTitle(scenario: Scenario | null, sources: readonly SourceFile[], lang: Lang): string {
  const meta = scenario?.meta;
  const title = (lang === 'zh' ? meta?.zh?.title : undefined) ?? meta?.title;
  return title ?? sources.map((f) => f.name).join(', ');
}
export const selectTracerReady = (s: LabState) => s.engines.trace;
/**
 * An engine as the UI should speak of it: `ready`, still `loading` (its chunk is on its way), or
 * `missing` (not in this build, or its download failed: the page offers Retry then).
 */
export type EngineState = 'ready' | 'loading' | 'missing';
export const selectEngineState = (name: keyof LabState['engines']) => (s: LabState): EngineState =>
  s.engines[name] ? 'ready' : s.enginesLoad === 'loading' ? 'loading' : 'missing';
export const selectTracerState = selectEngineState('trace');
export const selectCompilerState = selectEngineState('compile');
const NO_PROBLEMS: readonly never[] = [];
export const selectApiRejections = (s: LabState) => s.lab?.problems ?? NO_PROBLEMS;
/** The mode kube-proxy runs in now (the scenario's, or the last edit's). */
export const selectKubernetesVersion = (s: LabState) =>
  s.lab?.cluster.settings.kubernetesVersion ?? s.scenario.current?.settings.kubernetesVersion;
export const selectProxyMode = (s: LabState) =>
  s.lab?.cluster.settings.kubeProxy.mode ?? s.scenario.current?.settings.kubeProxy.mode;
