// A separate Vite build for the bench's bare React Flow page (bench/pages/bare.html), so it never
// ships in the app. bench/ui.bench.ts builds it and serves it beside the app.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [react()],
  build: { target: 'es2022', rollupOptions: { input: { bare: fileURLToPath(new URL('./bare.html', import.meta.url)) } } },
});
