import { describe, expect, it } from 'vitest';
import type { DnsAnswer, HostsFile, RR } from '../dns/index';
import { renderNote } from '../notes';
import { getentCommand, type GetentOutput, type HostsPlace } from './getent';

/** A hosts file as the kubelet writes a pod's, plus a hostAlias for a name DNS also has. */
const hosts: HostsFile = {
  lines: [
    { text: '# Kubernetes-managed hosts file.' },
    ...[
      ['127.0.0.1', 'localhost'],
      ['::1', 'localhost', 'ip6-localhost', 'ip6-loopback'],
      ['fe00::0', 'ip6-localnet'],
      ['10.244.1.4', 'web-0.web.default.svc.cluster.local', 'web-0'],
      ['10.0.0.9', 'db.example.com'],
    ].map(([address, ...names], i) => ({ text: '', entry: { id: `h/${i}`, address: address!, names } })),
  ],
};

const rr = (name: string, data: { type: 'A'; address: string } | { type: 'CNAME' | 'PTR'; target: string }): RR =>
  ({ id: name, name, ttl: 5, source: { kind: 'CoreDNS' }, ...data }) as RR;

/** What the resolver answers: a Service, an ExternalName's CNAME, a headless Service, a PTR. */
const ZONE: Record<string, RR[]> = {
  'api/A': [rr('api.default.svc.cluster.local.', { type: 'A', address: '10.96.0.20' })],
  'db.example.com/A': [rr('db.example.com.', { type: 'A', address: '203.0.113.9' })],
  'legacy/A': [
    rr('legacy.default.svc.cluster.local.', { type: 'CNAME', target: 'api.default.svc.cluster.local.' }),
    rr('api.default.svc.cluster.local.', { type: 'A', address: '10.96.0.20' }),
  ],
  'pods/A': [
    rr('pods.default.svc.cluster.local.', { type: 'A', address: '10.244.1.4' }),
    rr('pods.default.svc.cluster.local.', { type: 'A', address: '10.244.2.7' }),
  ],
  '20.0.96.10.in-addr.arpa./PTR': [
    rr('20.0.96.10.in-addr.arpa.', { type: 'PTR', target: 'api.default.svc.cluster.local.' }),
  ],
};

const asked: string[] = [];
const place: HostsPlace = {
  hosts,
  ask(name, type): DnsAnswer {
    asked.push(`${name}/${type}`);
    const answers = ZONE[`${name}/${type}`] ?? [];
    return {
      question: { name, type }, rcode: answers.length > 0 ? 'NOERROR' : 'NXDOMAIN', authoritative: true,
      recursionAvailable: false, origin: 'cluster', answers, authority: [], additional: [],
    };
  },
};

const run = (line: string): GetentOutput => getentCommand(place, line.split(' ').slice(1));

describe('getent hosts: nsswitch files, then dns, printed as glibc getent prints a hostent', () => {
  it.each([
    // AF_INET6 first: the kubelet's ::1 line answers localhost, with its aliases.
    ['getent hosts localhost', '::1             localhost ip6-localhost ip6-loopback\n'],
    ['getent hosts ip6-loopback', '::1             localhost ip6-localhost ip6-loopback\n'],
    // Then AF_INET: the first line that names it, its canonical name first.
    ['getent hosts WEB-0', '10.244.1.4      web-0.web.default.svc.cluster.local web-0\n'],
    // /etc/hosts before DNS, which knows the name too.
    ['getent hosts db.example.com', '10.0.0.9        db.example.com\n'],
    // DNS: the name the search list found, without its dot; a CNAME's owner is an alias.
    ['getent hosts api', '10.96.0.20      api.default.svc.cluster.local\n'],
    ['getent hosts legacy', '10.96.0.20      api.default.svc.cluster.local legacy.default.svc.cluster.local\n'],
    ['getent hosts pods',
      '10.244.1.4      pods.default.svc.cluster.local\n10.244.2.7      pods.default.svc.cluster.local\n'],
    // An address: the files line that has it, else its PTR record.
    ['getent hosts 10.244.1.4', '10.244.1.4      web-0.web.default.svc.cluster.local web-0\n'],
    ['getent hosts 10.96.0.20', '10.96.0.20      api.default.svc.cluster.local\n'],
    ['getent hosts 0:0::1', '::1             localhost ip6-localhost ip6-loopback\n'],
  ])('%s', (line, out) => {
    expect(run(line)).toEqual({ out, err: '', status: 0 });
  });

  it('prints nothing and exits 2 for a key it cannot find; the keys it found are still printed', () => {
    expect(run('getent hosts nope')).toEqual({ out: '', err: '', status: 2 });
    expect(run('getent hosts 10.1.2.3')).toEqual({ out: '', err: '', status: 2 });
    const api = '10.96.0.20      api.default.svc.cluster.local\n';
    expect(run('getent hosts nope api')).toEqual({ out: api, err: '', status: 2 });
  });

  it('reads /etc/hosts before it asks DNS (A and PTR: the lab has no AAAA data to ask for)', () => {
    asked.length = 0;
    run('getent hosts localhost web-0 api 10.96.0.20');
    expect(asked).toEqual(['api/A', '20.0.96.10.in-addr.arpa./PTR']);
  });

  it('without a key, lists /etc/hosts as gethostent reads it: every line as IPv4, ::1 as 127.0.0.1', () => {
    expect(run('getent hosts')).toEqual({
      out: '127.0.0.1       localhost\n127.0.0.1       localhost ip6-localhost ip6-loopback\n'
        + '10.244.1.4      web-0.web.default.svc.cluster.local web-0\n10.0.0.9        db.example.com\n',
      err: '',
      status: 0,
    });
  });
});

describe('getent ahosts: getaddrinfo, one line per socket type, the canonical name once', () => {
  /** `"%-15s %-6s %s"` for each socket type getaddrinfo returns for an address, `canon` on the first. */
  const sockets = (address: string, canon: string) => [
    `${address.padEnd(15)} STREAM ${canon}`, `${address.padEnd(15)} DGRAM  `, `${address.padEnd(15)} RAW    `,
  ];
  it.each([
    ['getent ahosts api', sockets('10.96.0.20', 'api.default.svc.cluster.local')],
    ['getent ahostsv4 pods',
      [...sockets('10.244.1.4', 'pods.default.svc.cluster.local'), ...sockets('10.244.2.7', '')]],
    // AF_INET reads the ::1 line as 127.0.0.1: its first name is the canonical one.
    ['getent ahosts ip6-localhost', sockets('127.0.0.1', 'localhost')],
    ['getent ahosts 10.1.2.3', sockets('10.1.2.3', '10.1.2.3')],
  ])('%s', (line, lines) => {
    expect(run(line)).toEqual({ out: `${lines.join('\n')}\n`, err: '', status: 0 });
  });

  it('ahostsv6 finds nothing where no interface has an IPv6 address (AI_ADDRCONFIG)', () => {
    expect(run('getent ahostsv6 localhost')).toEqual({ out: '', err: '', status: 2 });
    expect(run('getent ahosts ::1')).toEqual({ out: '', err: '', status: 2 });
  });
});

describe("getent's usage errors are its own; what the lab does not model is the lab's to say", () => {
  const see = "Try `getent --help' or `getent --usage' for more information.\n";
  it('no database, or one it does not know: argp\'s words, exit 1', () => {
    expect(run('getent')).toEqual({ out: see, err: 'getent: wrong number of arguments\n', status: 1 });
    expect(run('getent hostz x')).toEqual({ out: see, err: 'Unknown database: hostz\n', status: 1 });
  });

  it('another of its databases, or an option: a note in the reader\'s language', () => {
    for (const [line, en, zh] of [
      ['getent passwd root', 'getent: the lab looks up hosts here (hosts, ahosts, ahostsv4, ahostsv6), not passwd',
        'getent：本实验在这里只查主机（hosts、ahosts、ahostsv4、ahostsv6），不查 passwd'],
      ['getent -s files hosts x',
        "getent: the lab's getent takes no option -s: it reads hosts as nsswitch.conf says, hosts: files dns",
        'getent：本实验的 getent 不接受选项 -s：它按 nsswitch.conf 的配置 hosts: files dns 查主机'],
    ] as const) {
      const r = run(line);
      if (!('errProse' in r)) throw new Error(`${line}: expected the lab's words`);
      expect(r.errProse.map((p) => renderNote('en', p.note))).toEqual([en]);
      expect(r.errProse.map((p) => renderNote('zh', p.note))).toEqual([zh]);
    }
    expect(run('getent -i hosts api')).toMatchObject({ status: 0 });
  });
});
