import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkLoad, fuzzInputs } from './fuzz';

// 2,000 inputs per unit run keeps the suite quick on a busy 2-core machine; `npm run fuzz` runs the
// same property on 100,000 (scripts/fuzz.ts). The timeout is a generous ceiling for a loaded
// machine, not a performance assertion.
const RUNS = 2_000;
const TIMEOUT_MS = 600_000;

describe('the loader under generated and mutated input', () => {
  it(`never throws, says where and why for every problem, and what loads can be exported and loaded again (${RUNS} inputs)`, () => {
    const failures: string[] = [];
    fc.assert(
      fc.property(fuzzInputs(), (files) => {
        const why = checkLoad(files);
        if (why) failures.push(why);
        return why === undefined;
      }),
      { numRuns: RUNS },
    );
    expect(failures).toEqual([]);
  }, TIMEOUT_MS);
});
