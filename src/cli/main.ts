import { readFileSync } from 'node:fs';

import { Command, CommanderError } from 'commander';

import { isFerryError } from '../errors.js';
import { guardClosedOutput, type OutputGuard } from './closed-output.js';
import type { CliIo, CommandRegistration } from './command-context.js';

/**
 * Top-level commands whose module can be loaded on its own. When the first
 * argument names one, only it is registered: `ferry repo closure` then starts
 * without loading every other command's dependencies (configuration schemas,
 * logging, the store), which costs more than a whole closure check. Anything
 * else (`ferry --help`, global options first, other commands) loads them all.
 */
const STANDALONE_COMMANDS: Readonly<Record<string, () => Promise<CommandRegistration>>> = {
  repo: async () => (await import('./commands/repo.js')).registerRepoCommand,
  // The version needs no command at all (loading them all took 100 ms).
  '--version': () => Promise.resolve(() => undefined),
  '-V': () => Promise.resolve(() => undefined),
};

/** Set when main() runs on the process's own streams: their readers may go away (closed-output.ts). */
let outputGuard: OutputGuard | undefined;

const defaultIo: CliIo = {
  stdout: (text) => {
    if (!outputGuard?.closed(process.stdout)) process.stdout.write(text);
  },
  stderr: (text) => {
    if (!outputGuard?.closed(process.stderr)) process.stderr.write(text);
  },
};

/** The version in package.json (dist/cli/main.js and src/cli/main.ts are both two levels below it). */
function packageVersion(): string {
  const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version?: string;
  };
  return manifest.version ?? 'unknown';
}

export function buildProgram(
  io: CliIo,
  setExit: (code: number) => void,
  commands: readonly CommandRegistration[],
): Command {
  const program = new Command('ferry')
    .description('Delivery pipeline for RPM distributions')
    .version(packageVersion(), '-V, --version', 'print the ferry version')
    .option('-w, --workspace <dir>', 'workspace directory (default: $FERRY_HOME or the current directory)')
    .showHelpAfterError()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .exitOverride();
  for (const register of commands) register(program, io, setExit);
  for (const command of program.commands) command.exitOverride();
  return program;
}

/** Runs the CLI and returns the process exit code (see DESIGN.md, command contract). */
export async function main(argv: readonly string[], io: CliIo = defaultIo): Promise<number> {
  if (io === defaultIo) outputGuard ??= guardClosedOutput();
  let exitCode = 0;
  const standalone = STANDALONE_COMMANDS[argv[0] ?? ''];
  const commands = standalone ? [await standalone()] : (await import('./commands/index.js')).COMMANDS;
  const program = buildProgram(
    io,
    (code) => {
      exitCode = code;
    },
    commands,
  );
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
