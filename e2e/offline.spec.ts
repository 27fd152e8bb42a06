// Offline after the first visit, and parts that cannot be downloaded.
// - The built site's service worker (vite-plugin-pwa / Workbox) precaches every chunk: after one
//   visit, with the network gone, a reload opens the lab, every dialog and a lesson.
// - A new deploy's worker waiting: the page offers to reload into it.
// - A lazily loaded part that fails (no service worker, network refused): a React.lazy chunk, the
//   engines at start-up, the Runs worker, the ELK layout worker, the Chinese messages: a translated
//   error with Retry in its place; the canvas and the lab that was open stay.
import { readFileSync, writeFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { aLessonOpens, everyDialogOpensAndCloses, firstPageLoads, sendShowsHops } from './journeys';

const SW_FILE = 'dist/sw.js';
type Api = { __netlab: { checkForUpdate(): Promise<unknown> } };

/** The worker has installed (precached the whole build) and the page says so; the next load is controlled. */
async function installed(page: Page) {
  await expect(page.getByTestId('offline-status')).toHaveAttribute('data-state', 'ready', { timeout: 60_000 });
  await page.reload();
  await controlledByServiceWorker(page);
}

async function controlledByServiceWorker(page: Page) {
  await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null), { timeout: 60_000 }).toBe(true);
}

test.describe('with the service worker', () => {
  test.use({ serviceWorkers: 'allow' });

  test('after one visit the lab works offline: reload, every dialog, a lesson', async ({ page, context }) => {
    await firstPageLoads(page);
    // The worker installs (precaching the whole build) and says so.
    await expect(page.getByTestId('offline-status')).toHaveAttribute('data-state', 'ready', { timeout: 60_000 });
    await expect(page.getByTestId('offline-status')).toHaveText('Available offline');
    // The first visit is not controlled (no clients.claim): the next load is.
    await page.reload();
    await controlledByServiceWorker(page);

    await context.setOffline(true);
    await firstPageLoads(page);
    await controlledByServiceWorker(page);
    await expect(page.getByTestId('offline-status')).toHaveAttribute('data-state', 'offline');
    await expect(page.getByTestId('offline-status')).toHaveText('Offline');
    await sendShowsHops(page);
    // The Rules viewer and the Runs tab are lazily loaded too.
    await page.getByTestId('artifacts-toggle').click();
    await expect(page.getByTestId('artifact-viewer')).toBeVisible();
    await everyDialogOpensAndCloses(page);
    await aLessonOpens(page);
    await expect(page.getByTestId('part-error')).toHaveCount(0);
    await page.getByTestId('lang-select').selectOption('zh');
    await expect(page.getByTestId('offline-status')).toHaveText('离线');
    await context.setOffline(false);
    await expect(page.getByTestId('offline-status')).toHaveText('可离线使用');
  });

  test('a new version waiting: the page offers to reload into it', async ({ page }) => {
    await firstPageLoads(page);
    await installed(page);
    // A new deploy: the same URL serves a different worker script (a rebuild changes its precache
    // manifest). The preview server reads dist/ per request; the file is put back at the end.
    const original = readFileSync(SW_FILE, 'utf8');
    writeFileSync(SW_FILE, `${original}\n// the next deploy\n`);
    try {
      await page.evaluate(() => (window as unknown as Api).__netlab.checkForUpdate());
      const prompt = page.getByTestId('update-prompt');
      await expect(prompt).toBeVisible({ timeout: 60_000 });
      await expect(prompt).toContainText('A new version of netlab is available.');
      expect(await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.waiting !== null)).toBe(true);
      // Reload activates the waiting worker and reloads the page into it, the lab there again.
      await Promise.all([page.waitForEvent('load', { timeout: 60_000 }), page.getByTestId('update-reload').click()]);
      await firstPageLoads(page);
      await controlledByServiceWorker(page);
      expect(await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.waiting ?? null)).toBeNull();
      await expect(page.getByTestId('update-prompt')).toHaveCount(0);
    } finally {
      writeFileSync(SW_FILE, original);
    }
  });
});

test('a lazily loaded part that fails to download shows a translated error and Retry; the lab stays', async ({ page }) => {
  await firstPageLoads(page);
  const titleBefore = await page.getByTestId('scenario-title').innerText();
  // The network refuses the lessons gallery's chunk (offline before it was ever cached).
  let refuse = true;
  await page.route(/\/assets\/Gallery-[\w-]+\.js(\?.*)?$/, (route) => (refuse ? route.abort('internetdisconnected') : route.fallback()));
  await page.getByTestId('open-gallery').click();
  const error = page.getByTestId('part-error');
  await expect(error).toBeVisible();
  await expect(error).toContainText('Lessons could not be downloaded');
  await expect(page.getByTestId('canvas')).toHaveAttribute('data-laid-out', 'true');
  await expect(page.locator('[data-testid^="canvas-node-"]').first()).toBeVisible();
  await expect(page.getByTestId('scenario-title')).toHaveText(titleBefore);
  // Still failing: Retry says so again, in the user's language.
  await page.getByTestId('lang-select').selectOption('zh');
  await expect(error).toContainText('“课程”未能下载');
  await expect(page.getByTestId('part-retry')).toHaveText('重试');
  await page.getByTestId('part-retry').click();
  await expect(page.getByTestId('part-error')).toBeVisible();
  await page.getByTestId('lang-select').selectOption('en');
  // The network is back: Retry loads the gallery.
  refuse = false;
  await page.getByTestId('part-retry').click();
  await expect(page.getByTestId('gallery')).toBeVisible();
  await expect(page.getByTestId('part-error')).toHaveCount(0);
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('gallery')).toHaveCount(0);
  await expect(page.getByTestId('scenario-title')).toHaveText(titleBefore);
});

test('a failed part can be closed without retrying, and the Rules viewer fails and retries in place', async ({ page }) => {
  await firstPageLoads(page);
  let refuse = true;
  await page.route(/\/assets\/(Console|ArtifactViewer)-[\w-]+\.js(\?.*)?$/, (route) => (refuse ? route.abort('internetdisconnected') : route.fallback()));
  await page.getByTestId('open-console').click();
  await expect(page.getByTestId('part-error')).toBeVisible();
  await page.getByTestId('part-close').click();
  await expect(page.getByTestId('part-error')).toHaveCount(0);
  await page.getByTestId('artifacts-toggle').click();
  const inDrawer = page.locator('.drawer').getByTestId('part-error');
  await expect(inDrawer).toBeVisible();
  await expect(page.getByTestId('canvas')).toHaveAttribute('data-laid-out', 'true');
  refuse = false;
  await inDrawer.getByTestId('part-retry').click();
  await expect(page.locator('.drawer').getByTestId('part-error')).toHaveCount(0);
  await expect(page.getByTestId('artifact-viewer')).toBeVisible();
});

test('the engines failing to download at start-up say so, and Retry opens the lab', async ({ page }) => {
  let refuse = true;
  await page.route(/\/assets\/engines-[\w-]+\.js(\?.*)?$/, (route) => (refuse ? route.abort('internetdisconnected') : route.fallback()));
  await page.goto('/');
  const error = page.getByTestId('part-error');
  await expect(error).toBeVisible();
  await expect(error).toContainText('The lab engines could not be downloaded');
  // Only now, with Retry beside it, does the composer say the tracer is not available.
  await expect(page.getByTestId('tracer-unavailable')).toHaveText('The request tracer is not available.');
  await expect(page.getByTestId('tracer-loading')).toHaveCount(0);
  refuse = false;
  await page.getByTestId('part-retry').click();
  await expect(page.getByTestId('canvas')).toHaveAttribute('data-laid-out', 'true');
  await expect(page.getByTestId('part-error')).toHaveCount(0);
});

test.describe('a Chinese browser', () => {
  test.use({ locale: 'zh-CN' });

  test('the Chinese messages failing to download say so (in English), and Retry switches the page to Chinese', async ({ page }) => {
    let refuse = true;
    await page.route(/\/assets\/zh-[\w-]+\.js(\?.*)?$/, (route) => (refuse ? route.abort('internetdisconnected') : route.fallback()));
    await page.goto('/');
    const error = page.getByTestId('part-error');
    await expect(error).toBeVisible();
    await expect(error).toContainText('The Chinese messages (中文界面) could not be downloaded');
    // The lab itself opens, in English meanwhile.
    await expect(page.getByTestId('canvas')).toHaveAttribute('data-laid-out', 'true');
    await expect(page.getByRole('button', { name: 'Lessons' })).toBeVisible();
    refuse = false;
    await error.getByTestId('part-retry').click();
    await expect(page.getByTestId('part-error')).toHaveCount(0);
    await expect(page.getByRole('button', { name: '课程' })).toBeVisible();
    await expect(page.getByTestId('lang-select')).toHaveValue('zh');
  });
});

test('choosing Chinese while its messages cannot be downloaded asks once, says so, and Retry switches the page', async ({ page }) => {
  let refuse = true;
  let asked = 0;
  await page.route(/\/assets\/zh-[\w-]+\.js(\?.*)?$/, (route) => {
    asked++;
    return refuse ? route.abort('internetdisconnected') : route.fallback();
  });
  await firstPageLoads(page);
  await page.getByTestId('lang-select').selectOption('zh');
  const error = page.getByTestId('part-error');
  await expect(error).toContainText('The Chinese messages (中文界面) could not be downloaded');
  // The choice is kept; the page stays in English and the download is not asked for again by itself.
  await expect(page.getByTestId('lang-select')).toHaveValue('zh');
  await expect(page.getByRole('button', { name: 'Lessons' })).toBeVisible();
  expect(asked).toBe(1);
  refuse = false;
  await error.getByTestId('part-retry').click();
  await expect(page.getByRole('button', { name: '课程' })).toBeVisible();
  await expect(page.getByTestId('part-error')).toHaveCount(0);
  expect(asked).toBe(2);
});

test('the Runs worker failing to download says so; Run again works once it can load', async ({ page }) => {
  await firstPageLoads(page);
  await sendShowsHops(page);
  let refuse = true;
  await page.route(/\/assets\/distribution\.worker-[\w-]+\.js(\?.*)?$/, (route) => (refuse ? route.abort('internetdisconnected') : route.fallback()));
  await page.getByTestId('tab-distribution').click();
  await page.getByTestId('dist-run').click();
  await expect(page.getByTestId('dist-error')).toHaveText('The worker that sends the requests could not be loaded. Check the network connection, then press Run again.');
  await expect(page.getByTestId('canvas')).toHaveAttribute('data-laid-out', 'true');
  refuse = false;
  await page.getByTestId('dist-run').click();
  await expect(page.getByTestId('dist-n')).toContainText('requests counted');
  await expect(page.getByTestId('dist-error')).toHaveCount(0);
});

test('the canvas layout worker failing to download says so over the canvas, and Retry lays it out', async ({ page }) => {
  let refuse = true;
  await page.route(/\/assets\/elk-worker[\w.-]*\.js(\?.*)?$/, (route) => (refuse ? route.abort('internetdisconnected') : route.fallback()));
  // A lesson: the default scenario's layout comes with the build (known-layouts.ts), a lesson's needs ELK.
  await page.goto('/#lesson=hairpin');
  const error = page.getByTestId('canvas').getByTestId('part-error');
  await expect(error).toContainText('The layout engine for the canvas could not be loaded', { timeout: 60_000 });
  await expect(page.getByTestId('scenario-title')).not.toHaveText('');
  refuse = false;
  await error.getByTestId('part-retry').click();
  await expect(page.getByTestId('canvas')).toHaveAttribute('data-laid-out', 'true');
  await expect(page.getByTestId('part-error')).toHaveCount(0);
});
