// A pipeline's text filters, as coreutils and GNU grep behave on the lines a command printed:
// `iptables-save | grep KUBE-SVC`, `kubectl get pods -o wide | head -3`, `... | wc -l`. Only the
// first command of a pipeline reaches the lab; what follows each `|` reads its standard output.

import { note } from '../notes';
import type { ProseLine } from './shell';

/** A command line cut at every `|` outside quotes (and not `||`). */
export function splitPipeline(line: string): string[] {
  const parts: string[] = [];
  let quote: '"' | "'" | null = null;
  let start = 0;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      if (c === quote) quote = null;
      else if (c === '\\' && quote === '"') i++;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '\\') i++;
    else if (c === '|' && line[i + 1] !== '|' && line[i - 1] !== '|') {
      parts.push(line.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(line.slice(start));
  return parts;
}

/**
 * What a filter printed: its standard output, a message for standard error, or the console's words
 * there (a note the page renders in the reader's language).
 */
export type FilterResult = { out: string } | { err: string } | { errProse: ProseLine[] };

export const PIPE_FILTERS = ['grep', 'head', 'tail', 'wc', 'sort', 'uniq'] as const;

/** Runs one filter (`words` as the shell split them) over `input`. */
export function runFilter(words: readonly string[], input: string): FilterResult {
  const [cmd, ...args] = words;
  switch (cmd) {
    case 'grep':
      return grep(args, input);
    case 'head':
    case 'tail':
      return headTail(cmd, args, input);
    case 'wc':
      return wc(args, input);
    case 'sort':
      return sort(args, input);
    case 'uniq':
      return uniq(args, input);
    case undefined:
      return { err: "bash: syntax error near unexpected token `|'" };
    default: {
      // bash's own words, then which filters the console has: the lab's words.
      const said = `bash: ${cmd}: command not found`;
      return { errProse: [{ note: note('note.shell.pipeNotFound', { said, filters: PIPE_FILTERS.join(', ') }) }] };
    }
  }
}

/** The input's lines, without the empty one after a final newline. */
function linesOf(input: string): string[] {
  if (input === '') return [];
  const lines = input.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

const joined = (lines: readonly string[]): string => (lines.length ? `${lines.join('\n')}\n` : '');

/** Short options, combinable (`-vi`), with the ones that take a value (`-n 3`, `-n3`). */
function parseShort(
  args: readonly string[],
  withValue: string,
  cmd: string,
): { opts: Map<string, string>; rest: string[] } | { err: string } {
  const opts = new Map<string, string>();
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') {
      rest.push(...args.slice(i + 1));
      break;
    }
    if (!a.startsWith('-') || a === '-' || /^-\d+$/.test(a)) {
      rest.push(a);
      continue;
    }
    for (let j = 1; j < a.length; j++) {
      const o = a[j]!;
      if (!withValue.includes(o)) {
        opts.set(o, '');
        continue;
      }
      const v = a.slice(j + 1) || args[++i];
      if (v === undefined) return { err: `${cmd}: option requires an argument -- '${o}'` };
      opts.set(o, v);
      break;
    }
  }
  return { opts, rest };
}

/** A POSIX basic regular expression as a JavaScript one: `+ ? | ( ) { }` are literal unless escaped. */
function basicToJs(re: string): string {
  let out = '';
  for (let i = 0; i < re.length; i++) {
    const c = re[i]!;
    if (c === '\\' && i + 1 < re.length) {
      const n = re[++i]!;
      out += '+?|(){}'.includes(n) ? n : `\\${n}`;
    } else out += '+?|(){}'.includes(c) ? `\\${c}` : c;
  }
  return out;
}

function grep(args: readonly string[], input: string): FilterResult {
  const parsed = parseShort(args, 'em', 'grep');
  if ('err' in parsed) return parsed;
  const { opts, rest } = parsed;
  const unknown = [...opts.keys()].find((o) => !'viEFcnwem'.includes(o));
  if (unknown) return { err: `grep: invalid option -- '${unknown}'` };
  const pattern = opts.get('e') ?? rest[0];
  if (pattern === undefined) {
    return { err: "Usage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information." };
  }
  let source = opts.has('F') ? pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') : pattern;
  if (!opts.has('F') && !opts.has('E')) source = basicToJs(source);
  if (opts.has('w')) source = `(?<![\\w])(?:${source})(?![\\w])`;
  let re: RegExp;
  try {
    re = new RegExp(source, opts.has('i') ? 'i' : '');
  } catch {
    return { err: `grep: invalid regular expression: ${pattern}` };
  }
  const invert = opts.has('v');
  const max = opts.has('m') ? Number(opts.get('m')) : Infinity;
  const hits: string[] = [];
  linesOf(input).forEach((l, i) => {
    if (hits.length < max && re.test(l) !== invert) hits.push(opts.has('n') ? `${i + 1}:${l}` : l);
  });
  return { out: opts.has('c') ? `${hits.length}\n` : joined(hits) };
}

function headTail(cmd: 'head' | 'tail', args: readonly string[], input: string): FilterResult {
  const parsed = parseShort(args, 'n', cmd);
  if ('err' in parsed) return parsed;
  const old = parsed.rest.find((a) => /^-\d+$/.test(a));
  const raw = parsed.opts.get('n') ?? (old ? old.slice(1) : '10');
  if (!/^[+-]?\d+$/.test(raw)) return { err: `${cmd}: invalid number of lines: ‘${raw}’` };
  const lines = linesOf(input);
  const n = Number(raw);
  // `head -n -K` prints all but the last K lines.
  if (cmd === 'head') return { out: joined(lines.slice(0, n)) };
  // `tail -n +K` starts at line K.
  const from = raw.startsWith('+') ? n - 1 : lines.length - n;
  return { out: joined(lines.slice(Math.max(0, from))) };
}

function wc(args: readonly string[], input: string): FilterResult {
  const lines = (input.match(/\n/g) ?? []).length;
  const words = input.split(/\s+/).filter(Boolean).length;
  const bytes = new TextEncoder().encode(input).length;
  const counts: number[] = [];
  if (args.includes('-l')) counts.push(lines);
  if (args.includes('-w')) counts.push(words);
  if (args.includes('-c')) counts.push(bytes);
  if (counts.length === 0) return { out: `${[lines, words, bytes].map((x) => String(x).padStart(7)).join(' ')}\n` };
  return { out: `${counts.join(' ')}\n` };
}

function sort(args: readonly string[], input: string): FilterResult {
  const lines = linesOf(input);
  const numeric = args.some((a) => /^-\w*n/.test(a));
  lines.sort((a, b) => (numeric ? parseFloat(a) - parseFloat(b) || compare(a, b) : compare(a, b)));
  if (args.some((a) => /^-\w*r/.test(a))) lines.reverse();
  const unique = args.some((a) => /^-\w*u/.test(a));
  return { out: joined(unique ? lines.filter((l, i) => i === 0 || l !== lines[i - 1]) : lines) };
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function uniq(args: readonly string[], input: string): FilterResult {
  const runs: { line: string; n: number }[] = [];
  for (const l of linesOf(input)) {
    const last = runs.at(-1);
    if (last && last.line === l) last.n++;
    else runs.push({ line: l, n: 1 });
  }
  const count = args.includes('-c');
  return { out: joined(runs.map((r) => (count ? `${String(r.n).padStart(7)} ${r.line}` : r.line))) };
}
