// The README's `npm run dev`: the same journeys against the Vite dev server, where React runs in
// StrictMode's development behaviour (effects mounted, unmounted and mounted again). Every other
// browser test runs on the production build; this one is the project "dev" in playwright.config.ts.
import { expect, test } from '@playwright/test';
import { aLessonOpens, everyDialogOpensAndCloses, firstPageLoads, sendShowsHops } from './journeys';

test('dev server: first page, Send, every dialog opens and closes, a lesson opens', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  await firstPageLoads(page);
  await sendShowsHops(page);
  await everyDialogOpensAndCloses(page);
  await aLessonOpens(page);
  expect(errors).toEqual([]);
});

test('dev server: two bad hosts lines are two errors with keys of their own (no React key warning)', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  await firstPageLoads(page);
  await page.getByTestId('tab-request').click();
  await page.getByTestId('clients').locator('summary').click();
  await page.getByTestId('client-add').click();
  await page.getByTestId('client-name').fill('c3');
  await page.getByTestId('client-address').fill('198.51.100.9');
  await page.getByTestId('client-hosts').fill('garbage line here\nfoo');
  await page.getByTestId('client-save').click();
  await expect(page.getByTestId('client-error-hosts')).toHaveCount(2);
  await expect(page.getByTestId('client-error-hosts').last()).toContainText('Line 2, "foo"');
  expect(errors).toEqual([]);
});
