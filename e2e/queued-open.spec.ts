// A file opened while the engines are still loading (drop, file picker) waits for them and opens
// once they arrive (the last one opened wins); the page says it is waiting. If the engines fail to
// download, the page says so and keeps the file: Retry loads them and opens it.
import { expect, test, type Page } from '@playwright/test';
import { LabPage } from './lab-page';

const ENGINES = /\/assets\/engines-[\w-]+\.js(\?.*)?$/;

const node = (name: string) => `apiVersion: v1
kind: Node
metadata:
  name: ${name}
`;

/** Holds the engines' chunk back (a slow network) until the returned function is called. */
async function holdEngines(page: Page): Promise<() => void> {
  let release: () => void = () => undefined;
  const held = new Promise<void>((r) => (release = r));
  await page.route(ENGINES, async (route) => {
    await held;
    await route.fallback();
  });
  return release;
}

test('a file opened while the engines load opens when they arrive; the last one opened wins', async ({ page }) => {
  const release = await holdEngines(page);
  const lab = new LabPage(page);
  await page.goto('/');
  await expect(page.getByTestId('canvas-starting')).toBeVisible();
  // The file picker first, then a drop: both while the engines are on their way.
  await page.getByTestId('file-input').setInputFiles([{ name: 'alpha.yaml', mimeType: 'application/yaml', buffer: Buffer.from(node('alpha')) }]);
  const report = page.getByTestId('load-errors');
  await expect(report).toHaveAttribute('data-state', 'waiting');
  await expect(report).toContainText('The lab is still loading its engines: alpha.yaml opens as soon as they arrive.');
  await page.getByTestId('lang-select').selectOption('zh');
  await expect(report).toContainText('实验仍在加载引擎：引擎加载完成后将立即打开 alpha.yaml。');
  await page.getByTestId('lang-select').selectOption('en');
  await lab.dropFiles([{ name: 'beta.yaml', text: node('beta') }]);
  await expect(report).toContainText('beta.yaml opens as soon as they arrive');

  release();
  await expect(page.getByTestId('canvas')).toHaveAttribute('data-laid-out', 'true');
  await expect(lab.canvasNode('beta')).toBeVisible();
  await expect(lab.canvasNode('alpha')).toHaveCount(0);
  // The default scenario's nodes are gone: the file replaced it.
  await expect(lab.canvasNode('node-1')).toHaveCount(0);
  await expect(report).toHaveCount(0);
});

test('the engines failing to download say so and keep the file; Retry opens it', async ({ page }) => {
  let refuse = true;
  await page.route(ENGINES, (route) => (refuse ? route.abort('internetdisconnected') : route.fallback()));
  const lab = new LabPage(page);
  await page.goto('/');
  await expect(page.getByTestId('part-error')).toContainText('The lab engines could not be downloaded');
  // The default scenario's frame stays drawn, no longer said to be loading.
  await expect(page.getByTestId('canvas-starting')).toHaveText('The lab has not started: its engines could not be downloaded.');
  await lab.dropFiles([{ name: 'gamma.yaml', text: node('gamma') }]);
  const report = page.getByTestId('load-errors');
  await expect(report).toHaveAttribute('data-state', 'kept');
  await expect(report).toContainText('The lab engines could not be downloaded, so gamma.yaml is not open yet. It is kept: Retry, and it opens once they load.');
  await page.getByTestId('lang-select').selectOption('zh');
  await expect(report).toContainText('实验引擎未能下载，gamma.yaml 尚未打开。文件已保留');
  await page.getByTestId('lang-select').selectOption('en');
  refuse = false;
  await page.getByTestId('part-retry').click();
  await expect(page.getByTestId('canvas')).toHaveAttribute('data-laid-out', 'true');
  await expect(lab.canvasNode('gamma')).toBeVisible();
  await expect(report).toHaveCount(0);
});

test('a lesson link navigated to after a file was opened, both while the engines load: the link wins', async ({ page }) => {
  const release = await holdEngines(page);
  const lab = new LabPage(page);
  await page.goto('/');
  await expect(page.getByTestId('canvas-starting')).toBeVisible();
  await lab.dropFiles([{ name: 'delta.yaml', text: node('delta') }]);
  await expect(page.getByTestId('load-errors')).toHaveAttribute('data-state', 'waiting');
  await page.evaluate(() => (location.hash = '#lesson=hairpin'));
  await expect(page.getByTestId('load-errors')).toHaveCount(0);
  release();
  await expect(page.getByTestId('lesson')).toBeVisible();
  await expect(page.getByTestId('canvas')).toHaveAttribute('data-laid-out', 'true');
  await expect(lab.canvasNode('delta')).toHaveCount(0);
});
