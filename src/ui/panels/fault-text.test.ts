import { beforeAll, describe, expect, it } from 'vitest';
import type { FaultPod, FaultPods } from '../../sim';
import { note, renderNotes, type Note } from '../../sim/notes';
import { existingText, faultNodeLines, faultPodLines, faultText, syntaxText } from './fault-text';
import { loadCatalog, translate, type T } from '../i18n';
import { parseConnect, parseUrl } from '../../sim/trace/trace';

const noReady = {
  message: 'Service default/api has no ready endpoints: selector app=api matches 0 ready pods',
  note: { key: 'note.fault.noReady' as const, params: { service: 'default/api', selector: 'app=api', ready: 0 } },
};

describe('a fault in the reader\'s language', () => {
  it('renders the note in Chinese in the Chinese UI, with identifiers kept', () => {
    const zh = faultText('zh', noReady);
    expect(zh).toContain('default/api');
    expect(zh).not.toContain('has no ready endpoints');
    expect(zh).toMatch(/[\u4e00-\u9fff]/);
  });

  it('renders the same note in English, and falls back to the message when there is no note', () => {
    expect(faultText('en', noReady)).toBe('Service default/api has no ready endpoints: selector app=api matches 0 ready pods');
    expect(faultText('zh', { message: 'plain' })).toBe('plain');
  });
});

describe('the pods behind a no-endpoints fault, in the reader\'s language', () => {
  const condition = {
    type: 'PodScheduled',
    status: 'False',
    reason: 'Unschedulable',
    message: "0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector.",
  };
  const ref = {
    artifact: 'endpointslices/default/api',
    ref: 'slice/api-x/endpoint/0',
    line: '  - addresses:',
    lineIndex: 8,
  };
  const pod = (name: string, phase: string, notes: Note[]): FaultPod => ({
    pod: `default/${name}`,
    phase,
    condition,
    notes,
    text: renderNotes('en', notes),
  });
  const pending = pod('api-a', 'Pending', [
    note('note.fault.pod.phase', { pod: 'default/api-a', phase: 'Pending' }),
    note('note.fault.pod.condition', {
      condition: 'PodScheduled=False',
      reason: condition.reason,
      message: condition.message,
    }),
  ]);
  const notReady = {
    ...pod('api-b', 'Running', [note('note.fault.pod.phase', { pod: 'default/api-b', phase: 'Running' })]),
    ref,
  };
  const pods: FaultPods = {
    namespace: 'default',
    selector: 'app=api',
    matched: 4,
    shown: [pending, notReady],
    more: 2,
    summary: note('note.fault.pods.more', { count: 2 }),
  };

  it('each pod in Chinese, Kubernetes\' own words (phase, reason, the scheduler\'s message) kept verbatim', () => {
    const lines = faultPodLines('zh', { pods });
    expect(lines.map((l) => l.pod)).toEqual(['default/api-a', 'default/api-b', undefined]);
    expect(lines[0]!.text).toBe(
      `Pod default/api-a 处于 Pending 阶段；PodScheduled=False，原因 Unschedulable：“${condition.message}”`,
    );
    expect(lines[2]!.text).toBe('另有 2 个 Pod');
    // Nothing English is left but the parameters.
    const values = [condition.message, 'default/api-a', 'default/api-b', 'Pending', 'Running', 'PodScheduled=False'];
    let framing = lines.map((l) => l.text).join(' ');
    for (const v of [...values, condition.reason]) framing = framing.replaceAll(v, '');
    expect((framing.match(/[A-Za-z]{3,}/g) ?? []).filter((w) => w !== 'Pod')).toEqual([]);
  });

  it('English as the CLI prints it, the endpoint line where a slice lists the pod', () => {
    const lines = faultPodLines('en', { pods });
    expect(lines[0]!.text).toBe(pending.text);
    expect(lines[0]!.ref).toBeUndefined();
    expect(lines[1]!.ref).toEqual(ref);
    expect(lines[2]!.text).toBe('and 2 more pod(s)');
  });

  it('a fault without pods has no lines; a selector that matches none says so', () => {
    expect(faultPodLines('en', {})).toEqual([]);
    const none = { ...pods, matched: 0, shown: [], more: 0, summary: note('note.fault.pods.none', {
      namespace: 'default',
      selector: 'app=api',
    }) };
    expect(faultPodLines('zh', { pods: none }).map((l) => l.text)).toEqual([
      '命名空间 default 中没有任何 Pod 带有标签 app=api，因此没有可以成为端点的 Pod',
    ]);
  });

  it('pods that say the same thing: one line with the shared status, the names, and how many more', () => {
    const group = {
      count: 5,
      pods: ['default/api-a', 'default/api-c', 'default/api-d'],
      phase: 'Pending',
      condition,
      notes: [note('note.fault.pods.group', { count: 5, phase: 'Pending' }), pending.notes[1]!],
      text: '',
    };
    const one = {
      count: 1, pods: ['default/api-b'], phase: 'Running', condition: null, notes: notReady.notes, text: '',
    };
    const summary = note('note.fault.pods.more', { count: 1 });
    const grouped = { ...pods, matched: 7, grouped: { groups: [group, one], more: 1, summary } };
    const zh = faultPodLines('zh', { pods: grouped });
    expect(zh.map((l) => l.group?.pods ?? l.pod)).toEqual([group.pods, 'default/api-b', undefined]);
    expect(zh[0]!.text).toBe(`5 个 Pod 处于 Pending 阶段；PodScheduled=False，原因 Unschedulable：“${condition.message}”`);
    expect(zh[0]!.group!.more).toBe('另有 2 个 Pod');
    // The scheduler's message once for the group, never once per pod.
    expect(zh.map((l) => l.text).join(' ').split(condition.message)).toHaveLength(2);
    // A group of one keeps the pod's endpoint line.
    expect(zh[1]!.ref).toEqual(ref);
    expect(zh[2]!.text).toBe('另有 1 个 Pod');
    expect(faultPodLines('en', { pods: grouped })[0]!.text).toBe(
      `5 pods are Pending; PodScheduled=False, reason Unschedulable: "${condition.message}"`,
    );
  });

  it("a load balancer fault's nodes, each with its health-check line, in the reader's language", () => {
    const hc = { artifact: 'lb/default/api', ref: 'hc:node-1', line: '    node-1 ... HTTP 503', lineIndex: 10 };
    const local = note('note.fault.lbNode.local', {
      node: 'node-1', port: 31234, status: 503, count: 0, service: 'default/api',
    });
    const nodes = [{
      node: 'node-1', target: true, result: 'HTTP 503', localEndpoints: 0, endpoints: [], ref: hc,
      notes: [local, note('note.fault.lbNode.noneHere', {})], text: '',
    }];
    const [en] = faultNodeLines('en', { pods: { ...pods, nodes } });
    expect(en).toEqual({
      node: 'node-1',
      ref: hc,
      text: 'node node-1: kube-proxy answers HTTP 503 on healthCheckNodePort 31234 (/healthz) with localEndpoints 0: ' +
        'no ready endpoint of Service default/api runs on this node; the EndpointSlices list no endpoint on this node',
    });
    const [zh] = faultNodeLines('zh', { pods: { ...pods, nodes } });
    expect(zh!.text).toMatch(/^节点 node-1：kube-proxy 在 healthCheckNodePort 31234（\/healthz）上回答 HTTP 503/);
    expect(faultNodeLines('en', { pods })).toEqual([]);
  });
});

describe("the composer's syntax errors in the reader's language", () => {
  const port = parseUrl('http://web:99999/');
  const connect = parseConnect('gateway:');
  if (!('error' in port) || !('error' in connect)) throw new Error('both are syntax errors');

  it('English: the parser\'s own sentence as a sentence', () => {
    expect(syntaxText('en', port.note)).toBe('Port 99999 in "http://web:99999/" is out of range 0-65535.');
    expect(syntaxText('en', connect.note)).toBe(`${connect.error}.`);
  });

  it('Chinese: a Chinese sentence, what was typed quoted as typed', () => {
    expect(syntaxText('zh', port.note)).toBe('URL "http://web:99999/" 中的端口 99999 超出了 0-65535 的范围。');
    const zh = syntaxText('zh', connect.note);
    expect(zh).toContain('而这里写的是 "gateway:"');
    expect(zh).not.toContain(' must be ');
  });
});

describe('what a request check names instead of a missing client, pod or node', () => {
  beforeAll(() => loadCatalog('zh'));
  const en: T = (k, p) => translate('en', k, p);
  const zh: T = (k, p) => translate('zh', k, p);
  const pods = Array.from({ length: 12 }, (_, i) => `default/web-${i}`);

  it('lists a few names as the language lists them', () => {
    expect(existingText(en, 'en', ['node-1', 'node-2'])).toBe('node-1, node-2');
    expect(existingText(zh, 'zh', ['node-1', 'node-2'])).toBe('node-1、node-2');
    expect(existingText(zh, 'zh', [])).toBe('—');
  });

  it('shows the first eight of a long list and how many there are in all', () => {
    expect(existingText(en, 'en', pods)).toBe(`${pods.slice(0, 8).join(', ')}, … (12 in all)`);
    expect(existingText(zh, 'zh', pods)).toBe(`${pods.slice(0, 8).join('、')} 等（共 12 个）`);
  });
});
