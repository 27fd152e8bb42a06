// A pasted scenario with problems in the lab's own fields (settings, clients, requests, an unknown
// field) and in its Kubernetes objects: the load report says each in the reader's language, with
// the apiserver's and kubectl's own words kept as they print them.
import { expect, test, type Page } from '@playwright/test';
import { LabPage } from './lab-page';

const PASTE = JSON.stringify(
  {
    format: 'netlab.scenario',
    version: 1,
    settings: { podCIDR: 'bogus', kubeProxy: { mode: 'ebpf' }, nodeIPs: ['nope'], typo: 1 },
    objects: [
      { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' } },
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { ports: [{ port: 'eighty' }] } },
      { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } },
    ],
    clients: [{ name: 'laptop', address: 'nope' }],
    requests: [{ id: 'r', from: 'bad', url: 'http://web/' }],
    extra: true,
  },
  null,
  2,
);

async function paste(page: Page, text: string) {
  await page.getByTestId('open-paste').click();
  await page.getByTestId('paste-text').fill(text);
  await page.getByTestId('paste-open').click();
  const report = page.getByTestId('load-errors');
  await expect(report).toBeVisible();
  return report;
}

test('a pasted scenario\'s problems read in Chinese, Kubernetes\' own words as printed', async ({ page }) => {
  const lab = new LabPage(page);
  await lab.open();
  await lab.setState('store.getState().setLang("zh")');
  const report = await paste(page, PASTE);
  await expect(report).toContainText('settings.podCIDR：无效值 "bogus"：必须是有效的 IPv4 CIDR，例如 10.96.0.0/12；改用默认值');
  await expect(report).toContainText('settings.kubeProxy.mode：不支持的值 "ebpf"');
  await expect(report).toContainText('settings.nodeIPs[0]：无效值 "nope"：必须是有效的 IPv4 地址；忽略此条目');
  await expect(report).toContainText('settings.typo：未知字段，已忽略');
  await expect(report).toContainText('clients[0].address：无效值 "nope"：必须是有效的 IPv4 地址；跳过此客户端');
  await expect(report).toContainText('requests[0].from：无效值 "bad"：格式不正确；跳过此请求');
  await expect(report).toContainText('extra：未知字段，已忽略');
  // The object's own field error: the lab's apiserver-style check in Chinese, the field and value as
  // written; kubectl's line for an unknown kind stays as kubectl prints it.
  await expect(report).toContainText('Service "web" 无效，未载入：spec.ports[0].port：无效值 "eighty"：必须是数字');
  await expect(report).toContainText('no matches for kind "Widget" in version "example.com/v1"');
  const framing = ['the default is used', 'the entry is ignored', 'unknown field, ignored', 'is skipped', 'Invalid value'];
  for (const english of [...framing, 'must be a number']) {
    await expect(report).not.toContainText(english);
  }
});

test('the same paste reads in English as the CLI prints it', async ({ page }) => {
  const lab = new LabPage(page);
  await lab.open();
  const report = await paste(page, PASTE);
  await expect(report).toContainText(
    'settings.podCIDR: Invalid value: "bogus": must be a valid IPv4 CIDR such as 10.96.0.0/12; the default is used',
  );
  await expect(report).toContainText(
    'clients[0].address: Invalid value: "nope": must be a valid IPv4 address; the client is skipped',
  );
  await expect(report).toContainText('extra: unknown field, ignored');
  await expect(report).toContainText('Service "web" is invalid, not loaded: spec.ports[0].port: Invalid value: "eighty": must be a number');
});
