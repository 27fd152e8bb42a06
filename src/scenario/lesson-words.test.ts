// In lesson text "seed" means only the random seed (settings.seed, which makes a lab
// reproducible). The articles the lessons were drawn from are "the source article" (原文).

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const DIR = join(__dirname, '../../scenarios');
const files = readdirSync(DIR).filter((f) => f.endsWith('.json'));

/** Every human-readable string of a scenario file or the catalogue, with where it is. */
function texts(value: unknown, path: string, out: [string, string][]): [string, string][] {
  if (typeof value === 'string') out.push([path, value]);
  else if (Array.isArray(value)) value.forEach((v, i) => texts(v, `${path}/${i}`, out));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) if (k !== 'objects' && k !== 'settings') texts(v, `${path}/${k}`, out);
  }
  return out;
}

describe('lesson wording', () => {
  it.each(files)('%s: "seed" only ever means the random seed', (file) => {
    const doc: unknown = JSON.parse(readFileSync(join(DIR, file), 'utf8'));
    const misuses = texts(doc, '', []).filter(([, s]) => /\bseed\b/i.test(s) && !/\b(random|the lab's|settings\.)\s*seed\b|--seed\b/i.test(s));
    expect(misuses).toEqual([]);
  });
});
