// `netlab gateway-config <files> [--gateway <ns>/<name>] [--out <dir>]`: the nginx.conf NGINX
// Gateway Fabric renders for a Gateway's data plane. With --out, nginx.conf, matches.json, the njs
// module and certificates are written so that `nginx -t -c <dir>/nginx.conf -p <dir>` passes with
// Debian's nginx and libnginx-mod-http-js.

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { artifactText } from '../../sim';
import { writeGatewayConfigDir } from '../../sim/gateway/files';
import { SUMMARIES } from '../summaries';
import { EXIT, type Command } from '../command';
import { loadLab, opt } from '../lab-input';

export const gatewayConfigCommand: Command = {
  name: 'gateway-config',
  summary: SUMMARIES['gateway-config'],
  usage: `netlab gateway-config [files...] [--gateway <ns>/<name>] [--out <dir>]

Prints the nginx.conf of the Gateway (default: the first one the controller serves), with its
match lists (matches.json) shown as comments at the end. With --out, writes nginx.conf,
conf.d/matches.json, njs/httpmatches.js and certificates into <dir>.
--json prints {ok, gateway, artifacts: [{id, kind, text}], matches, upstreams}: nginx.conf as text (as
rules --json gives its artifacts), matches.json as an object and each upstream's Service; with --out
{ok, gateway, dir, files, check}.`,
  options: { gateway: { type: 'string' }, out: { type: 'string' } },
  run(ctx) {
    const l = loadLab(ctx);
    if (!l.ok) return l.exitCode;
    const name = opt(ctx, 'gateway');
    const planes = l.lab.gatewayControllers.dataPlanes;
    const out = opt(ctx, 'out');
    if (out) {
      const dir = resolve(out);
      const r = writeGatewayConfigDir({ cluster: l.lab.cluster, dir, ...(name ? { gateway: name } : {}) });
      if ('error' in r) {
        return ctx.report.fail(EXIT.problems, `error: ${r.error}`);
      }
      for (const f of r.files) {
        const p = join(dir, f.path);
        mkdirSync(dirname(p), { recursive: true });
        writeFileSync(p, f.content);
      }
      const check = `nginx -t -c ${join(dir, 'nginx.conf')} -p ${dir}`;
      if (ctx.globals.json) {
        const files = r.files.map((f) => f.path);
        ctx.report.printJson({ ok: true, gateway: r.rendered.gateway, dir, files, check });
        return EXIT.ok;
      }
      const wrote = `wrote ${r.files.length} file(s) for Gateway ${r.rendered.gateway} to ${dir}`;
      ctx.io.stdout(`${wrote}; check with: ${check}\n`);
      return EXIT.ok;
    }
    const dp = name ? planes.find((x) => x.gateway === name) : planes[0];
    if (!dp) {
      const known = planes.map((x) => x.gateway).join(', ') || 'none';
      return ctx.report.fail(
        EXIT.problems,
        name
          ? `error: no Gateway ${name} is served by the Gateway controller (served: ${known})`
          : 'error: no Gateway is served by the Gateway controller ' +
              '(check the GatewayClass controllerName and settings.gatewayAPI.controllerName)',
      );
    }
    if (!name && planes.length > 1) {
      const others = planes.slice(1).map((x) => x.gateway).join(', ');
      const showing = `showing ${dp.gateway} (others: ${others}; pick one with --gateway)`;
      ctx.io.stderr(`note: ${planes.length} Gateways; ${showing}\n`);
    }
    const { artifact, matchesJson, upstreamServices } = dp.rendered;
    if (ctx.globals.json) {
      const artifacts = [{ id: artifact.id, kind: artifact.kind, text: artifactText(artifact) }];
      const matches = JSON.parse(matchesJson) as unknown;
      ctx.report.printJson({ ok: true, gateway: dp.gateway, artifacts, matches, upstreams: upstreamServices });
      return EXIT.ok;
    }
    ctx.io.stdout(artifactText(artifact));
    return EXIT.ok;
  },
};
