// Which artifact the viewer shows, and what the line above it (the drawer's banner) can say about
// it. The viewer and the banner read both from here, so the banner never names a line the viewer
// does not show: a no-endpoints fault opens the Service's EndpointSlice, whose lines the fault was
// read from, while the hop's deciding line is kube-proxy's REJECT in the node's iptables-save.

import type { ArtifactRef, RenderedArtifact } from '../../sim';

/** The artifact in the viewer: the one the reader opened, else the deciding line's, else the first by id. */
export function shownArtifactId(
  artifacts: Readonly<Record<string, RenderedArtifact>>,
  chosen: string | null,
  deciding: ArtifactRef | undefined,
): string | undefined {
  if (chosen && artifacts[chosen]) return chosen;
  if (deciding && artifacts[deciding.artifact]) return deciding.artifact;
  return Object.keys(artifacts).sort()[0];
}

/**
 * What the banner says about the artifact shown:
 * - `deciding`: it holds the hop's deciding line (the banner shows that line);
 * - `read`: it holds lines the hop or its fault read, but not the deciding one (the banner points
 *   at those marked lines);
 * - `elsewhere`: none of the hop's lines are in it, the deciding line is in another artifact.
 */
export type ShownLines =
  | { kind: 'deciding'; ref: ArtifactRef }
  | { kind: 'read'; artifact: string; refs: readonly ArtifactRef[] }
  | { kind: 'elsewhere'; ref: ArtifactRef };

/** The hop's lines in the artifact shown, in the order the hop and then its fault list them. */
export function shownLines(
  shown: string | undefined,
  hopRefs: readonly ArtifactRef[],
  faultRefs: readonly ArtifactRef[] = [],
): ShownLines | null {
  const deciding = hopRefs[hopRefs.length - 1];
  if (deciding && deciding.artifact === shown) return { kind: 'deciding', ref: deciding };
  const seen = new Set<number>();
  const read = [...hopRefs, ...faultRefs].filter((r) => {
    if (r.artifact !== shown || seen.has(r.lineIndex)) return false;
    seen.add(r.lineIndex);
    return true;
  });
  if (shown && read.length > 0) return { kind: 'read', artifact: shown, refs: read };
  return deciding ? { kind: 'elsewhere', ref: deciding } : null;
}
