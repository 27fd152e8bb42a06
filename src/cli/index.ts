// The CLI's surface for later commands and tests.
export { run, usage } from './run';
export { EXIT, type Command, type CommandContext, type CommandOptions } from './command';
export { COMMANDS, findCommand } from './commands';
export type { CliIo } from './io';
export { applyGlobalOptions, parseGlobalOptions, emptyGlobals, type GlobalOptions, type AppliedOptions } from './options';
export { loadScenarioForCommand, readInputs, defaultScenarioPath, type CommandScenario } from './scenario-input';
