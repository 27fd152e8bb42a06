// IPVS mode against the real tools, each in a private network namespace: the ipsets restored with
// `ipset restore` list back the same members; the iptables-save rendering (with its `-m set`
// matches) is accepted by iptables-restore --test; and, where the kernel has IPVS, the virtual
// servers created with ipvsadm list back as the simulator renders `ipvsadm -Ln`.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { artifactText } from '../../artifact';
import { compileIpvs } from './proxy';
import { ipsetRestoreText, virtualServerLine, realServerLine } from './render';
import { testCluster, testService, testSlice } from './testfixtures';

function which(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
}

let aptUpdated = false;
function ensure(cmd: string, pkg: string): string | null {
  if (process.platform !== 'linux') return 'needs Linux';
  const root = process.getuid?.() === 0;
  if (which(cmd)) return root ? null : 'needs root for unshare -n';
  if (!root) return `${cmd} is not installed and installing ${pkg} needs root`;
  if (!aptUpdated) {
    spawnSync('apt-get', ['update'], { stdio: 'ignore' });
    aptUpdated = true;
  }
  spawnSync('apt-get', ['install', '-y', pkg], { stdio: 'ignore' });
  return which(cmd) ? null : `could not install Debian package ${pkg}`;
}

function inNamespace(script: string) {
  return spawnSync('unshare', ['-n', 'sh', '-c', script]);
}

function sample() {
  const c = testCluster({
    services: [
      testService('default', 'kubernetes', {
        clusterIP: '10.96.0.1',
        sessionAffinity: 'ClientIP',
        ports: [{ name: 'https', port: 443, protocol: 'TCP' }],
      }),
      testService('kube-system', 'kube-dns', {
        clusterIP: '10.96.0.10',
        ports: [{ name: 'dns', port: 53, protocol: 'UDP' }, { name: 'dns-tcp', port: 53, protocol: 'TCP' }],
      }),
      testService('ns1', 'np', {
        type: 'NodePort',
        clusterIP: '10.96.0.21',
        externalTrafficPolicy: 'Local',
        ports: [{ name: 'p80', port: 80, protocol: 'TCP', nodePort: 30080 }],
      }),
      testService('ns1', 'lb', {
        type: 'LoadBalancer',
        clusterIP: '10.96.0.22',
        externalIPs: ['192.168.99.22'],
        loadBalancerSourceRanges: ['203.0.113.0/25'],
        ports: [{ name: 'p80', port: 80, protocol: 'TCP', nodePort: 30081 }],
      }, { loadBalancer: { ingress: [{ ip: '1.2.3.4' }] } }),
    ],
    slices: [
      testSlice('default', 'kubernetes', [{ ip: '192.168.49.2' }], [{ name: 'https', port: 6443 }]),
      testSlice(
        'kube-system',
        'kube-dns',
        [{ ip: '10.244.1.2', node: 'node-1' }, { ip: '10.244.2.2', node: 'node-2' }],
        [{ name: 'dns', port: 53, protocol: 'UDP' }, { name: 'dns-tcp', port: 53 }],
      ),
      testSlice('ns1', 'np', [{ ip: '10.244.1.7', node: 'node-1' }]),
      testSlice('ns1', 'lb', [{ ip: '10.244.2.8', node: 'node-2' }]),
    ],
    settings: (s) => (s.kubeProxy.mode = 'ipvs'),
  });
  return compileIpvs({ cluster: c, nodeName: 'node-1', settings: c.settings });
}

const px = sample();
const dir = mkdtempSync(join(tmpdir(), 'netlab-ipvs-'));
const setsFile = join(dir, 'ipsets');
const rulesFile = join(dir, 'iptables');
writeFileSync(setsFile, ipsetRestoreText(px.model.ipsets));
writeFileSync(rulesFile, artifactText(px.artifacts.find((a) => a.kind === 'iptables-save')!));

/** Per set: its type line and sorted members, from `ipset list` text. */
function setsOf(text: string): Record<string, { type: string; members: string[] }> {
  const out: Record<string, { type: string; members: string[] }> = {};
  for (const block of text.trim().split(/\n\n+/)) {
    const name = /^Name: (.*)$/m.exec(block)?.[1];
    if (!name) continue;
    const members = block.split('Members:\n')[1]?.split('\n').filter(Boolean) ?? [];
    out[name] = { type: /^Type: (.*)$/m.exec(block)![1]!, members: members.sort() };
  }
  return out;
}

const ipsetSkip = ensure('ipset', 'ipset');
describe.skipIf(ipsetSkip !== null)(`ipset and iptables-restore${ipsetSkip ? ` (skipped: ${ipsetSkip})` : ''}`, () => {
  it('ipset restore accepts the sets and lists the same members', () => {
    const r = inNamespace(`ipset restore < ${setsFile} && ipset list`);
    expect(r.stderr.toString()).toBe('');
    expect(setsOf(r.stdout.toString())).toEqual(setsOf(artifactText(px.artifacts.find((a) => a.kind === 'ipset')!)));
  });

  it('iptables-restore --test accepts the IPVS-mode rules with their ipset matches', (ctx) => {
    const skip = ensure('iptables-restore', 'iptables');
    if (skip) ctx.skip(skip);
    const r = inNamespace(`ipset restore < ${setsFile} && iptables-restore --test < ${rulesFile}`);
    expect(r.stderr.toString()).toBe('');
    expect(r.status).toBe(0);
  });
});

const ipvsSkip = ensure('ipvsadm', 'ipvsadm') ?? (() => {
  const r = inNamespace('ipvsadm -Ln');
  return r.status === 0 ? null : `the kernel has no IPVS: ${r.stderr.toString().trim().split('\n')[0]}`;
})();
describe.skipIf(ipvsSkip !== null)(`ipvsadm${ipvsSkip ? ` (skipped: ${ipvsSkip})` : ''}`, () => {
  it('virtual servers created with ipvsadm list back as rendered', () => {
    const cmds = ['set -e'];
    for (const vs of px.model.virtualServers) {
      const flag = vs.protocol === 'UDP' ? '-u' : '-t';
      const persistence = vs.persistentTimeout ? ` -p ${vs.persistentTimeout}` : '';
      cmds.push(`ipvsadm -A ${flag} ${vs.address}:${vs.port} -s ${vs.scheduler}${persistence}`);
      for (const rs of vs.realServers) {
        cmds.push(`ipvsadm -a ${flag} ${vs.address}:${vs.port} -r ${rs.address}:${rs.port} -m -w ${rs.weight}`);
      }
    }
    cmds.push('ipvsadm -Ln');
    const r = inNamespace(cmds.join('\n'));
    expect(r.status).toBe(0);
    const lines = r.stdout.toString().trim().split('\n');
    for (const vs of px.model.virtualServers) {
      expect(lines).toContain(virtualServerLine(vs));
      for (const rs of vs.realServers) {
        expect(lines).toContain(realServerLine(`${rs.address}:${rs.port}`, 'Masq', 1, { active: 0, inactive: 0 }));
      }
    }
  });
});
