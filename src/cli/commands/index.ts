// Every CLI command, in the order `netlab --help` lists them. Add new commands here.
import type { Command } from '../command';
import { validateCommand } from './validate';

export const COMMANDS: readonly Command[] = [validateCommand];

export function findCommand(name: string, commands: readonly Command[] = COMMANDS): Command | undefined {
  return commands.find((c) => c.name === name);
}
