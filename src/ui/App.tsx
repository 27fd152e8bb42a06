import { Suspense, useEffect, useLayoutEffect, useRef, useState, type DragEvent, type ReactNode } from 'react';
import { PROXY_MODES, type ProxyMode } from '../sim/lab';
import { KUBERNETES_VERSIONS, LAST_USERSPACE_VERSION, modeStage } from '../sim/proxy/versions';
import {
  selectApiRejections,
  selectProxyMode,
  selectKubernetesVersion,
  selectArtifactsOpen,
  selectCanRedo,
  selectCanUndo,
  selectRedoOpenTitle,
  selectUndoOpenTitle,
  selectLabStatus,
  selectLang,
  selectPresenter,
  selectScenarioTitle,
  selectSideTab,
  selectTheme,
  type SideTab,
} from '../state';
import { labStore, useLab } from './app-store';
import { LabCanvas } from './canvas/LabCanvas';
import { openFileList } from './files';
import { LANGS, loadCatalog, useT, type Lang } from './i18n';
import { afterFirstCommit, firstPaint, loadLater } from './first-paint';
import { Playback, usePlaybackKeys, useStepInHash } from './panels/Playback';
import { OverflowToolbar } from './ToolbarOverflow';
import { applyDocumentSettings, useEffectiveTheme } from './theme';
import { IconChevron, IconRedo, IconUndo } from './icons';
import { lazyPart, PartBoundary } from './parts';
import { LanguageError, OfflineStatus, StartupError, UpdatePrompt } from './pwa-status';
// share branch: gallery, lessons, files, share links, console, edit forms (src/ui/share/Extras.tsx).
import { ExtrasOverlays, ExtrasStage, ExtrasToolbar } from './share/Extras';

const ArtifactViewer = lazyPart(() => import('./panels/ArtifactViewer'));
// The rest of the page arrives right after the first frame (./first-paint.ts, ./later.ts).
const Composer = lazyPart(() => loadLater().then((m) => ({ default: m.Composer })));
const HopInspector = lazyPart(() => loadLater().then((m) => ({ default: m.HopInspector })));
const Inspector = lazyPart(() => loadLater().then((m) => ({ default: m.Inspector })));
const EventList = lazyPart(() => loadLater().then((m) => ({ default: m.EventList })));
const LoadErrors = lazyPart(() => loadLater().then((m) => ({ default: m.LoadErrors })));
const PartialLoadDialog = lazyPart(() => loadLater().then((m) => ({ default: m.PartialLoadDialog })));
const ArtifactBanner = lazyPart(() => loadLater().then((m) => ({ default: m.ArtifactBanner })));
const Caption = lazyPart(() => loadLater().then((m) => ({ default: m.Caption })));
// Batch runs and A/B load with their tab: they bring the tracer's batch and compare code.
const DistributionPanel = lazyPart(() => import('./panels/DistributionPanel'));
const AbPanel = lazyPart(() => import('./panels/AbPanel'));
const TABS: SideTab[] = ['request', 'hop', 'object', 'events', 'distribution', 'ab'];

/** Applies the theme (following the system when asked) and the page language to <html>. */
function useDocumentSettings() {
  const lang = useLab(selectLang);
  const presenter = useLab(selectPresenter);
  const effective = useEffectiveTheme();
  // main.tsx wrote the first values before the first render: these only write changes.
  useEffect(() => applyDocumentSettings({ theme: effective }), [effective]);
  useEffect(() => applyDocumentSettings({ lang: lang === 'zh' ? 'zh-CN' : 'en' }), [lang]);
  useEffect(() => applyDocumentSettings({ presenter: presenter ? 'on' : 'off' }), [presenter]);
}

/** In presenter mode's one row the editing tools leave first; Lessons and Share stay longest. */
const TOOL_PRIORITIES = { 'open-console': 1, 'open-edit': 1, 'open-export': 1, 'open-paste': 1, 'open-share': 2.5, 'open-gallery': 3.5 };

/**
 * Whether a long list of options is drawn: a closed select shows only its chosen option, so the first
 * frame draws that one and the rest follow right after the first paint, or at once when the user
 * reaches the select before that (pointer, focus, key: React renders them before the browser acts).
 */
function useAllOptions(): [boolean, () => void] {
  const [all, setAll] = useState(false);
  useEffect(() => {
    let live = true;
    void firstPaint.then(() => live && setAll(true));
    return () => {
      live = false;
    };
  }, []);
  return [all, () => setAll(true)];
}

/**
 * The Kubernetes release and kube-proxy's mode: each mode says what this release offers
 * (SEMANTICS.md 5.1). Choosing userspace on a release without it runs 1.25, the last one with it,
 * and a badge says so.
 */
function VersionAndMode({ proxyMode }: { proxyMode: ProxyMode | undefined }) {
  const t = useT();
  const version = useLab(selectKubernetesVersion);
  const [allVersions, showVersions] = useAllOptions();
  const versions = [...new Set([...KUBERNETES_VERSIONS, ...(version ? [version] : [])])];
  const s = labStore.getState();
  const chooseMode = (mode: ProxyMode) => {
    if (version && mode === 'userspace' && modeStage('userspace', version) === 'removed') {
      s.run({ kind: 'batch', commands: [{ kind: 'set-kubernetes-version', version: LAST_USERSPACE_VERSION }, { kind: 'set-proxy-mode', mode }] });
    } else s.run({ kind: 'set-proxy-mode', mode });
  };
  return (
    <>
      {/* Compact for one toolbar row: each select names itself (its options, and its accessible name). */}
      <label
        className="select-inline k8s-version"
        data-overflow-priority="3.8"
        title={t('toolbar.kubernetesVersion.hint')}
      >
        <select
          value={version ?? ''}
          disabled={!version}
          onChange={(e) => s.run({ kind: 'set-kubernetes-version', version: e.target.value })}
          aria-label={t('toolbar.kubernetesVersion')}
          data-testid="kubernetes-version"
          onPointerDown={showVersions}
          onFocus={showVersions}
          onKeyDown={showVersions}
        >
          {(allVersions ? versions : [version ?? versions[0]!]).map((v) => (
            <option key={v} value={v}>
              {t('toolbar.kubernetesVersion.option', { version: v })}
            </option>
          ))}
        </select>
      </label>
      <label className="select-inline proxy-mode" data-overflow-priority="4.2" title={t('toolbar.proxyMode')}>
        <select
          value={proxyMode ?? ''}
          disabled={!proxyMode}
          onChange={(e) => chooseMode(e.target.value as ProxyMode)}
          aria-label={t('toolbar.proxyMode')}
          data-testid="proxy-mode"
        >
          {PROXY_MODES.map((m) => (
            <option key={m} value={m}>
              {t(`mode.option.${version ? modeStage(m, version) : 'ga'}`, { mode: m, version: version ?? '' })}
            </option>
          ))}
        </select>
      </label>
      {proxyMode === 'userspace' && version === LAST_USERSPACE_VERSION && (
        <span className="status-note" data-testid="userspace-badge">
          {t('toolbar.userspaceBadge', { version })}
        </span>
      )}
    </>
  );
}

function TopBar() {
  const t = useT();
  const title = useLab(selectScenarioTitle);
  const status = useLab(selectLabStatus);
  const rejected = useLab(selectApiRejections).length;
  return (
    <header className="topbar">
      <div className="brand">
        <h1>{t('app.title')}</h1>
        <span className="tagline">{t('app.tagline')}</span>
      </div>
      <div className="scenario-title" data-testid="scenario-title">
        {title && <span className="mono">{title}</span>}
        {rejected > 0 && (
          <button
            type="button"
            className="status-note status-error"
            onClick={() => labStore.getState().setSideTab('events')}
            data-testid="lab-rejected"
          >
            {t('lab.rejected', { count: rejected })}
          </button>
        )}
        {status === 'as-written' && (
          <span className="status-note" title={t('lab.asWritten.hint')} data-testid="lab-as-written">
            {t('lab.asWritten')}
          </span>
        )}
        <OfflineStatus />
      </div>
      <Toolbar />
    </header>
  );
}

/** The tools: open a file, the extras (lessons, paste, export, edit, console, share), undo and redo,
 *  Kubernetes version and kube-proxy mode, language, theme, presenter mode. */
function Toolbar() {
  const t = useT();
  const presenter = useLab(selectPresenter);
  const proxyMode = useLab(selectProxyMode);
  const picker = useRef<HTMLInputElement>(null);
  const s = labStore.getState();
  return (
    <OverflowToolbar oneRow={presenter} label={t('toolbar.aria')} priorities={TOOL_PRIORITIES}>
      <button
        type="button"
        className="btn"
        onClick={() => picker.current?.click()}
        data-testid="open-file"
        data-overflow-priority="3"
      >
        {t('toolbar.open')}
      </button>
      <input
        ref={picker}
        type="file"
        multiple
        accept=".json,.yaml,.yml,application/json,application/yaml,text/yaml"
        hidden
        data-testid="file-input"
        onChange={(e) => {
          void openFileList(e.target.files);
          e.target.value = '';
        }}
      />
      <ExtrasToolbar />
      <UndoRedo />
      <VersionAndMode proxyMode={proxyMode} />
      <LanguageAndTheme />
      <button
        type="button"
        className={`btn${presenter ? ' is-on' : ''}`}
        aria-pressed={presenter}
        onClick={() => s.setPresenter(!presenter)}
        data-testid="presenter-toggle"
        data-overflow-priority="keep"
      >
        {t('toolbar.presenter')}
      </button>
    </OverflowToolbar>
  );
}

/** Undo and redo of the last edit (Ctrl/Cmd+Z, Ctrl/Cmd+Shift+Z). */
function UndoRedo() {
  const t = useT();
  const canUndo = useLab(selectCanUndo);
  const canRedo = useLab(selectCanRedo);
  // With no edit left, Undo goes back to the lab an open replaced: the button says which.
  const undoOpen = useLab(selectUndoOpenTitle);
  const redoOpen = useLab(selectRedoOpenTitle);
  const undoLabel = undoOpen === null ? t('toolbar.undo') : t('toolbar.undoOpen', { title: undoOpen });
  const redoLabel = redoOpen === null ? t('toolbar.redo') : t('toolbar.redoOpen', { title: redoOpen });
  const s = labStore.getState();
  return (
    <>
      <button
        type="button"
        className="btn btn-icon"
        data-overflow-priority="2"
        onClick={() => s.undo()}
        disabled={!canUndo}
        aria-label={undoLabel}
        title={undoLabel}
      >
        <IconUndo />
      </button>
      <button
        type="button"
        className="btn btn-icon"
        data-overflow-priority="2"
        onClick={() => s.redo()}
        disabled={!canRedo}
        aria-label={redoLabel}
        title={redoLabel}
      >
        <IconRedo />
      </button>
    </>
  );
}

/** The page's language and theme (kept as preferences). */
function LanguageAndTheme() {
  const t = useT();
  const lang = useLab(selectLang);
  const theme = useLab(selectTheme);
  const s = labStore.getState();
  const chosen = useRef(lang);
  // A catalog not downloaded yet (../i18n/catalogs.ts) is loaded first, so that the whole page
  // switches at once; the last choice wins over one still loading.
  const switchLang = (to: Lang) => {
    chosen.current = to;
    const set = () => chosen.current === to && s.setLang(to);
    // A failed download is reported on the page (pwa-status.tsx) and the choice is kept: English until Retry.
    loadCatalog(to).then(set, set);
  };
  return (
    <>
      <label className="select-inline lang-choice" data-overflow-priority="5">
        <select
          value={lang}
          onChange={(e) => switchLang(e.target.value as Lang)}
          aria-label={t('toolbar.language')}
          data-testid="lang-select"
        >
          {LANGS.map((l) => (
            <option key={l} value={l}>
              {t(`lang.${l}`)}
            </option>
          ))}
        </select>
      </label>
      <label className="select-inline" data-overflow-priority="3">
        <select
          value={theme}
          onChange={(e) => s.setTheme(e.target.value as typeof theme)}
          aria-label={t('toolbar.theme')}
          data-testid="theme-select"
        >
          <option value="system">{t('theme.system')}</option>
          <option value="light">{t('theme.light')}</option>
          <option value="dark">{t('theme.dark')}</option>
        </select>
      </label>
    </>
  );
}

/** A part of the page that arrives after the first frame: `fallback` in its place until then. */
function Later({ part, fallback = null, children }: { part?: string; fallback?: ReactNode; children: ReactNode }) {
  return (
    <PartBoundary part={part}>
      <Suspense fallback={fallback}>{children}</Suspense>
    </PartBoundary>
  );
}

function SidePanel() {
  const t = useT();
  const tab = useLab(selectSideTab);
  const loading = <p className="muted panel-hint" data-testid="side-loading">{t('app.loading')}</p>;
  const body = {
    request: <Composer />,
    hop: <HopInspector />,
    object: <Inspector />,
    events: <EventList />,
    distribution: <PartBoundary part={t('side.distribution')}><Suspense fallback={<p className="muted panel-hint">{t('app.loading')}</p>}><DistributionPanel /></Suspense></PartBoundary>,
    ab: <PartBoundary part={t('side.ab')}><Suspense fallback={<p className="muted panel-hint">{t('app.loading')}</p>}><AbPanel /></Suspense></PartBoundary>,
  }[tab];
  return (
    <aside className="sidebar" aria-label={t('side.aria')}>
      <div className="tabs" role="tablist">
        {TABS.map((x) => (
          <button
            key={x}
            type="button"
            role="tab"
            id={`tab-${x}`}
            aria-selected={tab === x}
            aria-controls="side-body"
            className="tab"
            onClick={() => labStore.getState().setSideTab(x)}
            data-testid={`tab-${x}`}
          >
            {t(`side.${x}`)}
          </button>
        ))}
      </div>
      <div className="side-body" id="side-body" role="tabpanel" aria-labelledby={`tab-${tab}`}>
        {/* Until the rest of the page has arrived (after the first frame), the tab says it is loading. */}
        <Later part={t(`side.${tab}`)} fallback={loading}>
          {body}
        </Later>
      </div>
    </aside>
  );
}

function ArtifactDrawer() {
  const t = useT();
  const open = useLab(selectArtifactsOpen);
  return (
    <section className={`drawer${open ? ' is-open' : ''}`} aria-label={t('artifacts.title')}>
      <button
        type="button"
        className="drawer-toggle"
        aria-expanded={open}
        onClick={() => labStore.getState().togglePanel('artifacts')}
        data-testid="artifacts-toggle"
      >
        <IconChevron open={open} /> {t('artifacts.title')}
      </button>
      {open && (
        <Later>
          <ArtifactBanner />
        </Later>
      )}
      {open && (
        <PartBoundary part={t('artifacts.title')}>
          <Suspense fallback={<p className="muted panel-hint">{t('app.loading')}</p>}>
            <ArtifactViewer />
          </Suspense>
        </PartBoundary>
      )}
    </section>
  );
}

/** Ctrl/Cmd+Z undoes the last edit, Ctrl/Cmd+Shift+Z (or Ctrl+Y) redoes it, outside text fields. */
function useUndoKeys() {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!(e.ctrlKey || e.metaKey) || e.altKey) return;
      const el = e.target as HTMLElement | null;
      if (el && (el.isContentEditable || el.tagName === 'INPUT' || el.tagName === 'TEXTAREA')) return;
      const k = e.key.toLowerCase();
      if (k === 'z' && !e.shiftKey) labStore.getState().undo();
      else if ((k === 'z' && e.shiftKey) || k === 'y') labStore.getState().redo();
      else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}

export function App() {
  const t = useT();
  const [dragging, setDragging] = useState(false);
  useDocumentSettings();
  usePlaybackKeys();
  useUndoKeys();
  useStepInHash();
  // The rest of the page is imported once this first commit has been painted.
  useLayoutEffect(afterFirstCommit, []);
  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setDragging(false);
    void openFileList(e.dataTransfer.files);
  };
  return (
    <div
      className="app"
      data-testid="app"
      onDragOver={(e) => {
        if (e.dataTransfer.types.includes('Files')) {
          e.preventDefault();
          setDragging(true);
        }
      }}
      onDragLeave={(e) => {
        if (e.currentTarget === e.target) setDragging(false);
      }}
      onDrop={onDrop}
    >
      <TopBar />
      <StartupError />
      <LanguageError />
      <UpdatePrompt />
      <Later>
        <LoadErrors />
        <PartialLoadDialog />
      </Later>
      <ExtrasOverlays />
      <main className="workspace">
        <section className="stage" aria-label={t('canvas.aria')}>
          <Later>
            <Caption />
          </Later>
          {/* The canvas and what floats over it (the lesson card) share one box below the caption. */}
          <div className="canvas-area">
            <LabCanvas />
            <ExtrasStage />
          </div>
          <Playback />
          <ArtifactDrawer />
        </section>
        <SidePanel />
      </main>
      {dragging && (
        <div className="drop-overlay" aria-hidden="true">
          {t('drop.hint')}
        </div>
      )}
    </div>
  );
}
