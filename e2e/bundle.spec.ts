// The first download stays small: React, React Flow, zustand and immer are the floor (131.7 kB gzip,
// TOOLCHAIN.md); the lab may add at most 60% on top. The loader, the simulation core, ELK and the
// artifact viewer load after first paint. Reads the build the preview server serves.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { expect, test } from '@playwright/test';

const FLOOR_KB = 131.7;

test('initial JavaScript is at most 1.6x the React + React Flow + zustand + immer floor', () => {
  const html = readFileSync('dist/index.html', 'utf8');
  const scripts = [...html.matchAll(/<script[^>]+src="([^"]+\.js)"|<link[^>]+rel="modulepreload"[^>]+href="([^"]+\.js)"/g)].map((m) => m[1] ?? m[2]!);
  expect(scripts.length).toBeGreaterThan(0);
  const kb = scripts.reduce((sum, src) => sum + gzipSync(readFileSync(`dist${src}`)).length, 0) / 1000;
  console.log(`initial JS: ${kb.toFixed(1)} kB gzip (${(kb / FLOOR_KB).toFixed(2)}x the floor)`);
  expect(kb).toBeLessThanOrEqual(FLOOR_KB * 1.6);
});
