// Fields that were read wrong without a word (QA): an emptied Replicas field scaled web to 0.
// Each is now refused beside its field, saying what and where, and nothing changes.
import { expect, test, type Page } from '@playwright/test';
import { LabPage } from './lab-page';

type Store = { getState(): { scenario: { past: unknown[] }; playback: { runs: unknown[] } } };
const state = (page: Page) => page.evaluate(() => (window as unknown as { __netlab: { store: Store } }).__netlab.store.getState());

function watch(page: Page) {
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  return problems;
}

test('Scale: an emptied or fractional Replicas field is refused beside it, and web keeps its 2 pods', async ({ page }) => {
  const problems = watch(page);
  const lab = new LabPage(page);
  await lab.open();
  await page.getByTestId('open-edit').click();
  const replicas = page.getByTestId('edit-scale-replicas');
  await expect(replicas).toHaveValue('2');
  const apply = page.getByTestId('edit-scale').getByRole('button', { name: 'Apply' });

  await replicas.fill('');
  await apply.click();
  const error = page.getByTestId('edit-scale-replicas-error');
  await expect(error).toHaveText('Replicas of default/web is empty: write a whole number from 0 to 1000.');
  await expect(replicas).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByTestId('edit-outcome')).toHaveCount(0);

  await replicas.fill('1.5');
  await apply.click();
  await expect(error).toHaveText('Replicas of default/web: "1.5" is not a whole number; write one from 0 to 1000.');
  await replicas.fill('1001');
  await expect(error).toContainText('1001 is out of range');
  expect((await state(page)).scenario.past).toHaveLength(0);

  // A whole number goes through as before.
  await replicas.fill('3');
  await expect(error).toHaveCount(0);
  await apply.click();
  await expect(page.getByTestId('edit-outcome')).toContainText('Scaled up replica set');
  expect((await state(page)).scenario.past).toHaveLength(1);

  // The Ingress rule's backend port: empty is not port 0.
  const port = page.getByTestId('edit-ingress-port');
  await port.fill('');
  await page.getByTestId('edit-ingress').getByRole('button', { name: 'Apply' }).click();
  await expect(page.getByTestId('edit-ingress-port-error')).toHaveText(
    'Port of Service web is empty: write a whole number from 1 to 65535.',
  );
  expect((await state(page)).scenario.past).toHaveLength(1);
  expect(problems).toEqual([]);
});
