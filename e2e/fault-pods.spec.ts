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

test('unschedulable pods: the fault names them, Pending and the scheduler\'s message once, in both languages', async ({ page }) => {
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
  // Both pods say the same thing: one line, the scheduler's message once, then each pod's name.
  await expect(page.getByTestId('fault-pods-line')).toHaveCount(1);
  await expect(page.getByTestId('hop-fault-message')).toHaveText(
    'Service default/web has no ready endpoints: selector app=web matches 0 ready pods',
  );
  const names = page.getByTestId('fault-pods-group-pods').getByRole('button');
  await expect(names).toHaveCount(2);
  await expect(names.first()).toHaveText(/^default\/web-\S+$/);
  // The request panel's result: the fault, then the group.
  await page.getByTestId('tab-request').click();
  const brief = page.getByTestId('composer-fault-pods-line');
  await expect(brief).toHaveCount(1);
  await expect(brief.first()).toContainText(/^2 pods are Pending; PodScheduled=False, reason Unschedulable: "/);
  await expect(brief.first()).toContainText(SCHEDULER);
  expect((await brief.first().innerText()).split(SCHEDULER)).toHaveLength(2);
  await page.getByTestId('tab-hop').click();
  // A pod's name selects the pod.
  const name = ((await names.first().innerText()) ?? '').replace('default/', '');
  await names.first().click();
  await expect(page.getByTestId('inspector')).toContainText(name);
  // In Chinese: the framing is Chinese, the phase, reason and the scheduler's message as Kubernetes wrote them.
  await page.getByTestId('lang-select').selectOption('zh');
  await page.getByTestId('tab-hop').click();
  await expect(page.getByTestId('fault-pods')).toContainText('选择算符 app=web 匹配的 Pod');
  const zh = page.getByTestId('fault-pods-line').first();
  await expect(zh).toContainText(/^2 个 Pod 处于 Pending 阶段；PodScheduled=False，原因 Unschedulable：“/);
  await expect(zh).toContainText(SCHEDULER);
  await expect(page.getByTestId('fault-pods')).not.toContainText(' are Pending');
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

// A LoadBalancer Service with externalTrafficPolicy Local whose pods are nowhere ready: five the
// scheduler cannot place (a node label no node has) and one on node-2 whose readiness fails.
const LB_LOCAL = JSON.stringify({
  format: 'netlab.scenario',
  version: 1,
  settings: { kubeProxy: { mode: 'iptables' }, seed: 'faults', loadBalancerPool: ['192.168.49.240'] },
  objects: [
    ...['node-1', 'node-2', 'node-3'].map((name) => ({ apiVersion: 'v1', kind: 'Node', metadata: { name } })),
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'default' },
      spec: {
        replicas: 5,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: {
            nodeSelector: { disktype: 'ssd' },
            containers: [{ name: 'web', image: 'nginx', ports: [{ name: 'http', containerPort: 80 }] }],
          },
        },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'web-x', namespace: 'default', labels: { app: 'web' }, annotations: { 'netlab.io/ready': 'false' } },
      spec: { nodeName: 'node-2', containers: [{ name: 'web', image: 'nginx', ports: [{ name: 'http', containerPort: 80 }] }] },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web', namespace: 'default' },
      spec: {
        type: 'LoadBalancer',
        externalTrafficPolicy: 'Local',
        selector: { app: 'web' },
        ports: [{ name: 'http', port: 80, targetPort: 'http' }],
      },
    },
  ],
  clients: [{ name: 'laptop', address: '203.0.113.7' }],
  requests: [{ id: 'lb', from: 'external:laptop', url: 'http://192.168.49.240/' }],
  view: { selectedRequest: 'lb' },
});

test('no node passes the health check: each node says what kube-proxy answered, the Pending pods are told once', async ({ page }) => {
  test.setTimeout(120_000);
  const lab = new LabPage(page);
  await lab.open();
  await lab.dropFiles([{ name: 'lb-local.json', text: LB_LOCAL, type: 'application/json' }]);
  await expect(page.getByTestId('canvas-lb-192.168.49.240')).toBeVisible();
  await page.getByTestId('tab-request').click();
  await expect(page.getByTestId('composer-saved')).toHaveValue('lb');
  await page.getByTestId('composer-send').click();
  await expect(page.getByTestId('tab-hop')).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('End');
  // The fault's sentence is as it was; under it, the nodes the balancer checked, each with its line.
  await expect(page.getByTestId('hop-fault-message')).toHaveText(
    'no node passes the load balancer health check for Service default/web: ' +
      'externalTrafficPolicy is Local and no node has a ready endpoint',
  );
  const nodes = page.getByTestId('fault-pods-node');
  await expect(nodes).toHaveCount(3);
  for (const [i, name] of ['node-1', 'node-2', 'node-3'].entries()) {
    await expect(nodes.nth(i)).toContainText(
      new RegExp(`^node ${name}: kube-proxy answers HTTP 503 on healthCheckNodePort \\d+ \\(/healthz\\) with localEndpoints 0`),
    );
    await expect(nodes.nth(i)).toContainText(/lb\/default\/web:\d+$/);
  }
  await expect(nodes.nth(1)).toContainText('the EndpointSlices list 1 endpoint(s) here, not ready: default/web-x');
  await expect(nodes.nth(0)).toContainText('the EndpointSlices list no endpoint on this node');
  // The pods: the five Pending ones in one line (the scheduler's message once), then web-x on node-2.
  const lines = page.getByTestId('fault-pods-line');
  await expect(lines).toHaveCount(2);
  const group = lines.first();
  await expect(group).toContainText(/^5 pods are Pending; PodScheduled=False, reason Unschedulable: "0\/3 nodes are available/);
  expect(((await group.innerText()).match(/nodes are available: 3 node/g) ?? []).length).toBe(1);
  await expect(group.getByTestId('fault-pods-group-pods').getByRole('button')).toHaveCount(3);
  await expect(group).toContainText('and 2 more pod(s)');
  await expect(lines.nth(1)).toContainText(/^pod default\/web-x on node node-2 is Running; Ready=False, reason ContainersNotReady/);
  // A grouped pod's name selects it; a node's line selects the node.
  const first = group.getByTestId('fault-pods-group-pods').getByRole('button').first();
  const podName = (await first.innerText()).replace('default/', '');
  await first.click();
  await expect(page.getByTestId('inspector')).toContainText(podName);
  await page.getByTestId('tab-hop').click();
  await page.keyboard.press('End');
  // The request panel: the same nodes and lines, without artifact links.
  await page.getByTestId('tab-request').click();
  await expect(page.getByTestId('composer-fault-pods-node')).toHaveCount(3);
  await expect(page.getByTestId('composer-fault-pods-line').first()).toContainText('5 pods are Pending');
  // In Chinese: the framing is Chinese, identifiers and the scheduler's message as written.
  await page.getByTestId('lang-select').selectOption('zh');
  await expect(page.getByTestId('composer-fault-pods-line').first()).toContainText(/^5 个 Pod 处于 Pending 阶段；PodScheduled=False，原因 Unschedulable：“0\/3 nodes/);
  await page.getByTestId('tab-hop').click();
  await expect(page.getByTestId('fault-pods-node').first()).toContainText(
    /^节点 node-1：kube-proxy 在 healthCheckNodePort \d+（\/healthz）上回答 HTTP 503，localEndpoints 为 0/,
  );
  await expect(page.getByTestId('fault-pods-line').first()).toContainText('另有 2 个 Pod');
  await expect(page.getByTestId('fault-pods')).toContainText('负载均衡器检查的节点');
});

test("the composer's syntax errors name what was typed, in English and in Chinese", async ({ page }) => {
  const lab = new LabPage(page);
  await lab.open();
  await page.getByTestId('tab-request').click();
  await page.getByTestId('composer-url').fill('http://web:99999/');
  await expect(page.getByTestId('composer-url-error')).toHaveText(
    'Port 99999 in "http://web:99999/" is out of range 0-65535.',
  );
  await page.getByTestId('lang-select').selectOption('zh');
  await expect(page.getByTestId('composer-url-error')).toHaveText(
    'URL "http://web:99999/" 中的端口 99999 超出了 0-65535 的范围。',
  );
  await page.getByTestId('composer-connect').fill('gateway:');
  await expect(page.getByTestId('composer-connect-error')).toHaveText(
    '--connect 必须写成 “ingress[:<类名>]”、“gateway:<命名空间>/<名称>[:<端口>]”、“node:<节点名>” 或 “<IP>:<端口>”，' +
      '而这里写的是 "gateway:"。',
  );
  await page.getByTestId('lang-select').selectOption('en');
  await expect(page.getByTestId('composer-connect-error')).toHaveText(
    '--connect must be ingress[:<class>], gateway:<ns>/<name>[:<port>], node:<name> or <ip>:<port>, not "gateway:".',
  );
});
