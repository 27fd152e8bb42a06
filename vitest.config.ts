import { defineConfig } from 'vitest/config';

// The pure core (sim, scenario, cli) is tested in Node's environment: if it touched the DOM,
// these tests would fail. Fidelity tests (real kernel, real nginx) have their own config.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'core',
          environment: 'node',
          include: ['src/sim/**/*.test.ts', 'src/scenario/**/*.test.ts', 'src/cli/**/*.test.ts', 'scripts/**/*.test.ts'],
          exclude: ['**/*.fidelity.test.ts'],
        },
      },
      {
        test: {
          name: 'app',
          environment: 'node',
          include: ['src/state/**/*.test.ts', 'src/ui/**/*.test.ts'],
        },
      },
    ],
  },
});
