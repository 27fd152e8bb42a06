// iptables' read-only views of a node's rules, from the iptables-save text kube-proxy's rules render
// to: `iptables-save -t TABLE` (that table's block) and `iptables [-t TABLE] -S [CHAIN]` (iptables'
// rule specifications: -P for a built-in chain's policy, -N for a chain of its own, then the -A rules).

/** The `*table` ... `COMMIT` block of `table`, or undefined when the text has none. */
export function tableBlock(save: string, table: string): string[] | undefined {
  const lines = save.split('\n');
  const start = lines.indexOf(`*${table}`);
  if (start < 0) return undefined;
  const end = lines.indexOf('COMMIT', start);
  return lines.slice(start, end < 0 ? undefined : end + 1);
}

/** `iptables -t TABLE -S [CHAIN]`'s lines, or undefined when the chain is not in the table. */
export function ruleSpecs(block: readonly string[], chain?: string): string[] | undefined {
  const specs: string[] = [];
  let found = chain === undefined;
  for (const line of block) {
    const decl = /^:(\S+) (\S+)/.exec(line);
    if (decl && (chain === undefined || decl[1] === chain)) {
      found = true;
      specs.push(decl[2] === '-' ? `-N ${decl[1]}` : `-P ${decl[1]} ${decl[2]}`);
    }
  }
  if (!found) return undefined;
  for (const line of block) {
    if (line.startsWith('-A ') && (chain === undefined || line.startsWith(`-A ${chain} `))) specs.push(line);
  }
  return specs;
}

/** iptables' words: -t TABLE, -S [CHAIN] or -L/-A/...: what the command asks for. */
export function iptablesWords(words: readonly string[]):
  | { op: 'specs'; table: string; chain?: string }
  | { op: 'list' | 'write' | 'none'; table: string } {
  let table = 'filter';
  let op: 'specs' | 'list' | 'write' | 'none' = 'none';
  let chain: string | undefined;
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (w === '-t' || w === '--table') table = words[++i] ?? table;
    else if (w === '-S' || w === '--list-rules') {
      op = 'specs';
      const next = words[i + 1];
      if (next !== undefined && !next.startsWith('-')) chain = words[++i];
    } else if (/^-[a-zA-Z]*L/.test(w) || w === '--list') op = op === 'specs' ? op : 'list';
    else if (/^-(A|I|D|R|F|X|N|P|Z|E)$/.test(w) || /^--(append|insert|delete|replace|flush|new-chain)/.test(w)) {
      op = 'write';
    }
  }
  return op === 'specs' ? { op, table, ...(chain ? { chain } : {}) } : { op, table };
}
