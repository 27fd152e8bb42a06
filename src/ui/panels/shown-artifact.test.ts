import { describe, expect, it } from 'vitest';
import type { ArtifactRef, RenderedArtifact } from '../../sim';
import { shownArtifactId, shownLines } from './shown-artifact';

const ref = (artifact: string, lineIndex: number): ArtifactRef => ({ artifact, ref: `r${lineIndex}`, line: `line ${lineIndex}`, lineIndex });
const art = (id: string): RenderedArtifact => ({ id, kind: 'iptables', title: id, lines: [] }) as unknown as RenderedArtifact;
const artifacts = { 'b/ipt': art('b/ipt'), 'a/slices': art('a/slices') };
const hopRefs = [ref('b/ipt', 3), ref('b/ipt', 9)];
const faultRefs = [ref('a/slices', 7), ref('a/slices', 5)];

describe('what the artifact banner describes', () => {
  it('the viewer shows the artifact opened, else the deciding line\'s, else the first by id', () => {
    expect(shownArtifactId(artifacts, 'a/slices', hopRefs[1])).toBe('a/slices');
    expect(shownArtifactId(artifacts, 'gone', hopRefs[1])).toBe('b/ipt');
    expect(shownArtifactId(artifacts, null, undefined)).toBe('a/slices');
  });

  it('names the deciding line only when its artifact is shown', () => {
    expect(shownLines('b/ipt', hopRefs, faultRefs)).toEqual({ kind: 'deciding', ref: hopRefs[1] });
  });

  it('points at the lines read (the fault\'s) when the shown artifact holds them but not the deciding line', () => {
    expect(shownLines('a/slices', hopRefs, faultRefs)).toEqual({ kind: 'read', artifact: 'a/slices', refs: faultRefs });
  });

  it('says the deciding line is elsewhere when the shown artifact holds none of the hop\'s lines', () => {
    expect(shownLines('c/other', hopRefs, faultRefs)).toEqual({ kind: 'elsewhere', ref: hopRefs[1] });
    expect(shownLines('c/other', [], [])).toBeNull();
  });
});
