// `netlab export <files> --format yaml|json`: plain manifests that `kubectl apply -f` takes (lab
// settings kept apart, in a comment), or the scenario as netlab's own JSON.

import { serializeScenario, toManifests } from '../../scenario';
import { appliedObjects } from '../../sim/assembly/edits';
import { SUMMARIES } from '../summaries';
import { EXIT, type Command } from '../command';
import { loadLab, opt } from '../lab-input';

export const exportCommand: Command = {
  name: 'export',
  summary: SUMMARIES.export,
  usage: `netlab export [files...] --format yaml|json

yaml: manifests kubectl apply -f takes (the default); json: the scenario as netlab's JSON (the default
with --json).`,
  options: { format: { type: 'string' } },
  run(ctx) {
    const format = opt(ctx, 'format') ?? (ctx.globals.json ? 'json' : 'yaml');
    if (format !== 'yaml' && format !== 'json') {
      return ctx.report.fail(EXIT.usage, `error: --format must be yaml or json, not ${JSON.stringify(format)}`);
    }
    const l = loadLab(ctx);
    if (!l.ok) return l.exitCode;
    // Manifests are the objects as they are now: the scenario's, changed by its edits.
    ctx.io.stdout(format === 'yaml' ? toManifests(appliedObjects(l.lab)) : serializeScenario(l.scenario));
    return EXIT.ok;
  },
};
