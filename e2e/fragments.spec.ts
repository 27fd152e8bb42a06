// A URL fragment the page cannot use does not fall back in silence: a short notice says what it was
// and what opened instead, it can be dismissed, and the address is corrected to what is shown.
import { expect, test } from '@playwright/test';
import { LabPage } from './lab-page';

for (const fragment of ['#lesson=', '#lesson=bad%20id', '#foo=bar', '#%E0%A4%A']) {
  test(`${fragment} says it opened the default lab and drops the fragment`, async ({ page }) => {
    const lab = new LabPage(page);
    await lab.open(`/${fragment}`);
    const notice = page.getByTestId('notice');
    await expect(notice).toContainText('so it opened the default lab instead');
    await expect(notice).toContainText(`“${fragment}”`);
    await expect.poll(() => page.evaluate(() => location.hash)).toBe('');
    await notice.getByRole('button').click();
    await expect(notice).toHaveCount(0);
  });
}

for (const [step, asked, shown] of [['999', '999', 3], ['0', '0', 1], ['abc', 'abc', 1]] as const) {
  test(`lesson-step=${step} says which step is shown and the address follows`, async ({ page }) => {
    const lab = new LabPage(page);
    await lab.open(`/#lesson=hairpin&lesson-step=${step}`);
    await expect(page.getByTestId('notice')).toContainText(`no step “${asked}” (it has 3): showing step ${shown}`);
    await expect.poll(() => page.evaluate(() => location.hash)).toContain(`lesson-step=${shown}`);
  });
}

test('a fragment typed over an open lab that the page cannot use says so and keeps the lab', async ({ page }) => {
  const lab = new LabPage(page);
  await lab.open('/');
  const title = await page.title();
  await page.evaluate(() => {
    location.hash = '#foo=bar';
  });
  const notice = page.getByTestId('notice');
  await expect(notice).toContainText('“#foo=bar”: the open lab stays as it was');
  await expect.poll(() => page.evaluate(() => location.hash)).toBe('');
  expect(await page.title()).toBe(title);
});
