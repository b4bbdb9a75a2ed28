import { FerryError } from '../errors.js';
import { ExecError, exec, type ExecResult } from '../util/exec.js';
import { ALLOWED_GIT_PROTOCOLS } from './git-refs.js';

export interface GitOptions {
  /** Milliseconds before git is killed (default 1 hour, as DLRN's `_timeout=3600`). */
  readonly timeoutMs?: number;
  /** Return the result of a non-zero exit instead of throwing. */
  readonly allowFailure?: boolean;
  readonly input?: string;
  /** Extra environment variables (author identity and dates for commits). */
  readonly env?: Readonly<Record<string, string>>;
  readonly signal?: AbortSignal;
}

const DEFAULT_TIMEOUT_MS = 3600 * 1000;

/**
 * Settings that make git's output parseable whatever the user's configuration
 * says: no colours, no signature checks mixed into log output, raw paths.
 */
const STABLE_OUTPUT = [
  '-c',
  'color.ui=never',
  '-c',
  'log.showSignature=false',
  '-c',
  'core.quotePath=false',
  '-c',
  'log.decorate=false',
];

/**
 * Runs `git -C <dir> <args>` through the one exec helper. Never prompts for
 * credentials (a fetch that needs them fails instead of hanging the chaser),
 * only uses the transports in ALLOWED_GIT_PROTOCOLS, and reports failures as
 * FERRY_VCS_FAILED naming the command and git's own message.
 */
export async function runGit(
  dir: string,
  args: readonly string[],
  options: GitOptions = {},
): Promise<ExecResult> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    LC_ALL: 'C',
    LANGUAGE: 'C',
    GIT_TERMINAL_PROMPT: '0',
    GIT_ASKPASS: 'true',
    GIT_ALLOW_PROTOCOL: ALLOWED_GIT_PROTOCOLS.join(':'),
    ...options.env,
  };
  try {
    return await exec('git', ['-C', dir, ...STABLE_OUTPUT, ...args], {
      env,
      timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      allowFailure: options.allowFailure ?? false,
      ...(options.input === undefined ? {} : { input: options.input }),
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
  } catch (error) {
    if (error instanceof ExecError) {
      const message = lastLine(error.result.stderr) || lastLine(error.result.stdout);
      const how = error.result.timedOut ? 'timed out' : `failed (exit ${error.result.exitCode ?? '?'})`;
      throw new FerryError(
        'FERRY_VCS_FAILED',
        `git ${args.find((a) => !a.startsWith('-')) ?? ''} in ${dir} ${how}${message ? `: ${message}` : ''}`,
        { cause: error },
      );
    }
    if (error instanceof FerryError)
      throw new FerryError('FERRY_VCS_FAILED', error.message, { cause: error });
    throw error;
  }
}

/** Runs git and returns its standard output without the trailing newline. */
export async function gitOutput(
  dir: string,
  args: readonly string[],
  options: GitOptions = {},
): Promise<string> {
  const { stdout } = await runGit(dir, args, options);
  return stdout.replace(/\n$/, '');
}

/** Runs git and tells whether it exited 0 (for questions such as "does this ref exist"). */
export async function gitSucceeds(
  dir: string,
  args: readonly string[],
  options: GitOptions = {},
): Promise<boolean> {
  const result = await runGit(dir, args, { ...options, allowFailure: true });
  return result.exitCode === 0;
}

function lastLine(text: string): string {
  const lines = text
    .trim()
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
  return lines.slice(-2).join(' | ');
}
