import { expect, test } from '@playwright/test';
import { LabPage } from './lab-page';

const BROKEN = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: shop\nspec:\n  ports:\n    - port: eighty\n';

test('a file with a loader error and an apiserver refusal lists both, in Chinese around the fields and kubectl\'s words', async ({
  page,
}) => {
  const lab = new LabPage(page);
  await lab.open();
  await lab.setState('store.getState().setLang("zh")');
  const text = [
    'apiVersion: v1',
    'kind: Service',
    'metadata: {name: web2}',
    'spec:',
    '  ports:',
    '    - port: 80',
    '      protocol: SCTPX',
    '---',
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata: {name: web2}',
    'spec:',
    '  selector: {matchLabels: {app: web2}}',
    '  template:',
    '    metadata:',
    '      labels: {app: other}',
    '    spec: {containers: [{name: app, image: nginx}]}',
  ].join('\n');
  await lab.dropFiles([{ name: 'two.yaml', text }]);
  const errors = page.getByTestId('load-errors');
  await expect(errors.locator('.problem-error')).toHaveCount(2);
  await expect(errors).toContainText('two.yaml:7:17');
  // The object's own field error is framed in Chinese; its field, value and supported values verbatim.
  await expect(errors).toContainText('Service "web2" 无效，未载入：spec.ports[0].protocol：不支持的值 "SCTPX"');
  await expect(errors).toContainText('"TCP", "UDP", "SCTP"');
  await expect(errors).not.toContainText('is invalid, not loaded');
  await expect(errors).not.toContainText('Unsupported value');
  await expect(errors).toContainText('two.yaml:16:');
  await expect(errors).toContainText('selector` does not match template `labels`');
});

test('the lab opens on the default scenario and shows its nodes on the canvas', async ({ page }) => {
  const lab = new LabPage(page);
  await lab.open();
  await expect(page.getByTestId('scenario-title')).toContainText('A small teaching cluster');
  await expect(lab.canvasNode('node-1')).toBeVisible();
  await expect(lab.canvasNode('node-2')).toBeVisible();
  await expect(page.getByTestId('canvas-service-default-web')).toBeVisible();
  // Node label: name, InternalIP, podCIDR; pod label: name and IP (from the control plane).
  await expect(lab.canvasNode('node-1')).toContainText(/192\.168\.49\.\d+/);
  await expect(lab.canvasNode('node-1')).toContainText(/10\.244\.\d+\.0\/24/);
  await expect(page.locator('[data-testid^="canvas-pod-default-web-"]')).toHaveCount(2);
  await expect(page.locator('[data-testid^="canvas-pod-default-web-"]').first()).toContainText(/10\.244\.\d+\.\d+/);
});

test('a broken file dropped on the page shows located errors and leaves the canvas unchanged', async ({ page }) => {
  const lab = new LabPage(page);
  await lab.open();
  const before = await lab.canvasText();
  await lab.dropFiles([{ name: 'broken.yaml', text: BROKEN }]);
  const errors = page.getByTestId('load-errors');
  await expect(errors).toBeVisible();
  await expect(errors).toContainText('broken.yaml:7:13');
  await expect(errors).toContainText('/spec/ports/0/port');
  await expect(errors).toContainText('must be a number');
  expect(await lab.canvasText()).toEqual(before);
  await expect(page.getByTestId('scenario-title')).toContainText('A small teaching cluster');
  await page.getByTestId('load-errors-dismiss').click();
  await expect(errors).toHaveCount(0);
});

test('opening files with the picker merges them into one scenario', async ({ page }) => {
  const lab = new LabPage(page);
  await lab.open();
  const nodes = (n: string) => `apiVersion: v1\nkind: Node\nmetadata:\n  name: ${n}\n`;
  await page.getByTestId('file-input').setInputFiles([
    { name: 'a.yaml', mimeType: 'application/yaml', buffer: Buffer.from(nodes('alpha')) },
    { name: 'b.yaml', mimeType: 'application/yaml', buffer: Buffer.from(nodes('beta')) },
  ]);
  await expect(lab.canvasNode('alpha')).toBeVisible();
  await expect(lab.canvasNode('beta')).toBeVisible();
  await expect(lab.canvasNode('node-1')).toHaveCount(0);
});

test('an object the apiserver refuses is reported, and the rest of the scenario runs', async ({ page }) => {
  const lab = new LabPage(page);
  await lab.open();
  const svc = (name: string) =>
    `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\n  namespace: default\nspec:\n  type: NodePort\n  selector: {app: x}\n  ports:\n    - port: 80\n      nodePort: 30080\n`;
  await lab.dropFiles([{ name: 'clash.yaml', text: `${svc('first')}---\n${svc('second')}` }]);
  // The refusal is reported before anything replaces the lab (e2e/partial-load.spec.ts has the rest).
  await expect(page.getByTestId('partial-load')).toContainText('30080');
  await page.getByTestId('partial-open').click();
  await expect(page.getByTestId('canvas-service-default-first')).toBeVisible();
  await expect(page.getByTestId('canvas-service-default-second')).toHaveCount(0);
});

test('an edit (kube-proxy mode) can be undone and redone', async ({ page }) => {
  const lab = new LabPage(page);
  await lab.open();
  const mode = page.getByTestId('proxy-mode');
  await expect(mode).toHaveValue('iptables');
  await mode.selectOption('ipvs');
  await expect(mode).toHaveValue('ipvs');
  await page.getByRole('button', { name: 'Undo' }).click();
  await expect(mode).toHaveValue('iptables');
  await page.getByRole('button', { name: 'Redo' }).click();
  await expect(mode).toHaveValue('ipvs');
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('Control+z');
  await expect(mode).toHaveValue('iptables');
  await page.keyboard.press('Control+Shift+z');
  await expect(mode).toHaveValue('ipvs');
});

test('an ingress scenario: the cloud load balancer, highlighted ingress controller pods and hostPort badges', async ({ page }) => {
  const lab = new LabPage(page);
  await lab.open();
  await page.getByTestId('file-input').setInputFiles('e2e/scenarios/ingress-lb.json');
  await expect(page.getByTestId('scenario-title')).toContainText('Ingress behind a cloud load balancer');
  await expect(page.getByTestId('canvas-lb-203.0.113.10')).toBeVisible();
  const controllers = page.locator('[data-testid^="canvas-pod-ingress-nginx-"]');
  await expect(controllers).toHaveCount(2);
  await expect(controllers.first()).toHaveClass(/is-ingress/);
  await expect(lab.canvasNode('node-1')).toContainText('hostPort 80');
  await expect(page.getByTestId('canvas-client-browser')).toBeVisible();
  // A new scenario is fitted into view: its last node is on screen. (Not ratio 1: a frame that
  // ends at a fractional zoom reports 0.9999998 of itself visible.)
  await expect(lab.canvasNode('node-2')).toBeInViewport({ ratio: 0.99 });
});
