import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { VitePWA } from 'vite-plugin-pwa';
import { readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Plugin } from 'vite';

export const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "worker-src 'self' blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

// Offline after the first visit (e2e/offline.spec.ts): Workbox precaches the whole build, so every
// lazily loaded chunk (lessons, dialogs, console, Rules viewer, Runs worker, ELK worker), the
// built-in scenarios (bundled into those chunks), icons and any font file are there without a
// network. The worker is registered by src/ui/pwa.ts in production builds only: no inline script
// (the CSP above forbids them) and nothing in the dev server, which must never serve stale modules.
const pwa = VitePWA({
  registerType: 'prompt',
  injectRegister: false,
  // The glob below already takes every file of public/ (icons included) once.
  includeManifestIcons: false,
  manifest: {
    name: 'netlab: Kubernetes cluster networking, hop by hop',
    short_name: 'netlab',
    description: 'A Kubernetes cluster-networking lab that runs in the browser: every hop is the evaluation of the rules it displays.',
    lang: 'en',
    start_url: '/',
    scope: '/',
    display: 'standalone',
    background_color: '#ffffff',
    theme_color: '#326ce5',
    icons: [
      { src: 'pwa-192.png', sizes: '192x192', type: 'image/png' },
      { src: 'pwa-512.png', sizes: '512x512', type: 'image/png' },
      { src: 'pwa-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
      { src: 'favicon.svg', sizes: 'any', type: 'image/svg+xml' },
    ],
  },
  workbox: {
    globPatterns: ['**/*.{js,css,html,svg,png,ico,json,woff,woff2,ttf,otf,wasm}'],
    // The ELK worker and the core chunk are larger than Workbox's 2 MiB default.
    maximumFileSizeToCacheInBytes: 8 * 1024 * 1024,
    // Links (#s=..., #lesson=...) live in the fragment: every navigation is the one page.
    navigateFallback: 'index.html',
    cleanupOutdatedCaches: true,
  },
  devOptions: { enabled: false },
});

// `virtual:netlab-first-frame`: the default scenario's canvas (topology and ELK layout), computed
// when the app is built or served by src/ui/canvas/first-frame.build.ts: the page's own loader,
// control plane, topology and ELK, run here in Node through tsx. The page draws it before its
// engines have loaded (src/ui/canvas/known-layouts.ts). A build computes it from its own sources, so
// it is never stale; the dev server computes it once per start and again when the scenario file
// changes (a change to the core in between shows as soon as the engines have loaded).
const FIRST_FRAME = 'virtual:netlab-first-frame';
const firstFrame: Plugin = {
  name: 'netlab-first-frame',
  resolveId: (id) => (id === FIRST_FRAME ? `\0${FIRST_FRAME}` : undefined),
  async load(id) {
    if (id !== `\0${FIRST_FRAME}`) return undefined;
    const scenario = fileURLToPath(new URL('./scenarios/default.json', import.meta.url));
    this.addWatchFile(scenario);
    const { tsImport } = (await import('tsx/esm/api')) as { tsImport: (specifier: string, parent: string) => Promise<unknown> };
    const builder = new URL('./src/ui/canvas/first-frame.build.ts', import.meta.url).href;
    type Builder = typeof import('./src/ui/canvas/first-frame.build');
    const { computeFirstFrame } = (await tsImport(builder, pathToFileURL(scenario).href)) as Builder;
    const frame = await computeFirstFrame({ name: 'default.json', text: readFileSync(scenario, 'utf8') });
    return `export default ${JSON.stringify(frame)};\n`;
  },
};

// The production build's chunks for the page's start. By default the bundler splits the modules the
// entry imports into a chunk per set of importers (React, the store and i18n, the cluster model, the
// runtime, ...), so the first frame waits for eight scripts where one would do, and the start-up's
// dynamic import of the engines and the lab loader asks for a dozen more (each a <link
// rel=modulepreload> written into the document and a request, in the first frame's task). Here:
//   - every module the entry imports statically (the first frame's code) is in two chunks: the
//     entry chunk itself, the page's own modules, marked for V8 to compile all their functions while
//     the file streams in, off the main thread (the `allFunctionsCalledOnLoad` compile hint), since
//     the first frame runs most of them (each compiled on its first call, they cost the main thread
//     ~10 ms); and `boot`, the libraries (React, React Flow, d3, zustand, immer), compiled as they
//     run: the first frame runs a part of them (the whole entry marked made the first frame later).
//     The page's modules are not a group of their own: the entry chunk would then be a third script
//     that only imports the other two (and Vite's modulepreload polyfill, which every browser the
//     build targets does without), one more request the first frame waits for. React Flow's style
//     sheet goes with the page's own (before them): one style sheet, not two;
//   - `engines`: every module the engines, the start-up loader and the canvas's topology (which the
//     page needs only once the engines have made a cluster: src/ui/canvas/topology-source.ts) import
//     statically that neither the
//     first frame nor the rest of the page (./src/ui/later.ts, which shows its panels while the engines
//     still load) does, one chunk (the page loads it at start anyway; later parts import from it).
// Both sets are read from the module graph once it is built, so they follow the imports as they change.
// A module the entry reaches only through a barrel's re-export counts as the first frame's code here
// (the graph does not say which re-exports are used): import such parts from their own module.
const STARTUP = ['/src/ui/engines.ts', '/src/ui/share/start.ts', '/src/ui/canvas/topology.ts'];
const LATER = '/src/ui/later.ts';
const LIBRARY = /[\\/]node_modules[\\/]/;
function startChunks(): Plugin {
  const boot = new Set<string>();
  const startup = new Set<string>();
  return {
    name: 'netlab-start-chunks',
    apply: 'build',
    buildEnd() {
      const closure = (roots: string[], into: Set<string>, skip: ReadonlySet<string> = new Set()) => {
        const todo = [...roots];
        while (todo.length > 0) {
          const id = todo.pop()!;
          if (into.has(id) || skip.has(id)) continue;
          into.add(id);
          todo.push(...(this.getModuleInfo(id)?.importedIds ?? []));
        }
      };
      const ids = [...this.getModuleIds()];
      const entry = ids.find((id) => id.endsWith('/src/ui/main.tsx'));
      if (!entry) return;
      closure([entry], boot);
      const later = new Set<string>();
      closure(ids.filter((id) => id.endsWith(LATER)), later, boot);
      closure(ids.filter((id) => STARTUP.some((s) => id.endsWith(s))), startup, new Set([...boot, ...later]));
    },
    generateBundle: {
      order: 'post',
      handler(_, bundle) {
        for (const chunk of Object.values(bundle)) {
          if (chunk.type !== 'chunk' || !chunk.isEntry) continue;
          chunk.code = `//# allFunctionsCalledOnLoad\n${chunk.code}`;
          // The source map's lines move down one (each ';' in its mappings starts a line).
          const map = bundle[`${chunk.fileName}.map`];
          if (map?.type === 'asset' && typeof map.source === 'string') {
            const json = JSON.parse(map.source) as { mappings: string };
            map.source = JSON.stringify({ ...json, mappings: `;${json.mappings}` });
          }
        }
      },
    },
    outputOptions(options) {
      // Called before the build: the groups read the sets when the chunks are made, after buildEnd.
      const groups = [
        { name: 'boot', test: (id: string) => boot.has(id) && LIBRARY.test(id) && !id.endsWith('.css'), priority: 2 },
        { name: 'engines', test: (id: string) => startup.has(id), priority: 1, includeDependenciesRecursively: false },
      ];
      return { ...options, codeSplitting: { groups } };
    },
  };
}

export default defineConfig({
  // The default scenario's canvas, computed at build time: the page draws it before its engines load.
  plugins: [react(), pwa, firstFrame, startChunks()],
  server: { host: '127.0.0.1', port: 5173 },
  // The built app is served with a Content-Security-Policy that forbids inline and injected scripts:
  // a script in a scenario's names, labels or lesson text, or in a link, can never run (e2e/security.spec.ts).
  preview: { host: '127.0.0.1', port: 4173, headers: { 'Content-Security-Policy': CSP } },
  build: { target: 'es2022', sourcemap: true, modulePreload: { polyfill: false } },
});
