// The simulation core's shared vocabulary in one place: object, hop and artifact types and the
// helpers most of the app uses. It is not the only way in. Each folder of src/sim lists in its
// README, under "Surface", the modules the rest of the code may import from it (this barrel
// included); everything else in a folder is internal, and src/sim/surface.test.ts keeps the lists
// true. Code that needs one engine imports its surface module directly, so the page's first chunk
// does not carry the others (the shell, the A/B analyses, kubectl views) through a barrel.
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
export type * from './step';
export { rewritesDestination } from './step';
export * from './proxy/servicemap';
export * as dns from './dns/index';
export * from './ingress';
// Control plane (issue 3): apiserver store, controllers, kubectl views.
export type { ApiProblem, FieldError, ObjectRef } from './api/errors';
export { formatFieldError, invalidMessage } from './api/errors';
export { ObjectStore, SAFE_ALPHABET } from './api/store';
export type { AnyObject, WatchEvent, WatchEventType, WatchListener, WriteResult } from './api/store';
export type { StoreOptions, CreateOptions } from './api/store';
export { applyDefaults } from './api/defaults';
export { validateObject, selectorMatches } from './api/validation';
export { reconcile, applyChange, resync } from './controllers/reconcile';
export type { ReconcileOptions, ReconcileState, ReconcileResult, Change } from './controllers/reconcile';
export { podListeningPorts, isPodReady, isTerminating } from './controllers/podstate';
export type { ListeningPort } from './controllers/podstate';
export { podTemplateHash } from './controllers/deployment';
export { kubectlGet, parseOutput } from './kubectl/get';
export type { KubectlGetOptions, KubectlOutput, KubectlResult } from './kubectl/get';
export { kubectlDescribe } from './kubectl/describe';
export type { KubectlDescribeOptions } from './kubectl/describe';
// Batch runs, A/B traces and incremental lab updates (issue 6 items 5 and 7).
export { distribution } from './trace/distribution';
export type { Distribution, DistributionInput } from './trace/distribution';
export { compareTraces, abTrace, flipEdit } from './analysis/compare';
export type { Flip, HopDifference, TraceComparison, AbTraceInput, AbTraceResult } from './analysis/compare';
export { updateLab } from './assembly/update';
export { applyEdit, appliedObjects, buildEditedLab, currentObject } from './assembly/edits';
export type { EditedLabInput, LabEdit } from './assembly/edits';
export type { LabUpdateInfo, UpdatedLab } from './assembly/update';
// The CNI portmap plugin's hostPort rules on a node (not kube-proxy's; every proxy mode shows them).
export { nodePortmap, portmapChainName, sandboxContainerID, CNI_NETWORK_NAME } from './cni/portmap';
export type { NodePortmap, PortmapSandbox, PortMapEntry } from './cni/portmap';
export * from './lb/index';
