import { Command, CommanderError } from 'commander';

import { isFerryError } from '../errors.js';
import type { CliIo } from './command-context.js';
import { COMMANDS } from './commands/index.js';

const defaultIo: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

export function buildProgram(io: CliIo, setExit: (code: number) => void): Command {
  const program = new Command('ferry')
    .description('Delivery pipeline for RPM distributions')
    .option('-w, --workspace <dir>', 'workspace directory (default: $FERRY_HOME or the current directory)')
    .showHelpAfterError()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .exitOverride();
  for (const register of COMMANDS) register(program, io, setExit);
  for (const command of program.commands) command.exitOverride();
  return program;
}

/** Runs the CLI and returns the process exit code (see DESIGN.md, command contract). */
export async function main(argv: readonly string[], io: CliIo = defaultIo): Promise<number> {
  let exitCode = 0;
  const program = buildProgram(io, (code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    return reportError(error, io);
  }
}

function reportError(error: unknown, io: CliIo): number {
  if (error instanceof CommanderError) {
    // Help and version output are successful exits; usage errors were already printed by commander.
    return error.exitCode === 0 ? 0 : 2;
  }
  if (isFerryError(error)) {
    io.stderr(`error: ${error.toString()}\n`);
    return error.exitCode;
  }
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  io.stderr(`error: unexpected failure (this is a bug in ferry, please report it): ${message}\n`);
  return 2;
}
