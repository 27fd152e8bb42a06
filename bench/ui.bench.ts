// The lab's page in real Chromium, against floors measured in the same run:
//   a. frames per second while a packet animates on topologies of 200 and 1000 pods (the test
//      build's `?bench=pods:N` scenario, a NodePort request played in a loop), against a bare React
//      Flow page of the same size (bench/pages/bare.html: as many pods in node frames, and an edge
//      from one Service node to every pod, as the lab draws endpoints), with the frame rate capped (default) and
//      uncapped (--disable-gpu-vsync --disable-frame-rate-limit). Only frames in which the packet
//      moved count, over the time it moved: the lab's packet rests between hops, and an idle page's
//      rAF rate means nothing (TOOLCHAIN.md, "Measuring fps"). Goals: uncapped >= 0.8x the bare
//      page; capped >= 58 fps. Both pages draw the same picture: as many pods, and a line from the
//      Service to every pod. The bare page draws each line as a React Flow edge (the naive floor);
//      the lab draws the same bezier lines as one SVG path per Service (src/ui/canvas/EndpointFan.tsx),
//      and far out (zoom < 0.3, as at fit zoom here) paints pods' text lines as grey strokes.
//   b. time from navigation to the first canvas node (median of 5), beside the bare page's.
//   c. initial JavaScript (the production build's entry script and modulepreloads) gzip, against
//      the 131.7 kB floor of React + React Flow + zustand + immer (goal: <= 1.6x).
// One run builds the app (test and production mode) and the bare page once, serves them with
// `vite preview` on free ports and stops the servers at the end. Not part of `npm test`.
// Pages run without the service worker: its precache download would be measured with the page.
// Run: `npx tsx bench/ui.bench.ts` (or `npm run bench ui`); UI_BENCH_QUICK=1 measures only uncapped fps.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { chromium, type Browser, type Page } from '@playwright/test';
import { build, preview, type PreviewServer } from 'vite';
// @ts-expect-error plain ESM helper shared with the set-up script
import { findChromium } from '../scripts/browser.mjs';
import type { BenchResult } from './run';

const root = fileURLToPath(new URL('..', import.meta.url));
const FLOOR_KB = 131.7;
const SIZES = [200, 1000] as const;
// The lab's trace has 8 hops, 3 of which move the packet: 12 s covers one whole loop at speed 1.
const APP_MS = 12_000;
const BARE_MS = 6_000;
/** Rounds alternate lab and bare page; the best of each counts (the machine is shared). */
const ROUNDS = 2;
const VIEWPORT = { width: 1280, height: 800 };

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Frames in which the packet dot moved, per second of moving time. A string, not a function:
 *  tsx's keepNames would wrap the inner functions in a helper the page does not have. */
const PACKET_FPS = `(duration) => new Promise((resolve) => {
  const dot = () => document.querySelector('[data-testid="packet-dot"]');
  const pos = () => { const d = dot(); return d ? d.style.transform || d.getAttribute('transform') || '' : ''; };
  let last = pos();
  let prevT = performance.now();
  const end = prevT + duration;
  let frames = 0;
  let movingMs = 0;
  const frame = (now) => {
    const cur = pos();
    if (cur !== last) { frames++; movingMs += now - prevT; }
    last = cur;
    prevT = now;
    if (now < end) requestAnimationFrame(frame);
    else resolve({ fps: movingMs > 0 ? (frames * 1000) / movingMs : 0, frames, movingMs });
  };
  requestAnimationFrame(frame);
})`;

async function packetFps(page: Page, ms: number): Promise<{ fps: number; frames: number; movingMs: number }> {
  return page.evaluate(`(${PACKET_FPS})(${ms})`) as Promise<{ fps: number; frames: number; movingMs: number }>;
}

async function appFps(browser: Browser, base: string, pods: number) {
  const page = await browser.newPage({ viewport: VIEWPORT, serviceWorkers: 'block' });
  await page.goto(`${base}/?bench=pods:${pods}`);
  await page.waitForSelector('[data-testid="canvas"][data-laid-out="true"]', { timeout: 120_000 });
  await page.waitForFunction((n) => document.querySelectorAll('.react-flow__node').length >= n, pods, { timeout: 60_000 });
  await page.waitForTimeout(800); // fitView
  await page.evaluate(() => {
    type S = { getState(): { playback: { playing: boolean }; play(): void; sendRequest(r: unknown): void } };
    const store = (window as unknown as { __netlab: { store: S } }).__netlab.store;
    store.getState().sendRequest({ from: 'external:laptop', method: 'GET', url: 'http://192.168.49.2:30080/', headers: {}, connect: '' });
    // Play the trace over and over: play() starts again from the first hop at the end.
    setInterval(() => {
      if (!store.getState().playback.playing) store.getState().play();
    }, 50);
  });
  await page.waitForTimeout(1000);
  const r = await packetFps(page, APP_MS);
  await page.close();
  return r;
}

async function bareFps(browser: Browser, base: string, pods: number) {
  const page = await browser.newPage({ viewport: VIEWPORT, serviceWorkers: 'block' });
  await page.goto(`${base}/bare.html?pods=${pods}`);
  await page.waitForFunction((n) => document.querySelectorAll('.react-flow__node').length >= n, pods, { timeout: 60_000 });
  await page.waitForTimeout(1800);
  const r = await packetFps(page, BARE_MS);
  await page.close();
  return r;
}

/** Milliseconds from navigation start to the first `.react-flow__node` in the document. */
async function firstNodeMs(browser: Browser, url: string): Promise<number> {
  const page = await browser.newPage({ viewport: VIEWPORT, serviceWorkers: 'block' });
  await page.addInitScript(() => {
    const w = window as unknown as { __firstNode?: number };
    new MutationObserver((_, obs) => {
      if (document.querySelector('.react-flow__node')) {
        w.__firstNode = performance.now();
        obs.disconnect();
      }
    }).observe(document, { subtree: true, childList: true });
  });
  await page.goto(url);
  await page.waitForFunction(() => (window as unknown as { __firstNode?: number }).__firstNode !== undefined, undefined, { timeout: 60_000 });
  const ms = await page.evaluate(() => (window as unknown as { __firstNode: number }).__firstNode);
  await page.close();
  return ms;
}

function initialJsKb(dir: string): number {
  const html = readFileSync(join(dir, 'index.html'), 'utf8');
  const scripts = [...html.matchAll(/<script[^>]+src="([^"]+\.js)"|<link[^>]+rel="modulepreload"[^>]+href="([^"]+\.js)"/g)].map((m) => m[1] ?? m[2]!);
  return scripts.reduce((sum, src) => sum + gzipSync(readFileSync(join(dir, src))).length, 0) / 1000;
}

async function serve(outDir: string, configFile?: string): Promise<{ base: string; server: PreviewServer }> {
  const port = await freePort();
  const server = await preview({ root, configFile, mode: 'test', logLevel: 'error', build: { outDir }, preview: { host: '127.0.0.1', port, strictPort: true, open: false } });
  return { base: `http://127.0.0.1:${port}`, server };
}

export async function run(): Promise<BenchResult[]> {
  const tmp = mkdtempSync(join(tmpdir(), 'netlab-ui-bench-'));
  const dirs = { test: join(tmp, 'app-test'), prod: join(tmp, 'app-prod'), bare: join(tmp, 'bare') };
  const bareConfig = join(root, 'bench/pages/vite.config.ts');
  await build({ root, mode: 'test', logLevel: 'error', build: { outDir: dirs.test, emptyOutDir: true } });
  await build({ root, mode: 'production', logLevel: 'error', build: { outDir: dirs.prod, emptyOutDir: true } });
  await build({ configFile: bareConfig, logLevel: 'error', build: { outDir: dirs.bare, emptyOutDir: true } });

  const results: BenchResult[] = [];
  const app = await serve(dirs.test);
  const bare = await serve(dirs.bare, bareConfig);
  const executablePath = (findChromium() as { path?: string } | null)?.path;
  try {
    const quick = process.env.UI_BENCH_QUICK === '1';
    for (const capped of quick ? [false] : [true, false]) {
      const args = capped ? [] : ['--disable-gpu-vsync', '--disable-frame-rate-limit'];
      const browser = await chromium.launch({ executablePath, args });
      try {
        for (const pods of SIZES) {
          type Fps = Awaited<ReturnType<typeof packetFps>>;
          const best = (x: Fps | null, y: Fps) => (x && x.fps >= y.fps ? x : y);
          let a: Fps | null = null;
          let b: Fps | null = null;
          for (let round = 0; round < ROUNDS; round++) {
            a = best(a, await appFps(browser, app.base, pods));
            b = best(b, await bareFps(browser, bare.base, pods));
          }
          if (!a || !b) throw new Error('no rounds');
          const mode = capped ? 'capped' : 'uncapped';
          const note = `lab ${a.fps.toFixed(1)} fps (${a.frames} frames / ${(a.movingMs / 1000).toFixed(1)} s moving), bare ${b.fps.toFixed(1)} fps; same ${pods} pods and ${pods} Service->pod lines, drawn by the lab as one path per Service, by the bare page as ${pods} React Flow edges`;
          results.push({ name: `a. ${mode}: lab fps, packet animating, ${pods} pods`, value: a.fps, unit: 'fps', ...(capped ? { goal: '>= 58', met: a.fps >= 58 } : {}) });
          results.push({ name: `a. ${mode}: bare React Flow fps, ${pods} pods`, value: b.fps, unit: 'fps' });
          results.push({ name: `a. ${mode}: lab / bare, ${pods} pods`, value: a.fps / b.fps, unit: 'x', ...(capped ? {} : { goal: '>= 0.8', met: a.fps / b.fps >= 0.8 }), note });
        }
        if (capped) {
          const lab: number[] = [];
          const floor: number[] = [];
          for (let i = 0; i < 5; i++) {
            lab.push(await firstNodeMs(browser, `${app.base}/`));
            floor.push(await firstNodeMs(browser, `${bare.base}/bare.html?pods=8`));
          }
          results.push({ name: 'b. first canvas node after navigation (default scenario), median of 5', value: median(lab), unit: 'ms' });
          results.push({ name: 'b. first node, bare React Flow page (8 pods), median of 5', value: median(floor), unit: 'ms' });
          results.push({ name: 'b. lab / bare, first canvas node', value: median(lab) / median(floor), unit: 'x', note: 'the lab waits for the engines, the scenario and the ELK layout' });
        }
      } finally {
        await browser.close();
      }
    }
  } finally {
    await app.server.close();
    await bare.server.close();
  }
  const kb = initialJsKb(dirs.prod);
  results.push({ name: 'c. initial JS, production build (gzip)', value: kb, unit: 'kB' });
  results.push({ name: 'c. initial JS / 131.7 kB floor', value: kb / FLOOR_KB, unit: 'x', goal: '<= 1.6', met: kb / FLOOR_KB <= 1.6 });
  rmSync(tmp, { recursive: true, force: true });
  return results;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const r of await run()) {
    const goal = r.goal ? `  goal ${r.goal}: ${r.met ? 'met' : 'NOT met'}` : '';
    console.log(`${r.name.padEnd(72)} ${r.value.toPrecision(4).padStart(10)} ${r.unit}${goal}${r.note ? `  (${r.note})` : ''}`);
  }
}
