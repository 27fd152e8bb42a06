import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
// The built-in scenario as text, so the loader reports positions in it like in any opened file.
import defaultScenario from '../../scenarios/default.json?raw';
// The same scenario's canvas, computed when the app was built (vite.config.ts).
import defaultFrame from 'virtual:netlab-first-frame';
import { App } from './App';
import { labStore } from './app-store';
import { setFirstFrame } from './canvas/known-layouts';
import { loadTopology } from './canvas/topology-source';
import { firstPaint } from './first-paint';
import { catalogLoaded, loadCatalog } from './i18n/catalogs';
import { pageStatus } from './pwa-status';
import { parseRoute } from './share/routes';
import { applyDocumentSettings, documentSettings } from './theme';
import './styles.css';

/**
 * Loads the engines and the start-up code (asked for once the first frame is painted: see below), then
 * opens the URL's lab (share link, lesson) or the default one, with autosave and the unsaved-work warning. A download that
 * fails (offline before the first visit completed) is said on the page with Retry.
 */
async function start(): Promise<void> {
  pageStatus.setState({ startupRetry: null });
  // The store starts 'loading' (app-store.ts): only a Retry sets it again (a store update in the
  // first frame's task, before its paint, otherwise).
  if (labStore.getState().enginesLoad !== 'loading') labStore.getState().setEnginesLoad('loading');
  let loaded: [typeof import('./engines'), typeof import('./share/start'), unknown];
  try {
    // The canvas's topology comes with them: the first frame draws the build's (canvas/topology-source.ts).
    loaded = await Promise.all([import('./engines'), import('./share/start'), loadTopology()]);
  } catch (e) {
    console.warn('the lab engines could not be downloaded', e);
    pageStatus.setState({ startupRetry: () => void start() });
    // Now the parts waiting for the engines say they are not available, beside the Retry.
    labStore.getState().setEnginesLoad('failed');
    return;
  }
  const [{ engines }, { startLab }] = loaded;
  labStore.getState().installEngines(engines);
  // Test builds only: `?bench=pods:1000` opens a generated scenario of that size (bench/ui.bench.ts).
  if (import.meta.env.MODE === 'test' && new URLSearchParams(location.search).has('bench')) {
    const { benchPods, benchScenarioText } = await import('./bench-scenario');
    const pods = benchPods(new URLSearchParams(location.search).get('bench'));
    if (pods) return void labStore.getState().openFiles([{ name: `bench-${pods}.json`, text: benchScenarioText(pods) }]);
  }
  void startLab({ name: 'default.json', text: defaultScenario });
}
// Without a share link or lesson in the URL, the page opens the default scenario: the canvas draws
// its objects at once (marked as loading) and the lab fills in when the engines have loaded.
const route = parseRoute(location.hash).kind;
// While the engines load, a file opened waits for them (store `queuedLoad`); a link navigated to
// after it is newer, and the last one wins: the start-up opens the URL's lab and no file over it.
function linkAfterQueuedFile() {
  const kind = parseRoute(location.hash).kind;
  if (labStore.getState().enginesLoad === 'settled') window.removeEventListener('hashchange', linkAfterQueuedFile);
  else if ((kind === 'share' || kind === 'lesson') && labStore.getState().queuedLoad) labStore.setState({ queuedLoad: null, loadReport: null });
}
window.addEventListener('hashchange', linkAfterQueuedFile);
const benchPage = import.meta.env.MODE === 'test' && new URLSearchParams(location.search).has('bench');
if ((route === 'none' || route === 'gallery' || route === 'unusable') && !benchPage) setFirstFrame(defaultFrame);
// Asked for once the first frame has been painted. Asked for at its commit, the engines' download
// (~240 kB compressed, parsed as it streams in) competed with that frame's layout and painting for
// a small machine's cores: the first frame came ~80 ms later, and the lab was ready no sooner
// (measured side by side: Send enabled 797 -> 815 ms median, within the rounds' spread).
// Asked for here, at once, a chunk arriving early would run before React's first render.
void firstPaint.then(start);

// Offline after the first visit: the service worker, in production builds only (the dev server
// has none, so it never serves a stale module).
// Registered after the first paint: workbox-window is not part of the first frame.
const serviceWorker = import.meta.env.PROD
  ? firstPaint.then(() => import('./pwa')).then((m) => m.registerServiceWorker())
  : Promise.resolve(undefined);

// A small test API on window, in test builds only (vite build --mode test): Playwright uses it
// to show hand-written traces and artifacts before the tracer exists. Never in production.
if (import.meta.env.MODE === 'test') {
  (window as unknown as { __netlab: unknown }).__netlab = {
    store: labStore,
    /** Opens a URL fragment (share link, lesson) the way a navigation to it would, without reloading the page. */
    openLink: async (hash: string) => (await import('./share/start')).openRoute(hash),
    /** Asks the service worker registration to look for a new version now, as a navigation would. */
    checkForUpdate: async () => (await serviceWorker)?.checkForUpdate(),
    pageStatus,
  };
}

// The first render in the next task (React's scheduler), before the engines' chunks, already on
// their way, arrive and are evaluated. Not flushSync: that would also run every effect of the first
// render (React Flow measuring the pane, zoom set-up, ...) before the canvas's nodes are committed;
// the canvas runs them in the first animation frame instead, before its paint (LabCanvas.tsx).
// The theme, language and presenter mode on <html> before the first render, so the first frame is
// styled once (theme.ts).
applyDocumentSettings(documentSettings(labStore.getState()));
const root = createRoot(document.getElementById('root')!);
const render = () =>
  root.render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
// A page in a language other than English downloads its messages first (they are not in the entry
// script: ./i18n/catalogs.ts), so that its first frame is in its language. If that download fails,
// the page starts in English (choosing the language again asks again).
const lang = labStore.getState().ui.lang;
if (catalogLoaded(lang)) render();
else
  loadCatalog(lang)
    .catch(() => {}) // reported on the page, with Retry (pwa-status.tsx)
    .finally(render);
