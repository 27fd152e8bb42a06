// A link that does not open says why in the reader's language: the lab's own reasons are translated,
// and "damaged" is said once.
import { expect, test } from '@playwright/test';

const useChinese = (page: import('@playwright/test').Page) =>
  page.addInitScript(() => localStorage.setItem('netlab.preferences.v1', JSON.stringify({ lang: 'zh', theme: 'system' })));

test('a damaged link and a link from a newer netlab say why in Chinese', async ({ page }) => {
  await useChinese(page);
  await page.goto('/#s=2.aGVsbG8gd29ybGQ');
  await expect(page.getByTestId('notice')).toHaveText(/此链接无法打开：链接已损坏（数据无法解压）。未做任何更改。/);
  await page.goto('about:blank');
  await page.goto('/#s=3.abc');
  await expect(page.getByTestId('notice')).toContainText('它由更新版本的 netlab 生成（链接格式为 3，此版本最多读取 2）');
});

test('a damaged link says "damaged" once in English', async ({ page }) => {
  await page.goto('/#s=2.aGVsbG8gd29ybGQ');
  await expect(page.getByTestId('notice')).toContainText(
    'This link does not open: it is damaged (the data does not decompress). Nothing was changed.',
  );
});
