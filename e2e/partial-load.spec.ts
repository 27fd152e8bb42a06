// A file whose objects parse but some of which the apiserver refuses does not replace the lab by
// itself: a dialog lists each refusal at file:line:col with the apiserver's message, and the user
// chooses to open the file without those objects or to keep the lab that is open.
import { expect, test } from '@playwright/test';
import { LabPage } from './lab-page';

const GOOD = `apiVersion: v1
kind: Node
metadata:
  name: alpha
`;

const PARTIAL = `apiVersion: v1
kind: Node
metadata:
  name: beta
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  type: NodePort
  selector:
    app: web
  ports:
    - port: 80
      nodePort: 8888
---
apiVersion: v1
kind: Service
metadata:
  name: api
spec:
  selector:
    app: api
  ports:
    - port: 80
`;

async function openGoodThenPartial(lab: LabPage) {
  await lab.open();
  await lab.page.getByTestId('file-input').setInputFiles([{ name: 'good.yaml', mimeType: 'application/yaml', buffer: Buffer.from(GOOD) }]);
  await expect(lab.canvasNode('alpha')).toBeVisible();
  await lab.dropFiles([{ name: 'partial.yaml', text: PARTIAL }]);
  const dialog = lab.page.getByTestId('partial-load');
  await expect(dialog).toBeVisible();
  return dialog;
}

test('the partial-load dialog lists each refusal at file:line:col and keeps the lab when asked', async ({ page }) => {
  const lab = new LabPage(page);
  const dialog = await openGoodThenPartial(lab);
  const refusals = dialog.getByTestId('partial-refusal');
  await expect(refusals).toHaveCount(1);
  await expect(refusals.first().getByTestId('partial-where')).toHaveText('partial.yaml:16:17');
  await expect(refusals.first()).toContainText(
    'Error from server (Invalid): The Service "web" is invalid: spec.ports[0].nodePort: Invalid value: 8888: provided port is not in the valid range. The range of valid ports is 30000-32767',
  );
  // While the user chooses, the lab that was open is still the lab.
  await expect(lab.canvasNode('alpha')).toBeAttached();
  await dialog.getByTestId('partial-keep').click();
  await expect(dialog).toHaveCount(0);
  await expect(lab.canvasNode('alpha')).toBeVisible();
  await expect(lab.canvasNode('beta')).toHaveCount(0);
  await expect(page.getByTestId('lab-rejected')).toHaveCount(0);
});

test('the partial-load dialog opens the file without the refused objects when asked', async ({ page }) => {
  const lab = new LabPage(page);
  const dialog = await openGoodThenPartial(lab);
  // Opening replaces the lab, and Undo brings it back: the dialog says so before the choice.
  await expect(dialog.getByTestId('partial-choose')).toContainText('(2 left)');
  await expect(dialog.getByTestId('partial-choose')).toContainText('Undo brings it back');
  await dialog.getByTestId('partial-open').click();
  await expect(dialog).toHaveCount(0);
  await expect(lab.canvasNode('beta')).toBeVisible();
  await expect(lab.canvasNode('alpha')).toHaveCount(0);
  await expect(page.getByTestId('canvas-service-default-api')).toBeVisible();
  await expect(page.getByTestId('canvas-service-default-web')).toHaveCount(0);
  // The refused object is gone from the lab, so nothing is left refused.
  await expect(page.getByTestId('lab-rejected')).toHaveCount(0);
  // Nothing the user had is lost: Undo says which lab it brings back, and does; Redo opens the file again.
  const undo = page.getByRole('button', { name: /^Undo: back to “/ });
  await expect(undo).toBeEnabled();
  await undo.click();
  await expect(lab.canvasNode('alpha')).toBeVisible();
  await expect(lab.canvasNode('beta')).toHaveCount(0);
  await page.getByRole('button', { name: /^Redo: open “partial\.yaml” again$/ }).click();
  await expect(lab.canvasNode('beta')).toBeVisible();
  await expect(lab.canvasNode('alpha')).toHaveCount(0);
});

test('the partial-load dialog speaks Chinese, the apiserver message stays as kubectl prints it', async ({ page }) => {
  const lab = new LabPage(page);
  await lab.open();
  await lab.setState('store.getState().setLang("zh")');
  await lab.dropFiles([{ name: 'partial.yaml', text: PARTIAL }]);
  const dialog = page.getByTestId('partial-load');
  await expect(dialog.getByTestId('partial-keep')).toHaveText('保留当前实验环境');
  await expect(dialog.getByTestId('partial-open')).toHaveText('打开，但去掉这些对象');
  await expect(dialog.getByTestId('partial-refusal')).toContainText('Invalid value: 8888');
  // The lab's framing is Chinese; kubectl's line inside it is kubectl's, marked as English.
  await expect(dialog.getByTestId('partial-refusal')).toContainText('apiserver 拒绝了此对象：Error from server (Invalid)');
  const kubectl = dialog.getByTestId('partial-kubectl');
  await expect(kubectl).toHaveAttribute('lang', 'en');
  await expect(kubectl).toHaveText(/^Error from server \(Invalid\): The Service "web" is invalid: spec\.ports\[0\]\.nodePort/);
});

// QA's badsvc2.yaml: one Service with five field errors, so nothing would be left to open.
const ALL_REFUSED = `apiVersion: v1
kind: Service
metadata:
  name: Web_Bad
spec:
  type: NodePort
  ports:
  - port: 80
    targetPort: 99999
  - port: 80
`;

test('a file whose every object is refused counts objects and problems apart and offers no empty lab', async ({ page }) => {
  const lab = new LabPage(page);
  await lab.open();
  await page.getByTestId('file-input').setInputFiles([{ name: 'good.yaml', mimeType: 'application/yaml', buffer: Buffer.from(GOOD) }]);
  await expect(lab.canvasNode('alpha')).toBeVisible();
  await lab.dropFiles([{ name: 'bad.yaml', text: ALL_REFUSED }]);
  const dialog = page.getByTestId('partial-load');
  const problems = await dialog.getByTestId('partial-refusal').count();
  expect(problems).toBeGreaterThan(1);
  await expect(dialog.getByTestId('partial-intro')).toContainText(`refused 1 of the 1 object(s), with ${problems} problem(s)`);
  await expect(dialog.getByTestId('partial-choose')).toContainText('nothing is left to open');
  await expect(dialog.getByTestId('partial-open')).toHaveCount(0);
  await dialog.getByTestId('partial-keep').click();
  await expect(lab.canvasNode('alpha')).toBeVisible();
});

// QA's unknownkind.yaml: kinds the cluster does not serve are skipped and the rest opens, as the CLI does.
const UNKNOWN_KINDS = `apiVersion: example.com/v1
kind: Foo
metadata:
  name: x
---
apiVersion: v1
kind: Servce
metadata:
  name: y
---
apiVersion: v1
kind: Node
metadata:
  name: gamma
`;

test('objects of kinds the cluster does not serve are asked about like refusals; the rest opens', async ({ page }) => {
  const lab = new LabPage(page);
  await lab.open();
  await lab.dropFiles([{ name: 'unknown.yaml', text: UNKNOWN_KINDS }]);
  const dialog = page.getByTestId('partial-load');
  await expect(dialog.getByTestId('partial-where')).toHaveText(['unknown.yaml:2:7', 'unknown.yaml:7:7']);
  await expect(dialog.getByTestId('partial-intro')).toContainText('refused 2 of the 3 object(s)');
  await expect(dialog.getByTestId('partial-refusal').first()).toContainText('no matches for kind "Foo"');
  await dialog.getByTestId('partial-open').click();
  await expect(lab.canvasNode('gamma')).toBeVisible();
  await expect(page.getByTestId('load-errors')).toHaveCount(0);
});
