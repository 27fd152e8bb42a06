// The default scenario's first frame (src/ui/canvas/known-layouts.ts): its real objects are drawn
// while the engines load, said to be loading and not yet selectable; the lab that opens draws the
// same objects. A share link or lesson never shows the default scenario's frame.
import { expect, test, type Page } from '@playwright/test';

/** Holds the engines' chunk back until the returned function is called. */
async function holdEngines(page: Page): Promise<() => void> {
  let release: () => void = () => undefined;
  const held = new Promise<void>((r) => (release = r));
  await page.route(/\/assets\/engines-[\w-]+\.js(\?.*)?$/, async (route) => {
    await held;
    await route.fallback();
  });
  return release;
}

test('the default scenario is drawn while the engines load, marked as loading, then opens as the lab', async ({ page }) => {
  const release = await holdEngines(page);
  await page.goto('/');
  const canvas = page.getByTestId('canvas');
  await expect(page.getByTestId('canvas-starting')).toHaveText('Starting the lab: loading the engines…');
  await expect(canvas).toHaveAttribute('aria-busy', 'true');
  await expect(canvas).toHaveAttribute('data-laid-out', 'false');
  // The scenario's real objects, with the addresses the control plane gives them.
  await expect(page.getByTestId('canvas-node-node-1')).toContainText(/192\.168\.49\.\d+/);
  await expect(page.locator('[data-testid^="canvas-pod-default-web-"]')).toHaveCount(2);
  const drawn = await page.locator('.react-flow__node').allInnerTexts();
  // Nothing to select or inspect yet: a click goes through to the pane.
  await page.getByTestId('canvas-node-node-1').click({ position: { x: 40, y: 12 }, force: true });
  await expect(page.locator('.react-flow__node.selected')).toHaveCount(0);
  // The composer waits for the tracer, and says it is loading, not that it is missing.
  await expect(page.getByTestId('tracer-loading')).toHaveText('The request tracer is loading…');
  await expect(page.getByTestId('tracer-unavailable')).toHaveCount(0);
  await expect(page.getByTestId('composer-send')).toBeDisabled();
  await page.getByTestId('lang-select').selectOption('zh');
  await expect(page.getByTestId('tracer-loading')).toHaveText('请求追踪器加载中…');
  await page.getByTestId('lang-select').selectOption('en');

  release();
  await expect(canvas).toHaveAttribute('data-laid-out', 'true');
  await expect(canvas).toHaveAttribute('aria-busy', 'false');
  await expect(page.getByTestId('canvas-starting')).toHaveCount(0);
  expect(await page.locator('.react-flow__node').allInnerTexts()).toEqual(drawn);
  await page.getByTestId('canvas-node-node-1').click({ position: { x: 40, y: 12 } });
  await expect(page.locator('.react-flow__node.selected')).toHaveCount(1);
  await expect(page.getByTestId('tracer-loading')).toHaveCount(0);
  await expect(page.getByTestId('tracer-unavailable')).toHaveCount(0);
});

test('a lesson in the URL does not show the default scenario while the engines load', async ({ page }) => {
  const release = await holdEngines(page);
  await page.goto('/#lesson=hairpin');
  await expect(page.getByTestId('app')).toBeVisible();
  await expect(page.getByTestId('canvas-starting')).toHaveCount(0);
  await expect(page.locator('.react-flow__node')).toHaveCount(0);
  release();
  await expect(page.getByTestId('lesson')).toBeVisible();
  await expect(page.getByTestId('canvas')).toHaveAttribute('data-laid-out', 'true');
});

test("index.html's hidden line asks for every font the first frame's text uses, and leaves with the first paint", async ({ page }) => {
  // Read when the canvas's first node enters the document: the first frame's DOM, before its paint.
  await page.addInitScript(() => {
    const fonts = (els: Iterable<Element>) =>
      [...els].map((el) => {
        const s = getComputedStyle(el);
        return `${s.fontWeight} ${s.fontSize} ${s.fontStyle} ${s.fontFamily}`;
      });
    new MutationObserver((_, obs) => {
      if (!document.querySelector('.react-flow__node')) return;
      obs.disconnect();
      const withText = [...document.querySelectorAll('#root *')].filter(
        (el) =>
          [...el.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.textContent?.trim()) ||
          ((el.tagName === 'SELECT' || el.tagName === 'INPUT' || el.tagName === 'TEXTAREA') && el.checkVisibility()),
      );
      const w = window as unknown as { firstFrameFonts: string[]; warmedFonts: string[] };
      w.firstFrameFonts = [...new Set(fonts(withText))];
      w.warmedFonts = fonts(document.querySelectorAll('#font-warmup > span'));
    }).observe(document, { subtree: true, childList: true });
  });
  await page.goto('/');
  await expect(page.getByTestId('canvas')).toHaveAttribute('data-laid-out', 'true');
  const { used, warmed } = await page.evaluate(() => {
    const w = window as unknown as { firstFrameFonts: string[]; warmedFonts: string[] };
    return { used: w.firstFrameFonts, warmed: w.warmedFonts };
  });
  expect(used.length).toBeGreaterThan(5);
  // A font missing here: add a span with its weight, size and family variable to index.html.
  expect(used.filter((f) => !warmed.includes(f))).toEqual([]);
  await expect(page.locator('#font-warmup')).toHaveCount(0);
});
