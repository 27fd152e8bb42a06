// Where the canvas gets buildTopology (./topology.ts) from. The topology is derived from a reconciled
// cluster, and the store has one only once the engines have loaded: so the module, with the load
// balancers' compile it needs, comes with the engines (main.tsx loads it beside them) instead of
// being parsed before the first frame, which draws the build's topology (./known-layouts.ts).
// A cluster that reaches the store some other way (the test build's API) loads it on demand.

type Build = typeof import('./topology').buildTopology;

let build: Build | null = null;
let loading: Promise<Build> | null = null;

/** The builder, once loaded; null before. */
export const topologyBuilder = (): Build | null => build;

/** Loads ./topology.ts (once; a failed download is tried again on the next call). */
export function loadTopology(): Promise<Build> {
  return (loading ??= import('./topology').then(
    (m) => (build = m.buildTopology),
    (e: unknown) => {
      loading = null;
      throw e;
    },
  ));
}
