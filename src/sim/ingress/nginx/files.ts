// The nginx configuration directory for one IngressClass: nginx.conf plus every file it references
// (certificates as ingress-nginx writes them, one PEM with certificate and key), laid out so that
// `nginx -t -c <dir>/nginx.conf -p <dir>/` passes with a stock nginx. Pure: the caller writes the files.

import type { Cluster } from '../../cluster';
import type { IngressAddon } from '../../lab';
import { artifactText } from '../../artifact';
import { buildIngressModel } from '../model';
import { FAKE_CERTIFICATE_KEY_PEM, FAKE_CERTIFICATE_PEM } from './fake-cert';
import type { NginxRenderOptions, RenderedNginx } from './render';
import { renderNginxConf } from './render';
import { defaultAddonFor } from '../addon';

export interface NginxConfigFile {
  /** Relative to the configuration directory. */
  path: string;
  content: string;
}

export interface NginxConfigDir {
  files: NginxConfigFile[];
  rendered: RenderedNginx;
}

export interface WriteNginxConfigDirInput {
  cluster: Cluster;
  className: string;
  /** Listen sockets and the internal 404 server (tests put them on loopback addresses). */
  render?: Pick<NginxRenderOptions, 'listen' | 'internalDefaultServer' | 'proxyProtocol'>;
}

/** The addon serving a class: declared in settings.ingress, else implied by an IngressClass of a known controller. */
export function addonForClass(cluster: Cluster, className: string): IngressAddon | null {
  const declared = cluster.settings.ingress.find((a) => a.className === className);
  if (declared) return declared;
  const cls = cluster.ingressClasses.find((c) => c.metadata.name === className);
  return cls ? defaultAddonFor(cls) : null;
}

export function writeNginxConfigDir(input: WriteNginxConfigDirInput): NginxConfigDir {
  const addon = addonForClass(input.cluster, input.className) ?? {
    className: input.className,
    controller: 'nginx' as const,
    topology: 'nodeport' as const,
    namespace: 'ingress-nginx',
    replicas: 1,
    legacyReloadOnEndpointChange: false,
    isDefaultClass: false,
  };
  const model = buildIngressModel(input.cluster, addon);
  // Paths relative to the prefix (-p): nginx resolves ssl_certificate against nginx.conf's directory
  // and pid / logs / temp paths against the prefix; both are the directory here.
  const rendered = renderNginxConf(model, {
    ...input.render,
    sslDir: 'ssl',
    files: { pid: 'nginx.pid', errorLog: 'error.log', accessLog: 'access.log', tempDir: 'tmp' },
  });
  const files: NginxConfigFile[] = [{ path: 'nginx.conf', content: artifactText(rendered.artifact) }];
  for (const cert of rendered.certificates) {
    const content = cert.certPem && cert.keyPem
      ? `${cert.certPem.trim()}\n${cert.keyPem.trim()}\n`
      : `${FAKE_CERTIFICATE_PEM.trim()}\n${FAKE_CERTIFICATE_KEY_PEM.trim()}\n`;

    files.push({ path: cert.path, content });
  }
  // nginx creates the last component of each temp path, not its parent.
  files.push({ path: 'tmp/.keep', content: '' });
  return { files, rendered };
}
