import { readFileSync } from 'node:fs';
import ELK from 'elkjs/lib/elk.bundled.js';
import { describe, expect, it } from 'vitest';
import { computeFirstFrame } from './first-frame.build';
import { firstFrame, knownLayout, setFirstFrame } from './known-layouts';
import { layoutTopology } from './layout';
import type { Topology } from './topology';

const file = { name: 'default.json', text: readFileSync(new URL('../../../scenarios/default.json', import.meta.url), 'utf8') };

describe('the default scenario first frame and known layouts', () => {
  it('draws the scenario real objects where ELK places them', async () => {
    const frame = await computeFirstFrame(file);
    expect(frame.topology.frames.map((f) => f.name)).toEqual(['node-1', 'node-2', 'node-3']);
    expect(frame.topology.pods.every((p) => p.ip !== null && p.frameId !== null)).toBe(true);
    expect(frame.topology.services.map((s) => s.id)).toContain('service:default/web');
    setFirstFrame(frame);
    // The same picture as the page's own ELK run for that topology.
    expect(firstFrame()?.layout).toEqual(await layoutTopology(frame.topology, new ELK()));
    expect(knownLayout(frame.topology)).toEqual(firstFrame()?.layout);
  });

  it('asks ELK again for a topology whose graph differs (one more pod grows a frame)', async () => {
    const frame = await computeFirstFrame(file);
    setFirstFrame(frame);
    const t = frame.topology;
    const frameId = t.frames[0]!.id;
    const more: Topology = { ...t, pods: [...t.pods, { ...t.pods.find((p) => p.frameId === frameId)!, id: 'pod:default/extra', name: 'extra' }] };
    expect(knownLayout(more)).toBeNull();
    // A topology built again with equal content (new identities) is known.
    expect(knownLayout(JSON.parse(JSON.stringify(t)) as Topology)).not.toBeNull();
  });
});
