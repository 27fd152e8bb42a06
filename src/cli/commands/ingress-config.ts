// `netlab ingress-config <files> [--class <name>] [--out <dir>]`: the configuration an ingress
// controller generated. With --out, nginx.conf and every file it references are written so that
// `nginx -t -c <dir>/nginx.conf -p <dir> -e <dir>/error.log` checks it with a real nginx.

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { artifactText, writeNginxConfigDir } from '../../sim';
import { SUMMARIES } from '../summaries';
import { EXIT, type Command } from '../command';
import { loadLab, opt } from '../lab-input';

export const ingressConfigCommand: Command = {
  name: 'ingress-config',
  summary: SUMMARIES['ingress-config'],
  usage: `netlab ingress-config [files...] [--class <name>] [--out <dir>]

Prints the configuration of the controller serving --class (default: the first controller). With
--out, writes nginx.conf and the certificate files it references into <dir>.
--json prints {ok, class, controller, artifacts: [{id, kind, text}]} (the configuration as text, as
rules --json gives its artifacts); with --out {ok, class, controller, dir, files, check}.`,
  options: { class: { type: 'string' }, out: { type: 'string' } },
  run(ctx) {
    const l = loadLab(ctx);
    if (!l.ok) return l.exitCode;
    const controllers = l.lab.ingressControllers;
    const cls = opt(ctx, 'class');
    const c = cls ? controllers.find((x) => x.addon.className === cls) : controllers[0];
    if (!c) {
      const known = controllers.map((x) => x.addon.className).join(', ') || 'none';
      return ctx.report.fail(
        EXIT.problems,
        cls
          ? `error: no ingress controller serves class "${cls}" (classes: ${known})`
          : 'error: this scenario has no ingress controller (declare settings.ingress or an IngressClass)',
      );
    }
    // --json: which controller, then what it generated (or wrote).
    const which = { ok: true, class: c.addon.className, controller: c.kind };
    const out = opt(ctx, 'out');
    if (out) {
      if (c.kind !== 'nginx') {
        const served = `class "${c.addon.className}" is served by ${c.kind}`;
        return ctx.report.fail(EXIT.usage, `error: --out writes nginx configurations; ${served}`);
      }
      const dir = resolve(out);
      const { files } = writeNginxConfigDir({ cluster: l.lab.cluster, className: c.addon.className });
      for (const f of files) {
        const p = join(dir, f.path);
        mkdirSync(dirname(p), { recursive: true });
        writeFileSync(p, f.content);
      }
      const check = `nginx -t -c ${join(dir, 'nginx.conf')} -p ${dir}/ -e ${join(dir, 'error.log')}`;
      if (ctx.globals.json) ctx.report.printJson({ ...which, dir, files: files.map((f) => f.path), check });
      else ctx.io.stdout(`wrote ${files.length} file(s) to ${dir}; check with: ${check}\n`);
      return EXIT.ok;
    }
    const art = c.kind === 'nginx' ? c.nginx.rendered.artifact : c.traefik.artifact;
    const text = artifactText(art);
    if (ctx.globals.json) ctx.report.printJson({ ...which, artifacts: [{ id: art.id, kind: art.kind, text }] });
    else ctx.io.stdout(text);
    return EXIT.ok;
  },
};
