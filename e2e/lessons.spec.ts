// Predict-then-reveal is a question: no reveal (and no request, hop or next step) before a
// prediction; what was predicted is recorded, marked right or wrong with the reason, counted in
// the progress, kept across a reload, and summed up at the end. "Start over" forgets it.
import { expect, test } from '@playwright/test';
import { LabPage } from './lab-page';

test('a prediction must be made before the reveal; it is marked with the reason and counted', async ({ page }) => {
  const lab = new LabPage(page);
  await lab.open('/#lesson=hairpin');
  const lesson = page.getByTestId('lesson');
  await expect(lesson.getByTestId('lesson-progress')).toHaveText('Step 1 of 3');
  await expect(page.getByTestId('predict-reveal')).toBeDisabled();
  // Nothing that would give the answer away works before the prediction.
  await expect(page.getByTestId('lesson-run')).toBeDisabled();
  await expect(page.getByTestId('lesson-next')).toBeDisabled();
  await expect(page.getByTestId('predict-answer')).toHaveCount(0);
  await expect(page.getByTestId('lesson-score')).toHaveCount(0);

  await page.getByTestId('predict-choice-0').click();
  await expect(page.getByTestId('predict-choice-0')).toHaveAttribute('aria-checked', 'true');
  // Choosing is not revealing: the learner may still change their mind.
  await expect(page.getByTestId('predict-answer')).toHaveCount(0);
  await expect(page.getByTestId('predict-reveal')).toBeEnabled();
  await page.getByTestId('predict-reveal').click();

  const answer = page.getByTestId('predict-answer');
  await expect(answer).toHaveAttribute('data-right', 'false');
  await expect(answer).toContainText('Not quite: the answer is “Without SNAT the pod would answer itself directly and drop the reply”.');
  await expect(answer).toContainText('Why: The reply would go pod→pod without the reverse DNAT');
  await expect(page.getByTestId('predict-choice-0')).toHaveClass(/is-wrong/);
  await expect(page.getByTestId('predict-choice-1')).toHaveClass(/is-right/);
  await expect(page.getByTestId('predict-choice-1')).toBeDisabled();
  await expect(page.getByTestId('lesson-score')).toHaveText('0 of 1 predictions right');
  await expect(page.getByTestId('lesson-run')).toBeEnabled();
  await expect(page.getByTestId('lesson-next')).toBeEnabled();
});

test('lesson progress survives a reload, the end shows a summary, and "start over" forgets it', async ({ page }) => {
  const lab = new LabPage(page);
  await lab.open('/#lesson=hairpin');
  await page.getByTestId('predict-choice-1').click();
  await page.getByTestId('predict-reveal').click();
  await expect(page.getByTestId('predict-answer')).toHaveAttribute('data-right', 'true');
  await page.getByTestId('lesson-next').click();
  await expect(page.getByTestId('lesson-progress')).toHaveText('Step 2 of 3');

  await page.reload();
  await expect(page.getByTestId('lesson-progress')).toHaveText('Step 2 of 3');
  await expect(page.getByTestId('lesson-score')).toHaveText('1 of 1 predictions right');
  await page.getByTestId('lesson-prev').click();
  // The prediction made before the reload is still the one recorded.
  await expect(page.getByTestId('predict-answer')).toHaveAttribute('data-right', 'true');
  await expect(page.getByTestId('predict-choice-1')).toHaveAttribute('aria-checked', 'true');
  await expect(page.getByTestId('predict-reveal')).toHaveCount(0);

  // Opened again from its plain address (no step in it): where the learner left off.
  await page.getByTestId('lesson-next').click();
  await page.getByTestId('lesson-next').click();
  await expect(page.getByTestId('lesson-progress')).toHaveText('Step 3 of 3');
  await page.getByTestId('lesson-finish').click();
  const summary = page.getByTestId('lesson-summary');
  await expect(summary).toContainText('Lesson complete.');
  await expect(page.getByTestId('lesson-summary-score')).toHaveText('3 steps; 1 of 1 predictions right.');
  await expect(summary.getByTestId('lesson-summary-item')).toHaveCount(1);
  await expect(summary.getByTestId('lesson-summary-item')).toContainText('Why must the source be rewritten? ✓');
  await page.reload();
  await expect(page.getByTestId('lesson-summary')).toBeVisible();

  await page.getByTestId('lesson-summary-restart').click();
  await expect(page.getByTestId('lesson-progress')).toHaveText('Step 1 of 3');
  await expect(page.getByTestId('predict-reveal')).toBeDisabled();
  await expect(page.getByTestId('lesson-score')).toHaveCount(0);
  await page.reload();
  await expect(page.getByTestId('lesson-progress')).toHaveText('Step 1 of 3');
  await expect(page.getByTestId('predict-answer')).toHaveCount(0);
});

test('a lesson in Chinese: the prediction, its reason and the progress are all in Chinese', async ({ page }) => {
  const lab = new LabPage(page);
  await page.setViewportSize({ width: 1280, height: 720 });
  await lab.open('/#lesson=hairpin');
  await lab.setState('store.getState().setLang("zh")');
  await expect(page.getByTestId('lesson-progress')).toHaveText('第 1 步，共 3 步');
  await page.getByTestId('predict-choice-1').click();
  await page.getByTestId('predict-reveal').click();
  await expect(page.getByTestId('predict-answer')).toContainText('答对了。');
  await expect(page.getByTestId('predict-answer')).toContainText('原因：回包会 pod→pod 直达');
  await expect(page.getByTestId('lesson-score')).toHaveText('预测正确 1 / 1');
  await page.screenshot({ path: 'test-results/screens/lesson-predicted-zh-1280.png' });
});
