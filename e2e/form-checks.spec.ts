// Fields that were read wrong without a word (QA): an emptied Replicas field scaled web to 0, a
// repeat count of 0, -3 or 1.5 sent one request, a URL with a made-up scheme was looked up in DNS.
// Each is now refused beside its field, saying what and where, and nothing changes. And the open
// lesson's card in the gallery, which did nothing, goes back to the lesson where it was.
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

test('Composer: a repeat count of 0, -3 or 1.5 is an error beside it and Send waits; Chinese too', async ({ page }) => {
  const problems = watch(page);
  const lab = new LabPage(page);
  await lab.open();
  await page.getByTestId('tab-request').click();
  await page.getByTestId('composer-saved').selectOption('laptop-nodeport');
  const repeat = page.getByTestId('composer-repeat');
  const send = page.getByTestId('composer-send');
  const error = page.getByTestId('composer-repeat-error');
  await expect(send).toBeEnabled();

  for (const [typed, words] of [
    ['0', 'How many times to send: 0 is out of range; write a whole number from 1 to 50.'],
    ['-3', 'How many times to send: -3 is out of range; write a whole number from 1 to 50.'],
    ['1.5', 'How many times to send: "1.5" is not a whole number; write one from 1 to 50.'],
    ['', 'How many times to send is empty: write a whole number from 1 to 50.'],
  ]) {
    await repeat.fill(typed!);
    await expect(repeat).toHaveValue(typed!);
    await expect(error).toHaveText(words!);
    await expect(send).toBeDisabled();
    await expect(send).toHaveAttribute('aria-describedby', 'composer-repeat-error');
  }
  // Enter in the field does not send either.
  await repeat.press('Enter');
  expect((await state(page)).playback.runs).toHaveLength(0);

  await page.getByTestId('lang-select').selectOption('zh');
  await expect(error).toHaveText('发送次数为空：请填写 1 到 50 之间的整数。');
  await page.getByTestId('lang-select').selectOption('en');

  await repeat.fill('3');
  await expect(error).toHaveCount(0);
  await send.click();
  await expect(page.getByTestId('trace-result')).toBeVisible();
  expect((await state(page)).playback.runs).toHaveLength(3);
  expect(problems).toEqual([]);
});

test('Composer: a URL with a scheme that is not http(s) is an error beside the URL, not a DNS lookup', async ({ page }) => {
  const lab = new LabPage(page);
  await lab.open();
  await page.getByTestId('tab-request').click();
  await page.getByTestId('composer-url').fill('ht!tp://::bad');
  await expect(page.getByTestId('composer-url-error')).toHaveText(
    'Scheme "ht!tp" in "ht!tp://::bad" is not supported: only http and https.',
  );
  await expect(page.getByTestId('composer-send')).toBeDisabled();
});

test('the open lesson\'s card says so, and clicking it goes back to the lesson at its step', async ({ page }) => {
  const problems = watch(page);
  const lab = new LabPage(page);
  await lab.open('/#lesson=hairpin');
  await page.getByTestId('predict-choice-1').click();
  await page.getByTestId('predict-reveal').click();
  await page.getByTestId('lesson-next').click();
  await expect(page.getByTestId('lesson-progress')).toHaveText('Step 2 of 3');

  await page.getByTestId('open-gallery').click();
  const card = page.getByTestId('gallery-card-hairpin');
  await expect(card).toHaveAttribute('aria-current', 'true');
  await expect(card.getByTestId('gallery-card-open')).toHaveText('Open now, at step 2 of 3: click to go back to it.');
  await card.click();
  await expect(page.getByTestId('gallery')).toBeHidden();
  // Where it was: the step, and the prediction made at step 1.
  await expect(page.getByTestId('lesson-progress')).toHaveText('Step 2 of 3');
  await expect(page.getByTestId('lesson-score')).toHaveText('1 of 1 predictions right');

  // Another lesson's card opens that lesson, as before.
  await page.getByTestId('open-gallery').click();
  await expect(page.getByTestId('gallery-card-why-masquerade')).not.toHaveAttribute('aria-current', 'true');
  await page.getByTestId('gallery-card-why-masquerade').click();
  await expect(page.getByTestId('gallery')).toBeHidden();
  expect(page.url()).toContain('#lesson=why-masquerade');
  await expect(page.getByTestId('lesson-progress')).toHaveText('Step 1 of 3');
  expect(problems).toEqual([]);
});
