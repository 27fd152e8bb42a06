// Every CLI command, in the order `netlab --help` lists them. Add new commands here.
import type { Command } from '../command';
import { validateCommand } from './validate';
import { describeCommand, getCommand } from './get';
import { rulesCommand } from './rules';
import { digCommand } from './dig';
import { ingressConfigCommand } from './ingress-config';
import { traceCommand } from './trace';
import { exportCommand } from './export';
import { gatewayConfigCommand } from './gateway-config';
import { execCommand } from './exec';
import { convertCommand } from './convert';

export const COMMANDS: readonly Command[] = [
  validateCommand,
  getCommand,
  describeCommand,
  rulesCommand,
  digCommand,
  ingressConfigCommand,
  gatewayConfigCommand,
  traceCommand,
  execCommand,
  exportCommand,
  convertCommand,
];

export function findCommand(name: string, commands: readonly Command[] = COMMANDS): Command | undefined {
  return commands.find((c) => c.name === name);
}
