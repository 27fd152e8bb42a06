// The configuration directory of one Gateway's data plane: nginx.conf, matches.json, the njs
// module and certificates, laid out so that Debian's nginx with libnginx-mod-http-js accepts
// `nginx -t -c <dir>/nginx.conf -p <dir>` (every path absolute under <dir>, as NGF's are under
// /etc/nginx). Pure: the caller writes the files.

import { artifactText } from '../artifact';
import type { Cluster } from '../cluster';
import { compileGateways } from './controller';
import { HTTPMATCHES_JS } from './njs';
import type { GatewayRenderOptions, RenderedGateway } from './render';

export interface GatewayConfigFile {
  path: string;
  content: string;
}

export interface WriteGatewayConfigDirInput {
  cluster: Cluster;
  /** "ns/name"; default: the first Gateway the controller serves. */
  gateway?: string;
  /** Absolute path of the directory the files will be written to. */
  dir: string;
  render?: Pick<GatewayRenderOptions, 'listenAddress' | 'endpointsBlind'>;
}

export function writeGatewayConfigDir(
  input: WriteGatewayConfigDirInput,
): { files: GatewayConfigFile[]; rendered: RenderedGateway } | { error: string } {
  const dir = input.dir.replace(/\/+$/, '');
  const compiled = compileGateways(input.cluster, {
    ...input.render,
    socketDir: dir,
    njsDir: `${dir}/njs`,
    matchesFile: `${dir}/conf.d/matches.json`,
    secretsDir: `${dir}/secrets`,
    files: {
      pid: `${dir}/nginx.pid`,
      errorLog: `${dir}/error.log`,
      accessLog: `${dir}/access.log`,
      tempDir: `${dir}/tmp`,
    },
  });
  const dp = input.gateway ? compiled.dataPlanes.find((x) => x.gateway === input.gateway) : compiled.dataPlanes[0];
  if (!dp) {
    const known = compiled.dataPlanes.map((x) => x.gateway).join(', ') || 'none';
    return {
      error: input.gateway
        ? `no Gateway ${input.gateway} is served by the Gateway controller (served: ${known})`
        : 'no Gateway is served by the Gateway controller (check the GatewayClass controllerName)',
    };

  }
  const rel = (p: string) => (p.startsWith(`${dir}/`) ? p.slice(dir.length + 1) : p);
  const files: GatewayConfigFile[] = [
    { path: 'nginx.conf', content: artifactText(dp.rendered.artifact) },
    { path: 'conf.d/matches.json', content: dp.rendered.matchesJson },
    { path: 'njs/httpmatches.js', content: HTTPMATCHES_JS },
    { path: 'tmp/.keep', content: '' },
  ];
  for (const cert of dp.rendered.certificates) files.push({ path: rel(cert.path), content: cert.pem });
  return { files, rendered: dp.rendered };
}
