// The CLI's surface for later commands and tests.
export { run, usage } from './run';
export { EXIT, type Command, type CommandContext, type CommandOptions } from './command';
export { COMMANDS, findCommand } from './commands';
export type { CliIo } from './io';
export { parseGlobalOptions, emptyGlobals, type GlobalOptions } from './options';
export {
  applyGlobalOptions,
  loadScenarioForCommand,
  readInputs,
  defaultScenarioPath,
  type AppliedOptions,
  type CommandScenario,
} from './scenario-input';
