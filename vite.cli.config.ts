// The `netlab` CLI as a Node bundle in build/cli (not under dist/, which the app's build empties),
// built by `npm run build:cli` and on `npm ci` (the `prepare` script). Each command is its own chunk, loaded only when it runs; packages from
// node_modules stay imports, so the bundle holds only netlab's own code. Chunks sit beside main.js:
// src/cli/io.ts finds scenarios/ two folders up, which holds in build/cli as in src/cli.
import { defineConfig } from 'vite';

export default defineConfig({
  publicDir: false,
  logLevel: 'warn',
  build: {
    ssr: 'src/cli/main.ts',
    outDir: 'build/cli',
    emptyOutDir: true,
    target: 'node20',
    sourcemap: true,
    rollupOptions: { output: { entryFileNames: 'main.js', chunkFileNames: '[name]-[hash].js' } },
  },
});
