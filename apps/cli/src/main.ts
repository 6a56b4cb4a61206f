#!/usr/bin/env node
import 'reflect-metadata';
import { Command, CommanderError } from 'commander';
import { COMMAND_REGISTRARS } from './commands';
import { EXIT } from './cli-output';

const EXIT_HELP = `
Exit codes:
  0    success
  1    input refused (invalid protocol, inventory, search space, CSV, ...)
  2    wrong usage
  3    a service or device could not be reached
  4    the operation ran and failed (run failed, audit chain broken, ...)
  130  interrupted (Ctrl-C)

Environment: see README "Configuration" (PORT, REDIS_URL, MQTT_URL, DATABASE_URL, LAB_INVENTORY, ...).`;

export function buildProgram(): Command {
  const program = new Command('graftlab')
    .description('Orchestrator for robotic radiation-graft polymerization labs')
    .version('0.1.0')
    .showHelpAfterError()
    .addHelpText('after', EXIT_HELP)
    .exitOverride();
  for (const register of COMMAND_REGISTRARS) register(program);
  return program;
}

export async function runCli(argv: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      process.exitCode = e.exitCode === 0 ? EXIT.ok : EXIT.usage;
      return;
    }
    // Commands report their own errors; anything reaching here is a bug, still shown in one line.
    process.stderr.write(`graftlab: ${(e as Error).message}\n`);
    process.exitCode = EXIT.failed;
  }
}

if (require.main === module) void runCli(process.argv);
