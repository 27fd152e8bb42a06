// The console in the zh page: what a program prints (kubectl's event rows and tables) stays the
// English a learner meets on a real cluster; the lab's own words (an event's gloss, the note ping
// gets instead of a run) are in Chinese.
import { expect, test } from '@playwright/test';
import { LabPage } from './lab-page';

test("zh console: kubectl's events verbatim with Chinese glosses, ping's note in Chinese; none in English", async ({
  page,
}) => {
  const lab = new LabPage(page);
  await lab.open();
  await page.getByTestId('lang-select').selectOption('zh');
  await page.getByTestId('open-console').click();
  const input = page.getByTestId('console-input');
  const out = page.getByTestId('console-out');
  await input.fill('kubectl scale deployment web --replicas=3');
  await input.press('Enter');
  // The row as kubectl prints it, its gloss under it.
  await expect(out).toContainText(/ScalingReplicaSet {2}deployment\/web {2}Scaled up replica set web-\S+ from 2 to 3/);
  await expect(out).toContainText('↳ ScalingReplicaSet：Deployment 控制器调整了 ReplicaSet 的副本数。');
  await input.fill('kubectl get events');
  await input.press('Enter');
  await expect(out).toContainText(/LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+MESSAGE/);
  await expect(out).toContainText('这些事件的含义：');
  await expect(out).toContainText('Scheduled：调度器把 Pod 分配到了一个节点上。');
  await input.fill('ping 10.96.0.10');
  await input.press('Enter');
  await expect(out).toContainText('ping：实验追踪的是 TCP（以及基于 UDP 的 DNS），不是 ICMP。');
  await expect(out).not.toContainText('the lab traces TCP');
  // A real kubectl flag the console does not run: refused in Chinese, never ignored.
  await input.fill('kubectl get pods -w');
  await input.press('Enter');
  await expect(out).toContainText('错误：实验的控制台的 kubectl get 不接受 -w');
  await expect(out).not.toContainText("does not take -w");

  // In English the lab adds no gloss: kubectl's message is its own text.
  await page.getByTestId('lang-select').selectOption('en');
  await input.fill('kubectl get events');
  await input.press('Enter');
  await input.fill('ping 10.96.0.10');
  await input.press('Enter');
  await expect(out).toContainText('ping: the lab traces TCP (and DNS over UDP), not ICMP.');
  await expect(out).not.toContainText('What these events mean');
});
