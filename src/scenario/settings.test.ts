import { describe, expect, it } from 'vitest';
import { defaultLabSettings } from '../sim/lab';
import { renderProblemNote } from './problem-text';
import { setLabSetting } from './settings';

// `--set name=value` on the command line and `kubectl edit cm kube-proxy --set` in the console: a refusal's
// message is what the CLI prints; its note, the same words the page renders in the reader's language.
describe('a setting set by its dotted name', () => {
  const settings = defaultLabSettings();

  it.each([
    ['kubeProxy.nope', '1', /^unknown setting "kubeProxy\.nope"; settings are: clusterName, /,
      /^没有名为 "kubeProxy\.nope" 的设置；可设置的有：clusterName, /],
    ['kubeProxy.ipvs', '1',
      /^"kubeProxy\.ipvs" is a group of settings; set one of: kubeProxy\.ipvs\.scheduler, kubeProxy\.ipvs\.mod/,
      /^"kubeProxy\.ipvs" 是一组设置；请设置其中一项：kubeProxy\.ipvs\.scheduler, kubeProxy\.ipvs\.mod/],
    ['kubeProxy.mode', 'fast',
      /^--set kubeProxy\.mode: Unsupported value: "fast": supported values: "iptables", "ipvs", "nftables", "users/,
      /^--set kubeProxy\.mode：不支持的值 "fast"：支持的值为 "iptables", "ipvs", "nftables", "userspace"$/],
    ['kubeProxy.masqueradeBit', '99',
      /^--set kubeProxy\.masqueradeBit: Invalid value: 99: must be less than or equal to 31$/,
      /^--set kubeProxy\.masqueradeBit：无效值 99：必须小于或等于 31$/],
    ['ingress', 'nginx,haproxy', /^--set ingress: Unsupported value: "haproxy": supported values: "nginx", "traefik"$/,
      /^--set ingress：不支持的值 "haproxy"：支持的值为 "nginx", "traefik"$/],
  ])('%s=%s is refused in words the page can render in either language', (key, value, en, zh) => {
    const r = setLabSetting(settings, key, value);
    if (r.ok) throw new Error('expected a refusal');
    expect(r.message).toMatch(en);
    expect(renderProblemNote('en', r.note)).toBe(r.message);
    expect(renderProblemNote('zh', r.note)).toMatch(zh);
  });

  it('a value it takes changes that setting only', () => {
    const r = setLabSetting(settings, 'kubeProxy.mode', 'ipvs');
    expect(r.ok && r.settings.kubeProxy.mode).toBe('ipvs');
    expect(r.ok && { ...r.settings, kubeProxy: settings.kubeProxy }).toEqual(settings);
  });
});
