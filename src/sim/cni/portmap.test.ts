import { describe, expect, it } from 'vitest';
import type { OtherObject, Pod } from '../api/types';
import { artifactText } from '../artifact';
import { buildLab } from '../assembly/lab';
import { defaultLabSettings, type ProxyMode } from '../lab';
import { renderRuleset } from '../node/netfilter/render';
import { sha512Hex } from '../util/hash';
import {
  installPortmap,
  nodePortmap,
  portmapChainName,
  portmapRuleset,
  sandboxContainerID,
  type NodePortmap,
} from './portmap';

function node(name: string, ip: string, podCIDR: string): OtherObject {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name },
    spec: { podCIDR },
    status: { addresses: [{ type: 'InternalIP', address: ip }] },
  } as OtherObject;
}

function pod(name: string, nodeName: string, ports: NonNullable<Pod['spec']['containers'][number]['ports']>): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', labels: { app: name } },
    spec: { nodeName, containers: [{ name: 'c', image: 'nginx', ports }] },
  };
}

const HTTP_HTTPS = [
  { name: 'http', containerPort: 80, hostPort: 80 },
  { name: 'https', containerPort: 443, hostPort: 443 },
];

function cluster(pods: Pod[], mode: ProxyMode = 'iptables') {
  const s = defaultLabSettings();
  const l = buildLab({
    settings: { ...s, kubeProxy: { ...s.kubeProxy, mode } },
    objects: [
      node('node-1', '192.168.49.2', '10.244.0.0/24'),
      node('node-2', '192.168.49.3', '10.244.1.0/24'),
      ...pods,
    ],
    clients: [],
  });
  expect(l.problems).toEqual([]);
  return l;
}

function saveLines(pm: NodePortmap): string[] {
  return artifactText(renderRuleset(portmapRuleset(pm), { id: 'x', title: 'x' })).trim().split('\n');
}

describe('CNI portmap: names', () => {
  it('names the chain CNI-DN- plus sha512(network + container id), 28 characters', () => {
    const id = 'a'.repeat(64);
    expect(portmapChainName('cbr0', id)).toBe(`CNI-DN-${sha512Hex(`cbr0${id}`).slice(0, 21)}`);
    expect(portmapChainName('cbr0', id)).toHaveLength(28);
  });

  it('draws a stable 64-hex sandbox id from the seed and the pod', () => {
    const p = pod('ingress-nginx-x', 'node-1', HTTP_HTTPS);
    const id = sandboxContainerID('netlab', p);
    expect(id).toMatch(/^[0-9a-f]{64}$/);
    expect(sandboxContainerID('netlab', p)).toBe(id);
    expect(sandboxContainerID('other-seed', p)).not.toBe(id);
  });
});

describe('CNI portmap: the rules a hostPort pod leaves in the nat table', () => {
  it('writes the entry jumps, the per-sandbox chain and the SETMARK/MASQ chains as iptables-save prints them', () => {
    const l = cluster([pod('ctrl', 'node-2', HTTP_HTTPS)]);
    const pm = nodePortmap({ cluster: l.cluster, nodeName: 'node-2' });
    expect(pm.sandboxes).toHaveLength(1);
    const s = pm.sandboxes[0]!;
    const ip = l.cluster.pods.find((p) => p.metadata.name === 'ctrl')!.status!.podIP!;
    expect(saveLines(pm)).toEqual([
      '*nat',
      ':PREROUTING ACCEPT [0:0]',
      ':INPUT ACCEPT [0:0]',
      ':OUTPUT ACCEPT [0:0]',
      ':POSTROUTING ACCEPT [0:0]',
      `:${s.chain} - [0:0]`,
      ':CNI-HOSTPORT-DNAT - [0:0]',
      ':CNI-HOSTPORT-MASQ - [0:0]',
      ':CNI-HOSTPORT-SETMARK - [0:0]',
      '-A PREROUTING -m addrtype --dst-type LOCAL -j CNI-HOSTPORT-DNAT',
      '-A OUTPUT -m addrtype --dst-type LOCAL -j CNI-HOSTPORT-DNAT',
      '-A POSTROUTING -m comment --comment "CNI portfwd requiring masquerade" -j CNI-HOSTPORT-MASQ',
      `-A ${s.chain} -s 10.244.1.0/24 -p tcp -m tcp --dport 80 -j CNI-HOSTPORT-SETMARK`,
      `-A ${s.chain} -s 127.0.0.1/32 -p tcp -m tcp --dport 80 -j CNI-HOSTPORT-SETMARK`,
      `-A ${s.chain} -p tcp -m tcp --dport 80 -j DNAT --to-destination ${ip}:80`,
      `-A ${s.chain} -s 10.244.1.0/24 -p tcp -m tcp --dport 443 -j CNI-HOSTPORT-SETMARK`,
      `-A ${s.chain} -s 127.0.0.1/32 -p tcp -m tcp --dport 443 -j CNI-HOSTPORT-SETMARK`,
      `-A ${s.chain} -p tcp -m tcp --dport 443 -j DNAT --to-destination ${ip}:443`,
      `-A CNI-HOSTPORT-DNAT -p tcp -m comment --comment "dnat name: \\"cbr0\\" id: \\"${s.containerID}\\"" ` +
        `-m multiport --dports 80,443 -j ${s.chain}`,
      '-A CNI-HOSTPORT-MASQ -m mark --mark 0x2000/0x2000 -j MASQUERADE',
      '-A CNI-HOSTPORT-SETMARK -m comment --comment "CNI portfwd masquerade mark" -j MARK --set-xmark 0x2000/0x2000',
      'COMMIT',
    ]);
  });

  it('leaves a node without hostPort pods alone', () => {
    const l = cluster([pod('ctrl', 'node-2', HTTP_HTTPS), pod('plain', 'node-1', [{ containerPort: 8080 }])]);
    const pm = nodePortmap({ cluster: l.cluster, nodeName: 'node-1' });
    expect(pm.sandboxes).toEqual([]);
    const base = { tables: {}, order: [] };
    expect(installPortmap(base, pm)).toBe(base);
    const save = l.proxies['node-1']!.artifacts.find((a) => a.kind === 'iptables-save')!;
    expect(save.lines.some((x) => x.text.includes('CNI-'))).toBe(false);
  });

  it('skips hostNetwork pods (no CNI call) and pods that finished', () => {
    const hostNet: Pod = {
      ...pod('hn', 'node-1', HTTP_HTTPS),
      spec: { ...pod('hn', 'node-1', HTTP_HTTPS).spec, hostNetwork: true },
    };
    const l = cluster([hostNet]);
    expect(nodePortmap({ cluster: l.cluster, nodeName: 'node-1' }).sandboxes).toEqual([]);
  });

  it('puts the newest sandbox first in CNI-HOSTPORT-DNAT, one entry rule per protocol (reversed), ' +
    '15 ports per multiport', () => {
    const many = Array.from({ length: 16 }, (_, i) => ({ containerPort: 9000 + i, hostPort: 9000 + i }));
    const l = cluster([
      pod('first', 'node-1', [
        { containerPort: 53, hostPort: 53, protocol: 'UDP' },
        { containerPort: 53, hostPort: 53 },
      ]),
      pod('second', 'node-1', many),
    ]);
    const pm = nodePortmap({ cluster: l.cluster, nodeName: 'node-1' });
    // Set up in the order the cluster lists the pods (the lab keeps no creation times).
    const chainOf = (name: string) => pm.sandboxes.find((s) => s.pod === `default/${name}`)!.chain;
    const entries = {
      first: [`${chainOf('first')} udp 53`, `${chainOf('first')} tcp 53`],
      second: [
        `${chainOf('second')} tcp 9015`,
        `${chainOf('second')} tcp ${many.slice(0, 15).map((p) => p.hostPort).join(',')}`,
      ],
    };
    const newestFirst = pm.sandboxes.map((s) => s.pod.split('/')[1] as 'first' | 'second').reverse();
    const top = saveLines(pm).filter((x) => x.startsWith('-A CNI-HOSTPORT-DNAT'));
    expect(top.map((x) => `${x.split(' -j ')[1]} ${/-p (\w+)/.exec(x)![1]} ${/--dports (\S+)/.exec(x)![1]}`)).toEqual(
      newestFirst.flatMap((n) => entries[n]),
    );
  });

  it('matches -d hostIP when the port names one', () => {
    const l = cluster([pod('ctrl', 'node-1', [{ containerPort: 80, hostPort: 8080, hostIP: '192.168.49.2' }])]);
    const pm = nodePortmap({ cluster: l.cluster, nodeName: 'node-1' });
    const dnat = saveLines(pm).find((x) => x.includes('-j DNAT'));
    expect(dnat).toMatch(
      /^-A CNI-DN-\w+ -d 192\.168\.49\.2\/32 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 10\.244\.0\.\d+:80$/,
    );
  });
});

describe('CNI portmap on top of each kube-proxy mode', () => {
  it.each([
    ['iptables', 'iptables-save'],
    ['ipvs', 'iptables-save'],
    ['nftables', 'iptables-save (node-2; iptables-nft'],
  ] as const)('%s mode: the node\'s iptables-save shows the CNI chains', (mode, title) => {
    const l = cluster([pod('ctrl', 'node-2', HTTP_HTTPS)], mode);
    const save = l.proxies['node-2']!.artifacts.find((a) => a.id === 'node/node-2/iptables-save')!;
    expect(save.title.startsWith(title)).toBe(true);
    const text = save.lines.map((x) => x.text);
    expect(text).toContain('-A PREROUTING -m addrtype --dst-type LOCAL -j CNI-HOSTPORT-DNAT');
    expect(text.some((x) => /^-A CNI-DN-\w+ -p tcp -m tcp --dport 80 -j DNAT/.test(x))).toBe(true);
    // Every rule line refers to its rule, so a hop can point at it.
    expect(save.lines.filter((x) => x.text.startsWith('-A ')).every((x) => x.ref)).toBe(true);
  });

  it('iptables mode: kube-proxy\'s PREROUTING/OUTPUT jumps come before portmap\'s (appended), ' +
    'its POSTROUTING jump after (inserted)', () => {
    const l = cluster([pod('ctrl', 'node-2', HTTP_HTTPS)]);
    const save = l.proxies['node-2']!.artifacts.find((a) => a.id === 'node/node-2/iptables-save')!;
    const text = save.lines.map((x) => x.text);
    const nat = text.slice(text.indexOf('*nat'));
    const builtin = (c: string) => nat.filter((x) => x.startsWith(`-A ${c} `)).map((x) => x.split(' -j ')[1]);
    expect(builtin('PREROUTING')).toEqual(['KUBE-SERVICES', 'CNI-HOSTPORT-DNAT']);
    expect(builtin('OUTPUT')).toEqual(['KUBE-SERVICES', 'CNI-HOSTPORT-DNAT']);
    expect(builtin('POSTROUTING')).toEqual(['CNI-HOSTPORT-MASQ', 'KUBE-POSTROUTING']);
  });
});
