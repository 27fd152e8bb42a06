import { defineConfig } from '@playwright/test';
// @ts-expect-error plain ESM helper shared with the set-up script
import { findChromium } from './scripts/browser.mjs';

const browser = findChromium() as { path?: string } | null;
// NETLAB_E2E_PORT lets two worktrees run their browser tests side by side; the dev server of the
// "dev" project listens 1000 above it (default 5174, so it never takes a running `npm run dev`'s 5173).
const port = Number(process.env.NETLAB_E2E_PORT ?? 4173);
const devPort = process.env.NETLAB_E2E_PORT ? port + 1000 : 5174;

export default defineConfig({
  testDir: 'e2e',
  testMatch: '**/*.spec.ts',
  fullyParallel: false,
  workers: 1,
  retries: process.env.CI ? 1 : 0,
  // Generous: the suite must pass on a shared 2-core machine under load. No test asserts a duration.
  timeout: 90_000,
  expect: { timeout: 15_000 },
  reporter: [['list'], ['json', { outputFile: 'test-results/e2e.json' }]],
  use: {
    viewport: { width: 1280, height: 800 },
    // The production build registers a service worker (src/ui/pwa.ts). Tests run without it, so
    // page.route sees every request; e2e/offline.spec.ts allows it and tests it.
    serviceWorkers: 'block',
    launchOptions: {
      executablePath: browser?.path,
      args: ['--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    },
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
  },
  projects: [
    // Everything on the production build (vite build --mode test, served with the CSP).
    { name: 'build', testIgnore: '**/dev-smoke.spec.ts', use: { baseURL: `http://127.0.0.1:${port}` } },
    // The README's `npm run dev`: a smoke of the main journeys on the dev server (StrictMode).
    { name: 'dev', testMatch: ['**/dev-smoke.spec.ts', '**/route-badges.spec.ts'], use: { baseURL: `http://127.0.0.1:${devPort}` } },
  ],
  webServer: [
    {
      command: `npx vite build --mode test --logLevel error && npx vite preview --mode test --port ${port} --strictPort`,
      url: `http://127.0.0.1:${port}`,
      reuseExistingServer: !process.env.CI,
      timeout: 240_000,
    },
    {
      command: `npx vite --port ${devPort} --strictPort`,
      url: `http://127.0.0.1:${devPort}`,
      reuseExistingServer: !process.env.CI,
      timeout: 240_000,
    },
  ],
});
