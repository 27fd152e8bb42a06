// The artifact viewer's find (Ctrl+F inside the viewer, Enter / Shift+Enter, Escape) over the
// real kube-proxy iptables-save and over a 50,000-line ruleset, and its diff after an edit: scaling
// the Deployment makes kube-proxy write new KUBE-SEP chains, which the diff shows as added lines.
import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import type { RenderedArtifact } from '../src/sim';
import { loadScenarioText } from '../src/scenario';
import { encodeShare } from '../src/scenario/share';
import { LabPage } from './lab-page';

const IPT = 'node/node-1/iptables-save';

type Api = { __netlab: { store: { getState(): { lab: { artifacts: Record<string, RenderedArtifact> } | null } } } };

/** The open artifact's lines, as the store has them. */
const artifactLines = (page: Page, id: string) => page.evaluate((x) => (window as unknown as Api).__netlab.store.getState().lab!.artifacts[x]!.lines.map((l) => l.text), id);

function watch(page: Page) {
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  return problems;
}

async function openViewer(page: Page) {
  const lab = new LabPage(page);
  await lab.open();
  await page.getByTestId('artifacts-toggle').click();
  await page.getByTestId('artifact-select').selectOption(IPT);
  await expect(page.getByTestId('artifact-viewer')).toContainText('KUBE-SERVICES');
  return lab;
}

test('search: Ctrl+F in the viewer, a KUBE-SVC chain marked everywhere, Enter / Shift+Enter step, Escape clears', async ({ page }) => {
  const problems = watch(page);
  await openViewer(page);
  const lines = await artifactLines(page, IPT);
  const chain = lines.map((l) => /^:(KUBE-SVC-\w+)/.exec(l)?.[1]).find(Boolean)!;
  expect(chain).toBeTruthy();
  const expected = lines.reduce((n, l) => n + l.split(chain).length - 1, 0);
  expect(expected).toBeGreaterThan(1);

  await page.getByTestId('artifact-scroll').focus();
  await page.keyboard.press('Control+f');
  const box = page.getByTestId('artifact-search');
  await expect(box).toBeFocused();
  await expect(box).toHaveAccessibleName('Search in this artifact');
  // Lower case: the search ignores case.
  await page.keyboard.type(chain.toLowerCase());
  const status = page.getByTestId('artifact-search-status');
  await expect(status).toHaveText(`1 of ${expected}`);
  await expect(page.getByTestId('search-current')).toHaveText(chain);
  await expect(page.getByTestId('search-current')).toBeInViewport();
  expect(await page.locator('mark.hit').count()).toBeGreaterThan(1);
  await page.keyboard.press('Enter');
  await expect(status).toHaveText(`2 of ${expected}`);
  await expect(page.getByTestId('search-current')).toBeInViewport();
  await page.keyboard.press('Shift+Enter');
  await page.keyboard.press('Shift+Enter');
  await expect(status).toHaveText(`${expected} of ${expected}`);
  await expect(page.getByTestId('search-current')).toBeInViewport();
  await page.getByTestId('artifact-search-next').click();
  await expect(status).toHaveText(`1 of ${expected}`);

  await box.fill('KUBE-SVC-NO-SUCH-CHAIN');
  await expect(status).toHaveText('No matches');
  await expect(page.getByTestId('artifact-search-next')).toBeDisabled();
  await expect(page.locator('mark.hit')).toHaveCount(0);
  await box.press('Escape');
  await expect(box).toHaveValue('');
  await expect(status).toHaveText('');

  await box.fill('kube-svc-');
  await page.getByTestId('lang-select').selectOption('zh');
  await expect(status).toHaveText(/^第 1 个，共 \d+ 个$/);
  await expect(page.getByTestId('artifact-search')).toHaveAccessibleName('在此产物中搜索');
  const total = (await status.innerText()).match(/共 (\d+) 个/)![1];
  await page.getByTestId('theme-select').selectOption('dark');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await box.press('Enter');
  await expect(status).toHaveText(`第 2 个，共 ${total} 个`);
  await page.getByTestId('lang-select').selectOption('en');
  await expect(status).toHaveText(`2 of ${total}`);
  expect(problems).toEqual([]);
});

test('search on a 50,000-line ruleset finds the match and scrolls the virtualised view to the match', async ({ page }) => {
  const lab = new LabPage(page);
  await lab.open();
  await lab.setState(
    `const lines = [];
     for (let i = 0; i < 50000; i++) lines.push({ text: '-A KUBE-SVC-BIG' + i + ' -m comment --comment "big/svc-' + i + ':http" -m statistic --mode random --probability 0.5 -j KUBE-SEP-BIG' + i });
     store.setState((s) => { s.lab.artifacts = { big: { id: 'big', kind: 'iptables-save', title: 'big iptables-save', lines } }; });`,
  );
  await page.getByTestId('artifacts-toggle').click();
  await expect(page.getByTestId('artifact-viewer')).toContainText('50000 lines');
  const box = page.getByTestId('artifact-search');
  // No duration asserted (a shared, loaded machine is slow at times): the one match, found and shown.
  await box.fill('kube-sep-big45678');
  await expect(page.getByTestId('artifact-search-status')).toHaveText('1 of 1');
  const current = page.getByTestId('search-current');
  await expect(current).toBeInViewport();
  // Far right on a long line: the viewer scrolled sideways too.
  await expect(current.locator('xpath=ancestor::div[@data-row]')).toHaveAttribute('data-row', '45678');
  expect(await page.locator('.artifact-line').count()).toBeLessThan(200);
  // A new query starts where the reader is, not back at the top.
  await box.press('Escape');
  await page.getByTestId('artifact-scroll').evaluate((e) => (e.scrollTop = 30_000 * 22));
  await expect(page.locator('[data-row="30000"]')).toBeInViewport();
  await box.fill('-j kube-sep-big');
  await expect(page.getByTestId('artifact-search-status')).toHaveText('30001 of 50000');
  // A one-letter query over the whole ruleset stops counting at the limit and says so.
  await box.fill('e');
  await expect(page.getByTestId('artifact-search-status')).toHaveText(/^\d+ of 100000\+$/);
});

test('diff: after scaling the Deployment, the iptables-save diff shows the new endpoint chains', async ({ page }) => {
  const problems = watch(page);
  await openViewer(page);
  const toggle = page.getByTestId('artifact-diff-toggle');
  await expect(toggle).toBeDisabled();
  await expect(page.getByTestId('artifact-diff-reason')).toHaveText('No edit since the lab was opened');
  const before = await artifactLines(page, IPT);

  await page.getByTestId('open-edit').click();
  await page.getByTestId('edit-scale-replicas').fill('5');
  await page.getByTestId('edit-scale').getByRole('button', { name: 'Apply' }).click();
  await expect(page.getByTestId('edit-outcome')).toContainText('ScalingReplicaSet');
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('edit-dialog')).toHaveCount(0);

  const after = await artifactLines(page, IPT);
  const added = after.filter((l) => !before.includes(l)).length;
  expect(added).toBeGreaterThan(0);
  await expect(toggle).toBeEnabled();
  await expect(toggle).toContainText(`+${added}`);
  await expect(toggle).toHaveAttribute('aria-pressed', 'false');
  await toggle.click();
  await expect(toggle).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByTestId('diff-added').first()).toBeVisible();
  await expect(page.getByTestId('diff-added').filter({ hasText: /KUBE-SEP-\w+/ }).first()).toBeVisible();
  await expect(page.getByTestId('diff-added').first().locator('.sign')).toHaveText('+');
  await expect(page.getByTestId('diff-fold').first()).toContainText(/… \d+ unchanged lines/);

  await page.getByTestId('theme-select').selectOption('dark');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await page.getByTestId('lang-select').selectOption('zh');
  await expect(toggle).toContainText('上次编辑以来的变化');
  await expect(page.getByTestId('diff-fold').first()).toContainText(/… \d+ 行未变/);
  await page.getByTestId('theme-select').selectOption('light');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
  await page.getByTestId('presenter-toggle').click();
  await expect(page.locator('html')).toHaveAttribute('data-presenter', 'on');
  await expect(page.getByTestId('diff-added').first()).toBeVisible();
  await page.getByTestId('presenter-toggle').click();
  await page.getByTestId('lang-select').selectOption('en');

  // Search works over the diff rows too, removed lines included.
  const gone = before.find((l) => !after.includes(l))!;
  expect(gone).toBeTruthy();
  await page.getByTestId('artifact-search').fill(gone);
  await expect(page.getByTestId('artifact-search-status')).toHaveText('1 of 1');
  await expect(page.getByTestId('search-current').locator('xpath=ancestor::div[@data-row]')).toHaveAttribute('data-testid', 'diff-removed');
  await expect(page.getByTestId('search-current')).toBeInViewport();
  await page.getByTestId('artifact-search').press('Escape');

  // A fold opens in place.
  const fold = page.getByTestId('diff-fold').first();
  const at = await fold.getAttribute('data-row');
  const hidden = Number(/(\d+)/.exec(await fold.innerText())![1]);
  const total = await page.locator('.artifact-scroll > div').evaluate((e) => e.getBoundingClientRect().height);
  await fold.getByRole('button').click();
  await expect(page.locator(`[data-row="${at}"]`)).not.toHaveAttribute('data-testid', 'diff-fold');
  await expect(page.locator(`[data-row="${at}"]`)).toHaveAttribute('data-line', /\d+/);
  expect(await page.locator('.artifact-scroll > div').evaluate((e) => e.getBoundingClientRect().height)).toBeCloseTo(total + (hidden - 1) * 22, 0);

  // Back to the plain view. Every artifact either offers its diff or says why not.
  await toggle.click();
  await expect(page.getByTestId('diff-added')).toHaveCount(0);
  const ids = await page.getByTestId('artifact-select').locator('option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
  for (const id of ids) {
    await page.getByTestId('artifact-select').selectOption(id);
    if (await toggle.isDisabled()) await expect(page.getByTestId('artifact-diff-reason')).toHaveText(/^(Unchanged by the last edit|New since the last edit)$/);
    else await expect(toggle).toHaveAccessibleName(/^Changes since the last edit: \d+ lines added, \d+ removed$/);
  }
  expect(problems).toEqual([]);
});

test('ingress-nginx reload: after scaling behind ingress-nginx, the nginx.conf diff shows the new upstream servers', async ({ page }) => {
  const problems = watch(page);
  const lab = new LabPage(page);
  await lab.open();
  await page.getByTestId('file-input').setInputFiles({ name: 'ingress-reload-vs-dynamic.json', mimeType: 'application/json', buffer: readFileSync('scenarios/ingress-reload-vs-dynamic.json') });
  await expect(page.getByTestId('scenario-title')).toContainText('reload');
  await page.getByTestId('artifacts-toggle').click();
  // One artifact per controller, titled by its IngressClass.
  const legacy = { label: 'nginx.conf (nginx-legacy)' };

  await page.getByTestId('open-edit').click();
  await page.getByTestId('edit-scale-replicas').fill('4');
  await page.getByTestId('edit-scale').getByRole('button', { name: 'Apply' }).click();
  await expect(page.getByTestId('edit-outcome')).toContainText('ScalingReplicaSet');
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('edit-dialog')).toHaveCount(0);

  const toggle = page.getByTestId('artifact-diff-toggle');
  await page.getByTestId('artifact-select').selectOption(legacy);
  // 2 -> 4 replicas: two new upstream servers, the running pods keep theirs.
  await expect(toggle).toHaveAccessibleName('Changes since the last edit: 2 lines added, 0 removed');
  await toggle.click();
  await expect(page.getByTestId('diff-added')).toHaveCount(2);
  for (const row of await page.getByTestId('diff-added').all()) await expect(row).toContainText(/server\s+10\.244\.\d+\.\d+:80;/);
  expect(problems).toEqual([]);
});

test('a no-endpoints fault links the EndpointSlice lines it was read from; the viewer opens and marks them', async ({ page }) => {
  const problems = watch(page);
  const r = loadScenarioText('x.json', readFileSync('scenarios/readiness-endpoints.json', 'utf8'));
  if (!r.ok) throw new Error('load');
  const lab = new LabPage(page);
  await lab.open(`/#${encodeShare({ scenario: r.scenario, request: 'api' })}`);
  await expect(page.getByTestId('trace-result')).toContainText('Connection refused');
  await page.keyboard.press('End');
  const refs = page.getByTestId('fault-refs');
  await expect(refs).toBeVisible();
  await expect(refs).toContainText('endpointslices/default/api:');
  await expect(refs.locator('code').first()).toHaveText('- addresses:');
  await refs.getByRole('button').first().click();
  await expect(page.getByTestId('artifact-select')).toHaveValue('endpointslices/default/api');
  const viewer = page.getByTestId('artifact-viewer');
  await expect(viewer).toContainText('apiVersion: discovery.k8s.io/v1');
  // The first line the fault points at is the one the viewer scrolls to and marks as deciding; the rest are marked as refs.
  await expect(viewer.locator('.is-deciding')).toContainText('- addresses:');
  await lab.setState('store.getState().setLang("zh")');
  await expect(page.getByTestId('fault-refs')).toContainText('故障依据的行');
  expect(problems).toEqual([]);
});

test('the banner above the viewer describes what it shows: the fault\'s EndpointSlice lines, not the REJECT rule', async ({ page }) => {
  const problems = watch(page);
  const r = loadScenarioText('x.json', readFileSync('scenarios/readiness-endpoints.json', 'utf8'));
  if (!r.ok) throw new Error('load');
  const lab = new LabPage(page);
  await lab.open(`/#${encodeShare({ scenario: r.scenario, request: 'api' })}`);
  await expect(page.getByTestId('trace-result')).toContainText('Connection refused');
  await page.keyboard.press('End');
  const faultRef = page.getByTestId('fault-refs').getByRole('button').first();
  // "endpointslices/default/api:<n>" and the line's text, as the hop inspector links them.
  const where = (await faultRef.locator('.muted').innerText()).trim();
  const text = await faultRef.locator('code').innerText();
  await faultRef.click();
  await expect(page.getByTestId('artifact-select')).toHaveValue('endpointslices/default/api');

  // The viewer shows the EndpointSlice: the banner names its marked line, not the hop's deciding REJECT.
  const read = page.getByTestId('read-lines');
  await expect(read).toContainText(`Lines this hop read, marked below · ${where}`);
  await expect(read.getByTestId('read-line-text')).toHaveText(text);
  await expect(page.getByTestId('deciding-rule')).toHaveCount(0);
  await expect(page.getByTestId('artifact-viewer').locator('.is-deciding')).toContainText(text.trim());
  await lab.setState('store.getState().setLang("zh")');
  await expect(read).toContainText(`这一跳读取的行（已在下方标出） · ${where}`);
  // The fault in the reader's language wherever it shows: the hop's fault box and the composer's last response.
  await expect(page.getByTestId('hop-fault-message')).toContainText('没有就绪的端点');
  await page.getByTestId('tab-request').click();
  await expect(page.getByTestId('composer-fault')).toContainText('没有就绪的端点');
  await expect(page.getByTestId('composer-fault')).not.toContainText('has no ready endpoints');
  await page.getByTestId('tab-hop').click();
  await lab.setState('store.getState().setLang("en")');

  // Back to the hop's own deciding line (the last "Decided by" link): today's banner, with the REJECT rule.
  await page.locator('.refs li.is-deciding button').click();
  const deciding = page.getByTestId('deciding-rule');
  await expect(deciding).toHaveAttribute('data-shown', 'deciding');
  await expect(deciding).toContainText(/^Deciding line · node\/node-\d+\/iptables-save:\d+/);
  await expect(page.getByTestId('deciding-rule-text')).toContainText('has no endpoints');
  await expect(page.getByTestId('deciding-rule-text')).toContainText('-j REJECT');
  await expect(page.getByTestId('read-lines')).toHaveCount(0);

  // An artifact holding none of the hop's lines: the banner says the deciding line is elsewhere.
  const decidingArtifact = await page.getByTestId('artifact-select').inputValue();
  const other = decidingArtifact.replace(/node-(\d+)/, (_, n: string) => `node-${n === '1' ? 2 : 1}`);
  await page.getByTestId('artifact-select').selectOption(other);
  await expect(deciding).toHaveAttribute('data-shown', 'elsewhere');
  await expect(deciding).toContainText(`Deciding line, in another artifact · ${decidingArtifact}:`);
  await lab.setState('store.getState().setLang("zh")');
  await expect(deciding).toContainText(`起决定作用的规则行（在另一个产物中） · ${decidingArtifact}:`);
  expect(problems).toEqual([]);
});

test('the artifact picker groups the rules, the configs and the files of nodes and pods apart', async ({ page }) => {
  const lab = new LabPage(page);
  await lab.open();
  await page.getByTestId('artifacts-toggle').click();
  const groups = page.getByTestId('artifact-select').locator('optgroup');
  await expect(groups).toHaveCount(6);
  const labels = await groups.evaluateAll((gs) => gs.map((g) => (g as HTMLOptGroupElement).label));
  expect(labels).toEqual([
    'Nodes: kube-proxy rules and routes',
    'Ingress controllers and Gateways',
    'Load balancers',
    'DNS',
    'EndpointSlices',
    'Files in nodes and pods (/etc/hosts, /etc/resolv.conf)',
  ]);
  const files = groups.nth(5).locator('option');
  await expect(files.first()).toHaveAttribute('value', /^(node|pod)\/.+\/(hosts|resolv\.conf)$/);
  await expect(groups.nth(0).locator('option[value="node/node-1/iptables-save"]')).toHaveCount(1);
});
