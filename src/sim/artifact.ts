// Artifacts are data; text is a view (ARCHITECTURE.md principle 3). Every rendered line knows
// which structural element it came from, so a hop can point at "the line that decided".

import type { Note } from './notes';
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
  | 'hosts'
  | 'dig'
  | 'load-balancer'
  | 'endpointslice';

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
  /** As the English page and the CLI name it. */
  title: string;
  /** A title that is words rather than a command, as a note the page renders in its language. */
  titleNote?: Note;
  lines: RenderedLine[];
}

/**
 * An artifact whose lines are rendered the first time someone reads them (a viewer opens it, a
 * trace points at one of its lines), then kept. A lab holds every node's rulesets, but an edit
 * should not pay for rendering the ones nobody looks at. `lines` is an enumerable property, so a
 * copy, a structured clone or a JSON dump of the object renders it and sees plain data. The object
 * is frozen (artifacts are values), which also keeps immer's deep freeze from walking into it.
 */
export function lazyArtifact(head: Omit<RenderedArtifact, 'lines'>, render: () => RenderedLine[]): RenderedArtifact {
  let lines: RenderedLine[] | undefined;
  // An object literal's getter is an own enumerable property like defineProperty's, and about twice
  // as cheap to make (a lab makes one per node ruleset and per Service's slices on every edit).
  return Object.freeze({
    id: head.id,
    kind: head.kind,
    title: head.title,
    ...(head.titleNote ? { titleNote: head.titleNote } : {}),
    get lines() {
      return (lines ??= render());
    },
  });
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
