// The userspace portal chains against the real iptables: iptables-restore --test must accept the
// rendered nat table (REDIRECT --to-ports, DNAT to nodeIP:proxyPort, addrtype), in a private
// network namespace.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { artifactText } from '../../artifact';
import { testCluster, testService, testSlice } from '../ipvs/testfixtures';
import { compileUserspace } from './proxy';

function which(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
}

function ensureIptables(): string | null {
  if (process.platform !== 'linux') return 'needs Linux';
  const root = process.getuid?.() === 0;
  if (!root) return 'needs root for unshare -n';
  if (!which('iptables-restore')) {
    spawnSync('apt-get', ['update'], { stdio: 'ignore' });
    spawnSync('apt-get', ['install', '-y', 'iptables'], { stdio: 'ignore' });
  }
  return which('iptables-restore') ? null : 'could not install Debian package iptables';
}

const skip = ensureIptables();

describe.skipIf(skip !== null)(`userspace portals in iptables${skip ? ` (skipped: ${skip})` : ''}`, () => {
  it('iptables-restore --test accepts the portal chains', () => {
    const c = testCluster({
      services: [
        testService('ns1', 'web', { clusterIP: '10.96.0.20', externalIPs: ['192.168.99.20'] }),
        testService('ns1', 'np', {
          type: 'NodePort',
          clusterIP: '10.96.0.21',
          ports: [
            { name: 'p80', port: 80, protocol: 'TCP', nodePort: 30080 },
            { name: 'dns', port: 53, protocol: 'UDP', nodePort: 30053 },
          ],
        }),
      ],
      slices: [testSlice('ns1', 'web', [{ ip: '10.244.1.11' }]), testSlice('ns1', 'np', [{ ip: '10.244.1.12' }])],
      settings: (s) => {
        s.kubeProxy.mode = 'userspace';
        s.kubernetesVersion = '1.25';
      },
    });
    const px = compileUserspace({ cluster: c, nodeName: 'node-1', settings: c.settings });
    const file = join(mkdtempSync(join(tmpdir(), 'netlab-us-')), 'nat');
    writeFileSync(file, artifactText(px.artifacts[0]!));
    const r = spawnSync('unshare', ['-n', 'sh', '-c', `iptables-restore --test < ${file}`]);
    expect(r.stderr.toString()).toBe('');
    expect(r.status).toBe(0);
  });
});
