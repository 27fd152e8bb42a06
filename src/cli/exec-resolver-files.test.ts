// `netlab exec ... cat /etc/hosts` and `cat /etc/resolv.conf` print the files the kubelet wrote into
// the pod (or the node's own), and curl resolves through /etc/hosts before DNS as a pod's does.
import { describe, expect, it } from 'vitest';
import { readerOf, runCli } from './testing';

const YAML = `apiVersion: v1
kind: Pod
metadata: {name: client}
spec:
  hostAliases: [{ip: "10.244.1.9", hostnames: ["foo.local"]}]
  containers: [{name: c, image: curlimages/curl}]
---
apiVersion: v1
kind: Pod
metadata: {name: dflt}
spec:
  dnsPolicy: Default
  containers: [{name: c, image: curlimages/curl}]
`;

const cli = (argv: string[]) => runCli(argv, readerOf({ 'h.yaml': YAML }));
const exec = (where: string, ...words: string[]) => cli(['exec', 'h.yaml', where, '--', ...words]);

describe("exec: a pod's resolver files", () => {
  it('cat /etc/hosts prints the kubelet-managed file with the hostAliases', () => {
    const r = exec('pod:default/client', 'cat', '/etc/hosts');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /^# Kubernetes-managed hosts file\.\n127\.0\.0\.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n/,
    );
    expect(r.stdout).toMatch(/\n10\.244\.\d+\.\d+\tclient\n\n# Entries added by HostAliases\.\n10\.244\.1\.9\tfoo\.local\n$/);
  });

  it("curl of the pod's own name is answered by /etc/hosts (then nothing listens), not NXDOMAIN", () => {
    const r = exec('pod:default/client', 'curl', 'http://client/');
    expect(r.stderr).toMatch(/^curl: \(7\) Failed to connect to client port 80: Connection refused/);
  });

  it("dnsPolicy Default: the node's resolv.conf, as the node has it", () => {
    const pod = exec('pod:default/dflt', 'cat', '/etc/resolv.conf');
    expect(pod.stdout).toBe('nameserver 192.168.49.1\n');
    expect(exec('node:node-1', 'cat', '/etc/resolv.conf').stdout).toBe(pod.stdout);
  });

  it("a node's /etc/hosts is the runtime's: localhost and the node's own name", () => {
    const r = exec('node:node-1', 'cat', '/etc/hosts');
    expect(r.stdout).toMatch(/^127\.0\.0\.1\tlocalhost\n/);
    expect(r.stdout).toMatch(/\n192\.168\.49\.2\tnode-1\n$/);
  });
});
