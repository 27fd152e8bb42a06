import { describe, expect, it } from 'vitest';
import type { FaultPod, FaultPods } from '../../sim';
import { note, renderNotes, type Note } from '../../sim/notes';
import { faultPodLines, faultText } from './fault-text';

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
});
