export * from './types';
export * from './store';
export * from './selectors';
export * from './commands';
export * from '../sim/shell/changes';
export * from './lab';
export * from './preferences';
