import { defineConfig } from 'vitest/config';

// The pure core (sim, scenario, cli) is tested in Node's environment: if it touched the DOM,
// these tests would fail. Fidelity tests (real kernel, real nginx) have their own config.
// No test asserts a duration; the bound per test is generous because the suite must pass on a busy
// 2-core machine (beside `npm run bench`), where a test of many random edits can take far longer
// than vitest's 5 s default.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'core',
          environment: 'node',
          testTimeout: 120_000,
          include: ['src/sim/**/*.test.ts', 'src/scenario/**/*.test.ts', 'src/cli/**/*.test.ts', 'scripts/**/*.test.ts'],
          exclude: ['**/*.fidelity.test.ts'],
        },
      },
      {
        test: {
          name: 'app',
          environment: 'node',
          testTimeout: 120_000,
          include: ['src/state/**/*.test.ts', 'src/ui/**/*.test.ts'],
        },
      },
    ],
  },
});
