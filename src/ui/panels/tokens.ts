// Where a packet's value may wrap. An address or a port is one token (a learner reads it aloud,
// copies it, compares it with the line above): a table cell too narrow for it must never cut
// "10.244.1.5:8080" after "10.244.1.". Other text wraps where a URL's would: after a slash, a
// query's "?" or "&", before a hostname's dot, and at spaces ("; " between a map's entries).

/** A piece of a value: an address (kept whole) or text that may wrap after it. */
export type Piece = { kind: 'addr' | 'text'; text: string };

/** What a token that is an address looks like. */
const ADDRESSES = [
  /^\d{1,3}(?:\.\d{1,3}){3}(?::\d{1,5})?/, // IPv4, with an optional :port
  /^\[[0-9a-fA-F:.]*:[0-9a-fA-F:.]*\](?::\d{1,5})?/, // [IPv6]:port
  /^[0-9a-fA-F]{0,4}(?::[0-9a-fA-F]{0,4}){2,7}(?:\.\d{1,3}){0,3}/, // IPv6: two colons or more
  /^\d+/, // a number (a port)
];

/** The address `s` starts with, if it ends there (not followed by more of a word, a dot or a colon). */
function addressAt(s: string): string | null {
  for (const re of ADDRESSES) {
    const m = re.exec(s);
    if (m && m[0] && !/^[\w.:]/.test(s.slice(m[0].length))) return m[0];
  }
  return null;
}

/**
 * The value in pieces, each a run that stays on one line; a line may break between two pieces.
 * Joined, the pieces are the value.
 */
export function pieces(value: string): Piece[] {
  const out: Piece[] = [];
  let text = '';
  const flush = () => {
    if (text) out.push({ kind: 'text', text });
    text = '';
  };
  let i = 0;
  while (i < value.length) {
    // An address starts at a token's start: not inside a name ("node-2"), a word or another number.
    const prev = i > 0 ? value[i - 1]! : '';
    const addr = /[\w.:[\]-]/.test(prev) ? null : addressAt(value.slice(i));
    if (addr) {
      flush();
      out.push({ kind: 'addr', text: addr });
      i += addr.length;
      continue;
    }
    const c = value[i]!;
    if (c === '.' && text && !/\s$/.test(text)) flush();
    text += c;
    if (c === '/' || c === '?' || c === '&' || /\s/.test(c)) {
      // A run of slashes ("http://") stays together.
      if (value[i + 1] !== c) flush();
    }
    i++;
  }
  flush();
  return out;
}
