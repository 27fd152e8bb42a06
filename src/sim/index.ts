// The one public surface of the simulation core. Everything above src/sim imports from here.
export * from './api/types';
export * from './net/ip';
export * from './net/rand';
export * from './lab';
export * from './events';
export * from './artifact';
export * from './cluster';
export { assertNever } from './util/assert';
export type * from './trace/types';
export type * from './proxy/types';
export * from './proxy/servicemap';
export * as dns from './dns/index';
export * from './ingress';
