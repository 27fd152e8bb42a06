import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
// The built-in scenario as text, so the loader reports positions in it like in any opened file.
import defaultScenario from '../../scenarios/default.json?raw';
import { App } from './App';
import { labStore } from './app-store';
import './styles.css';

void import('./engines').then(async ({ engines }) => {
  labStore.getState().installEngines(engines);
  // Test builds only: `?bench=pods:1000` opens a generated scenario of that size (bench/ui.bench.ts).
  if (import.meta.env.MODE === 'test' && new URLSearchParams(location.search).has('bench')) {
    const { benchPods, benchScenarioText } = await import('./bench-scenario');
    const pods = benchPods(new URLSearchParams(location.search).get('bench'));
    if (pods) return void labStore.getState().openFiles([{ name: `bench-${pods}.json`, text: benchScenarioText(pods) }]);
  }
  // The URL's lab (share link, lesson) or the default one, with autosave and the unsaved-work warning.
  void import('./share/start').then(({ startLab }) => startLab({ name: 'default.json', text: defaultScenario }));
});

// A small test API on window, in test builds only (vite build --mode test): Playwright uses it
// to show hand-written traces and artifacts before the tracer exists. Never in production.
if (import.meta.env.MODE === 'test') {
  (window as unknown as { __netlab: unknown }).__netlab = {
    store: labStore,
    /** Opens a URL fragment (share link, lesson) the way a navigation to it would, without reloading the page. */
    openLink: async (hash: string) => (await import('./share/start')).openRoute(hash),
  };
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
