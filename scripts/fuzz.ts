// `npm run fuzz [-- <count>]`: run the loader on 100,000 generated and mutated inputs (valid
// scenarios, random bytes, truncated files, deep nesting, __proto__ keys, huge numbers, odd
// unicode) and count escapes: inputs where the loader threw, polluted a prototype, gave a problem
// without a place or a reason, or loaded something it cannot write back. The count must be 0.
import fc from 'fast-check';
import { checkLoad, fuzzInputs } from '../src/scenario/fuzz';

const total = Number(process.argv[2] ?? 100_000);
const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
const batch = 5_000;
let done = 0;
let escapes = 0;
const started = Date.now();
const arbitrary = fuzzInputs();
for (let b = 0; done < total; b++) {
  const n = Math.min(batch, total - done);
  for (const files of fc.sample(arbitrary, { numRuns: n, seed: seed + b })) {
    const why = checkLoad(files);
    if (why !== undefined) {
      escapes++;
      if (escapes <= 5) console.log(`escape: ${why}\n  input: ${JSON.stringify(files).slice(0, 500)}`);
    }
  }
  done += n;
  process.stdout.write(`  ${done} inputs, ${escapes} escapes\r`);
}
console.log(`\n${done} inputs, ${escapes} escapes (seed ${seed}, ${((Date.now() - started) / 1000).toFixed(1)} s)`);
process.exitCode = escapes === 0 ? 0 : 1;
