// Artifacts are data; text is a view (ARCHITECTURE.md principle 3). Every rendered line knows
// which structural element it came from, so a hop can point at "the line that decided".

export type ArtifactKind =
  | 'iptables-save'
  | 'ipvsadm'
  | 'ipset'
  | 'nft'
  | 'ip-addr'
  | 'ip-route'
  | 'userspace'
  | 'nginx.conf'
  | 'traefik'
  | 'dns-zone'
  | 'resolv.conf'
  | 'dig'
  | 'load-balancer';

/** Identifies one artifact in a lab, e.g. "node/worker-1/iptables-save" or "ingress/nginx/nginx.conf". */
export type ArtifactId = string;

export interface RenderedLine {
  text: string;
  /** The structural element this line renders (a rule id, a block id), if any. */
  ref?: string;
}

export interface RenderedArtifact {
  id: ArtifactId;
  kind: ArtifactKind;
  title: string;
  lines: RenderedLine[];
}

/** A pointer from a decision to the line that made it. */
export interface ArtifactRef {
  artifact: ArtifactId;
  /** The structural id (rule id, block id) the evaluator used. */
  ref: string;
  /** The rendered line, as the viewer shows it (for the inspector and the CLI). */
  line: string;
  /** Zero-based index of the line in the rendered artifact. */
  lineIndex: number;
}

export function findLine(a: RenderedArtifact, ref: string): ArtifactRef | null {
  const i = a.lines.findIndex((l) => l.ref === ref);
  if (i < 0) return null;
  return { artifact: a.id, ref, line: a.lines[i]!.text, lineIndex: i };
}

export function artifactText(a: RenderedArtifact): string {
  return a.lines.map((l) => l.text).join('\n') + '\n';
}
