import { defineConfig } from 'vitest/config';

// Real-component checks: generated iptables rules in a private network namespace, generated
// nginx.conf in a real nginx. They need root and Linux; each suite skips with its reason elsewhere.
export default defineConfig({
  test: {
    name: 'fidelity',
    environment: 'node',
    include: ['src/**/*.fidelity.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    fileParallelism: false,
  },
});
