// The default scenario's first frame, computed at build time (vite.config.ts).
declare module 'virtual:netlab-first-frame' {
  const frame: import('./canvas/known-layouts').FirstFrame;
  export default frame;
}
