// Global options: parsed from the start of the command line (before the command) and also accepted
// after it; they reach the lab through applyGlobalOptions (scenario-input.ts). This module stays
// light: `netlab --help` loads it and nothing of the core.

import { PROXY_MODES, type ProxyMode } from '../sim/lab';

export interface GlobalOptions {
  mode?: ProxyMode;
  seed?: string;
  /** `--set key=value`, in the order given. */
  set: { key: string; value: string }[];
  json: boolean;
  help: boolean;
}

export const GLOBAL_HELP = `Global options:
  --mode <iptables|ipvs|nftables|userspace>  kube-proxy mode (settings.kubeProxy.mode)
  --seed <s>                                  the lab's random seed (settings.seed)
  --set <key=value>                           any lab setting by dotted name, e.g. \
--set kubeProxy.clusterCIDR=10.0.0.0/8
                                              (repeatable; lists are comma-separated)
  --json                                      machine-readable output: one JSON document on stdout from
                                              every command (text such as nginx.conf as a string field),
                                              a failure too ({"ok":false,"problems":[...],"errors":[{"message"}]})
  --help, -h                                  this help`;

/** parseArgs option config for the global options, so commands accept them after their name too. */
export const GLOBAL_PARSE_OPTIONS = {
  mode: { type: 'string' },
  seed: { type: 'string' },
  set: { type: 'string', multiple: true },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export type ParsedGlobals =
  | { ok: true; globals: GlobalOptions; command?: string; rest: string[] }
  | { ok: false; message: string };

export function emptyGlobals(): GlobalOptions {
  return { set: [], json: false, help: false };
}

/** Parse global options up to the first word that is not an option: the command. */
export function parseGlobalOptions(argv: readonly string[]): ParsedGlobals {
  const globals = emptyGlobals();
  let i = 0;
  for (; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      i++;
      break;
    }
    if (!arg.startsWith('-')) break;
    const eq = arg.indexOf('=');
    const name = eq >= 0 ? arg.slice(0, eq) : arg;
    const takesValue = name === '--mode' || name === '--seed' || name === '--set';
    let value: string | undefined;
    if (takesValue) {
      if (eq >= 0) value = arg.slice(eq + 1);
      else if (i + 1 < argv.length) value = argv[++i];
      else return { ok: false, message: `option ${name} needs a value` };
    } else if (eq >= 0) return { ok: false, message: `option ${name} takes no value` };
    const r = addGlobal(globals, name.replace(/^-+/, ''), value ?? true);
    if (r) return { ok: false, message: r };
  }
  return { ok: true, globals, command: argv[i], rest: argv.slice(i + 1) };
}

/** Record one global option; returns an error message or undefined. */
export function addGlobal(globals: GlobalOptions, name: string, value: string | boolean): string | undefined {
  switch (name) {
    case 'mode':
      if (!PROXY_MODES.includes(value as ProxyMode)) {
        return `--mode: Unsupported value: ${JSON.stringify(value)}: supported values: ${PROXY_MODES.join(', ')}`;
      }
      globals.mode = value as ProxyMode;
      return undefined;
    case 'seed':
      globals.seed = String(value);
      return undefined;
    case 'set': {
      const text = String(value);
      const eq = text.indexOf('=');
      if (eq <= 0) return `--set ${text}: expected key=value, e.g. --set kubeProxy.mode=ipvs`;
      globals.set.push({ key: text.slice(0, eq), value: text.slice(eq + 1) });
      return undefined;
    }
    case 'json':
      globals.json = true;
      return undefined;
    case 'h':
    case 'help':
      globals.help = true;
      return undefined;
    default:
      return `unknown option --${name}`;
  }
}
