import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkLoad, fuzzInputs } from './fuzz';

describe('the loader under generated and mutated input', () => {
  it('never throws, says where and why for every problem, and what loads can be exported and loaded again (10,000 inputs)', () => {
    const failures: string[] = [];
    fc.assert(
      fc.property(fuzzInputs(), (files) => {
        const why = checkLoad(files);
        if (why) failures.push(why);
        return why === undefined;
      }),
      { numRuns: 10_000 },
    );
    expect(failures).toEqual([]);
  }, 60_000);
});
