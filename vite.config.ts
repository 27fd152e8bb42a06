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

export default defineConfig({
  // The default scenario's canvas, computed at build time: the page draws it before its engines load.
  plugins: [react(), pwa, firstFrame],
  server: { host: '127.0.0.1', port: 5173 },
  // The built app is served with a Content-Security-Policy that forbids inline and injected scripts:
  // a script in a scenario's names, labels or lesson text, or in a link, can never run (e2e/security.spec.ts).
  preview: { host: '127.0.0.1', port: 4173, headers: { 'Content-Security-Policy': CSP } },
  build: { target: 'es2022', sourcemap: true },
});
