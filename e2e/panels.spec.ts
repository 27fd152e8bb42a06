import { expect, test } from '@playwright/test';
import { iptablesArtifact, traceFixture } from './fixtures';
import { LabPage } from './lab-page';

async function withTrace(lab: LabPage, path = '/') {
  await lab.open(path);
  await lab.setState(
    `store.setState((s) => { s.lab.artifacts = { [arg.artifact.id]: arg.artifact }; }); store.getState().showTrace(arg.trace);`,
    { trace: traceFixture(), artifact: iptablesArtifact() },
  );
}

test('a saved request is sent through the tracer and walked hop by hop', async ({ page }) => {
  const lab = new LabPage(page);
  await lab.open();
  await expect(page.getByTestId('tracer-unavailable')).toHaveCount(0);
  await page.getByTestId('composer-saved').selectOption('laptop-nodeport');
  await expect(page.getByTestId('composer-url')).toHaveValue('http://web.example.com:30080/');
  await expect(page.getByTestId('composer-from')).toHaveValue('external:laptop');
  await page.getByTestId('composer-send').click();
  await expect(page.getByTestId('tab-hop')).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('Space');
  await page.keyboard.press('Home');
  await expect(page.getByTestId('hop-counter')).toHaveText(/^Hop 1 of \d+$/);
  await expect(page.getByTestId('hop-explanation')).toContainText('laptop opens a TCP connection');
  // The DNAT hop names the iptables rules that decided, and the viewer scrolls to the last one.
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('hop-explanation')).toContainText('kube-proxy (iptables) on node-1');
  await expect(page.getByTestId('changed-dst')).toContainText('10.244.');
  await page.getByTestId('artifacts-toggle').click();
  await expect(page.getByTestId('deciding-line')).toBeVisible();
  // The walk goes on through the reply: the last hop is the answer reaching the laptop; the pod's
  // answer is the first reply hop.
  await page.keyboard.press('End');
  await expect(page.getByTestId('hop-explanation')).toContainText('laptop receives the reply');
  await expect(page.getByTestId('hop-reply-tag')).toBeVisible();
  await expect(page.getByTestId('trace-result')).toContainText('Response 200');
  await expect(page.getByTestId('trace-expect')).toHaveText('As the saved request expects.');
  const firstReply = await page.evaluate(() => {
    type S = { getState(): { playback: { trace: { hops: { direction?: string }[] } }; seek(h: number): void } };
    const store = (window as unknown as { __netlab: { store: S } }).__netlab.store;
    const i = store.getState().playback.trace.hops.findIndex((h) => h.direction === 'reply');
    store.getState().seek(i);
    return i;
  });
  expect(firstReply).toBeGreaterThan(0);
  await expect(page.getByTestId('hop-explanation')).toContainText('answers 200');
  await page.getByTestId('lang-select').selectOption('zh');
  await expect(page.getByTestId('hop-explanation')).toContainText('返回 200');
  await expect(page.getByTestId('hop-reply-tag')).toHaveText('回包');
});

test('playback steps with buttons and keys, keeps the step in the URL, and the hop inspector marks changed fields', async ({ page }) => {
  const lab = new LabPage(page);
  await withTrace(lab);
  const counter = page.getByTestId('hop-counter');
  await expect(counter).toHaveText('Hop 1 of 4');
  await page.keyboard.press('ArrowRight');
  await expect(counter).toHaveText('Hop 2 of 4');
  await expect(page).toHaveURL(/#step=2$/);
  await expect(page.getByTestId('changed-dst')).toContainText('10.244.1.7');
  await expect(page.getByTestId('changed-dstPort')).toContainText('80');
  await expect(page.getByTestId('packet-dot')).toBeVisible();
  await page.keyboard.press('End');
  await expect(counter).toHaveText('Hop 4 of 4');
  await expect(page.getByTestId('hop-inspector')).toContainText('10.244.0.1');
  await page.keyboard.press('Home');
  await expect(counter).toHaveText('Hop 1 of 4');
  await page.getByTestId('playback-forward').click();
  await expect(counter).toHaveText('Hop 2 of 4');
  await page.keyboard.press('ArrowLeft');
  await expect(counter).toHaveText('Hop 1 of 4');
});

test('Play goes on past a hop with nothing to draw, and a second Send starts at its first hop', async ({ page }) => {
  const lab = new LabPage(page);
  await lab.open();
  // The default request's first hop is the laptop's resolver asking public DNS: no box on the canvas.
  await page.getByTestId('composer-send').click();
  const counter = page.getByTestId('hop-counter');
  await expect(counter).toHaveText(/^Hop 1 of \d+$/);
  await expect(page.getByTestId('hop-explanation')).toContainText('public DNS');
  await expect(page.getByTestId('hop-inspector')).toContainText('DNS resolver outside the lab');
  // It has an address of its own (a documentation one), where the laptop's query goes.
  await expect(page.getByTestId('hop-inspector')).toContainText('192.0.2.53');
  await expect(page.getByTestId('playback-play')).toHaveAccessibleName('Pause');
  await expect(counter).toHaveText(/^Hop [2-9] of \d+$/, { timeout: 15_000 });
  await page.keyboard.press('Space');
  await page.keyboard.press('End');
  await expect(page).toHaveURL(/step=(\d+)$/);
  await page.getByTestId('tab-request').click();
  await page.getByTestId('composer-url').fill('http://192.168.49.4:30080/z');
  await page.getByTestId('composer-send').click();
  await expect(counter).toHaveText(/^Hop 1 of \d+$/);
  await expect(page.getByTestId('hop-explanation')).toContainText('opens a TCP connection');
});

test('a shared link with #step opens the trace at that hop', async ({ page }) => {
  const lab = new LabPage(page);
  await withTrace(lab, '/#step=3');
  await expect(page.getByTestId('hop-counter')).toHaveText('Hop 3 of 4');
});

test('play advances to the end, also with reduced motion', async ({ page }) => {
  await page.emulateMedia({ reducedMotion: 'reduce' });
  const lab = new LabPage(page);
  await withTrace(lab);
  await lab.setState('store.getState().setSpeed(4)');
  await page.keyboard.press('Space');
  await expect(page.getByTestId('hop-counter')).toHaveText('Hop 4 of 4', { timeout: 10_000 });
  await expect(page.getByTestId('playback-play')).toHaveAccessibleName('Play');
});

test('the timeline seeks to a hop, and the artifact viewer scrolls to the deciding line', async ({ page }) => {
  const lab = new LabPage(page);
  await withTrace(lab);
  await page.getByTestId('tab-events').click();
  await page.getByTestId('event-hop-1').click();
  await expect(page.getByTestId('hop-counter')).toHaveText('Hop 2 of 4');
  await page.getByTestId('artifacts-toggle').click();
  const line = page.getByTestId('deciding-line');
  await expect(line).toBeVisible();
  await expect(line).toContainText('DNAT --to-destination 10.244.1.7:80');
  // Virtualised: thousands of lines, only a window of them in the page.
  expect(await page.locator('.artifact-line').count()).toBeLessThan(200);
});

test('selecting a node opens it in the inspector', async ({ page }) => {
  const lab = new LabPage(page);
  await lab.open();
  await lab.canvasNode('node-1').click();
  await expect(page.getByTestId('inspector')).toContainText('node-1');
  await expect(page.getByTestId('inspector')).toContainText('10.244.0.0/24');
  await expect(page.getByTestId('tab-object')).toHaveAttribute('aria-selected', 'true');
});

test('language switches to Chinese and is remembered', async ({ page }) => {
  const lab = new LabPage(page);
  await withTrace(lab);
  await page.getByTestId('lang-select').selectOption('zh');
  await expect(page.getByTestId('hop-counter')).toHaveText('第 1 跳，共 4 跳');
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
  await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('hop-counter')).toHaveText('第 2 跳，共 4 跳');
  await page.reload();
  await expect(page.getByTestId('canvas')).toHaveAttribute('data-laid-out', 'true');
  await expect(page.getByTestId('tab-request')).toHaveText('请求');
});

test('dark theme and presenter mode', async ({ page }) => {
  const lab = new LabPage(page);
  await withTrace(lab);
  await page.getByTestId('theme-select').selectOption('dark');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('hop-counter')).toHaveText('Hop 2 of 4');
  await page.getByTestId('presenter-toggle').click();
  await expect(page.getByTestId('caption')).toBeVisible();
  // Focus on the current hop: objects it does not touch step back.
  await expect(page.getByTestId('canvas')).toHaveClass(/focus-hop/);
  await expect(page.getByTestId('canvas-service-default-web')).toHaveCSS('opacity', '0.35');
  await expect(lab.canvasNode('node-1')).toHaveClass(/is-current/);
  await page.getByTestId('theme-select').selectOption('light');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
  await expect(page.getByTestId('caption')).toBeVisible();
});

test('keyboard: a focused canvas object opens in the inspector with Enter', async ({ page }) => {
  const lab = new LabPage(page);
  await lab.open();
  await page.locator('.react-flow__node[data-id="service:default/web"]').focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('inspector')).toContainText('default/web');
  await expect(page.getByTestId('inspector')).toContainText('30080');
});

test('keyboard: tab reaches the toolbar, the canvas controls and the side panel with visible labels', async ({ page }) => {
  const lab = new LabPage(page);
  await lab.open();
  await page.keyboard.press('Tab');
  await expect(page.getByTestId('open-file')).toBeFocused();
  for (const name of ['Undo', 'Redo', 'Language', 'Theme']) {
    await expect(page.getByRole(name === 'Language' || name === 'Theme' ? 'combobox' : 'button', { name })).toBeVisible();
  }
});

test('the artifact viewer shows the iptables-save kube-proxy compiled for each node', async ({ page }) => {
  const lab = new LabPage(page);
  await lab.open();
  await page.getByTestId('artifacts-toggle').click();
  await expect(page.getByTestId('artifact-viewer')).toBeVisible();
  await page.getByTestId('artifact-select').selectOption('node/node-1/iptables-save');
  await expect(page.getByTestId('artifact-viewer')).toContainText('KUBE-SERVICES');
});

test('a failed request: the last hop shows the fault and opens the object it blames', async ({ page }) => {
  const lab = new LabPage(page);
  await lab.open();
  const trace = traceFixture();
  trace.outcome = 'refused';
  trace.status = null;
  trace.hops = trace.hops.slice(0, 2);
  trace.hops[1]!.action = 'reject';
  trace.fault = { kind: 'Service', namespace: 'default', name: 'web', field: 'spec.selector', message: 'no endpoints: the selector matches no ready pod' };
  await lab.setState('store.getState().showTrace(arg)', trace);
  await page.keyboard.press('End');
  await expect(page.getByTestId('hop-fault')).toContainText('spec.selector');
  await page.getByTestId('hop-fault').getByRole('button').click();
  await expect(page.getByTestId('inspector')).toContainText('default/web');
});

test('the timeline filters by type', async ({ page }) => {
  const lab = new LabPage(page);
  await withTrace(lab);
  await page.getByTestId('tab-events').click();
  await expect(page.getByTestId('event-hop-0')).toBeVisible();
  const events = page.locator('.row-event');
  expect(await events.count()).toBeGreaterThan(0);
  await page.getByLabel('Hops').uncheck();
  await expect(page.getByTestId('event-hop-0')).toHaveCount(0);
  await page.getByLabel('Normal events').uncheck();
  await expect(page.locator('.row-Normal')).toHaveCount(0);
});

test('the theme follows the system until the user picks one', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'dark' });
  const lab = new LabPage(page);
  await lab.open();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await page.emulateMedia({ colorScheme: 'light' });
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
  await page.getByTestId('theme-select').selectOption('dark');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
});

test('a DNS hop is drawn at the cluster DNS Service', async ({ page }) => {
  const lab = new LabPage(page);
  await lab.open();
  await page.getByTestId('composer-saved').selectOption('pod-service-dns');
  await page.getByTestId('composer-send').click();
  await page.keyboard.press('Space');
  await page.keyboard.press('Home');
  await expect(page.getByTestId('hop-explanation')).toContainText('asks cluster DNS (10.96.0.10)');
  await expect(page.getByTestId('packet-dot')).toBeVisible();
  await expect(page.getByTestId('canvas-service-kube-system-kube-dns')).toHaveClass(/is-current/);
});

test('an empty URL: Send is disabled and the note beside it says why, in both languages; typing one clears it', async ({ page }) => {
  const lab = new LabPage(page);
  await lab.open();
  await lab.setState('store.getState().setSideTab("request")');
  await page.getByTestId('composer-url').fill('');
  await expect(page.getByTestId('composer-send')).toBeDisabled();
  const note = page.getByTestId('composer-url-needed');
  await expect(note).toHaveText('Enter a URL to send it');
  await expect(page.getByTestId('composer-send')).toHaveAttribute('aria-describedby', 'url-note');
  await lab.setState('store.getState().setLang("zh")');
  await expect(note).toHaveText('先填写 URL 再发送');
  await page.getByTestId('composer-url').fill('http://web.example.com:30080/');
  await expect(note).toHaveCount(0);
  await expect(page.getByTestId('composer-send')).toBeEnabled();
});

test('a resolver query leaves from a port the lab does not draw: the packet table says so, not "0"', async ({ page }) => {
  const lab = new LabPage(page);
  await lab.open();
  await page.getByTestId('composer-send').click();
  await page.keyboard.press('Space');
  await page.keyboard.press('Home');
  await expect(page.getByTestId('hop-explanation')).toContainText('asks public DNS');
  const row = page.getByTestId('hop-inspector').locator('.packet-table tr', { hasText: 'srcPort' });
  await expect(row.locator('td')).toHaveText(['a random free port', 'a random free port']);
  // Once the connection is open its source port is the one the client's kernel chose.
  await page.keyboard.press('ArrowRight');
  await expect(row.locator('td').first()).toHaveText(/^\d{4,5}$/);
});

test('a request to a pod a NetworkPolicy selects says the lab did not apply the policy', async ({ page }) => {
  const lab = new LabPage(page);
  await lab.open();
  const yaml = [
    'apiVersion: networking.k8s.io/v1',
    'kind: NetworkPolicy',
    'metadata: {name: deny-all, namespace: default}',
    'spec: {podSelector: {}}',
    '---',
    'apiVersion: v1',
    'kind: Pod',
    'metadata: {name: web, namespace: default, labels: {app: web}}',
    'spec: {containers: [{name: c, image: nginx, ports: [{containerPort: 80}]}]}',
    '---',
    'apiVersion: v1',
    'kind: Pod',
    'metadata: {name: client, namespace: default}',
    'spec: {containers: [{name: c, image: curlimages/curl}]}',
    '---',
    'apiVersion: v1',
    'kind: Service',
    'metadata: {name: web, namespace: default}',
    'spec: {selector: {app: web}, ports: [{port: 80}]}',
  ].join('\n');
  await lab.dropFiles([{ name: 'policy.yaml', text: yaml }]);
  await page.getByTestId('tab-request').click();
  await expect(page.getByTestId('composer-from').locator('option[value="pod:default/client"]')).toHaveCount(1);
  await page.getByTestId('composer-from').selectOption('pod:default/client');
  await page.getByTestId('composer-url').fill('http://web/');
  await page.getByTestId('composer-send').click();
  await expect(page.getByTestId('trace-result')).toContainText('Response 200');
  await expect(page.getByTestId('trace-caveat')).toHaveText(
    'NetworkPolicy default/deny-all selects pod default/web for Ingress, and the lab does not enforce ' +
      'NetworkPolicies: on a cluster whose network plugin does (Calico, Cilium), this connection gets in only if ' +
      'a rule of a policy that selects the pod allows it',
  );
});
