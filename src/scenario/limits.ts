// Caps applied before any heavy work, so a hostile file or share link cannot freeze the tab
// (excalidraw's restore caps sizes the same way). Real manifests are far below every one of them.

import { MAX_REPLICAS } from '../sim/lab';

export const LIMITS = {
  /** Bytes of UTF-8 text in one file. */
  maxBytes: 5 * 1024 * 1024,
  /** Objects in one file, and in a merged scenario. */
  maxObjects: 5000,
  /** spec.replicas of one Deployment, ReplicaSet or StatefulSet: the lab creates every pod. */
  maxReplicas: MAX_REPLICAS,
  /** Nesting of maps and lists in a document (Kubernetes objects need about 12). */
  maxDepth: 64,
  /**
   * Leading indentation (spaces and compact "- " indicators) of a YAML line, checked on the raw text
   * before the YAML parser runs: very deep block nesting exhausts the parser's memory.
   */
  maxIndent: 256,
  /** Values (scalars, maps, lists) in one document, counting alias expansions (YAML "billion laughs"). */
  maxNodes: 2_000_000,
  /** Values copied through YAML aliases (`*name`) in one document. */
  maxAliasedNodes: 10_000,
  /** Entries in clients, requests and lesson steps. */
  maxEntries: 1000,
  /** Edits made in the running lab that a file or link replays. */
  maxEdits: 5000,
} as const;

/** UTF-8 length of a string without allocating the encoded bytes. */
export function utf8Length(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n += 4;
        i++;
      } else n += 3;
    } else n += 3;
  }
  return n;
}
