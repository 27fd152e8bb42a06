import { expect, test } from '@playwright/test';

test('the lab opens without console errors', async ({ page }) => {
  const errors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto('/');
  await expect(page.getByTestId('app')).toBeVisible();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('netlab');
  expect(errors).toEqual([]);
});
