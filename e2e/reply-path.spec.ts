// The reply in the lab (issue 17): the lesson "Why does kube-proxy masquerade?" sends a pod's call
// to another node's Local NodePort; stepping on past the server's answer walks the reply hops,
// drawn dotted on the canvas with a legend naming the node the reply skips; the inspector marks
// them, shows the conntrack entries of the node crossed, and at the end the timeout's fault.
import { expect, test, type Page } from '@playwright/test';
import { LabPage } from './lab-page';

const PAUSE_AT_START = 'const s = store.getState(); if (s.playback.playing) s.togglePlay(); s.seek(0);';

/** Steps forward until the current hop is a reply hop; returns its 1-based number. */
async function stepIntoReply(page: Page): Promise<number> {
  const counter = page.getByTestId('hop-counter');
  for (let i = 0; i < 40; i++) {
    if (await page.getByTestId('hop-reply-tag').isVisible()) break;
    await page.getByTestId('playback-forward').click();
  }
  await expect(page.getByTestId('hop-reply-tag')).toBeVisible();
  const text = (await counter.textContent()) ?? '';
  return Number(/\d+/.exec(text)?.[0]);
}

test('the asymmetric return: step into the reply hops, see conntrack and why the call times out', async ({ page }) => {
  const lab = new LabPage(page);
  await page.setViewportSize({ width: 1440, height: 900 });
  await lab.open('/#lesson=why-masquerade');
  await page.getByTestId('predict-choice-2').click();
  await page.getByTestId('predict-reveal').click();
  await expect(page.getByTestId('predict-answer')).toHaveAttribute('data-right', 'true');
  await page.getByTestId('lesson-run').click();

  await expect(page.getByTestId('trace-result')).toContainText('Timed out');
  await expect(page.getByTestId('trace-result')).toContainText('default/web');
  // Pause whatever plays, then walk by hand from the first hop.
  await lab.setState(PAUSE_AT_START);
  await expect(page.getByTestId('hop-reply-tag')).toHaveCount(0);

  const first = await stepIntoReply(page);
  expect(first).toBeGreaterThan(1);
  await expect(page.getByTestId('hop-counter')).toContainText('reply');
  // The canvas draws the reply in its own style, and says it does not come back through node-2.
  const replySegs = page.locator('[data-testid="route-seg"][data-direction="reply"]');
  expect(await replySegs.count()).toBeGreaterThan(0);
  await expect(page.locator('[data-testid="route-seg"][data-direction="request"]').first()).toBeVisible();
  await expect(page.getByTestId('route-legend')).toHaveAttribute('data-retraces', 'false');
  await expect(page.getByTestId('route-legend-path')).toContainText('node-2');

  // node-1 carries the reply back, but holds no entry that could undo node-2's DNAT: the inspector says so.
  for (let i = 0; i < 10 && !(await page.getByTestId('hop-conntrack').isVisible()); i++) {
    await page.getByTestId('playback-forward').click();
  }
  await expect(page.getByTestId('hop-reply-tag')).toBeVisible();
  await expect(page.getByTestId('hop-conntrack-none')).toBeVisible();
  await page.keyboard.press('End');
  await expect(page.getByTestId('hop-reply-tag')).toBeVisible();
  await expect(page.getByTestId('playback-forward')).toBeDisabled();

  // The last hop: the client refuses the stray answer, and the fault explains the timeout.
  await expect(page.getByTestId('hop-fault')).toBeVisible();
  await expect(page.getByTestId('hop-fault-message')).toContainText('node-2');
  // The fault quotes node-2's conntrack entry, the one the reply never met, as `conntrack -L` prints it.
  await expect(page.getByTestId('hop-fault-message')).toContainText(/src=\S+ dst=192\.168\.49\.3 sport=\d+ dport=30081/);

  await lab.setState('store.getState().setLang("zh")');
  await expect(page.getByTestId('hop-counter')).toContainText('回包');
  await expect(page.getByTestId('hop-reply-tag')).toHaveText('回包');
  await expect(page.getByTestId('route-legend-path')).toContainText('node-2');
  await expect(page.getByTestId('route-legend-path')).toContainText('回包');
  await expect(page.getByTestId('trace-result')).toContainText('超时');
});

test('the fix by masquerade: the reply retraces the request through node-2', async ({ page }) => {
  const lab = new LabPage(page);
  await lab.open('/#lesson=why-masquerade&lesson-step=2');
  await expect(page.getByTestId('lesson-progress')).toHaveText('Step 2 of 3');
  await page.getByTestId('predict-choice-1').click();
  await page.getByTestId('predict-reveal').click();
  await page.getByTestId('lesson-run').click();
  await expect(page.getByTestId('trace-result')).toContainText('Response');
  await expect(page.getByTestId('trace-result')).toContainText('192.168.49.3');
  await lab.setState(PAUSE_AT_START);
  await stepIntoReply(page);
  await expect(page.getByTestId('route-legend')).toHaveAttribute('data-retraces', 'true');
  // node-2 undoes both rewrites from its conntrack entry, shown as `conntrack -L` prints it.
  for (let i = 0; i < 10 && (await page.getByTestId('hop-conntrack-entry').count()) === 0; i++) {
    await page.getByTestId('playback-forward').click();
  }
  await expect(page.getByTestId('hop-conntrack-entry').first()).toContainText(/^tcp\s+6 \d+ ESTABLISHED src=10\.244\.0\.2 dst=192\.168\.49\.3 sport=\d+ dport=30080 src=10\.244\.0\.3 dst=192\.168\.49\.3/);
  await expect(page.getByTestId('hop-conntrack-entry').first().locator('xpath=ancestor::li')).toContainText('node-2');
});
