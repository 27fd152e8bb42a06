import { describe, expect, it } from 'vitest';
import { buildLab } from './assembly/lab';
import { defaultLabSettings } from './lab';
import { note, renderNote } from './notes';
import { LIST_GOES_ON } from './util/list';

describe('notes', () => {
  it('render a list parameter as a list of the reader\'s language', () => {
    const n = note('note.fault.lbNode.readyHere', { count: 4, pods: ['web-a', 'web-b', 'web-c', LIST_GOES_ON] });
    expect(renderNote('en', n)).toBe('the EndpointSlices list 4 ready endpoint(s) here: web-a, web-b, web-c, …');
    expect(renderNote('zh', n)).toBe('EndpointSlice 列出这个节点上的 4 个就绪端点：web-a、web-b、web-c 等');
  });
});

describe('a parameter in each language', () => {
  it('shows the reader\'s: words another layer rendered from its own table', () => {
    const why = { en: 'unknown setting "x"', zh: '没有名为 "x" 的设置' };
    const n = note('note.shell.kubeProxyRefused', { object: 'configmaps "kube-proxy"', why });
    expect(renderNote('en', n)).toBe('error: configmaps "kube-proxy": unknown setting "x"');
    expect(renderNote('zh', n)).toBe('错误：configmaps "kube-proxy"：没有名为 "x" 的设置');
  });
});

describe('artifact titles', () => {
  it('that are words come with a note the page renders in its language; the English title is that note', () => {
    const settings = { ...defaultLabSettings(), loadBalancerPool: ['192.168.49.240'] };
    const ports = [{ port: 80, targetPort: 80 }];
    const web = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { type: 'LoadBalancer', ports } };
    const lab = buildLab({ settings, objects: [web as Parameters<typeof buildLab>[0]['objects'][number]] });
    const noted = Object.values(lab.artifacts).filter((a) => a.titleNote);
    expect(noted.map((a) => a.kind).sort()).toEqual(expect.arrayContaining(['dns-zone', 'load-balancer']));
    for (const a of noted) {
      expect(renderNote('en', a.titleNote!)).toBe(a.title);
      expect(renderNote('zh', a.titleNote!)).toMatch(/[\u4e00-\u9fff]/);
    }
    // The rest are commands, named as they are typed.
    for (const a of Object.values(lab.artifacts).filter((x) => !x.titleNote)) {
      expect(a.title).not.toMatch(/\b(of|for|load balancer|configuration|zone)\b/);
    }
  });
});
