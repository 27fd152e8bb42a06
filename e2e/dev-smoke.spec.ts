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
