import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildJsonSchema, scenarioFileSchema } from './index';

const repo = (p: string) => fileURLToPath(new URL(`../../${p}`, import.meta.url));

describe('the JSON Schema for editors', () => {
  it('is up to date in public/scenario.schema.json (run `npm run schema` after changing the validators)', () => {
    const committed = readFileSync(repo('public/scenario.schema.json'), 'utf8');
    expect(committed).toBe(`${JSON.stringify(buildJsonSchema(), null, 2)}\n`);
  });

  it('accepts the default scenario as written', () => {
    const file = JSON.parse(readFileSync(repo('scenarios/default.json'), 'utf8'));
    expect(scenarioFileSchema.safeParse(file).error).toBeUndefined();
  });

  it('does not let a simulated kind pass as an "Other object" (so editors check Services as Services)', () => {
    const schema = buildJsonSchema() as { properties: { objects: { items: { anyOf: { title?: string; properties: { kind: { not?: { enum: string[] } } } }[] } } } };
    const other = schema.properties.objects.items.anyOf.find((b) => b.title === 'Other object');
    expect(other?.properties.kind.not?.enum).toContain('Service');
  });

  it('offers completion for lab settings and object kinds', () => {
    const text = JSON.stringify(buildJsonSchema());
    for (const word of ['masqueradeBit', 'nodePortAddresses', 'loadBalancerPool', 'EndpointSlice', 'IngressClass', 'externalTrafficPolicy']) {
      expect(text).toContain(word);
    }
  });
});
