import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

export const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "worker-src 'self' blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

export default defineConfig({
  plugins: [react()],
  server: { host: '127.0.0.1', port: 5173 },
  // The built app is served with a Content-Security-Policy that forbids inline and injected scripts:
  // a script in a scenario's names, labels or lesson text, or in a link, can never run (e2e/security.spec.ts).
  preview: { host: '127.0.0.1', port: 4173, headers: { 'Content-Security-Policy': CSP } },
  build: { target: 'es2022', sourcemap: true },
});
