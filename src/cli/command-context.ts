import type { Command } from 'commander';

/** What every command action can rely on. Output goes through these so tests can capture it. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

/**
 * A CLI command module: registers its (sub)commands on the program. Actions
 * return the exit code (0 success, 1 the work found a problem); errors are
 * thrown as FerryError and mapped by main().
 */
export type CommandRegistration = (program: Command, io: CliIo, setExit: (code: number) => void) => void;

/** Wraps an async action so its returned exit code reaches main(). */
export function action<A extends unknown[]>(
  setExit: (code: number) => void,
  run: (...args: A) => Promise<number>,
): (...args: A) => Promise<void> {
  return async (...args: A) => {
    setExit(await run(...args));
  };
}

/** The workspace directory from the global `--workspace` option, $FERRY_HOME or the current directory. */
export function workspaceOption(command: Command): string | undefined {
  const opts = command.optsWithGlobals<{ workspace?: string }>();
  return opts.workspace;
}
