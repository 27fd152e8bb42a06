// A request refused because its Service has no ready endpoint: the fault names the pods the selector
// matches and why none is a ready endpoint, from their own status (the scheduler's Unschedulable
// message, the kubelet's Ready=False), or says the selector matches no pod; in the hop inspector and
// the request panel, in English and Chinese.
import { expect, test } from '@playwright/test';
import { LabPage } from './lab-page';

// The web pods ask for a node label no node has: the scheduler leaves them Pending.
const PENDING = `apiVersion: v1
kind: Node
metadata: {name: node-1}
---
apiVersion: v1
kind: Node
metadata: {name: node-2}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      nodeSelector: {disktype: ssd}
      containers: [{name: web, image: nginx, ports: [{containerPort: 80}]}]
---
apiVersion: v1
kind: Pod
metadata: {name: client}
spec:
  containers: [{name: curl, image: curl}]
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80}]
`;

const SCHEDULER = "0/2 nodes are available: 2 node(s) didn't match Pod's node affinity/selector.";

test('unschedulable pods: the fault names them, Pending and the scheduler\'s message, in both languages', async ({ page }) => {
  const lab = new LabPage(page);
  await lab.open();
  await lab.dropFiles([{ name: 'pending.yaml', text: PENDING }]);
  await expect(page.getByTestId('canvas-service-default-web')).toBeVisible();
  await page.getByTestId('tab-request').click();
  await page.getByTestId('composer-from').selectOption('pod:default/client');
  await page.getByTestId('composer-url').fill('http://web/');
  await page.getByTestId('composer-send').click();
  // Sending opens the hop inspector; its fault box is on the last hop.
  await expect(page.getByTestId('tab-hop')).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('End');
  const pods = page.getByTestId('fault-pods');
  await expect(pods).toContainText('Pods the selector app=web matches');
  await expect(page.getByTestId('fault-pods-line')).toHaveCount(2);
  await expect(page.getByTestId('hop-fault-message')).toHaveText(
    'Service default/web has no ready endpoints: selector app=web matches 0 ready pods',
  );
  // The request panel's result: the fault, then each pod.
  await page.getByTestId('tab-request').click();
  const brief = page.getByTestId('composer-fault-pods-line');
  await expect(brief).toHaveCount(2);
  await expect(brief.first()).toContainText(/^pod default\/web-\S+ is Pending; PodScheduled=False, reason Unschedulable: "/);
  await expect(brief.first()).toContainText(SCHEDULER);
  await page.getByTestId('tab-hop').click();
  // A pod's line selects the pod.
  const first = page.getByTestId('fault-pods-line').first();
  const name = /default\/(web-\S+)/.exec((await first.innerText()) ?? '')![1]!;
  await first.getByRole('button').first().click();
  await expect(page.getByTestId('inspector')).toContainText(name);
  // In Chinese: the framing is Chinese, the phase, reason and the scheduler's message as Kubernetes wrote them.
  await page.getByTestId('lang-select').selectOption('zh');
  await page.getByTestId('tab-hop').click();
  await expect(page.getByTestId('fault-pods')).toContainText('选择算符 app=web 匹配的 Pod');
  const zh = page.getByTestId('fault-pods-line').first();
  await expect(zh).toContainText(/^Pod default\/web-\S+ 处于 Pending 阶段；PodScheduled=False，原因 Unschedulable：“/);
  await expect(zh).toContainText(SCHEDULER);
  await expect(page.getByTestId('fault-pods')).not.toContainText(' is Pending');
});

test('a backend scaled to 0: the fault says the selector matches no pod, in both languages', async ({ page }) => {
  const lab = new LabPage(page);
  await lab.open();
  await page.getByTestId('open-edit').click();
  await page.getByTestId('edit-scale-replicas').fill('0');
  await page.getByTestId('edit-scale').getByRole('button', { name: 'Apply' }).click();
  await expect(page.getByTestId('edit-outcome')).toContainText('ScalingReplicaSet');
  await page.keyboard.press('Escape');
  await page.getByTestId('tab-request').click();
  await page.getByTestId('composer-saved').selectOption('laptop-nodeport');
  await page.getByTestId('composer-send').click();
  const none = 'no pod in namespace default carries the labels app=web, so there is nothing to be an endpoint';
  await expect(page.getByTestId('tab-hop')).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('End');
  await expect(page.getByTestId('fault-pods')).toHaveText(none);
  await page.getByTestId('tab-request').click();
  await expect(page.getByTestId('composer-fault-pods')).toHaveText(none);
  await page.getByTestId('tab-hop').click();
  await page.getByTestId('lang-select').selectOption('zh');
  await expect(page.getByTestId('fault-pods')).toHaveText(
    '命名空间 default 中没有任何 Pod 带有标签 app=web，因此没有可以成为端点的 Pod',
  );
});
