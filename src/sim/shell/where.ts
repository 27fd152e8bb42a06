// Where a console session runs: in a pod, on a node, or on a client outside the cluster. Its own
// module so the commands the shell runs (ip.ts) take it from below the shell.

/** Where the commands run, like the host of a shell prompt. */
export type Shell =
  | { kind: 'pod'; pod: string }
  | { kind: 'node'; node: string }
  | { kind: 'external'; client: string };
