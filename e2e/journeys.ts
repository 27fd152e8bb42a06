// The main journeys a newcomer takes, through the UI only (no test API: the dev server and the
// offline test run them too): the first page, Send, each dialog opened and closed, a lesson.
import { expect, type Page } from '@playwright/test';

const DIALOGS = [
  { button: 'open-gallery', dialog: 'gallery' },
  { button: 'open-paste', dialog: 'paste-dialog' },
  { button: 'open-export', dialog: 'export-dialog' },
  { button: 'open-edit', dialog: 'edit-dialog' },
  { button: 'open-share', dialog: 'share-dialog' },
] as const;

/** The first page: the app, a scenario's title, and its canvas laid out with its nodes. */
export async function firstPageLoads(page: Page, path = '/') {
  await page.goto(path);
  // The dev server compiles modules on first request: its first page may be slow on a loaded machine.
  await expect(page.getByTestId('app')).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('canvas')).toHaveAttribute('data-laid-out', 'true', { timeout: 60_000 });
  await expect(page.getByTestId('scenario-title')).not.toHaveText('');
  await expect(page.locator('[data-testid^="canvas-node-"]').first()).toBeVisible();
  await expect(page.getByTestId('open-share')).toBeEnabled();
}

/** Send the composer's request: the hop inspector opens on hop 1 of the trace. */
export async function sendShowsHops(page: Page) {
  await page.getByTestId('tab-request').click();
  await page.getByTestId('composer-send').click();
  await expect(page.getByTestId('tab-hop')).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('hop-counter')).toHaveText(/ \d+ .* \d+$/);
  await expect(page.getByTestId('hop-explanation')).not.toHaveText('');
}

/** Every toolbar dialog opens, stays open, and closes: by Escape and by its × button. */
export async function everyDialogOpensAndCloses(page: Page) {
  for (const [i, { button, dialog }] of DIALOGS.entries()) {
    await page.getByTestId(button).click();
    const d = page.getByTestId(dialog);
    await expect(d).toBeVisible();
    // Still open a moment later: under StrictMode a dialog used to close itself right away.
    await expect(d).toHaveJSProperty('open', true);
    await expect(page.getByTestId('part-error')).toHaveCount(0);
    if (i % 2 === 0) await page.keyboard.press('Escape');
    else await d.getByRole('button', { name: /^(Close|关闭)$/ }).first().click();
    await expect(d).toHaveCount(0);
  }
}

/** A lesson from the gallery opens with its text and can run its request. */
export async function aLessonOpens(page: Page, id = 'hairpin') {
  await page.getByTestId('open-gallery').click();
  await expect(page.getByTestId('gallery')).toBeVisible();
  await page.getByTestId(`gallery-card-${id}`).click();
  await expect(page.getByTestId('gallery')).toHaveCount(0);
  await expect(page.getByTestId('lesson')).toBeVisible();
  await expect(page.getByTestId('lesson-text')).not.toHaveText('');
  await expect(page.getByTestId('canvas')).toHaveAttribute('data-laid-out', 'true');
  expect(page.url()).toContain(`lesson=${id}`);
}
